// interference.hpp — how much other work disturbed one backend process, from the kernel's own
// counters read by sumsq-compare around the process: per-CPU /proc/stat (busy and steal ticks of the
// CPUs the process was allowed), getrusage(RUSAGE_CHILDREN) (the process's own CPU time and
// involuntary context switches, exact once it is reaped) and /proc/pressure/cpu (PSI "some" total,
// machine-wide time with runnable tasks waiting for a CPU). No root needed.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sumsq::compare {

// A reading of the counters, taken just before starting and just after reaping a process.
struct CounterReading {
    std::vector<std::uint64_t> busy, steal;  // per CPU (index = CPU number), in clock ticks
    double own_cpu_seconds = 0;  // user + system time of every reaped child so far
    long involuntary_switches = 0;
    double pressure_some_seconds = -1;  // PSI cpu "some total"; -1 when unreadable
    double clock = 0;  // steady clock, seconds
};
CounterReading read_counters();

// What other work cost one process.
struct Interference {
    double wall_seconds = 0;         // the whole process, start to reap
    unsigned cpus = 0;               // CPUs it was allowed
    unsigned machine_cpus = 0;       // CPUs /proc/stat lists: PSI's run_delay_seconds covers all of them
    double foreign_cpu_seconds = 0;  // busy time of its CPUs minus its own CPU time (>= 0)
    double steal_seconds = 0;        // the hypervisor's steal on its CPUs
    double run_delay_seconds = -1;   // PSI cpu some: machine-wide waiting for a CPU; -1 unknown
    long involuntary_switches = 0;
    double tick_seconds = 0.01;      // /proc/stat's resolution (1 / USER_HZ)
    bool measured = false;           // /proc/stat was readable
};
Interference interference_between(const CounterReading& before, const CounterReading& after, const std::vector<unsigned>& allowed);

// The classifier: a process is disturbed when other work took more than `threshold` (0.05: 5%) of
// its CPU budget (allowed CPUs x wall), as foreign CPU time or as steal. Each counter is first
// reduced by its resolution (one tick per allowed CPU), so a short process is not called disturbed
// by rounding. A process's own waiting (oversubscribed rows, fewer CPUs than threads) is neither
// foreign CPU nor steal: it never makes it disturbed. `reason` is empty when not disturbed.
struct Disturbance {
    bool disturbed = false;
    std::string reason;
};
Disturbance classify(const Interference& figures, double threshold);

}  // namespace sumsq::compare
