#include "aoefs/settings/setting_keys.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <vector>

#include "aoefs/util/human_size.hpp"
#include "aoefs/util/interface_name.hpp"
#include "aoefs/util/wire_text.hpp"
#include <arpa/inet.h>
#include <unistd.h>

namespace aoefs {
namespace {

// Parsers of the text forms. Each returns the value or what was expected.

Expected<bool> parse_flag(std::string_view t) {
  if (t == "true" || t == "yes" || t == "1" || t == "on") return true;
  if (t == "false" || t == "no" || t == "0" || t == "off") return false;
  return Error{"expected true or false"};
}

template <class T>
std::optional<T> parse_unsigned(std::string_view t, int base = 10) {
  T v{};
  auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v, base);
  if (t.empty() || ec != std::errc{} || p != t.data() + t.size()) return std::nullopt;
  return v;
}

// Seconds as a decimal number (fractions allowed), > 0 and at most a day.
Expected<std::chrono::milliseconds> parse_seconds(std::string_view t) {
  const Error expected{"expected a number of seconds greater than 0 (at most 86400)"};
  std::string s(t);
  if (s.empty() || !(std::isdigit(static_cast<unsigned char>(s[0])) || s[0] == '.'))
    return expected;
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size() || !std::isfinite(v) || v <= 0 || v > 86400) return expected;
  const auto ms = std::chrono::milliseconds(static_cast<long long>(std::llround(v * 1000)));
  if (ms.count() == 0) return expected;
  return ms;
}

// A user or group id; 4294967295 is (uid_t)-1, "no change" to chown(2).
Expected<std::uint32_t> parse_id(std::string_view t) {
  auto v = parse_unsigned<std::uint32_t>(t);
  if (!v || *v == 0xffffffffu) return Error{"expected a numeric id (0 to 4294967294)"};
  return *v;
}

Expected<mode_t> parse_octal_mask(std::string_view t) {
  auto v = parse_unsigned<unsigned>(t, 8);
  if (!v || *v > 0777) return Error{"expected an octal mask such as 022 (at most 777)"};
  return static_cast<mode_t>(*v);
}

// Bytes, optionally with a K, M, G or T suffix (powers of 1024); a value
// past 2^64 - 1 is refused, not wrapped.
Expected<std::uint64_t> parse_size(std::string_view t) {
  const Error expected{"expected a size in bytes, optionally with K, M, G or T (e.g. 64M)"};
  if (t.empty()) return expected;
  std::uint64_t mult = 1;
  switch (t.back()) {
    case 'K':
    case 'k':
      mult = 1ull << 10;
      break;
    case 'M':
    case 'm':
      mult = 1ull << 20;
      break;
    case 'G':
    case 'g':
      mult = 1ull << 30;
      break;
    case 'T':
    case 't':
      mult = 1ull << 40;
      break;
    default:
      break;
  }
  if (mult != 1) t.remove_suffix(1);
  auto v = parse_unsigned<std::uint64_t>(t);
  if (!v || *v > (~0ull) / mult) return expected;
  return *v * mult;
}

Expected<unsigned> parse_kibibytes(std::string_view t) {
  auto v = parse_unsigned<unsigned>(t);
  if (!v || *v > 1024 * 1024) return Error{"expected a number of KiB (0 to 1048576)"};
  return *v;
}

// A positive count of things (a limit such as max_targets).
Expected<unsigned> parse_count(std::string_view t) {
  auto v = parse_unsigned<unsigned>(t);
  if (!v || *v == 0 || *v > 65536) return Error{"expected a count from 1 to 65536"};
  return *v;
}

// busy_poll: microseconds; past a millisecond a poll costs more CPU than
// any wakeup it saves.
Expected<std::chrono::microseconds> parse_busy_poll(std::string_view t) {
  auto v = parse_unsigned<unsigned>(t);
  if (!v || *v > 1000) return Error{"expected microseconds from 0 (never poll) to 1000"};
  return std::chrono::microseconds(*v);
}

Expected<LogLevel> parse_level(std::string_view t) {
  auto v = parse_log_level(t);
  if (!v) return Error{"expected error, warning, notice, info or debug"};
  return *v;
}

// Seconds as parse_seconds, or 0, which means `zero` (dead_timeout: retry
// for ever, as the Linux driver's aoe_deadsecs=0; forget_after: never).
Expected<std::chrono::milliseconds> parse_seconds_or_zero(std::string_view t, const char* zero) {
  if (t == "0") return std::chrono::milliseconds(0);
  auto v = parse_seconds(t);
  if (!v) return Error{v.error().message + ", or 0 " + zero};
  return v;
}

