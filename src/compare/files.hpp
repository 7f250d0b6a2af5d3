// files.hpp — sumsq-compare --out DIR: results.json, results.csv and gnuplot SVGs, all or nothing.
#pragma once

#include "analysis.hpp"
#include "options.hpp"
#include "output_dir.hpp"
#include "sweep.hpp"

#include <string>
#include <vector>

namespace sumsq::compare {

// Writes results.json, results.csv and, when gnuplot is on PATH (or $SUMSQ_GNUPLOT), the plots.
// Returns a note about the plots (drawn, or skipped and why).
std::string write_results(OutputDir& out, const CompareOptions& options, const std::vector<BackendBinary>& backends,
                          const std::vector<Run>& runs, const Analysis& analysis);

}  // namespace sumsq::compare
