// The avx512ifma path: squares as products of pairs, x·(x + 2a) = (x + a)² − a², by AVX-512 IFMA's
// 52-bit multiply-add (vpmadd52luq: acc += the low 52 bits of x·y, in one instruction). The multiply
// and the add of the other formulations become one operation, so a step needs two vector operations
// per 8 elements instead of three (docs/range-kernel.md).
//
// The pairs. In a block starting at index g, x_i holds small local offsets 16i + j + t·s and y_k the
// large values 2g + 64k + j + t·s (i, k < 4 vectors each, lane j < 8, step t, s = 128 elements per
// step). Each of the 16 pairs gives x·y = c² − δ² for the element c = (x + y)/2 = g + 8(i + 4k) + j + t·s,
// with δ = (y − x)/2 = g + 32k − 8i the same for every lane and step of the pair: the 16 pairs cover
// the 128 elements of a step once, and the block adds its 16 × 8 × steps δ² back in 128 bits. Per
// step: 16 multiply-adds and 8 adds (the x's and y's) for 128 elements.
//
// Exact: x < 2^19 (difference_block steps of 128) and y < 2^33 (c < 2^32), so x·y < 2^52 and the low
// 52 bits are the whole product; each pair has its own accumulator, whose 4096 products stay below
// 2^64. Elements past the last full step go to portable_difference.
//
// Built twice like avx512.cpp (src/CMakeLists.txt): natively (this function compiled for IFMA by its
// target attribute, called only when the CPU has AVX-512F and AVX-512 IFMA), and with
// SUMSQ_AVX512_EMULATED for the tests, where SIMDe 0.7 has no IFMA and madd52lo below spells out its
// lanes; the tests compare the two copies where the CPU has IFMA.
#ifdef SUMSQ_AVX512_EMULATED
#define SIMDE_NO_NATIVE
#define SUMSQ_AVX512IFMA(name) avx512ifma_emulated_##name
#define SUMSQ_IFMA_TARGET
#else
#define SUMSQ_AVX512IFMA(name) avx512ifma_##name
#define SUMSQ_IFMA_TARGET __attribute__((target("avx512f,avx512ifma")))
#endif
#include "paths.hpp"

#include <simde/x86/avx512.h>

#include <cstdint>

namespace sumsq::range {
namespace {

constexpr int xs = 4, ys = 4, lanes = 8;  // 4 × 4 pairs: measured as fast as 2 × 8 with fewer adds
constexpr u64 per_step = xs * ys * lanes, block = difference_block;
static_assert(16 * (xs - 1) + lanes + (block - 1) * per_step <= u64{1} << 19, "x must stay below 2^19");
static_assert(block <= u64{1} << 12, "an accumulator of block products below 2^52 must stay below 2^64");

// acc + the low 52 bits of b·c (b, c: their low 52 bits), lane by lane: vpmadd52luq.
SUMSQ_IFMA_TARGET inline simde__m512i madd52lo(simde__m512i acc, simde__m512i b, simde__m512i c) noexcept {
#ifdef SUMSQ_AVX512_EMULATED
    constexpr u64 low52 = (u64{1} << 52) - 1;
    u64 a[lanes], x[lanes], y[lanes];
    simde_mm512_storeu_si512(a, acc);
    simde_mm512_storeu_si512(x, b);
    simde_mm512_storeu_si512(y, c);
    for (int j = 0; j < lanes; ++j) a[j] += static_cast<u64>(u128{x[j] & low52} * (y[j] & low52)) & low52;
    return simde_mm512_loadu_si512(a);
#else
    return _mm512_madd52lo_epu64(acc, b, c);
#endif
}

u128 lanes_sum(const simde__m512i& v) noexcept {
    u64 lane[lanes];
    simde_mm512_storeu_si512(lane, v);
    u128 sum = 0;
    for (const u64 x : lane) sum += x;
    return sum;
}

}  // namespace

SUMSQ_IFMA_TARGET u128 SUMSQ_AVX512IFMA(pairs)(u64 lo, u64 hi) noexcept {
    const u64 steps = (hi - lo) / per_step;
    const simde__m512i lane = simde_mm512_set_epi64(7, 6, 5, 4, 3, 2, 1, 0), stride = simde_mm512_set1_epi64(per_step);
    simde__m512i x_start[xs], y[ys];
    for (int i = 0; i < xs; ++i) x_start[i] = simde_mm512_add_epi64(lane, simde_mm512_set1_epi64(16 * i));
    for (int k = 0; k < ys; ++k)
        y[k] = simde_mm512_add_epi64(lane, simde_mm512_set1_epi64(static_cast<std::int64_t>(2 * lo + 16 * xs * k)));
    u128 sum = 0;
    u64 g = lo;  // the block's first element
    for (u64 done = 0; done < steps;) {
        const u64 n = steps - done < block ? steps - done : block;
        simde__m512i x[xs], acc[xs * ys];
        for (int i = 0; i < xs; ++i) x[i] = x_start[i];
        for (auto& a : acc) a = simde_mm512_setzero_si512();
        for (u64 t = 0; t < n; ++t) {  // unrolled: every vector in its own registers at any -O (sanitizer builds use -O2)
#pragma GCC unroll 4
            for (int k = 0; k < ys; ++k)
#pragma GCC unroll 4
                for (int i = 0; i < xs; ++i) acc[k * xs + i] = madd52lo(acc[k * xs + i], x[i], y[k]);
#pragma GCC unroll 4
            for (int i = 0; i < xs; ++i) x[i] = simde_mm512_add_epi64(x[i], stride);
#pragma GCC unroll 4
            for (int k = 0; k < ys; ++k) y[k] = simde_mm512_add_epi64(y[k], stride);
        }
        for (const auto& a : acc) sum += lanes_sum(a);
        for (int k = 0; k < ys; ++k)
            for (int i = 0; i < xs; ++i) {
                const u64 delta = g + 8 * xs * static_cast<u64>(k) - 8 * static_cast<u64>(i);  // |δ| < 2^32; "negative" (wrapped) only when g < 8i
                sum += u128{lanes * n} * (delta * delta);
            }
        const simde__m512i jump = simde_mm512_set1_epi64(static_cast<std::int64_t>(n * per_step));
        for (int k = 0; k < ys; ++k) y[k] = simde_mm512_add_epi64(y[k], jump);  // y = 2g + …: moves 2·n·s in all
        g += n * per_step;
        done += n;
    }
    return sum + portable_difference(lo + steps * per_step, hi);  // the last < 128 elements
}

}  // namespace sumsq::range
