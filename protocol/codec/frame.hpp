// A whole AoE frame and the codec: encode to bytes, decode from bytes.
//
// Contract:
//  * decode() is total: any byte sequence yields either a Frame or a
//    DecodeError naming what is wrong. It never reads outside `bytes`.
//  * Length fields are trusted, the frame length is not: trailing bytes past
//    what the fields describe (Ethernet padding to 60 bytes) are ignored,
//    except for ATA, whose data is "everything after the argument".
//  * A frame with an AoE command this codec does not know decodes to
//    UnknownMessage (raw payload); the caller decides (targets answer error 1).
//  * The error flag does not stop decoding: an error answer still carries its
//    argument when the target sent one; if the argument is cut short on an
//    error answer, the body decodes as UnknownMessage with what is there.
//  * Views (ATA data, config string, unknown payload) point into `bytes`.
//  * encode() writes exactly the fields, no padding; it rejects values the
//    wire cannot carry (LBA > 48 bits, string > 1024, > 255 list entries).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <variant>
#include <vector>

#include "protocol/codec/ata.hpp"
#include "protocol/codec/header.hpp"
#include "protocol/codec/mac_mask.hpp"
#include "protocol/codec/query_config.hpp"
#include "protocol/codec/reserve.hpp"
#include "protocol/codec/result.hpp"

namespace aoe {

struct UnknownMessage {
  std::span<const std::uint8_t> payload;  // bytes after the common header
};

using Body =
    std::variant<AtaMessage, QueryConfigMessage, MacMaskMessage, ReserveMessage, UnknownMessage>;

struct Frame {
  Header header;
  Body body;
};

Result<Frame> decode(std::span<const std::uint8_t> bytes);

// Decodes only the common header (fast path for matching answers by tag).
Result<Header> decode_header(std::span<const std::uint8_t> bytes);

// Size encode() will produce for this frame.
std::size_t encoded_size(const Frame& frame);

// Writes the frame into `out`; returns bytes written.
Result<std::size_t> encode(const Frame& frame, std::span<std::uint8_t> out);

// Like encode(), but an ATA message's data is left out: the bytes written
// are the headers and the ATA argument, and the data belongs right after
// them on the wire (Link::send_gathered sends it from where it is, without
// a copy). Other bodies are written whole, as by encode().
Result<std::size_t> encode_head(const Frame& frame, std::span<std::uint8_t> out);

// Convenience: encode into a new vector (tests, control path).
Result<std::vector<std::uint8_t>> encode(const Frame& frame);

}  // namespace aoe
