// csv.hpp — the one CSV writer: every CSV this project prints (a backend's --format csv,
// sumsq-compare's results.csv) is written row by row through it.
//
// RFC 4180 quoting: a field holding a comma, a double quote, a CR or an LF is enclosed in double
// quotes, and each double quote inside it is doubled ("dynamic,16" -> "\"dynamic,16\""); every
// other field is written as it is. Rows end with LF.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sumsq {

std::string csv_field(std::string_view text);
// The fields, quoted where needed, joined by commas, and a newline.
std::string csv_row(const std::vector<std::string>& fields);

}  // namespace sumsq
