// The count grammar every option uses.
#include "text/numbers.hpp"

#include <catch2/catch.hpp>

using namespace sumsq;

TEST_CASE("core/parse_count accepts digits, groups and powers of ten") {
    const auto [text, value] = GENERATE(table<const char*, u64>({
        {"0", 0}, {"7", 7}, {"10000000", 10'000'000}, {"10_000_000", 10'000'000}, {"1e7", 10'000'000},
        {"1E7", 10'000'000}, {"25e6", 25'000'000}, {"0e400", 0}, {"1e0", 1}, {"1_0e10", 100'000'000'000},
        {"0e99999999999999999999", 0}, {"0_000e18446744073709551616", 0}, {"1e019", 10'000'000'000'000'000'000ull},
        {"18446744073709551615", ~u64{0}}, {"1e19", 10'000'000'000'000'000'000ull}}));
    INFO(text);
    const ParsedCount parsed = parse_count(text);
    REQUIRE(parsed.status == ParseStatus::ok);
    REQUIRE(parsed.value == value);
}

TEST_CASE("core/parse_count rejects malformed text") {
    const char* text = GENERATE("", " ", "1 ", " 1", "-5", "+5", "+-5", "1.5e3", "5e-1", "1.0", "1e", "e7", "0x10", "0x",
                                "12abc", "1__0", "_1", "1_", "1e_3", "1e3_", "1e5e3", "abc", "١٢",
                                "1e1_0", "1_0e1_0", "0e1_0", "1e0_1", "1eE3", "1e+3", "0e");
    INFO("'" << text << "'");
    REQUIRE(parse_count(text).status == ParseStatus::malformed);
}

TEST_CASE("core/parse_count reports values beyond 64 bits as too large") {
    const char* text = GENERATE("18446744073709551616", "1e20", "1e400", "99999999999999999999999", "2e19", "1e99999999999999999999",
                                "1e18446744073709551616");
    INFO(text);
    REQUIRE(parse_count(text).status == ParseStatus::too_large);
}

TEST_CASE("core/decimal and grouped text") {
    CHECK(to_decimal(0) == "0");
    CHECK(to_decimal(~u128{0}) == "340282366920938463463374607431768211455");
    CHECK(grouped(0) == "0");
    CHECK(grouped(999) == "999");
    CHECK(grouped(1000) == "1,000");
    CHECK(grouped(10'000'000) == "10,000,000");
}
