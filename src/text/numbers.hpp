// numbers.hpp — the strict number grammar shared by every count option (N, threads, reps, …).
//
// Accepted: digits ("10000000"), digits grouped by single underscores ("10_000_000"), and such a
// mantissa with a decimal exponent of plain digits ("1e7", "25E6", "10_000e3"); a zero mantissa is 0
// whatever its exponent ("0e99999999999999999999"). Rejected: signs, fractions ("1.5e3", "5e-1"),
// groups in the exponent ("1e1_0"), hex, spaces, empty text. No silent clamping: the caller checks
// the range.
#pragma once

#include "contract/sum_squares.hpp"

#include <string>
#include <string_view>

namespace sumsq {

enum class ParseStatus { ok, malformed, too_large };

struct ParsedCount {
    ParseStatus status;
    u64 value;  // valid when status == ok
};

// Parses `text` per the grammar above; too_large when the value exceeds 2^64 − 1 (e.g. "1e400").
ParsedCount parse_count(std::string_view text) noexcept;

// Decimal text of a 128-bit value, and thousands-grouped text of a count ("10,000,000").
std::string to_decimal(u128 value);
std::string grouped(u64 value);
// A duration for people: "830.1 ns", "12.34 µs", "18.83 ms", "1.409 s".
std::string duration_text(double seconds);
// A count in the short form people type: "1e7" for 10000000, else grouped digits.
std::string short_count(u64 value);
// A wrong sum's loss (reference.hpp's lost_fraction) for people: "lost 48.2% of the work", or
// "1.3% more than the work" for a result larger than expected.
std::string loss_text(double lost_fraction);

// Validates one count option's text (the grammar above) against [min, max]; throws UsageError
// naming `option` (negative, malformed, too large, too small), with `max_note` after the range.
u64 parse_count_option(const std::string& option, const std::string& text, u64 min, u64 max,
                       const std::string& max_note = {});

}  // namespace sumsq
