// analysis.hpp — every number derived from a sweep, computed once: medians and spreads across
// processes, speedup and efficiency intervals, the noise floor, findings and break-even. The table,
// JSON, CSV, plots and --diff read these values; none recomputes its own.
//
// Interval method (docs/compare.md): paired processes. Each process of a row ran next to a serial
// process of the same point; speedup = exp(median of log(serial / this)) over the pairs, with the
// distribution-free sign-test interval at --confidence (95%). A pair with a disturbed process is
// left out. Runs without recorded pairs (synthetic ones) are paired with serial by round.
#pragma once

#include "compare/run/sweep.hpp"
#include "results.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sumsq::compare {

struct Analysis {
    std::vector<ConfigStats> stats;  // one per run, same order
    std::vector<NoiseFloor> noise;
    double noise_max = 0;  // largest noise floor; 0 when nothing measured it
    std::map<std::string, std::optional<BreakEven>> break_even;  // per non-serial backend with sum runs
    std::vector<ScheduleComparison> schedules;  // per jobs/sum point, per backend with 2 or more --schedules rows
    std::vector<TaskCurve> tasks;  // --workloads tree: per backend, workers and N, the efficiency per cut-off
    // The curve the answers and results.json's min_task_size_for_50pct name for a backend: at the
    // largest worker count that has a CPU per worker (one-thread backends: 1), the largest N.
    const TaskCurve* main_curve(const std::string& backend) const;
    SimdTable simd;  // --simd: the range-kernel paths on one core, and 2 threads on the fastest
    std::vector<std::string> findings;  // "what this shows"
    std::vector<std::string> warnings;  // machine busy, too few processes
    DisturbedProcesses disturbed;
    MachineState machine;
    SweepRecord record;

    const ConfigStats& of(const std::vector<Run>& runs, const Run& run) const { return stats[std::size_t(&run - runs.data())]; }
    double floor(const Point& point) const;  // that sweep point's noise floor (noise_max if unmeasured)
};

// The run a view shows for a backend: among OK runs with >= 2 workers where it has them, the
// one with the highest median speedup (lowest median time); nullptr if none.
// The measured run of `backend` at `point` with `threads` workers; null when there is none.
const Run* find_run(const std::vector<Run>& runs, const std::string& backend, const Point& point, unsigned threads);
// "2 threads", "1 process": the workers a run asked for, in words.
std::string workers_text(const Run& r);
const Run* best_run(const std::vector<Run>& runs, const Analysis& analysis, const std::string& backend, const Point& point);
// Whether the slower of two schedules lost to its imbalance: its busiest worker well above the mean
// (> 1.15) and clearly above the faster one's.
bool imbalance_explains(const ConfigStats& fast, const ConfigStats& slow);
inline const Run* best_run(const std::vector<Run>& runs, const Analysis& analysis, const std::string& backend,
                           const std::string& workload, u64 n) {
    return best_run(runs, analysis, backend, Point{workload, "", n});
}

Analysis analyse(const CompareOptions& options, const std::vector<BackendBinary>& backends, const std::vector<Run>& runs,
                 SweepRecord record);

// Fills Analysis::tasks from the tree rows (analysis/tasks.cpp).
void task_curves(const CompareOptions& options, const std::vector<BackendBinary>& backends, const std::vector<Run>& runs, Analysis& analysis);

// The findings as JSON ("findings" in results.json).
nlohmann::json findings_json(const Analysis& analysis);

// "1.97x" or "≈1.0x"; with the interval when `with_interval`.
std::string speedup_text(const ConfigStats& stats, bool with_interval);
// "9.84x [9.61–10.02]": a paired ratio with its interval, marked when too few rounds gave it.
std::string ratio_text(const Interval& ratio, bool enough_pairs);
// "107 ns [106 ns–112 ns]": an interval of nanoseconds (a task's cost), each end as a duration.
std::string nanoseconds_text(const Interval& ns);

}  // namespace sumsq::compare
