#include "options.hpp"

#include "cli.hpp"
#include "cpus.hpp"
#include "reference.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
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

}  // namespace

bool CompareOptions::has_workload(const std::string& workload) const {
    return std::find(workloads.begin(), workloads.end(), workload) != workloads.end();
}

u64 CompareOptions::largest_size() const { return *std::max_element(sizes.begin(), sizes.end()); }

std::vector<u64> CompareOptions::sizes_for(const std::string& workload) const {
    return workload == "sum" ? sizes : std::vector<u64>{0};
}

std::optional<CompareOptions> parse_compare_options(int argc, const char* const* argv) {
    CLI::App app{"sumsq-compare: runs every sumsq-<backend> binary as its own process over a sweep and compares them",
                 "sumsq-compare"};
    app.set_version_flag("--version", fmt::format("sumsq-compare {}", SUMSQ_VERSION));
    app.get_formatter()->column_width(30);
    std::string mpirun_args, cpus, cpu_rows;
    std::string backends, threads, sizes, workloads, reps, wait_reps, warmup, wait_ms, steps, tasks, timeout, rounds, seed;
    std::vector<std::string> diff;
    CompareOptions o;
    app.add_option("--backends", backends, "comma-separated backends (default: all built)");
    app.add_option("--threads", threads, "thread counts, e.g. 1,2,4 (default powers of two up to twice the CPUs; more than the CPUs is allowed and flagged)");
    app.add_option("--sizes", sizes, "sum workload sizes N, e.g. 1e3,1e5,1e7,1e9 (default 1e7,1e9)");
    app.add_option("--workloads", workloads, "sum,wait (default both)");
    app.add_option("--rounds", rounds, "independent processes per configuration, one per round in a shuffled order (default 3)");
    app.add_option("--seed", seed, "seed of the rounds' shuffled order (default: random, printed)");
    app.add_option("--reps", reps, "sum workload repetitions per process (default 3)");
    app.add_option("--wait-reps", wait_reps, "wait workload repetitions per process (default 2)");
    app.add_option("--warmup", warmup, "sum workload warm-up runs (default 1)");
    app.add_option("--wait-ms", wait_ms, "wait workload: ms per step (default 25; --quick 10)");
    app.add_option("--steps", steps, "wait workload: steps per task (default 3)");
    app.add_option("--tasks", tasks, "wait workload: tasks (default 4)");
    app.add_flag("--quick", o.quick, "a small sweep for smoke runs: sizes 1e3,1e5, threads 1,2, short waits");
    app.add_option("--out", o.out_dir, "write results.json, results.csv and SVG plots to DIR");
    app.add_option("--timeout", timeout, "seconds one backend run may take before it is killed (default 600)");
    app.add_option("--hostfile", o.hostfile, "mpi: run the ranks across the hosts of this Open MPI hostfile (--map-by node)");
    app.add_option("--mpirun-args", mpirun_args, "mpi: extra mpirun options, blank-separated, e.g. \"--mca btl tcp,self\"");
    app.add_option("--cpus", cpus, "run every backend process on these CPUs only (e.g. 0, 0-1); passed to each as --cpus");
    app.add_option("--cpu-rows", cpu_rows, "extra rows NAME@LIST, e.g. threads@0: backend NAME restricted to the CPUs in LIST (at 2+ threads)");
    app.add_option("--diff", diff, "compare two results.json files (OLD NEW) instead of running")->expected(2);
    if (!parse_arguments(app, argc, argv)) return std::nullopt;
    auto given = [&](const char* name) { return app.get_option(name)->count() > 0; };
    if (given("--diff")) {
        if (diff.size() != 2) throw UsageError("--diff: takes two files, OLD.json NEW.json");
        for (const CLI::Option* other : app.get_options())
            if (other->count() > 0 && other->get_name() != "--diff")
                throw UsageError(fmt::format("--diff: {} does not apply when comparing two files", other->get_name()));
        o.diff = std::pair(diff[0], diff[1]);
        return o;
    }
    if (o.quick) {
        o.sizes = {1'000, 100'000};
        o.threads = {1, 2};
        o.reps = 3;
        o.wait_reps = 2;
        o.wait_ms = 10;
    } else {
        for (unsigned t = 1; t <= 2 * available_cpus(); t *= 2) o.threads.push_back(t);
    }
    if (given("--backends")) o.backends = split_list("--backends", backends);
    if (given("--threads")) o.threads = count_list<unsigned>("--threads", threads, 1, max_threads);
    if (given("--sizes")) o.sizes = count_list<u64>("--sizes", sizes, 0, max_n, "the largest N whose S(N) fits in 128 bits");
    if (given("--workloads")) {
        o.workloads = split_list("--workloads", workloads);
        for (const auto& w : o.workloads)
            if (w != "sum" && w != "wait") throw UsageError(fmt::format("--workloads: unknown workload '{}'; accepted: sum, wait", w));
    }
    if (given("--reps")) o.reps = static_cast<unsigned>(parse_count_option("--reps", reps, 1, max_reps));
    if (given("--wait-reps")) o.wait_reps = static_cast<unsigned>(parse_count_option("--wait-reps", wait_reps, 1, max_reps));
    if (given("--warmup")) o.warmup = static_cast<unsigned>(parse_count_option("--warmup", warmup, 0, max_reps));
    if (given("--wait-ms")) o.wait_ms = static_cast<unsigned>(parse_count_option("--wait-ms", wait_ms, 0, max_wait_ms));
    if (given("--steps")) o.steps = static_cast<unsigned>(parse_count_option("--steps", steps, 1, max_steps));
    if (given("--tasks")) o.tasks = static_cast<unsigned>(parse_count_option("--tasks", tasks, 1, max_tasks));
    if (given("--rounds")) o.rounds = static_cast<unsigned>(parse_count_option("--rounds", rounds, 1, max_reps));
    o.seed = given("--seed") ? parse_count_option("--seed", seed, 0, ~u64{0}) : std::random_device{}();
    if (given("--timeout")) o.timeout_s = static_cast<unsigned>(parse_count_option("--timeout", timeout, 1, 86'400));
    if (given("--hostfile")) o.hosts = read_hostfile(o.hostfile);
    if (given("--mpirun-args")) o.mpirun_args = split_mpirun_args(mpirun_args);
    if (given("--cpus")) {
        parse_cpu_list("--cpus", cpus);  // validated here, before any run
        o.cpus = cpus;
    }
    if (given("--cpu-rows"))
        for (const auto& item : split_list("--cpu-rows", cpu_rows)) {
            const auto at = item.find('@');
            if (at == std::string::npos || at == 0)
                throw UsageError(fmt::format("--cpu-rows: '{}' is not NAME@CPUS (e.g. threads@0)", item));
            parse_cpu_list("--cpu-rows", item.substr(at + 1));
            o.cpu_rows.emplace_back(item.substr(0, at), item.substr(at + 1));
        }
    if (given("--out") && o.out_dir.empty()) throw UsageError("--out: the directory name is empty");
    return o;
}

}  // namespace sumsq::compare
