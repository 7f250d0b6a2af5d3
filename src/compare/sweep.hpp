// sweep.hpp — which backend binaries to run, the configurations, and running them one by one.
#pragma once

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
};

// The backends to run: --backends (each must have its binary) or the build's list
// (sumsq-backends.txt beside this program). Throws UsageError for an unknown or missing backend.
std::vector<BackendBinary> resolve_backends(const CompareOptions& options, const std::string& bin_dir);

struct Run {
    enum class Status { ok, mismatch, failed, timed_out, interrupted };
    std::string backend, workload;
    u64 n = 0;  // sum workload
    unsigned threads = 1;  // MPI: ranks
    bool processes = false;  // threads counts MPI ranks
    Status status = Status::failed;
    std::string message;  // why not ok (first stderr line, or the timeout)
    nlohmann::json data;  // the backend's own JSON report; null when it produced none

    double wall_median() const;  // NaN when not ok
    double parallelism() const;  // NaN when unknown
    bool oversubscribed(unsigned cpus) const { return threads > cpus; }
};
const char* status_text(Run::Status status);

// Runs every configuration, in order: workload, N, backend, threads. Progress goes to stderr once
// the sweep has taken more than two seconds. Stops early when interrupted.
std::vector<Run> run_sweep(const CompareOptions& options, const std::vector<BackendBinary>& backends);

}  // namespace sumsq::compare
