// The portable fast path: exact with 64-bit accumulators, no 128-bit arithmetic per element.
//
// The trick. For i < 2^32, s = i·i fits in 64 bits, but a 64-bit sum of many s overflows. Keep
// two 64-bit sums instead: A = Σ s (wrapping mod 2^64) and H = Σ (s >> 32) (the high halves,
// each < 2^32, so H cannot overflow for fewer than 2^32 terms). The true sum is H·2^32 + L with
// L = Σ (s mod 2^32) < 2^64, and A ≡ H·2^32 + L (mod 2^64), so L = A − H·2^32 (mod 2^64) exactly.
// Per element: one multiply, one shift, two adds — and the compiler may vectorise it.
#include "paths.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>

namespace sumsq::range {

u128 portable_sum(u64 lo, u64 hi) noexcept {
    u64 wrapped = 0, high = 0;
    for (u64 i = lo; i < hi; ++i) {
        const u64 square = i * i;
        wrapped += square;
        high += square >> 32;
    }
    const u64 low = wrapped - (high << 32);
    return (u128{high} << 32) + low;
}

// The array path: the same trick on stored values. A and H are exact for fewer than 2^32 terms;
// blocks of array_block values keep every count far below that, whatever its length.
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
