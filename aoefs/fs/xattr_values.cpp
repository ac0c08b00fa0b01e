#include "aoefs/fs/xattr_values.hpp"

#include <array>
#include <cstdio>

#include "protocol/codec/query_config.hpp"

namespace aoefs {
namespace {

constexpr std::array<std::string_view, 12> kNames = {
    "config", "firmware", "buffer_count",     "sectors_per_frame",
    "paths",  "model",    "serial",           "reserve",
    "mask",   "flush",    "firmware_version", "firmware_revision"};

// Splits on spaces, tabs, commas and newlines; empty tokens are skipped.
std::vector<std::string_view> tokens(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  auto sep = [](char c) { return c == ' ' || c == '\t' || c == ',' || c == '\n' || c == '\r'; };
  while (i < s.size()) {
    while (i < s.size() && sep(s[i])) ++i;
    std::size_t j = i;
    while (j < s.size() && !sep(s[j])) ++j;
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

// Lists end with " ...(N more)" rather than grow past kMaxXattrValue: the
// kernel refuses a larger value with E2BIG, and the list's length is up to
// the segment (ports anyone can claim).
std::string joined(const std::vector<std::string>& parts) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const std::string more = " ...(" + std::to_string(parts.size() - i) + " more)";
    if (out.size() + 1 + parts[i].size() + more.size() > kMaxXattrValue) return out + more;
    out += (out.empty() ? "" : " ") + parts[i];
  }
  return out;
}

}  // namespace

std::optional<Xattr> xattr_by_name(std::string_view name) {
  if (!name.starts_with(kXattrPrefix)) return std::nullopt;
  name.remove_prefix(kXattrPrefix.size());
  for (std::size_t i = 0; i < kNames.size(); ++i)
    if (kNames[i] == name) return static_cast<Xattr>(i);
  return std::nullopt;
}

std::string xattr_name(Xattr which) {
  return std::string(kXattrPrefix) + std::string(kNames[static_cast<std::size_t>(which)]);
}

std::string xattr_name_list() {
  std::string out;
  for (std::size_t i = 0; i < kNames.size(); ++i) {
    out += xattr_name(static_cast<Xattr>(i));
    out += '\0';
  }
  return out;
}

bool xattr_writable(Xattr which) {
  return which == Xattr::config || which == Xattr::reserve || which == Xattr::mask;
}

bool xattr_live(Xattr which) { return xattr_writable(which); }

std::string snapshot_xattr_value(Xattr which, const aoe::TargetInfo& info) {
  switch (which) {
    case Xattr::firmware:
    case Xattr::firmware_version: {
      char buf[8];
      std::snprintf(buf, sizeof buf, "0x%04x", info.firmware_version);
      return buf;
    }
    case Xattr::buffer_count:
      return std::to_string(info.buffer_count);
    case Xattr::sectors_per_frame:
      return std::to_string(info.sectors_per_frame);
    case Xattr::paths: {
      std::vector<std::string> parts;
      for (const auto& p : info.paths) parts.push_back(p.interface + "=" + p.mac.to_string());
      return joined(parts);
    }
    case Xattr::model:
      return info.model;
    case Xattr::serial:
      return info.serial;
    case Xattr::firmware_revision:
      return info.firmware;
    case Xattr::config:
      return info.config_string;
    case Xattr::flush:
      return std::string(aoe::flush_mode_text(info.flush_mode));
    case Xattr::reserve:
    case Xattr::mask:
      break;
  }
  return {};
}

std::string format_mac_list(const std::vector<aoe::MacAddress>& macs) {
  std::vector<std::string> parts;
  for (const auto& m : macs) parts.push_back(m.to_string());
  return joined(parts);
}

std::string format_mask_list(const aoe::MacMaskMessage& mask) {
  std::vector<aoe::MacAddress> macs;
  for (const auto& d : mask.directives) macs.push_back(d.mac);
  return format_mac_list(macs);
}

std::error_code check_config_value(std::string_view value) {
  if (value.size() > aoe::kMaxConfigString)
    return std::make_error_code(std::errc::invalid_argument);
  return {};
}

std::optional<ReserveRequest> parse_reserve_value(std::string_view value) {
  ReserveRequest r;
  auto words = tokens(value);
  if (!words.empty() && words.front() == "force") {
    r.force = true;
    words.erase(words.begin());
  }
  for (auto w : words) {
    auto mac = aoe::MacAddress::parse(w);
    if (!mac) return std::nullopt;
    r.macs.push_back(*mac);
  }
  return r;
}

std::optional<std::vector<aoe::MaskDirective>> parse_mask_value(std::string_view value) {
  std::vector<aoe::MaskDirective> out;
  for (auto w : tokens(value)) {
    if (w.size() < 2 || (w[0] != '+' && w[0] != '-')) return std::nullopt;
    auto mac = aoe::MacAddress::parse(w.substr(1));
    if (!mac) return std::nullopt;
    const auto cmd =
        w[0] == '+' ? aoe::MaskDirectiveCommand::add : aoe::MaskDirectiveCommand::remove;
    out.push_back({static_cast<std::uint8_t>(cmd), *mac});
  }
  if (out.empty()) return std::nullopt;
  return out;
}

std::error_code mask_error(std::uint8_t merror) {
  switch (static_cast<aoe::MaskError>(merror)) {
    case aoe::MaskError::none:
      return {};
    case aoe::MaskError::bad_directive:
      return std::make_error_code(std::errc::invalid_argument);
    case aoe::MaskError::list_full:
      return std::make_error_code(std::errc::no_space_on_device);
    case aoe::MaskError::unspecified:
      break;
  }
  return std::make_error_code(std::errc::io_error);
}

}  // namespace aoefs
