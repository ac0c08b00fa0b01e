#include "aoefs/fs/errno_mapping.hpp"

#include <cerrno>

#include "protocol/codec/ata.hpp"
#include "protocol/codec/error.hpp"

namespace aoefs {

int to_errno(const std::error_code& ec) {
  if (!ec) return 0;
  const auto& cat = ec.category();
  if (cat == std::generic_category() || cat == std::system_category())
    return ec.value() > 0 ? ec.value() : EIO;
  if (cat == aoe::aoe_category()) {
    switch (static_cast<aoe::AoeErrc>(ec.value())) {
      case aoe::AoeErrc::config_string_present:
        return EBUSY;
      case aoe::AoeErrc::target_reserved:
        return EACCES;
      case aoe::AoeErrc::device_unavailable:
        return ENXIO;
      case aoe::AoeErrc::unrecognized_command:
      case aoe::AoeErrc::bad_argument:
      case aoe::AoeErrc::unsupported_version:
        return EIO;
    }
    return EIO;
  }
  if (cat == aoe::ata_category()) {
    // IDNF: the sector does not exist — the disk is smaller than asked.
    if (aoe::ata_error_of(ec) & aoe::ata_error::idnf) return ENOSPC;
    return EIO;
  }
  if (cat == aoe::initiator_category()) {
    switch (static_cast<aoe::InitiatorErrc>(ec.value())) {
      case aoe::InitiatorErrc::timeout:
      case aoe::InitiatorErrc::target_down:
      case aoe::InitiatorErrc::bad_response:
      case aoe::InitiatorErrc::link_failure:
        return EIO;
      case aoe::InitiatorErrc::no_such_target:
        return ENXIO;
      case aoe::InitiatorErrc::out_of_range:
        return ENOSPC;
      case aoe::InitiatorErrc::invalid_argument:
        return EINVAL;
      case aoe::InitiatorErrc::cancelled:
        return EINTR;
      case aoe::InitiatorErrc::read_only:
        return EROFS;
      case aoe::InitiatorErrc::not_supported:
        return EOPNOTSUPP;
      case aoe::InitiatorErrc::too_large:
        return E2BIG;
    }
    return EIO;
  }
  return EIO;
}

}  // namespace aoefs
