// The one clock of the protocol core. The engine never reads it itself: the
// driver (initiator.cpp) or a test passes `now` into every call, so unit
// tests run on a manual clock, deterministically, without sleeping.
#pragma once

#include <chrono>

namespace aoe {

using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;
using Duration = Clock::duration;

}  // namespace aoe
