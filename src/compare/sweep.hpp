// sweep.hpp — which backend binaries to run, the configurations, and running them one by one.
#pragma once

#include "load.hpp"
#include "options.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace sumsq::compare {

struct BackendBinary {
    std::string name, path, model;
    bool one_thread = false;  // run once, at 1 thread
    bool runs_wait = true;
    bool multi_process = false;  // MPI: the threads axis is ranks (mpirun -np K), 1 thread each
    std::string cpus;            // --cpus for this row's processes (a --cpu-rows row, or --cpus); empty: as started
    bool cpu_row = false;        // an extra --cpu-rows row: name is "<backend>@<cpus>", run at 2+ threads only
};

// The backends to run: --backends (each must have its binary) or the build's list
// (sumsq-backends.txt beside this program), then the --cpu-rows rows. Throws UsageError for an
// unknown or missing backend.
std::vector<BackendBinary> resolve_backends(const CompareOptions& options, const std::string& bin_dir);

// One configuration, run as one process per round. Its figure is the median of the processes'
// medians: processes, not repetitions inside one, are the independent samples.
struct Run {
    enum class Status { ok, mismatch, failed, timed_out, interrupted };
    std::string backend, workload;
    u64 n = 0;  // sum workload
    unsigned threads = 1;  // MPI: ranks
    bool processes = false;  // threads counts MPI ranks
    Status status = Status::failed;  // the first process that was not OK decides
    std::string message;  // why not ok (first stderr line, or the timeout)
    nlohmann::json data;  // the last process's own JSON report; null when it produced none
    std::vector<nlohmann::json> reports;  // every measured process's report, in round order

    std::vector<double> process_medians() const;  // each process's median wall time
    double wall_median() const;   // median of process_medians(); NaN when not measured
    double parallelism() const;   // median over processes; NaN when unknown
    double concurrency() const;   // the backends' "concurrency" field if they report one; else NaN
    bool oversubscribed(unsigned cpus) const { return threads > cpus; }
};
const char* status_text(Run::Status status);

// What a sweep recorded besides its runs: each round's order and the machine's load around it.
struct SweepRecord {
    std::vector<std::vector<std::string>> order;  // per round: "backend workload n threads"
    LoadSample before, after;
};

// The order of `count` configurations in each of `rounds` rounds: a fresh seeded shuffle each round.
std::vector<std::vector<std::size_t>> round_orders(std::size_t count, unsigned rounds, u64 seed);

// Runs every configuration once per round, each round in its own shuffled order (options.seed), so
// drift and background load fall on all configurations alike. A configuration that failed is not
// run again. Progress goes to stderr once the sweep has taken more than two seconds. Stops early
// when interrupted.
std::vector<Run> run_sweep(const CompareOptions& options, const std::vector<BackendBinary>& backends, SweepRecord& record);

}  // namespace sumsq::compare
