// The AVX-512 path: portable.cpp's two formulations on 8 vectors × 8 × 64-bit lanes.
//
// difference (the one the product uses): per vector and step three adds — acc += q, q += d,
// d += 2s² — and no multiply, no compare: each lane adds q = i² − i0², relative to its first square
// i0² in a block of difference_block steps, so it cannot wrap (paths.hpp); after a block its
// acc + steps·i0² go into 128 bits, and the next block starts afresh from its first index. multiply: vpmuludq squares the low 32 bits
// of each lane (exactly i·i while i < 2^32), acc += i·i, i += s; the blocks are squares_per_block(hi)
// steps, over which a lane wraps at most once, and one compare per block (a wrap leaves the lane
// below where it started) counts the wraps, 2^64 each. Both were measured on every path
// (docs/range-kernel.md); the difference form stays as fast near 2^32, where the multiply form's
// blocks shrink to one step.
//
// Written with SIMDe (simde_mm512_*): compiled with -mavx512f they are the native instructions
// (vpaddq/vpmuludq on zmm registers); compiled without, SIMDe's portable code computes the same
// lanes. src/CMakeLists.txt builds this file twice: natively as avx512_* (chosen at run time when the
// CPU has AVX-512F) and, with SUMSQ_AVX512_EMULATED, as avx512_emulated_* (SIMDE_NO_NATIVE,
// -mno-avx512f: no AVX-512 instruction), linked into the tests only, so every CPU tests this code.
// No helper outside this file is inlined here, std:: ones included (see the weak-symbol check in
// tests/CMakeLists.txt).
#ifdef SUMSQ_AVX512_EMULATED
#define SIMDE_NO_NATIVE
#define SUMSQ_AVX512(name) avx512_emulated_##name
#else
#define SUMSQ_AVX512(name) avx512_##name
#endif
#include "paths.hpp"

#include <simde/x86/avx512.h>

#include <cstdint>

