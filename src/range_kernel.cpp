// The shared range kernel behind sum_squares_range(), with the trace hook.
#include "sum_squares.hpp"
#include "trace.hpp"

namespace sumsq {
namespace {

// Exact and portable: 128-bit accumulation of 128-bit squares.
u128 exact_loop(u64 lo, u64 hi) noexcept {
    u128 sum = 0;
    for (u64 i = lo; i < hi; ++i) sum += u128{i} * i;
    return sum;
}

}  // namespace

u128 sum_squares_range(u64 lo, u64 hi) noexcept {
    if (trace::recording.load(std::memory_order_relaxed)) [[unlikely]] {
        const auto begin = trace::Clock::now();
        const u128 sum = exact_loop(lo, hi);
        trace::chunk(lo, hi, begin, trace::Clock::now());
        return sum;
    }
    return exact_loop(lo, hi);
}

}  // namespace sumsq
