// The parallelism block: planned from the fastest repetition, bounded by wall time.
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
