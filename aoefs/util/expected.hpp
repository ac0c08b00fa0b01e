// Expected<T>: a value, or an Error saying for a person what went wrong.
// The daemon's and the helper's one return type for operations that can
// fail with a message (settings, opening links, mounting, the helper's
// policy and sockets); the codec has its own Result<T>, the asynchronous
// path std::error_code. std::expected is C++23; g++ 12 lacks it.
//
// Contract:
//  - An Expected<T> holds exactly one of a T or an Error; build it from
//    either (`return value;`, `return Error{"why"};`), and pass an error on
//    with `return other.error();`.
//  - value(), operator* and operator-> REQUIRE has_value(); error() REQUIRES
//    !has_value(). Breaking that throws std::bad_variant_access rather than
//    reading the wrong alternative.
//  - Expected<void> is success (default-constructed) or an Error.
//  - The message is complete for the user at the level it is produced;
//    callers may prefix where (file:line, -o ITEM, interface) and show it.
//  - Header-only, standard library only: the setuid helper includes it
//    without linking anything of the daemon.
#pragma once

#include <string>
#include <type_traits>
#include <utility>
#include <variant>

namespace aoefs {

struct Error {
  std::string message;
};

template <class T>
class [[nodiscard]] Expected {
  static_assert(!std::is_same_v<std::remove_cv_t<T>, Error>, "an Error is not a value");

 public:
  Expected(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  Expected(Error error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

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

  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Expected<void> {
 public:
  Expected() = default;
  Expected(Error error) : error_(std::move(error)), failed_(true) {}  // NOLINT: implicit by design

  bool has_value() const { return !failed_; }
  explicit operator bool() const { return has_value(); }
  void value() const {
    if (failed_) throw std::bad_variant_access();
  }

  const Error& error() const {
    if (!failed_) throw std::bad_variant_access();
    return error_;
  }

 private:
  Error error_;
  bool failed_ = false;
};

}  // namespace aoefs
