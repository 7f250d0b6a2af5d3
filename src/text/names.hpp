// names.hpp — an enum's names, written once beside the enum as a table of {value, name}, and read
// both ways: name_of() for output (JSON, tables, messages), parse_name() for the command line, and
// joined_names() for the "accepted: a|b|c" of a message or a help text.
//   enum class JobOrder { random, descending, ascending };
//   inline constexpr Named<JobOrder> job_order_names[] = {{JobOrder::random, "random"}, …};
// A table lists every value once, in the order its names are shown.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace sumsq {

template <class Enum>
struct Named {
    Enum value;
    std::string_view name;
};

// The value's name; "?" for a value the table lacks.
template <class Enum, std::size_t N>
constexpr std::string_view name_of(const Named<Enum> (&table)[N], Enum value) {
    for (const Named<Enum>& entry : table)
        if (entry.value == value) return entry.name;
    return "?";
}

template <class Enum, std::size_t N>
constexpr std::optional<Enum> parse_name(const Named<Enum> (&table)[N], std::string_view text) {
    for (const Named<Enum>& entry : table)
        if (entry.name == text) return entry.value;
    return std::nullopt;
}

// "random|descending|ascending".
template <class Enum, std::size_t N>
std::string joined_names(const Named<Enum> (&table)[N], std::string_view separator = "|") {
    std::string names;
    for (std::size_t k = 0; k < N; ++k) {
        if (k > 0) names += separator;
        names += table[k].name;
    }
    return names;
}

// Whether `name` is one of a "|"-joined list, as a backend declares what it accepts
// ("static|dynamic" holds "dynamic", not "dyn").
inline bool listed(std::string_view list, std::string_view name) {
    for (std::size_t at = 0;;) {
        const std::size_t bar = list.find('|', at);
        if (list.substr(at, bar == std::string_view::npos ? std::string_view::npos : bar - at) == name) return true;
        if (bar == std::string_view::npos) return false;
        at = bar + 1;
    }
}

}  // namespace sumsq
