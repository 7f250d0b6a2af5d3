// The AVX-512 reference kernel (reference_kernel.hpp): 4 vectors × 8 lanes, block-bounded.
#include "reference_kernel.hpp"

#include <immintrin.h>

namespace sumsq::bench {

u128 reference_avx512(std::uint64_t lo, std::uint64_t hi) noexcept {
    constexpr int vectors = 4;
    constexpr std::uint64_t per_step = 8 * vectors;
    const std::uint64_t top = hi - 1, block = top == 0 ? UINT64_MAX : UINT64_MAX / (top * top);
    __m512i index[vectors];
    for (int v = 0; v < vectors; ++v)
        index[v] = _mm512_add_epi64(_mm512_set1_epi64(static_cast<long long>(lo + 8 * v)), _mm512_setr_epi64(0, 1, 2, 3, 4, 5, 6, 7));
    const __m512i stride = _mm512_set1_epi64(per_step);
    u128 sum = 0;
    std::uint64_t i = lo;
    while (hi - i >= per_step) {
        const std::uint64_t steps = (hi - i) / per_step < block ? (hi - i) / per_step : block;
        __m512i acc[vectors];
        for (auto& a : acc) a = _mm512_setzero_si512();
        for (std::uint64_t k = 0; k < steps; ++k)
            for (int v = 0; v < vectors; ++v) {
                acc[v] = _mm512_add_epi64(acc[v], _mm512_mul_epu32(index[v], index[v]));
                index[v] = _mm512_add_epi64(index[v], stride);
            }
        alignas(64) std::uint64_t lanes[vectors][8];
        for (int v = 0; v < vectors; ++v) _mm512_store_si512(lanes[v], acc[v]);
        for (const auto& vector : lanes)
            for (const std::uint64_t lane : vector) sum += lane;
        i += steps * per_step;
    }
    for (; i < hi; ++i) sum += u128{i} * i;
    return sum;
}

}  // namespace sumsq::bench
