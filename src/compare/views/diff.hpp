// diff.hpp — sumsq-compare --diff OLD.json NEW.json: did anything get faster or slower?
//
// Rule, per (backend, workload, N, threads) present in both files. With paired speedups on both
// sides (results.json's speedup and speedup_interval, each against its own run's serial processes
// run next to it): "same" when the two intervals overlap or the change is under 2%, else
// "faster"/"slower" (or "too few" when a side had too few pairs for its confidence). Two runs of the
// same build thus say "same" unless the build really changed speed relative to serial. (Paired
// intervals can be ±0.3% wide: two make runs of one build minutes apart, 2026-12-03, had two such
// rows apart by 0.2% and 0.5%, a drift of the machine, not a change.) Files without speedups fall
// back to the rule below.
//
// Fallback rule: the samples are the
// configuration's process medians ("process_medians"): independent processes, not the repetitions
// inside one, which share that process's luck. The change is new median / old median − 1. It
// counts only if a two-sided Mann-Whitney U test on the two sets gives p < 0.05 AND the change is
// at least 5%; otherwise the verdict is "same". With fewer than 4 processes a side (3 a side
// cannot reach p < 0.05) nothing is called: the verdict is "too few". With ties or more than 20 a
// side, p uses the normal approximation; otherwise it is exact.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace sumsq::compare {

// Two-sided p-value of the Mann-Whitney U test for samples a and b.
double mann_whitney_p(const std::vector<double>& a, const std::vector<double>& b);

struct DiffVerdict {
    double change = 0;  // relative change of the median (new/old − 1)
    double p = 1;
    std::string verdict;  // "faster", "slower", "same", "too few"
};
inline constexpr std::size_t min_diff_samples = 4;
inline constexpr double min_median_change = 0.05;  // the fallback rule's smallest change called
DiffVerdict judge(const std::vector<double>& old_times, const std::vector<double>& new_times);

struct ConfigStats;
struct SpeedupVerdict {
    double change = 0;  // new speedup / old speedup − 1
    std::string verdict;  // "faster", "slower", "same", "too few"
};
inline constexpr double min_speedup_change = 0.02;
SpeedupVerdict judge_speedups(const ConfigStats& old_stats, const ConfigStats& new_stats);

// Prints the diff table; returns the exit code (0; 2 for unreadable input via UsageError).
int run_diff(std::ostream& out, const std::string& old_path, const std::string& new_path);

}  // namespace sumsq::compare
