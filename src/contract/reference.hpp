// reference.hpp — the exact oracle: S(N) = N(N−1)(2N−1)/6 in 128-bit arithmetic.
#pragma once

#include "sum_squares.hpp"

#include <optional>

namespace sumsq {

// S(n), or nothing when it does not fit in 128 bits. No intermediate overflow: of n−1 and n one is
// even, and of n−1, n, 2n−1 one is a multiple of 3, so both divisions happen before multiplying.
constexpr std::optional<u128> closed_form_checked(u64 n) noexcept {
    if (n == 0) return u128{0};
    u128 a = n - 1, b = n, c = u128{2} * n - 1;
    (a % 2 == 0 ? a : b) /= 2;
    (a % 3 == 0 ? a : b % 3 == 0 ? b : c) /= 3;
    u128 ab = 0, abc = 0;
    if (__builtin_mul_overflow(a, b, &ab) || __builtin_mul_overflow(ab, c, &abc)) return std::nullopt;
    return abc;
}

// The largest supported N: the largest n with S(n) < 2^128, found by bisection at compile time
// (S is increasing). It is about (3·2^128)^(1/3) ≈ 1.0e13, far below 2^64.
constexpr u64 derive_max_n() noexcept {
    u64 fits = 0, overflows = u64{1} << 45;  // S(2^45) ≈ 2^134 / 3 > 2^128
    while (overflows - fits > 1) {
        const u64 mid = fits + (overflows - fits) / 2;
        (closed_form_checked(mid) ? fits : overflows) = mid;
    }
    return fits;
}
inline constexpr u64 max_n = derive_max_n();

// S(n) for n <= max_n.
constexpr u128 closed_form(u64 n) noexcept { return *closed_form_checked(n); }

// How much of the work a wrong result is missing, as a fraction of the expected sum: 0.482 when a
// race lost 48.2% of the updates' value; negative when the result is larger than expected.
constexpr double lost_fraction(u128 got, u128 expected) noexcept {
    if (expected == 0) return got == 0 ? 0.0 : -1.0;
    const long double e = static_cast<long double>(expected), g = static_cast<long double>(got);
    return static_cast<double>((e - g) / e);
}

}  // namespace sumsq
