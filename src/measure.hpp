// measure.hpp — wall and CPU time of repeated runs, after warm-up, and their statistics.
#pragma once

#include <functional>
#include <vector>

namespace sumsq {

struct Stats {
    double median = 0, min = 0, max = 0;
};
Stats summarize(std::vector<double> values);

struct Timing {
    std::vector<double> wall_seconds;  // one per repetition, steady_clock
    std::vector<double> cpu_seconds;   // one per repetition, CLOCK_PROCESS_CPUTIME_ID (all threads)
    Stats wall() const { return summarize(wall_seconds); }
    Stats cpu() const { return summarize(cpu_seconds); }
    // Measured parallelism: CPU time / wall time (≈1 serial, ≈P parallel, ≈0 waiting); NaN when a
    // repetition takes under 50 µs or all add up to under 1 ms: too short to measure.
    double parallelism() const;
};

// Runs body `warmup` times untimed, then `reps` times timed. `progress(done)` is called after each
// timed repetition (for long runs).
Timing measure(unsigned warmup, unsigned reps, const std::function<void()>& body,
               const std::function<void(unsigned)>& progress = {});

// The harness's own cost: median wall time of an empty timed region, in seconds.
double timer_overhead_seconds();

double process_cpu_seconds();

}  // namespace sumsq
