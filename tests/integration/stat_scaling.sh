#!/usr/bin/env bash
# `aoefs stat` on a synthetic .stats of 1,000 targets (contrib/bench/stat-scaling
# --check, once): it completes and prints a row per target, plain and in the
# first --watch interval. Asserts no time: the benchmark prints the figures.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
BUILD=${AOEFS_BUILD_DIR:-$HERE/../../build}
out=$("$HERE/../../contrib/bench/stat-scaling" "$BUILD" --counts 1000 --repeat 1 --check) || {
  echo "FAIL: stat-scaling --check on 1000 targets" >&2
  exit 1
}
echo "$out"
grep -Eq '^ +1000 ' <<<"$out" || { echo "FAIL: no row for 1000 targets" >&2; exit 1; }
echo PASS
