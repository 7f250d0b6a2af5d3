// results_file.hpp — loads a sumsq-compare results.json for --diff and validates its whole schema,
// so that nothing downstream can read a missing or mistyped field.
#pragma once

#include "compare/analysis/results.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace sumsq::compare {

// Parses `text` (read from `name`) and checks: an object with a "runs" array; every run an object
// with "backend" and "workload" strings, "threads" a positive whole number, "n" a whole number on the
// sum workload, "status" a string; an OK run has "wall_seconds" with a non-empty "all" array of
// finite, non-negative numbers (and, if present, "median"/"min"/"max" numbers). Throws UsageError
// "--diff: '<name>': runs[3].wall_seconds.all: is empty" naming the file and the field.
nlohmann::json validate_results(const std::string& text, const std::string& name);

// Reads `path` and validates it (above); UsageError when it cannot be read.
nlohmann::json load_results_file(const std::string& path);

// The validated file's runs in the results model: identity, process medians, and the paired
// speedup (speedup, speedup_interval, pairs, enough_pairs) when the file has it.
std::vector<ResultRow> result_rows(const nlohmann::json& doc);

}  // namespace sumsq::compare
