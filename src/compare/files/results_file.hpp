// results_file.hpp — loads a sumsq-compare results.json for --diff and validates its whole schema,
// so that nothing downstream can read a missing, mistyped or absurd field.
#pragma once

#include "contract/sum_squares.hpp"
#include "compare/analysis/results.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace sumsq::compare {

// The largest results.json --diff reads: a sweep's file is a few MB.
inline constexpr u64 max_results_bytes = u64{64} << 20;
// The longest time a results.json can hold: a run is killed after --timeout, at most a day.
inline constexpr double max_result_seconds = 86'400;

// Parses `text` (read from `name`) and checks: JSON with no key twice in one object; an object with
// a "runs" array; every run an object with "backend" and "workload" strings, "threads" a whole
// number in 1..max_threads, "n" a whole number in 0..max_n (array: 0..2^32) on every workload but
// wait, "status" a string; an OK run has "wall_seconds" with a non-empty "all" array of numbers in
// 0..max_result_seconds (and, if present, "median"/"min"/"max" likewise); "seed", "sweep.seed" and
// "sweep.job_seed", when present, are u64 values (json_u64); "load.*.busy_cpu_fraction" is null or
// in 0..1. Throws UsageError "--diff: '<name>': runs[3].wall_seconds.all: is empty" naming the file
// and the field.
nlohmann::json validate_results(const std::string& text, const std::string& name);

// Reads `path` and validates it (above). UsageError when it cannot be read, is not a regular file
// (a directory, FIFO, device: refused before any read, so /dev/zero or a FIFO without a writer
// cannot hold it up) or is larger than max_results_bytes.
nlohmann::json load_results_file(const std::string& path);

// A u64 as results.json writes it: a string of decimal digits (JSON numbers beyond 2^53 lose
// digits in most readers), or, from files before that, a JSON number that holds it exactly.
std::optional<u64> json_u64(const nlohmann::json& value);

// The validated file's runs in the results model: identity, process medians, and the paired
// speedup (speedup, speedup_interval, pairs, enough_pairs) when the file has it.
std::vector<ResultRow> result_rows(const nlohmann::json& doc);

}  // namespace sumsq::compare
