#include "report.hpp"

#include "analysis.hpp"
#include "cli.hpp"
#include "environment.hpp"
#include "numbers.hpp"

#include <fmt/format.h>
#include <fmt/ostream.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace sumsq::compare {
namespace {

std::string percent(double x) { return fmt::format("{:.0f}%", x * 100); }

std::string parallelism_text(double p) { return std::isnan(p) ? "n/a" : fmt::format("{:.2f}", p); }

void print_table(std::ostream& out, const std::vector<Run>& runs, const std::string& workload, u64 n, unsigned cpus) {
    fmt::print(out, "\n{}\n", workload == "sum" ? fmt::format("sum workload, N = {} ({})", grouped(n), short_count(n))
                                                : std::string("wait workload"));
    fmt::print(out, "  {:<12} {:>7} {:>11} {:>8} {:>10} {:>8} {:>11}  {}\n", "backend", "threads", "median", "speedup",
               "efficiency", "scaling", "parallelism", "status");
    for (const Run& r : runs) {
        if (r.workload != workload || r.n != n) continue;
        const auto s = speedup(runs, r);
        const auto e = efficiency(runs, r);
        const auto own = r.threads > 1 ? scaling(runs, r) : std::nullopt;
        const bool ok = r.status == Run::Status::ok;
        fmt::print(out, "  {:<12} {:>6}{} {:>11} {:>8} {:>10} {:>8} {:>11}  {}{}\n", r.backend,
                   r.processes ? fmt::format("{}p", r.threads) : std::to_string(r.threads),
                   r.oversubscribed(cpus) ? "*" : " ", ok || r.status == Run::Status::mismatch ? duration_text(r.wall_median()) : "-",
                   s ? fmt::format("{:.2f}x", *s) : "-", e ? percent(*e) : "-",
                   own ? fmt::format("{:.2f}x", *own) : "", parallelism_text(r.parallelism()),
                   status_text(r.status), r.message.empty() || ok ? "" : ": " + r.message);
    }
}

}  // namespace

nlohmann::json sweep_environment(const std::vector<Run>& runs) {
    nlohmann::json env = nlohmann::json::object();
    for (const Run& r : runs)
        if (r.data.is_object() && r.data.contains("environment")) {
            env = r.data["environment"];
            break;
        }
    env.erase("libraries");  // per backend; kept in each run
    for (const char* name : {"OMP_PROC_BIND", "OMP_PLACES", "OMP_NUM_THREADS", "OMP_WAIT_POLICY"})
        if (const char* value = std::getenv(name)) env["variables"][name] = value;
    return env;
}

std::vector<std::string> environment_notes(const CompareOptions& o, const std::vector<Run>& runs, const nlohmann::json& env) {
    std::vector<std::string> notes;
    const unsigned cpus = available_cpus();
    notes.push_back(fmt::format("CPU: {}, {} logical CPUs, {} available to this process", env.value("cpu_model", cpu_model()),
                                env.value("logical_cpus", cpus), cpus));
    bool over = false;
    for (const Run& r : runs) over = over || r.oversubscribed(cpus);
    if (over) notes.push_back(fmt::format("* more threads than the {} available CPUs: oversubscribed, the threads take turns", cpus));
    if (env.value("build_type", "Release") != "Release")
        notes.push_back(fmt::format("build type {}: timings are not representative (use make run, a Release build)", env.value("build_type", "")));
    if (env.contains("variables"))
        for (const auto& [name, value] : env["variables"].items()) notes.push_back(fmt::format("{}={} is set", name, value.get<std::string>()));
    if (std::any_of(runs.begin(), runs.end(), [](const Run& r) { return r.processes; }))
        notes.push_back("Kp: K MPI processes (mpirun -np K --bind-to none), 1 thread each; CPU time summed over ranks");
    if (const auto note = launcher_note(o)) notes.push_back(*note);
    notes.push_back(fmt::format("each backend is its own process; pools and arenas start outside the timed region; sum: median of {} reps after {} warm-up, wait: median of {} reps",
                                o.reps, o.warmup, o.wait_reps));
    return notes;
}

