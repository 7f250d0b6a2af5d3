// one_line.hpp — text from outside (arguments, file contents) made safe to print in one line.
#pragma once

#include <string>
#include <string_view>

namespace sumsq {

// `text` as one printable line: newlines, tabs and other control characters escaped (\n, \t, \xHH).
// Applied where an error message is printed, so arguments echoed in it cannot break the line.
std::string one_line(std::string_view text);

}  // namespace sumsq
