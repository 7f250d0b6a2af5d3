// analysis.hpp — every number derived from a sweep, computed once: medians and spreads across
// processes, speedup and efficiency intervals, the noise floor, findings and break-even. The table,
// JSON, CSV, plots and --diff read these values; none recomputes its own.
//
// Interval method: the ratio of extreme process medians. speedup = serial / this, so its interval
// is [min serial / max this, max serial / min this] over the processes' medians: every pairing of
// one serial process with one process of this configuration lies inside it. It is deterministic
// (no resampling) and, with 3 processes a side, deliberately wide.
#pragma once

#include "compare/run/sweep.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sumsq::compare {

double median(std::vector<double> values);  // NaN when empty

struct Interval {
    double lo = 0, mid = 0, hi = 0;
    bool contains(double x) const { return lo <= x && x <= hi; }
};

struct ConfigStats {
    double median = 0, low = 0, high = 0;  // median, smallest and largest of the process medians
    std::size_t processes = 0;
    double parallelism = 0, concurrency = 0;  // NaN when unknown
    unsigned workers = 1;  // threads, or MPI ranks
    std::optional<Interval> speedup, efficiency;  // vs serial, same workload and N
    std::optional<double> scaling;  // this backend's own 1-thread median / this median (workers > 1)
    bool indistinguishable = false;  // the speedup interval contains 1.0: printed ≈1.0×
    bool ahead = false, behind = false;  // >= 2 workers and the interval clears the noise floor
    double imbalance = 0;         // max / mean busy time of the workers, median over processes; NaN when unknown
    double bytes_per_second = 0;  // array: 4 N / median wall, median over processes; NaN elsewhere
    std::optional<double> ceiling;  // array: bytes_per_second / the measured all-thread read bandwidth
    std::string schedule;         // the effective schedule the backend reported ("dynamic,1"); "" when none
};

// Identical work (serial and a backend's own 1-thread configuration) run as separate processes:
// largest process median / smallest − 1. Differences inside it are noise.
struct NoiseFloor {
    Point point;
    double spread = 0;
};

struct BreakEven {
    u64 n = 0;
    unsigned threads = 0;
};

struct Analysis {
    std::vector<ConfigStats> stats;  // one per run, same order
    std::vector<NoiseFloor> noise;
    double noise_max = 0;  // largest noise floor; 0 when nothing measured it
    std::map<std::string, std::optional<BreakEven>> break_even;  // per non-serial backend with sum runs
    std::vector<std::string> findings;  // "what this shows"
    std::vector<std::string> warnings;  // machine busy, too few processes
    SweepRecord record;

    const ConfigStats& of(const std::vector<Run>& runs, const Run& run) const { return stats[std::size_t(&run - runs.data())]; }
    double floor(const Point& point) const;  // that sweep point's noise floor (noise_max if unmeasured)
};

// The run a view shows for a backend: among OK runs with >= 2 workers where it has them, the
// one with the highest median speedup (lowest median time); nullptr if none.
const Run* best_run(const std::vector<Run>& runs, const Analysis& analysis, const std::string& backend, const Point& point);
inline const Run* best_run(const std::vector<Run>& runs, const Analysis& analysis, const std::string& backend,
                           const std::string& workload, u64 n) {
    return best_run(runs, analysis, backend, Point{workload, "", n});
}

Analysis analyse(const CompareOptions& options, const std::vector<BackendBinary>& backends, const std::vector<Run>& runs,
                 SweepRecord record);

// The findings as JSON ("findings" in results.json).
nlohmann::json findings_json(const Analysis& analysis);

// "1.97x" or "≈1.0x"; with the interval when `with_interval`.
std::string speedup_text(const ConfigStats& stats, bool with_interval);

}  // namespace sumsq::compare
