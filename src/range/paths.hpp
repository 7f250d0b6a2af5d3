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

struct Path {
    std::string_view name;
    bool (*supported)();                   // does this CPU run it?
    u128 (*sum)(u64 lo, u64 hi) noexcept;  // fast paths: requires hi <= fast_limit
    // Σ values[k]² for k in [0, count): any values, any count; `values` need not be vector-aligned.
    u128 (*sum_array)(const std::uint32_t* values, u64 count) noexcept;
};

// Every path compiled in, best first: avx512, avx2, portable, exact.
std::span<const Path> paths();

// Exact Σ i·i over [lo, hi) for any lo <= hi <= max_n: 128-bit arithmetic throughout.
u128 exact_loop(u64 lo, u64 hi) noexcept;
// Exact, portable, 64-bit accumulation (hi <= 2^32); see portable.cpp for the trick.
u128 portable_sum(u64 lo, u64 hi) noexcept;
// AVX2 (4 lanes of 32×32→64 multiplies); only call when the CPU has AVX2.
u128 avx2_sum(u64 lo, u64 hi) noexcept;
// AVX-512F (8 lanes; avx512.cpp through SIMDe); only call when the CPU has AVX-512F.
u128 avx512_sum(u64 lo, u64 hi) noexcept;
// The same source compiled without AVX-512 (SIMDe's portable code): linked into the tests only.
u128 avx512_emulated_sum(u64 lo, u64 hi) noexcept;

// The array functions of the paths above, in the same order.
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
