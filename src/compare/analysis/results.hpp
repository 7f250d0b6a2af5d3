// results.hpp — the one results model every view reads (terminal table, CSV, results.json, plots,
// index.html, lesson, --diff): the types the analysis fills in. Views only format these values.
//
// For the view helpers, what is new here (fields are added, none renamed):
// - ConfigStats::speedup is now the PAIRED estimate: exp(median log(serial / this)) over pairs of
//   adjacent processes, with the sign-test interval; `pairs` (used), `pairs_disturbed` (left out),
//   `confidence` (the interval's exact coverage), `enough_pairs` (coverage reached 95%; else the
//   interval is min..max and must be shown as such: "too few pairs").
// - `indistinguishable` (print ≈1.0x) only when the interval contains 1; `decided` when it excludes 1
//   (a finding, whichever direction); `undecided_reason` says why a row never became decisive.
// - `efficiency` is empty for one-worker rows (nothing to print there).
// - `rep_min` / `rep_max`: the repetitions' fastest and slowest over every kept process: the
//   "spread (repetitions, min–max)" column of index.html (results.json: wall_seconds.rep_min/rep_max).
// - `processes`: per measured process its median and interference figures (ProcessRecord,
//   run/sweep.hpp); Analysis::disturbed the sweep's counts; Analysis::machine the machine's state
//   summarised from those figures (instead of the load average).
#pragma once

#include "compare/run/sweep.hpp"
#include "stats/statistics.hpp"

#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace sumsq::compare {

using stats::median;

struct Interval {
    double lo = 0, mid = 0, hi = 0;
    bool contains(double x) const { return lo <= x && x <= hi; }
};

struct ConfigStats {
    double median = 0, low = 0, high = 0;  // median, smallest and largest of the process medians
    double rep_min = 0, rep_max = 0;       // fastest and slowest repetition over the kept processes
    std::size_t processes = 0;
    double parallelism = 0, concurrency = 0;  // NaN when unknown
    unsigned workers = 1;  // threads, or MPI ranks
    std::optional<Interval> speedup, efficiency;  // paired, vs serial, same workload and N; efficiency only at >= 2 workers
    std::size_t pairs = 0, pairs_disturbed = 0;  // pairs in the estimate, pairs left out (a process was disturbed)
    double confidence = 0;      // the speedup interval's exact coverage (>= 0.95 when enough_pairs)
    bool enough_pairs = false;  // enough pairs for the asked confidence (6 at 95%); else the interval is min..max
    bool from_disturbed = false;  // every pair was disturbed: the estimate uses them anyway (flagged)
    bool decided = false;       // the interval excludes 1 (and enough_pairs)
    std::string undecided_reason;  // why not decided: "too few pairs (3 of 6 for 95%)", "budget", …; "" when decided
    std::optional<double> scaling;  // this backend's own 1-thread median / this median (workers > 1)
    // Karp–Flatt: the experimentally determined serial fraction e = (1/S − 1/P) / (1 − 1/P) from the
    // speedup S at P >= 2 workers, with the interval the speedup's gives (e falls as S rises). A
    // fraction that grows with P is overhead (start-up, combining, contention), not serial code.
    std::optional<Interval> serial_fraction;
    double lost_fraction = 0;  // a racy --combines row: the share of the work its lost updates took away (median); NaN elsewhere
    bool indistinguishable = false;  // the speedup interval contains 1.0: printed ≈1.0×
    bool ahead = false, behind = false;  // >= 2 workers and decided faster / slower than serial
    double imbalance = 0;         // max / mean busy time of the workers, median over processes; NaN when unknown
    double bytes_per_second = 0;  // array: 4 N / median wall, median over processes; NaN elsewhere
    std::optional<double> ceiling;  // array: bytes_per_second / the measured all-thread read bandwidth
    std::string schedule;         // the effective schedule the backend reported ("dynamic,1"); "" when none
    std::vector<ProcessRecord> process_figures;  // every measured process, disturbed ones too
    // At 2+ workers, each with a CPU of its own, allowed every CPU of the machine (PSI is
    // machine-wide: under --cpus a subset would be blamed for waiting elsewhere): the median over
    // its undisturbed processes of the share of the process's time that tasks waited for a CPU (PSI
    // cpu some). No other work was beside them (else they are disturbed), so it is the row's own
    // threads, waiting while a CPU it was allowed had nothing else to run: where the OS put them.
    // NaN when not measured.
    double waited_for_cpu = std::numeric_limits<double>::quiet_NaN();
};

// A row whose own threads waited for a CPU this share of the time or more is named in the answers.
inline constexpr double waited_notable = 0.10;

