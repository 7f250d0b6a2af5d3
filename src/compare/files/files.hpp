// files.hpp — sumsq-compare --out DIR: results.json, results.csv, gnuplot SVGs and index.html, all or nothing.
#pragma once

#include "compare/analysis/analysis.hpp"
#include "compare/options/options.hpp"
#include "output_dir.hpp"
#include "compare/run/sweep.hpp"

#include <string>
#include <vector>

namespace sumsq::compare {

// Writes results.json, results.csv, the plots when gnuplot is on PATH (or $SUMSQ_GNUPLOT), then
// index.html from the document and the SVGs in the staging directory.
// Returns a note about the plots (drawn, or skipped and why).
std::string write_results(OutputDir& out, const CompareOptions& options, const std::vector<BackendBinary>& backends,
                          const std::vector<Run>& runs, const Analysis& analysis);

}  // namespace sumsq::compare
