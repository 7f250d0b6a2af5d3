#include "report.hpp"

#include "compare/analysis/analysis.hpp"
#include "compare/analysis/summary.hpp"
#include "driver/cli.hpp"
#include "driver/environment.hpp"
#include "text/numbers.hpp"

#include <fmt/format.h>
#include <fmt/ostream.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace sumsq::compare {
namespace {

std::string parallelism_text(double p) { return std::isnan(p) ? "n/a" : fmt::format("{:.2f}", p); }

// The median and how far the extreme process medians lie from it.
std::string median_text(const ConfigStats& s) {
    if (std::isnan(s.median)) return "-";
    const double spread = std::max(s.high / s.median - 1, 1 - s.low / s.median);
    return s.processes < 2 ? duration_text(s.median) : fmt::format("{} ±{:.1f}%", duration_text(s.median), spread * 100);
}

std::string efficiency_text(const ConfigStats& s) {
    if (!s.efficiency) return "-";
    if (s.processes < 2) return fmt::format("{:.0f}%", s.efficiency->mid * 100);
    return fmt::format("{:.0f}% [{:.0f}–{:.0f}]", s.efficiency->mid * 100, s.efficiency->lo * 100, s.efficiency->hi * 100);
}

std::string table_title(const Point& p) {
    if (p.workload == "wait") return "wait workload";
    if (p.workload == "jobs")
        return fmt::format("jobs workload, {} order, N = {} ({})", p.variant, grouped(p.n), short_count(p.n));
    if (p.workload == "array") return fmt::format("array workload, N = {} ({}; {} bytes read per repetition)", grouped(p.n), short_count(p.n), grouped(4 * p.n));
    if (p.workload == "tree")
        return fmt::format("tree workload, cut-off {}, N = {} ({}); serial is the same tree without tasks", grouped(std::stoull(p.variant)),
                           grouped(p.n), short_count(p.n));
    return fmt::format("sum workload, N = {} ({})", grouped(p.n), short_count(p.n));
}

bool any_of_concurrency(const std::vector<Run>& runs, const Analysis& a) {
    for (const Run& r : runs)
        if (!std::isnan(a.of(runs, r).concurrency)) return true;
    return false;
}

// The rows a compact table shows at a point: serial, the rows that run at one thread only
// (interleaved), and every row at the workload's main thread count (never an oversubscribed count
// as the headline).
bool compact_row(const CompareOptions& o, const std::vector<Run>& runs, const Run& r) {
    if (r.workload == "sum" && !r.row_schedule.empty())  // --schedules rows: the backend's first listed one (the jobs table compares them)
        for (const auto& entry : o.schedules)
            if (entry.backend == r.base) {
                if (entry.label() != r.row_schedule) return false;
                break;
            }
    if (r.backend == "serial" || r.threads == main_threads(o, r.workload)) return true;
    if (r.threads != 1) return false;
    for (const Run& other : runs)
        if (other.backend == r.backend && other.point() == r.point() && other.threads > 1) return false;
    return true;
}

std::string threads_text(unsigned threads) { return fmt::format("{} thread{}", threads, threads == 1 ? "" : "s"); }

std::string workers_cell(const Run& r, unsigned cpus, bool compact) {
    if (r.processes) return fmt::format("{}p", r.threads);
    std::string allowed;
    if (const unsigned allowed_count = r.cpus_allowed(r.threads); allowed_count < r.threads) allowed = fmt::format(" on {}", allowed_count);
    return std::to_string(r.threads) + allowed + (!compact && r.oversubscribed(cpus) ? "*" : "");
}

void print_table(std::ostream& out, const CompareOptions& o, const std::vector<Run>& runs, const Analysis& a, const Point& point, unsigned cpus,
                 bool compact) {
    bool concurrency = false, schedule = false, imbalance = false, bandwidth = false, ceiling = false, any = false;
    std::size_t width = 12;
    auto shown = [&](const Run& r) { return r.point() == point && (!compact || compact_row(o, runs, r)); };
    for (const Run& r : runs) {
        if (!shown(r)) continue;
        const ConfigStats& s = a.of(runs, r);
        any = true;
        concurrency = concurrency || !std::isnan(s.concurrency);
        schedule = !compact && (schedule || (!s.schedule.empty() && (point.workload == "jobs" || !r.row_schedule.empty())));
        imbalance = imbalance || (point.workload == "jobs" && !std::isnan(s.imbalance));
        bandwidth = bandwidth || !std::isnan(s.bytes_per_second);
        ceiling = ceiling || s.ceiling.has_value();
        width = std::max(width, r.backend.size());
    }
    if (!any) return;
    std::string defined;  // the columns this table adds, defined where they appear
    if (imbalance) defined += "imbalance = busiest worker's busy time / the mean; ";
    if (bandwidth) defined += "GB/s = bytes read per second; ";
    if (ceiling) defined += "ceiling = GB/s / the measured all-thread read bandwidth; ";
    if (!defined.empty()) defined = " (" + defined.substr(0, defined.size() - 2) + ")";
    fmt::print(out, "{}{}{}{}\n", compact ? "" : "\n", table_title(point), compact ? ", main configuration " + threads_text(main_threads(o, point.workload)) : "",
               defined);
    // Columns the workload adds: jobs the schedule and imbalance, array bytes/s and the ceiling's fraction.
    auto extra = [&](const std::string& sched, const std::string& imb, const std::string& gbs, const std::string& ceil) {
        return (schedule ? fmt::format(" {:<16}", sched) : "") + (imbalance ? fmt::format(" {:>9}", imb) : "") +
               (bandwidth ? fmt::format(" {:>6}", gbs) : "") + (ceiling ? fmt::format(" {:>7}", ceil) : "");
    };
    const std::string head = concurrency ? fmt::format(" {:>11}", "concurrency") : "";
    const std::string wide = compact ? "" : fmt::format(" {:>15} {:>7}", "efficiency", "scaling");
    fmt::print(out, "  {:<{}} {:>7} {:>16} {:>22}{} {:>11}{}{}  {}\n", "row", width, "workers", "median ±spread", "speedup [interval]", wide,
               "parallelism", head, extra("schedule", "imbalance", "GB/s", "ceiling"), "status");
    for (const Run& r : runs) {
        if (!shown(r)) continue;
        const ConfigStats& s = a.of(runs, r);
        const bool ok = r.status == Run::Status::ok;
        const std::string conc = concurrency ? fmt::format(" {:>11}", parallelism_text(s.concurrency)) : "";
        const std::string wide_cells =
            compact ? "" : fmt::format(" {:>15} {:>7}", efficiency_text(s), s.scaling ? fmt::format("{:.2f}x", *s.scaling) : "");
        fmt::print(out, "  {:<{}} {:>7} {:>16} {:>22}{} {:>11}{}{}  {}{}\n", r.backend, width, workers_cell(r, cpus, compact),
                   ok || r.status == Run::Status::mismatch ? median_text(s) : "-", speedup_text(s, true), wide_cells, parallelism_text(s.parallelism), conc,
                   extra(s.schedule.empty() ? "-" : s.schedule, parallelism_text(s.imbalance),
                         std::isnan(s.bytes_per_second) ? "-" : fmt::format("{:.2f}", s.bytes_per_second / 1e9),
                         s.ceiling ? fmt::format("{:.0f}%", *s.ceiling * 100) : "-"),
                   status_label(r), !ok && !r.message.empty() ? ": " + r.message : r.short_of_workers() ? ": " + r.workers_note() : "");
    }
}

// The jobs orders side by side at the main configuration: speedup and imbalance per order, one
// line per row (which schedule balances which order, in one table).
void print_jobs_compact(std::ostream& out, const CompareOptions& o, const std::vector<Run>& runs, const Analysis& a, const std::vector<Point>& points) {
    if (points.empty()) return;
    std::vector<std::string> rows;
    std::size_t width = 12;
    for (const Run& r : runs)
        if (r.point() == points.front() && compact_row(o, runs, r) && std::find(rows.begin(), rows.end(), r.backend) == rows.end())
            rows.push_back(r.backend), width = std::max(width, r.backend.size());
    fmt::print(out, "jobs workload, N = {} ({}), main configuration {}; per order: speedup [interval] and imbalance (the busiest "
                    "worker's busy time / the mean)\n",
               grouped(points.front().n), short_count(points.front().n), threads_text(main_threads(o, "jobs")));
    std::string head = fmt::format("  {:<{}} {:>7}", "row", width, "workers");
    for (const Point& p : points) head += fmt::format(" {:>22} {:>9}", p.variant, "imbalance");
    fmt::print(out, "{}  status\n", head);
    for (const std::string& row : rows) {
        std::string line, status = "OK", workers;
        for (const Point& p : points) {
            const Run* run = nullptr;
            for (const Run& r : runs)
                if (r.backend == row && r.point() == p && compact_row(o, runs, r)) run = &r;
            if (!run) {
                line += fmt::format(" {:>22} {:>9}", "-", "-");
                continue;
            }
            const ConfigStats& s = a.of(runs, *run);
            workers = workers_cell(*run, available_cpus(), true);
            if (run->status != Run::Status::ok) status = status_text(run->status);
            line += fmt::format(" {:>22} {:>9}", speedup_text(s, true), parallelism_text(s.imbalance));
        }
        fmt::print(out, "  {:<{}} {:>7}{}  {}\n", row, width, workers, line, status);
    }
}

// The tree workload in one table: per backend and workers, the efficiency at each cut-off (against
// serial's tree at that cut-off), the smallest task from which it stays at 50% or more, and what one
// task cost at the smallest cut-off.
void print_tasks(std::ostream& out, const CompareOptions& o, const Analysis& a) {
    if (a.tasks.empty()) return;
    for (const u64 n : o.tree_sizes) {
        fmt::print(out, "tree workload, N = {} ({}): efficiency per cut-off [interval] (serial's tree at the same cut-off = 100%), the smallest "
                        "task that still reaches 50%, and one task's cost\n", grouped(n), short_count(n));
        std::string head = fmt::format("  {:<12} {:>7}", "row", "workers");
        for (const u64 cutoff : o.cutoffs) head += fmt::format(" {:>16}", "cut-off " + short_count(cutoff));
        fmt::print(out, "{} {:>28} {:>28}\n", head, "50% from (mean leaf)", "cost per task");
        for (const TaskCurve& c : a.tasks) {
            if (c.n != n) continue;
            std::string line = fmt::format("  {:<12} {:>7}", c.backend, c.threads);
            for (const u64 cutoff : o.cutoffs) {
                const auto p = std::find_if(c.points.begin(), c.points.end(), [&](const TaskPoint& t) { return t.cutoff == cutoff; });
                line += fmt::format(" {:>16}", p == c.points.end() || !p->efficiency ? std::string("-")
                                                   : fmt::format("{:.0f}% [{:.0f}–{:.0f}]", p->efficiency->mid * 100, p->efficiency->lo * 100,
                                                                 p->efficiency->hi * 100));
            }
            std::string from = "never";
            if (c.metg) {
                const TaskPoint& p = c.points[*c.metg];
                from = fmt::format("{} el.{}", grouped(static_cast<u64>(std::llround(p.leaf_elements))),
                                   std::isnan(p.leaf_ns) ? "" : ", " + duration_text(p.leaf_ns / 1e9));
            }
            const TaskPoint* cheapest = c.cheapest();
            const std::string cost = cheapest ? nanoseconds_text(*cheapest->cost_ns) : std::string("-");
            fmt::print(out, "{} {:>28} {:>28}\n", line, from, cost);
        }
    }
}

// The points a compact report shows: each workload at its largest N (each jobs order).
bool headline_point(const CompareOptions& o, const Point& p) {
    const auto sizes = o.sizes_for(p.workload);
    return p.workload == "wait" || p.n == *std::max_element(sizes.begin(), sizes.end());
}

// "15.1", "16.9": bytes/s as GB/s, one decimal.
std::vector<std::string> gigabytes(const std::vector<double>& rates) {
    std::vector<std::string> text;
    for (double r : rates) text.push_back(fmt::format("{:.1f}", r / 1e9));
    return text;
}

// --simd: each range-kernel path on one core, then threads on the fastest, per element.
void print_simd(std::ostream& out, const CompareOptions& o, const Analysis& a) {
    const SimdTable& t = a.simd;
    if (!a.record.simd.note.empty()) fmt::print(out, "\n{}\n", a.record.simd.note);
    if (t.entries.empty()) return;
    fmt::print(out, "\nparallel inside one core (--simd): sum N = {}, {} rounds; speedup over the exact 128-bit loop, paired by round\n",
               short_count(t.n), o.rounds);
    fmt::print(out, "  {:<20} {:>7} {:>11}  {}\n", "path", "workers", "ns/element", "speedup [interval]");
    for (const SimdEntry& e : t.entries) {
        const std::string name = e.backend == "serial" ? e.kernel : fmt::format("{} ({})", e.kernel, e.backend);
        std::string speedup = e.speedup ? (e.kernel == "exact" && e.threads == 1 ? "1.00x" : ratio_text(*e.speedup, e.enough_pairs)) : "-";
        if (e.threads > 1 && t.cores) speedup += ", " + ratio_text(*t.cores, t.cores_enough) + " over one core";
        fmt::print(out, "  {:<20} {:>7} {:>11.4f}  {}{}\n", name, e.threads, e.ns_per_element, speedup, e.from_disturbed ? " (every process disturbed)" : "");
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
    for (const char* name : {"OMP_PROC_BIND", "OMP_PLACES", "OMP_NUM_THREADS", "OMP_THREAD_LIMIT", "OMP_WAIT_POLICY", "GOMP_SPINCOUNT"})
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
        for (const auto& [name, value] : env["variables"].items())
            if (value.is_string()) notes.push_back(fmt::format("{}={} is set", name, value.get<std::string>()));
    if (std::any_of(runs.begin(), runs.end(), [](const Run& r) { return r.processes; }))
        notes.push_back("Kp: K MPI processes (mpirun -np K --bind-to none), 1 thread each; CPU time summed over ranks");
    if (const auto note = launcher_note(o)) notes.push_back(*note);
    notes.push_back(fmt::format("each configuration ran as {} separate processes, one per round, each round in a fresh shuffled order "
                                "(seed {}; --seed {} repeats the order)", o.rounds, o.seed, o.seed));
    notes.push_back(fmt::format("a process reports the median of its repetitions (sum: {} after {} warm-up, wait: {}); a configuration's median is "
                                "the median of its processes', ±spread the farthest process median from it; pools and arenas start outside the timed region",
                                o.reps, o.warmup, o.wait_reps));
    notes.push_back("speedup: the median ratio serial / this over pairs of adjacent processes, with its sign-test interval (docs/compare.md); "
                    "≈1.0x: the interval contains 1.0, indistinguishable from serial");
    return notes;
}

void print_report(std::ostream& out, const CompareOptions& o, const std::vector<BackendBinary>& backends, const std::vector<Run>& runs,
                  const Analysis& a) {
    const unsigned cpus = available_cpus();
    const nlohmann::json env = sweep_environment(runs);
    fmt::print(out, "sumsq-compare — exact sum of squares, one process per backend, {} rounds (seed {}); {}, {} CPUs available\n", o.rounds, o.seed,
               env.value("cpu_model", cpu_model()), cpus);
    const Summary summary = summarise(o, backends, runs, a);
    if (!summary.lines.empty()) {
        fmt::print(out, "answers{}:\n", o.verbose ? "" : " (--verbose: every row and size, every finding, break-even and the environment)");
        for (const SummaryLine& line : summary.lines) fmt::print(out, "  {} {}\n", line.question, line.answer);
    }
    fmt::print(out, "  {}\n", summary.noise);
    for (const auto& warning : a.warnings) fmt::print(out, "  WARNING: {}\n", warning);

    fmt::print(out, "{}columns: workers = threads (Kp: K MPI processes; \"2 on 1\": 2 threads allowed 1 CPU{}); median ±spread = median of the "
                    "processes' medians, ± the farthest one;\n  speedup = serial's time / this row's, from pairs of adjacent processes [its interval; "
                    "≈1.0x: the interval holds 1]; parallelism = CPU time / wall time (cores busy){}{}\n",
               o.verbose ? "\n" : "", o.verbose ? "; *: more threads than CPUs" : "", any_of_concurrency(runs, a) ? "; concurrency = tasks in progress on average" : "",
               o.verbose ? ";\n  efficiency = speedup / workers; scaling = this row's own 1-thread median / this median" : "");
    std::vector<Point> jobs;  // compact: the jobs orders in one table
    for (const Point& point : o.points()) {
        if (!o.verbose && point.workload == "tree") continue;  // one table of every cut-off: print_tasks
        if (!o.verbose && point.workload == "jobs") {
            if (headline_point(o, point)) jobs.push_back(point);
            continue;
        }
        if (o.verbose || headline_point(o, point)) print_table(out, o, runs, a, point, cpus, !o.verbose);
    }
    print_jobs_compact(out, o, runs, a, jobs);
    print_tasks(out, o, a);
    if (!o.verbose) return;

    if (!a.break_even.empty() && o.has_workload("sum")) {
        fmt::print(out, "\nbreak-even (smallest swept N from which the backend, with 2 or more workers, stays ahead of serial beyond the noise floor):\n");
        for (const BackendBinary& b : backends) {
            const auto found = a.break_even.find(b.name);
            if (found == a.break_even.end()) continue;
            const auto& be = found->second;
            fmt::print(out, "  {:<16} {}\n", b.name, be ? fmt::format("N = {} ({} {})", short_count(be->n), be->threads, b.multi_process ? "processes" : "threads")
                                                      : std::string(b.one_thread ? "never: one worker only" : "never in this sweep"));
        }
    }
    print_simd(out, o, a);
    if (!a.findings.empty()) {
        fmt::print(out, "\nwhat this shows:\n");
        for (const auto& line : a.findings) fmt::print(out, "  {}\n", line);
    }
    fmt::print(out, "\nenvironment:\n");
    for (const auto& note : environment_notes(o, runs, env)) fmt::print(out, "  {}\n", note);
    if (const ReadBandwidth& bw = a.record.bandwidth; bw.measured)
        fmt::print(out, "  read bandwidth (sumsq-bandwidth, {} MB, the best of {} measurements, before the sweep and before each array round: {} GB/s): "
                        "one thread {:.1f} GB/s, {} threads {:.1f} GB/s: the array rows' ceiling\n", bw.bytes / 1'000'000,
                   a.record.bandwidth_samples.size(), fmt::join(gigabytes(a.record.bandwidth_samples), ", "), bw.one_thread / 1e9, bw.threads,
                   bw.all_threads / 1e9);
    if (o.has_workload("jobs"))
        fmt::print(out, "  jobs: {} jobs per batch adding up to N (sizes seeded by --job-seed {}, skew {})\n",
                   o.jobs, o.job_seed, o.skew.empty() ? "the backends' default" : o.skew);
    if (o.has_workload("array") && o.rounds_for("array") != o.rounds)
        fmt::print(out, "  array: {} process(es) per configuration (--array-rounds), not {}\n", o.rounds_for("array"), o.rounds);
    std::vector<std::string> own;
    for (const BackendBinary& b : backends)
        if (b.own_baseline && b.absent.empty() && b.skip.empty()) own.push_back(b.name);
    if (!own.empty())
        fmt::print(out, "  {}: speedup and efficiency against the row's own 1-worker run, not serial's (the backend declares its own baseline: "
                        "an interpreter is not the compiled loop's work in time)\n", fmt::join(own, ", "));
    for (const auto& [row, why] : a.record.absent) fmt::print(out, "  {}: absent, not run: {}\n", row, why);
}

}  // namespace sumsq::compare
