// recorder.hpp — the one record of who ran what, where and when: task spans.
//
// A stretch is one uninterrupted piece of a task on one OS thread: a range-kernel call (a thread's
// piece, an OpenMP chunk, a TBB leaf), one resume of a coroutine, one announce of a wait step.
// A task's span is its first begin to its last end. Every view — concurrency (Σ spans / wall),
// per-worker busy time and imbalance, --timeline, --trace, --trace-steps — is derived from this.
//
// Recording: each OS thread writes only to its own lane (acquired once per thread under a mutex,
// then reached through a thread_local pointer): no locks, no allocation on the hot path. Off, the
// only cost is one relaxed atomic load per stretch. Mode::spans keeps per-lane sums (cheap enough
// for timed runs); Mode::stretches also stores every stretch in slots reserved per lane before the
// run (a full lane counts the excess as dropped; the sums stay exact). A stretch's CPU is the one
// it ended on (sched_getcpu).
//
// What the OS did is the other half (os/switch_records.hpp, joined in thread_accounts.hpp). Where
// the kernel gives no switch records, a run begun with thread_clocks also reads each thread's CPU
// clock (CLOCK_THREAD_CPUTIME_ID) at its stretch boundaries and its switch counts
// (getrusage(RUSAGE_THREAD)) at their ends: on-CPU time per stretch, no slices. Two system calls
// per stretch, so only in the one recorded run.
#pragma once

#include "contract/sum_squares.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <vector>

namespace sumsq::record {

using Clock = std::chrono::steady_clock;
inline constexpr std::uint32_t no_task = UINT32_MAX;

enum class Mode : std::uint8_t { off, spans, stretches };
enum class Kind : std::uint8_t {
    chunk,   // a range-kernel call: [lo, hi)
    step,    // a wait-workload stretch ending in the announce of step lo
    finish,  // a wait-workload task waking from its last wait and ending
};

struct Stretch {
    std::int64_t begin_ns = 0, end_ns = 0;  // since the run's begin
    u64 lo = 0, hi = 0;                    // chunk: [lo, hi); step: lo = step index
    std::uint32_t task = no_task;          // after end_run: always set (anonymous chunks numbered)
    std::uint32_t thread = 0;              // OS thread's number in this run: 0, 1, … by first stretch
    long os_thread = 0;                    // Linux thread id
    int cpu = -1;
    Kind kind = Kind::chunk;
    std::int64_t on_cpu_ns = -1;  // time on a CPU inside it: thread clocks, or the join with switch records; -1 unknown
};

struct Worker {  // one OS thread that recorded in the run
    std::uint32_t thread = 0;
    long os_thread = 0;
    std::int64_t busy_ns = 0;   // Σ of its stretches
    std::uint64_t tasks = 0;    // tasks that began on it
    std::uint64_t stretches = 0;
    std::vector<int> cpus;
    // Thread clocks only (else -1): CPU time from its first stretch's begin to its last's end, Σ of
    // the CPU time inside its stretches, and its switches over the same time (getrusage).
    std::int64_t cpu_ns = -1, busy_cpu_ns = -1;
    std::int64_t voluntary_switches = -1, involuntary_switches = -1;
};

struct Run {
    std::int64_t span_ns = 0;         // Σ over tasks of (last end − first begin)
    std::vector<Worker> workers;      // by thread number
    std::vector<Stretch> stretches;   // Mode::stretches: stored ones, by begin
    std::uint64_t dropped = 0;        // stretches beyond a full lane (counted in the sums)
    std::vector<int> cpus;            // every CPU a stretch ran on
    std::int64_t origin_ns = 0;       // the run's begin, steady_clock (= CLOCK_MONOTONIC) ns: stretch times count from it
    bool thread_clocks = false;       // begun with thread_clocks
    double imbalance() const;         // max busy / mean busy over workers (1 = balanced; 0 if none)
    std::uint64_t tasks() const;
};

// The current mode; the hot path reads it before anything else.
inline std::atomic<Mode> mode{Mode::off};
inline std::atomic<bool> reading_thread_clocks{false};  // this run reads thread CPU clocks at stretch boundaries
// The task a coroutine scheduler is running on this thread (set on each resume), else no_task.
inline thread_local std::uint32_t current_task = no_task;

// Explicit task ids (coroutines, wait tasks) 0 … count − 1 get spans across stretches; call before
// runs (it allocates). Stretch slots per lane: reserved by begin_run(Mode::stretches) for the
// calling thread, on first use for others (pages are touched only as slots fill).
void reserve_tasks(std::size_t count);
void set_lane_capacity(std::size_t stretches);  // default 1 << 16
// Called from every thread that stores a stretch, as it is stored (Mode::stretches only); must be
// thread-safe. Empty: none.
void observe(std::function<void(const Stretch&)> observer);

// A new run: earlier sums are discarded; origin = now. with_thread_clocks: see the top of this file.
void begin_run(Mode m, bool with_thread_clocks = false);
Run end_run();           // stops recording and collects the run (call when the workers are idle)

void note_thread_clock() noexcept;
// The begin of a stretch, for the stretch() that ends it: now (and, in a thread-clocks run, this
// thread's CPU clock). Call only while the mode is not off.
inline Clock::time_point stretch_begin() noexcept {
    if (reading_thread_clocks.load(std::memory_order_relaxed)) note_thread_clock();
    return Clock::now();
}

// Records one stretch; task = no_task makes it an anonymous task of its own (a chunk).
void stretch(Clock::time_point begin, Clock::time_point end, Kind kind, std::uint32_t task, u64 lo, u64 hi) noexcept;

}  // namespace sumsq::record
