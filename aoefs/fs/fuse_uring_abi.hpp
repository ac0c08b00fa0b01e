// The kernel's FUSE-over-io_uring interface, as far as uring_queue.cpp and
// uring_transport.cpp use it. From Linux's include/uapi/linux/fuse.h
// (protocol 7.42, Linux 6.14 and later): this machine's <linux/fuse.h>
// (7.38) predates it. Same layout as the kernel's structs; the names say
// which one each stands for.
#pragma once

#include <cstddef>
#include <cstdint>

namespace aoefs::fuse_uring {

// FUSE_OVER_IO_URING: an INIT flag of flags2 (bit 41 of the 64-bit set).
// The kernel offers it when io_uring is enabled (fuse module parameter
// enable_uring); a reply that sets it promises ring entries (below).
constexpr std::uint64_t kInitOverIoUring = 1ULL << 41;

// enum fuse_uring_cmd: the cmd_op of an IORING_OP_URING_CMD on /dev/fuse.
constexpr std::uint32_t kCmdRegister = 1;        // hand an entry to the kernel
constexpr std::uint32_t kCmdCommitAndFetch = 2;  // reply, and take the next request

// struct fuse_uring_ent_in_out: the trailer of an entry's header.
struct EntInOut {
  std::uint64_t flags;
  std::uint64_t commit_id;   // the request's unique, given back in CmdReq
  std::uint32_t payload_sz;  // bytes of the payload buffer in use, either way
  std::uint32_t padding;
  std::uint64_t reserved;
};

// struct fuse_uring_req_header: iov[0] of a registration.
struct ReqHeader {
  unsigned char in_out[128];  // fuse_in_header (request) / fuse_out_header (reply)
  unsigned char op_in[128];   // the opcode's own argument struct (fuse_write_in, ...)
  EntInOut ring_ent_in_out;
};

// struct fuse_uring_cmd_req: in the command area of a 128-byte SQE
// (IORING_SETUP_SQE128; the area holds 80 bytes).
struct CmdReq {
  std::uint64_t flags;
  std::uint64_t commit_id;
  std::uint16_t qid;
  std::uint8_t padding[6];
};

static_assert(sizeof(EntInOut) == 32 && sizeof(ReqHeader) == 288 && sizeof(CmdReq) == 24);

}  // namespace aoefs::fuse_uring
