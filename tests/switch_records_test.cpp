// What the OS did (src/os/switch_records.hpp) and its join with the task record
// (src/record/thread_accounts.hpp): real switch records where the kernel gives them (skipped with
// the reason where it refuses), the forced fallback, a ring that overflows, more threads than slots,
// a thread that exits mid-run, a run shorter than one slice; and the join on made-up records,
// exactly. No assertion depends on timing: only on what must happen (a sleep blocks, a yield to a
// runnable thread on the same CPU is a preemption, a window is covered once).
#include "os/cpus.hpp"
#include "os/switch_records.hpp"
#include "record/recorder.hpp"
#include "record/thread_accounts.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <pthread.h>
#include <sched.h>
#include <sys/syscall.h>
#include <thread>
#include <unistd.h>

using namespace sumsq;
using os::ThreadState;

namespace {

std::int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

long this_tid() { return static_cast<long>(::syscall(SYS_gettid)); }

const os::ThreadHistory* find(const os::SwitchLog& log, long tid) {
    for (const auto& h : log.threads)
        if (h.tid == tid) return &h;
    return nullptr;
}

// Intervals in order, back to back, inside [begin, end).
void check_contiguous(const os::ThreadHistory& h, std::int64_t begin, std::int64_t end) {
    REQUIRE(!h.intervals.empty());
    CHECK(h.intervals.front().begin_ns >= begin);
    CHECK(h.intervals.back().end_ns <= end);
    for (std::size_t k = 1; k < h.intervals.size(); ++k) CHECK(h.intervals[k].begin_ns == h.intervals[k - 1].end_ns);
    for (const auto& i : h.intervals) CHECK(i.end_ns > i.begin_ns);
}

// Pins the calling thread to one CPU (restored on scope exit).
struct Pin {
    cpu_set_t old{};
    explicit Pin(int cpu) {
        ::sched_getaffinity(0, sizeof old, &old);
        cpu_set_t one;
        CPU_ZERO(&one);
        CPU_SET(cpu, &one);
        ::sched_setaffinity(0, sizeof one, &one);
    }
    ~Pin() { ::sched_setaffinity(0, sizeof old, &old); }
};

#define SKIP_UNLESS_RECORDING(recorder)                                                  \
    if (!(recorder).recording()) {                                                        \
        WARN("skipped: no switch records here: " << (recorder).why_not());                \
        return;                                                                           \
    }

}  // namespace

TEST_CASE("switch records: a thread born, sleeping and exiting mid-run: blocked, voluntary switches, birth and exit", "[switch]") {
    os::SwitchRecorder recorder;
    SKIP_UNLESS_RECORDING(recorder);
    const std::int64_t begin = now_ns();
    long tid = 0;
    std::thread([&] {
        tid = this_tid();
        for (int k = 0; k < 20; ++k) std::this_thread::sleep_for(std::chrono::microseconds(200));
    }).join();
    const std::int64_t end = now_ns();
    const os::SwitchLog log = recorder.finish(begin, end);
    REQUIRE(log.recorded);
    CHECK(log.lost == 0);
    const os::ThreadHistory* h = find(log, tid);
    REQUIRE(h);
    CHECK(h->born_in_window);
    CHECK(h->exited_in_window);
    // Nearly every sleep blocks (or is preempted just before); one whose timer expired before it
    // slept (a VM's CPU taken away by its host for longer than the sleep) does not.
    CHECK(h->voluntary_switches + h->preemptions >= 10);
    CHECK(h->voluntary_switches >= 1);
    CHECK(h->time_in(ThreadState::blocked) > 0);
    CHECK(h->time_in(ThreadState::running) > 0);
    check_contiguous(*h, begin, end);
    const os::ThreadHistory* me = find(log, this_tid());
    REQUIRE(me);  // the caller blocked in join: blocked, then running again
    CHECK(me->intervals.front().state == ThreadState::running);
    CHECK(me->intervals.front().begin_ns == begin);
    CHECK(me->intervals.back().end_ns == end);
    CHECK(me->voluntary_switches >= 1);
}

