// The AVX2 path: portable.cpp's two formulations on 4 × 64-bit lanes, 5 vectors per step.
//
// difference (the one the product uses): per vector and step three adds — acc += q, q += d,
// d += 2s² — and no multiply. multiply: _mm256_mul_epu32 (vpmuludq) squares the low 32 bits of each
// lane into a full 64-bit product, exactly i·i while i < 2^32; acc += i·i, i += s, and once per block
// a compare counts the lanes that wrapped (AVX2 has no unsigned compare: flip the sign bits, compare
// signed). Five independent vectors: 3 × 5 accumulators and their constants fill the 16 ymm registers
// without a spill; measured faster than 4 on Zen 5 (docs/range-kernel.md). Compiled for AVX2 in this
// file only (target attribute), called only when the CPU reports AVX2.
#include "paths.hpp"

#include <immintrin.h>

#include <algorithm>
#include <climits>
#include <cstdint>

namespace sumsq::range {
namespace {

constexpr int vectors = 5, lanes = 4;
constexpr u64 per_step = vectors * lanes;
static_assert(per_step * difference_block * difference_block <= u64{1} << 32, "the difference block could wrap");

// The lanes of `v`, added into 128 bits.
__attribute__((target("avx2"))) u128 lanes_sum(__m256i v) noexcept {
    alignas(32) u64 lane[lanes];
    _mm256_store_si256(reinterpret_cast<__m256i*>(lane), v);
    u128 sum = 0;
    for (const u64 x : lane) sum += x;
    return sum;
}

// Lane j of vector v starts at index lo + lanes·v + j.
__attribute__((target("avx2"))) __m256i first_indices(u64 lo, int v) noexcept {
    const auto base = static_cast<long long>(lo + lanes * v);
    return _mm256_setr_epi64x(base, base + 1, base + 2, base + 3);
}

}  // namespace

__attribute__((target("avx2"))) u128 avx2_difference(u64 lo, u64 hi) noexcept {
    const u64 steps = (hi - lo) / per_step;
    const __m256i twice_stride = _mm256_set1_epi64x(2 * per_step), stride_squared = _mm256_set1_epi64x(per_step * per_step),
                  delta_step = _mm256_set1_epi64x(2 * per_step * per_step);
    u128 sum = 0;
    for (u64 done = 0; done < steps;) {  // each block starts afresh from its first index
        const u64 first = lo + done * per_step, n = std::min(steps - done, difference_block);
        __m256i acc[vectors], offset[vectors], delta[vectors];  // offset = i² − i0², i0 the lane's first index
        for (int v = 0; v < vectors; ++v) {
            acc[v] = offset[v] = _mm256_setzero_si256();
            // (i + s)² − i² = 2s·i + s², i < 2^32
            delta[v] = _mm256_add_epi64(_mm256_mul_epu32(first_indices(first, v), twice_stride), stride_squared);
        }
        for (u64 t = 0; t < n; ++t)
#pragma GCC unroll 8  // every vector in its own registers at any -O (sanitizer builds use -O2)
            for (int v = 0; v < vectors; ++v) {
                acc[v] = _mm256_add_epi64(acc[v], offset[v]);
                offset[v] = _mm256_add_epi64(offset[v], delta[v]);
                delta[v] = _mm256_add_epi64(delta[v], delta_step);
            }
        for (const __m256i& a : acc) sum += lanes_sum(a);
        sum += n * first_squares(first, per_step);
        done += n;
    }
    return sum + portable_difference(lo + steps * per_step, hi);  // the last < 20 elements
}

__attribute__((target("avx2"))) u128 avx2_multiply(u64 lo, u64 hi) noexcept {
    const u64 steps = (hi - lo) / per_step, block = squares_per_block(hi);
    const __m256i stride = _mm256_set1_epi64x(per_step), sign = _mm256_set1_epi64x(LLONG_MIN);
    __m256i index[vectors], acc[vectors], wraps = _mm256_setzero_si256();
    for (int v = 0; v < vectors; ++v) {
        index[v] = first_indices(lo, v);
        acc[v] = _mm256_setzero_si256();
    }
    for (u64 done = 0; done < steps;) {
        const u64 n = std::min(steps - done, block);
        __m256i before[vectors];
        for (int v = 0; v < vectors; ++v) before[v] = acc[v];
        for (u64 t = 0; t < n; ++t)
#pragma GCC unroll 8  // every vector in its own registers at any -O (sanitizer builds use -O2)
            for (int v = 0; v < vectors; ++v) {
                acc[v] = _mm256_add_epi64(acc[v], _mm256_mul_epu32(index[v], index[v]));
                index[v] = _mm256_add_epi64(index[v], stride);
            }
        for (int v = 0; v < vectors; ++v)  // before > acc (unsigned): the lane wrapped; a true compare is −1
            wraps = _mm256_sub_epi64(wraps, _mm256_cmpgt_epi64(_mm256_xor_si256(before[v], sign),
                                                               _mm256_xor_si256(acc[v], sign)));
        done += n;
    }
    u128 sum = lanes_sum(wraps) << 64;
    for (int v = 0; v < vectors; ++v) sum += lanes_sum(acc[v]);
    return sum + portable_difference(lo + steps * per_step, hi);  // the last < 20 elements
}

// The array path. 8 values per 256-bit load: the even ones squared in place (_mm256_mul_epu32 reads
// the low half of each 64-bit lane), the odd ones after a 32-bit shift; both squares go into the
// lane's A and H (portable.cpp's array trick: stored values may all square to near 2^64, so the
// range formulations' blocks do not apply). Four independent vectors of sums per step keep the loads
// flowing; an unaligned start is summed by the portable path up to the first 32-byte boundary, so no
// load splits a cache line. Blocks of array_block values keep each lane's H far below 2^32 terms.
namespace {

// Σ over 4 vectors × 4 lanes of each lane's exact sum H·2^32 + (A − H·2^32).
__attribute__((target("avx2"))) u128 high_half_sum(const __m256i (&wrapped)[4], const __m256i (&high)[4]) noexcept {
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

__attribute__((target("avx2"))) u128 avx2_array_block(const std::uint32_t* values, u64 count) noexcept {
    constexpr u64 values_per_step = 32;  // 4 vectors × 8 values
    const u64 steps = count / values_per_step;
    __m256i wrapped[4], high[4];
    for (int v = 0; v < 4; ++v) wrapped[v] = high[v] = _mm256_setzero_si256();
    for (u64 k = 0; k < steps; ++k, values += values_per_step) {
        for (int v = 0; v < 4; ++v) {
            const __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(values + 8 * v));
            const __m256i odd = _mm256_srli_epi64(x, 32);
            const __m256i even_square = _mm256_mul_epu32(x, x), odd_square = _mm256_mul_epu32(odd, odd);
            wrapped[v] = _mm256_add_epi64(wrapped[v], _mm256_add_epi64(even_square, odd_square));
            high[v] = _mm256_add_epi64(high[v], _mm256_add_epi64(_mm256_srli_epi64(even_square, 32),
                                                                 _mm256_srli_epi64(odd_square, 32)));
        }
    }
    const u128 sum = high_half_sum(wrapped, high);
    return sum + portable_sum_array(values, count - steps * values_per_step);  // the last < 32 values
}

}  // namespace

u128 avx2_sum_array(const std::uint32_t* values, u64 count) noexcept {
    return sum_array_in_blocks(values, count, 32, avx2_array_block);
}

}  // namespace sumsq::range
