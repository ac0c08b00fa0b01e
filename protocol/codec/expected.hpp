// Expected<T, E>: a value, or an error saying what went wrong — the project's
// one return type for operations that can fail (std::expected is C++23;
// g++ 12 lacks it). The codec uses it as Result<T> (E = DecodeError,
// result.hpp), the daemon and the helper as aoefs::Expected<T> (E = a
// message for a person, aoefs/util/expected.hpp), the links and interface
// look-ups with E = std::error_code.
//
// Contract:
//  - An Expected holds exactly one of a T or an E; build it from either
//    (`return value;`, `return E{...};`), and pass an error on with
//    `return other.error();`.
//  - value(), operator* and operator-> REQUIRE has_value(); error() REQUIRES
//    !has_value(). Breaking that throws std::bad_variant_access rather than
//    reading the wrong alternative.
//  - Expected<void, E> is success (default-constructed) or an E.
//  - Header-only, standard library only: the setuid helper includes it
//    without linking anything of the daemon.
#pragma once

#include <type_traits>
#include <utility>
#include <variant>

namespace aoe {

template <class T, class E>
class [[nodiscard]] Expected {
  static_assert(!std::is_same_v<std::remove_cv_t<T>, E>, "an error is not a value");

 public:
  Expected(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  Expected(E error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  bool has_value() const { return v_.index() == 0; }
  explicit operator bool() const { return has_value(); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const E& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, E> v_;
};

template <class E>
class [[nodiscard]] Expected<void, E> {
 public:
  Expected() = default;
  Expected(E error) : error_(std::move(error)), failed_(true) {}  // NOLINT: implicit by design

  bool has_value() const { return !failed_; }
  explicit operator bool() const { return has_value(); }
  void value() const {
    if (failed_) throw std::bad_variant_access();
  }
  const E& error() const {
    if (!failed_) throw std::bad_variant_access();
    return error_;
  }

 private:
  E error_{};
  bool failed_ = false;
};

}  // namespace aoe
