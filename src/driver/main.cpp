// main.cpp — the harness linked into every sumsq-<backend> binary:
// parse → set up the backend (untimed) → warm up → run and time → validate every result → report.
#include "contract/backend.hpp"
#include "cli.hpp"
#include "os/cpus.hpp"
#include "disturbance.hpp"
#include "environment.hpp"
#include "os/exit_guard.hpp"
#include "measure.hpp"
#include "text/numbers.hpp"
#include "os/output_file.hpp"
#include "range/paths.hpp"
#include "contract/reference.hpp"
#include "report.hpp"
#include "record/recorder.hpp"
#include "record/views.hpp"
#include "os/stdout_check.hpp"
#include "os/switch_records.hpp"
#include "os/thread_check.hpp"
#include "workloads/wait_workload.hpp"
#include "workloads/jobs.hpp"
#include "os/memory_check.hpp"

#include <fmt/format.h>
#include <fmt/ostream.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <iterator>
#include <span>
#include <iostream>
#include <mutex>
#include <memory>
#include <optional>
#include <set>

namespace sumsq {
namespace {

// The chosen workload, prepared outside the timed region (job sizes; the array allocated and
// first-touched), run() — the timed part — and check(), which validates every result exactly.
class Runner {
public:
    Runner(Backend& backend, const Options& options) : backend_(backend), options_(options), wait_(options.wait) {
        switch (options.workload) {
        case Workload::wait: return;
        case Workload::sum: work_ = Work::indices(options.n), expected_ = closed_form(options.n); return;
        case Workload::jobs: prepare_jobs(); return;
        case Workload::array: prepare_array(); return;
        case Workload::tree: tree_.emplace(options.n, options.cutoff), expected_ = closed_form(options.n); return;
        }
    }

    void run() {
        if (options_.workload == Workload::wait) {
            wait_.reset();
            backend_.run_wait(wait_);
        } else if (tree_) {
            result_ = backend_.reduce_tree(*tree_);
        } else {
            result_ = backend_.reduce(work_);
        }
    }

    // Tree: the same tree walked without tasks (tree_sum_serial), timed, validated: the baseline
    // that a task's cost is measured against, run beside each timed repetition (outside it).
    std::string time_serial_tree(std::vector<double>& seconds) const {
        const auto begin = std::chrono::steady_clock::now();
        const u128 sum = tree_sum_serial(*tree_, tree_->root());
        seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count());
        return sum == *expected_ ? std::string() : fmt::format("MISMATCH in the serial tree for N={}: got {}, expected {}", options_.n,
                                                               to_decimal(sum), to_decimal(*expected_));
    }

    // Empty when the last run() was right, else what went wrong (with both numbers).
    std::string check() {
        if (options_.workload == Workload::wait) return wait_.incomplete_reason();
        if (!last_ || *last_ == *expected_) last_ = result_;  // keep the first wrong one: the one the message names
        std::string problem;
        for (std::size_t j = 0; j < job_results_.size() && problem.empty(); ++j)
            if (job_results_[j] != closed_form(job_sizes_[j]))
                problem = fmt::format("MISMATCH in job {} of {} (n = {}): got {}, expected {}", j, job_results_.size(), job_sizes_[j],
                                      to_decimal(job_results_[j]), to_decimal(closed_form(job_sizes_[j])));
        std::fill(job_results_.begin(), job_results_.end(), 0);  // a job the next run skips stays 0
        if (*result_ != *expected_)
            return fmt::format("MISMATCH for N={}: got {}, expected {} ({})", options_.n, to_decimal(*result_), to_decimal(*expected_),
                               loss_text(lost_fraction(*result_, *expected_)));
        return problem;
    }

