// sumsq-bench-switch-records — what recording what the OS did costs (src/os/switch_records.hpp and
// the recorder's thread-clock fallback, the product's code). A benchmark, not a test:
//   1. opening the records (one event per thread and CPU, a ring per CPU) and reading them back;
//   2. each context switch while they are on: two threads pinned to one CPU hand a token back and
//      forth M times (std::atomic wait/notify: every hand-off is a switch), timed with and without
//      the records, alternately; the difference per hand-off is what the kernel's records add;
//   3. the fallback, per stretch: a range-kernel call of 64 elements recorded with thread clocks
//      (CLOCK_THREAD_CPUTIME_ID at both ends, getrusage at the end) against one recorded without.
// Medians over repetitions; the machine's other work shows up as spread.
#include "os/cpus.hpp"
#include "os/switch_records.hpp"
#include "record/recorder.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <sched.h>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

std::int64_t ns(Clock::time_point t) { return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count(); }

void pin(int cpu) {
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(cpu, &one);
    ::sched_setaffinity(0, sizeof one, &one);
}

// Seconds for `handoffs` hand-offs between two threads on one CPU.
double ping_pong(int cpu, int handoffs) {
    std::atomic<int> turn{0};
    const auto player = [&](int me) {
        pin(cpu);
        for (int k = me; k < handoffs; k += 2) {
            for (int t = turn.load(); t != k; t = turn.load()) turn.wait(t);
            turn.store(k + 1);
            turn.notify_one();
        }
    };
    const auto begin = Clock::now();
    std::thread a(player, 0), b(player, 1);
    a.join(), b.join();
    return std::chrono::duration<double>(Clock::now() - begin).count();
}

void measure_records(int cpu) {
    std::vector<double> open_read;
    for (int r = 0; r < 21; ++r) {
        const auto begin = Clock::now();
        sumsq::os::SwitchRecorder recorder;
        (void)recorder.finish(ns(begin), ns(Clock::now()));
        open_read.push_back(std::chrono::duration<double>(Clock::now() - begin).count());
    }
    fmt::print("switch records: opening them (this process's one thread on {} CPU(s)) and reading them back: median {:.1f} us\n",
               sumsq::allowed_cpus().size(), median(open_read) * 1e6);

    constexpr int handoffs = 4000;  // 2 records each (out, in): 8000 records, well inside the 1 MiB rings
    std::vector<double> with, without;
    std::uint64_t records = 0, lost = 0;
    for (int r = 0; r < 15; ++r) {
        without.push_back(ping_pong(cpu, handoffs) * 1e9 / handoffs);
        sumsq::os::SwitchRecorder recorder;
        const auto begin = Clock::now();
        const double seconds = ping_pong(cpu, handoffs);
        const auto log = recorder.finish(ns(begin), ns(Clock::now()));
        with.push_back(seconds * 1e9 / handoffs);
        records += log.records, lost += log.lost;
    }
    const double on = median(with), off = median(without);
    fmt::print("switch records: a hand-off between two threads on CPU {} (a switch out and in): {:.0f} ns with, {:.0f} ns without: "
               "{:+.0f} ns ({:+.1f}%; {} records, {} lost)\n",
               cpu, on, off, on - off, (on - off) / off * 100, records, lost);
}

bool measure_fallback() {
    constexpr int calls = 20000;
    std::vector<double> clocks, plain;
    for (int r = 0; r < 15; ++r)
        for (const bool with_clocks : {true, false}) {
            sumsq::record::begin_run(sumsq::record::Mode::stretches, with_clocks);
            const auto begin = Clock::now();
            sumsq::u128 sum = 0;
            for (int k = 0; k < calls; ++k) sum += sumsq::sum_squares_range(0, 64);
            const double seconds = std::chrono::duration<double>(Clock::now() - begin).count();
            sumsq::record::end_run();
            if (sum != sumsq::u128{calls} * 85344) return false;  // S(64) per call
            (with_clocks ? clocks : plain).push_back(seconds * 1e9 / calls);
        }
    fmt::print("fallback (thread clocks): a recorded stretch of 64 elements: {:.0f} ns with the clocks, {:.0f} ns without: {:+.0f} ns per stretch\n",
               median(clocks), median(plain), median(clocks) - median(plain));
    return true;
}

}  // namespace

int main() {
    const int cpu = sumsq::allowed_cpus().front();
    if (const sumsq::os::SwitchRecorder probe; probe.recording()) measure_records(cpu);
    else fmt::print("switch records: not available here ({}); only the fallback is measured\n", probe.why_not());
    if (measure_fallback()) return 0;
    fmt::print("MISMATCH in the fallback's sums\n");
    return 1;
}
