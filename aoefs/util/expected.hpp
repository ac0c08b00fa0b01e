// Expected<T>: a value, or an Error saying for a person what went wrong.
// The daemon's and the helper's return type for operations that can fail
// with a message (settings, opening links, mounting, the helper's policy and
// sockets): the project's one Expected (protocol/codec/expected.hpp, whose
// contract holds) with a message as its error. The message is complete for
// the user at the level it is produced; callers may prefix where
// (file:line, -o ITEM, interface) and show it.
#pragma once

#include <string>

#include "protocol/codec/expected.hpp"

namespace aoefs {

struct Error {
  std::string message;
};

template <class T>
using Expected = aoe::Expected<T, Error>;

}  // namespace aoefs