namespace sumsq::range {
namespace {

constexpr int vectors = 8, lanes = 8;  // 8 independent vectors: measured as fast as 6, faster than 4
constexpr u64 per_step = vectors * lanes;
static_assert(per_step * difference_block * difference_block <= u64{1} << 32, "the difference block could wrap");

u64 at_most(u64 a, u64 b) noexcept { return a < b ? a : b; }

// The lanes of `v`, added into 128 bits.
u128 lanes_sum(const simde__m512i& v) noexcept {
    u64 lane[lanes];  // no 512-bit horizontal add in SIMDe 0.7: store the lanes
    simde_mm512_storeu_si512(lane, v);
    u128 sum = 0;
    for (const u64 x : lane) sum += x;
    return sum;
}

// Lane j of vector v starts at index lo + lanes·v + j.
simde__m512i first_indices(u64 lo, int v) noexcept {
    const auto base = static_cast<std::int64_t>(lo + lanes * v);
    return simde_mm512_set_epi64(base + 7, base + 6, base + 5, base + 4, base + 3, base + 2, base + 1, base);
}

}  // namespace

u128 SUMSQ_AVX512(difference)(u64 lo, u64 hi) noexcept {
    const u64 steps = (hi - lo) / per_step;
    const simde__m512i twice_stride = simde_mm512_set1_epi64(2 * per_step),
                       stride_squared = simde_mm512_set1_epi64(per_step * per_step),
                       delta_step = simde_mm512_set1_epi64(2 * per_step * per_step);
    u128 sum = 0;
    for (u64 done = 0; done < steps;) {  // each block starts afresh from its first index
        const u64 first = lo + done * per_step, n = at_most(steps - done, difference_block);
        simde__m512i acc[vectors], offset[vectors], delta[vectors];  // offset = i² − i0², i0 the lane's first index
        for (int v = 0; v < vectors; ++v) {
            acc[v] = offset[v] = simde_mm512_setzero_si512();
            // (i + s)² − i² = 2s·i + s², i < 2^32
            delta[v] = simde_mm512_add_epi64(simde_mm512_mul_epu32(first_indices(first, v), twice_stride), stride_squared);
        }
        for (u64 t = 0; t < n; ++t)
#pragma GCC unroll 8  // every vector in its own registers at any -O (sanitizer builds use -O2)
            for (int v = 0; v < vectors; ++v) {
                acc[v] = simde_mm512_add_epi64(acc[v], offset[v]);
                offset[v] = simde_mm512_add_epi64(offset[v], delta[v]);
                delta[v] = simde_mm512_add_epi64(delta[v], delta_step);
            }
        for (const simde__m512i& a : acc) sum += lanes_sum(a);
        sum += n * first_squares(first, per_step);
        done += n;
    }
    return sum + portable_difference(lo + steps * per_step, hi);  // the last < 64 elements
}

u128 SUMSQ_AVX512(multiply)(u64 lo, u64 hi) noexcept {
    const u64 steps = (hi - lo) / per_step, block = squares_per_block(hi);
    const simde__m512i stride = simde_mm512_set1_epi64(per_step);
    simde__m512i index[vectors], acc[vectors];
    for (int v = 0; v < vectors; ++v) {
        index[v] = first_indices(lo, v);
        acc[v] = simde_mm512_setzero_si512();
    }
    u64 kept = 0, compared = 0;  // lanes that did not wrap in a block, of all lane-blocks
    for (u64 done = 0; done < steps;) {
        const u64 n = at_most(steps - done, block);
        simde__m512i before[vectors];
        for (int v = 0; v < vectors; ++v) before[v] = acc[v];
        for (u64 t = 0; t < n; ++t)
#pragma GCC unroll 8  // every vector in its own registers at any -O (sanitizer builds use -O2)
            for (int v = 0; v < vectors; ++v) {
                acc[v] = simde_mm512_add_epi64(acc[v], simde_mm512_mul_epu32(index[v], index[v]));
                index[v] = simde_mm512_add_epi64(index[v], stride);
            }
        for (int v = 0; v < vectors; ++v)  // builtin: std::popcount is a weak symbol at -O0
            kept += static_cast<u64>(__builtin_popcount(simde_mm512_cmpge_epu64_mask(acc[v], before[v])));
        compared += per_step;
        done += n;
    }
    u128 sum = u128{compared - kept} << 64;  // one 2^64 per wrap
    for (int v = 0; v < vectors; ++v) sum += lanes_sum(acc[v]);
    return sum + portable_difference(lo + steps * per_step, hi);  // the last < 64 elements
}

// The array path: 16 values per 512-bit load, the even ones squared in place (mul_epu32 reads the
// low half of each 64-bit lane), the odd ones after a 32-bit shift. Stored values may all square to
// near 2^64, so the range formulations' blocks do not apply: each lane keeps the high-half sum H of
// portable.cpp's array path (shift + add; memory-bound, so the vector units have time to spare),
// with 4 independent pairs of sums per step. An unaligned start is summed by the portable path up to
// the first 64-byte boundary, so no load splits a cache line; blocks of array_block values keep each
// lane's H far below 2^32 terms.
namespace {

u128 array_block_sum(const std::uint32_t* values, u64 count) noexcept {
    constexpr int array_vectors = 4, values_per_vector = 2 * lanes;
    constexpr u64 values_per_step = array_vectors * values_per_vector;
    const u64 steps = count / values_per_step;
    simde__m512i wrapped[array_vectors], high[array_vectors];
    for (int v = 0; v < array_vectors; ++v) wrapped[v] = high[v] = simde_mm512_setzero_si512();
    for (u64 k = 0; k < steps; ++k, values += values_per_step) {
        for (int v = 0; v < array_vectors; ++v) {
            const simde__m512i x = simde_mm512_loadu_si512(values + values_per_vector * v);
            const simde__m512i odd = simde_mm512_srli_epi64(x, 32);
            const simde__m512i even_square = simde_mm512_mul_epu32(x, x), odd_square = simde_mm512_mul_epu32(odd, odd);
            wrapped[v] = simde_mm512_add_epi64(wrapped[v], simde_mm512_add_epi64(even_square, odd_square));
            high[v] = simde_mm512_add_epi64(high[v], simde_mm512_add_epi64(simde_mm512_srli_epi64(even_square, 32),
                                                                           simde_mm512_srli_epi64(odd_square, 32)));
        }
    }
    u128 sum = 0;
    for (int v = 0; v < array_vectors; ++v) {
        u64 a[lanes], h[lanes];
        simde_mm512_storeu_si512(a, wrapped[v]);
        simde_mm512_storeu_si512(h, high[v]);
        for (int lane = 0; lane < lanes; ++lane) sum += (u128{h[lane]} << 32) + (a[lane] - (h[lane] << 32));
    }
    return sum + portable_sum_array(values, count - steps * values_per_step);  // the last < 64 values
}

}  // namespace

u128 SUMSQ_AVX512(sum_array)(const std::uint32_t* values, u64 count) noexcept {
    return sum_array_in_blocks(values, count, 64, array_block_sum);
}

}  // namespace sumsq::range
