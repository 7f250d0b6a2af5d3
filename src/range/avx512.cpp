// The AVX-512 path: the portable trick (see portable.cpp) on 8 × 64-bit lanes, 4 vectors per step.
//
// Written with SIMDe (simde_mm512_*): compiled with -mavx512f they are the native instructions
// (vpmuludq/vpaddq/vpsrlq on zmm registers); compiled without, SIMDe's portable code computes the
// same lanes. src/CMakeLists.txt builds this file twice: natively as avx512_sum (chosen at run time
// when the CPU has AVX-512F) and, with SUMSQ_AVX512_EMULATED, as avx512_emulated_sum (SIMDE_NO_NATIVE,
// -mno-avx512f: no AVX-512 instruction), linked into the tests only, so every CPU tests this code.
// Exactness as in avx2.cpp: per lane a wrapping sum A and a high-half sum H of squares < 2^64; a
// lane sees at most 2^27 terms below 2^32, far under the 2^32 that keeps H exact.
#ifdef SUMSQ_AVX512_EMULATED
#define SIMDE_NO_NATIVE
#define SUMSQ_AVX512_FUNCTION avx512_emulated_sum
#else
#define SUMSQ_AVX512_FUNCTION avx512_sum
#endif
#include "paths.hpp"

#include <simde/x86/avx512.h>

namespace sumsq::range {

u128 SUMSQ_AVX512_FUNCTION(u64 lo, u64 hi) noexcept {
    constexpr int vectors = 4, lanes = 8;
    constexpr u64 per_step = vectors * lanes;
    const u64 steps = (hi - lo) / per_step;
    simde__m512i index[vectors], wrapped[vectors], high[vectors];
    const simde__m512i stride = simde_mm512_set1_epi64(per_step);
    for (int v = 0; v < vectors; ++v) {
        const auto base = static_cast<std::int64_t>(lo) + lanes * v;
        index[v] = simde_mm512_set_epi64(base + 7, base + 6, base + 5, base + 4, base + 3, base + 2, base + 1, base);
        wrapped[v] = simde_mm512_setzero_si512();
        high[v] = simde_mm512_setzero_si512();
    }
    for (u64 k = 0; k < steps; ++k) {
        for (int v = 0; v < vectors; ++v) {
            const simde__m512i square = simde_mm512_mul_epu32(index[v], index[v]);
            wrapped[v] = simde_mm512_add_epi64(wrapped[v], square);
            high[v] = simde_mm512_add_epi64(high[v], simde_mm512_srli_epi64(square, 32));
            index[v] = simde_mm512_add_epi64(index[v], stride);
        }
    }
    u64 a[vectors][lanes], h[vectors][lanes];  // no 512-bit horizontal add in SIMDe 0.7: store the lanes
    for (int v = 0; v < vectors; ++v) {
        simde_mm512_storeu_si512(a[v], wrapped[v]);
        simde_mm512_storeu_si512(h[v], high[v]);
    }
    u128 sum = 0;
    for (int v = 0; v < vectors; ++v)
        for (int lane = 0; lane < lanes; ++lane) sum += (u128{h[v][lane]} << 32) + (a[v][lane] - (h[v][lane] << 32));
    return sum + portable_sum(lo + steps * per_step, hi);  // the last < 32 elements
}

}  // namespace sumsq::range
