// The AVX2 path: the portable trick (see portable.cpp) on 4 × 64-bit lanes, 4 vectors per step.
//
// _mm256_mul_epu32 multiplies the low 32 bits of each 64-bit lane into a full 64-bit product:
// exactly i·i while i < 2^32. Each lane keeps its own wrapping sum A and high-half sum H; a lane
// sees at most 2^30 terms for a range below 2^32, far under the 2^32 that keeps H exact. Four
// independent vectors of indices hide the multiply's latency. Compiled for AVX2 only in this file
// (target attribute), called only when the CPU reports AVX2.
#include "paths.hpp"

#include <immintrin.h>

#include <cstdint>

namespace sumsq::range {
namespace {

// Σ over 4 vectors × 4 lanes of each lane's exact sum H·2^32 + (A − H·2^32) (portable.cpp's trick).
__attribute__((target("avx2"))) u128 lanes_sum(const __m256i (&wrapped)[4], const __m256i (&high)[4]) noexcept {
    alignas(32) u64 a[4][4], h[4][4];
    for (int v = 0; v < 4; ++v) {
        _mm256_store_si256(reinterpret_cast<__m256i*>(a[v]), wrapped[v]);
        _mm256_store_si256(reinterpret_cast<__m256i*>(h[v]), high[v]);
    }
    u128 sum = 0;
    for (int v = 0; v < 4; ++v)
        for (int lane = 0; lane < 4; ++lane) sum += (u128{h[v][lane]} << 32) + (a[v][lane] - (h[v][lane] << 32));
    return sum;
}

}  // namespace

__attribute__((target("avx2"))) u128 avx2_sum(u64 lo, u64 hi) noexcept {
    constexpr u64 per_step = 16;  // 4 vectors × 4 lanes
    const u64 steps = (hi - lo) / per_step;
    __m256i index[4], wrapped[4], high[4];
    const __m256i stride = _mm256_set1_epi64x(per_step);
    for (int v = 0; v < 4; ++v) {
        const long long base = static_cast<long long>(lo) + 4 * v;
        index[v] = _mm256_setr_epi64x(base, base + 1, base + 2, base + 3);
        wrapped[v] = _mm256_setzero_si256();
        high[v] = _mm256_setzero_si256();
    }
    for (u64 k = 0; k < steps; ++k) {
        for (int v = 0; v < 4; ++v) {
            const __m256i square = _mm256_mul_epu32(index[v], index[v]);
            wrapped[v] = _mm256_add_epi64(wrapped[v], square);
            high[v] = _mm256_add_epi64(high[v], _mm256_srli_epi64(square, 32));
            index[v] = _mm256_add_epi64(index[v], stride);
        }
    }
    const u128 sum = lanes_sum(wrapped, high);
    return sum + portable_sum(lo + steps * per_step, hi);  // the last < 16 elements
}

// The array path. 8 values per 256-bit load: the even ones squared in place (_mm256_mul_epu32 reads
// the low half of each 64-bit lane), the odd ones after a 32-bit shift; both squares go into the
// lane's A and H as above. Four independent vectors of sums per step keep the loads flowing; an
// unaligned start is summed by the portable path up to the first 32-byte boundary, so no load
// splits a cache line. Blocks of array_block values keep each lane's H far below 2^32 terms.
namespace {

__attribute__((target("avx2"))) u128 avx2_array_block(const std::uint32_t* values, u64 count) noexcept {
    constexpr u64 per_step = 32;  // 4 vectors × 8 values
    const u64 steps = count / per_step;
    __m256i wrapped[4], high[4];
    for (int v = 0; v < 4; ++v) wrapped[v] = high[v] = _mm256_setzero_si256();
    for (u64 k = 0; k < steps; ++k, values += per_step) {
        for (int v = 0; v < 4; ++v) {
            const __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(values + 8 * v));
            const __m256i odd = _mm256_srli_epi64(x, 32);
            const __m256i even_square = _mm256_mul_epu32(x, x), odd_square = _mm256_mul_epu32(odd, odd);
            wrapped[v] = _mm256_add_epi64(wrapped[v], _mm256_add_epi64(even_square, odd_square));
            high[v] = _mm256_add_epi64(high[v], _mm256_add_epi64(_mm256_srli_epi64(even_square, 32),
                                                                 _mm256_srli_epi64(odd_square, 32)));
        }
    }
    const u128 sum = lanes_sum(wrapped, high);
    return sum + portable_sum_array(values, count - steps * per_step);  // the last < 32 values
}

}  // namespace

u128 avx2_sum_array(const std::uint32_t* values, u64 count) noexcept {
    return sum_array_in_blocks(values, count, 32, avx2_array_block);
}

}  // namespace sumsq::range
