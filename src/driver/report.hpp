// report.hpp — one run's outcome, printed as a human table, JSON (schema in docs/json.md) or CSV.
#pragma once

#include "contract/backend.hpp"
#include "cli.hpp"
#include "measure.hpp"
#include "record/recorder.hpp"
#include "record/thread_accounts.hpp"
#include "workloads/wait_workload.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace sumsq {

// The tree workload's figures (workloads/tree.hpp).
struct TreeReport {
    u64 cutoff = 0;
    TreeShape shape;
    u64 tasks = 0;                      // spawned by this backend: one per split (threads: in its top levels)
    std::vector<double> serial_seconds; // the walk without tasks, beside each timed repetition (none for serial)
    std::optional<double> task_cost_ns; // (P · wall − serial walk) / tasks, medians; none without tasks
};

struct RunReport {
    const BackendInfo* info = nullptr;
    Options options;
    std::optional<u128> result, expected;  // sum workload
    std::vector<WaitWorkload::StepRecord> steps;  // wait workload: one repetition's order
    bool ok = false;
    std::string problem;  // why not ok
    Timing timing;
    double timer_overhead_seconds = 0;
    nlohmann::json environment;
    std::string trace_file;  // written trace, if any
    std::string timeline_file;  // written timeline, if any
    std::optional<double> concurrency;  // Σ task spans / wall over the timed repetitions
    std::vector<record::Worker> workers;  // the last timed repetition's
    double imbalance = 0;
    std::optional<record::Accounts> os;   // the recorded run's, with what the OS did: then workers and imbalance come from it
    std::vector<int> cpus_allowed, cpus_seen;
    unsigned processes = 1;  // MPI ranks
    unsigned threads_requested = 0;  // workers asked for (--threads, or the runtime's setting); options.backend.threads: obtained
    std::vector<u64> job_sizes;  // jobs workload
    double fill_seconds = 0;     // array workload: writing it (first touch), untimed
    std::optional<TreeReport> tree;  // tree workload
};

nlohmann::json to_json(const RunReport& report);
void print_table(std::ostream& out, const RunReport& report);
void print_csv(std::ostream& out, const RunReport& report);

}  // namespace sumsq
