#include "csv.hpp"

namespace sumsq {

std::string csv_field(std::string_view text) {
    if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
    std::string quoted = "\"";
    for (const char c : text) {
        if (c == '"') quoted += '"';
        quoted += c;
    }
    return quoted + '"';
}

std::string csv_row(const std::vector<std::string>& fields) {
    std::string row;
    for (std::size_t k = 0; k < fields.size(); ++k) {
        if (k) row += ',';
        row += csv_field(fields[k]);
    }
    return row + '\n';
}

}  // namespace sumsq
