// read_bandwidth.hpp — the machine's read-bandwidth ceiling, STREAM-style: one buffer, first touched
// by the threads that read it, a read-only reduction timed on 1 thread and on P pinned threads.
#pragma once

#include "contract/sum_squares.hpp"

#include <string>
#include <vector>

namespace sumsq::bandwidth {

struct Rates {
    double best = 0, median = 0;  // bytes per second: max and median over the repetitions
};

struct Result {
    u64 bytes = 0;                // bytes read per repetition (the buffer)
    unsigned threads = 0;
    Rates one_thread, all_threads;
    std::string kernel;           // the read kernel: the active sum_array path
    bool sums_ok = true;          // every repetition's sum equals the expected one
};

// Runs `reps` timed repetitions on thread 0 alone, then `reps` on all threads (thread t pinned to
// cpus[t % cpus.size()]); bandwidth = bytes / (latest end − earliest start). Threads start once and
// meet at a barrier before and after each repetition. Throws std::system_error when threads fail.
Result measure(u64 bytes, unsigned threads, const std::vector<int>& cpus, unsigned reps);

}  // namespace sumsq::bandwidth
