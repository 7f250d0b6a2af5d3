// paths.hpp — the implementations behind sum_squares_range() and sum_squares_array(), and the
// run-time choice among them.
//
// Every path is exact over its domain; the fast ones cover i < 2^32 (where i·i fits in 64 bits)
// and the dispatcher sends the rest of a range (i >= 2^32, N > 4.29e9) to the exact loop. The
// array functions take stored u32 values, whose squares always fit in 64 bits: exact for any
// values and any count, in blocks of array_block values (each block's 64-bit sums cannot overflow).
#pragma once

#include "contract/sum_squares.hpp"

#include <cstdint>
#include <cstddef>
#include <span>
#include <string_view>
#include <vector>

namespace sumsq::range {

inline constexpr u64 fast_limit = u64{1} << 32;  // fast paths need hi <= 2^32
// The array paths sum at most this many values into 64-bit lanes before folding them into 128
// bits: far below the 2^32 terms per lane that keep their sums exact (portable.cpp), small enough
// that the tests cross a block boundary.
inline constexpr u64 array_block = u64{1} << 24;

// One way a path produces and adds the squares (docs/range-kernel.md). Every formulation is exact
// for any lo <= hi <= fast_limit; they differ only in speed, which depends on the CPU.
//   multiply   — i·i by a 32×32→64 multiply, in blocks short enough that a lane wraps at most once
//                (squares_per_block), the wraps counted once per block
//   difference — no multiply: (i+s)² = i² + d, d += 2s², each lane relative to its first square
//                in a block of difference_block steps, so no lane can wrap at all
//   pairs      — x·(x + 2a) = (x + a)² − a² by 52-bit multiply-adds (AVX-512 IFMA), x small
struct Formulation {
    std::string_view name;
    u128 (*sum)(u64 lo, u64 hi) noexcept;  // requires lo <= hi <= fast_limit
};

struct Path {
    std::string_view name;
    bool (*supported)();                   // does this CPU run it?
    u128 (*sum)(u64 lo, u64 hi) noexcept;  // fast paths: requires hi <= fast_limit; formulations[0]
    // Σ values[k]² for k in [0, count): any values, any count; `values` need not be vector-aligned.
    u128 (*sum_array)(const std::uint32_t* values, u64 count) noexcept;
    // Every formulation compiled for this path, the one `sum` uses (the fastest measured) first;
    // the others are kept for the tests and for make bench, which times them all.
    std::span<const Formulation> formulations;
};

// Every path compiled in, best first: avx512ifma, avx512, avx2, portable, exact.
std::span<const Path> paths();

// The multiply formulation's block: how many squares of indices below hi a 64-bit lane can add
// with a sum below 2^64, the largest k with k·(hi − 1)² < 2^64. Over such a block a lane wraps at
// most once, exactly when it ends below where it started. 1 for hi near 2^32, 18 for hi = 1e9.
u64 squares_per_block(u64 hi) noexcept;
// The difference formulation's block, in steps: a lane adds i² − i0² (i0 its first index in the
// block, i < 2^32, i − i0 = t·s for t < difference_block), each below t·s·2^33, so its block sum
// stays below s·2^32·difference_block² <= 2^64 for every step width s <= 256 elements.
inline constexpr u64 difference_block = 4096;
// Σ i·i for i in [first, first + count), first + count <= 2^32: a block's i0² terms, one per lane.
u128 first_squares(u64 first, u64 count) noexcept;

// Exact Σ i·i over [lo, hi) for any lo <= hi <= max_n: 128-bit arithmetic throughout.
u128 exact_loop(u64 lo, u64 hi) noexcept;
// The fast paths' formulations (hi <= 2^32). portable.cpp: plain C++, any x86-64. avx2.cpp: only
// call when the CPU has AVX2. avx512.cpp (through SIMDe): only with AVX-512F. avx512_ifma.cpp:
// only with AVX-512F and AVX-512 IFMA.
u128 portable_difference(u64 lo, u64 hi) noexcept;
u128 portable_multiply(u64 lo, u64 hi) noexcept;
u128 avx2_difference(u64 lo, u64 hi) noexcept;
u128 avx2_multiply(u64 lo, u64 hi) noexcept;
u128 avx512_difference(u64 lo, u64 hi) noexcept;
u128 avx512_multiply(u64 lo, u64 hi) noexcept;
u128 avx512ifma_pairs(u64 lo, u64 hi) noexcept;
// The two AVX-512 files compiled without AVX-512 (SIMDe's portable code, and IFMA's lanes spelled
// out): the same source on any x86-64, linked into the tests only.
u128 avx512_emulated_difference(u64 lo, u64 hi) noexcept;
u128 avx512_emulated_multiply(u64 lo, u64 hi) noexcept;
u128 avx512ifma_emulated_pairs(u64 lo, u64 hi) noexcept;

// The array functions of the paths above (avx512ifma uses avx512's: memory-bound, no multiply-add
// to gain).
u128 exact_array(const std::uint32_t* values, u64 count) noexcept;
u128 portable_sum_array(const std::uint32_t* values, u64 count) noexcept;
u128 avx2_sum_array(const std::uint32_t* values, u64 count) noexcept;
u128 avx512_sum_array(const std::uint32_t* values, u64 count) noexcept;
u128 avx512_emulated_sum_array(const std::uint32_t* values, u64 count) noexcept;  // tests only

// Any count of values through `block`, a kernel for at most array_block values whose loads want
// `alignment`-byte aligned values: the values before the first such boundary are summed portably,
// then the rest in blocks of array_block. Shared by the array paths (defined in portable.cpp).
u128 sum_array_in_blocks(const std::uint32_t* values, u64 count, std::size_t alignment,
                         u128 (*block)(const std::uint32_t*, u64) noexcept) noexcept;

// Any lo <= hi <= max_n with `path`: its fast part below 2^32, the exact loop above.
u128 sum_with(const Path& path, u64 lo, u64 hi) noexcept;

// Names of the paths this CPU runs, best first.
std::vector<std::string_view> supported_names();

// The active path: the best supported one, unless select() chose another.
const Path& active();
// Chooses a path by name ("auto" = the best supported). Returns false when the name is unknown
// or this CPU cannot run it.
bool select(std::string_view name);

}  // namespace sumsq::range
