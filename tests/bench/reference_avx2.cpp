// The AVX2 reference kernel (reference_kernel.hpp): the same technique, 4 vectors × 4 lanes.
#include "reference_kernel.hpp"

#include <immintrin.h>

namespace sumsq::bench {

u128 reference_avx2(std::uint64_t lo, std::uint64_t hi) noexcept {
    constexpr int vectors = 4;
    constexpr std::uint64_t per_step = 4 * vectors;
    const std::uint64_t top = hi - 1, block = top == 0 ? UINT64_MAX : UINT64_MAX / (top * top);
    __m256i index[vectors];
    for (int v = 0; v < vectors; ++v)
        index[v] = _mm256_add_epi64(_mm256_set1_epi64x(static_cast<long long>(lo + 4 * v)), _mm256_setr_epi64x(0, 1, 2, 3));
    const __m256i stride = _mm256_set1_epi64x(per_step);
    u128 sum = 0;
    std::uint64_t i = lo;
    while (hi - i >= per_step) {
        const std::uint64_t steps = (hi - i) / per_step < block ? (hi - i) / per_step : block;
        __m256i acc[vectors];
        for (auto& a : acc) a = _mm256_setzero_si256();
        for (std::uint64_t k = 0; k < steps; ++k)
            for (int v = 0; v < vectors; ++v) {
                acc[v] = _mm256_add_epi64(acc[v], _mm256_mul_epu32(index[v], index[v]));
                index[v] = _mm256_add_epi64(index[v], stride);
            }
        alignas(32) std::uint64_t lanes[vectors][4];
        for (int v = 0; v < vectors; ++v) _mm256_store_si256(reinterpret_cast<__m256i*>(lanes[v]), acc[v]);
        for (const auto& vector : lanes)
            for (const std::uint64_t lane : vector) sum += lane;
        i += steps * per_step;
    }
    for (; i < hi; ++i) sum += u128{i} * i;
    return sum;
}

}  // namespace sumsq::bench
