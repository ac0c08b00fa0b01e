// Settings: the daemon's configuration after merging defaults, the TOML file
// and the -o options (in that order, later wins). Plain data.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "aoefs/util/log.hpp"

namespace aoefs {

// Where the statistics are served over HTTP (metrics_listen).
struct ListenAddress {
  std::string address;  // numeric IPv4 or IPv6, without brackets
  std::uint16_t port = 0;
  bool operator==(const ListenAddress&) const = default;
};

struct Settings {
  std::vector<std::string> interfaces;  // empty: every up, non-loopback Ethernet interface
  std::chrono::milliseconds discovery_interval{10'000};
  std::chrono::milliseconds dead_timeout{60'000};  // 0: retry for ever
  // A target down this long stops being a file of the mount; 0: never
  // (as the Linux driver keeps down devices until aoe-flush).
  std::chrono::milliseconds forget_after{0};
  // A discovery answer re-IDENTIFIes a target (new capacity?) this long after the last IDENTIFY.
  std::chrono::milliseconds identify_interval{30'000};
  bool read_only = false;
  bool allow_other = false;
  std::optional<uid_t> uid;  // empty: the mounting user
  std::optional<gid_t> gid;  // empty: the mounting user's group
  mode_t umask = 0177;       // file mode = 0666 & ~umask (0600)
  // Block cache (cache/README.md): budget for all targets (0 = no cache,
  // no daemon read-ahead), block size, largest read-ahead window of one
  // open file, and how long a cached block may answer (other hosts' writes
  // become visible after at most this long).
  std::uint64_t cache_size = 64ull << 20;
  // 256 KiB: a sequential stream costs one target read per block; with
  // smaller blocks those reads cost more than the cache saves (README.md,
  // Status, Speed).
  std::uint32_t cache_block_size = 256u << 10;
  std::uint64_t cache_read_ahead = 4ull << 20;
  std::chrono::milliseconds cache_expiry{3'000};
  unsigned read_ahead_kb = 1024;
  // false: reads go through the kernel page cache (read-ahead, dropped at
  // every open), writes are write-through; true: every read and write
  // reaches the daemon (no kernel caching at all).
  bool direct_io = false;
  bool io_uring = false;  // FUSE over io_uring when the kernel offers it
  // A read or write alone in flight is answered on the FUSE thread that
  // received it (InitiatorOptions::answer_on_caller).
  bool answer_on_caller = false;
  bool foreground = false;
  bool debug = false;  // log every request (implies foreground, log_level debug)
  LogLevel log_level = LogLevel::info;
  // Off unless set; only an address the admin writes is other than loopback.
  std::optional<ListenAddress> metrics_listen;
  // Bounds against a hostile or broken segment (anyone may answer): targets
  // kept, ports per target, how long a port may stay silent before it is
  // dropped, and at most one log line per interval about refused and
  // unmatched frames (protocol/engine.hpp).
  unsigned max_targets = 1024;
  unsigned max_paths = 16;
  std::chrono::milliseconds path_timeout{60'000};
  std::chrono::milliseconds unmatched_log_interval{60'000};
  // How long a socket is polled for answers before its thread sleeps
  // (protocol/io/raw_socket_link.hpp, "Busy polling"); 0: never. The same
  // value as RawSocketLink::kDefaultBusyPoll, which settings/ may not include
  // (tests/unit/test_options.cpp holds the two equal).
  std::chrono::microseconds busy_poll{50};

  // Field by field; tests use it to see which field a key changed.
  friend bool operator==(const Settings&, const Settings&) = default;
};

}  // namespace aoefs
