// The headers of what a target sends (AoE r11 §2). An answer is its request
// turned around: to the request's source, from the target's port, the
// Response flag set; tag, shelf.slot, command and version stay as the
// request had them (the initiator matches answers by them).
#pragma once

#include <cstdint>

#include "protocol/codec/header.hpp"

namespace aoetest {

// The request's header turned around, its Error flag and error byte
// included: vblade answers in the request's own buffer, so an E flag set in
// a request comes back (FakeTarget, and the forger that passes for a disk).
aoe::Header turned_around(const aoe::Header& request, const aoe::MacAddress& from);

// turned_around() with the Error flag and error byte cleared: an answer that
// reports no error unless its sender sets one.
aoe::Header answer_header(const aoe::Header& request, const aoe::MacAddress& from);

// An unsolicited answer to everyone (to ff:ff:ff:ff:ff:ff): a target's
// start-up Query Config announcement, a forger's claim.
aoe::Header broadcast_answer_header(const aoe::MacAddress& from, aoe::TargetAddress target,
                                    aoe::Command command, std::uint32_t tag = 0);

}  // namespace aoetest
