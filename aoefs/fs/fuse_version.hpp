// The one place that chooses the libfuse API: every file of the mount that
// talks to libfuse includes this header instead of <fuse_lowlevel.h>.
// 35 is libfuse 3.14's newest low-level API without the 3.12+ changes
// to fuse_conn_info this code does not use.
#pragma once

#define FUSE_USE_VERSION 35
#include <fuse_lowlevel.h>
