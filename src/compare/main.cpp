// sumsq-compare — runs every sumsq-<backend> binary as its own process over a sweep of threads,
// sizes and workloads, validates every result, and reports how the models compare and why.
// Exit codes: 0 all OK; 1 a mismatch, failure or timeout (the rest still ran); 2 bad input;
// 3 a runtime failure (e.g. --out could not be committed, stdout lost, a file past ulimit -f, no file
// descriptor left); 130 / 143 / 129 interrupted by SIGINT / SIGTERM / SIGHUP (children stopped, no
// files written). A run that fails commits none of its files: --out is committed last, after the
// report and the file list reached stdout.
#include "compare/run/bandwidth.hpp"
#include "compare/run/child_process.hpp"
#include "compare/run/simd.hpp"
#include "driver/cli.hpp"
#include "compare/views/diff.hpp"
#include "compare/files/files.hpp"
#include "compare/options/options.hpp"
#include "compare/views/report.hpp"
#include "os/stdout_check.hpp"
#include "compare/run/sweep.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <filesystem>
#include <functional>
#include <iostream>
#include <memory>

namespace {

std::string program_dir() {
    std::error_code error;
    const auto self = std::filesystem::read_symlink("/proc/self/exe", error);
    return error ? "." : self.parent_path().string();
}

int run(int argc, char** argv) {
    using namespace sumsq;
    using namespace sumsq::compare;
    install_signal_handlers();
    std::optional<CompareOptions> options;
    std::vector<BackendBinary> backends;
    std::unique_ptr<OutputDir> out;
    try {
        options = parse_compare_options(argc, argv);
        if (!options) return exit_ok;
        if (options->diff) return run_diff(std::cout, options->diff->first, options->diff->second);
        backends = resolve_backends(*options, program_dir());
        if (!options->out_dir.empty()) out = std::make_unique<OutputDir>(options->out_dir);
    } catch (const UsageError& e) {
        fmt::print(stderr, "sumsq-compare: {}\n", one_line(e.what()));
        return exit_usage;
    }
    if (!stdout_usable("sumsq-compare")) return exit_runtime;  // before the sweep: its report would be lost

    SweepRecord record;
    std::function<void()> measure_ceiling;
    if (options->has_workload("array")) {
        measure_ceiling = [&] { record.add_bandwidth(measure_read_bandwidth(program_dir(), options->timeout_s)); };
        measure_ceiling();  // before any backend, then before each round's array processes
    }
    const std::vector<Run> runs = run_sweep(*options, backends, record, measure_ceiling);
    if (!interrupted()) record.simd = measure_simd(*options, backends);
    auto stop = [] {
        fmt::print(stderr, "sumsq-compare: interrupted; the running backend was stopped and no files were written\n");
        return interrupt_exit_code();
    };
    if (interrupted()) return stop();
    const Analysis analysis = analyse(*options, backends, runs, std::move(record));
    print_report(std::cout, *options, backends, runs, analysis);
    if (out) {
        const std::string plots = write_results(*out, *options, backends, runs, analysis);
        if (interrupted()) return stop();  // e.g. during the plots: nothing is committed
        const std::vector<std::string> paths = out->seal();
        std::vector<std::string> names;  // one line: the directory, then each file's name
        for (const auto& path : paths) names.push_back(path.substr(path.rfind('/') + 1));
        const std::string& first = paths.empty() ? std::string() : paths.front();
        fmt::print("files in {} ({}): {}\n", first.substr(0, first.rfind('/') + 1), plots, fmt::join(names, ", "));
        if (check_stdout("sumsq-compare", exit_ok) != exit_ok) return exit_runtime;  // the report was lost: commit nothing
        out->commit();
    }
    std::size_t bad = 0;
    for (const Run& r : runs) bad += r.status != Run::Status::ok && r.status != Run::Status::skipped;  // skipped: its interpreter is missing
    for (const std::string& failure : analysis.record.simd.failures) fmt::print(stderr, "sumsq-compare: --simd: {}\n", failure);
    if (bad) fmt::print(stderr, "sumsq-compare: {} of {} runs were not OK (see the status column)\n", bad, runs.size());
    if (!analysis.record.simd.failures.empty())
        fmt::print(stderr, "sumsq-compare: --simd: {} process{} not exact or failed (above)\n", analysis.record.simd.failures.size(),
                   analysis.record.simd.failures.size() == 1 ? " was" : "es were");
    if (bad || !analysis.record.simd.failures.empty()) return exit_mismatch;
    return exit_ok;
}

}  // namespace

int main(int argc, char** argv) {
    sumsq::guard_standard_streams();
    try {
        return sumsq::check_stdout("sumsq-compare", run(argc, argv));
    } catch (const std::exception& e) {
        fmt::print(stderr, "sumsq-compare: error: {}\n", sumsq::one_line(e.what()));
        return sumsq::exit_runtime;
    }
}
