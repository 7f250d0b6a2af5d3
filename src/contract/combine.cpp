#include "combine.hpp"

#include "contract/errors.hpp"

#include <fmt/format.h>

namespace sumsq {

namespace {
constexpr Combine all_combines[] = {Combine::padded,    Combine::unpadded,  Combine::atomic, Combine::mutex,
                                    Combine::critical,  Combine::reduction, Combine::racy};
}

std::string_view combine_name(Combine c) {
    switch (c) {
    case Combine::padded: return "padded";
    case Combine::unpadded: return "unpadded";
    case Combine::atomic: return "atomic";
    case Combine::mutex: return "mutex";
    case Combine::critical: return "critical";
    case Combine::reduction: return "reduction";
    case Combine::racy: return "racy";
    }
    return "?";
}

Combine parse_combine(const std::string& text, std::string_view accepted) {
    for (const Combine c : all_combines)
        if (text == combine_name(c) && fmt::format("|{}|", accepted).find(fmt::format("|{}|", text)) != std::string::npos) return c;
    throw UsageError(fmt::format("--combine: unknown way '{}'; accepted: {}", text, accepted));
}

Combine default_combine(std::string_view accepted) {
    const std::string first(accepted.substr(0, accepted.find('|')));
    for (const Combine c : all_combines)
        if (first == combine_name(c)) return c;
    return Combine::padded;
}

}  // namespace sumsq
