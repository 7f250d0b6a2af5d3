// The portable fast path: exact with 64-bit accumulators, no 128-bit arithmetic per element, plain
// C++ for any x86-64. Both formulations of paths.hpp, one lane per accumulator; the vector paths
// (avx2.cpp, avx512.cpp) are the same two loops on vector lanes.
//
// Why 64-bit lanes can be exact. For i < 2^32 a square fits in 64 bits, but a 64-bit sum of many
// squares does not. Two ways out, neither checking anything per element:
//   multiply   — a block of squares_per_block(hi) squares sums below 2^64, so a lane that adds them
//                wraps at most once, exactly when it ends the block below where it started: one
//                compare per lane per block counts the wraps (2^64 each).
//   difference — each lane adds i² − i0², where i0 is its first index in the block: these are small
//                (below t·s·2^33 at step t), so a block of difference_block steps cannot wrap at all,
//                and the block adds acc + steps·i0² in 128 bits. The squares come without a multiply:
//                q += d, d += 2s² (d = (i + s)² − i², s the lanes' stride). Each block starts afresh
//                from its first index: nothing but the index is carried from block to block.
#include "paths.hpp"

#include <algorithm>
#include <climits>
#include <cstddef>
#include <cstdint>

namespace sumsq::range {

u64 squares_per_block(u64 hi) noexcept {
    const u64 top = hi == 0 ? 0 : hi - 1;  // the largest index, < 2^32: its square fits
    return top == 0 ? UINT64_MAX : UINT64_MAX / (top * top);
}

namespace {

constexpr u64 lanes = 4;  // independent accumulators: 4 measured fastest (docs/range-kernel.md)
static_assert(lanes * difference_block * difference_block <= u64{1} << 32, "the difference block could wrap");

// The last < `lanes` elements of a range below 2^32: each square fits in 64 bits.
u128 tail_sum(u64 lo, u64 hi) noexcept {
    u128 sum = 0;
    for (u64 i = lo; i < hi; ++i) sum += i * i;
    return sum;
}

}  // namespace

u128 first_squares(u64 first, u64 count) noexcept {
    u128 sum = 0;
    for (u64 i = first; i < first + count; ++i) sum += i * i;
    return sum;
}

u128 portable_difference(u64 lo, u64 hi) noexcept {
    const u64 steps = (hi - lo) / lanes;
    u128 sum = 0;
    for (u64 done = 0; done < steps;) {  // each block starts afresh from its first index
        const u64 first = lo + done * lanes, n = std::min(steps - done, difference_block);
        u64 acc[lanes] = {}, offset[lanes] = {}, delta[lanes];  // offset = i² − i0², i0 the lane's first index
        for (u64 j = 0; j < lanes; ++j) delta[j] = 2 * lanes * (first + j) + lanes * lanes;  // (i + s)² − i²
        for (u64 t = 0; t < n; ++t)
#pragma GCC unroll 4  // every lane in its own register at any -O (sanitizer builds use -O2)
            for (u64 j = 0; j < lanes; ++j) {
                acc[j] += offset[j];
                offset[j] += delta[j];
                delta[j] += 2 * lanes * lanes;
            }
        for (const u64 a : acc) sum += a;
        sum += n * first_squares(first, lanes);
        done += n;
    }
    return sum + tail_sum(lo + steps * lanes, hi);
}

u128 portable_multiply(u64 lo, u64 hi) noexcept {
    const u64 steps = (hi - lo) / lanes, block = squares_per_block(hi);
    u64 index[lanes], acc[lanes] = {}, wraps = 0;
    for (u64 j = 0; j < lanes; ++j) index[j] = lo + j;
    for (u64 done = 0; done < steps;) {
        const u64 n = std::min(steps - done, block);
        u64 before[lanes];
        std::copy_n(acc, lanes, before);
        for (u64 t = 0; t < n; ++t)
#pragma GCC unroll 4  // every lane in its own register at any -O (sanitizer builds use -O2)
            for (u64 j = 0; j < lanes; ++j) {
                acc[j] += index[j] * index[j];
                index[j] += lanes;
            }
        for (u64 j = 0; j < lanes; ++j) wraps += acc[j] < before[j];
        done += n;
    }
    u128 sum = u128{wraps} << 64;
    for (const u64 a : acc) sum += a;
    return sum + tail_sum(lo + steps * lanes, hi);
}

// The array path: stored values, whose squares may all be near 2^64, so the multiply form's blocks
// would be one value long. Instead A = Σ s (wrapping) and H = Σ (s >> 32) (each < 2^32, so H is
// exact for fewer than 2^32 terms): the true sum is H·2^32 + L with L = Σ (s mod 2^32) < 2^64, and
// A ≡ H·2^32 + L (mod 2^64), so L = A − H·2^32 (mod 2^64) exactly. Blocks of array_block values
// keep every count far below 2^32, whatever the length.
namespace {

u128 portable_array_block(const std::uint32_t* values, u64 count) noexcept {
    u64 wrapped = 0, high = 0;
    for (u64 k = 0; k < count; ++k) {
        const u64 square = u64{values[k]} * values[k];
        wrapped += square;
        high += square >> 32;
    }
    return (u128{high} << 32) + (wrapped - (high << 32));
}

}  // namespace

u128 sum_array_in_blocks(const std::uint32_t* values, u64 count, std::size_t alignment,
                         u128 (*block)(const std::uint32_t*, u64) noexcept) noexcept {
    const auto misalignment = reinterpret_cast<std::uintptr_t>(values) % alignment;
    const u64 head = std::min<u64>(count, misalignment == 0 ? 0 : (alignment - misalignment) / sizeof *values);
    u128 sum = portable_array_block(values, head);
    for (u64 done = head; done < count;) {
        const u64 n = std::min(count - done, array_block);
        sum += block(values + done, n);
        done += n;
    }
    return sum;
}

u128 portable_sum_array(const std::uint32_t* values, u64 count) noexcept {
    return sum_array_in_blocks(values, count, 1, portable_array_block);
}

u128 exact_loop(u64 lo, u64 hi) noexcept {
    u128 sum = 0;
    for (u64 i = lo; i < hi; ++i) sum += u128{i} * i;
    return sum;
}

u128 exact_array(const std::uint32_t* values, u64 count) noexcept {
    u128 sum = 0;
    for (u64 k = 0; k < count; ++k) sum += u128{values[k]} * values[k];
    return sum;
}

}  // namespace sumsq::range