TEST_CASE("switch records: yielding to a runnable thread on the same CPU is a preemption, and waiting is counted", "[switch]") {
    const int cpu = allowed_cpus().front();
    os::SwitchRecorder recorder;
    SKIP_UNLESS_RECORDING(recorder);
    const std::int64_t begin = now_ns();
    std::atomic<int> ready{0};
    std::atomic<long> tids[2] = {0, 0};
    const auto body = [&](int k) {
        const Pin pin(cpu);
        tids[k] = this_tid();
        ready.fetch_add(1);
        while (ready.load() < 2) ::sched_yield();
        for (int y = 0; y < 200; ++y) ::sched_yield();
    };
    std::thread a(body, 0), b(body, 1);
    a.join(), b.join();
    const std::int64_t end = now_ns();
    const os::SwitchLog log = recorder.finish(begin, end);
    std::uint64_t preemptions = 0;
    std::int64_t waiting = 0;
    for (auto& t : tids) {
        const os::ThreadHistory* h = find(log, t.load());
        REQUIRE(h);
        check_contiguous(*h, begin, end);
        preemptions += h->preemptions;
        waiting += h->time_in(ThreadState::waiting);
        const auto last_run = std::find_if(h->intervals.rbegin(), h->intervals.rend(), [](const auto& i) { return i.state == ThreadState::running; });
        REQUIRE(last_run != h->intervals.rend());
        CHECK(last_run->cpu == cpu);  // pinned there (it may have started elsewhere)
    }
    CHECK(preemptions >= 1);
    CHECK(waiting > 0);
}

TEST_CASE("switch records: a window shorter than one slice is covered once, by the caller on a CPU", "[switch]") {
    os::SwitchRecorder recorder;
    SKIP_UNLESS_RECORDING(recorder);
    const std::int64_t begin = now_ns();
    volatile unsigned spin = 0;
    for (unsigned k = 0; k < 1000; ++k) spin = spin + k;
    const std::int64_t end = now_ns();
    const os::SwitchLog log = recorder.finish(begin, end);
    const os::ThreadHistory* me = find(log, this_tid());
    REQUIRE(me);
    check_contiguous(*me, begin, end);
    CHECK(me->intervals.front().begin_ns == begin);
    CHECK(me->intervals.back().end_ns == end);
    CHECK(me->time_in(ThreadState::running) + me->time_in(ThreadState::waiting) + me->time_in(ThreadState::blocked) == end - begin);
}

TEST_CASE("switch records: a ring that overflows counts what it lost", "[switch]") {
    os::SwitchRecorder recorder({.ring_bytes = 4096, .max_events = 0});
    SKIP_UNLESS_RECORDING(recorder);
    const std::int64_t begin = now_ns();
    std::thread([] {
        for (int k = 0; k < 500; ++k) std::this_thread::sleep_for(std::chrono::microseconds(1));  // 2 records each, 4 KiB hold ~120
    }).join();
    const os::SwitchLog log = recorder.finish(begin, now_ns());
    REQUIRE(log.recorded);
    CHECK(log.lost > 0);
    const std::size_t fit = allowed_cpus().size() * 4096 / 32;  // what a page per CPU holds: the rest was lost, and counted
    CHECK(log.records <= fit);
    CHECK(log.records + log.lost > 128);
}

