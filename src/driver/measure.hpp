// measure.hpp — wall and CPU time of repeated runs, after warm-up, and their statistics.
#pragma once

#include <chrono>
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
    // Measured parallelism: CPU time / wall time (≈1 serial, ≈P parallel, ≈0 waiting), over the
    // timed repetitions when they last at least parallelism_min_seconds, else over a block of
    // back-to-back runs that long (see measure.cpp for why).
    double parallelism_cpu_seconds = 0;
    double parallelism_wall_seconds = 0;  // the span it was measured over
    double parallelism() const {
        return parallelism_wall_seconds > 0 ? parallelism_cpu_seconds / parallelism_wall_seconds : 0;
    }
};

inline constexpr double parallelism_min_seconds = 0.02;

// Runs body `warmup` times untimed, then `reps` times timed. `progress(done)` is called after each
// timed repetition (for long runs). `agree(count)` returns rank 0's value of count, so that every
// process makes the same number of runs in the parallelism block (MPI ranks must run collectives
// equally often): the planned count, and after each run whether the block stops; by default this
// process's own value. `idle` is slept, untimed, before each timed repetition (cold calls).
Timing measure(unsigned warmup, unsigned reps, const std::function<void()>& body,
               const std::function<void(unsigned)>& progress = {},
               const std::function<unsigned(unsigned)>& agree = {}, std::chrono::milliseconds idle = {});

// The harness's own cost: median wall time of an empty timed region, in seconds.
double timer_overhead_seconds();

// CPU time of every thread of this process, up to date for threads running on other CPUs (see
// measure.cpp), in seconds; only differences of two readings mean anything.
double process_cpu_seconds();

}  // namespace sumsq
