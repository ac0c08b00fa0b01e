// The one place where error values of the layers below become errno values
// for FUSE replies.
#pragma once

#include <system_error>

namespace aoefs {

// Returns a positive errno for a non-zero code (EIO when nothing better fits).
int to_errno(const std::error_code& ec);

}  // namespace aoefs
