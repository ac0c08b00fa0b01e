#include <catch2/catch.hpp>

#include <cerrno>

#include "aoefs/fs/errno_mapping.hpp"
#include "protocol/codec/error.hpp"

using aoefs::to_errno;

TEST_CASE("errno mapping at the FUSE edge") {
  CHECK(to_errno({}) == 0);
  CHECK(to_errno(aoe::InitiatorErrc::timeout) == EIO);
  CHECK(to_errno(aoe::InitiatorErrc::target_down) == EIO);
  CHECK(to_errno(aoe::InitiatorErrc::no_such_target) == ENXIO);
  CHECK(to_errno(aoe::InitiatorErrc::out_of_range) == ENOSPC);
  CHECK(to_errno(aoe::InitiatorErrc::read_only) == EROFS);
  CHECK(to_errno(aoe::AoeErrc::config_string_present) == EBUSY);
  CHECK(to_errno(aoe::AoeErrc::target_reserved) == EACCES);
  CHECK(to_errno(aoe::AoeErrc::device_unavailable) == ENXIO);
  CHECK(to_errno(aoe::make_aoe_error(77)) == EIO);
  CHECK(to_errno(aoe::make_ata_error(0x51, 0x10)) == ENOSPC);  // IDNF
  CHECK(to_errno(aoe::make_ata_error(0x51, 0x40)) == EIO);     // UNC
  CHECK(to_errno(std::make_error_code(std::errc::no_space_on_device)) == ENOSPC);
  CHECK(to_errno(std::error_code(EPERM, std::system_category())) == EPERM);
}
