// switch_records.hpp — what the OS did with this process's threads: every context switch, from the
// kernel's own interface, turned into each thread's states over a window of time.
//
// perf_event_open with context-switch records on a software (dummy) event: one event per thread
// and CPU any of them may run on, inherited by every thread they start, all of a CPU's events
// writing into one ring buffer (mmap) that is read once, after the run (nothing runs beside the
// workers). Each PERF_RECORD_SWITCH carries the thread, CPU and a CLOCK_MONOTONIC timestamp — the
// clock of std::chrono::steady_clock, so the times join the recorder's task spans — and, on a
// switch-out, whether the thread was still runnable (PERF_RECORD_MISC_SWITCH_OUT_PREEMPT:
// preempted, it waits for a CPU) or not (it blocked or slept). Fork and exit records give a
// thread's birth and end.
// Records the kernel could not write (a full ring) are counted, never silently dropped.
//
// Where the kernel refuses (perf_event_paranoid, seccomp, a container: EACCES, EPERM, ENOSYS, …),
// or SUMSQ_SWITCH_RECORDS=off is set, nothing is recorded and why_not() says why: the caller then
// falls back to thread CPU clocks (record/recorder.hpp). Nothing here runs unless constructed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace sumsq::os {

enum class ThreadState : std::uint8_t {
    running,  // held a CPU
    waiting,  // runnable, no CPU: preempted (or new) until switched in again
    blocked,  // switched out not runnable: blocked or sleeping, until woken and switched in
};
const char* state_name(ThreadState);  // "running", "waiting", "blocked"

struct StateInterval {
    std::int64_t begin_ns = 0, end_ns = 0;  // CLOCK_MONOTONIC
    ThreadState state = ThreadState::running;
    int cpu = -1;                            // running: the CPU it held; else the one it left (-1 unknown)
};

// One thread's life within the window: consecutive intervals from its first moment in the window
// (the window's begin, or its birth) to its last (the window's end, or its exit).
struct ThreadHistory {
    long tid = 0;
    std::vector<StateInterval> intervals;
    std::uint64_t preemptions = 0;         // switch-outs while runnable, within the window
    std::uint64_t voluntary_switches = 0;  // switch-outs that blocked or slept, within the window
    bool born_in_window = false, exited_in_window = false;
    std::int64_t time_in(ThreadState s) const;  // Σ of its intervals in state s
};

struct SwitchLog {
    bool recorded = false;      // false: not taken, why_not says why (the caller falls back)
    std::string why_not;
    std::uint64_t records = 0;  // switch records read
    std::uint64_t lost = 0;     // records the kernel could not write: a ring was full
    std::vector<ThreadHistory> threads;  // every thread of the process alive in the window, by tid
};

struct SwitchSettings {
    std::size_t ring_bytes = 0;  // per CPU, rounded up to a power of two pages; 0: default (1 MiB, less on many CPUs)
    std::size_t max_events = 0;  // slots: perf events (threads × CPUs) at most; 0: default (4096, within RLIMIT_NOFILE)
};

// Records from construction to finish(): every thread of this process (and every thread they start).
class SwitchRecorder {
public:
    explicit SwitchRecorder(const SwitchSettings& settings = {});
    ~SwitchRecorder();
    SwitchRecorder(const SwitchRecorder&) = delete;
    SwitchRecorder& operator=(const SwitchRecorder&) = delete;

    bool recording() const { return why_not_.empty() && !fds_.empty(); }  // false after finish()
    const std::string& why_not() const { return why_not_; }
    // Stops recording and returns the threads' histories within [begin_ns, end_ns), CLOCK_MONOTONIC.
    SwitchLog finish(std::int64_t begin_ns, std::int64_t end_ns);

private:
    struct Ring;
    struct Seed;  // a thread's state when recording began
    void close_all() noexcept;
    std::string why_not_;
    std::vector<int> fds_;
    std::vector<Ring*> rings_;
    std::vector<Seed*> seeds_;
    bool lost_readable_ = true;  // PERF_FORMAT_LOST (Linux 6.0): every event's lost count is read back
};

// The environment's word: "SUMSQ_SWITCH_RECORDS=off" when it forces the fallback, else empty.
std::string switch_records_forced_off();

}  // namespace sumsq::os
