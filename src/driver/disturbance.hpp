// disturbance.hpp — repetitions the machine disturbed: CPU-bound work whose wall time is far above
// the CPU time it used, so that for a stretch no CPU ran the process at all (stopped by SIGSTOP or
// a debugger, starved by other processes or a CPU quota, paging).
//
// Rule: on the sum, jobs and array workloads some worker computes at every instant of a
// repetition, so the process's CPU time is at least about its wall time, whatever the worker
// count (P workers: between wall and P x wall). A repetition lasting at least
// disturbance_min_seconds whose CPU time is below disturbed_parallelism x its wall time is
// disturbed. Not judged: repetitions shorter than that or computing for less than
// disturbance_min_cpu_seconds (there thread start-up and hand-offs, a worker waiting to be woken,
// are most of the time, and the process clock credits other threads' time only at scheduler
// ticks), and the wait workload (it waits by design). What it cannot see: a P-worker run that lost some of its CPUs
// but kept one (that looks like imbalance), and one MPI rank stopped while the others spin.
#pragma once

#include "measure.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace sumsq {

inline constexpr double disturbed_parallelism = 0.8;
inline constexpr double disturbance_min_seconds = 0.05;
inline constexpr double disturbance_min_cpu_seconds = 0.01;

struct DisturbedRepetition {
    unsigned repetition = 0;  // 1-based, in timed order
    double wall_seconds = 0, cpu_seconds = 0;
};

// The disturbed repetitions of `timing` (cpu_seconds: the process's, all threads; MPI: all ranks').
std::vector<DisturbedRepetition> disturbed_repetitions(const Timing& timing, bool cpu_bound);

// "disturbed" in the JSON: one object per disturbed repetition (an empty list when none); null when
// not judged (the wait workload).
nlohmann::json disturbed_json(const Timing& timing, bool cpu_bound);

// The one-line warning for stderr; empty when nothing was disturbed.
std::string disturbance_warning(const Timing& timing, bool cpu_bound);

}  // namespace sumsq