    std::optional<u128> last_result() const { return last_; }
    std::optional<u128> expected() const { return expected_; }
    const WaitWorkload& wait() const { return wait_; }
    const std::vector<u64>& job_sizes() const { return job_sizes_; }
    double fill_seconds() const { return fill_seconds_; }

private:
    void prepare_jobs() {
        job_sizes_ = sumsq::job_sizes(options_.n, options_.jobs);
        job_results_.assign(job_sizes_.size(), 0);
        work_ = Work::batch(job_sizes_, job_results_);
        u128 expected = 0;
        for (const u64 n : job_sizes_) expected += closed_form(n);  // Σ S(n_j) <= S(Σ n_j): it fits
        expected_ = expected;
    }

    // The array a[i] = i, of which this process holds its units (all, but an MPI rank's slice),
    // written once here: by the workers with the sum's own split (first touch puts each page
    // where its reader runs), or by this thread alone (--fill one).
    void prepare_array() {
        const u64 n = options_.n;
        check_fits("--workload array", n * sizeof(std::uint32_t));
        const Piece local = backend_.local_units(n);
        const u64 bytes = (local.hi - local.lo) * sizeof(std::uint32_t);
        array_.reset(static_cast<std::uint32_t*>(bytes ? std::aligned_alloc(64, (bytes + 63) / 64 * 64) : nullptr));
        if (bytes && !array_) throw std::runtime_error(fmt::format("could not allocate the array ({} bytes)", grouped(bytes)));
        const std::span<std::uint32_t> window(array_.get(), local.hi - local.lo);
        const Work fill = Work::filling(window, local.lo, n);
        const auto begin = std::chrono::steady_clock::now();
        if (options_.fill == Fill::workers) backend_.reduce(fill);
        else fill.sum(local.lo, local.hi);
        fill_seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
        work_ = Work::stored(window, local.lo, n);
        expected_ = closed_form(n);
    }

    struct Free {
        void operator()(void* p) const { std::free(p); }
    };

