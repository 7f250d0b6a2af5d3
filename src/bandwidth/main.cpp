// sumsq-bandwidth — the machine's read-bandwidth ceiling, STREAM-style (read_bandwidth.hpp): the
// best and median of --reps repetitions on 1 thread and on all threads, as a table or JSON.
// Exit codes: 0 ok; 1 a read kernel's sum was wrong; 2 bad input (one line on stderr); 3 a runtime
// failure (threads could not start).
#include "read_bandwidth.hpp"
#include "driver/cli.hpp"
#include "os/cpus.hpp"
#include "driver/environment.hpp"
#include "os/memory_check.hpp"
#include "text/numbers.hpp"
#include "os/thread_check.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <exception>
#include <iostream>
#include <optional>

namespace {

using namespace sumsq;

struct BandwidthOptions {
    u64 bytes = u64{1} << 30;
    unsigned threads = available_cpus();
    unsigned reps = 5;
    bool json = false;
};

std::optional<BandwidthOptions> parse(int argc, const char* const* argv) {
    CLI::App app{"sumsq-bandwidth: read bandwidth of this machine (STREAM-style read-only reduction), 1 thread and all threads",
                 "sumsq-bandwidth"};
    std::string bytes_text, threads_text, reps_text, format_text;
    BandwidthOptions options;
    app.add_option("--bytes", bytes_text, "buffer size in bytes (default 1,073,741,824; 1e8 and 64_000_000 accepted); at most MemAvailable");
    app.add_option("-t,--threads", threads_text, fmt::format("threads, pinned one per allowed CPU: 1..{} (default {})", max_threads, options.threads));
    app.add_option("-r,--reps", reps_text, "timed repetitions per thread count: 1..1,000,000 (default 5)");
    app.add_option("--format", format_text, "table (default) or json");
    if (!parse_arguments(app, argc, argv)) return std::nullopt;
    auto given = [&](const char* name) { return app.get_option(name)->count() > 0; };
    if (given("--bytes")) options.bytes = parse_count_option("--bytes", bytes_text, 4096, UINT64_MAX);
    if (given("--threads")) options.threads = static_cast<unsigned>(parse_count_option("--threads", threads_text, 1, max_threads));
    if (given("--reps")) options.reps = static_cast<unsigned>(parse_count_option("--reps", reps_text, 1, max_reps));
    if (given("--format")) {
        if (format_text != "table" && format_text != "json")
            throw UsageError(fmt::format("--format: unknown format '{}'; accepted: table, json", format_text));
        options.json = format_text == "json";
    }
    check_fits("--bytes", options.bytes);
    return options;
}

}  // namespace

int main(int argc, char** argv) {
    std::optional<BandwidthOptions> options;
    try {
        options = parse(argc, argv);
        if (!options) return exit_ok;
    } catch (const UsageError& e) {
        fmt::print(stderr, "sumsq-bandwidth: {}\n", one_line(e.what()));
        return exit_usage;
    }
    bandwidth::Result result;
    try {
        check_threads_can_start(options->threads);
        result = bandwidth::measure(options->bytes, options->threads, allowed_cpus(), options->reps);
    } catch (const std::exception& e) {
        fmt::print(stderr, "sumsq-bandwidth: {}\n", one_line(e.what()));
        return 3;
    }
    if (options->json) {
        const nlohmann::json out = {
            {"tool", "bandwidth"}, {"bytes", result.bytes}, {"threads", result.threads}, {"reps", options->reps},
            {"kernel", result.kernel},
            {"one_thread", {{"best", result.one_thread.best}, {"median", result.one_thread.median}}},
            {"all_threads", {{"best", result.all_threads.best}, {"median", result.all_threads.median}}},
            {"cpu_model", cpu_model()}, {"sums_ok", result.sums_ok}};
        std::cout << out.dump() << '\n';
    } else {
        fmt::print("read bandwidth: {} bytes, read kernel {} (sum_array), best and median of {} repetitions\n",
                   grouped(result.bytes), result.kernel, options->reps);
        fmt::print("CPU: {}\n{:>8}  {:>10}  {:>12}\n", cpu_model(), "threads", "best GB/s", "median GB/s");
        fmt::print("{:>8}  {:>10.2f}  {:>12.2f}\n", 1, result.one_thread.best / 1e9, result.one_thread.median / 1e9);
        fmt::print("{:>8}  {:>10.2f}  {:>12.2f}\n", result.threads, result.all_threads.best / 1e9, result.all_threads.median / 1e9);
    }
    if (!result.sums_ok) {
        fmt::print(stderr, "sumsq-bandwidth: MISMATCH: a read kernel's sum differs from the exact loop's\n");
        return exit_mismatch;
    }
    return std::cout.flush() ? exit_ok : 3;
}
