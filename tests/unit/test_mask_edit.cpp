// mask_edit.hpp: the list a user.aoe.mask edit leaves, and which of this
// host's MACs it would lock out.
#include <catch2/catch.hpp>

#include <vector>

#include "aoefs/fs/mask_edit.hpp"

using aoefs::apply_mask_edit;
using aoefs::macs_left_out;

namespace {
aoe::MacAddress mac(std::uint8_t n) { return {{0x02, 0, 0, 0, 0, n}}; }
aoe::MaskDirective add(std::uint8_t n) {
  return {static_cast<std::uint8_t>(aoe::MaskDirectiveCommand::add), mac(n)};
}
aoe::MaskDirective remove(std::uint8_t n) {
  return {static_cast<std::uint8_t>(aoe::MaskDirectiveCommand::remove), mac(n)};
}
using Macs = std::vector<aoe::MacAddress>;
}  // namespace

TEST_CASE("mask edit: directives apply in order", "[fs][mask]") {
  const std::vector<aoe::MaskDirective> edit = {add(1), add(2), add(1), remove(3), remove(1)};
  CHECK(apply_mask_edit({}, edit) == Macs{mac(2)});
  CHECK(apply_mask_edit({mac(3), mac(4)}, edit) == Macs{mac(4), mac(2)});
  const std::vector<aoe::MaskDirective> readd = {remove(1), add(1)};
  CHECK(apply_mask_edit({mac(1)}, readd) == Macs{mac(1)});
  const std::vector<aoe::MaskDirective> odd = {{7, mac(9)}};  // not add/remove: no change
  CHECK(apply_mask_edit({mac(1)}, odd) == Macs{mac(1)});
}

TEST_CASE("mask edit: which of our MACs a mask leaves out", "[fs][mask]") {
  const Macs own = {mac(1), mac(2)};
  CHECK(macs_left_out({}, own).empty());  // empty mask: everyone may
  CHECK(macs_left_out({mac(1), mac(2), mac(5)}, own).empty());
  CHECK(macs_left_out({mac(5)}, own) == Macs{mac(1), mac(2)});
  CHECK(macs_left_out({mac(2)}, own) == Macs{mac(1)});               // a path of two cut off
  CHECK(macs_left_out({mac(5)}, {mac(1), mac(1)}) == Macs{mac(1)});  // two ports, one MAC
  CHECK(macs_left_out({mac(5)}, {}).empty());
}

TEST_CASE("mask edit: adding another host alone to an empty mask is refused", "[fs][mask]") {
  const std::vector<aoe::MaskDirective> only_them = {add(9)};
  CHECK(macs_left_out(apply_mask_edit({}, only_them), {mac(1)}) == Macs{mac(1)});
  const std::vector<aoe::MaskDirective> both = {add(9), add(1)};
  CHECK(macs_left_out(apply_mask_edit({}, both), {mac(1)}).empty());
  const std::vector<aoe::MaskDirective> clear = {remove(1), remove(9)};
  CHECK(macs_left_out(apply_mask_edit({mac(1), mac(9)}, clear), {mac(1)}).empty());
  const std::vector<aoe::MaskDirective> drop_self = {remove(1)};
  CHECK(macs_left_out(apply_mask_edit({mac(1), mac(9)}, drop_self), {mac(1)}) == Macs{mac(1)});
}