    Backend& backend_;
    const Options& options_;
    WaitWorkload wait_;
    Work work_ = Work::indices(0);
    std::vector<u64> job_sizes_;
    std::vector<u128> job_results_;
    std::unique_ptr<std::uint32_t[], Free> array_;
    std::optional<Tree> tree_;
    double fill_seconds_ = 0;
    std::optional<u128> expected_, result_, last_;
};

// One extra, untimed run with every stretch stored, and what the OS did meanwhile (context
// switches, or the thread clocks where the kernel gives none): what --trace, --timeline,
// --trace-steps and --switches show. --trace-steps prints each announced step as it happens.
struct RecordedRun {
    record::Run run;
    record::Accounts accounts;
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
    os::SwitchRecorder switches;  // opened before the run's clock starts
    const double cpu_begin = process_cpu_seconds();
    record::begin_run(record::Mode::stretches, !switches.recording());
    runner.run();
    const auto end = record::Clock::now();
    r.run = record::end_run();
    const double cpu = process_cpu_seconds() - cpu_begin;
    const std::int64_t end_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(end.time_since_epoch()).count();
    const std::int64_t wall_ns = end_ns - r.run.origin_ns;
    const os::SwitchLog log = switches.finish(r.run.origin_ns, end_ns);
    r.accounts = record::account(r.run, log, wall_ns, static_cast<std::int64_t>(cpu * 1e9));
    r.problem = runner.check();
    record::observe({});
    const double wall = double(wall_ns) / 1e9;
    r.figures = record::figures_of(r.accounts, wall > 0 ? double(r.run.span_ns) / 1e9 / wall : 0, cpus_allowed);
    return r;
}

// The timeline's title: what ran.
std::string timeline_heading(const Options& o) {
    std::string what = o.workload == Workload::wait
        ? fmt::format("wait: {} tasks x {} steps x {} ms", o.wait.tasks, o.wait.steps, o.wait.wait.count())
        : fmt::format("{}, N = {}", workload_name(o.workload), grouped(o.n));
    if (o.workload == Workload::jobs)
        what += fmt::format(" in {} jobs ({}, seed {})", o.jobs.jobs, order_name(o.jobs.order), o.jobs.seed);
    else if (backend_info.splits_into_tasks && o.workload != Workload::wait) what += fmt::format(", {} tasks", o.backend.tasks);
    return fmt::format("sumsq-{} -t {}{} — {}", backend_info.name, o.backend.threads,
                       o.cpus.empty() ? "" : " --cpus " + record::cpu_list(o.cpus), what);
}

// --describe: what this backend takes, as one line of JSON.
nlohmann::json description() {
    return {{"backend", backend_info.name},
            {"model", backend_info.model},
            {"one_thread", backend_info.thread_model == ThreadModel::one_thread},
            {"splits_into_tasks", backend_info.splits_into_tasks},
            {"kernel_paths", range::supported_names()},
            {"runs_wait_workload", backend_info.runs_wait_workload},
            {"runs_tree", backend_info.runs_tree},
            {"tree_spawn_levels", backend_info.tree_spawn_levels},
            {"tree_refusal", backend_info.tree_refusal},
            {"multi_process", backend_info.multi_process},
            {"schedules", backend_info.schedules},
            {"takes_partitioner", backend_info.takes_partitioner},
            {"takes_nested", backend_info.takes_nested},
            {"takes_bind", backend_info.takes_bind},
            {"combines", backend_info.combines},
            {"version", SUMSQ_VERSION}};
}

// What is in place before the first run: the options, the output files, the CPUs, the backend.
struct Setup {
    Options options;
    OutputFiles outputs;  // claimed now, written after the recorded run, committed after the report
    OutputFile *trace_file = nullptr, *timeline_file = nullptr;
    std::vector<int> cpus_allowed;
    std::unique_ptr<Backend> backend;
};

// Pools, arenas, teams and their threads: outside the timed region.
std::unique_ptr<Backend> start_backend(const BackendConfig& config) {
    const std::string cannot_start = config.threads_given  // else OpenMP may take OMP_NUM_THREADS
        ? fmt::format("could not start {} threads", config.threads) : std::string("could not start its threads");
    try {
        const GuardedSetup setup(cannot_start);
        return make_backend(config);
    } catch (const std::exception& e) {  // e.g. oneTBB's "pthread_create has failed", on this thread
        if (!is_thread_start_failure(e)) throw;
        throw std::runtime_error(fmt::format("{}: {}", cannot_start, e.what()));
    }
}

// Claims the output files, restricts the CPUs and starts the backend; throws UsageError on bad input.
void set_up(Setup& s, const std::string& program) {
    Options& o = s.options;
    if (!o.trace_path.empty()) s.trace_file = &s.outputs.claim("--trace", o.trace_path);
    if (!o.timeline_path.empty()) s.timeline_file = &s.outputs.claim("--timeline", o.timeline_path);
    if (!o.cpus.empty()) restrict_to_cpus(o.cpus);  // before any worker exists
    s.cpus_allowed = allowed_cpus();  // as started, or --cpus (not what a runtime pinned the main thread to)
    o.backend.bind.cpus = s.cpus_allowed;
    if (const auto& b = o.backend.bind; b.policy != BindPolicy::none && !b.active())
        fmt::print(std::cerr, "{}: warning: --bind {} does not apply: {}\n", program, bind_name(b.policy), b.refusal());
    check_stdout_writable();  // a closed, full or broken stdout: exit 3 now, not after the work
    check_threads_can_start(o.backend.threads);  // exit 3 with one line, not a runtime's abort (pools start below)
    s.backend = start_backend(o.backend);
}

// The recorder's task slots: one per wait task, per job, or per piece of a splitting backend.
std::size_t tasks_to_record(const Options& o) {
    return o.workload == Workload::wait ? o.wait.tasks
           : !backend_info.splits_into_tasks ? 0
           : o.workload == Workload::jobs ? o.jobs.jobs : o.backend.tasks;
}

// The warm-up and the timed repetitions: each repetition's spans are kept (taken outside the timed
// region) and its result validated; `problem` keeps the first failure.
Timing timed_repetitions(Runner& runner, const Options& options, Backend& backend, const std::string& program,
                         std::vector<record::Run>& timed_runs, std::string& problem, std::vector<double>& serial_tree_seconds) {
    const bool tree_baseline = options.workload == Workload::tree && backend_info.tree_spawn_levels > 0;
    const bool long_run = options.workload != Workload::wait && options.n >= 2'000'000'000ull;
    Timing timing = measure(options.warmup, options.reps, [&] {
        if (options.record_spans) record::begin_run(record::Mode::spans);
        runner.run();
    }, [&](unsigned done) {
        if (options.record_spans) timed_runs.push_back(record::end_run());  // outside the timed region
        if (const std::string error = runner.check(); problem.empty()) problem = error;
        if (tree_baseline)
            if (const std::string error = runner.time_serial_tree(serial_tree_seconds); problem.empty()) problem = error;
        if (long_run) fmt::print(std::cerr, "{}: repetition {}/{} done\n", program, done, options.reps);
    }, [&](unsigned count) { return backend.agree(count); }, std::chrono::milliseconds(options.idle_ms));
    record::end_run();  // the parallelism block's last run: not reported
    return timing;
}

// The tree's shape, the tasks this backend spawns in it, and what a task cost: (P · wall − the serial
// walk's wall) / tasks, medians, in ns of worker time per task beyond its share of the leaves' work.
TreeReport tree_report(const Options& options, const Timing& timing, const std::vector<double>& serial_seconds, unsigned workers) {
    TreeReport t;
    t.cutoff = options.cutoff;
    t.shape = tree_shape(options.n, options.cutoff);
    t.tasks = t.shape.splits_in_top(backend_info.tree_spawn_levels);
    t.serial_seconds = serial_seconds;
    if (t.tasks > 0 && !serial_seconds.empty())
        t.task_cost_ns = (double(workers) * timing.wall().median - summarize(serial_seconds).median) / double(t.tasks) * 1e9;
    return t;
}

// Said before the work starts: a tree that is one leaf, a backend that spawns in its top levels only.
void tree_notes(const Options& options, const std::string& program) {
    const TreeShape shape = tree_shape(options.n, options.cutoff);
    if (shape.splits == 0)
        fmt::print(std::cerr, "{}: note: --cutoff {} >= N = {}: the tree is one leaf, no task is spawned\n", program, grouped(options.cutoff),
                   grouped(options.n));
    else if (const unsigned levels = backend_info.tree_spawn_levels; levels > 0 && levels < shape.depth)
        fmt::print(std::cerr,
                   "{}: note: the tree is {} levels deep; {} spawns a task per split in its top {} levels only ({} tasks), and below them "
                   "each task walks its subtree without spawning\n",
                   program, shape.depth, program, levels, grouped(shape.splits_in_top(levels)));
}

// Collective on every MPI rank: the job's CPU time, per repetition and for parallelism, and its
// task spans (returned).
double combine_cpu_seconds(Timing& timing, double span_seconds, Backend& backend) {
    std::vector<double> cpu = timing.cpu_seconds;
    cpu.push_back(span_seconds);
    cpu.push_back(timing.parallelism_cpu_seconds);
    backend.combine_cpu_seconds(cpu);
    timing.parallelism_cpu_seconds = cpu.back();
    cpu.pop_back();
    span_seconds = cpu.back();
    cpu.pop_back();
    timing.cpu_seconds = cpu;
    return span_seconds;
}

// Concurrency (Σ task spans / wall) over the timed repetitions; workers and imbalance of the last.
void add_concurrency(RunReport& report, const std::vector<record::Run>& timed_runs, double span_seconds) {
    double wall = 0;
    for (double w : report.timing.wall_seconds) wall += w;
    report.concurrency = wall > 0 ? span_seconds / wall : 0;
    report.workers = timed_runs.back().workers;
    report.imbalance = timed_runs.back().imbalance();
}

// Into their temporaries now (a full disk, `ulimit -f`: exit 3 and no file); committed together
// after the report, only once the report is out and the run passed.
void write_recorded_files(const RecordedRun& recorded, const Setup& setup, RunReport& report, bool passed) {
    if (setup.trace_file)
        setup.trace_file->write(
            record::trace_document(recorded.run, recorded.figures, std::string(backend_info.name), recorded.accounts.states).dump() + "\n");
    if (setup.timeline_file)
        setup.timeline_file->write(record::timeline_svg(timeline_heading(setup.options),
                                                        {{"", recorded.run.stretches, recorded.figures, recorded.accounts.states}}));
    if (passed) {
        if (setup.trace_file) report.trace_file = setup.trace_file->path();
        if (setup.timeline_file) report.timeline_file = setup.timeline_file->path();
    }
}

// The CPUs the threads were seen on, in the timed and the recorded runs; a warning for any outside
// the CPUs allowed.
void add_cpus_seen(RunReport& report, const std::vector<record::Run>& timed_runs, const RecordedRun* recorded,
                   const std::vector<int>& cpus_allowed, const std::string& program) {
    std::set<int> seen;
    for (const record::Run& run : timed_runs) seen.insert(run.cpus.begin(), run.cpus.end());
    if (recorded) {
        seen.insert(recorded->run.cpus.begin(), recorded->run.cpus.end());
        for (const record::ThreadAccount& t : recorded->accounts.threads) seen.insert(t.cpus.begin(), t.cpus.end());
    }
    report.cpus_seen.assign(seen.begin(), seen.end());
    report.cpus_allowed = cpus_allowed;
    std::vector<int> outside;  // e.g. libgomp under OMP_PROC_BIND places threads by its own start-up places, not --cpus
    std::set_difference(seen.begin(), seen.end(), cpus_allowed.begin(), cpus_allowed.end(), std::back_inserter(outside));
    if (!outside.empty())
        fmt::print(std::cerr, "{}: warning: threads ran on CPU {}, outside the CPUs allowed ({}): the runtime placed them itself{}\n", program,
                   record::cpu_list(outside), record::cpu_list(cpus_allowed),
                   std::getenv("OMP_PROC_BIND") || std::getenv("OMP_PLACES") ? " (OMP_PROC_BIND / OMP_PLACES bind to places set at start-up)" : "");
}

// What was computed and whether it was right, and where it ran.
void add_outcome(RunReport& report, const Runner& runner, const std::string& problem, Backend& backend) {
    report.result = runner.last_result();
    report.expected = runner.expected();
    report.steps = runner.wait().order();
    report.job_sizes = runner.job_sizes();
    report.fill_seconds = runner.fill_seconds();
    report.ok = problem.empty();
    report.problem = problem;
    report.environment = environment(backend);
    report.processes = backend.processes();
}

void print_report(const RunReport& report) {
    switch (report.options.format) {
    case Format::table: print_table(std::cout, report); break;
    case Format::json: std::cout << to_json(report).dump(2) << '\n'; break;
    case Format::csv: print_csv(std::cout, report); break;
    }
}

// Measures the set-up backend, validates every result, reports, and commits the output files.
int measure_and_report(Setup& setup, const std::string& program) {
    Backend& backend = *setup.backend;
    std::optional<Runner> prepared;
    try {
        prepared.emplace(backend, setup.options);  // untimed: job sizes, the array
    } catch (const UsageError& e) {  // e.g. the array does not fit in memory
        fmt::print(std::cerr, "{}: {}\n", program, one_line(e.what()));
        exit_decided();
        if (backend_info.process_failed) backend_info.process_failed(exit_usage);
        return exit_usage;
    }
    Runner& runner = *prepared;
    const Options& options = setup.options;
    RunReport report;
    report.info = &backend_info;
    report.options = options;
    std::string problem;
    record::reserve_tasks(tasks_to_record(options));
    if (options.workload == Workload::tree) tree_notes(options, program);
    std::optional<RecordedRun> recorded;
    if (setup.trace_file || setup.timeline_file || options.trace_steps || options.switches) {
        recorded = recorded_run(runner, options, setup.cpus_allowed);
        problem = recorded->problem;
    }
    std::vector<record::Run> timed_runs;  // the spans of each timed repetition
    std::vector<double> serial_tree_seconds;  // tree: the walk without tasks, beside each repetition
    report.timing = timed_repetitions(runner, options, backend, program, timed_runs, problem, serial_tree_seconds);
    if (options.workload == Workload::tree) report.tree = tree_report(options, report.timing, serial_tree_seconds, backend.workers());
    report.options.backend.threads = backend.workers();  // the team obtained, e.g. under OMP_THREAD_LIMIT
    report.threads_requested = backend.requested_workers();
    if (backend.workers() < backend.requested_workers() && backend.reports())
        fmt::print(std::cerr, "{}: warning: asked for {} threads, the runtime gave {}\n", program, backend.requested_workers(),
                   backend.workers());
    report.timer_overhead_seconds = timer_overhead_seconds();
    double span_seconds = 0;
    for (const record::Run& run : timed_runs) span_seconds += double(run.span_ns) / 1e9;
    span_seconds = combine_cpu_seconds(report.timing, span_seconds, backend);

    if (!backend.reports()) return exit_ok;  // other MPI ranks: rank 0 validates and reports
    if (const std::string disturbed = disturbance_warning(report.timing, options.workload != Workload::wait); !disturbed.empty())
        fmt::print(std::cerr, "{}: warning: {}\n", program, disturbed);
    if (options.record_spans && !timed_runs.empty()) add_concurrency(report, timed_runs, span_seconds);
    if (recorded) {
        write_recorded_files(*recorded, setup, report, problem.empty());
        report.os = recorded->accounts;  // what the OS did: busy time and imbalance from time on a CPU
    }
    add_cpus_seen(report, timed_runs, recorded ? &*recorded : nullptr, setup.cpus_allowed, program);
    add_outcome(report, runner, problem, backend);

    print_report(report);
    if (!report.ok) {  // a run that fails commits none of its output files
        fmt::print(std::cerr, "{}: {}\n", program, problem);
        return exit_mismatch;
    }
    if (check_stdout(program, exit_ok) != exit_ok) return exit_runtime;  // the report is lost: no file either
    setup.outputs.commit();  // all together; a failure puts back those already replaced (exit 3)
    return exit_ok;
}

int run(int argc, char** argv) {
    if (backend_info.process_setup) backend_info.process_setup(argc, argv);
    const std::string program = "sumsq-" + std::string(backend_info.name);
    Setup setup;
    std::string refused;  // this process's bad input
    try {
        std::optional<Options> parsed = parse_command_line(argc, argv, backend_info);
        if (!parsed) return exit_ok;  // --help or --version
        if (parsed->describe) {
            std::cout << description().dump() << '\n';
            return exit_ok;
        }
        setup.options = std::move(*parsed);
        set_up(setup, program);
    } catch (const UsageError& e) {
        refused = one_line(e.what());
    }
    if (backend_info.agree_on_input) refused = backend_info.agree_on_input(refused);  // MPI: every rank, before any other collective
    if (!refused.empty()) {
        fmt::print(std::cerr, "{}: {}\n", program, refused);
        return exit_usage;
    }
    setup.options.backend.threads = setup.backend->workers();  // e.g. OpenMP's OMP_NUM_THREADS
    return measure_and_report(setup, program);
}

}  // namespace
}  // namespace sumsq

int main(int argc, char** argv) {
    sumsq::guard_standard_streams();
    const std::string program = "sumsq-" + std::string(sumsq::backend_info.name);
    sumsq::install_exit_guard(program);  // a runtime's own exit(1) or std::terminate: exit 3, one line
    try {
        const int code = sumsq::check_stdout(program, sumsq::run(argc, argv));
        sumsq::exit_decided();
        return code;
    } catch (const std::exception& e) {
        fmt::print(std::cerr, "{}: error: {}\n", program, sumsq::one_line(sumsq::failure_text(e)));
        sumsq::exit_decided();
        if (sumsq::backend_info.process_failed) sumsq::backend_info.process_failed(sumsq::exit_runtime);
        return sumsq::exit_runtime;
    }
}
