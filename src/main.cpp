// main.cpp — the harness linked into every sumsq-<backend> binary:
// parse → set up the backend (untimed) → warm up → run and time → validate every result → report.
#include "backend.hpp"
#include "cli.hpp"
#include "cpus.hpp"
#include "environment.hpp"
#include "measure.hpp"
#include "numbers.hpp"
#include "output_file.hpp"
#include "range/paths.hpp"
#include "reference.hpp"
#include "report.hpp"
#include "record/recorder.hpp"
#include "record/views.hpp"
#include "stdout_check.hpp"
#include "thread_check.hpp"
#include "wait_workload.hpp"

#include <fmt/format.h>
#include <fmt/ostream.h>

#include <chrono>
#include <iostream>
#include <mutex>
#include <memory>
#include <optional>
#include <set>

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

// One extra, untimed run with every stretch stored: what --trace, --timeline and --trace-steps
// show. --trace-steps prints each announced step as it happens.
struct RecordedRun {
    record::Run run;
    record::Figures figures;
    std::string problem;
};
RecordedRun recorded_run(Runner& runner, const Options& options, const std::vector<int>& cpus_allowed) {
    std::mutex print;
    auto& out = options.format == Format::table ? std::cout : std::cerr;
    if (options.trace_steps)
        record::observe([&](const record::Stretch& s) {
            if (s.kind != record::Kind::step) return;
            const std::lock_guard lock(print);
            out << fmt::format("+{:.1f} ms  {}  (thread {}, CPU {})", double(s.end_ns) / 1e6, record::stretch_label(s),
                               s.thread + 1, s.cpu)
                << std::endl;
        });
    RecordedRun r;
    const double cpu_begin = process_cpu_seconds();
    record::begin_run(record::Mode::stretches);
    const auto begin = record::Clock::now();
    r.problem = runner.run_once();
    const double wall = std::chrono::duration<double>(record::Clock::now() - begin).count();
    r.run = record::end_run();
    const double cpu = process_cpu_seconds() - cpu_begin;
    record::observe({});
    r.figures = {wall, wall > 0 ? double(r.run.span_ns) / 1e9 / wall : 0, wall > 0 ? cpu / wall : 0, cpus_allowed};
    return r;
}

// The timeline's title: what ran.
std::string timeline_heading(const Options& o) {
    std::string what = o.workload == Workload::sum
        ? fmt::format("sum, N = {}", grouped(o.n))
        : fmt::format("wait: {} tasks x {} steps x {} ms", o.wait.tasks, o.wait.steps, o.wait.wait.count());
    if (backend_info.splits_into_tasks && o.workload == Workload::sum) what += fmt::format(", {} tasks", o.backend.tasks);
    return fmt::format("sumsq-{} -t {}{} — {}", backend_info.name, o.backend.threads,
                       o.cpus.empty() ? "" : " --cpus " + record::cpu_list(o.cpus), what);
}

