// The parallelism block: planned from the fastest repetition, bounded by wall time; disturbed repetitions.
#include "driver/disturbance.hpp"
#include "driver/measure.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <ctime>
#include <pthread.h>
#include <sched.h>
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
    // Repetitions of 1, 4 and 4 ms (9 ms, below 20 ms), then 1 ms runs: planned from the median
    // (4 ms) the block would be 5 runs of 1 ms; from the fastest, about 20 runs covering 20 ms.
    Sleeper body{{1, 4, 4, 1}};
    const sumsq::Timing timing = sumsq::measure(0, 3, [&] { body(); });
    CHECK(timing.parallelism_wall_seconds >= 0.9 * sumsq::parallelism_min_seconds);
}

TEST_CASE("parallelism block: bounded by wall time when the runs turn slow") {
    // One fast repetition (1 ms: about 20 runs planned), then every run takes 50 ms. Unbounded,
    // the block would last 20 x 50 ms = 1 s; bounded, it stops after its first run (50 ms > 20 ms).
    Sleeper body{{1, 50}};
    const sumsq::Timing timing = sumsq::measure(0, 1, [&] { body(); });
    CHECK(timing.parallelism_wall_seconds >= sumsq::parallelism_min_seconds);
    CHECK(timing.parallelism_wall_seconds < 0.5);
    CHECK(body.calls == 2);
}

TEST_CASE("process CPU time holds a thread running on another CPU, not only up to its last tick") {
    // Two busy threads, pinned to two CPUs: over each 2 ms window the process's CPU time must grow
    // by what the two threads' own clocks say they ran. The kernel's process clock alone adds the
    // other thread's time only at its ticks (every 4 ms at HZ=250): most windows would miss up to
    // 2 ms. Compared with the threads' own clocks, not with the wall, so that a CPU the machine
    // takes away (other tests beside this one) changes both sides alike.
    cpu_set_t old;
    REQUIRE(::sched_getaffinity(0, sizeof old, &old) == 0);
    std::vector<int> cpus;
    for (int c = 0; c < CPU_SETSIZE && cpus.size() < 2; ++c)
        if (CPU_ISSET(c, &old)) cpus.push_back(c);
    if (cpus.size() < 2) return;  // one CPU: nothing runs beside this thread
    const auto pin = [](int cpu) {
        cpu_set_t one;
        CPU_ZERO(&one);
        CPU_SET(cpu, &one);
        return ::sched_setaffinity(0, sizeof one, &one) == 0;
    };
    const auto seconds = [](clockid_t clock) {
        timespec ts{};
        ::clock_gettime(clock, &ts);
        return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
    };
    REQUIRE(pin(cpus[0]));
    std::atomic<bool> stop{false};
    std::thread beside([&] {
        pin(cpus[1]);
        while (!stop.load(std::memory_order_relaxed)) {}
    });
    clockid_t beside_clock{};
    REQUIRE(::pthread_getcpuclockid(beside.native_handle(), &beside_clock) == 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // it is running on its CPU
    std::vector<double> missing;  // per window: the threads' own CPU time minus the process's
    for (int k = 0; k < 21; ++k) {
        const double process_begin = sumsq::process_cpu_seconds();
        const double own_begin = seconds(CLOCK_THREAD_CPUTIME_ID) + seconds(beside_clock);
        const auto begin = std::chrono::steady_clock::now();
        while (std::chrono::steady_clock::now() - begin < std::chrono::milliseconds(2)) {}
        const double process = sumsq::process_cpu_seconds() - process_begin;
        const double own = seconds(CLOCK_THREAD_CPUTIME_ID) + seconds(beside_clock) - own_begin;
        missing.push_back(std::abs(own - process));
    }
    stop = true;
    beside.join();
    ::sched_setaffinity(0, sizeof old, &old);
    std::sort(missing.begin(), missing.end());
    CHECK(missing[10] < 0.2e-3);  // the median window: within 0.2 ms of 2 to 4 ms
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
