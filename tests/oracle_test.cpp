// The oracle (closed form), the largest N, and the shared range kernel against brute force.
#include "text/numbers.hpp"
#include "contract/reference.hpp"
#include "contract/sum_squares.hpp"

#include <catch2/catch.hpp>

using namespace sumsq;

TEST_CASE("core/oracle equals brute force for N in 0..2000") {
    u128 brute = 0;
    for (u64 n = 0; n <= 2000; ++n) {
        REQUIRE(closed_form(n) == brute);
        brute += u128{n} * n;
    }
}

TEST_CASE("core/oracle equals brute force around 2^32") {
    const u64 start = (u64{1} << 32) - 1000;
    u128 brute = closed_form(start);  // anchored by the next loop's consistency with the step rule
    for (u64 n = start; n <= start + 2000; ++n) {
        REQUIRE(closed_form(n) == brute);
        brute += u128{n} * n;
    }
    // Independent anchor: S(2^32) computed as a u128 polynomial by hand.
    const u128 m = u128{1} << 32;  // S(m) = (m-1) m (2m-1) / 6
    REQUIRE(closed_form(u64{1} << 32) == (m - 1) * m / 2 * (2 * m - 1) / 3);
}

TEST_CASE("core/known values") {
    CHECK(to_decimal(closed_form(10'000'000)) == "333333283333335000000");
    CHECK(closed_form(10'000'000) > u128{~u64{0}});  // the classic example exceeds 2^64
    CHECK(to_decimal(closed_form(1'000'000'000)) == "333333332833333333500000000");
    CHECK(closed_form(0) == 0);
    CHECK(closed_form(1) == 0);
    CHECK(closed_form(2) == 1);
    CHECK(closed_form(3) == 5);
}

TEST_CASE("core/max_n is the largest N whose S(N) fits in 128 bits") {
    STATIC_REQUIRE(max_n == 10'069'012'961'345ull);
    REQUIRE(closed_form_checked(max_n).has_value());
    REQUIRE_FALSE(closed_form_checked(max_n + 1).has_value());
    // Independent check of S(max_n): compare with the decimal value from arbitrary precision.
    CHECK(to_decimal(closed_form(max_n)) == "340282366920839261491266184731045101920");
    CHECK(closed_form(max_n) + (u128{max_n} * max_n) < closed_form(max_n));  // S(max_n + 1) wraps
}

TEST_CASE("core/range kernel equals brute force on small ranges") {
    for (u64 lo = 0; lo < 40; ++lo)
        for (u64 hi = lo; hi < 80; ++hi) REQUIRE(sum_squares_range(lo, hi) == reference_loop(lo, hi));
}

TEST_CASE("core/range kernel on sub-ranges crossing 2^32") {
    const u64 two32 = u64{1} << 32;
    const auto [lo, hi] = GENERATE_COPY(table<u64, u64>({
        {two32 - 1, two32 + 1}, {two32 - 1000, two32 + 1000}, {two32 - 12345, two32 + 3}, {two32, two32 + 777},
        {two32 - 77'777, two32}, {two32 - 1, two32}}));
    INFO("lo=" << lo << " hi=" << hi);
    REQUIRE(sum_squares_range(lo, hi) == reference_loop(lo, hi));
    REQUIRE(sum_squares_range(lo, hi) == closed_form(hi) - closed_form(lo));
}

TEST_CASE("core/range kernel near max_n") {
    const u64 lo = max_n - 5000;
    REQUIRE(sum_squares_range(lo, max_n) == reference_loop(lo, max_n));
    REQUIRE(sum_squares_range(lo, max_n) == closed_form(max_n) - closed_form(lo));
}

TEST_CASE("core/range kernel: splitting and combining gives the whole") {
    const u64 n = 1'000'003;
    const u64 cuts[] = {0, 1, 999, 65'536, 500'000, 999'999, n};
    u128 sum = 0;
    for (std::size_t k = 0; k + 1 < std::size(cuts); ++k) sum += sum_squares_range(cuts[k], cuts[k + 1]);
    REQUIRE(sum == closed_form(n));
}