int run(int argc, char** argv) {
    if (backend_info.process_setup) backend_info.process_setup(argc, argv);
    const std::string program = "sumsq-" + std::string(backend_info.name);
    std::optional<Options> parsed;
    std::unique_ptr<OutputFile> trace_file, timeline_file;
    std::vector<int> cpus_allowed;
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
        if (!parsed->timeline_path.empty()) timeline_file = std::make_unique<OutputFile>("--timeline", parsed->timeline_path);
        if (!parsed->cpus.empty()) restrict_to_cpus(parsed->cpus);  // before any worker exists
        cpus_allowed = allowed_cpus();  // before a backend pins its thread (interleaved)
        check_threads_can_start(parsed->backend.threads);  // exit 3 with one line, not a runtime's abort (pools start below)
        backend = make_backend(parsed->backend);  // pools, arenas, thread limits: outside the timed region
    } catch (const UsageError& e) {
        fmt::print(std::cerr, "{}: {}\n", program, one_line(e.what()));
        return exit_usage;
    }
    if (backend->requested_workers() != parsed->backend.threads)  // e.g. OpenMP's OMP_NUM_THREADS
        check_threads_can_start(backend->requested_workers());
    parsed->backend.threads = backend->workers();  // e.g. OpenMP's OMP_NUM_THREADS
    const Options& options = *parsed;

    Runner runner(*backend, options);
    RunReport report;
    report.info = &backend_info;
    report.options = options;
    std::string problem;
    const bool wait_workload = options.workload == Workload::wait;
    record::reserve_tasks(wait_workload ? options.wait.tasks : backend_info.splits_into_tasks ? options.backend.tasks : 0);
    std::optional<RecordedRun> recorded;
    if (trace_file || timeline_file || options.trace_steps) {
        recorded = recorded_run(runner, options, cpus_allowed);
        problem = recorded->problem;
    }
    std::vector<record::Run> timed_runs;  // the spans of each timed repetition
    const bool long_run = options.workload == Workload::sum && options.n >= 2'000'000'000ull;
    report.timing = measure(options.warmup, options.reps, [&] {
        if (options.record_spans) record::begin_run(record::Mode::spans);
        const std::string error = runner.run_once();
        if (problem.empty()) problem = error;
    }, [&](unsigned done) {
        if (options.record_spans) timed_runs.push_back(record::end_run());  // outside the timed region
        if (long_run) fmt::print(std::cerr, "{}: repetition {}/{} done\n", program, done, options.reps);
    }, [&](unsigned count) { return backend->agree(count); }, std::chrono::milliseconds(options.idle_ms));
    record::end_run();  // the parallelism block's last run: not reported
    report.options.backend.threads = backend->workers();  // the team obtained, e.g. under OMP_THREAD_LIMIT
    if (backend->workers() < backend->requested_workers() && backend->reports())
        fmt::print(std::cerr, "{}: warning: asked for {} threads, the runtime gave {}\n", program, backend->requested_workers(),
                   backend->workers());
    report.timer_overhead_seconds = timer_overhead_seconds();
    double span_seconds = 0;
    for (const record::Run& run : timed_runs) span_seconds += double(run.span_ns) / 1e9;
    {  // collective on every MPI rank: the job's CPU time, per repetition and for parallelism
        std::vector<double> cpu = report.timing.cpu_seconds;
        cpu.push_back(span_seconds);  // and the job's task spans
        cpu.push_back(report.timing.parallelism_cpu_seconds);
        backend->combine_cpu_seconds(cpu);
        report.timing.parallelism_cpu_seconds = cpu.back();
        cpu.pop_back();
        span_seconds = cpu.back();
        cpu.pop_back();
        report.timing.cpu_seconds = cpu;
    }

    if (!backend->reports()) return exit_ok;  // other MPI ranks: rank 0 validates and reports
    if (options.record_spans && !timed_runs.empty()) {
        double wall = 0;
        for (double w : report.timing.wall_seconds) wall += w;
        report.concurrency = wall > 0 ? span_seconds / wall : 0;
        report.workers = timed_runs.back().workers;
        report.imbalance = timed_runs.back().imbalance();
    }
    std::set<int> seen;
    for (const record::Run& run : timed_runs) seen.insert(run.cpus.begin(), run.cpus.end());
    if (recorded) {
        seen.insert(recorded->run.cpus.begin(), recorded->run.cpus.end());
        const std::string name(backend_info.name);
        if (trace_file) {
            trace_file->commit(record::trace_document(recorded->run, recorded->figures, name).dump() + "\n");
            report.trace_file = trace_file->path();
        }
        if (timeline_file) {
            timeline_file->commit(record::timeline_svg(timeline_heading(options), {{"", recorded->run.stretches, recorded->figures}}));
            report.timeline_file = timeline_file->path();
        }
    }
    report.cpus_seen.assign(seen.begin(), seen.end());
    report.cpus_allowed = cpus_allowed;

    report.result = runner.last_result();
    report.expected = runner.expected();
    report.steps = runner.wait().order();
    report.ok = problem.empty();
    report.problem = problem;
    report.environment = environment(*backend);
    report.processes = backend->processes();

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
