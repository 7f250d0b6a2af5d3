// reference_kernel.hpp — the reference the range kernel is measured against (make bench), never
// linked into the product: the plain hand-written intrinsic kernel of the block-bounded form, as
// one would write it without this project's tricks, built with -O3 -march=native
// (tests/bench/CMakeLists.txt).
//
// The technique: lanes of vpmuludq squares (exact for i < 2^32), accumulated with no per-step wrap
// check in blocks short enough that no lane can wrap (for indices below hi a 64-bit lane can take
// ⌊(2^64 − 1)/(hi − 1)²⌋ squares: 18 at hi = 1e9), every lane folded into 128 bits between blocks.
// Four vectors of accumulators: measured faster than eight for this kernel on Zen 5 (docs/range-kernel.md).
#pragma once

#include <cstdint>

namespace sumsq::bench {

__extension__ typedef unsigned __int128 u128;

// Exact Σ i·i over [lo, hi) for hi <= 2^32. The first needs AVX-512F, the second AVX2.
u128 reference_avx512(std::uint64_t lo, std::uint64_t hi) noexcept;
u128 reference_avx2(std::uint64_t lo, std::uint64_t hi) noexcept;

}  // namespace sumsq::bench
