// backend.hpp — what one kernels/<name>.cpp gives the harness: its name and concept, and a Backend
// that splits the work, runs the pieces on its workers and combines the results.
#pragma once

#include "bind.hpp"
#include "combine.hpp"
#include "schedule.hpp"
#include "split.hpp"
#include "sum_squares.hpp"
#include "workloads/tree.hpp"
#include "workloads/work.hpp"

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sumsq {

class WaitWorkload;  // wait_workload.hpp

inline constexpr unsigned max_threads = 4096;  // the most workers --threads may ask for

enum class ThreadModel {
    one_thread,  // runs on exactly one thread by design (serial, interleaved); --threads other than 1 is refused
    workers,     // runs on --threads workers
};

struct BackendInfo {
    std::string_view name;     // one identifier everywhere: kernels/<name>.cpp, sumsq-<name>, JSON, tests
    std::string_view model;    // one line: the model this backend shows
    ThreadModel thread_model = ThreadModel::workers;
    std::string_view one_thread_reason = {};  // with one_thread: why, for the error message
    bool splits_into_tasks = false;           // takes --tasks and --step for the sum workload
    bool runs_wait_workload = true;           // false: --workload wait is refused (with wait_refusal)
    std::string_view wait_refusal = {};
    bool runs_tree = false;                   // --workload tree (reduce_tree); false: refused with tree_refusal
    std::string_view tree_refusal = {};
    unsigned tree_spawn_levels = 64;          // tree: a task per split in the top this-many levels (all: 64)
    bool multi_process = false;               // ranks of one job (MPI): JSON adds ranks, threads_per_rank
    // The model's own scheduling knobs (schedule.hpp); a knob a backend does not list is refused.
    std::string_view schedules = {};          // --schedule kinds, e.g. "static|dynamic|guided"; empty: none
    bool takes_partitioner = false;           // --partitioner and --grain (oneTBB)
    bool takes_nested = false;                // --nested: jobs also split inside
    bool takes_bind = false;                  // --bind: workers pinned to CPUs
    std::string_view combines = {};           // --combine ways (combine.hpp), the default first; empty: none
    std::string_view fixed_schedule = {};     // without a knob: how it spreads work, for JSON ("blocks", …)
    // Called first thing in main(), before options are parsed (e.g. MPI_Init); may be null.
    void (*process_setup)(int& argc, char**& argv) = nullptr;
    // Called when the run fails with an error (exit code 3), e.g. to abort an MPI job; may be null.
    void (*process_failed)(int exit_code) = nullptr;
    // Called on every process once its options are checked and its backend set up, with its own
    // verdict ("": fine, else the one-line message of its bad input); returns the job's: "" when
    // every process is fine, else the message of one that is not, and then every process exits 2.
    // For processes whose input can differ (mpirun binds each rank to its own core, so --cpus 1 is
    // bad on one rank only), this is their first collective. May be null (one process: its own).
    std::string (*agree_on_input)(const std::string& problem) = nullptr;
};

struct BackendConfig {
    unsigned threads = 1;  // workers (validated: 1..max_threads; 1 for one_thread backends)
    bool threads_given = true;  // false: --threads absent, `threads` is the CPU count (OpenMP may prefer OMP_NUM_THREADS)
    unsigned tasks = 4;    // sum workload, splits_into_tasks backends: number of tasks
    u64 step = 65536;      // sum workload, splits_into_tasks backends: elements per step between yields
    Schedule schedule{};   // the model's knobs (validated against BackendInfo)
    Binding bind{};        // --bind: the policy and the CPUs allowed (takes_bind backends)
    CombineKnob combine{};  // --combine, --combine-every (backends with combines; set to their default)
};

using Versions = std::vector<std::pair<std::string, std::string>>;

class Backend {
public:
    virtual ~Backend() = default;
    // Exact Σ of every unit of `work` (workloads/work.hpp): split [0, work.count()), sum each
    // piece with work.sum(lo, hi), combine. The kernel's one idiom, for every workload.
    virtual u128 reduce(const Work& work) = 0;
    // S(n) = Σ i·i over [0, n): the sum workload.
    u128 sum_squares(u64 n) { return reduce(Work::indices(n)); }
    // The tree workload (workloads/tree.hpp): Σ over tree.root() by recursive halving, a task per
    // split, each leaf summed by tree.leaf(). Only for backends whose BackendInfo says runs_tree.
    virtual u128 reduce_tree(const Tree& tree);
    // The units this process holds of a workload of `count` (an MPI rank: its slice); the harness
    // allocates the array for these only.
    virtual Piece local_units(u64 count) const { return {0, count}; }
    // Runs task(0) … task(count − 1), each once and to completion, spread over the workers.
    // An exception thrown by a task reaches the caller.
    virtual void run_tasks(std::size_t count, const std::function<void(std::size_t)>& task) = 0;
    // The wait workload. By default each task is one run_tasks() task that blocks its worker while
    // it waits; a cooperative backend overrides this to overlap waits on one thread.
    virtual void run_wait(WaitWorkload& workload);
    // Workers actually used (reported as "threads"): the team the runtime gave, which may be
    // fewer than asked (e.g. OpenMP under OMP_THREAD_LIMIT).
    virtual unsigned workers() const = 0;
    // Workers asked for (--threads, or the runtime's own setting); the harness warns when
    // workers() is smaller.
    virtual unsigned requested_workers() const { return workers(); }
    // Processes taking part (MPI ranks); 1 for everything else.
    virtual unsigned processes() const { return 1; }
    // Whether this process validates and reports (false on MPI ranks other than 0).
    virtual bool reports() const { return true; }
    // A count every process must use (MPI: rank 0's, broadcast); others return it unchanged.
    virtual unsigned agree(unsigned count) { return count; }
    // Called on every process after the timed runs: turns this process's CPU seconds per
    // repetition into the job's (MPI: summed over ranks onto rank 0).
    virtual void combine_cpu_seconds(std::vector<double>&) {}
    // Runtime library versions for the JSON environment, e.g. {"oneTBB", "2021.8.0"}.
    virtual Versions runtime_versions() const { return {}; }
};

// Defined once, in the kernel file linked into this binary.
extern const BackendInfo backend_info;
std::unique_ptr<Backend> make_backend(const BackendConfig& config);

}  // namespace sumsq
