// The AVX-512 path: 8 vectors × 8 lanes of 32×32→64 multiplies, exact with 64-bit lanes.
//
// Written with SIMDe (simde_mm512_*): compiled with -mavx512f they are the native instructions
// (vpmuludq/vpaddq/vpcmpuq on zmm registers); compiled without, SIMDe's portable code computes the
// same lanes. src/CMakeLists.txt builds this file twice: natively as avx512_sum (chosen at run time
// when the CPU has AVX-512F) and, with SUMSQ_AVX512_EMULATED, as avx512_emulated_sum (SIMDE_NO_NATIVE,
// -mno-avx512f: no AVX-512 instruction), linked into the tests only, so every CPU tests this code.
// Exact with 64-bit lanes, like avx2.cpp but counting carries instead of summing high halves: each
// lane keeps A = Σ i·i wrapping mod 2^64 (i < 2^32, so each square fits), and an addition wrapped
// exactly when the new A is below the square just added. The lanes' wraps are counted from the
// compare masks with a scalar popcount (off the vector units, which are the limit here), so the
// true sum is Σ A + wraps·2^64 in 128 bits. Per vector: multiply, add, compare, index add — one
// vector operation fewer than the high-half sum (measured faster on Zen 4, see README).
#ifdef SUMSQ_AVX512_EMULATED
#define SIMDE_NO_NATIVE
#define SUMSQ_AVX512_FUNCTION avx512_emulated_sum
#define SUMSQ_AVX512_ARRAY_FUNCTION avx512_emulated_sum_array
#else
#define SUMSQ_AVX512_FUNCTION avx512_sum
#define SUMSQ_AVX512_ARRAY_FUNCTION avx512_sum_array
#endif
#include "paths.hpp"

#include <simde/x86/avx512.h>

#include <cstdint>

namespace sumsq::range {

u128 SUMSQ_AVX512_FUNCTION(u64 lo, u64 hi) noexcept {
    constexpr int vectors = 8, lanes = 8;  // 8 independent accumulators: measured faster than 4 (README)
    constexpr u64 per_step = vectors * lanes;
    const u64 steps = (hi - lo) / per_step;
    simde__m512i index[vectors], wrapped[vectors];
    const simde__m512i stride = simde_mm512_set1_epi64(per_step);
    for (int v = 0; v < vectors; ++v) {
        const auto base = static_cast<std::int64_t>(lo) + lanes * v;
        index[v] = simde_mm512_set_epi64(base + 7, base + 6, base + 5, base + 4, base + 3, base + 2, base + 1, base);
        wrapped[v] = simde_mm512_setzero_si512();
    }
    u64 kept = 0;  // additions that did not wrap
    for (u64 k = 0; k < steps; ++k) {
        for (int v = 0; v < vectors; ++v) {
            const simde__m512i square = simde_mm512_mul_epu32(index[v], index[v]);
            wrapped[v] = simde_mm512_add_epi64(wrapped[v], square);
            kept += static_cast<u64>(__builtin_popcount(simde_mm512_cmpge_epu64_mask(wrapped[v], square)));  // builtin: std::popcount is a weak symbol at -O0
            index[v] = simde_mm512_add_epi64(index[v], stride);
        }
    }
    u128 sum = u128{steps * per_step - kept} << 64;  // one 2^64 per wrap
    for (int v = 0; v < vectors; ++v) {
        u64 a[lanes];  // no 512-bit horizontal add in SIMDe 0.7: store the lanes
        simde_mm512_storeu_si512(a, wrapped[v]);
        for (const u64 lane : a) sum += lane;
    }
    return sum + portable_sum(lo + steps * per_step, hi);  // the last < 64 elements
}

// The array path: 16 values per 512-bit load, the even ones squared in place (mul_epu32 reads the
// low half of each 64-bit lane), the odd ones after a 32-bit shift. Memory-bound, so the vector
// units have time to spare: each lane keeps the high-half sum H of portable.cpp (shift + add, no
// compare masks, no scalar popcount), with 4 independent pairs of sums per step. An unaligned
// start is summed by the portable path up to the first 64-byte boundary, so no load splits a cache
// line; blocks of array_block values keep each lane's H far below 2^32 terms. No helper outside
// this file is inlined here (see the weak-symbol check in tests/CMakeLists.txt).
namespace {

u128 array_block_sum(const std::uint32_t* values, u64 count) noexcept {
    constexpr int vectors = 4, lanes = 8, values_per_vector = 2 * lanes;
    constexpr u64 per_step = vectors * values_per_vector;
    const u64 steps = count / per_step;
    simde__m512i wrapped[vectors], high[vectors];
    for (int v = 0; v < vectors; ++v) wrapped[v] = high[v] = simde_mm512_setzero_si512();
    for (u64 k = 0; k < steps; ++k, values += per_step) {
        for (int v = 0; v < vectors; ++v) {
            const simde__m512i x = simde_mm512_loadu_si512(values + values_per_vector * v);
            const simde__m512i odd = simde_mm512_srli_epi64(x, 32);
            const simde__m512i even_square = simde_mm512_mul_epu32(x, x), odd_square = simde_mm512_mul_epu32(odd, odd);
            wrapped[v] = simde_mm512_add_epi64(wrapped[v], simde_mm512_add_epi64(even_square, odd_square));
            high[v] = simde_mm512_add_epi64(high[v], simde_mm512_add_epi64(simde_mm512_srli_epi64(even_square, 32),
                                                                           simde_mm512_srli_epi64(odd_square, 32)));
        }
    }
    u128 sum = 0;
    for (int v = 0; v < vectors; ++v) {
        u64 a[lanes], h[lanes];
        simde_mm512_storeu_si512(a, wrapped[v]);
        simde_mm512_storeu_si512(h, high[v]);
        for (int lane = 0; lane < lanes; ++lane) sum += (u128{h[lane]} << 32) + (a[lane] - (h[lane] << 32));
    }
    return sum + portable_sum_array(values, count - steps * per_step);  // the last < 64 values
}

}  // namespace

u128 SUMSQ_AVX512_ARRAY_FUNCTION(const std::uint32_t* values, u64 count) noexcept {
    return sum_array_in_blocks(values, count, 64, array_block_sum);
}

}  // namespace sumsq::range
