// split.hpp — the one way kernels cut [0, n) into contiguous pieces.
#pragma once

#include "sum_squares.hpp"

#include <algorithm>

namespace sumsq {

struct Piece {
    u64 lo, hi;
};

// Piece k of [0, n) cut into `parts` contiguous pieces whose sizes differ by at most one
// (the first n % parts pieces are one longer). Empty pieces when parts > n.
constexpr Piece piece(u64 n, u64 parts, u64 k) noexcept {
    const u64 base = n / parts, longer = n % parts;
    const u64 lo = k * base + std::min(k, longer);
    return {lo, lo + base + (k < longer ? 1 : 0)};
}

}  // namespace sumsq
