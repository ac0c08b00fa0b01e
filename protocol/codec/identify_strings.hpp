// The byte order of IDENTIFY's strings (serial words 10-19, firmware
// revision 23-26, model 27-46). ATA stores two characters per word, high
// byte first, so each little-endian word has its bytes swapped; some older
// AoE targets write the strings as plain C strings instead (unswapped,
// NUL-padded), which the ATA reading scrambles: "123456789" reads
// "21436587?9" (the NUL after the odd last character lands inside).
//
// Contract:
//  * string_oddity() scores how unlike an ATA string one reading of a field
//    is: 0 for text; kStrongOddity per NUL or non-printable byte inside the
//    text (padding — spaces and NULs — may end the field, spaces may also
//    start it: serials are often right-aligned); 1 when the text ends in a
//    word's second byte after a space (" 9" then padding), which is how the
//    wrong reading of an odd-length, space-padded string ends — a weak clue,
//    as a real string may end so.
//  * identify_string_order() reads the three fields both ways and takes the
//    unswapped order only when it is clearly better for them together (one
//    target writes them all the same way): its total oddity at least
//    kStrongOddity below the ATA order's. Ambiguous pages (an all-digit
//    serial of even length, "12345678", is printable both ways) keep ATA
//    order; a real model, letters and spaces padded to 40, decides most.
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace aoe {

enum class IdentifyStringOrder : std::uint8_t { ata, unswapped };

inline constexpr unsigned kStrongOddity = 4;

// `bytes`: one field's bytes in reading order (2 per word).
unsigned string_oddity(std::span<const std::uint8_t> bytes);

// The field of `words` words at `first`, read in `order`: padding trimmed
// at both ends, other bytes outside printable ASCII become '?'.
// REQUIRES: page holds words [first, first + words).
std::string identify_string(std::span<const std::uint8_t> page, std::size_t first,
                            std::size_t words, IdentifyStringOrder order);

// REQUIRES: page.size() >= 94 (through word 46).
IdentifyStringOrder identify_string_order(std::span<const std::uint8_t> page);

}  // namespace aoe
