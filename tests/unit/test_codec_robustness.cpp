// decode() is total: every prefix of every captured frame, and many mutated
// frames, give an error value or a frame that re-encodes stably. Each input
// sits in a buffer of exactly its size, so an over-read trips ASan
// (-DAOEFS_SANITIZE=ON).
#include <catch2/catch.hpp>

#include <random>

#include "protocol/codec/frame.hpp"
#include "protocol/codec/identify.hpp"
#include "unit/codec_checks.hpp"
#include "unit/codec_vectors.hpp"

using namespace codec_test;

namespace {

const std::vector<std::uint8_t>* const kAllVectors[] = {
    &kConfigReadBroadcastRequest,
    &kConfigAnswerEmptyUnpadded,
    &kConfigAnswerEmptyPadded,
    &kConfigForceSetHelloRequest,
    &kConfigForceSetHelloAnswerUnpadded,
    &kConfigReadHelloAnswerUnpadded,
    &kConfigReadHelloAnswerPadded,
    &kConfigCcmd5Request,
    &kConfigCcmd5ErrorAnswer,
    &kIdentifyRequest,
    &kIdentifyAnswerHead,
    &kWriteExtRequestHead,
    &kWriteExtAnswer,
    &kReadExtRequest,
    &kReadExtAnswerHead,
    &kReadPastEndAnswer,
    &kFlushExtRequest,
    &kFlushExtAnswer,
    &kIdentifyScnt2ErrorAnswer,
    &kReserveReadRequest,
    &kReserveReadAnswer,
    &kReserveReadAnswerPadded,
    &kMaskReadRequest,
    &kMaskReadAnswer,
    &kMaskReadAnswerPadded,
    &kUnknownCommandRequest,
    &kUnknownCommandErrorAnswer,
};

// decode() must not crash; a success must survive encode → decode unchanged.
void check_total(const std::vector<std::uint8_t>& input) {
  std::vector<std::uint8_t> exact(input);
  exact.shrink_to_fit();
  auto frame = aoe::decode(exact);
  auto header = aoe::decode_header(exact);
  if (frame.has_value()) {
    REQUIRE(header.has_value());
    CHECK(aoe::same_content(frame->header, *header));
    check_reencode_stable(*frame);
  } else {
    CHECK(frame.error().what != nullptr);
    if (!header.has_value()) CHECK(header.error().code == frame.error().code);
  }
  (void)aoe::parse_identify(exact);
}

}  // namespace

TEST_CASE("codec robustness: every prefix of every vblade frame", "[codec]") {
  for (const auto* v : kAllVectors) {
    for (std::size_t n = 0; n <= v->size(); ++n)
      check_total(std::vector<std::uint8_t>(v->begin(), v->begin() + static_cast<long>(n)));
  }
}

TEST_CASE("codec robustness: every prefix fails below the described size", "[codec]") {
  // (frame, size the fields describe; header only for error answers)
  const std::pair<const std::vector<std::uint8_t>*, std::size_t> described[] = {
      {&kConfigReadBroadcastRequest, 32},
      {&kConfigAnswerEmptyPadded, 32},
      {&kConfigReadHelloAnswerPadded, 37},
      {&kConfigCcmd5ErrorAnswer, 24},
      {&kIdentifyRequest, 36},
      {&kWriteExtAnswer, 36},
      {&kFlushExtAnswer, 36},
      {&kIdentifyScnt2ErrorAnswer, 24},
      {&kReserveReadRequest, 26},
      {&kReserveReadAnswerPadded, 26},
      {&kMaskReadRequest, 28},
      {&kMaskReadAnswerPadded, 28},
      {&kUnknownCommandRequest, 24},
      {&kUnknownCommandErrorAnswer, 24},
  };
  for (const auto& [v, needed] : described) check_every_prefix(*v, needed);
}

TEST_CASE("codec robustness: mutated frames", "[codec]") {
  std::mt19937 rng(20261124);
  for (const auto* v : kAllVectors) {
    for (int round = 0; round < 300; ++round) {
      auto bytes = *v;
      const int edits = 1 + static_cast<int>(rng() % 4);
      for (int e = 0; e < edits && !bytes.empty(); ++e) {
        switch (rng() % 4) {
          case 0:
            bytes[rng() % bytes.size()] = static_cast<std::uint8_t>(rng());
            break;
          case 1:
            bytes.resize(rng() % (bytes.size() + 1));
            break;
          case 2:
            bytes.insert(bytes.end(), rng() % 64, static_cast<std::uint8_t>(rng()));
            break;
          // The count and length fields: bytes 25, 27, 30, 31.
          case 3: {
            const std::size_t at = std::array<std::size_t, 4>{25, 27, 30, 31}[rng() % 4];
            if (at < bytes.size()) bytes[at] = static_cast<std::uint8_t>(rng());
            break;
          }
        }
      }
      // Keep most frames decodable past the header so the bodies get tested.
      if (bytes.size() >= 15 && rng() % 4 != 0) {
        bytes[12] = 0x88;
        bytes[13] = 0xa2;
        bytes[14] = static_cast<std::uint8_t>(0x10 | (bytes[14] & 0x0f));
      }
      check_total(bytes);
    }
  }
}

TEST_CASE("codec robustness: random bytes", "[codec]") {
  std::mt19937 rng(7);
  for (int round = 0; round < 3000; ++round) {
    std::vector<std::uint8_t> bytes(rng() % 700);
    for (auto& b : bytes) b = static_cast<std::uint8_t>(rng());
    if (bytes.size() >= 20) {
      bytes[12] = 0x88;
      bytes[13] = 0xa2;
      bytes[14] = 0x18;
      bytes[19] = static_cast<std::uint8_t>(rng() % 5);
    }
    check_total(bytes);
  }
}
