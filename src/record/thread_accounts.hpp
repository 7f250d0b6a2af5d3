// thread_accounts.hpp — the two halves of a recorded run joined: what the program did (task
// stretches, recorder.hpp) and what the OS did (context switches, os/switch_records.hpp; or, where
// the kernel gives none, the thread CPU clocks the recorder read at stretch boundaries).
//
// Per thread: time on a CPU, runnable but waiting for one, blocked or sleeping; preemptions and
// voluntary switches; the CPUs it ran on; and how much of its CPU time was inside a task (busy).
// Per run: parallelism = CPU time / wall, useful parallelism = CPU time inside tasks / wall; the
// difference is CPU time outside any task (a runtime's own work, spinning while waiting for work).
#pragma once

#include "os/switch_records.hpp"
#include "recorder.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace sumsq::record {

enum class Source : std::uint8_t {
    switch_records,  // the kernel's context-switch records: every slice on a CPU
    thread_clocks,   // fallback: CPU time per stretch and switch counts, no slices
};
const char* source_name(Source);  // "switch_records", "thread_clocks"

// A thread's state over part of the run (switch records only).
struct StateSpan {
    std::uint32_t thread = 0;
    std::int64_t begin_ns = 0, end_ns = 0;  // since the run's begin
    os::ThreadState state = os::ThreadState::running;
    int cpu = -1;
};

// -1 = not known from this source.
struct ThreadAccount {
    std::uint32_t thread = 0;     // workers keep the recorder's number; threads that ran no task come after
    long os_thread = 0;
    std::int64_t on_cpu_ns = -1;  // held a CPU during the run (thread clocks: from its first stretch's begin to its last's end)
    std::int64_t busy_ns = 0;     // on a CPU inside its stretches
    std::int64_t stretch_ns = 0;  // Σ of its stretches' wall-clock spans
    std::int64_t waiting_ns = -1, blocked_ns = -1;
    std::int64_t preemptions = -1, voluntary_switches = -1;
    std::uint64_t tasks = 0, stretches = 0, slices = 0;  // slices: times it was switched in (switch records)
    std::vector<int> cpus;        // switch records: every CPU it held; thread clocks: those its stretches ended on
    bool born = false, exited = false;  // started, ended during the run
};

struct CpuBusy {
    int cpu = -1;
    std::int64_t busy_ns = 0;  // time one of this process's threads held it
};

struct Accounts {
    Source source = Source::thread_clocks;
    std::string fallback_reason;  // thread clocks: why there are no switch records
    std::uint64_t switch_records = 0, lost_records = 0;
    std::int64_t wall_ns = 0;
    std::int64_t cpu_ns = 0;      // switch records: Σ of every thread's time on a CPU; thread clocks: the process CPU clock
    std::int64_t in_tasks_ns = 0; // Σ busy: on a CPU inside a task
    std::vector<ThreadAccount> threads;
    std::vector<StateSpan> states;  // switch records: every listed thread's states, by thread then time
    std::vector<CpuBusy> cpus;      // switch records: per CPU
    double parallelism() const { return wall_ns > 0 ? double(cpu_ns) / double(wall_ns) : 0; }
    double useful_parallelism() const { return wall_ns > 0 ? double(in_tasks_ns) / double(wall_ns) : 0; }
    double imbalance() const;  // max busy / mean busy over the threads that ran tasks (1 = balanced; 0 if none)
};

// Joins `run` with the OS's record of [run.origin_ns, run.origin_ns + wall_ns): sets each stored
// stretch's on_cpu_ns (switch records). Without switch records (log.recorded false) the accounts
// come from the thread clocks of `run` and process_cpu_ns.
Accounts account(Run& run, const os::SwitchLog& log, std::int64_t wall_ns, std::int64_t process_cpu_ns);

}  // namespace sumsq::record
