// Text that came off the wire (a target's model, serial, config string), made
// safe for a terminal: control bytes, DEL and bytes >= 0x80 become \xNN and a
// backslash becomes \\, so nothing a target sends can move the cursor, clear
// the screen or forge a line of output.
#pragma once

#include <string>
#include <string_view>

namespace aoefs {

std::string printable(std::string_view text);

}  // namespace aoefs
