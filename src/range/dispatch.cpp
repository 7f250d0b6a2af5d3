// sum_squares_range(): picks the fastest path this CPU supports (once), splits a range at 2^32,
// and records each call as a stretch when the recorder is on (src/record/).
#include "paths.hpp"
#include "record/recorder.hpp"

#include <array>
#include <atomic>

namespace sumsq::range {
namespace {

bool always() { return true; }
bool has_avx2() { return __builtin_cpu_supports("avx2"); }
bool has_avx512f() { return __builtin_cpu_supports("avx512f"); }
constexpr std::array<Path, 4> all_paths{{
    {"avx512", has_avx512f, avx512_sum},   // 8-lane 32x32->64 multiplies (SIMDe, compiled with -mavx512f)
    {"avx2", has_avx2, avx2_sum},          // 4-lane 32x32->64 multiplies, the high-half trick
    {"portable", always, portable_sum},    // plain C++, the same trick, any x86-64
    {"exact", always, exact_loop},         // the plain loop in 128-bit arithmetic (the reference)
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

u128 sum_range(u64 lo, u64 hi) { return range::sum_with(range::active(), lo, hi); }

}  // namespace

u128 sum_squares_range(u64 lo, u64 hi) noexcept {
    if (record::mode.load(std::memory_order_relaxed) != record::Mode::off) {
        const auto begin = record::Clock::now();
        const u128 sum = sum_range(lo, hi);
        record::stretch(begin, record::Clock::now(), record::Kind::chunk, record::current_task, lo, hi);
        return sum;
    }
    return sum_range(lo, hi);
}

// TEMPORARY until the array paths land (branch memory).
u128 sum_squares_array(const std::uint32_t* first, u64 lo, u64 hi) noexcept {
    u128 sum = 0;
    for (u64 k = 0; k < hi - lo; ++k) sum += u128{first[k]} * first[k];
    return sum;
}

}  // namespace sumsq
