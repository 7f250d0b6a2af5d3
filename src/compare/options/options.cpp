#include "options.hpp"

#include "contract/bind.hpp"
#include "driver/cli.hpp"
#include "os/cpus.hpp"
#include "text/numbers.hpp"
#include "contract/reference.hpp"
#include "workloads/jobs.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <random>

namespace sumsq::compare {
namespace {

std::vector<std::string> split_list(const std::string& option, const std::string& text) {
    std::vector<std::string> items;
    std::size_t start = 0;
    while (true) {
        const std::size_t comma = text.find(',', start);
        items.push_back(text.substr(start, comma - start));
        if (items.back().empty()) throw UsageError(fmt::format("{}: empty list or empty item in '{}'; give a comma-separated list", option, text));
        if (std::find(items.begin(), items.end() - 1, items.back()) != items.end() - 1)
            throw UsageError(fmt::format("{}: '{}' is listed twice in '{}'; give each once", option, items.back(), text));
        if (comma == std::string::npos) return items;
        start = comma + 1;
    }
}

template <class T>
std::vector<T> count_list(const std::string& option, const std::string& text, u64 min, u64 max, const std::string& note = {}) {
    std::vector<T> values;
    for (const auto& item : split_list(option, text)) {
        const auto value = static_cast<T>(parse_count_option(option, item, min, max, note));
        if (std::find(values.begin(), values.end(), value) != values.end())
            throw UsageError(fmt::format("{}: {} is listed twice in '{}' ({}); give each once", option, value, text, item));
        values.push_back(value);
    }
    return values;
}

// One of a table's names (text/names.hpp), or UsageError naming them.
template <class Enum, std::size_t N>
void check_name(const std::string& option, const std::string& value, const Named<Enum> (&table)[N]) {
    if (!parse_name(table, value))
        throw UsageError(fmt::format("{}: unknown value '{}'; accepted: {}", option, value, joined_names(table, ", ")));
}

// One of `accepted`, or UsageError naming them.
void check_choice(const std::string& option, const std::string& value, std::initializer_list<const char*> accepted) {
    std::string names;
    for (const char* a : accepted) {
        if (value == a) return;
        names += (names.empty() ? "" : ", ") + std::string(a);
    }
    throw UsageError(fmt::format("{}: unknown value '{}'; accepted: {}", option, value, names));
}

// --skew: a decimal such as 1.2 (digits and at most one point) in [0.1, 10], as the backends accept it.
void check_skew(const std::string& text) {
    const bool digits = !text.empty() && text.find_first_not_of("0123456789.") == std::string::npos &&
                        std::count(text.begin(), text.end(), '.') <= 1 && text != ".";
    const double value = digits ? std::strtod(text.c_str(), nullptr) : 0;
    if (!digits || !(value >= 0.1 && value <= 10)) throw UsageError(fmt::format("--skew: '{}' is not a decimal number in 0.1..10", text));
}

// MemAvailable from /proc/meminfo in bytes; nullopt when unreadable.
std::optional<u64> mem_available() {
    std::ifstream in("/proc/meminfo");
    for (std::string key; in >> key;) {
        u64 kib = 0;
        if (key == "MemAvailable:" && in >> kib) return kib * 1024;
        in.ignore(std::numeric_limits<std::streamsize>::max(), '\n');
    }
    return std::nullopt;
}

// "openmp:dynamic", "tbb:simple/1000": BACKEND:VALUE[/G]. Which backends and values exist is
// checked against the backends themselves (resolve_backends).
CompareOptions::ScheduleEntry parse_schedule_entry(const std::string& item) {
    const auto colon = item.find(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == item.size())
        throw UsageError(fmt::format("--schedules: '{}' is not BACKEND:VALUE (e.g. openmp:dynamic, tbb:simple/1000)", item));
    CompareOptions::ScheduleEntry entry{item.substr(0, colon), item.substr(colon + 1), 0};
    if (const auto slash = entry.value.find('/'); slash != std::string::npos) {
        entry.size = parse_count_option("--schedules", entry.value.substr(slash + 1), 1, max_n, "a chunk or grain");
        entry.value.resize(slash);
        if (entry.value.empty()) throw UsageError(fmt::format("--schedules: '{}' is not BACKEND:VALUE/G", item));
    }
    return entry;
}

// "5", "5%" or "2.5%": a percentage in (0, 100], as a fraction.
double parse_percent(const std::string& option, std::string text) {
    if (!text.empty() && text.back() == '%') text.pop_back();
    const bool digits = !text.empty() && text.find_first_not_of("0123456789.") == std::string::npos && std::count(text.begin(), text.end(), '.') <= 1 &&
                        text.front() != '.' && text.back() != '.';
    const double value = digits ? std::strtod(text.c_str(), nullptr) : -1;
    if (!digits || !(value > 0 && value <= 100))
        throw UsageError(fmt::format("{}: '{}' is not a percentage in (0, 100], e.g. 5 or 2.5%", option, text));
    return value / 100;
}

// The options' text as given; each is checked and converted once CLI11 has read the command line,
// by the option's own rule and message.
struct OptionTexts {
    std::string backends, threads, sizes, workloads;
    std::string job_sizes, jobs, job_seed, skew, orders, schedules;
    std::string array_sizes, binds, fills, simd, combines, combine_every;
    std::string job_threads, array_threads, array_rounds;
    std::string tree_sizes, cutoffs, tree_threads;
    std::string rounds, budget, target, threshold, seed;
    std::string reps, wait_reps, warmup, wait_ms, steps, tasks;
    std::string timeout, mpirun_args, cpus, cpu_rows;
    std::vector<std::string> diff;
};

// Whether an option was on the command line.
class Given {
  public:
    explicit Given(const CLI::App& app) : app_(app) {}
    bool operator()(const char* name) const { return app_.get_option(name)->count() > 0; }

