#include "cli.hpp"

#include "os/cpus.hpp"
#include "text/numbers.hpp"
#include "range/paths.hpp"
#include "contract/reference.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <iostream>
#include <sched.h>
#include <thread>

namespace sumsq {
namespace {

std::string supported_paths() { return fmt::format("auto|{}", fmt::join(range::supported_names(), "|")); }

template <class Enum, std::size_t N>
Enum parse_choice(const std::string& option, const std::string& text, const Named<Enum> (&choices)[N]) {
    if (const std::optional<Enum> value = parse_name(choices, text)) return *value;
    throw UsageError(fmt::format("{}: unknown value '{}'; accepted: {}", option, text, joined_names(choices)));
}

// A decimal like 1.2 (digits, one optional point), within [min, max].
double parse_decimal_option(const std::string& option, const std::string& text, double min, double max) {
    std::size_t used = 0;
    double value = 0;
    const bool digits = !text.empty() && text.find_first_not_of("0123456789.") == std::string::npos &&
                        std::count(text.begin(), text.end(), '.') <= 1 && text != ".";
    try {
        if (digits) value = std::stod(text, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (!digits || used != text.size() || !(value >= min && value <= max))
        throw UsageError(fmt::format("{}: '{}' is not a decimal number in {}..{}", option, text, min, max));
    return value;
}

// Which workloads each workload-specific option applies to: the one rule, checked once per command
// line. An option given with a workload it does not apply to is refused, never ignored. (The knobs
// --schedule, --partitioner, --grain, --nested and --bind are first refused on backends without them.)
std::vector<std::pair<const char*, std::vector<Workload>>> workload_options(const BackendInfo& info) {
    using enum Workload;
    const std::vector<Workload> computed{sum, jobs, array};  // the range kernel's workloads
    return {{"--jobs", {jobs}},
            {"--cutoff", {tree}},
            {"--bind", {sum, wait, jobs, array}},  // the tree's tasks go wherever the runtime puts them
            {"--seed", {jobs}},
            {"--skew", {jobs}},
            {"--order", {jobs}},
            {"--nested", {jobs}},
            {"--fill", {array}},
            {"--steps", {wait}},
            {"--wait-ms", {wait}},
            {"--trace-steps", {wait}},
            // a task per element piece (interleaved: sum, array) or per wait task; a jobs batch runs a task per job
            {"--tasks", info.splits_into_tasks ? std::vector<Workload>{sum, array, wait} : std::vector<Workload>{wait}},
            {"--step", computed},
            {"--schedule", computed},
            {"--partitioner", computed},
            {"--grain", computed},
            {"--kernel", {sum, jobs, array, tree}},
            {"--combine", computed},
            {"--combine-every", computed}};
}

// The options' texts as given, checked and converted once the command line is parsed.
struct Texts {
    std::string n, threads, reps, warmup, idle, format, workload;
    std::string jobs, seed, skew, order, fill, cutoff;
    std::string schedule, partitioner, grain, bind, combine, combine_every;
    bool nested = false;
    std::string tasks, step, steps, wait;
    std::string cpus;
    bool no_concurrency = false;
    std::string kernel_names = "auto";  // the --kernel paths, for its help and its error
};

// Whether an option is on the command line: false for one this backend does not have (--step).
class Given {
public:
    explicit Given(const CLI::App& app) : app_(app) {}
    bool operator()(const char* name) const {
        const CLI::Option* option = app_.get_option_no_throw(name);
        return option && option->count() > 0;
    }

private:
    const CLI::App& app_;
};

// " [tbb only]" after the help of a knob this backend does not take.
std::string only(bool takes, std::string_view owners) { return takes ? std::string() : fmt::format(" [{} only]", owners); }

// Size, threads, repetitions, output, workload.
void add_run_options(CLI::App& app, Texts& t, const BackendInfo& info) {
    app.add_option("-n,--n", t.n, fmt::format("N, the number of terms: 0..{} (default 10_000_000; 1e7 and 10_000_000 accepted)", grouped(max_n)));
    app.add_option("-t,--threads", t.threads, info.thread_model == ThreadModel::one_thread
                       ? fmt::format("workers: this backend runs on exactly 1 ({})", info.one_thread_reason)
                       : fmt::format("workers: 1..{} (default: the {} CPUs this process may use)", max_threads, available_cpus()));
    app.add_option("-r,--reps", t.reps, "timed repetitions: 1..1,000,000 (default 5)");
    app.add_option("--warmup", t.warmup, "untimed runs first: 0..1,000,000 (default 1)");
    app.add_option("--idle-ms", t.idle, "untimed sleep before each timed repetition, so its workers are asleep (cold calls): 0..60,000 ms (default 0)");
    app.add_option("--format", t.format, fmt::format("output: {} (default table)", joined_names(format_names)));
    app.add_option("--workload", t.workload,
                   "sum (CPU-bound, default), wait (wait-bound tasks), jobs (a batch of uneven jobs adding up to N elements) "
                   "array (the squares of N stored u32 values: memory-bound) or tree (recursive halving down to --cutoff, a task per split)");
}

// The jobs and array workloads' own options.
void add_workload_options(CLI::App& app, Texts& t) {
    app.add_option("--jobs", t.jobs, fmt::format("jobs workload: number of jobs, 1..{} (default 64)", grouped(max_jobs)));
    app.add_option("--seed", t.seed, "jobs workload: seed of the job sizes (default 1)");
    app.add_option("--skew", t.skew, fmt::format("jobs workload: shape of the sizes' heavy tail, {}..{}; smaller is more uneven (default 2)",
                                                 min_skew, max_skew));
    app.add_option("--order", t.order, fmt::format("jobs workload: {}, how the jobs are laid out (default random)", joined_names(job_order_names)));
    app.add_option("--cutoff", t.cutoff, fmt::format("tree workload: a range of at most this many elements is a leaf, 1..{} (default {})",
                                                     grouped(max_n), grouped(default_cutoff)));
    app.add_option("--fill", t.fill, "array workload: who first-touches the array, workers (the sum's split, default) or one (this thread)");
}

// The model's own knobs (schedule.hpp, bind.hpp, combine.hpp), marked where this backend lacks them.
void add_knob_options(CLI::App& app, Texts& t, const BackendInfo& info) {
    app.add_option("--schedule", t.schedule,
                   fmt::format("how units are dealt to threads: {}[,CHUNK] (default static){}",
                               info.schedules.empty() ? joined_names(schedule_kind_names) : std::string(info.schedules),
                               only(!info.schedules.empty(), schedule_backends)));
    app.add_option("--partitioner", t.partitioner,
                   fmt::format("oneTBB partitioner: {} (default auto)", joined_names(partitioner_names)) + only(info.takes_partitioner, partitioner_backends));
    app.add_option("--grain", t.grain,
                   "oneTBB grain: a range is not split below this many units (default 1; simple on elements 262,144)" +
                       only(info.takes_partitioner, partitioner_backends));
    app.add_option("--bind", t.bind, fmt::format("pin worker k to a CPU: {} (default none)", joined_names(bind_policy_names)) + only(info.takes_bind, bind_backends));
    app.add_option("--combine", t.combine,
                   fmt::format("how the workers' partial sums meet: {} (default {}){}", info.combines.empty() ? "padded|unpadded|atomic|mutex|racy" : info.combines,
                               info.combines.empty() ? "padded" : combine_name(default_combine(info.combines)), only(!info.combines.empty(), combine_backends)));
    app.add_option("--combine-every", t.combine_every,
                   "with --combine: add the partial into the shared place every K units (elements, or jobs), 1..N (default: once, at the "
                   "worker's end)" + only(!info.combines.empty(), combine_backends));
    app.add_flag("--nested", t.nested, "jobs workload: also split each large job inside" + only(info.takes_nested, nested_backends));
}

// Tasks, steps and waits.
void add_task_options(CLI::App& app, Texts& t, Options& options, const BackendInfo& info) {
    app.add_option("--tasks", t.tasks, info.splits_into_tasks
                       ? "tasks: wait workload default 2; sum and array workloads default 4 (jobs: one per job)"
                       : "wait workload: tasks A, B, … (default 2)");
    if (info.splits_into_tasks)
        app.add_option("--step", t.step, "sum, jobs and array workloads: elements a task sums before it yields (default 65536)");
    app.add_option("--steps", t.steps, "wait workload: steps per task (default 3)");
    app.add_option("--wait-ms", t.wait, "wait workload: milliseconds each step waits (default 100)");
    app.add_flag("--trace-steps", options.trace_steps, "wait workload: print 'Task A: step 0', … in execution order");
}

// What is recorded and drawn, where it runs, the range kernel path, --describe.
void add_record_options(CLI::App& app, Texts& t, Options& options) {
    app.add_option("--trace", options.trace_path, "write a Chrome trace (Perfetto) of one extra, untimed run to FILE");
    app.add_option("--timeline", options.timeline_path, "draw one extra, untimed run as an SVG timeline to FILE");
    app.add_flag("--switches", options.switches,
                 "record what the OS did in one extra, untimed run (context switches: per-thread on-CPU, waiting and blocked "
                 "time, useful parallelism); --trace, --timeline and --trace-steps do too");
    app.add_option("--cpus", t.cpus, "run only on these CPUs, e.g. 0 or 0-1 or 0,2 (default: as started)");
    app.add_flag("--no-concurrency", t.no_concurrency,
                 "do not record task spans in the timed runs (no concurrency figure; measures the recorder's cost)");
    for (const auto& path : range::paths()) t.kernel_names += "|" + std::string(path.name);
    app.add_option("--kernel", options.kernel, fmt::format("sum, jobs and array workloads: range kernel path: {} (default auto: the fastest this CPU runs, here {})",
                                                           t.kernel_names, range::active().name));
    app.add_flag("--describe", options.describe, "print this backend's name and concept as JSON and exit");
}

void read_run_values(const Given& given, const Texts& t, Options& options) {
    if (given("--n")) options.n = parse_count_option("--n", t.n, 0, max_n, "the largest N whose S(N) fits in 128 bits");
    if (given("--reps")) options.reps = static_cast<unsigned>(parse_count_option("--reps", t.reps, 1, max_reps));
    if (given("--warmup")) options.warmup = static_cast<unsigned>(parse_count_option("--warmup", t.warmup, 0, max_reps));
    if (given("--idle-ms")) options.idle_ms = static_cast<unsigned>(parse_count_option("--idle-ms", t.idle, 0, max_idle_ms));
    if (given("--format")) options.format = parse_choice("--format", t.format, format_names);
    if (given("--workload")) options.workload = parse_choice("--workload", t.workload, workload_names);
}

// An option given where it has no meaning is refused, never ignored: the model's own knobs where the
// backend has none (schedule.hpp), then the one "applies to" rule for the workload's options.
void refuse_misplaced(const Given& given, const BackendInfo& info, const std::string& program, Workload workload) {
    const auto refuse_knob = [&](const char* name, bool takes, std::string_view owners) {
        if (given(name) && !takes) throw UsageError(fmt::format("{}: {} does not take it; it applies to {}", name, program, owners));
    };
    refuse_knob("--schedule", !info.schedules.empty(), schedule_backends);
    refuse_knob("--partitioner", info.takes_partitioner, partitioner_backends);
    refuse_knob("--grain", info.takes_partitioner, partitioner_backends);
    refuse_knob("--nested", info.takes_nested, nested_backends);
    refuse_knob("--combine", !info.combines.empty(), combine_backends);
    refuse_knob("--combine-every", !info.combines.empty(), combine_backends);
    if (given("--bind") && !info.takes_bind)
        throw UsageError(fmt::format("--bind: {} does not take it; it applies to {}{}", program, bind_backends,
                                     info.multi_process ? " (MPI: mpirun --bind-to)" : ""));
    for (const auto& [name, workloads] : workload_options(info))  // the one "applies to" rule
        if (given(name) && std::find(workloads.begin(), workloads.end(), workload) == workloads.end()) {
            std::vector<std::string_view> names;
            for (const Workload w : workloads) names.push_back(workload_name(w));
            throw UsageError(not_applicable(name, names, workload_name(workload)));
        }
}

void read_workload_values(const Given& given, const Texts& t, Options& options) {
    if (given("--jobs")) options.jobs.jobs = parse_count_option("--jobs", t.jobs, 1, max_jobs);
    if (given("--seed")) options.jobs.seed = parse_count_option("--seed", t.seed, 0, ~u64{0});
    if (given("--skew")) options.jobs.skew = parse_decimal_option("--skew", t.skew, min_skew, max_skew);
    if (given("--order")) options.jobs.order = parse_choice("--order", t.order, job_order_names);
    if (given("--fill")) options.fill = parse_choice("--fill", t.fill, fill_names);
    if (given("--cutoff")) options.cutoff = parse_count_option("--cutoff", t.cutoff, 1, max_n);
}

void read_knob_values(const Given& given, const Texts& t, const BackendInfo& info, Options& options) {
    Schedule& schedule = options.backend.schedule;
    if (given("--schedule")) schedule = parse_schedule(t.schedule, info.schedules);
    if (given("--partitioner")) schedule.partitioner = parse_partitioner(t.partitioner);
    if (given("--grain")) schedule.grain = parse_count_option("--grain", t.grain, 1, max_n);
    schedule.nested = t.nested;
    CombineKnob& combine = options.backend.combine;
    if (!info.combines.empty()) combine.how = default_combine(info.combines);
    if (given("--combine")) combine.how = parse_combine(t.combine, info.combines);
    if (given("--combine-every")) {
        if (combine.how == Combine::reduction)
            throw UsageError("--combine-every: the reduction combines once per thread, at the join (OpenMP does it); "
                             "give --combine critical, atomic, unpadded or racy to combine every K units");
        combine.every = parse_count_option("--combine-every", t.combine_every, 1, max_n);
    }
    if (given("--bind")) options.backend.bind.policy = parse_choice("--bind", t.bind, bind_policy_names);
}

// --cpus, and the workers: exactly 1 on a one-thread backend; else as given, or one per CPU allowed.
void read_threads(const Given& given, const Texts& t, const BackendInfo& info, const std::string& program, Options& options) {
    if (given("--cpus")) options.cpus = parse_cpu_list("--cpus", t.cpus);
    if (info.thread_model == ThreadModel::one_thread) {
        options.backend.threads = 1;
        if (given("--threads") && parse_count_option("--threads", t.threads, 1, max_threads) != 1)
            throw UsageError(fmt::format("--threads: {} runs on exactly 1 thread ({}); got {}", program,
                                         info.one_thread_reason, t.threads));
    } else {
        options.backend.threads = given("--threads")
            ? static_cast<unsigned>(parse_count_option("--threads", t.threads, 1, max_threads))
            : given("--cpus") ? static_cast<unsigned>(options.cpus.size()) : available_cpus();
        options.backend.threads_given = given("--threads");
    }
}

void read_task_values(const Given& given, const Texts& t, const BackendInfo& info, Options& options) {
    if (given("--tasks")) {
        const auto tasks = static_cast<unsigned>(parse_count_option("--tasks", t.tasks, 1, max_tasks));
        (options.workload == Workload::wait ? options.wait.tasks : options.backend.tasks) = tasks;
    }
    if (info.splits_into_tasks && given("--step")) options.backend.step = parse_count_option("--step", t.step, 1, max_n);
    if (given("--steps")) options.wait.steps = static_cast<unsigned>(parse_count_option("--steps", t.steps, 1, max_steps));
    if (given("--wait-ms")) options.wait.wait = std::chrono::milliseconds(parse_count_option("--wait-ms", t.wait, 0, max_wait_ms));
}

// --kernel: a path this CPU runs (range::select makes it the active one).
void check_kernel(const Given& given, const std::string& kernel, const std::string& kernel_names) {
    if (!given("--kernel") || range::select(kernel)) return;
    for (const auto& path : range::paths())
        if (path.name == kernel)
            throw UsageError(fmt::format("--kernel: this CPU cannot run the {} path; it runs: {}", kernel, supported_paths()));
    throw UsageError(fmt::format("--kernel: unknown path '{}'; accepted: {}", kernel, kernel_names));
}

}  // namespace

std::string not_applicable(std::string_view option, const std::vector<std::string_view>& workloads, std::string_view given) {
    std::string names;
    for (std::size_t k = 0; k < workloads.size(); ++k)
        names += fmt::format("{}{}", k == 0 ? "" : k + 1 == workloads.size() ? " and " : ", ", workloads[k]);
    return fmt::format("{}: applies to the {} workload{}, not {}", option, names, workloads.size() == 1 ? "" : "s", given);
}

bool parse_arguments(CLI::App& app, int argc, const char* const* argv) {
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        app.exit(e);
        return false;
    } catch (const CLI::CallForVersion& e) {
        app.exit(e);
        return false;
    } catch (const CLI::ParseError& e) {
        std::string message = e.what();
        if (const auto at = message.find(": 1 required"); at != std::string::npos)
            message = message.substr(0, at) + ": a value is missing";  // e.g. "-n" at the end
        throw UsageError(fmt::format("{} (see --help)", message));
    }
    return true;
}

std::optional<Options> parse_command_line(int argc, const char* const* argv, const BackendInfo& info) {
    const std::string program = "sumsq-" + std::string(info.name);
    CLI::App app{fmt::format("{}: exact sum of squares S(N) = sum of i*i for i in [0, N) — {}", program, info.model), program};
    app.set_version_flag("--version", fmt::format("{} {}", program, SUMSQ_VERSION));
    app.get_formatter()->column_width(26);
    Texts texts;
    Options options;
    add_run_options(app, texts, info);
    add_workload_options(app, texts);
    add_knob_options(app, texts, info);
    add_task_options(app, texts, options, info);
    add_record_options(app, texts, options);

    if (!parse_arguments(app, argc, argv)) return std::nullopt;
    const Given given(app);
    read_run_values(given, texts, options);
    if (options.workload == Workload::wait && !info.runs_wait_workload)
        throw UsageError(fmt::format("--workload: {} {}", program, info.wait_refusal));
    if (options.workload == Workload::tree && !info.runs_tree)
        throw UsageError(fmt::format("--workload: {} does not take the tree workload: {}", program, info.tree_refusal));
    refuse_misplaced(given, info, program, options.workload);
    read_workload_values(given, texts, options);
    read_knob_values(given, texts, info, options);
    if (options.workload == Workload::array && options.n > max_array_n)
        throw UsageError(fmt::format("--n: {} is too large for --workload array; accepted range 0..{} (a[i] = i is a u32)",
                                     texts.n, grouped(max_array_n)));
    options.record_spans = !texts.no_concurrency;
    read_threads(given, texts, info, program, options);
    read_task_values(given, texts, info, options);
    check_kernel(given, options.kernel, texts.kernel_names);
    if (given("--trace") && options.trace_path.empty()) throw UsageError("--trace: the file name is empty");
    if (given("--timeline") && options.timeline_path.empty()) throw UsageError("--timeline: the file name is empty");
    return options;
}

}  // namespace sumsq
