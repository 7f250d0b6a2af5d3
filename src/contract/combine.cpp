#include "combine.hpp"

#include "contract/errors.hpp"

#include <fmt/format.h>

namespace sumsq {

Combine parse_combine(const std::string& text, std::string_view accepted) {
    if (const std::optional<Combine> c = parse_name(combine_names, text); c && listed(accepted, text)) return *c;
    throw UsageError(fmt::format("--combine: unknown way '{}'; accepted: {}", text, accepted));
}

Combine default_combine(std::string_view accepted) {
    return parse_name(combine_names, accepted.substr(0, accepted.find('|'))).value_or(Combine::padded);
}

}  // namespace sumsq
