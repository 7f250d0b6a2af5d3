// sweep.hpp — which backend binaries to run, the configurations, and running them one by one.
#pragma once

#include "bandwidth.hpp"
#include "load.hpp"
#include "compare/options/options.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <utility>
#include <vector>

namespace sumsq::compare {

struct BackendBinary {
    std::string name, path, model;  // name: the row's label ("openmp", "openmp:dynamic", "threads/bind=close", "threads@0")
    bool one_thread = false;  // run once, at 1 thread
    bool runs_wait = true;
    bool multi_process = false;  // MPI: the threads axis is ranks (mpirun -np K), 1 thread each
    std::string cpus;            // --cpus for this row's processes (a --cpu-rows row, or --cpus); empty: as started
    bool cpu_row = false;        // an extra --cpu-rows row: name is "<backend>@<cpus>", run at 2+ threads only
    // Rows of one backend with its knobs set (--schedules, --binds, --fills): the backend's own
    // name, the options the row adds, and the workloads it runs (empty: every one it can).
    std::string base;
    std::vector<std::string> extra_args;
    std::vector<std::string> workloads;
    std::string schedule, bind, fill;  // the row's knob as listed ("openmp:dynamic", "close", "one"); "": the default
    // What the backend takes (its --describe, else the documented table): --schedule kinds, --partitioner names, --bind.
    std::vector<std::string> schedule_kinds, partitioners;
    bool takes_bind = false;
    // What a backend may declare in --describe beyond those (python does; docs/compare.md):
    std::string row_model;        // "models": each a row "<backend>:<model>" run with --model <model>; "" for none
    std::string note;             // that model's one-line note for the findings ("one interpreter lock (the GIL): …")
    bool worker_processes = false;  // its workers are processes ("workers": "processes"), not threads
    bool own_baseline = false;    // "own_baseline": speedup against the row's own 1-worker run, not serial's
    u64 max_n = 0;                // "sweep_limit": no rows above this N (sum) unless named in --backends; 0: no limit
    unsigned max_threads = 0;     // "sweep_limit": … above this many workers; 0: no limit
    std::string absent;           // "models_absent": why this model cannot run here; no rows, one note in the report
    std::string skip;             // why its rows are not run, shown as "SKIPPED: <skip>" (e.g. "python3 not found")

    const std::string& backend() const { return base.empty() ? name : base; }
    bool runs(const std::string& workload) const;
};

// The backends to run: --backends (each must have its binary) or the build's list
// (sumsq-backends.txt beside this program in the build tree, in ../libexec/sumsq when installed),
// then the --cpu-rows rows. Throws UsageError for an unknown or missing backend.
std::vector<BackendBinary> resolve_backends(const CompareOptions& options, const std::string& program_dir);

// One configuration, run as one process per round. Its figure is the median of the processes'
// medians: processes, not repetitions inside one, are the independent samples.
struct Run {
    enum class Status { ok, mismatch, failed, timed_out, interrupted, skipped };
    std::string backend, workload;
    std::string variant;  // jobs: the order; "" elsewhere
    std::string base, row_schedule, row_bind, row_fill, row_model;  // the row's backend and knobs (BackendBinary); "" for a plain row
    bool own_baseline = false;     // speedup against this row's own 1-worker run (BackendBinary::own_baseline)
    bool worker_processes = false;  // its workers are processes (python:processes), not MPI ranks
    u64 n = 0;  // sum, jobs and array workloads
    unsigned threads = 1;  // what the row asked for (--threads, MPI: ranks): the row's key
    unsigned obtained = 0;  // workers the backend reported it got ("threads", MPI "ranks"); 0: unknown
    bool processes = false;  // threads counts MPI ranks
    Status status = Status::failed;  // the first process that was not OK decides
    std::string message;  // why not ok (first stderr line, or the timeout)
    nlohmann::json data;  // the last process's own JSON report; null when it produced none
    std::vector<nlohmann::json> reports;  // every measured process's report, in round order

    std::vector<double> process_medians() const;  // each process's median wall time
    double wall_median() const;   // median of process_medians(); NaN when not measured
    double parallelism() const;   // median over processes; NaN when unknown
    double concurrency() const;   // the backends' "concurrency" field if they report one; else NaN
    double imbalance() const;     // median over processes of "imbalance" (max / mean busy); NaN when unknown
    double bytes_per_second() const;  // array: median over processes of "bytes_per_second"; NaN elsewhere
    std::string schedule_name() const;  // the effective schedule the backend reported ("dynamic,1", "auto"); "" when none
    Point point() const { return {workload, variant, n}; }
    bool oversubscribed(unsigned cpus) const { return threads > cpus; }
    bool short_of_workers() const { return obtained != 0 && obtained != threads; }  // e.g. OpenMP under OMP_THREAD_LIMIT
    std::string workers_note() const;  // "asked 2 threads, got 1" when short_of_workers(), else ""
};
const char* status_text(Run::Status status);

// What a sweep recorded besides its runs: each round's order and the machine's load around it.
struct SweepRecord {
    std::vector<std::vector<std::string>> order;  // per round: "backend workload n threads"
    LoadSample before, after;
    ReadBandwidth bandwidth;  // measured before the backends when the sweep has the array workload
    std::vector<std::pair<std::string, std::string>> absent;  // rows a backend declared absent: label, why
};

// The order of `count` configurations in each of `rounds` rounds: a fresh seeded shuffle each round.
std::vector<std::vector<std::size_t>> round_orders(std::size_t count, unsigned rounds, u64 seed);

// Runs every configuration once per round, each round in its own shuffled order (options.seed), so
// drift and background load fall on all configurations alike. A configuration that failed is not
// run again. Progress goes to stderr once the sweep has taken more than two seconds. Stops early
// when interrupted.
std::vector<Run> run_sweep(const CompareOptions& options, const std::vector<BackendBinary>& backends, SweepRecord& record);

}  // namespace sumsq::compare
