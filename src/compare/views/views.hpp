// views.hpp — the file views of a sweep: results.json, results.csv and the gnuplot script. Each
// reads the numbers from the Analysis; none derives its own.
#pragma once

#include "compare/analysis/analysis.hpp"
#include "compare/options/options.hpp"
#include "compare/run/sweep.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace sumsq::compare {

nlohmann::json results_json(const CompareOptions& options, const std::vector<Run>& runs, const Analysis& analysis);
std::string results_csv(const std::vector<Run>& runs, const Analysis& analysis);
// gnuplot script drawing speedup_vs_threads.svg, time_vs_n.svg (more than one N) and workload_matrix.svg.
std::string plot_script(const CompareOptions& options, const std::vector<BackendBinary>& backends, const std::vector<Run>& runs,
                        const Analysis& analysis);

}  // namespace sumsq::compare
