// main.cpp — the harness linked into every sumsq-<backend> binary:
// parse → set up the backend (untimed) → warm up → run and time → validate every result → report.
#include "backend.hpp"
#include "cli.hpp"
#include "environment.hpp"
#include "measure.hpp"
#include "numbers.hpp"
#include "output_file.hpp"
#include "range/paths.hpp"
#include "reference.hpp"
#include "report.hpp"
#include "stdout_check.hpp"
#include "thread_check.hpp"
#include "trace.hpp"
#include "wait_workload.hpp"

#include <fmt/format.h>
#include <fmt/ostream.h>

#include <iostream>
#include <memory>
#include <optional>

namespace sumsq {
namespace {

// One run of the chosen workload; returns an empty string when it is correct, else what went wrong.
class Runner {
public:
    Runner(Backend& backend, const Options& options)
        : backend_(backend), options_(options), wait_(options.wait),
          expected_(options.workload == Workload::sum ? std::optional(closed_form(options.n)) : std::nullopt) {}

    std::string run_once() {
        if (options_.workload == Workload::wait) {
            wait_.reset();
            backend_.run_wait(wait_);
            return wait_.incomplete_reason();
        }
        const u128 result = backend_.sum_squares(options_.n);
        if (!last_) last_ = result;
        if (result == *expected_) return {};
        last_ = result;  // keep the wrong one for the report
        return fmt::format("MISMATCH for N={}: got {}, expected {}", options_.n, to_decimal(result), to_decimal(*expected_));
    }

    std::optional<u128> last_result() const { return last_; }
    std::optional<u128> expected() const { return expected_; }
    const WaitWorkload& wait() const { return wait_; }

private:
    Backend& backend_;
    const Options& options_;
    WaitWorkload wait_;
    std::optional<u128> expected_, last_;
};

int run(int argc, char** argv) {
    if (backend_info.process_setup) backend_info.process_setup(argc, argv);
    const std::string program = "sumsq-" + std::string(backend_info.name);
    std::optional<Options> parsed;
    std::unique_ptr<OutputFile> trace_file;
    std::unique_ptr<Backend> backend;
    try {
        parsed = parse_command_line(argc, argv, backend_info);
        if (!parsed) return exit_ok;  // --help or --version
        if (parsed->describe) {
            const nlohmann::json description = {
                {"backend", backend_info.name},
                {"model", backend_info.model},
                {"one_thread", backend_info.thread_model == ThreadModel::one_thread},
                {"splits_into_tasks", backend_info.splits_into_tasks},
                {"kernel_paths", range::supported_names()},
                {"runs_wait_workload", backend_info.runs_wait_workload},
                {"multi_process", backend_info.multi_process},
                {"version", SUMSQ_VERSION}};
            std::cout << description.dump() << '\n';
            return exit_ok;
        }
        if (!parsed->trace_path.empty()) trace_file = std::make_unique<OutputFile>("--trace", parsed->trace_path);
        backend = make_backend(parsed->backend);  // pools, arenas, thread limits: outside the timed region
    } catch (const UsageError& e) {
        fmt::print(std::cerr, "{}: {}\n", program, one_line(e.what()));
        return exit_usage;
    }
    check_threads_can_start(backend->requested_workers());  // exit 3 with one line, not a runtime's abort
    parsed->backend.threads = backend->workers();  // e.g. OpenMP's OMP_NUM_THREADS
    const Options& options = *parsed;

    Runner runner(*backend, options);
    RunReport report;
    report.info = &backend_info;
    report.options = options;
    std::string problem;
    const bool long_run = options.workload == Workload::sum && options.n >= 2'000'000'000ull;
    report.timing = measure(options.warmup, options.reps, [&] {
        const std::string error = runner.run_once();
        if (problem.empty()) problem = error;
    }, [&](unsigned done) {
        if (long_run) fmt::print(std::cerr, "{}: repetition {}/{} done\n", program, done, options.reps);
    }, [&](unsigned count) { return backend->agree(count); });
    report.options.backend.threads = backend->workers();  // the team obtained, e.g. under OMP_THREAD_LIMIT
    if (backend->workers() < backend->requested_workers() && backend->reports())
        fmt::print(std::cerr, "{}: warning: asked for {} threads, the runtime gave {}\n", program, backend->requested_workers(),
                   backend->workers());
    report.timer_overhead_seconds = timer_overhead_seconds();
    {  // collective on every MPI rank: the job's CPU time, per repetition and for parallelism
        std::vector<double> cpu = report.timing.cpu_seconds;
        cpu.push_back(report.timing.parallelism_cpu_seconds);
        backend->combine_cpu_seconds(cpu);
        report.timing.parallelism_cpu_seconds = cpu.back();
        cpu.pop_back();
        report.timing.cpu_seconds = cpu;
    }

    if (trace_file) {  // one extra, untimed run, recorded
        trace::start();
        const std::string error = runner.run_once();
        trace::stop();
        if (problem.empty()) problem = error;
        if (backend->reports()) {
            trace_file->commit(trace::document(std::string(backend_info.name)).dump() + "\n");
            report.trace_file = trace_file->path();
        }
    }
    if (!backend->reports()) return exit_ok;  // other MPI ranks: rank 0 validates and reports

    report.result = runner.last_result();
    report.expected = runner.expected();
    report.steps = runner.wait().order();
    report.ok = problem.empty();
    report.problem = problem;
    report.environment = environment(*backend);
    report.processes = backend->processes();

    if (options.trace_steps) {
        auto& steps_out = options.format == Format::table ? std::cout : std::cerr;
        for (const auto& step : report.steps) steps_out << WaitWorkload::step_line(step) << '\n';
    }
    switch (options.format) {
    case Format::table: print_table(std::cout, report); break;
    case Format::json: std::cout << to_json(report).dump(2) << '\n'; break;
    case Format::csv: print_csv(std::cout, report); break;
    }
    if (!report.ok) {
        fmt::print(std::cerr, "{}: {}\n", program, problem);
        return exit_mismatch;
    }
    return exit_ok;
}

}  // namespace
}  // namespace sumsq

int main(int argc, char** argv) {
    sumsq::guard_standard_streams();
    const std::string program = "sumsq-" + std::string(sumsq::backend_info.name);
    try {
        return sumsq::check_stdout(program, sumsq::run(argc, argv));
    } catch (const std::exception& e) {
        fmt::print(std::cerr, "{}: error: {}\n", program, sumsq::one_line(e.what()));
        if (sumsq::backend_info.process_failed) sumsq::backend_info.process_failed(sumsq::exit_runtime);
        return sumsq::exit_runtime;
    }
}
