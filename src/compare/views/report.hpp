// report.hpp — sumsq-compare's report on stdout: tables, break-even, "what this shows", notes.
#pragma once

#include "compare/analysis/analysis.hpp"
#include "compare/options/options.hpp"
#include "compare/run/sweep.hpp"

#include <nlohmann/json.hpp>

#include <ostream>
#include <string>
#include <vector>

namespace sumsq::compare {

// The environment of the sweep: the first backend report's, plus what compare itself knows.
nlohmann::json sweep_environment(const std::vector<Run>& runs);
std::vector<std::string> environment_notes(const CompareOptions& options, const std::vector<Run>& runs,
                                           const nlohmann::json& environment);
void print_report(std::ostream& out, const CompareOptions& options, const std::vector<BackendBinary>& backends,
                  const std::vector<Run>& runs, const Analysis& analysis);

}  // namespace sumsq::compare
