// sum_squares.hpp — THE contract every sumsq kernel computes against.
//
// S(N) = Σ i·i for i in [0, N), exact. S(10^7) = 333333283333335000000 already exceeds 2^64, so
// results are unsigned 128-bit integers, and N is limited to max_n (see reference.hpp), the
// largest N whose S(N) still fits in 128 bits.
#pragma once

#include <cstdint>

namespace sumsq {

__extension__ typedef unsigned __int128 u128;  // __extension__: no -Wpedantic noise
using u64 = std::uint64_t;

// The shared range kernel: exact Σ i·i over [lo, hi). Requires lo <= hi <= max_n.
// Every backend computes its pieces with this one function; kernels/ only split and combine.
// Not inline on purpose: the compiler must not see through it and fold a loop into the closed form.
u128 sum_squares_range(u64 lo, u64 hi) noexcept;

// The array workload's kernel: exact Σ v·v over the hi − lo stored values starting at `first`, which
// holds element lo of the logical array (lo and hi name the piece, e.g. for the recorder; the sum
// reads only first[0 .. hi − lo)). Requires lo <= hi; any u32 values; `first` need not be vector-aligned.
u128 sum_squares_array(const std::uint32_t* first, u64 lo, u64 hi) noexcept;

// The reference loop: what every kernel computes, written the obvious way (documentation and
// test oracle for the range kernel; far too slow to be the product).
constexpr u128 reference_loop(u64 lo, u64 hi) noexcept {
    u128 sum = 0;
    for (u64 i = lo; i < hi; ++i) sum += u128{i} * i;
    return sum;
}

}  // namespace sumsq
