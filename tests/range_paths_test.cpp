// Every range-kernel path and every formulation of it against the oracle: small ranges over a few
// vector steps at every start, ranges crossing and ending at 2^32, ranges near max_n, random
// sub-ranges (seed printed) long enough to cross the formulations' blocks; every array path against
// brute force: every short length at every 4-byte alignment in a cache line, wrap-heavy values, long
// runs across a block, and sum_squares_array on slices of a[i] = i. Each check runs for every path
// this CPU runs (avx512 and avx512ifma natively only where the CPU has them) and, as their own test
// cases, for the emulated AVX-512 copies (the same sources without AVX-512 instructions), so the
// AVX-512 code is tested on every machine. The tests are the guard against miscompiled vector loops,
// so they run at the optimisation level of each build.
#include "range/paths.hpp"
#include "contract/reference.hpp"
#include "contract/sum_squares.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <random>
#include <span>
#include <string>
#include <vector>

using namespace sumsq;

namespace {

bool always() { return true; }
constexpr range::Formulation emulated_avx512_formulations[]{{"difference", range::avx512_emulated_difference},
                                                            {"multiply", range::avx512_emulated_multiply}};
constexpr range::Formulation emulated_ifma_formulations[]{{"pairs", range::avx512ifma_emulated_pairs}};
const range::Path emulated{"avx512-emulated", always, range::avx512_emulated_difference, range::avx512_emulated_sum_array,
                           emulated_avx512_formulations};
const range::Path emulated_ifma{"avx512ifma-emulated", always, range::avx512ifma_emulated_pairs,
                                range::avx512_emulated_sum_array, emulated_ifma_formulations};

std::vector<const range::Path*> supported_paths() {
    std::vector<const range::Path*> supported;
    for (const auto& p : range::paths())
        if (p.supported()) supported.push_back(&p);
    return supported;
}

// The supported paths and the emulated AVX-512 copy, which runs on every CPU.
std::vector<const range::Path*> array_paths() {
    auto all = supported_paths();
    all.push_back(&emulated);
    return all;
}

// One formulation of one path, as the range checks below take it.
struct Kernel {
    std::string name;  // path/formulation
    u128 (*sum)(u64, u64) noexcept;
};

std::vector<Kernel> kernels_of(const range::Path& path) {
    std::vector<Kernel> kernels;
    for (const auto& f : path.formulations) kernels.push_back({std::string(path.name) + "/" + std::string(f.name), f.sum});
    return kernels;
}

// Every formulation of every path this CPU runs.
std::vector<Kernel> supported_kernels() {
    std::vector<Kernel> kernels;
    for (const auto* path : supported_paths())
        for (auto& k : kernels_of(*path)) kernels.push_back(std::move(k));
    return kernels;
}

// Every formulation of both emulated copies: any CPU.
std::vector<Kernel> emulated_kernels() {
    auto kernels = kernels_of(emulated);
    for (auto& k : kernels_of(emulated_ifma)) kernels.push_back(std::move(k));
    return kernels;
}

u128 oracle(u64 lo, u64 hi) { return closed_form(hi) - closed_form(lo); }

// Restores automatic selection after a test that forced a path.
struct Select {
    explicit Select(std::string_view name) { REQUIRE(range::select(name)); }
    ~Select() { range::select("auto"); }
};

// Every start below 136 and every length below 3 steps of the widest path (128 elements) and a
// little more: heads, tails and a few whole steps everywhere.
void check_small_ranges(const Kernel& kernel) {
    for (u64 lo = 0; lo < 136; lo += lo < 20 ? 1 : 7)
        for (u64 hi = lo; hi < lo + 400; ++hi) {
            INFO(kernel.name << " [" << lo << ", " << hi << ")");
            REQUIRE(kernel.sum(lo, hi) == reference_loop(lo, hi));
        }
}

void check_ending_at_2_32(const Kernel& kernel) {
    const u64 top = range::fast_limit;
    for (u64 length : {u64{1}, u64{15}, u64{16}, u64{17}, u64{31}, u64{32}, u64{33}, u64{127}, u64{128}, u64{129},
                       u64{1000}, u64{123'457}, u64{1} << 22, (u64{1} << 22) + 13}) {
        INFO(kernel.name << " length " << length);
        REQUIRE(kernel.sum(top - length, top) == oracle(top - length, top));
    }
}

const std::vector<std::pair<u64, u64>> crossing_and_near_max_n{
    {(u64{1} << 32) - 1, (u64{1} << 32) + 1}, {(u64{1} << 32) - 1000, (u64{1} << 32) + 1000},
    {(u64{1} << 32) - 12345, (u64{1} << 32) + 3}, {u64{1} << 32, (u64{1} << 32) + 777},
    {u64{1} << 40, (u64{1} << 40) + 1}, {(u64{1} << 40) - 5, (u64{1} << 40) + 17}, {max_n - 4000, max_n},
    {max_n - 1, max_n}};

// Through sum_with (the dispatcher's split at 2^32) and, for a selectable path, sum_squares_range.
void check_crossing_and_near_max_n(const range::Path& path, bool selectable) {
    for (const auto& [lo, hi] : crossing_and_near_max_n) {
        INFO(path.name << " [" << lo << ", " << hi << ")");
        REQUIRE(range::sum_with(path, lo, hi) == oracle(lo, hi));
        REQUIRE(range::sum_with(path, lo, hi) == reference_loop(lo, hi));
        if (selectable) {
            const Select forced(path.name);
            REQUIRE(sum_squares_range(lo, hi) == oracle(lo, hi));
        }
    }
}

// Random starts, lengths up to 100,000 and (10 of them) 1–3 million: these cross every
// formulation's block (difference_block steps, at most 524,288 elements; the multiply form's
// squares_per_block steps, a single step near 2^32).
void check_random_below_2_32(const Kernel& kernel, std::mt19937_64& rng) {
    std::uniform_int_distribution<u64> start(0, range::fast_limit - 1), length(0, 100'000), long_length(1'000'000, 3'000'000);
    for (int k = 0; k < 210; ++k) {
        const u64 lo = start(rng), hi = std::min(range::fast_limit, lo + (k < 200 ? length(rng) : long_length(rng)));
        INFO(kernel.name << " [" << lo << ", " << hi << ")");
        REQUIRE(kernel.sum(lo, hi) == oracle(lo, hi));
    }
}

// Through sum_squares_range with the path forced, or sum_with for the emulated copy.
void check_random_anywhere(const range::Path& path, bool selectable, std::mt19937_64& rng) {
    std::uniform_int_distribution<u64> start(0, max_n - 1), length(0, 20'000);
    for (int k = 0; k < 100; ++k) {
        const u64 lo = start(rng), hi = std::min(max_n, lo + length(rng));
        INFO(path.name << " [" << lo << ", " << hi << ")");
        if (selectable) {
            const Select forced(path.name);
            REQUIRE(sum_squares_range(lo, hi) == oracle(lo, hi));
        } else {
            REQUIRE(range::sum_with(path, lo, hi) == oracle(lo, hi));
        }
    }
}

}  // namespace

TEST_CASE("core/range paths: the list, and auto picks a supported one") {
    REQUIRE(range::paths().size() >= 3);
    REQUIRE(range::active().supported());
    for (const auto& path : range::paths()) {
        INFO(path.name);
        REQUIRE_FALSE(path.formulations.empty());
        REQUIRE(path.sum == path.formulations.front().sum);  // the product's formulation is listed first
    }
    REQUIRE(range::select("exact"));
    REQUIRE(range::active().name == "exact");
    REQUIRE(range::select("auto"));
    REQUIRE_FALSE(range::select("nosuch"));
    REQUIRE(range::select("avx512") == (__builtin_cpu_supports("avx512f") != 0));
    REQUIRE(range::select("avx512ifma") ==
            (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512ifma")));
    range::select("auto");
}

TEST_CASE("core/range blocks: squares_per_block keeps a block's sum below 2^64, and no more") {
    for (const u64 hi : {u64{2}, u64{3}, u64{1000}, u64{1'000'000'000}, u64{3'000'000'000}, range::fast_limit - 1,
                         range::fast_limit}) {
        INFO("hi " << hi);
        const u64 block = range::squares_per_block(hi), top = hi - 1;
        REQUIRE(block >= 1);
        REQUIRE(u128{block} * top * top < u128{1} << 64);
        REQUIRE((u128{block} + 1) * top * top >= u128{1} << 64);
    }
    REQUIRE(range::squares_per_block(1'000'000'000) == 18);
    REQUIRE(range::squares_per_block(range::fast_limit) == 1);
}

TEST_CASE("core/range paths: every small range equals brute force, every formulation") {
    for (const auto& kernel : supported_kernels()) check_small_ranges(kernel);
}

TEST_CASE("core/range paths: ranges ending at 2^32, where squares approach 2^64, every formulation") {
    for (const auto& kernel : supported_kernels()) check_ending_at_2_32(kernel);
}

// The product's formulation of each vector path only: the others are slower, and covered above.
TEST_CASE("core/range paths: the whole fast domain 0..2^32 in one call, vector paths only as the others are slower") {
    for (const auto* path : supported_paths())
        if (path->name.starts_with("avx")) {
            INFO(path->name);
            REQUIRE(path->sum(0, range::fast_limit) == oracle(0, range::fast_limit));
        }
}

TEST_CASE("core/range kernel with each path forced: ranges crossing 2^32 and near max_n") {
    for (const auto* path : supported_paths()) check_crossing_and_near_max_n(*path, true);
}

TEST_CASE("core/range paths: random sub-ranges below 2^32, every formulation") {
    const auto seed = Catch::rngSeed();
    INFO("seed " << seed << " (rerun with --rng-seed " << seed << ")");
    std::mt19937_64 rng(seed);
    for (const auto& kernel : supported_kernels()) check_random_below_2_32(kernel, rng);
}

TEST_CASE("core/range paths: random sub-ranges anywhere up to max_n, through the dispatcher") {
    const auto seed = Catch::rngSeed();
    INFO("seed " << seed << " (rerun with --rng-seed " << seed << ")");
    std::mt19937_64 rng(seed + 1);
    for (const auto* path : supported_paths()) check_random_anywhere(*path, true, rng);
}

// The AVX-512 sources without AVX-512 instructions (SIMDe's portable code; IFMA's lanes spelled out):
// run on every CPU.
TEST_CASE("core/range avx512-emulated: every small range equals brute force") {
    for (const auto& kernel : emulated_kernels()) check_small_ranges(kernel);
}

TEST_CASE("core/range avx512-emulated: ranges ending at 2^32") {
    for (const auto& kernel : emulated_kernels()) check_ending_at_2_32(kernel);
}

TEST_CASE("core/range avx512-emulated: ranges crossing 2^32 and near max_n") {
    check_crossing_and_near_max_n(emulated, false);
    check_crossing_and_near_max_n(emulated_ifma, false);
}

TEST_CASE("core/range avx512-emulated: random sub-ranges below 2^32 and anywhere up to max_n") {
    const auto seed = Catch::rngSeed();
    INFO("seed " << seed << " (rerun with --rng-seed " << seed << ")");
    std::mt19937_64 rng(seed + 2);
    for (const auto& kernel : emulated_kernels()) check_random_below_2_32(kernel, rng);
    check_random_anywhere(emulated, false, rng);
    check_random_anywhere(emulated_ifma, false, rng);
}

TEST_CASE("core/range avx512-emulated: the same sums as the native code where the CPU has it") {
    const std::pair<u64, u64> ranges[]{{0, 1'000'003}, {(u64{1} << 32) - 999'999, u64{1} << 32}, {12'345, 2'345'678}};
    if (!__builtin_cpu_supports("avx512f")) SUCCEED("no AVX-512F on this CPU: the native avx512 code is not run");
    else
        for (const auto& [lo, hi] : ranges) {
            REQUIRE(range::avx512_difference(lo, hi) == range::avx512_emulated_difference(lo, hi));
            REQUIRE(range::avx512_multiply(lo, hi) == range::avx512_emulated_multiply(lo, hi));
        }
    if (!(__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512ifma")))
        SUCCEED("no AVX-512 IFMA on this CPU: the native avx512ifma code is not run");
    else
        for (const auto& [lo, hi] : ranges) REQUIRE(range::avx512ifma_pairs(lo, hi) == range::avx512ifma_emulated_pairs(lo, hi));
}

// The array paths. Brute force: the obvious loop, written here again rather than borrowed.
namespace {

using std::uint32_t;
constexpr uint32_t max_u32 = 0xFFFF'FFFF;

u128 brute_force(std::span<const uint32_t> values) {
    u128 sum = 0;
    for (const uint32_t v : values) sum += u128{v} * u128{v};
    return sum;
}

// Storage with room for `count` values after any of the 16 four-byte offsets in a 64-byte line.
struct Buffer {
    explicit Buffer(u64 count) : storage(count + 32) {}
    uint32_t* at(unsigned offset) {  // offset 0 is 64-byte aligned
        const auto address = reinterpret_cast<std::uintptr_t>(storage.data());
        return storage.data() + (64 - address % 64) % 64 / sizeof(uint32_t) + offset;
    }
    std::vector<uint32_t> storage;
};

// Runs of zeros, ones, 0xFFFFFFFF (every square wraps the 64-bit sums fastest) and random values.
void fill_wrap_heavy(std::span<uint32_t> values, std::mt19937_64& rng) {
    std::uniform_int_distribution<int> kind(0, 3), run(1, 70);
    for (std::size_t k = 0; k < values.size();) {
        const int what = kind(rng);
        for (int left = run(rng); left > 0 && k < values.size(); --left, ++k)
            values[k] = what == 0 ? 0 : what == 1 ? 1 : what == 2 ? max_u32 : static_cast<uint32_t>(rng());
    }
}

void check_short_arrays(const range::Path& path, std::mt19937_64& rng) {
    constexpr u64 longest = 300;
    Buffer random(longest + 16), all_max(longest + 16);
    fill_wrap_heavy({random.at(0), longest + 16}, rng);
    std::fill_n(all_max.at(0), longest + 16, max_u32);
    for (Buffer* buffer : {&random, &all_max})
        for (unsigned offset = 0; offset < 16; ++offset)
            for (u64 length = 0; length <= longest; ++length) {
                const uint32_t* values = buffer->at(offset);
                INFO(path.name << " offset " << offset << " length " << length << (buffer == &all_max ? " all 0xFFFFFFFF" : ""));
                REQUIRE(path.sum_array(values, length) == brute_force({values, length}));
            }
}

// 2^20 values all 0xFFFFFFFF and random; then more than array_block values, crossing a block.
void check_long_arrays(const range::Path& path, std::mt19937_64& rng) {
    const u64 count = u64{1} << 20, past_block = range::array_block + 65'541;
    Buffer buffer(past_block);
    std::fill_n(buffer.at(0), past_block + 16, max_u32);
    const u128 max_square = u128{max_u32} * max_u32;
    INFO(path.name);
    REQUIRE(path.sum_array(buffer.at(0), count) == count * max_square);
    REQUIRE(path.sum_array(buffer.at(1), past_block) == past_block * max_square);
    fill_wrap_heavy({buffer.at(0), past_block + 3}, rng);
    REQUIRE(path.sum_array(buffer.at(3), count + 37) == brute_force({buffer.at(3), count + 37}));
    REQUIRE(path.sum_array(buffer.at(0), past_block) == brute_force({buffer.at(0), past_block}));
    for (uint32_t& v : std::span(buffer.at(0), past_block + 16)) v = static_cast<uint32_t>(rng());
    REQUIRE(path.sum_array(buffer.at(2), past_block) == brute_force({buffer.at(2), past_block}));
}

}  // namespace

TEST_CASE("core/range array paths: every length 0..300 at every 4-byte offset 0..15 in a cache line") {
    const auto seed = Catch::rngSeed();
    INFO("seed " << seed << " (rerun with --rng-seed " << seed << ")");
    std::mt19937_64 rng(seed + 3);
    for (const auto* path : array_paths()) check_short_arrays(*path, rng);
}

TEST_CASE("core/range array paths: 2^20 values all 0xFFFFFFFF and random, and runs across a block") {
    const auto seed = Catch::rngSeed();
    INFO("seed " << seed << " (rerun with --rng-seed " << seed << ")");
    std::mt19937_64 rng(seed + 4);
    for (const auto* path : array_paths()) check_long_arrays(*path, rng);
}

TEST_CASE("core/range array: sum_squares_array with each path forced, on slices of a[i] = i") {
    const u64 count = u64{1} << 20, top = range::fast_limit - count;  // top: the largest u32 values
    std::vector<uint32_t> low(count), high(count);
    for (u64 i = 0; i < count; ++i) {
        low[i] = static_cast<uint32_t>(i);
        high[i] = static_cast<uint32_t>(top + i);
    }
    const auto seed = Catch::rngSeed();
    INFO("seed " << seed << " (rerun with --rng-seed " << seed << ")");
    std::mt19937_64 rng(seed + 5);
    std::uniform_int_distribution<u64> index(0, count);
    std::vector<std::pair<u64, u64>> slices{{0, 0}, {0, 1}, {0, count}, {5, 1000}, {count - 63, count}};
    for (int k = 0; k < 20; ++k) {
        const u64 a = index(rng), b = index(rng);
        slices.emplace_back(std::min(a, b), std::max(a, b));
    }
    for (const auto* path : array_paths()) {
        const bool selectable = path != &emulated;
        for (const auto& [lo, hi] : slices) {
            INFO(path->name << " [" << lo << ", " << hi << ")");
            if (selectable) {
                const Select forced(path->name);
                REQUIRE(sum_squares_array(low.data() + lo, lo, hi) == oracle(lo, hi));
                REQUIRE(sum_squares_array(high.data() + lo, top + lo, top + hi) == oracle(top + lo, top + hi));
            } else {
                REQUIRE(path->sum_array(low.data() + lo, hi - lo) == oracle(lo, hi));
                REQUIRE(path->sum_array(high.data() + lo, hi - lo) == oracle(top + lo, top + hi));
            }
        }
    }
}

TEST_CASE("core/range avx512-emulated: the same array sums as the native path where the CPU has AVX-512F") {
    if (!__builtin_cpu_supports("avx512f")) SUCCEED("no AVX-512F on this CPU: the native path is not run");
    else {
        std::vector<uint32_t> values(1'000'003);
        std::mt19937_64 rng(Catch::rngSeed() + 6);
        fill_wrap_heavy(values, rng);
        REQUIRE(range::avx512_sum_array(values.data() + 1, values.size() - 1) ==
                range::avx512_emulated_sum_array(values.data() + 1, values.size() - 1));
    }
}
