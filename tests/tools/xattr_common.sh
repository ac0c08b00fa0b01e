# shellcheck shell=bash
# Config strings and attributes seen from outside the daemon, for the lock
# and attribute tests (fs_locks.sh, fs_lock_guards.sh). On top of fs_common.sh.

# cfg NS [SLOT]: the config string of e1.SLOT as aoecfg in NS reads it; fails
# on no answer (aoecfg then prints nothing and still exits 0).
cfg() {
  local out
  out=$(ip netns exec "$1" aoecfg -t 3 -c read 1 "${2:-0}" aoe0; echo .)
  [ "$out" != . ] || fs_fail "aoecfg in $1: no answer from e1.${2:-0}"
  out=${out%.}
  printf '%s' "${out%$'\n'}"
}
# xattr FILE NAME: the value, or the error text.
xattr() { getfattr --absolute-names --only-values -n "$2" "$1" 2>&1; }
# set_fails FILE NAME VALUE ERRTEXT [SECONDS]: setfattr must fail with that
# error, within SECONDS (default 10; a generous bound, not a measurement).
set_fails() {
  local out start=$SECONDS
  if out=$(setfattr -n "$2" -v "$3" "$1" 2>&1); then fs_fail "setfattr $2='${3:0:40}' succeeded"; fi
  grep -q "$4" <<<"$out" || fs_fail "setfattr $2='${3:0:40}': expected '$4', got: $out"
  [ $((SECONDS - start)) -le "${5:-10}" ] || fs_fail "setfattr $2 took $((SECONDS - start)) s to fail"
}
