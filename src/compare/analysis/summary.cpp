#include "summary.hpp"

#include "driver/cli.hpp"
#include "text/numbers.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>

namespace sumsq::compare {
namespace {

std::string cores(double parallelism) { return std::isnan(parallelism) ? "n/a" : fmt::format("{:.2f}", parallelism); }

// The largest swept N of a workload (each order for jobs): the point the headline is drawn from.
std::vector<Point> largest_points(const CompareOptions& o, const std::string& workload) {
    std::vector<Point> list;
    for (const Point& p : o.points()) {
        if (p.workload != workload) continue;
        const auto sizes = o.sizes_for(workload);
        if (p.n == *std::max_element(sizes.begin(), sizes.end())) list.push_back(p);
    }
    return list;
}

// A row with no more cores than serial (interleaved's one thread, a --cpu-rows row) at the point:
// its one thread, or the workload's main thread count.
const Run* concurrent_run(const CompareOptions& o, const BackendBinary& b, const std::vector<Run>& runs, const Point& p) {
    if (b.name == "serial" || (!b.one_thread && !b.cpu_row)) return nullptr;
    return find_run(runs, b.name, p, b.one_thread ? 1 : main_threads(o, p.workload));
}

bool plain_parallel_row(const BackendBinary& b) { return b.name != "serial" && !b.one_thread && !b.cpu_row; }

void wait_line(const CompareOptions& o, const std::vector<BackendBinary>& backends, const std::vector<Run>& runs, const Analysis& a,
               Summary& out) {
    const Point p{"wait", "", 0};
    const Run* serial = find_run(runs, "serial", p, 1);
    if (!o.has_workload("wait") || !serial) return;
    // The concurrent rows that have no more cores than serial: a one-thread row (interleaved) or a --cpu-rows row.
    const Run* best = nullptr;
    for (const BackendBinary& b : backends) {
        const Run* r = concurrent_run(o, b, runs, p);
        if (r && a.of(runs, *r).speedup && (!best || r->wall_median() < best->wall_median())) best = r;
    }
    if (!best) return;
    const ConfigStats& s = a.of(runs, *best);
    const bool overlapped = s.speedup->lo > 1 + a.floor(p);
    const unsigned cpus = std::min(best->threads, best->cpus_allowed(available_cpus()));
    out.lines.push_back(
        {"Do waits overlap without cores?",
         fmt::format("{}: {} ({} on {} CPU{}) finished the wait workload in {} against serial's {}, {} faster, while keeping {} cores busy{}.",
                     overlapped ? "Yes" : "Not measurably", best->backend, workers_text(*best), cpus, cpus == 1 ? "" : "s", duration_text(s.median),
                     duration_text(serial->wall_median()), speedup_text(s, true), cores(s.parallelism),
                     overlapped ? ": a waiting task needs no core, so the waits overlap" : ""),
         table_anchor(p)});
}

void sum_line(const CompareOptions& o, const std::vector<BackendBinary>& backends, const std::vector<Run>& runs, const Analysis& a,
              Summary& out) {
    const auto points = largest_points(o, "sum");
    if (points.empty()) return;
    const Point& p = points.front();
    const unsigned t = main_threads(o, "sum");
    std::vector<const Run*> ahead, level;
    for (const BackendBinary& b : backends) {
        if (!plain_parallel_row(b) || !b.runs("sum")) continue;
        const Run* r = find_run(runs, b.name, p, t);
        if (!r || !a.of(runs, *r).speedup) continue;
        (a.of(runs, *r).ahead ? ahead : level).push_back(r);
    }
    if (ahead.empty() && level.empty()) return;
    auto faster = [&](const Run* x, const Run* y) { return a.of(runs, *x).speedup->mid > a.of(runs, *y).speedup->mid; };
    std::sort(ahead.begin(), ahead.end(), faster);
    std::sort(level.begin(), level.end(), faster);
    auto list = [&](const std::vector<const Run*>& rows, std::size_t most) {
        std::string text;
        for (std::size_t k = 0; k < rows.size() && k < most; ++k) text += (k ? ", " : "") + rows[k]->backend + " " + speedup_text(a.of(runs, *rows[k]), true);
        if (rows.size() > most) text += fmt::format(" and {} more", rows.size() - most);
        return text;
    };
    const std::string where = fmt::format("at sum N={} with {} thread{} (ideal {}×)", short_count(p.n), t, t == 1 ? "" : "s", t);
    std::string text;
    if (ahead.empty())
        text = "Not decidedly, " + where + ": " + list(level, 5);
    else {
        text = "Yes, " + where + ": " + list(ahead, 3);
        const ConfigStats& top = a.of(runs, *ahead.front());
        if (top.efficiency) text += fmt::format("; the best is at {:.0f}% of the ideal", top.efficiency->mid * 100);
        if (!level.empty()) text += "; not decidedly faster: " + list(level, 4);
    }
    if (!level.empty() && !a.of(runs, *level.front()).undecided_reason.empty())
        text += " (" + level.front()->backend + ": " + a.of(runs, *level.front()).undecided_reason + ")";
    out.lines.push_back({"Does CPU-bound work speed up, and how far from P?", text + ".", table_anchor(p)});
}

void concurrency_line(const CompareOptions& o, const std::vector<BackendBinary>& backends, const std::vector<Run>& runs, const Analysis& a,
                      Summary& out) {
    const auto points = largest_points(o, "sum");
    if (points.empty()) return;
    const Point& p = points.front();
    std::string parts;
    bool faster = false;  // a concurrent row decidedly faster than serial on computation: the machine moved serial
    for (const BackendBinary& b : backends) {
        const Run* r = concurrent_run(o, b, runs, p);
        if (!r || !a.of(runs, *r).speedup) continue;
        const ConfigStats& s = a.of(runs, *r);
        faster = faster || (s.decided && s.speedup->mid > 1);
        const unsigned cpus = std::min(r->threads, r->cpus_allowed(available_cpus()));
        parts += fmt::format("{}{} ({} on {} CPU{}) {} with parallelism {}", parts.empty() ? "" : "; ", r->backend, workers_text(*r), cpus,
                             cpus == 1 ? "" : "s", speedup_text(s, true), cores(s.parallelism));
    }
    if (parts.empty()) return;
    out.lines.push_back({"What does concurrency without parallelism do to computation?",
                         fmt::format("At sum N={}: {}. {}", short_count(p.n), parts,
                                     faster ? "Tasks that take turns on one CPU cannot compute faster than one task: a measured gain here is "
                                              "serial slowed by the machine (see the noise line)."
                                            : "Tasks that take turns on one CPU compute one after another: no speedup."),
                         "lesson"});
}

// The schedule question, from the analysis's direct comparisons (analysis.cpp): per jobs order, the
// backend whose two schedules differ most, decided comparisons first.
void schedule_lines(const CompareOptions& o, const std::vector<Run>& runs, const Analysis& a, Summary& out) {
    for (const Point& p : largest_points(o, "jobs")) {
        // The telling pair: among decided ones the firmest (highest lower bound: a wide interval's
        // large estimate came and went between runs — threads' 1.20x [1.02–1.45] against openmp's
        // steady 1.09x [1.05–1.11] in one of five make runs), else the largest estimate.
        const auto strength = [](const ScheduleComparison& c) { return std::pair(c.decided(), c.decided() ? c.ratio.lo : c.ratio.mid); };
        const ScheduleComparison* telling = nullptr;
        for (const ScheduleComparison& c : a.schedules)
            if (c.point == p && (!telling || strength(c) > strength(*telling))) telling = &c;
        if (!telling) continue;
        const ScheduleComparison& c = *telling;
        const Run &fast = runs[c.fast], &slow = runs[c.slow];
        const ConfigStats &fs = a.stats[c.fast], &ss = a.stats[c.slow];
        auto imbalance = [](const ConfigStats& s) { return std::isnan(s.imbalance) ? std::string("n/a") : fmt::format("{:.2f}", s.imbalance); };
        std::string why;
        if (!c.decided())
            why = c.enough_pairs ? "the interval holds 1: no schedule won here" : "too few rounds to decide";
        else if (imbalance_explains(fs, ss))
            why = fmt::format("{}'s shares left its busiest worker {:.0f}% above the mean, {}'s {}", slow.backend, (ss.imbalance - 1) * 100,
                              fast.backend, std::isnan(fs.imbalance) ? std::string("unknown") : fmt::format("{:.0f}%", (fs.imbalance - 1) * 100));
        else
            why = "the imbalances are alike: the gap is the schedule's overhead";
        out.lines.push_back({fmt::format("Which schedule balances uneven work ({} order)?", p.variant),
                             fmt::format("jobs N={} ({} order) at {}: {} (imbalance {}) against {} (imbalance {}): {} took {:.2f}x [{:.2f}–{:.2f}] "
                                         "as long, round by round over {} rounds; {}.",
                                         short_count(p.n), p.variant, workers_text(fast), fast.backend, imbalance(fs), slow.backend, imbalance(ss),
                                         slow.backend, c.ratio.mid, c.ratio.lo, c.ratio.hi, c.pairs, why),
                             table_anchor(p)});
    }
}

void memory_line(const CompareOptions& o, const std::vector<BackendBinary>& backends, const std::vector<Run>& runs, const Analysis& a,
                 Summary& out) {
    const auto points = largest_points(o, "array");
    if (points.empty()) return;
    const Point& p = points.front();
    const unsigned t = main_threads(o, "array");
    const Run* best = nullptr;
    for (const BackendBinary& b : backends) {
        if (!plain_parallel_row(b) || !b.base.empty() || !b.runs("array")) continue;
        const Run* r = find_run(runs, b.name, p, t);
        if (r && a.of(runs, *r).speedup && (!best || r->wall_median() < best->wall_median())) best = r;
    }
    if (!best) return;
    const ConfigStats& s = a.of(runs, *best);
    const bool capped = !std::isnan(s.parallelism) && s.parallelism >= 1.5 && s.speedup->mid < 0.75 * s.parallelism;
    const std::string ceiling = s.ceiling ? fmt::format(", {:.0f}% of the measured read ceiling", *s.ceiling * 100) : std::string();
    out.lines.push_back({"Where does memory cap speedup?",
                         fmt::format("array N={} at {}: {} {} with {} cores busy, reading {:.1f} GB/s{}{}.", short_count(p.n), workers_text(*best),
                                     best->backend, speedup_text(s, true), cores(s.parallelism), s.bytes_per_second / 1e9, ceiling,
                                     capped ? ": the cores are busy but wait on the same memory" : ": memory did not cap it at this size"),
                         table_anchor(p)});
}

// The rows that take their own 1-worker run as baseline and name a model (python:threads,
// python:processes): at the largest sum N each ran and the main thread count, its speedup against
// its own 1 worker and the cores it kept busy; then the same for wait. The GIL's lesson, measured.
void interpreter_line(const CompareOptions& o, const std::vector<BackendBinary>& backends, const std::vector<Run>& runs, const Analysis& a,
                      Summary& out) {
    std::string sum, wait, evidence;
    const unsigned t = main_threads(o, "sum");
    if (t < 2) return;  // the question needs two workers at once
    for (const BackendBinary& b : backends) {
        if (!b.own_baseline || b.row_model.empty()) continue;
        const Run* best = nullptr;  // the largest N this row ran at t workers
        for (const Run& r : runs)
            if (r.backend == b.name && r.workload == "sum" && r.threads == t && r.measured() && a.of(runs, r).speedup && (!best || r.n > best->n)) best = &r;
        if (best) {
            const ConfigStats& s = a.of(runs, *best);
            sum += fmt::format("{}{} {} at parallelism {} (sum N={}, {})", sum.empty() ? "" : "; ", b.name, speedup_text(s, true), cores(s.parallelism),
                               short_count(best->n), workers_text(*best));
            if (evidence.empty()) evidence = table_anchor(best->point());
        }
        for (const Run& r : runs)
            if (r.backend == b.name && r.workload == "wait" && r.threads == main_threads(o, "wait") && r.measured() && a.of(runs, r).speedup)
                wait += fmt::format("{}{} {}", wait.empty() ? "" : ", ", b.name, speedup_text(a.of(runs, r), true));
    }
    if (sum.empty()) return;
    out.lines.push_back({"Do Python threads compute in parallel?",
                         fmt::format("Against each row's own 1 worker: {}{}. Threads share one interpreter lock (the GIL), so they take turns "
                                     "computing; processes each have their own.", sum, wait.empty() ? "" : "; waiting: " + wait),
                         evidence});
}

// The placement probe (SweepRecord::placement) as sentences to close the answer on waiting for a
// CPU; empty when it was not measured. Past half the tries beside, it says what that does to a call.
std::string placement_text(const Placement& p) {
    if (!p.measured()) return "";
    std::string text = fmt::format(
        " Before the sweep, with another CPU allowed, a sleeping thread that a busy thread woke first ran on the waker's CPU in {} of "
        "{} tries ({} from the wake to running, median), and a thread a busy thread started ran on the starter's CPU in {} of {}.",
        p.woken_beside, p.trials, duration_text(p.wake_median_s), p.started_beside, p.trials);
    if (2 * std::max(p.woken_beside, p.started_beside) >= p.trials)
        text += " This OS puts a thread beside the one that woke or started it: until it moves one (milliseconds later), a call's "
                "pieces take turns on one CPU.";
    return text;
}

// Whether each thread got a CPU of its own (ConfigStats::waited_for_cpu): the rows whose own threads
// waited for a CPU a notable share of the time — one backend's up to three, or with several
// backends how many rows and each backend's worst (up to four, the longest first) — against the
// most any other backend's rows waited. Only where the figure was measured.
void waiting_line(const std::vector<Run>& runs, const Analysis& a, Summary& out) {
    std::vector<std::pair<std::string, std::vector<const Run*>>> notable;  // backend, its rows, in run order of the backends
    double others = 0;  // the most any row of a backend not named waited
    bool measured = false, any_other = false;
    for (const Run& r : runs) {
        const double w = a.of(runs, r).waited_for_cpu;
        if (std::isnan(w)) continue;
        measured = true;
        if (w < waited_notable) continue;
        auto entry = std::find_if(notable.begin(), notable.end(), [&](const auto& e) { return e.first == r.backend; });
        if (entry == notable.end()) entry = notable.insert(notable.end(), {r.backend, {}});
        entry->second.push_back(&r);
    }
    if (!measured) return;
    for (const Run& r : runs) {
        const double w = a.of(runs, r).waited_for_cpu;
        if (!std::isnan(w) && std::none_of(notable.begin(), notable.end(), [&](const auto& e) { return e.first == r.backend; }))
            others = std::max(others, w), any_other = true;
    }
    const char* question = "Did every thread get a CPU of its own?";
    if (notable.empty()) {
        out.lines.push_back({question,
                             fmt::format("Yes: with a CPU per thread, no row's threads waited for a CPU more than {:.0f}% of the time (PSI cpu some).{}",
                                         others * 100, placement_text(a.record.placement)),
                             ""});
        return;
    }
    for (auto& [backend, rows] : notable)
        std::stable_sort(rows.begin(), rows.end(), [&](const Run* x, const Run* y) { return a.of(runs, *x).waited_for_cpu > a.of(runs, *y).waited_for_cpu; });
    const auto at = [&](const Run& r) {
        return fmt::format("{:.0f}% at {} ({})", a.of(runs, r).waited_for_cpu * 100, point_title(r.point()), workers_text(r));
    };
    std::string named;
    if (notable.size() == 1) {  // one backend: its rows, at most three
        const auto& [backend, rows] = notable.front();
        for (std::size_t k = 0; k < rows.size() && k < 3; ++k) named += (k ? ", " : "") + at(*rows[k]);
        if (rows.size() > 3) named += fmt::format(" and {} more", rows.size() - 3);
        named = fmt::format("{}'s threads waited {}", backend, named);
    } else {  // several: how many rows, then each backend's worst row, the worst first, at most four
        std::stable_sort(notable.begin(), notable.end(), [&](const auto& x, const auto& y) {
            return a.of(runs, *x.second.front()).waited_for_cpu > a.of(runs, *y.second.front()).waited_for_cpu;
        });
        std::size_t rows = 0;
        for (const auto& e : notable) rows += e.second.size();
        named = fmt::format("the threads of {} rows waited for a CPU {:.0f}% of the time or more; the worst row of each backend: ", rows,
                            waited_notable * 100);
        for (std::size_t k = 0; k < notable.size() && k < 4; ++k)
            named += fmt::format("{}{} {}", k ? ", " : "", notable[k].first, at(*notable[k].second.front()));
        if (notable.size() > 4) named += fmt::format(" and {} more backend{}", notable.size() - 4, notable.size() == 5 ? "" : "s");
    }
    out.lines.push_back({question,
                         fmt::format("Not always: with a CPU per thread and no other work beside them (PSI cpu some), {}{}. Where a thread runs "
                                     "is the OS's choice: one it puts beside a busy thread waits while another CPU is idle (docs/benchmarks.md, "
                                     "\"A thread started per call goes where the OS puts it\").{}",
                                     named, any_other ? fmt::format("; every other backend's rows at most {:.0f}%", others * 100) : "",
                                     placement_text(a.record.placement)),
                         table_anchor(notable.front().second.front()->point())});
}

// Parallelism inside one core beside parallelism across cores (--simd): the fastest one-core path
// against the exact 128-bit loop, then two threads on that path against one.
void simd_line(const Analysis& a, Summary& out) {
    const SimdTable& t = a.simd;
    const SimdEntry* lanes = t.fastest_one_core();
    const auto exact = std::find_if(t.entries.begin(), t.entries.end(), [](const SimdEntry& e) { return e.kernel == "exact" && e.threads == 1; });
    if (!lanes || exact == t.entries.end()) return;
    if (&*exact == lanes) {  // seen in the ASan -O1 build, where the vector paths spill to checked memory: said, not hidden
        out.lines.push_back({"How much parallelism is inside one core?",
                             fmt::format("At sum N={} on one core no vector path ran faster than the exact 128-bit loop ({:.3f} ns/element) in "
                                         "this run: the machine did not let the lanes show.",
                                         short_count(t.n), exact->ns_per_element),
                             "simd"});
        return;
    }
    if (!lanes->speedup) return;
    std::string text = fmt::format("At sum N={} on one core, the {} path ran {} as fast as the exact 128-bit loop ({:.3f} vs {:.3f} ns/element)",
                                   short_count(t.n), lanes->kernel, ratio_text(*lanes->speedup, lanes->enough_pairs), lanes->ns_per_element,
                                   exact->ns_per_element);
    const SimdEntry* across = t.across_cores();
    if (across && t.cores && across->speedup) {
        const bool gained = t.cores_enough && t.cores->lo > 1;
        text += fmt::format("; {} threads on {} ran {} as fast as one ({:.1f}x over exact){}", across->threads, across->kernel,
                            ratio_text(*t.cores, t.cores_enough), across->speedup->mid,
                            gained ? ": lanes are parallelism inside one instruction stream, cores are more instruction streams, and the two multiply"
                                   : ": the second core's gain is not decided in this run");
    }
    out.lines.push_back({"How much parallelism is inside one core?", text + ".", "simd"});
}

// "977 elements (1.2 µs of work)": a task's size in elements and in serial's time.
std::string task_size_text(const TaskPoint& p) {
    return fmt::format("{} elements{}", grouped(static_cast<u64>(std::llround(p.leaf_elements))),
                       std::isnan(p.leaf_ns) ? "" : " (" + duration_text(p.leaf_ns / 1e9) + " of work)");
}

// The tree workload: from which task size each backend's tasks pay, and what one costs.
void tasks_line(const std::vector<BackendBinary>& backends, const Analysis& a, Summary& out) {
    std::vector<const TaskCurve*> curves;
    for (const BackendBinary& b : backends)
        if (const TaskCurve* c = a.main_curve(b.name)) curves.push_back(c);
    if (curves.empty()) return;
    const auto cost = [](const TaskCurve* c) { return c->cheapest() ? c->cheapest()->cost_ns->mid : std::numeric_limits<double>::infinity(); };
    std::stable_sort(curves.begin(), curves.end(), [&](const TaskCurve* x, const TaskCurve* y) { return cost(x) < cost(y); });
    std::vector<std::string> pays, costs;
    for (const TaskCurve* c : curves) {
        const std::string who = fmt::format("{} ({} thread{})", c->backend, c->threads, c->threads == 1 ? "" : "s");
        if (c->metg) {
            const TaskPoint& p = c->points[*c->metg];
            pays.push_back(fmt::format("{} from {}, {:.0f}% [{:.0f}–{:.0f}]", who, task_size_text(p), p.efficiency->mid * 100, p.efficiency->lo * 100,
                                       p.efficiency->hi * 100));
        } else {
            pays.push_back(fmt::format("{} at no cut-off swept", who));
        }
        if (const TaskPoint* p = c->cheapest())
            costs.push_back(c->backend + " " + nanoseconds_text(*p->cost_ns));
    }
    std::string text = fmt::format("On the tree of tasks (N={}; efficiency against serial's tree at the same cut-off), a task paid for itself "
                                   "(50% efficiency or more at it and every larger one): {}",
                                   short_count(curves.front()->n), fmt::join(pays, "; "));
    if (!costs.empty()) text += fmt::format(". One task cost, at the smallest cut-off: {}", fmt::join(costs, ", "));
    out.lines.push_back({"How small may a task be?", text + ".", "tasks"});
}

}  // namespace

unsigned main_threads(const CompareOptions& o, const std::string& workload) {
    const unsigned cpus = available_cpus();
    const auto& swept = o.threads_for(workload);
    unsigned best = 0, smallest = 0;
    for (unsigned t : swept) {
        if (t <= cpus && t > best) best = t;
        if (!smallest || t < smallest) smallest = t;
    }
    return best ? best : std::max(smallest, 1u);
}

std::string table_anchor(const std::string& workload, const std::string& order, u64 n) {
    std::string id = "table-" + workload;
    if (!order.empty()) id += "-" + order;
    if (workload != "wait") id += "-" + short_count(n);
    std::string clean;
    for (char c : id)
        if (std::isalnum(static_cast<unsigned char>(c)) || c == '-') clean += c;
    return clean;
}

std::string load_text(const LoadSample& before, const LoadSample& after) {
    if (before.busy < 0 || after.busy < 0) return "Machine load: unknown (/proc/stat unreadable).";
    return fmt::format("Machine: other work kept {:.0f}% of CPU time busy before the sweep and {:.0f}% after (0.3 s samples while nothing of "
                       "ours ran; the 1-minute load averages, {:.2f} and {:.2f}, also count the minute before, our own processes included).",
                       before.busy * 100, after.busy * 100, before.load1, after.load1);
}

nlohmann::json summary_json(const Summary& summary, const CompareOptions& o) {
    nlohmann::json lines = nlohmann::json::array();
    for (const SummaryLine& l : summary.lines) lines.push_back({{"question", l.question}, {"answer", l.answer}, {"evidence", l.evidence}});
    nlohmann::json threads = nlohmann::json::object();
    for (const auto& workload : o.workloads) threads[workload] = main_threads(o, workload);
    return {{"lines", lines}, {"noise", summary.noise}, {"main_threads", threads}};
}

std::string machine_text(const Analysis& a) {
    if (a.machine.processes == 0) return load_text(a.record.before, a.record.after);
    std::string text = fmt::format("While the backends ran, other work took a median {:.0f}% (at most {:.0f}%) of the CPU time beside each of "
                                   "the {} processes",
                                   a.machine.foreign_median * 100, a.machine.foreign_max * 100, a.machine.processes);
    if (a.machine.steal_seconds > 0) text += fmt::format(", the hypervisor stole {:.2f} s", a.machine.steal_seconds);
    if (a.machine.run_delay_seconds > 0)
        text += fmt::format(", tasks waited {:.2f} s for a CPU machine-wide (PSI cpu some)", a.machine.run_delay_seconds);
    if (a.disturbed.count)
        text += fmt::format("; {} process{} disturbed ({} re-run, {} left out of the estimates)", a.disturbed.count, a.disturbed.count == 1 ? " was" : "es were",
                            a.disturbed.rerun, a.disturbed.excluded);
    else
        text += "; no process was disturbed";
    return text + ".";
}

Summary summarise(const CompareOptions& o, const std::vector<BackendBinary>& backends, const std::vector<Run>& runs, const Analysis& a) {
    Summary out;
    wait_line(o, backends, runs, a, out);
    sum_line(o, backends, runs, a, out);
    concurrency_line(o, backends, runs, a, out);
    waiting_line(runs, a, out);
    schedule_lines(o, runs, a, out);
    memory_line(o, backends, runs, a, out);
    interpreter_line(o, backends, runs, a, out);
    simd_line(a, out);
    tasks_line(backends, a, out);
    std::string noise;
    if (!a.noise.empty())
        noise = fmt::format("Noise floor {:.1f}%: identical work (serial and each backend at 1 thread) differed by up to that; "
                            "no answer rests on a smaller difference. ",
                            a.noise_max * 100);
    noise += machine_text(a);
    out.noise = noise;
    return out;
}

}  // namespace sumsq::compare