// discovery_interval: every broadcast reaches every target on the segment
// and is answered by each; ten a second is already more than any shelf needs.
inline constexpr std::chrono::milliseconds kMinDiscoveryInterval{100};
Expected<std::chrono::milliseconds> parse_discovery_interval(std::string_view t) {
  auto v = parse_seconds(t);
  if (v && *v < kMinDiscoveryInterval)
    return Error{"at least 0.1 seconds (each round is a broadcast every target answers)"};
  return v;
}

// "IF1:IF2:...", each a valid interface name (util/interface_name.hpp),
// each once: a name listed twice would open two sockets on one interface
// and count every answer twice.
Expected<std::vector<std::string>> parse_interface_list(std::string_view t) {
  std::vector<std::string> list;
  std::size_t start = 0;
  while (start <= t.size()) {
    const auto colon = t.find(':', start);
    const auto part = t.substr(start, colon == std::string_view::npos ? t.npos : colon - start);
    if (!is_valid_interface_name(part))
      return Error{"expected interface names separated by ':' (bad name '" + printable(part) +
                   "')"};
    if (std::find(list.begin(), list.end(), part) != list.end())
      return Error{"interface '" + printable(part) + "' is listed twice"};
    list.emplace_back(part);
    if (colon == std::string_view::npos) break;
    start = colon + 1;
  }
  return list;
}

// metrics_listen: "PORT" (127.0.0.1), "IPV4:PORT", "[IPV6]:PORT",
// "localhost:PORT"; numeric addresses only, so no name lookup at mount.
std::optional<ListenAddress> parse_listen_address(std::string_view t) {
  std::string_view host = "127.0.0.1", port_text = t;
  if (const auto colon = t.rfind(':'); colon != std::string_view::npos) {
    host = t.substr(0, colon);
    port_text = t.substr(colon + 1);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
      host = host.substr(1, host.size() - 2);
      in6_addr a6{};
      if (!inet_pton(AF_INET6, std::string(host).c_str(), &a6)) return std::nullopt;
    } else {
      if (host == "localhost") host = "127.0.0.1";
      in_addr a4{};
      if (!inet_pton(AF_INET, std::string(host).c_str(), &a4)) return std::nullopt;
    }
  }
  auto port = parse_unsigned<std::uint16_t>(port_text);
  if (!port || *port == 0) return std::nullopt;
  return ListenAddress{std::string(host), *port};
}

// The machine's physical memory in bytes; 0 when the system does not say.
std::uint64_t physical_memory_bytes() {
  const long pages = ::sysconf(_SC_PHYS_PAGES);
  const long page_size = ::sysconf(_SC_PAGESIZE);
  if (pages <= 0 || page_size <= 0) return 0;
  return static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(page_size);
}

// cache_size: at most the machine's memory. The budget is what the cache
// may hold at once; more than all of memory is a typo (64G for 64M) that
// would otherwise show up only later, as the OOM killer.
Expected<std::uint64_t> parse_cache_size(std::string_view t) {
  auto v = parse_size(t);
  if (!v) return v;
  const std::uint64_t memory = physical_memory_bytes();
  if (memory != 0 && *v > memory)
    return Error{human_size(*v) + " is more than this machine's " + human_size(memory) +
                 " of memory (0 turns the cache off)"};
  return v;
}

// `parsed`, unless it parsed but `ok` refuses it: then `expected`.
template <class T, class Check>
Expected<T> checked(Expected<T> parsed, Check ok, const char* expected) {
  if (parsed && !ok(*parsed)) return Error{expected};
  return parsed;
}

// Stores a parsed value into its field (the range was checked while parsing).
template <class T, class Field>
Expected<void> store(Expected<T> parsed, Field& field) {
  if (!parsed) return parsed.error();
  field = static_cast<Field>(std::move(*parsed));
  return {};
}

using S = Settings;
using Text = std::string_view;