TEST_CASE("switch records: more threads than the recorder's slots is refused, saying so", "[switch]") {
    std::atomic<bool> stop{false};
    std::thread helper([&] {
        while (!stop.load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    });
    os::SwitchRecorder recorder({.ring_bytes = 0, .max_events = 1});
    stop = true;
    helper.join();
    if (!os::switch_records_forced_off().empty()) return;
    REQUIRE(!recorder.recording());
    const std::string why = recorder.why_not();
    CHECK_THAT(why, Catch::Contains("slots"));
    CHECK(!recorder.finish(0, 1).recorded);
}

TEST_CASE("switch records: SUMSQ_SWITCH_RECORDS=off forces the fallback, and says so", "[switch]") {
    const char* old = std::getenv("SUMSQ_SWITCH_RECORDS");
    const std::string saved = old ? old : "";
    ::setenv("SUMSQ_SWITCH_RECORDS", "off", 1);
    os::SwitchRecorder recorder;
    if (old) ::setenv("SUMSQ_SWITCH_RECORDS", saved.c_str(), 1);
    else ::unsetenv("SUMSQ_SWITCH_RECORDS");
    CHECK(!recorder.recording());
    CHECK(recorder.why_not() == "SUMSQ_SWITCH_RECORDS=off");
    const os::SwitchLog log = recorder.finish(0, 1);
    CHECK(!log.recorded);
    CHECK(log.why_not == "SUMSQ_SWITCH_RECORDS=off");
}

TEST_CASE("thread clocks: the fallback measures CPU time per stretch and switch counts per worker", "[switch]") {
    record::begin_run(record::Mode::stretches, true);
    std::thread([] {
        (void)sum_squares_range(0, 100000);
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
        (void)sum_squares_range(0, 100000);
    }).join();
    record::Run run = record::end_run();
    CHECK(run.thread_clocks);
    REQUIRE(run.workers.size() == 1);
    const record::Worker& w = run.workers[0];
    CHECK(w.cpu_ns >= 0);
    CHECK(w.busy_cpu_ns >= 0);
    CHECK(w.busy_cpu_ns <= w.busy_ns);
    CHECK(w.voluntary_switches >= 1);  // the sleep between its stretches
    CHECK(w.involuntary_switches >= 0);
    REQUIRE(run.stretches.size() == 2);
    for (const auto& s : run.stretches) CHECK((s.on_cpu_ns >= 0 && s.on_cpu_ns <= s.end_ns - s.begin_ns));
    const record::Accounts a = record::account(run, os::SwitchLog{false, "SUMSQ_SWITCH_RECORDS=off", 0, 0, {}}, 2'000'000, 1'000'000);
    CHECK(a.source == record::Source::thread_clocks);
    CHECK(a.fallback_reason == "SUMSQ_SWITCH_RECORDS=off");
    REQUIRE(a.threads.size() == 1);
    CHECK(a.threads[0].waiting_ns == -1);  // not known without slices
    CHECK(a.threads[0].voluntary_switches == w.voluntary_switches);
    CHECK(a.parallelism() == 0.5);
    record::begin_run(record::Mode::stretches);  // a later run reads no clocks
    (void)sum_squares_range(0, 10);
    CHECK(record::end_run().workers.at(0).cpu_ns == -1);
}

TEST_CASE("accounts: made-up records joined with stretches, exactly", "[switch]") {
    // Two workers on one CPU, alternating 10 ns slices over [0, 40): A runs [0,10) and [20,30),
    // B runs [10,20) and [30,40); a third thread spins on another CPU and runs no task.
    const std::int64_t origin = 1'000'000;
    record::Run run;
    run.origin_ns = origin;
    run.workers = {{0, 101, 40, 1, 1, {0}}, {1, 102, 30, 1, 1, {0}}};
    record::Stretch a{0, 40, 0, 10, 0, 0, 101, 0, record::Kind::chunk};
    record::Stretch b{10, 40, 10, 20, 1, 1, 102, 0, record::Kind::chunk};
    run.stretches = {a, b};
    os::SwitchLog log;
    log.recorded = true;
    log.records = 8;
    const auto at = [&](std::int64_t t) { return origin + t; };
    os::ThreadHistory ha{101, {{at(0), at(10), ThreadState::running, 0}, {at(10), at(20), ThreadState::waiting, 0},
                               {at(20), at(30), ThreadState::running, 0}, {at(30), at(40), ThreadState::blocked, 0}}, 1, 1, false, true};
    os::ThreadHistory hb{102, {{at(0), at(10), ThreadState::waiting, -1}, {at(10), at(20), ThreadState::running, 0},
                               {at(20), at(30), ThreadState::waiting, 0}, {at(30), at(40), ThreadState::running, 0}}, 1, 0, false, false};
    os::ThreadHistory spin{103, {{at(0), at(40), ThreadState::running, 1}}, 0, 0, false, false};
    os::ThreadHistory idle{104, {{at(0), at(40), ThreadState::blocked, 1}}, 0, 0, false, false};
    log.threads = {ha, hb, spin, idle};
    const record::Accounts acc = record::account(run, log, 40, 0);
    CHECK(acc.source == record::Source::switch_records);
    REQUIRE(acc.threads.size() == 3);  // the idle thread held no CPU: not listed
    const auto& ta = acc.threads[0];
    CHECK(ta.on_cpu_ns == 20);
    CHECK(ta.waiting_ns == 10);
    CHECK(ta.blocked_ns == 10);
    CHECK(ta.busy_ns == 20);      // its stretch [0, 40) was on a CPU for 20
    CHECK(ta.stretch_ns == 40);
    CHECK(ta.preemptions == 1);
    CHECK(ta.exited);
    CHECK(ta.slices == 2);
    const auto& tb = acc.threads[1];
    CHECK(tb.busy_ns == 20);
    CHECK(tb.waiting_ns == 20);
    const auto& ts = acc.threads[2];
    CHECK(ts.thread == 2);
    CHECK(ts.tasks == 0);
    CHECK(ts.on_cpu_ns == 40);
    CHECK(ts.busy_ns == 0);
    CHECK(ts.cpus == std::vector<int>{1});
    CHECK(run.stretches[0].on_cpu_ns == 20);
    CHECK(acc.cpu_ns == 80);
    CHECK(acc.in_tasks_ns == 40);
    CHECK(acc.parallelism() == 2.0);         // CPUs busy
    CHECK(acc.useful_parallelism() == 1.0);  // CPUs busy inside tasks
    CHECK(acc.imbalance() == 1.0);
    REQUIRE(acc.cpus.size() == 2);
    CHECK(acc.cpus[0].busy_ns == 40);
    CHECK(acc.cpus[1].busy_ns == 40);
    CHECK(acc.states.size() == 4 + 4 + 1);
    CHECK(acc.states.front().begin_ns == 0);  // since the run's begin
}
