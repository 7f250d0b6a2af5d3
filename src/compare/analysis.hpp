// analysis.hpp — numbers derived from a sweep: speedup vs serial, efficiency, break-even N.
#pragma once

#include "sweep.hpp"

#include <optional>
#include <string>
#include <vector>

namespace sumsq::compare {

// Serial's median wall time for this workload and N, if serial ran OK.
std::optional<double> serial_median(const std::vector<Run>& runs, const std::string& workload, u64 n);
// serial median / this run's median.
std::optional<double> speedup(const std::vector<Run>& runs, const Run& run);
// speedup / threads (MPI: ranks).
std::optional<double> efficiency(const std::vector<Run>& runs, const Run& run);

// Scaling: this backend's own 1-thread median / this median (how it gains from more threads).
std::optional<double> scaling(const std::vector<Run>& runs, const Run& run);

// The OK run of `backend` with the lowest median for (workload, n), if any.
const Run* best_run(const std::vector<Run>& runs, const std::string& backend, const std::string& workload, u64 n);

// Smallest swept N (sum workload) at which `backend`'s best run beats serial by at least 5%.
std::optional<u64> break_even(const std::vector<Run>& runs, const std::string& backend, const std::vector<u64>& sizes);

}  // namespace sumsq::compare
