// sweep.hpp — which backend binaries to run, the configurations, and running them one by one.
#pragma once

#include "bandwidth.hpp"
#include "interference.hpp"
#include "load.hpp"
#include "simd.hpp"
#include "compare/options/options.hpp"
#include "os/placement.hpp"

#include <nlohmann/json.hpp>

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace sumsq::compare {

struct BackendBinary {
    std::string name, path, model;  // name: the row's label ("openmp", "openmp:dynamic", "threads/bind=close", "threads@0")
    bool one_thread = false;  // run once, at 1 thread
    bool runs_wait = true;
    bool runs_tree = false;          // --describe runs_tree
    std::string tree_refusal;        // why it does not take the tree workload
    unsigned tree_spawn_levels = 0;  // tree: it spawns a task per split in its top this-many levels (0: none, the baseline)
    bool multi_process = false;  // MPI: the threads axis is ranks (mpirun -np K), 1 thread each
    std::string cpus;            // --cpus for this row's processes (a --cpu-rows row, or --cpus); empty: as started
    bool cpu_row = false;        // an extra --cpu-rows row: name is "<backend>@<cpus>", run at 2+ threads only
    // Rows of one backend with its knobs set (--schedules, --binds, --fills): the backend's own
    // name, the options the row adds, and the workloads it runs (empty: every one it can).
    std::string base;
    std::vector<std::string> extra_args;
    std::vector<std::string> workloads;
    std::string schedule, bind, fill;  // the row's knob as listed ("openmp:dynamic", "close", "one"); "": the default
    std::string combine;               // --combines: the row's way ("mutex"); "": the backend's default
    u64 combine_every = 0;             // --combine-every: units between adds; 0: once
    // What the backend takes (its --describe, else the documented table): --schedule kinds, --partitioner names, --bind,
    // --combine ways (the default first).
    std::vector<std::string> schedule_kinds, partitioners, combines;
    bool takes_bind = false;
    std::vector<std::string> kernel_paths;  // --describe "kernel_paths": the range-kernel paths this CPU runs, fastest first
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

// One measured backend process: its median, what other work cost it, and whether that disturbed it.
struct ProcessRecord {
    double wall_median = 0;  // the process's median repetition, seconds
    double rep_min = 0, rep_max = 0;  // its fastest and slowest repetition
    Interference interference;
    bool disturbed = false;
    std::string reason;      // why disturbed; "" when not
    unsigned round = 0;
    bool rerun = false;      // run again because a process of its pair was disturbed
};

// One pair of adjacent processes: the reference (serial, same point) and this configuration's.
// The serial row's own pairs are A/A pairs: two serial processes. ratio() = speedup of this one.
struct Pair {
    double reference = 0, self = 0;  // the two process medians, seconds
    bool reference_first = true;     // the order they ran in
    bool disturbed = false;          // either process disturbed: left out of the estimate
    double ratio() const { return reference / self; }
};

// One configuration, run as one process per round. Its figure is the median of the processes'
// medians: processes, not repetitions inside one, are the independent samples. Its speedup comes
// from `pairs`: each process paired with a serial process run next to it (analysis/results.hpp).
struct Run {
    enum class Status { ok, mismatch, failed, timed_out, interrupted, skipped };
    std::string backend, workload;
    std::string variant;  // jobs: the order; "" elsewhere
    std::string base, row_schedule, row_bind, row_fill, row_model, row_combine;  // the row's backend and knobs (BackendBinary); "" for a plain row
    u64 row_combine_every = 0;
    bool own_baseline = false;     // speedup against this row's own 1-worker run (BackendBinary::own_baseline)
    bool worker_processes = false;  // its workers are processes (python:processes), not MPI ranks
    u64 n = 0;  // sum, jobs and array workloads
    unsigned threads = 1;  // what the row asked for (--threads, MPI: ranks): the row's key
    unsigned obtained = 0;  // workers the backend reported it got ("threads", MPI "ranks"); 0: unknown
    bool processes = false;  // threads counts MPI ranks
    Status status = Status::failed;  // the first process that was not OK decides
    std::string message;  // why not ok (first stderr line, or the timeout)
    nlohmann::json data;  // the last process's own JSON report; null when it produced none
    std::vector<nlohmann::json> reports;  // every measured, undisturbed process's report, in round order
    std::vector<ProcessRecord> process_records;  // every measured process, disturbed ones too, in run order
    std::vector<Pair> pairs;  // empty when no serial reference ran (then analysis pairs by round)
    unsigned reruns = 0;      // processes run again because of disturbance (at most max_reruns)
    std::string undecided_reason;  // set by the sweep when it stopped adding rounds: "budget", "round cap"

    std::vector<double> process_medians() const;  // each process's median wall time
    double wall_median() const;   // median of process_medians(); NaN when not measured
    double parallelism() const;   // median over processes; NaN when unknown
    double concurrency() const;   // the backends' "concurrency" field if they report one; else NaN
    double imbalance() const;     // median over processes of "imbalance" (max / mean busy); NaN when unknown
    double bytes_per_second() const;  // array: median over processes of "bytes_per_second"; NaN elsewhere
    // A racy --combines row (its wrong result is the experiment): median over processes of the share
    // of the work its lost updates took away (0 for a process that lost none); NaN for other rows.
    double lost_fraction() const;
    bool measured() const { return status == Status::ok && !reports.empty(); }
    std::string schedule_name() const;  // the effective schedule the backend reported ("dynamic,1", "auto"); "" when none
    Point point() const { return {workload, variant, n}; }
    bool oversubscribed(unsigned cpus) const { return threads > cpus; }
    // The CPUs this configuration could use: its report's allowed set (a --cpu-rows row: fewer than
    // the machine's), else `machine`.
    unsigned cpus_allowed(unsigned machine) const;
    bool short_of_workers() const { return obtained != 0 && obtained != threads; }  // e.g. OpenMP under OMP_THREAD_LIMIT
    std::string workers_note() const;  // "asked 2 threads, got 1" when short_of_workers(), else ""
};
const char* status_text(Run::Status status);
// The status column: status_text, or "LOST 48.2%" for a racy row whose processes lost work.
std::string status_label(const Run& r);

// What a sweep recorded besides its runs: each round's order and the machine's load around it.
struct SweepRecord {
    std::vector<std::vector<std::string>> order;  // per round: "backend workload n threads"
    LoadSample before, after;
    // The array rows' ceiling: sumsq-bandwidth before the backends and again before each round's
    // array processes; `bandwidth` is the best measurement (a slow minute of the machine cannot
    // lower the ceiling), `bandwidth_samples` every measured all-thread figure, in order.
    ReadBandwidth bandwidth;
    std::vector<double> bandwidth_samples;
    void add_bandwidth(const ReadBandwidth& measured);
    SimdRecord simd;          // --simd: measured after the backends (run/simd.hpp)
    Placement placement;      // where the OS put a woken or started thread, before the backends
    std::vector<std::pair<std::string, std::string>> absent;  // rows a backend declared absent: label, why
};

// The order within one point's round, ABBA: the serial reference S0 X1 X2 S1 X3 X4 S2 … (a serial
// process after every second configuration and after the last), and which S each X is paired with:
// the first of two with the S before it, the second with the S after it, a last one alone with the S
// before or after it by round. Half the pairs run S-then-X and half X-then-S, and one serial process
// serves two configurations (k/2 + 1 of them instead of k + 1). Returns, per member i (0-based), the
// index of its reference among the serial processes of the round.
std::vector<std::size_t> pair_partners(std::size_t members, unsigned round);

inline constexpr unsigned max_reruns = 2;    // per configuration
inline constexpr unsigned max_round_factor = 8;  // extra rounds stop at this many times --rounds

// Whether a configuration runs in round `round` (0-based): always within its `minimum` (--rounds);
// beyond them only with a budget, while undecided (`decisive`: its clean pairs reached the confidence
// and ±target), while the time since the rounds beyond --rounds began (`beyond_s`) is within the
// budget, and below the round cap.
enum class MoreRounds { yes, no_budget, decided, budget_spent, round_cap };
MoreRounds more_rounds(unsigned round, unsigned minimum, unsigned budget_s, double beyond_s, bool decisive);

// Runs every configuration once per round; per point the serial reference runs between them
// (S X1 X2 S X3 X4 … S, pair_partners), the points and the configurations in a fresh seeded shuffle each
// round (options.seed), so drift and background load fall on both sides of every pair. A pair with
// a disturbed process (interference.hpp) is run again, at most max_reruns times per configuration.
// Rounds continue per configuration as more_rounds() says. A configuration that failed is not
// run again. Progress goes to stderr once the sweep has taken more than two seconds. Stops early
// when interrupted.
// `before_array_round`, when given, runs once per round before its first array process (the ceiling's
// measurement, beside the rows it bounds).
std::vector<Run> run_sweep(const CompareOptions& options, const std::vector<BackendBinary>& backends, SweepRecord& record,
                           const std::function<void()>& before_array_round = {});

}  // namespace sumsq::compare
