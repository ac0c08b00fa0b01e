#include "aoefs/settings/setting_keys.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <vector>

namespace aoefs {
namespace {

constexpr std::array kKeys = {
    KeyInfo{"interfaces", KeyKind::interface_list},
    KeyInfo{"discovery_interval", KeyKind::seconds},
    KeyInfo{"dead_timeout", KeyKind::seconds},
    KeyInfo{"identify_interval", KeyKind::seconds},
    KeyInfo{"read_only", KeyKind::flag},
    KeyInfo{"allow_other", KeyKind::flag},
    KeyInfo{"uid", KeyKind::unsigned_id},
    KeyInfo{"gid", KeyKind::unsigned_id},
    KeyInfo{"umask", KeyKind::octal_mode},
    KeyInfo{"cache_size", KeyKind::byte_size},
    KeyInfo{"cache_block_size", KeyKind::byte_size},
    KeyInfo{"cache_read_ahead", KeyKind::byte_size},
    KeyInfo{"cache_expiry", KeyKind::seconds},
    KeyInfo{"read_ahead_kb", KeyKind::kibibytes},
    KeyInfo{"direct_io", KeyKind::flag},
    KeyInfo{"foreground", KeyKind::flag},
    KeyInfo{"debug", KeyKind::flag},
    KeyInfo{"log_level", KeyKind::word},
};

std::optional<bool> parse_flag(std::string_view t) {
  if (t == "true" || t == "yes" || t == "1" || t == "on") return true;
  if (t == "false" || t == "no" || t == "0" || t == "off") return false;
  return std::nullopt;
}

template <class T>
std::optional<T> parse_unsigned(std::string_view t, int base = 10) {
  T v{};
  auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v, base);
  if (t.empty() || ec != std::errc{} || p != t.data() + t.size()) return std::nullopt;
  return v;
}

// Seconds as a decimal number (fractions allowed), > 0 and at most a day.
std::optional<std::chrono::milliseconds> parse_seconds(std::string_view t) {
  std::string s(t);
  if (s.empty() || !(std::isdigit(static_cast<unsigned char>(s[0])) || s[0] == '.'))
    return std::nullopt;
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size() || !std::isfinite(v) || v <= 0 || v > 86400) return std::nullopt;
  const auto ms = std::chrono::milliseconds(static_cast<long long>(std::llround(v * 1000)));
  if (ms.count() == 0) return std::nullopt;
  return ms;
}

std::optional<std::uint64_t> parse_size(std::string_view t) {
  if (t.empty()) return std::nullopt;
  std::uint64_t mult = 1;
  switch (t.back()) {
    case 'K': case 'k': mult = 1ull << 10; break;
    case 'M': case 'm': mult = 1ull << 20; break;
    case 'G': case 'g': mult = 1ull << 30; break;
    default: break;
  }
  if (mult != 1) t.remove_suffix(1);
  auto v = parse_unsigned<std::uint64_t>(t);
  if (!v || *v > (~0ull) / mult) return std::nullopt;
  return *v * mult;
}

bool valid_interface_name(std::string_view n) {
  if (n.empty() || n.size() > 15 || n == "." || n == "..") return false;
  return std::all_of(n.begin(), n.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-' ||
           c == '@';
  });
}

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

std::optional<std::string> apply_key_text(Settings& s, const KeyInfo& key, std::string_view t) {
  const std::string_view n = key.name;
  switch (key.kind) {
    case KeyKind::flag: {
      auto v = parse_flag(t);
      if (!v) return "expected true or false";
      if (n == "read_only") s.read_only = *v;
      else if (n == "allow_other") s.allow_other = *v;
      else if (n == "foreground") s.foreground = *v;
      else if (n == "debug") s.debug = *v;
      else if (n == "direct_io") s.direct_io = *v;
      return std::nullopt;
    }
    case KeyKind::seconds: {
      auto v = parse_seconds(t);
      if (!v) return "expected a number of seconds greater than 0 (at most 86400)";
      if (n == "discovery_interval") s.discovery_interval = *v;
      else if (n == "cache_expiry") s.cache_expiry = *v;
      else if (n == "identify_interval") s.identify_interval = *v;
      else s.dead_timeout = *v;
      return std::nullopt;
    }
    case KeyKind::unsigned_id: {
      auto v = parse_unsigned<std::uint32_t>(t);
      if (!v || *v == 0xffffffffu) return "expected a numeric id (0 to 4294967294)";
      if (n == "uid") s.uid = *v;
      else s.gid = *v;
      return std::nullopt;
    }
    case KeyKind::octal_mode: {
      auto v = parse_unsigned<unsigned>(t, 8);
      if (!v || *v > 0777) return "expected an octal mask such as 022 (at most 777)";
      s.umask = static_cast<mode_t>(*v);
      return std::nullopt;
    }
    case KeyKind::byte_size: {
      auto v = parse_size(t);
      if (!v) return "expected a size in bytes, optionally with K, M or G (e.g. 64M)";
      if (n == "cache_block_size") {
        if (*v == 0 || *v % 512 != 0 || *v > (4u << 20))
          return "expected a multiple of 512 bytes from 512 to 4M (e.g. 64K)";
        s.cache_block_size = static_cast<std::uint32_t>(*v);
      } else if (n == "cache_read_ahead") {
        if (*v > (1ull << 30)) return "expected a size from 0 to 1G (e.g. 4M; 0 = no read-ahead)";
        s.cache_read_ahead = *v;
      } else {
        s.cache_size = *v;
      }
      return std::nullopt;
    }
    case KeyKind::kibibytes: {
      auto v = parse_unsigned<unsigned>(t);
      if (!v || *v > 1024 * 1024) return "expected a number of KiB (0 to 1048576)";
      s.read_ahead_kb = *v;
      return std::nullopt;
    }
    case KeyKind::word: {
      auto v = parse_log_level(t);
      if (!v) return "expected error, warning, info or debug";
      s.log_level = *v;
      return std::nullopt;
    }
    case KeyKind::interface_list: {
      std::vector<std::string> list;
      std::size_t start = 0;
      while (start <= t.size()) {
        const auto colon = t.find(':', start);
        const auto part = t.substr(start, colon == std::string_view::npos ? t.npos : colon - start);
        if (!valid_interface_name(part))
          return "expected interface names separated by ':' (bad name '" + std::string(part) +
                 "')";
        list.emplace_back(part);
        if (colon == std::string_view::npos) break;
        start = colon + 1;
      }
      s.interfaces = std::move(list);
      return std::nullopt;
    }
  }
  return "unsupported key";
}

}  // namespace aoefs
