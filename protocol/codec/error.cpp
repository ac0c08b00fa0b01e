#include "protocol/codec/error.hpp"

#include <cstdio>

namespace aoe {
namespace {

class AoeCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "aoe"; }
  std::string message(int code) const override {
    switch (static_cast<AoeErrc>(code)) {
      case AoeErrc::unrecognized_command:
        return "AoE error 1: unrecognized command code";
      case AoeErrc::bad_argument:
        return "AoE error 2: bad argument parameter";
      case AoeErrc::device_unavailable:
        return "AoE error 3: device unavailable";
      case AoeErrc::config_string_present:
        return "AoE error 4: config string present";
      case AoeErrc::unsupported_version:
        return "AoE error 5: unsupported version";
      case AoeErrc::target_reserved:
        return "AoE error 6: target is reserved";
    }
    return "unknown AoE error " + std::to_string(code);
  }
};

class AtaCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "ata"; }
  std::string message(int code) const override {
    char buf[96];
    const unsigned status = (code >> 8) & 0xff, error = code & 0xff;
    const char* what = "ATA error";
    if (error & 0x04)
      what = "ATA command aborted";
    else if (error & 0x10)
      what = "ATA sector ID not found";
    else if (error & 0x40)
      what = "ATA uncorrectable data";
    std::snprintf(buf, sizeof buf, "%s (status 0x%02x, error 0x%02x)", what, status, error);
    return buf;
  }
};

class InitiatorCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "aoe-initiator"; }
  std::string message(int code) const override {
    switch (static_cast<InitiatorErrc>(code)) {
      case InitiatorErrc::timeout:
        return "target did not answer before the dead timeout";
      case InitiatorErrc::target_down:
        return "target is down";
      case InitiatorErrc::no_such_target:
        return "no such AoE target";
      case InitiatorErrc::out_of_range:
        return "range lies past the end of the target";
      case InitiatorErrc::invalid_argument:
        return "invalid argument";
      case InitiatorErrc::bad_response:
        return "target sent a malformed answer";
      case InitiatorErrc::link_failure:
        return "network interface failure";
      case InitiatorErrc::cancelled:
        return "operation cancelled";
      case InitiatorErrc::read_only:
        return "target is read-only";
      case InitiatorErrc::not_supported:
        return "the target does not support this command";
      case InitiatorErrc::too_large:
        return "the request does not fit one frame on this interface";
    }
    return "unknown initiator error " + std::to_string(code);
  }
};

}  // namespace

const std::error_category& aoe_category() noexcept {
  static const AoeCategory c;
  return c;
}
const std::error_category& ata_category() noexcept {
  static const AtaCategory c;
  return c;
}
const std::error_category& initiator_category() noexcept {
  static const InitiatorCategory c;
  return c;
}

}  // namespace aoe