// A/A: serial against serial, paired like every row. spread: the A/A interval's larger distance
// from 1 (max(hi − 1, 1 / lo − 1)); differences inside it are noise.
struct NoiseFloor {
    Point point;
    double spread = 0;
    std::optional<Interval> aa;  // the A/A estimate and interval; it should contain 1
};

// Two schedules of one backend at one point and worker count, compared directly: per round, the
// slower row's process median over the faster row's (both ran in that round, close in time), with the
// sign-test interval over the rounds. Decided when the interval excludes 1.
struct ScheduleComparison {
    Point point;
    std::string backend;          // the backend both rows run ("openmp")
    std::size_t fast = 0, slow = 0;  // indices into the runs
    Interval ratio;               // slow / fast
    std::size_t pairs = 0;
    bool enough_pairs = false;
    bool decided() const { return enough_pairs && ratio.lo > 1; }
};

// Parallelism inside one core beside parallelism across cores (--simd, run/simd.hpp): per
// range-kernel path the serial backend's time per element on one core, and the openmp backend's
// (else threads') at 2 threads on the fastest path; speedups over the exact 128-bit loop, paired by round (exact's
// process / this one's, the same round), with the sign-test interval. Disturbed processes are left out.
struct SimdEntry {
    std::string kernel;   // "exact", "portable", "avx2", …
    std::string backend;  // "serial", or "openmp" / "threads" for the run across cores
    unsigned threads = 1;
    double ns_per_element = 0;   // median over its processes of (median repetition / N)
    std::size_t processes = 0;       // in the median: the undisturbed ones, or all when every one was disturbed
    bool from_disturbed = false;     // every process (or pair) of it was disturbed: the figures use them anyway
    std::optional<Interval> speedup;  // over exact
    std::size_t pairs = 0;
    bool enough_pairs = false;
};

struct SimdTable {
    u64 n = 0;  // 0: not measured
    std::vector<SimdEntry> entries;  // the one-core paths slowest first, then the run across cores
    std::optional<Interval> cores;   // the run across cores over serial on the same path, paired by round
    std::size_t cores_pairs = 0;
    bool cores_enough = false;
    const SimdEntry* fastest_one_core() const;  // the one-core path with the lowest time per element
    const SimdEntry* across_cores() const;      // the run across cores (openmp, else threads); null when it did not run
};

// The tree workload (--cutoffs): per backend, worker count and tree size, each cut-off's efficiency
// against serial's tree at the same cut-off (speedup / workers, from the row's pairs), and what a
// task cost: per pair (workers · this process − its serial process) / tasks, with the sign-test
// interval over the pairs. The smallest task that still pays is Task Bench's METG(50%): the
// smallest mean leaf from which the efficiency estimate stays at 50% or more at every larger one.
struct TaskPoint {
    u64 cutoff = 0, tasks = 0, leaves = 0;
    double leaf_elements = 0;  // N / leaves: the mean task size in elements
    double leaf_ns = 0;        // serial's tree at this cut-off: median wall / leaves (ns of work per leaf); NaN unknown
    std::optional<Interval> efficiency;  // speedup / workers
    std::optional<Interval> cost_ns;     // per task, ns of worker time beyond its leaf's work
    std::size_t pairs = 0;  // in the cost per task
};
struct TaskCurve {
    std::string backend;
    unsigned threads = 1;
    u64 n = 0;
    std::vector<TaskPoint> points;      // ascending cut-off
    std::optional<std::size_t> metg;    // index into points: the smallest task for 50% efficiency; none: never reached
    const TaskPoint* cheapest() const;  // the point with the most tasks (its cost per task is the best measured)
};
inline constexpr double metg_efficiency = 0.5;

struct BreakEven {
    u64 n = 0;
    unsigned threads = 0;
};

struct DisturbedProcesses {
    std::size_t count = 0, rerun = 0, excluded = 0;
};

// The machine's state while the backends ran, from the per-process figures.
struct MachineState {
    std::size_t processes = 0;       // measured
    double foreign_median = 0, foreign_max = 0;  // foreign CPU / CPU budget
    double steal_seconds = 0;        // total
    double run_delay_seconds = -1;   // PSI cpu some, total over the processes; -1 unknown
};

// One configuration as results.json records it, read back into the model (files/results_file.hpp):
// what --diff compares. stats holds the fields the file has (speedup, pairs, medians).
struct ResultRow {
    std::string backend, workload, variant;  // variant: the jobs order
    u64 n = 0;
    unsigned threads = 1;
    std::string status;
    std::vector<double> process_medians;
    ConfigStats stats;
};

}  // namespace sumsq::compare
