#include "measure.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <dirent.h>
#include <thread>

namespace sumsq {

Stats summarize(std::vector<double> values) {
    if (values.empty()) return {};
    std::sort(values.begin(), values.end());
    const std::size_t n = values.size();
    const double median = n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    return {median, values.front(), values.back()};
}

namespace {

double clock_seconds(clockid_t clock) {
    timespec ts{};
    ::clock_gettime(clock, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

// The CPU-time clock of thread `tid` of this process (the kernel's encoding, as glibc's
// pthread_getcpuclockid builds it: CPUCLOCK_PERTHREAD | CPUCLOCK_SCHED).
clockid_t thread_clock(pid_t tid) { return static_cast<clockid_t>((~static_cast<unsigned>(tid) << 3) | 6); }

// Reads every thread's own CPU clock once. For a thread running on another CPU that read updates
// the runtime the kernel keeps for it (task_sched_runtime() runs update_curr()), which the process
// clock then sums; without it the process clock holds such a thread's time only up to its last
// scheduler tick or switch (kernel/sched/cputime.c: thread_group_cputime), 4 ms stale at HZ=250.
void refresh_thread_runtimes() {
    DIR* tasks = ::opendir("/proc/self/task");
    if (!tasks) return;
    while (const dirent* entry = ::readdir(tasks))
        if (entry->d_name[0] != '.') clock_seconds(thread_clock(static_cast<pid_t>(std::atoi(entry->d_name))));
    ::closedir(tasks);
}

}  // namespace

double process_cpu_seconds() {
    // The refresh costs this thread about 2 µs of CPU; it is left out of what is returned (summed,
    // so that a difference of two readings holds neither reading's own cost).
    thread_local double refreshing = 0;
    const double before = clock_seconds(CLOCK_THREAD_CPUTIME_ID);
    refresh_thread_runtimes();
    refreshing += clock_seconds(CLOCK_THREAD_CPUTIME_ID) - before;
    return clock_seconds(CLOCK_PROCESS_CPUTIME_ID) - refreshing;
}

Timing measure(unsigned warmup, unsigned reps, const std::function<void()>& body,
               const std::function<void(unsigned)>& progress, const std::function<unsigned(unsigned)>& agree,
               std::chrono::milliseconds idle) {
    using Clock = std::chrono::steady_clock;
    for (unsigned k = 0; k < warmup; ++k) body();
    Timing timing;
    timing.wall_seconds.reserve(reps);
    timing.cpu_seconds.reserve(reps);
    for (unsigned k = 0; k < reps; ++k) {
        if (idle.count() > 0) std::this_thread::sleep_for(idle);
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
    // Parallelism over a span much longer than the clock reads (about 2 µs each, and a sleeping
    // worker's wake-up varies from call to call): short repetitions are followed by an untimed block
    // of back-to-back runs lasting about parallelism_min_seconds. (Before process_cpu_seconds()
    // refreshed the other threads' runtimes it had to be 0.2 s: over a millisecond the process
    // clock missed most of their work, and a 2-thread run measured 1.00.) Its length is
    // planned from the fastest repetition (agreed between processes) and bounded by wall time: the
    // block stops once it has covered parallelism_min_seconds (a slow run, e.g. 1024 threads on one
    // CPU, must not stretch it to seconds); parallelism_wall_seconds reports the span it covered.
    double wall_total = 0, cpu_total = 0;
    for (double w : timing.wall_seconds) wall_total += w;
    for (double c : timing.cpu_seconds) cpu_total += c;
    const double fastest = timing.wall().min;
    const double wanted = fastest > 0 ? std::ceil(parallelism_min_seconds / fastest) : 1e6;
    unsigned runs = wall_total < parallelism_min_seconds ? static_cast<unsigned>(std::min(wanted, 1e6)) : 0;
    if (agree) runs = agree(runs);
    if (runs > 0) {
        const double cpu_begin = process_cpu_seconds();
        const auto wall_begin = Clock::now();
        const auto bound = std::chrono::duration<double>(parallelism_min_seconds);
        for (unsigned k = 0; k < runs; ++k) {
            body();
            const unsigned covered = Clock::now() - wall_begin >= bound ? 1 : 0;
            if (agree ? agree(covered) : covered) break;  // every process stops after the same run
        }
        wall_total = std::chrono::duration<double>(Clock::now() - wall_begin).count();
        cpu_total = process_cpu_seconds() - cpu_begin;
    }
    timing.parallelism_wall_seconds = wall_total;
    timing.parallelism_cpu_seconds = cpu_total;
    return timing;
}

double timer_overhead_seconds() {
    const std::function<void()> empty = [] {};
    return measure(100, 1001, empty).wall().median;
}

}  // namespace sumsq
