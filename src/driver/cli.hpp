// cli.hpp — the command line shared by every sumsq-<backend> binary (CLI11), and input validation.
// Exit codes and UsageError: contract/errors.hpp.
#pragma once

#include "contract/backend.hpp"
#include "contract/errors.hpp"
#include "os/cpus.hpp"
#include "text/names.hpp"
#include "text/numbers.hpp"
#include "text/one_line.hpp"
#include "contract/sum_squares.hpp"
#include "workloads/wait_workload.hpp"
#include "workloads/jobs.hpp"

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace CLI {
class App;
}

namespace sumsq {

inline constexpr unsigned max_tasks = 1u << 20;
inline constexpr unsigned max_reps = 1'000'000;
inline constexpr unsigned max_steps = 1'000'000;
inline constexpr unsigned max_wait_ms = 3'600'000;
inline constexpr unsigned max_idle_ms = 60'000;
inline constexpr u64 default_n = 10'000'000;
inline constexpr u64 max_jobs = 1'000'000;
inline constexpr u64 default_cutoff = 100'000;
inline constexpr u64 max_array_n = u64{1} << 32;  // a[i] = i must fit in a u32

enum class Format { table, json, csv };
inline constexpr Named<Format> format_names[] = {{Format::table, "table"}, {Format::json, "json"}, {Format::csv, "csv"}};
enum class Workload { sum, wait, jobs, array, tree };
inline constexpr Named<Workload> workload_names[] = {
    {Workload::sum, "sum"}, {Workload::wait, "wait"}, {Workload::jobs, "jobs"}, {Workload::array, "array"}, {Workload::tree, "tree"}};
inline std::string_view workload_name(Workload w) { return name_of(workload_names, w); }
enum class Fill { workers, one };  // array: who first-touches it (the workers, with the sum's split; or one thread)
inline constexpr Named<Fill> fill_names[] = {{Fill::workers, "workers"}, {Fill::one, "one"}};

struct Options {
    u64 n = default_n;
    unsigned reps = 5;
    unsigned warmup = 1;
    unsigned idle_ms = 0;        // untimed sleep before each timed repetition (cold calls)
    Format format = Format::table;
    Workload workload = Workload::sum;
    BackendConfig backend;       // threads; tasks and step for splits_into_tasks backends
    WaitWorkload::Plan wait;     // tasks, steps and wait for the wait workload
    JobsPlan jobs;               // jobs workload: how many, seed, skew, order
    Fill fill = Fill::workers;   // array workload
    u64 cutoff = default_cutoff; // tree workload: a range of at most this many elements is a leaf
    bool trace_steps = false;
    std::string trace_path;      // empty: no trace
    std::string timeline_path;   // empty: no timeline SVG
    bool switches = false;       // --switches: the recorded run without a file (it takes switch records)
    std::vector<int> cpus;       // --cpus: restrict the process to these (empty: as started)
    bool record_spans = true;    // record task spans in timed runs (concurrency); --no-concurrency
    bool describe = false;
    std::string kernel = "auto";  // range kernel path (src/range/paths.hpp)
};

// Parses argv. Returns nothing after printing --help or --version; throws UsageError on bad input.
std::optional<Options> parse_command_line(int argc, const char* const* argv, const BackendInfo& info);

// Runs app.parse: false after printing --help or --version; CLI11's own errors (unknown option,
// missing value, repeated option, extra argument) become one-line UsageErrors.
bool parse_arguments(CLI::App& app, int argc, const char* const* argv);

// The one "applies to" message, for an option given with a workload it does not apply to:
// "--tasks: applies to the sum, array and wait workloads, not jobs" (`given`: what was asked instead).
std::string not_applicable(std::string_view option, const std::vector<std::string_view>& workloads, std::string_view given);


}  // namespace sumsq
