#include "aoefs/cli/usage.hpp"

namespace aoefs {

std::string_view usage_text() {
  return R"(usage: aoefs [-f] [-d] [--config FILE | --instance NAME] [-o OPT[,OPT...]]
              [SOURCE] MOUNTPOINT
       aoefs discover [-i IFACE]... [--wait MS] [TABLE-OPTIONS]
       aoefs stat [--watch [SECONDS]] [--active] [TABLE-OPTIONS] MOUNTPOINT [TARGET...]
       aoefs list [--wait MS] [TABLE-OPTIONS]
       aoefs unlock eSHELF.SLOT --force [-i IFACE]... [--wait MS]
       aoefs --help | help | --version

Mounts every ATA-over-Ethernet target found on the network as a regular file
MOUNTPOINT/e<shelf>.<slot> whose size is the target's capacity. SOURCE (the
first field of an fstab line, e.g. "aoefs") is accepted and ignored.

options:
  -f, --foreground        stay in the foreground (same as -o foreground)
  -d, --debug             log every request, stay in the foreground
                          (same as -o debug)
  -c, --config FILE       configuration file (default /etc/aoefs/aoefs.toml;
                          a missing default file is fine, a missing --config
                          file is an error; the old /etc/aoefs.toml is read,
                          with a warning, when the new one does not exist)
      --instance NAME     read /etc/aoefs/NAME.toml when it exists, else the
                          default (aoefs@NAME.service passes its instance)
  -o OPT[,OPT...]         mount options; they override the configuration file
  -h, --help              print this help and exit
  -V, --version           print the version and exit

mount options (-o) and configuration-file keys (same names):
  interfaces=IF1:IF2      Ethernet interfaces to use, colon-separated
                          (TOML: array of strings or "IF1:IF2"; default: every
                          up, non-loopback Ethernet interface)
  discovery_interval=S    seconds between discovery broadcasts (at least 0.1;
                          default 10)
  dead_timeout=S          seconds without an answer before I/O fails with EIO
                          and the target is marked down; 0 = retry for ever
                          (default 60)
  forget_after=S          seconds after which a down target's file goes;
                          0 = never (default; setfattr -n user.aoe.forget)
  max_targets=N           targets kept at most; more are ignored and counted
                          (default 1024)
  max_paths=N             ports per target at most, unconfirmed ones included
                          (default 16)
  path_timeout=S          seconds a port may stay silent before it is dropped
                          (while the target has another; default 60)
  unmatched_log_interval=S  at most one log line per S seconds about unmatched
                          frames and refused targets/ports (default 60)
  identify_interval=S     seconds after which a discovery answer makes aoefs
                          ask the target's size again (IDENTIFY), so a
                          resized target's file follows (default 30)
  ro                      read-only mount (TOML: read_only = true)
  rw                      read-write mount (TOML: read_only = false; default)
  allow_other             let other users access the files (TOML:
                          allow_other = true)
  uid=N                   owner of the target files (default: the mounting user)
  gid=N                   group of the target files (default: the mounting
                          user's group)
  umask=OOO               octal mask removed from mode 0666 (default 0177,
                          i.e. mode 0600)
  cache_size=N[K|M|G|T]   block cache budget for all targets together
                          (default 64M; 0 = no cache and no daemon read-ahead,
                          for targets other hosts write to; at most the
                          machine's physical memory)
  cache_block_size=N[K]   bytes per cached block, a multiple of 512 (default 256K)
  cache_read_ahead=N[K|M] largest read-ahead window of one open file (default
                          4M; 0 = none)
  cache_expiry=S          seconds a cached block may answer before it is read
                          again, so other hosts' writes show (default 3)
  read_ahead_kb=N         kernel read-ahead of the mount in KiB (default 1024;
                          set in the mount's bdi, /sys/class/bdi/*/read_ahead_kb)
  direct_io               bypass the kernel page cache: every read reaches the
                          target (TOML: direct_io = true; default false: reads
                          are cached and read ahead, the cache is dropped at
                          every open; writes always reach the target first)
  io_uring                serve FUSE requests over io_uring when the kernel
                          offers it (fuse module parameter enable_uring=Y);
                          else /dev/fuse; the log says which (TOML: io_uring
                          = true; default false)
  answer_on_caller        a read or write alone in flight is sent and answered
                          on the FUSE thread that received it, not the io
                          thread (default false; README.md, "Request stages")
  busy_poll=US            microseconds to poll the socket for answers before
                          sleeping, 0 to 1000 (default 50; 0: never poll)
  foreground              stay in the foreground (TOML: foreground = true)
  debug                   log every request (TOML: debug = true)
  log_level=L             error, warning, notice, info (default) or debug;
                          stderr in the foreground (with <N> priorities when
                          it is the journal), the journal or syslog in the
                          background
  metrics_listen=ADDR:PORT
                          serve the statistics (.stats) over HTTP at
                          http://ADDR:PORT/metrics for Prometheus (default:
                          off; ADDR is an IPv4 address or [IPv6]; PORT alone
                          means 127.0.0.1:PORT)
  Passed to FUSE: auto_unmount, fsname=NAME, subtype=NAME, and the generic
  mount flags dev, nodev, suid, nosuid, exec, noexec, atime, noatime, sync,
  async, dirsync (default_permissions is always on).
  Accepted and ignored (fstab): defaults, _netdev, auto, noauto, nofail, user,
  users, nouser, owner, group, x-*, comment=*, relatime (the default).
  Any other option is an error.

Without CAP_NET_RAW (an ordinary user), aoefs gets its sockets from the
setuid helper <prefix>/libexec/aoefs/aoefs-helper, as allowed by its policy
<prefix>/etc/aoefs/helper.toml (/etc/aoefs/helper.toml for prefix /usr);
the mount goes through fusermount3. See aoefs(8) and the README,
/usr/share/doc/aoefs/README.md (<prefix>/share/doc/aoefs/README.md).

An invalid file or option prints one message naming the key (and line) and
exits with code 2; nothing is mounted.

  aoefs discover          lists the targets found, a line each (see
                          `aoefs discover --help`); exit 1 when none answered
  aoefs stat MOUNTPOINT [TARGET...]
                          per-target statistics of a mount as a table; TARGET:
                          names or regular expressions (the raw Prometheus
                          text: cat MOUNTPOINT/.stats)
  aoefs stat --watch [SECONDS] [--active] MOUNTPOINT
                          per target every SECONDS (default 1) until Ctrl-C:
                          IOPS, MB/s, p50/p99 latency (ms), retransmits
  aoefs list              every aoefs mount of this host: pid, interfaces,
                          targets, settings; a daemon not answering: dead
  TABLE-OPTIONS (as lsblk): -o COLUMNS, --list-columns, -J/--json, -r/--raw,
                          -n/--noheadings, -b/--bytes
  aoefs unlock e1.0 --force
                          clears a target's config string, e.g. the flock lock
                          string a crashed holder left (see README: Locks)
)";
}

std::string_view version_text() { return "aoefs " AOEFS_VERSION "\n"; }

std::string_view version_number() { return AOEFS_VERSION; }

}  // namespace aoefs