  private:
    const CLI::App& app_;
};

// What is swept: backends, threads, workloads and each workload's own dimensions.
void add_sweep_options(CLI::App& app, OptionTexts& t) {
    app.add_option("--backends", t.backends, "comma-separated backends (default: all built)");
    app.add_option("--threads", t.threads, "thread counts, e.g. 1,2,4 (default powers of two up to twice the CPUs; more than the CPUs is allowed and flagged)");
    app.add_option("--sizes", t.sizes, "sum workload sizes N, e.g. 1e3,1e5,1e7,1e9 (default 1e7,1e9)");
    app.add_option("--workloads", t.workloads, "sum,wait,jobs,array,tree (default sum,wait)");
    app.add_option("--job-sizes", t.job_sizes, "jobs workload: N, the elements of the whole batch (default 1e8)");
    app.add_option("--jobs", t.jobs, "jobs workload: jobs per batch (default 64)");
    app.add_option("--job-seed", t.job_seed, "jobs workload: seed of the job sizes (default 1)");
    app.add_option("--skew", t.skew, "jobs workload: shape of the sizes' heavy tail, 0.1..10, smaller is more uneven (default: the backends')");
    app.add_option("--orders", t.orders, "jobs workload: random,descending,ascending, each its own table (default random)");
    app.add_option("--schedules", t.schedules, "rows BACKEND:VALUE[/G] on the sum and jobs workloads, e.g. openmp:dynamic,tbb:simple/1000,threads:static");
    app.add_option("--array-sizes", t.array_sizes, "array workload: N stored u32 values, 4 N bytes (default 3e8)");
    app.add_option("--binds", t.binds, "array workload: none,close,spread, each a row of the backends taking --bind (default none)");
    app.add_option("--fills", t.fills, "array workload: workers,one (who first-touches the array), each a row (default workers)");
    app.add_option("--simd", t.simd,
                   "also measure parallelism inside one core at this N: serial on every range-kernel path the CPU runs, and "
                   "openmp (else threads) at 2 threads on the fastest (default: not measured; make run: 1e9)");
    app.add_option("--combines", t.combines,
                   "sum workload: rows BACKEND/combine=WAY, how the partial sums meet: padded,unpadded,atomic,mutex,racy "
                   "(threads, pool), reduction,critical,atomic,unpadded,racy (openmp); each backend gets the ways it offers");
    app.add_option("--combine-every", t.combine_every,
                   "with --combines: each row also adding its partial every K units, e.g. 1,64,4096: rows BACKEND/combine=WAY/every=K");
    app.add_option("--tree-sizes", t.tree_sizes, "tree workload: N (default 1e8)");
    app.add_option("--cutoffs", t.cutoffs,
                   "tree workload: leaf sizes, each its own table with serial's tree at that cut-off as the reference, e.g. "
                   "1e1,1e2,1e3 (default 1e2,1e3,1e4,1e5,1e6; --quick 1e2,1e4)");
    app.add_option("--tree-threads", t.tree_threads, "tree workload: thread counts (default --threads)");
    app.add_option("--job-threads", t.job_threads, "jobs workload: thread counts (default --threads)");
    app.add_option("--array-threads", t.array_threads, "array workload: thread counts (default --threads)");
    app.add_option("--array-rounds", t.array_rounds, "array workload: processes per configuration (default --rounds)");
}

// How often each configuration is measured, and how much the terminal report shows.
void add_round_options(CLI::App& app, OptionTexts& t, CompareOptions& o) {
    app.add_option("--rounds", t.rounds, "independent processes per configuration, one per round in a shuffled order (default 3)");
    app.add_option("--budget", t.budget, "seconds the rounds beyond --rounds may take (counted from round --rounds + 1), for rows whose interval is still wide (default 60; --quick 0)");
    app.add_option("--target", t.target, "interval half-width at which a configuration needs no more rounds, percent (default 5%)");
    app.add_option("--disturbance-threshold", t.threshold, "foreign CPU or steal above this percentage of a process's CPU budget marks it disturbed (default 5%)");
    app.add_option("--seed", t.seed, "seed of the rounds' shuffled order (default: random, printed)");
    app.add_option("--reps", t.reps, "sum workload repetitions per process (default 3)");
    app.add_option("--wait-reps", t.wait_reps, "wait workload repetitions per process (default 2)");
    app.add_option("--warmup", t.warmup, "sum workload warm-up runs (default 1)");
    app.add_option("--wait-ms", t.wait_ms, "wait workload: ms per step (default 25; --quick 10)");
    app.add_option("--steps", t.steps, "wait workload: steps per task (default 3)");
    app.add_option("--tasks", t.tasks, "wait workload: tasks (default 4)");
    app.add_flag("--quick", o.quick, "a small sweep for smoke runs: sizes 1e3,1e5, threads 1,2, short waits");
    app.add_flag("--verbose", o.verbose, "the terminal report prints every row of every table and every finding (default: the answers and one compact table per workload)");
}

// Where the files go, how the backends are started, and --diff.
void add_run_options(CLI::App& app, OptionTexts& t, CompareOptions& o) {
    app.add_option("--out", o.out_dir, "write results.json, results.csv and SVG plots to DIR");
    app.add_option("--timeout", t.timeout, "seconds one backend run may take before it is killed (default 600)");
    app.add_option("--hostfile", o.hostfile, "mpi: run the ranks across the hosts of this Open MPI hostfile (--map-by node)");
    app.add_option("--mpirun-args", t.mpirun_args, "mpi: extra mpirun options, blank-separated, e.g. \"--mca btl tcp,self\"");
    app.add_option("--cpus", t.cpus, "run every backend process on these CPUs only (e.g. 0, 0-1); passed to each as --cpus");
    app.add_option("--cpu-rows", t.cpu_rows, "extra rows NAME@LIST, e.g. threads@0: backend NAME restricted to the CPUs in LIST (at 2+ threads)");
    app.add_option("--diff", t.diff, "compare two results.json files (OLD NEW) instead of running")->expected(2);
}

// --diff OLD NEW compares two files and runs nothing: any other option is refused.
CompareOptions diff_options(const CLI::App& app, const std::vector<std::string>& files, CompareOptions o) {
    if (files.size() != 2) throw UsageError("--diff: takes two files, OLD.json NEW.json");
    for (const CLI::Option* other : app.get_options())
        if (other->count() > 0 && other->get_name() != "--diff")
            throw UsageError(fmt::format("--diff: {} does not apply when comparing two files", other->get_name()));
    o.diff = std::pair(files[0], files[1]);
    return o;
}

// The defaults that depend on --quick or on the machine.
void set_sweep_defaults(CompareOptions& o) {
    if (o.quick) {
        o.sizes = {1'000, 100'000};
        o.threads = {1, 2};
        o.reps = 3;
        o.wait_reps = 2;
        o.wait_ms = 10;
        o.job_sizes = {100'000};
        o.array_sizes = {1'000'000};
        o.tree_sizes = {1'000'000};
        o.cutoffs = {100, 10'000};
    } else {
        for (unsigned t = 1; t <= 2 * available_cpus(); t *= 2) o.threads.push_back(t);
    }
}

void parse_sweep_shape(const Given& given, const OptionTexts& t, CompareOptions& o) {
    if (given("--backends")) o.backends = split_list("--backends", t.backends);
    if (given("--threads")) o.threads = count_list<unsigned>("--threads", t.threads, 1, max_threads);
    if (given("--sizes")) o.sizes = count_list<u64>("--sizes", t.sizes, 0, max_n, "the largest N whose S(N) fits in 128 bits");
    if (given("--workloads")) {
        o.workloads = split_list("--workloads", t.workloads);
        for (const auto& w : o.workloads)
            if (w != "sum" && w != "wait" && w != "jobs" && w != "array" && w != "tree")
                throw UsageError(fmt::format("--workloads: unknown workload '{}'; accepted: sum, wait, jobs, array, tree", w));
    }
}

// Which workloads each workload-specific option applies to: the one rule, checked here once. An
// option for workloads the sweep does not run is refused, never ignored.
void refuse_options_for_absent_workloads(const Given& given, const CompareOptions& o) {
    const std::vector<std::pair<const char*, std::vector<std::string_view>>> workload_options = {
        {"--sizes", {"sum"}}, {"--schedules", {"sum", "jobs"}}, {"--cpu-rows", {"sum", "wait"}},
        {"--combines", {"sum"}}, {"--combine-every", {"sum"}},
        {"--reps", {"sum", "jobs", "array", "tree"}}, {"--warmup", {"sum", "jobs", "array", "tree"}},
        {"--tree-sizes", {"tree"}}, {"--cutoffs", {"tree"}}, {"--tree-threads", {"tree"}},
        {"--job-sizes", {"jobs"}}, {"--jobs", {"jobs"}}, {"--job-seed", {"jobs"}}, {"--skew", {"jobs"}}, {"--orders", {"jobs"}},
        {"--job-threads", {"jobs"}},
        {"--array-sizes", {"array"}}, {"--binds", {"array"}}, {"--fills", {"array"}}, {"--array-rounds", {"array"}},
        {"--array-threads", {"array"}},
        {"--wait-reps", {"wait"}}, {"--wait-ms", {"wait"}}, {"--steps", {"wait"}}, {"--tasks", {"wait"}}};
    for (const auto& [option, applies] : workload_options)
        if (given(option) && std::none_of(applies.begin(), applies.end(), [&](std::string_view w) { return o.has_workload(std::string(w)); }))
            throw UsageError(not_applicable(option, applies, fmt::format("--workloads {}", fmt::join(o.workloads, ","))));
}

// The jobs workload's batch (its sizes, --job-sizes, come before --simd's N).
void parse_job_options(const Given& given, const OptionTexts& t, CompareOptions& o) {
    if (given("--jobs")) o.jobs = static_cast<unsigned>(parse_count_option("--jobs", t.jobs, 1, 1'000'000));
    if (given("--job-seed")) o.job_seed = parse_count_option("--job-seed", t.job_seed, 0, ~u64{0});
    if (given("--skew")) check_skew(o.skew = t.skew);
    if (given("--orders")) {
        o.orders = split_list("--orders", t.orders);
        for (const auto& order : o.orders) check_name("--orders", order, job_order_names);
    }
}

void parse_array_options(const Given& given, const OptionTexts& t, CompareOptions& o) {
    if (given("--array-sizes")) o.array_sizes = count_list<u64>("--array-sizes", t.array_sizes, 1, u64{1} << 32, "2^32, a[i] = i is a u32");
    if (given("--binds")) {
        o.binds = split_list("--binds", t.binds);
        for (const auto& bind : o.binds) check_name("--binds", bind, bind_policy_names);
    }
    if (given("--fills")) {
        o.fills = split_list("--fills", t.fills);
        for (const auto& fill : o.fills) check_name("--fills", fill, fill_names);
    }
}

void parse_combine_options(const Given& given, const OptionTexts& t, CompareOptions& o) {
    if (given("--combines")) {
        o.combines = split_list("--combines", t.combines);
        for (const auto& way : o.combines)
            check_choice("--combines", way, {"padded", "unpadded", "atomic", "mutex", "racy", "reduction", "critical"});
    }
    if (given("--combine-every")) {
        if (!given("--combines")) throw UsageError("--combine-every: applies to the --combines rows; give --combines too");
        o.combine_every = count_list<u64>("--combine-every", t.combine_every, 1, max_n);
    }
}

// The jobs and array workloads' own thread counts and rounds, instead of --threads and --rounds.
void parse_per_workload_overrides(const Given& given, const OptionTexts& t, CompareOptions& o) {
    if (given("--array-rounds")) o.array_rounds = static_cast<unsigned>(parse_count_option("--array-rounds", t.array_rounds, 1, max_reps));
    if (given("--job-threads")) o.job_threads = count_list<unsigned>("--job-threads", t.job_threads, 1, max_threads);
    if (given("--array-threads")) o.array_threads = count_list<unsigned>("--array-threads", t.array_threads, 1, max_threads);
    if (given("--tree-threads")) o.tree_threads = count_list<unsigned>("--tree-threads", t.tree_threads, 1, max_threads);
}

// One backend process at a time holds the whole array: refused before the sweep when it cannot fit.
void check_array_fits_in_memory(const CompareOptions& o) {
    const u64 needed = 4 * *std::max_element(o.array_sizes.begin(), o.array_sizes.end());
    const auto available = mem_available();
    if (available && needed + (u64{256} << 20) > *available)
        throw UsageError(fmt::format("--array-sizes: N = {} needs {} bytes (4 N) plus 256 MiB to spare; MemAvailable is {} bytes",
                                     grouped(needed / 4), grouped(needed), grouped(*available)));
}

// What one backend process does: repetitions, warm-ups and the wait workload's shape.
void parse_repetitions(const Given& given, const OptionTexts& t, CompareOptions& o) {
    if (given("--reps")) o.reps = static_cast<unsigned>(parse_count_option("--reps", t.reps, 1, max_reps));
    if (given("--wait-reps")) o.wait_reps = static_cast<unsigned>(parse_count_option("--wait-reps", t.wait_reps, 1, max_reps));
    if (given("--warmup")) o.warmup = static_cast<unsigned>(parse_count_option("--warmup", t.warmup, 0, max_reps));
    if (given("--wait-ms")) o.wait_ms = static_cast<unsigned>(parse_count_option("--wait-ms", t.wait_ms, 0, max_wait_ms));
    if (given("--steps")) o.steps = static_cast<unsigned>(parse_count_option("--steps", t.steps, 1, max_steps));
    if (given("--tasks")) o.tasks = static_cast<unsigned>(parse_count_option("--tasks", t.tasks, 1, max_tasks));
}

// How many processes per configuration, when to stop adding rounds, and their order's seed.
void parse_round_options(const Given& given, const OptionTexts& t, CompareOptions& o) {
    if (given("--rounds")) o.rounds = static_cast<unsigned>(parse_count_option("--rounds", t.rounds, 1, max_reps));
    if (o.quick) o.budget_s = 0;
    if (given("--budget")) o.budget_s = static_cast<unsigned>(parse_count_option("--budget", t.budget, 0, 86'400));
    if (given("--target")) o.target = parse_percent("--target", t.target);
    if (given("--disturbance-threshold")) o.disturbance_threshold = parse_percent("--disturbance-threshold", t.threshold);
    o.seed = given("--seed") ? parse_count_option("--seed", t.seed, 0, ~u64{0}) : std::random_device{}();
}

// How each backend process is started: its timeout, mpirun's hosts and options, its CPUs.
void parse_run_options(const Given& given, const OptionTexts& t, CompareOptions& o) {
    if (given("--timeout")) o.timeout_s = static_cast<unsigned>(parse_count_option("--timeout", t.timeout, 1, 86'400));
    if (given("--hostfile")) o.hosts = read_hostfile(o.hostfile);
    if (given("--mpirun-args")) o.mpirun_args = split_mpirun_args(t.mpirun_args);
    if (given("--cpus")) {
        parse_cpu_list("--cpus", t.cpus);  // validated here, before any run
        o.cpus = t.cpus;
    }
}

// --cpu-rows NAME@LIST,…: each row's CPUs checked, and kept inside --cpus when that is given.
std::vector<std::pair<std::string, std::string>> parse_cpu_rows(const std::string& text, const std::string& cpus) {
    std::vector<std::pair<std::string, std::string>> rows;
    for (const auto& item : split_list("--cpu-rows", text)) {
        const auto at = item.find('@');
        if (at == std::string::npos || at == 0)
            throw UsageError(fmt::format("--cpu-rows: '{}' is not NAME@CPUS (e.g. threads@0)", item));
        const std::vector<int> row = parse_cpu_list("--cpu-rows", item.substr(at + 1));
        if (!cpus.empty()) {  // a row restricts further, never beyond --cpus
            const std::vector<int> all = parse_cpu_list("--cpus", cpus);
            for (const int cpu : row)
                if (std::find(all.begin(), all.end(), cpu) == all.end())
                    throw UsageError(fmt::format("--cpu-rows: {} runs on CPU {}, outside --cpus {}; give rows inside --cpus", item, cpu, cpus));
        }
        rows.emplace_back(item.substr(0, at), item.substr(at + 1));
    }
    return rows;
}

}  // namespace

std::string CompareOptions::ScheduleEntry::label() const {
    return size ? fmt::format("{}:{}/{}", backend, value, size) : backend + ":" + value;
}

std::string point_title(const Point& p) {
    if (p.workload == "wait") return "wait";
    if (p.workload == "tree") return fmt::format("tree (cutoff {}) N={}", short_count(std::stoull(p.variant)), short_count(p.n));
    return fmt::format("{}{} N={}", p.workload, p.variant.empty() ? "" : " (" + p.variant + ")", short_count(p.n));
}

std::vector<Point> CompareOptions::points() const {
    std::vector<Point> list;
    for (const auto& workload : workloads)
        for (u64 n : sizes_for(workload)) {
            if (workload == "jobs")
                for (const auto& order : orders) list.push_back({workload, order, n});
            else if (workload == "tree")
                for (const u64 cutoff : cutoffs) list.push_back({workload, std::to_string(cutoff), n});
            else
                list.push_back({workload, "", n});
        }
    return list;
}

bool CompareOptions::has_workload(const std::string& workload) const {
    return std::find(workloads.begin(), workloads.end(), workload) != workloads.end();
}

u64 CompareOptions::largest_size() const { return *std::max_element(sizes.begin(), sizes.end()); }

std::vector<u64> CompareOptions::sizes_for(const std::string& workload) const {
    if (workload == "sum") return sizes;
    if (workload == "jobs") return job_sizes;
    if (workload == "array") return array_sizes;
    if (workload == "tree") return tree_sizes;
    return {0};
}

std::optional<CompareOptions> parse_compare_options(int argc, const char* const* argv) {
    CLI::App app{"sumsq-compare: runs every sumsq-<backend> binary as its own process over a sweep and compares them",
                 "sumsq-compare"};
    app.set_version_flag("--version", fmt::format("sumsq-compare {}", SUMSQ_VERSION));
    app.get_formatter()->column_width(30);
    OptionTexts t;
    CompareOptions o;
    // Registered in the order --help lists them.
    add_sweep_options(app, t);
    add_round_options(app, t, o);
    add_run_options(app, t, o);
    if (!parse_arguments(app, argc, argv)) return std::nullopt;
    const Given given{app};
    if (given("--diff")) return diff_options(app, t.diff, std::move(o));
    // Parsed in this order, so that of two bad options the same one is named first.
    set_sweep_defaults(o);
    parse_sweep_shape(given, t, o);
    refuse_options_for_absent_workloads(given, o);
    if (given("--job-sizes")) o.job_sizes = count_list<u64>("--job-sizes", t.job_sizes, 1, max_n, "the largest N whose S(N) fits in 128 bits");
    if (given("--simd")) o.simd_n = parse_count_option("--simd", t.simd, 1, max_n);
    parse_job_options(given, t, o);
    parse_array_options(given, t, o);
    if (given("--tree-sizes")) o.tree_sizes = count_list<u64>("--tree-sizes", t.tree_sizes, 0, max_n, "the largest N whose S(N) fits in 128 bits");
    if (given("--cutoffs")) o.cutoffs = count_list<u64>("--cutoffs", t.cutoffs, 1, max_n);
    parse_combine_options(given, t, o);
    parse_per_workload_overrides(given, t, o);
    if (given("--schedules"))
        for (const auto& item : split_list("--schedules", t.schedules)) o.schedules.push_back(parse_schedule_entry(item));
    if (o.has_workload("array")) check_array_fits_in_memory(o);
    parse_repetitions(given, t, o);
    parse_round_options(given, t, o);
    parse_run_options(given, t, o);
    if (given("--cpu-rows")) o.cpu_rows = parse_cpu_rows(t.cpu_rows, o.cpus);
    if (given("--out") && o.out_dir.empty()) throw UsageError("--out: the directory name is empty");
    return o;
}

}  // namespace sumsq::compare
