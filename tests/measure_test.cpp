// The parallelism block: planned from the fastest repetition, bounded by wall time; disturbed repetitions.
#include "driver/disturbance.hpp"
#include "driver/measure.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <thread>
#include <vector>

namespace {

// A body whose k-th call sleeps durations[k] (the last entry repeats).
struct Sleeper {
    std::vector<int> ms;
    unsigned calls = 0;
    void operator()() {
        std::this_thread::sleep_for(std::chrono::milliseconds(ms[std::min<std::size_t>(calls, ms.size() - 1)]));
        ++calls;
    }
};

}  // namespace

TEST_CASE("parallelism block: planned from the fastest repetition, not the median") {
    // Repetitions of 1, 40 and 40 ms (81 ms, below 0.2 s), then 1 ms runs: planned from the median
    // (40 ms) the block would be 5 runs of 1 ms; from the fastest, about 200 runs covering 0.2 s.
    Sleeper body{{1, 40, 40, 1}};
    const sumsq::Timing timing = sumsq::measure(0, 3, [&] { body(); });
    CHECK(timing.parallelism_wall_seconds >= 0.9 * sumsq::parallelism_min_seconds);
}

TEST_CASE("parallelism block: bounded by wall time when the runs turn slow") {
    // One fast repetition (1 ms: about 200 runs planned), then every run takes 50 ms. Unbounded,
    // the block would last 200 x 50 ms = 10 s; bounded, it stops once it covered 0.2 s.
    Sleeper body{{1, 50}};
    const sumsq::Timing timing = sumsq::measure(0, 1, [&] { body(); });
    CHECK(timing.parallelism_wall_seconds >= sumsq::parallelism_min_seconds);
    CHECK(timing.parallelism_wall_seconds < 3);
    CHECK(body.calls < 60);
}

TEST_CASE("disturbed: a CPU-bound repetition far longer than its CPU time is flagged, in JSON and one warning line") {
    sumsq::Timing timing;
    // sumsq-serial -n 4e9 stopped for 2 s (measured: 2.36 s wall, 0.36 s CPU); an undisturbed
    // one-thread repetition; a two-worker one (CPU about twice the wall); a short one and a long
    // one that hardly computed, a worker waiting 60 ms to be scheduled for N = 1000 (not judged).
    timing.wall_seconds = {2.36, 0.36, 0.20, 0.01, 0.06};
    timing.cpu_seconds = {0.36, 0.35, 0.39, 0.001, 0.0001};
    const auto disturbed = sumsq::disturbed_repetitions(timing, true);
    REQUIRE(disturbed.size() == 1);
    CHECK(disturbed[0].repetition == 1);
    CHECK(disturbed[0].wall_seconds == 2.36);
    const nlohmann::json json = sumsq::disturbed_json(timing, true);
    REQUIRE(json.size() == 1);
    CHECK(json[0]["repetition"] == 1);
    CHECK(json[0]["parallelism"].get<double>() == Approx(0.36 / 2.36));
    const std::string warning = sumsq::disturbance_warning(timing, true);
    CHECK(warning.find('\n') == std::string::npos);
    CHECK_THAT(warning, Catch::StartsWith("disturbed: 1 of 5 repetitions") && Catch::Contains("repetition 1 ran 2.360 s on 360.00 ms of CPU"));
    // The wait workload waits by design: never judged.
    CHECK(sumsq::disturbed_repetitions(timing, false).empty());
    CHECK(sumsq::disturbed_json(timing, false).is_null());
    CHECK(sumsq::disturbance_warning(timing, false).empty());
    // Nothing disturbed: an empty list and no warning.
    timing.cpu_seconds = {2.30, 0.35, 0.39, 0.001, 0.0001};
    CHECK(sumsq::disturbed_json(timing, true) == nlohmann::json::array());
    CHECK(sumsq::disturbance_warning(timing, true).empty());
}
