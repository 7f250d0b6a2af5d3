// options.hpp — sumsq-compare's command line.
#pragma once

#include "compare/run/launcher.hpp"
#include "contract/sum_squares.hpp"

#include <optional>
#include <string>
#include <vector>

namespace sumsq::compare {

// One point of the sweep: a table of rows. variant: the jobs workload's order, the tree workload's
// cut-off in decimal ("" elsewhere).
struct Point {
    std::string workload, variant;
    u64 n = 0;
    bool operator==(const Point&) const = default;
};
std::string point_title(const Point& point);  // "sum N=1e9", "jobs (descending) N=1e8", "wait"

struct CompareOptions {
    std::vector<std::string> backends;   // empty: every backend the build lists
    std::vector<unsigned> threads;       // default powers of two up to twice the CPUs
    std::vector<u64> sizes{10'000'000, 1'000'000'000};  // sum workload sizes
    std::vector<std::string> workloads{"sum", "wait"};
    unsigned reps = 3;       // sum workload repetitions per process
    unsigned wait_reps = 2;  // wait workload repetitions per process (each takes up to T·S·D)
    unsigned warmup = 1;     // sum workload warm-ups (the wait workload has nothing to warm)
    unsigned wait_ms = 25, steps = 3, tasks = 4;
    unsigned rounds = 3;  // independent processes per configuration, one per round
    // Enough samples: after --rounds, rounds continue for each configuration whose paired interval is
    // wider than ±target, while the rounds beyond --rounds have taken less than budget_s seconds
    // (counted from the start of round --rounds + 1; 0: no rounds beyond --rounds).
    double target = 0.05;
    unsigned budget_s = 60;  // --quick: 0 unless --budget
    double disturbance_threshold = 0.05;  // foreign CPU or steal above this share of a process's CPU budget: disturbed
    double confidence = 0.95;             // of every speedup interval
    u64 seed = 0;         // shuffles each round's order; drawn at random unless --seed
    bool quick = false;
    bool verbose = false;  // the terminal report prints every row and every finding
    std::string out_dir;       // empty: no files
    unsigned timeout_s = 600;  // per backend run
    std::optional<std::pair<std::string, std::string>> diff;
    std::string hostfile;                  // mpi across machines (empty: this machine)
    std::vector<Host> hosts;               // read from hostfile
    std::vector<std::string> mpirun_args;  // --mpirun-args, word by word
    std::string cpus;                      // --cpus: every backend process restricted to these CPUs (empty: as started)
    // --cpu-rows NAME@LIST: extra rows of backend NAME restricted to LIST, labelled "NAME@LIST"
    // (e.g. threads@0: 2 threads on one CPU, concurrent but not parallel)
    std::vector<std::pair<std::string, std::string>> cpu_rows;
    // jobs workload: a batch of uneven jobs adding up to N; each order is its own table
    std::vector<u64> job_sizes{100'000'000};
    unsigned jobs = 64;
    u64 job_seed = 1;
    std::string skew;  // passed through as given (validated as a decimal here); "": the backends' default
    std::vector<std::string> orders{"random"};
    // array workload: N stored u32 values, memory-bound
    std::vector<u64> array_sizes{300'000'000};
    // tree workload (--cutoffs): each cut-off its own table at every tree size; serial at the same
    // cut-off is each table's reference, so a row's efficiency is what its tasks cost
    std::vector<u64> tree_sizes{100'000'000};
    std::vector<u64> cutoffs{100, 1'000, 10'000, 100'000, 1'000'000};
    std::vector<unsigned> tree_threads;  // thread counts of the tree rows; empty: --threads
    u64 simd_n = 0;  // --simd N: the range-kernel paths on one core and threads on two, at this N; 0: not measured
    std::vector<std::string> binds{"none"};   // each policy a row of the backends taking --bind; none: the plain row
    std::vector<std::string> fills{"workers"};  // each fill a row; workers: the plain row
    // sum workload: --combines WAY,… each a row BACKEND/combine=WAY of the backends offering it
    // (--describe "combines"), and with --combine-every K,… each also every K units: …/every=K
    std::vector<std::string> combines;
    std::vector<u64> combine_every;
    unsigned array_rounds = 0;  // processes per array configuration; 0: --rounds
    std::vector<unsigned> array_threads;  // thread counts of the array rows; empty: --threads
    std::vector<unsigned> job_threads;    // thread counts of the jobs rows; empty: --threads
    // --schedules BACKEND:VALUE[/G]: each entry a row "BACKEND:VALUE[/G]" on the sum and jobs workloads
    struct ScheduleEntry {
        std::string backend, value;  // value: a --schedule kind or a --partitioner name
        u64 size = 0;                // /G: --schedule's chunk or --grain; 0: none
        std::string label() const;   // "openmp:dynamic", "tbb:simple/1000"
    };
    std::vector<ScheduleEntry> schedules;

    const std::vector<unsigned>& threads_for(const std::string& workload) const {
        if (workload == "array" && !array_threads.empty()) return array_threads;
        if (workload == "tree" && !tree_threads.empty()) return tree_threads;
        return workload == "jobs" && !job_threads.empty() ? job_threads : threads;
    }
    unsigned rounds_for(const std::string& workload) const { return workload == "array" && array_rounds ? array_rounds : rounds; }

    bool has_workload(const std::string& workload) const;
    u64 largest_size() const;
    // The sizes a workload is swept over; the wait workload has no N (one entry, 0).
    std::vector<u64> sizes_for(const std::string& workload) const;
    // Every swept point (workload, jobs order, N) in report order: one table each.
    std::vector<Point> points() const;
};

// Returns nothing after --help; throws UsageError on bad input.
std::optional<CompareOptions> parse_compare_options(int argc, const char* const* argv);

}  // namespace sumsq::compare
