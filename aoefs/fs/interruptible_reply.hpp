// A FUSE request answered by whichever comes first: its operation's result,
// or the kernel's INTERRUPT (the caller got a signal), which replies EINTR
// at once. The operation itself goes on; its late result is dropped.
//
// Exactly one reply per request: both sides claim the request's token under
// one lock, and only the winner replies. The token, not a pointer, is what
// libfuse keeps for the interrupt callback, so nothing it holds can dangle
// once the request was answered.
//
// REQUIRES: watch() before the operation starts, on the thread that got the
// request; claim() once, where the result arrives (any thread).
#pragma once

#include <cstdint>

#include "aoefs/fs/fuse_version.hpp"

namespace aoefs {

class InterruptibleReply {
 public:
  // Lets an INTERRUPT of `req` reply EINTR; may do so at once if the
  // request was interrupted already (then claim() returns false).
  static InterruptibleReply watch(fuse_req_t req);
  // True if the caller is to reply; false if EINTR was sent already.
  bool claim() const;

 private:
  explicit InterruptibleReply(std::uint64_t token) : token_(token) {}
  std::uint64_t token_;
};

}  // namespace aoefs
