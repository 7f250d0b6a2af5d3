// Every range-kernel path this CPU runs, against the oracle: small ranges, ranges crossing and
// ending at 2^32, ranges near max_n, random sub-ranges (seed printed). The tests are the guard
// against miscompiled vector loops, so they run at the optimisation level of each build.
#include "range/paths.hpp"
#include "reference.hpp"
#include "sum_squares.hpp"

#include <catch2/catch.hpp>

#include <random>
#include <string>

using namespace sumsq;

namespace {

std::vector<std::string> supported_paths() {
    const auto names = range::supported_names();
    return {names.begin(), names.end()};
}

const range::Path& path_named(const std::string& name) {
    for (const auto& p : range::paths())
        if (p.name == name) return p;
    FAIL("no path " << name);
    throw;
}

u128 oracle(u64 lo, u64 hi) { return closed_form(hi) - closed_form(lo); }

// Restores automatic selection after a test that forced a path.
struct Select {
    explicit Select(const std::string& name) { REQUIRE(range::select(name)); }
    ~Select() { range::select("auto"); }
};

}  // namespace

TEST_CASE("core/range paths: the list, and auto picks a supported one") {
    REQUIRE(range::paths().size() >= 2);
    REQUIRE(range::active().supported());
    REQUIRE(range::select("exact"));
    REQUIRE(range::active().name == "exact");
    REQUIRE(range::select("auto"));
    REQUIRE_FALSE(range::select("nosuch"));
}

TEST_CASE("core/range paths: every small range equals brute force") {
    for (const auto& name : supported_paths()) {
        const auto& path = path_named(name);
        for (u64 lo = 0; lo < 50; ++lo)
            for (u64 hi = lo; hi < 120; ++hi) {
                INFO(name << " [" << lo << ", " << hi << ")");
                REQUIRE(path.sum(lo, hi) == reference_loop(lo, hi));
            }
    }
}

TEST_CASE("core/range paths: ranges ending at 2^32, where squares approach 2^64") {
    const u64 top = range::fast_limit;
    for (const auto& name : supported_paths()) {
        const auto& path = path_named(name);
        for (u64 length : {u64{1}, u64{15}, u64{16}, u64{17}, u64{1000}, u64{123'457}, u64{1} << 22, (u64{1} << 22) + 13}) {
            INFO(name << " length " << length);
            REQUIRE(path.sum(top - length, top) == oracle(top - length, top));
        }
    }
}

TEST_CASE("core/range paths: the whole fast domain 0..2^32 in one call, AVX2 only as the others are slower") {
    for (const auto& name : supported_paths())
        if (name == "avx2") {
            INFO(name);
            REQUIRE(path_named(name).sum(0, range::fast_limit) == oracle(0, range::fast_limit));
        }
}

TEST_CASE("core/range kernel with each path forced: ranges crossing 2^32 and near max_n") {
    const u64 two32 = u64{1} << 32;
    for (const auto& name : supported_paths()) {
        const Select forced(name);
        const auto [lo, hi] = GENERATE_COPY(table<u64, u64>({
            {two32 - 1, two32 + 1}, {two32 - 1000, two32 + 1000}, {two32 - 12345, two32 + 3}, {two32, two32 + 777},
            {u64{1} << 40, (u64{1} << 40) + 1}, {(u64{1} << 40) - 5, (u64{1} << 40) + 17}, {max_n - 4000, max_n},
            {max_n - 1, max_n}}));
        INFO(name << " [" << lo << ", " << hi << ")");
        REQUIRE(sum_squares_range(lo, hi) == oracle(lo, hi));
        REQUIRE(sum_squares_range(lo, hi) == reference_loop(lo, hi));
    }
}

TEST_CASE("core/range paths: random sub-ranges below 2^32") {
    const auto seed = Catch::rngSeed();
    INFO("seed " << seed << " (rerun with --rng-seed " << seed << ")");
    std::mt19937_64 rng(seed);
    std::uniform_int_distribution<u64> start(0, range::fast_limit - 1), length(0, 100'000), long_length(1'000'000, 3'000'000);
    for (const auto& name : supported_paths()) {
        const auto& path = path_named(name);
        for (int k = 0; k < 210; ++k) {
            const u64 lo = start(rng), hi = std::min(range::fast_limit, lo + (k < 200 ? length(rng) : long_length(rng)));
            INFO(name << " [" << lo << ", " << hi << ")");
            REQUIRE(path.sum(lo, hi) == oracle(lo, hi));
        }
    }
}

TEST_CASE("core/range paths: random sub-ranges anywhere up to max_n, through the dispatcher") {
    const auto seed = Catch::rngSeed();
    INFO("seed " << seed);
    std::mt19937_64 rng(seed + 1);
    std::uniform_int_distribution<u64> start(0, max_n - 1), length(0, 20'000);
    for (const auto& name : supported_paths()) {
        const Select forced(name);
        for (int k = 0; k < 100; ++k) {
            const u64 lo = start(rng), hi = std::min(max_n, lo + length(rng));
            INFO(name << " [" << lo << ", " << hi << ")");
            REQUIRE(sum_squares_range(lo, hi) == oracle(lo, hi));
        }
    }
}
