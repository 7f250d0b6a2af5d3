// sum_squares_range() and sum_squares_array(): pick the fastest path this CPU supports (once),
// split a range at 2^32, and record each call as a stretch when the recorder is on (src/record/).
#include "paths.hpp"
#include "record/recorder.hpp"

#include <array>
#include <atomic>

namespace sumsq::range {
namespace {

bool always() { return true; }
bool has_avx2() { return __builtin_cpu_supports("avx2"); }
bool has_avx512f() { return __builtin_cpu_supports("avx512f"); }
bool has_avx512ifma() { return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512ifma"); }

// Each path's formulations, the one its `sum` uses first (measured fastest, docs/range-kernel.md).
constexpr Formulation ifma_formulations[]{{"pairs", avx512ifma_pairs}};
constexpr Formulation avx512_formulations[]{{"difference", avx512_difference}, {"multiply", avx512_multiply}};
constexpr Formulation avx2_formulations[]{{"difference", avx2_difference}, {"multiply", avx2_multiply}};
constexpr Formulation portable_formulations[]{{"difference", portable_difference}, {"multiply", portable_multiply}};
constexpr Formulation exact_formulations[]{{"128-bit", exact_loop}};

constexpr std::array<Path, 5> all_paths{{
    // 16 pairs of 8 lanes, 52-bit multiply-adds: x·(x + 2a) = (x + a)² − a² (avx512_ifma.cpp)
    {"avx512ifma", has_avx512ifma, avx512ifma_pairs, avx512_sum_array, ifma_formulations},
    // 8 vectors × 8 lanes, adds only (SIMDe, -mavx512f)
    {"avx512", has_avx512f, avx512_difference, avx512_sum_array, avx512_formulations},
    {"avx2", has_avx2, avx2_difference, avx2_sum_array, avx2_formulations},  // 5 vectors × 4 lanes, adds only
    {"portable", always, portable_difference, portable_sum_array, portable_formulations},  // plain C++, 4 lanes
    {"exact", always, exact_loop, exact_array, exact_formulations},  // the plain loop in 128-bit arithmetic (the reference)
}};

std::atomic<const Path*> chosen{nullptr};  // set before the workers start; atomic for the first lazy read

const Path& best() {
    for (const Path& p : all_paths)
        if (p.supported()) return p;
    return all_paths.back();
}

}  // namespace

std::span<const Path> paths() { return all_paths; }

u128 sum_with(const Path& path, u64 lo, u64 hi) noexcept {
    if (hi <= fast_limit) return path.sum(lo, hi);
    if (lo >= fast_limit) return exact_loop(lo, hi);
    return path.sum(lo, fast_limit) + exact_loop(fast_limit, hi);
}

std::vector<std::string_view> supported_names() {
    std::vector<std::string_view> names;
    for (const Path& p : all_paths)
        if (p.supported()) names.push_back(p.name);
    return names;
}

const Path& active() {
    const Path* path = chosen.load(std::memory_order_relaxed);
    if (!path) chosen.store(path = &best(), std::memory_order_relaxed);
    return *path;
}

bool select(std::string_view name) {
    if (name == "auto") {
        chosen.store(&best(), std::memory_order_relaxed);
        return true;
    }
    for (const Path& p : all_paths)
        if (p.name == name && p.supported()) {
            chosen.store(&p, std::memory_order_relaxed);
            return true;
        }
    return false;
}

}  // namespace sumsq::range

namespace sumsq {
namespace {

// Runs `sum` (the sum of logical elements [lo, hi)), recorded as a chunk when the recorder is on.
template <class Sum>
u128 recorded(u64 lo, u64 hi, Sum sum) {
    if (record::mode.load(std::memory_order_relaxed) != record::Mode::off) {
        const auto begin = record::stretch_begin();
        const u128 result = sum();
        record::stretch(begin, record::Clock::now(), record::Kind::chunk, record::current_task, lo, hi);
        return result;
    }
    return sum();
}

}  // namespace

u128 sum_squares_range(u64 lo, u64 hi) noexcept {
    return recorded(lo, hi, [=] { return range::sum_with(range::active(), lo, hi); });
}

u128 sum_squares_array(const std::uint32_t* first, u64 lo, u64 hi) noexcept {
    return recorded(lo, hi, [=] { return range::active().sum_array(first, hi - lo); });
}

}  // namespace sumsq
