// Text that came off the wire (config strings, IDENTIFY model/serial/
// firmware, lock holders) made safe to print: anyone on the segment can set
// it, and a raw ESC or BEL reaches the terminal (title changes, colours,
// worse). Guarantees: the result holds only printable ASCII (0x20..0x7e);
// every other byte is written \xHH, and a backslash is doubled, so the
// original is recoverable and two different inputs never print the same.
#pragma once

#include <string>
#include <string_view>

namespace aoefs {

std::string printable(std::string_view wire);
// printable() inside double quotes, with '"' escaped too.
std::string quoted(std::string_view wire);
// For text printable() already escaped once (e.g. read back from .stats):
// bytes outside 0x20..0x7e become \xHH, backslashes are left alone.
std::string sanitized(std::string_view text);

}  // namespace aoefs
