// placement.cpp — see placement.hpp. Both kinds of trial read sched_getcpu() on the caller while
// it spins and on the other thread as its first act, and count the trials where they agree.
#include "os/placement.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <sched.h>
#include <thread>
#include <vector>

namespace sumsq {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto gap = std::chrono::milliseconds(1);         // both threads asleep before a trial
constexpr auto give_up = std::chrono::milliseconds(50);    // a thread not running by then: counted beside

struct Reported {
    std::atomic<int> cpu{-1};
    Clock::time_point at{};
};

// Spins (busy, as a caller computing its own piece) until `r` holds a CPU or give_up passes;
// returns whether the other thread ran on the CPU this one is on.
bool spin_until_reported(const Reported& r, Clock::time_point since) {
    int mine = ::sched_getcpu();
    while (r.cpu.load(std::memory_order_acquire) < 0 && Clock::now() - since < give_up) mine = ::sched_getcpu();
    const int theirs = r.cpu.load(std::memory_order_acquire);
    return theirs < 0 || theirs == mine;
}

void woken_trials(unsigned trials, Placement& out, std::vector<double>& latencies) {
    std::atomic<unsigned> calls{0};
    std::atomic<bool> stop{false};
    Reported report;
    std::thread sleeper([&] {
        for (unsigned seen = 0;;) {
            calls.wait(seen, std::memory_order_acquire);
            seen = calls.load(std::memory_order_acquire);
            if (stop.load(std::memory_order_relaxed)) return;
            report.at = Clock::now();
            report.cpu.store(::sched_getcpu(), std::memory_order_release);
        }
    });
    for (unsigned t = 0; t < trials; ++t) {
        std::this_thread::sleep_for(gap);
        report.cpu.store(-1, std::memory_order_relaxed);
        const Clock::time_point woke = Clock::now();
        calls.fetch_add(1, std::memory_order_release);
        calls.notify_one();
        out.woken_beside += spin_until_reported(report, woke);
        while (report.cpu.load(std::memory_order_acquire) < 0) std::this_thread::yield();  // it has run: `at` is written
        latencies.push_back(std::chrono::duration<double>(report.at - woke).count());
    }
    stop.store(true, std::memory_order_relaxed);
    calls.fetch_add(1, std::memory_order_release);
    calls.notify_one();
    sleeper.join();
}

void started_trials(unsigned trials, Placement& out) {
    for (unsigned t = 0; t < trials; ++t) {
        std::this_thread::sleep_for(gap);
        Reported report;
        const Clock::time_point start = Clock::now();
        std::thread started([&] { report.cpu.store(::sched_getcpu(), std::memory_order_release); });
        out.started_beside += spin_until_reported(report, start);
        started.join();
    }
}

}  // namespace

Placement measure_placement(unsigned trials) {
    Placement out;
    cpu_set_t mask;
    if (trials == 0 || ::sched_getaffinity(0, sizeof mask, &mask) != 0 || CPU_COUNT(&mask) < 2) return out;
    std::vector<double> latencies;
    woken_trials(trials, out, latencies);
    started_trials(trials, out);
    out.trials = trials;
    std::nth_element(latencies.begin(), latencies.begin() + latencies.size() / 2, latencies.end());
    out.wake_median_s = latencies[latencies.size() / 2];
    return out;
}

}  // namespace sumsq