std::vector<std::string> findings(const CompareOptions& o, const std::vector<BackendBinary>& backends, const std::vector<Run>& runs) {
    std::vector<std::string> lines;
    const bool has_sum = o.has_workload("sum"), has_wait = o.has_workload("wait");
    const u64 largest = o.largest_size();
    double best_parallel_sum = 0;
    for (const BackendBinary& b : backends) {
        if (b.name == "serial") continue;
        const Run* sum = has_sum ? best_run(runs, b.name, "sum", largest) : nullptr;
        const Run* wait = has_wait ? best_run(runs, b.name, "wait", 0) : nullptr;
        const auto sum_speedup = sum ? speedup(runs, *sum) : std::nullopt;
        const auto wait_speedup = wait ? speedup(runs, *wait) : std::nullopt;
        if (sum_speedup && !b.one_thread) best_parallel_sum = std::max(best_parallel_sum, *sum_speedup);
        std::string line = b.name + ":";
        if (sum_speedup)
            line += fmt::format(" sum N={} {:.2f}x serial at {} thread{} (parallelism {});", short_count(largest), *sum_speedup,
                                sum->threads, sum->threads == 1 ? "" : "s", parallelism_text(sum->parallelism()));
        if (wait_speedup)
            line += fmt::format(" wait {:.2f}x serial at {} thread{} (parallelism {});", *wait_speedup, wait->threads,
                                wait->threads == 1 ? "" : "s", parallelism_text(wait->parallelism()));
        if (sum && wait && b.one_thread && sum->parallelism() < 1.2 && wait->parallelism() < 0.2 && wait_speedup && *wait_speedup > 1.2)
            line += " concurrent, not parallel: its waits overlap on one CPU, its computation does not speed up.";
        else if (sum_speedup && *sum_speedup > 1.2 && sum->parallelism() > 1.2)
            line += " parallel: the computation ran on several cores at once.";
        else if (sum_speedup && *sum_speedup <= 1.05 && sum->parallelism() < 1.2)
            line += " no parallel speedup on the computation.";
        if (line.back() == ';') line.back() = '.';
        if (line.find(' ') != std::string::npos) lines.push_back(line);
    }
    if (has_wait) {
        const auto serial = serial_median(runs, "wait", 0);
        if (serial)
            lines.push_back(fmt::format("wait: one task after another takes T·S·D = {} x {} x {} ms = {:.2f} s (serial measured {}); "
                                        "overlapping the waits needs concurrency, not cores.",
                                        o.tasks, o.steps, o.wait_ms, o.tasks * o.steps * o.wait_ms / 1e3, duration_text(*serial)));
    }
    if (has_sum && best_parallel_sum > 0)
        lines.push_back(best_parallel_sum > 1.2
            ? fmt::format("sum: only parallel execution sped up the CPU-bound work (best {:.2f}x on {} CPUs).", best_parallel_sum, available_cpus())
            : fmt::format("sum: no backend beat serial by more than 20% at N={}: the work is too small for the overheads, or the machine is busy.", short_count(largest)));
    return lines;
}

void print_report(std::ostream& out, const CompareOptions& o, const std::vector<BackendBinary>& backends, const std::vector<Run>& runs) {
    const unsigned cpus = available_cpus();
    fmt::print(out, "sumsq-compare — exact sum of squares, one process per backend\n");
    for (const auto& workload : o.workloads)
        for (u64 n : o.sizes_for(workload)) print_table(out, runs, workload, n, cpus);

    if (o.has_workload("sum") && serial_median(runs, "sum", o.sizes.front())) {
        fmt::print(out, "\nbreak-even (smallest swept N where the backend beats serial by 5% or more):\n");
        for (const BackendBinary& b : backends) {
            if (b.name == "serial") continue;
            const auto n = break_even(runs, b.name, o.sizes);
            fmt::print(out, "  {:<12} {}\n", b.name, n ? "N = " + short_count(*n) : "never in this sweep");
        }
    }
    const auto shown = findings(o, backends, runs);
    if (!shown.empty()) {
        fmt::print(out, "\nwhat this shows:\n");
        for (const auto& line : shown) fmt::print(out, "  {}\n", line);
    }
    fmt::print(out, "\nenvironment:\n");
    for (const auto& note : environment_notes(o, runs, sweep_environment(runs))) fmt::print(out, "  {}\n", note);
}

}  // namespace sumsq::compare
