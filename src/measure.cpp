#include "measure.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <limits>

namespace sumsq {

Stats summarize(std::vector<double> values) {
    if (values.empty()) return {};
    std::sort(values.begin(), values.end());
    const std::size_t n = values.size();
    const double median = n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    return {median, values.front(), values.back()};
}

double Timing::parallelism() const {
    // The process CPU clock costs a system call of about half a microsecond, part of which lands
    // in every CPU sample, and it ticks coarsely: below 50 µs per repetition, or 1 ms in total,
    // the ratio says more about the clock than the program, so it is reported as unknown (NaN).
    double wall_total = 0, cpu_total = 0;
    for (double w : wall_seconds) wall_total += w;
    for (double c : cpu_seconds) cpu_total += c;
    if (wall_total < 1e-3 || wall().median < 50e-6) return std::numeric_limits<double>::quiet_NaN();
    return cpu_total / wall_total;
}

double process_cpu_seconds() {
    timespec ts{};
    ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

Timing measure(unsigned warmup, unsigned reps, const std::function<void()>& body,
               const std::function<void(unsigned)>& progress) {
    using Clock = std::chrono::steady_clock;
    for (unsigned k = 0; k < warmup; ++k) body();
    Timing timing;
    timing.wall_seconds.reserve(reps);
    timing.cpu_seconds.reserve(reps);
    for (unsigned k = 0; k < reps; ++k) {
        // The CPU clock is a system call: read it outside the wall-clock interval.
        const double cpu_begin = process_cpu_seconds();
        const auto wall_begin = Clock::now();
        body();
        const auto wall_end = Clock::now();
        const double cpu_end = process_cpu_seconds();
        timing.wall_seconds.push_back(std::chrono::duration<double>(wall_end - wall_begin).count());
        timing.cpu_seconds.push_back(cpu_end - cpu_begin);
        if (progress) progress(k + 1);
    }
    return timing;
}

double timer_overhead_seconds() {
    const std::function<void()> empty = [] {};
    return measure(100, 1001, empty).wall().median;
}

}  // namespace sumsq
