// The placement probe (src/os/placement.hpp): counts within its trials, a wake latency that is a
// time, and no measurement where there is no second CPU to be placed on.
#include "os/placement.hpp"

#include <catch2/catch.hpp>

#include <sched.h>

TEST_CASE("placement: woken and started threads are counted per trial, with a wake latency, on 2+ CPUs") {
    cpu_set_t mask;
    REQUIRE(::sched_getaffinity(0, sizeof mask, &mask) == 0);
    const sumsq::Placement p = sumsq::measure_placement(20);
    if (CPU_COUNT(&mask) < 2) {
        CHECK_FALSE(p.measured());
        return;
    }
    REQUIRE(p.measured());
    CHECK(p.trials == 20);
    CHECK(p.woken_beside <= 20);
    CHECK(p.started_beside <= 20);
    CHECK(p.wake_median_s >= 0);
    CHECK(p.wake_median_s < 1.0);
}

TEST_CASE("placement: one CPU allowed, or no trials: not measured") {
    CHECK_FALSE(sumsq::measure_placement(0).measured());
    cpu_set_t old, one;
    REQUIRE(::sched_getaffinity(0, sizeof old, &old) == 0);
    CPU_ZERO(&one);
    for (int c = 0; c < CPU_SETSIZE; ++c)
        if (CPU_ISSET(c, &old)) {
            CPU_SET(c, &one);
            break;
        }
    REQUIRE(::sched_setaffinity(0, sizeof one, &one) == 0);
    const sumsq::Placement p = sumsq::measure_placement(5);
    ::sched_setaffinity(0, sizeof old, &old);
    CHECK_FALSE(p.measured());
    CHECK(p.trials == 0);
}
