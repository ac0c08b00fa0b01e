// Result<T>: a value or a DecodeError, the codec's return type (the
// project's one Expected, expected.hpp).
#pragma once

#include "protocol/codec/expected.hpp"

namespace aoe {

enum class DecodeErrc {
  truncated,           // frame ends before a fixed field or a counted list
  wrong_ethertype,     // not 0x88A2
  wrong_version,       // AoE version field is not 1
  length_mismatch,     // a length/count field disagrees with the frame size
  field_out_of_range,  // a field holds an impossible value (e.g. config len > 1024)
  unknown_command,     // AoE command with no decoder (kept as raw payload by decode())
  buffer_too_small,    // encode: output buffer cannot hold the frame
};

// What is wrong, for logs and tests. `what` is a static string naming the
// field, e.g. "query config: string length 1025 exceeds 1024".
struct DecodeError {
  DecodeErrc code;
  const char* what;
};

// The codec's results: expected.hpp with the decoder's error.
template <class T>
using Result = Expected<T, DecodeError>;

}  // namespace aoe
