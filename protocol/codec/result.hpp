// Result<T>: a value or a DecodeError. The codec's return type (std::expected
// is C++23; g++ 12 lacks it).
#pragma once

#include <cassert>
#include <utility>
#include <variant>

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

template <class T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(DecodeError error) : v_(error) {}   // NOLINT
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() {
    assert(ok());
    return std::get<0>(v_);
  }
  const T& value() const {
    assert(ok());
    return std::get<0>(v_);
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  const DecodeError& error() const {
    assert(!ok());
    return std::get<1>(v_);
  }

 private:
  std::variant<T, DecodeError> v_;
};

}  // namespace aoe
