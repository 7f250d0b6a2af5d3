#include "numbers.hpp"

#include "contract/errors.hpp"

#include <fmt/format.h>

#include <cmath>

#include <string>

namespace sumsq {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Digits with optional single underscores between them. Returns false on malformed text;
// sets `overflow` when the value exceeds 64 bits.
bool parse_digits(std::string_view text, u64& value, bool& overflow) {
    if (text.empty() || !is_digit(text.front()) || !is_digit(text.back())) return false;
    value = 0;
    for (std::size_t k = 0; k < text.size(); ++k) {
        const char c = text[k];
        if (c == '_') {
            if (!is_digit(text[k + 1])) return false;  // "1__0"; the last char is a digit
            continue;
        }
        if (!is_digit(c)) return false;
        if (__builtin_mul_overflow(value, u64{10}, &value) ||
            __builtin_add_overflow(value, u64(c - '0'), &value))
            overflow = true;
    }
    return true;
}

}  // namespace

ParsedCount parse_count(std::string_view text) noexcept {
    const auto e = text.find_first_of("eE");
    u64 mantissa = 0;
    bool overflow = false;
    if (!parse_digits(text.substr(0, e), mantissa, overflow)) return {ParseStatus::malformed, 0};
    if (e != std::string_view::npos) {
        // The exponent is plain digits: "1e1_0" is not a spelling of 1e10.
        const std::string_view digits = text.substr(e + 1);
        if (digits.empty() || digits.find_first_not_of("0123456789") != std::string_view::npos) return {ParseStatus::malformed, 0};
        if (mantissa == 0 && !overflow) return {ParseStatus::ok, 0};  // 0e99999999999999999999 is 0, however large the exponent
        u64 exponent = 0;
        parse_digits(digits, exponent, overflow);  // overflows only where 10^exponent does too (the mantissa is at least 1)
        for (u64 k = 0; k < exponent && !overflow; ++k) overflow = __builtin_mul_overflow(mantissa, u64{10}, &mantissa);
    }
    if (overflow) return {ParseStatus::too_large, 0};
    return {ParseStatus::ok, mantissa};
}

std::string to_decimal(u128 value) { return fmt::format("{}", value); }

std::string loss_text(double lost) {
    const double percent = 100 * std::abs(lost);
    const std::string text = percent >= 0.1 ? fmt::format("{:.1f}%", percent) : fmt::format("{:.2g}%", percent);
    return lost >= 0 ? "lost " + text + " of the work" : text + " more than the work";
}

std::string grouped(u64 value) {
    std::string digits = std::to_string(value), out;
    for (std::size_t k = 0; k < digits.size(); ++k) {
        if (k != 0 && (digits.size() - k) % 3 == 0) out += ',';
        out += digits[k];
    }
    return out;
}

std::string duration_text(double s) {
    if (s < 1e-6) return fmt::format("{:.1f} ns", s * 1e9);
    if (s < 1e-3) return fmt::format("{:.2f} µs", s * 1e6);
    if (s < 1) return fmt::format("{:.2f} ms", s * 1e3);
    return fmt::format("{:.3f} s", s);
}

std::string short_count(u64 value) {
    int zeros = 0;
    u64 mantissa = value;
    while (mantissa != 0 && mantissa % 10 == 0) mantissa /= 10, ++zeros;
    if (zeros >= 3 && mantissa < 100) return fmt::format("{}e{}", mantissa, zeros);
    return grouped(value);
}

namespace {
constexpr const char* count_grammar = "write digits (10000000), groups (10_000_000) or a power of ten (1e7)";
std::string range_text(u64 min, u64 max) { return grouped(min) + ".." + grouped(max); }
}  // namespace

u64 parse_count_option(const std::string& option, const std::string& text, u64 min, u64 max,
                       const std::string& max_note) {
    const ParsedCount parsed = parse_count(text);
    const std::string note = max_note.empty() ? "" : " (" + max_note + ")";
    if (!text.empty() && text.front() == '-')
        throw UsageError(fmt::format("{}: {} is negative; accepted range {}{}", option, text, range_text(min, max), note));
    if (parsed.status == ParseStatus::malformed)
        throw UsageError(fmt::format("{}: '{}' is not a whole number: {}; accepted range {}{}", option, text,
                                     count_grammar, range_text(min, max), note));
    if (parsed.status == ParseStatus::too_large || parsed.value > max)
        throw UsageError(fmt::format("{}: {} is too large; accepted range {}{}", option, text, range_text(min, max), note));
    if (parsed.value < min)
        throw UsageError(fmt::format("{}: {} is too small; accepted range {}{}", option, text, range_text(min, max), note));
    return parsed.value;
}

}  // namespace sumsq