// The keys, in the order the documentation lists them; one row per key:
// name, kind, and how its text is parsed, checked and stored.
constexpr KeyInfo kKeys[] = {
    {"interfaces", KeyKind::interface_list,
     [](S& s, Text t) { return store(parse_interface_list(t), s.interfaces); }},
    {"discovery_interval", KeyKind::seconds,
     [](S& s, Text t) { return store(parse_discovery_interval(t), s.discovery_interval); }},
    {"dead_timeout", KeyKind::seconds,
     [](S& s, Text t) {
       return store(parse_seconds_or_zero(t, "to retry for ever"), s.dead_timeout);
     }},
    {"forget_after", KeyKind::seconds,
     [](S& s, Text t) { return store(parse_seconds_or_zero(t, "for never"), s.forget_after); }},
    {"identify_interval", KeyKind::seconds,
     [](S& s, Text t) { return store(parse_seconds(t), s.identify_interval); }},
    {"read_only", KeyKind::flag, [](S& s, Text t) { return store(parse_flag(t), s.read_only); }},
    {"allow_other", KeyKind::flag,
     [](S& s, Text t) { return store(parse_flag(t), s.allow_other); }},
    {"uid", KeyKind::unsigned_id, [](S& s, Text t) { return store(parse_id(t), s.uid); }},
    {"gid", KeyKind::unsigned_id, [](S& s, Text t) { return store(parse_id(t), s.gid); }},
    {"umask", KeyKind::octal_mode,
     [](S& s, Text t) { return store(parse_octal_mask(t), s.umask); }},
    {"cache_size", KeyKind::byte_size,
     [](S& s, Text t) { return store(parse_cache_size(t), s.cache_size); }},
    {"cache_block_size", KeyKind::byte_size,
     [](S& s, Text t) {
       const auto ok = [](std::uint64_t v) { return v != 0 && v % 512 == 0 && v <= (4u << 20); };
       return store(checked(parse_size(t), ok,
                            "expected a multiple of 512 bytes from 512 to 4M (e.g. 256K)"),
                    s.cache_block_size);
     }},
    {"cache_read_ahead", KeyKind::byte_size,
     [](S& s, Text t) {
       return store(checked(
                        parse_size(t), [](std::uint64_t v) { return v <= (1ull << 30); },
                        "expected a size from 0 to 1G (e.g. 4M; 0 = no read-ahead)"),
                    s.cache_read_ahead);
     }},
    {"cache_expiry", KeyKind::seconds,
     [](S& s, Text t) { return store(parse_seconds(t), s.cache_expiry); }},
    {"read_ahead_kb", KeyKind::kibibytes,
     [](S& s, Text t) { return store(parse_kibibytes(t), s.read_ahead_kb); }},
    {"direct_io", KeyKind::flag, [](S& s, Text t) { return store(parse_flag(t), s.direct_io); }},
    {"io_uring", KeyKind::flag, [](S& s, Text t) { return store(parse_flag(t), s.io_uring); }},
    {"answer_on_caller", KeyKind::flag,
     [](S& s, Text t) { return store(parse_flag(t), s.answer_on_caller); }},
    {"foreground", KeyKind::flag, [](S& s, Text t) { return store(parse_flag(t), s.foreground); }},
    {"debug", KeyKind::flag, [](S& s, Text t) { return store(parse_flag(t), s.debug); }},
    {"log_level", KeyKind::word, [](S& s, Text t) { return store(parse_level(t), s.log_level); }},
    // Bounds against a hostile or broken segment (protocol/engine.hpp).
    {"max_targets", KeyKind::count,
     [](S& s, Text t) { return store(parse_count(t), s.max_targets); }},
    {"max_paths", KeyKind::count, [](S& s, Text t) { return store(parse_count(t), s.max_paths); }},
    {"path_timeout", KeyKind::seconds,
     [](S& s, Text t) { return store(parse_seconds(t), s.path_timeout); }},
    {"unmatched_log_interval", KeyKind::seconds,
     [](S& s, Text t) { return store(parse_seconds(t), s.unmatched_log_interval); }},
    {"busy_poll", KeyKind::microseconds,
     [](S& s, Text t) { return store(parse_busy_poll(t), s.busy_poll); }},
    {"metrics_listen", KeyKind::listen_address,
     [](S& s, Text t) -> Expected<void> {
       if (t == "off") {
         s.metrics_listen.reset();
         return {};
       }
       auto v = parse_listen_address(t);
       if (!v)
         return Error{
             "expected ADDR:PORT with a numeric IPv4 address or [IPv6], PORT alone "
             "(127.0.0.1), or off (e.g. 127.0.0.1:9101)"};
       s.metrics_listen = std::move(*v);
       return {};
     }},
};

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

}  // namespace

std::span<const KeyInfo> all_keys() { return kKeys; }

const KeyInfo* find_key(std::string_view name) {
  for (const auto& k : kKeys)
    if (k.name == name) return &k;
  return nullptr;
}

std::string_view closest_key(std::string_view name) {
  std::string_view best;
  std::size_t best_d = 3;  // suggest only near misses
  for (const auto& k : kKeys) {
    const auto d = edit_distance(name, k.name);
    if (d < best_d) {
      best_d = d;
      best = k.name;
    }
  }
  return best;
}

}  // namespace aoefs
