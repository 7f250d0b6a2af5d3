#include "report.hpp"

#include "contract/reference.hpp"
#include "text/csv.hpp"
#include "disturbance.hpp"
#include "text/numbers.hpp"
#include "record/views.hpp"

#include <fmt/format.h>
#include <fmt/ostream.h>

#include <algorithm>
#include <cstdint>


namespace sumsq {
namespace {

bool is_wait(const RunReport& r) { return r.options.workload == Workload::wait; }

// Elements summed per repetition (sum, jobs, array) or steps run (wait).
double work_items(const RunReport& r) {
    return is_wait(r) ? double(r.options.wait.tasks) * r.options.wait.steps : double(r.options.n);
}

double largest_job_share(const RunReport& r) {
    if (r.job_sizes.empty() || r.options.n == 0) return 0;
    return double(*std::max_element(r.job_sizes.begin(), r.job_sizes.end())) / double(r.options.n);
}

double bytes_per_second(const RunReport& r) {
    const double wall = r.timing.wall().median;
    return wall > 0 ? double(r.options.n) * sizeof(std::uint32_t) / wall : 0;
}

// The effective schedule, defaults made explicit (schedule.hpp): `name` is the short label.
nlohmann::json schedule_json(const RunReport& r) {
    const BackendInfo& info = *r.info;
    const Schedule& s = r.options.backend.schedule;
    const bool jobs = r.options.workload == Workload::jobs;
    const u64 count = jobs ? r.options.jobs.jobs : r.options.n;
    const u64 default_chunk = jobs ? 1 : Work::default_element_chunk;
    nlohmann::json j = {{"kind", nullptr}, {"chunk", nullptr}, {"partitioner", nullptr}, {"grain", nullptr}, {"nested", s.nested}};
    if (!info.schedules.empty()) {
        j["kind"] = schedule_kind_name(s.kind);
        j["chunk"] = effective_chunk(s, count, r.options.backend.threads, default_chunk);
        j["name"] = s.chunk ? fmt::format("{},{}", schedule_kind_name(s.kind), s.chunk) : std::string(schedule_kind_name(s.kind));
    } else if (info.takes_partitioner) {
        j["kind"] = "work-stealing";
        j["partitioner"] = partitioner_name(s.partitioner);
        j["grain"] = effective_grain(s, default_chunk);
        j["name"] = s.grain ? fmt::format("{},grain={}", partitioner_name(s.partitioner), s.grain) : std::string(partitioner_name(s.partitioner));
    } else {
        j["kind"] = j["name"] = info.fixed_schedule;
    }
    return j;
}

nlohmann::json concurrency_json(const RunReport& r) {
    return r.concurrency ? nlohmann::json(*r.concurrency) : nlohmann::json(nullptr);
}

// ns → seconds; -1 (not known from this source) → null.
nlohmann::json seconds_or_null(std::int64_t ns) { return ns < 0 ? nlohmann::json(nullptr) : nlohmann::json(double(ns) / 1e9); }
nlohmann::json count_or_null(std::int64_t n) { return n < 0 ? nlohmann::json(nullptr) : nlohmann::json(n); }

// The recorded run's threads, joined with what the OS did (docs/json.md, "workers").
nlohmann::json os_workers_json(const record::Accounts& a) {
    const bool slices = a.source == record::Source::switch_records;
    const double wall = double(a.wall_ns);
    const auto share = [&](std::int64_t ns) { return ns < 0 || wall <= 0 ? nlohmann::json(nullptr) : nlohmann::json(double(ns) / wall); };
    nlohmann::json workers = nlohmann::json::array();
    for (const record::ThreadAccount& t : a.threads)
        workers.push_back({{"thread", t.thread + 1}, {"os_thread", t.os_thread}, {"tasks", t.tasks}, {"stretches", t.stretches},
                           {"busy_seconds", double(t.busy_ns) / 1e9}, {"stretch_seconds", double(t.stretch_ns) / 1e9},
                           {"on_cpu_seconds", seconds_or_null(t.on_cpu_ns)},
                           {"outside_tasks_seconds", t.on_cpu_ns < 0 ? nlohmann::json(nullptr) : nlohmann::json(double(std::max<std::int64_t>(t.on_cpu_ns - t.busy_ns, 0)) / 1e9)},
                           {"waiting_for_cpu_seconds", seconds_or_null(t.waiting_ns)}, {"blocked_seconds", seconds_or_null(t.blocked_ns)},
                           {"on_cpu_share", share(t.on_cpu_ns)}, {"waiting_for_cpu_share", share(t.waiting_ns)}, {"blocked_share", share(t.blocked_ns)},
                           {"preemptions", count_or_null(t.preemptions)}, {"voluntary_switches", count_or_null(t.voluntary_switches)},
                           {"slices", slices ? nlohmann::json(t.slices) : nlohmann::json(nullptr)}, {"cpus", t.cpus},
                           {"started_during_run", t.born}, {"exited_during_run", t.exited}});
    return workers;
}

nlohmann::json os_json(const record::Accounts& a) {
    nlohmann::json cpus = nlohmann::json::array();
    for (const record::CpuBusy& c : a.cpus)
        cpus.push_back({{"cpu", c.cpu}, {"busy_seconds", double(c.busy_ns) / 1e9}, {"busy_share", a.wall_ns > 0 ? double(c.busy_ns) / double(a.wall_ns) : 0.0}});
    const bool records = a.source == record::Source::switch_records;
    return {{"source", record::source_name(a.source)},
            {"fallback_reason", records ? nlohmann::json(nullptr) : nlohmann::json(a.fallback_reason)},
            {"switch_records", records ? nlohmann::json(a.switch_records) : nlohmann::json(nullptr)},
            {"lost_records", records ? nlohmann::json(a.lost_records) : nlohmann::json(nullptr)},
            {"wall_seconds", double(a.wall_ns) / 1e9},
            {"cpu_seconds", double(a.cpu_ns) / 1e9},
            {"in_tasks_seconds", double(a.in_tasks_ns) / 1e9},
            {"parallelism", a.parallelism()},
            {"useful_parallelism", a.useful_parallelism()},
            {"outside_tasks_parallelism", std::max(a.parallelism() - a.useful_parallelism(), 0.0)},
            {"imbalance", a.imbalance()},
            {"cpus", std::move(cpus)}};
}

std::string percent(std::int64_t part, std::int64_t whole) {
    return whole > 0 && part >= 0 ? fmt::format("{:.0f}%", 100.0 * double(part) / double(whole)) : "?";
}

// "on CPU 50%, waiting for a CPU 48%, blocked 2%; 19 preemptions, 1 voluntary; in tasks …": one thread of the recorded run.
std::string thread_shares(const record::ThreadAccount& t, std::int64_t wall_ns) {
    std::string text = fmt::format("on CPU {}", percent(t.on_cpu_ns, wall_ns));
    if (t.waiting_ns >= 0) text += fmt::format(", waiting for a CPU {}, blocked {}", percent(t.waiting_ns, wall_ns), percent(t.blocked_ns, wall_ns));
    if (t.preemptions >= 0)
        text += fmt::format("; {} preemption{}, {} voluntary", t.preemptions, t.preemptions == 1 ? "" : "s", t.voluntary_switches);
    text += fmt::format("; in tasks {} ({} task{}); CPU {}", duration_text(double(t.busy_ns) / 1e9), t.tasks, t.tasks == 1 ? "" : "s",
                        record::cpu_list(t.cpus));
    if (t.exited) text += "; exited during the run";
    return text;
}

// What ran, how often, how long, and on what: the fields every report has.
nlohmann::json run_json(const RunReport& r) {
    const Stats wall = r.timing.wall(), cpu = r.timing.cpu();
    return {
        {"backend", r.info->name},
        {"model", r.info->model},
        {"workload", workload_name(r.options.workload)},
        {"threads", r.options.backend.threads},
        {"threads_requested", r.threads_requested ? r.threads_requested : r.options.backend.threads},
        {"ok", r.ok},
        {"reps", r.options.reps},
        {"warmup", r.options.warmup},
        {"idle_ms", r.options.idle_ms},
        {"wall_seconds", {{"median", wall.median}, {"min", wall.min}, {"max", wall.max}, {"all", r.timing.wall_seconds}}},
        {"cpu_seconds", {{"median", cpu.median}, {"min", cpu.min}, {"max", cpu.max}, {"all", r.timing.cpu_seconds}}},
        {"concurrency", concurrency_json(r)},
        {"parallelism", r.timing.parallelism()},
        {"cpus_allowed", r.cpus_allowed},
        {"cpus_seen", r.cpus_seen},
        {"parallelism_wall_seconds", r.timing.parallelism_wall_seconds},
        {"disturbed", disturbed_json(r.timing, !is_wait(r))},
        {"timer_overhead_seconds", r.timer_overhead_seconds},
        {"environment", r.environment},
    };
}

// The computed workloads (sum, jobs, array): the result against the oracle, and how it was split.
void add_result_json(nlohmann::json& j, const RunReport& r) {
    const double wall_median = r.timing.wall().median;
    j["n"] = r.options.n;
    j["result"] = to_decimal(*r.result);
    j["expected"] = to_decimal(*r.expected);
    j["elements_per_second"] = wall_median > 0 ? work_items(r) / wall_median : 0.0;
    j["schedule"] = r.tree ? nlohmann::json{{"kind", "tree"}, {"chunk", nullptr}, {"partitioner", nullptr}, {"grain", nullptr}, {"nested", false}, {"name", "tree"}}
                           : schedule_json(r);
    if (!r.info->combines.empty())  // --combine: how the partial sums met; every: units between adds, null = once
        j["combine"] = {{"name", combine_name(r.options.backend.combine.how)},
                        {"every", r.options.backend.combine.every ? nlohmann::json(r.options.backend.combine.every) : nlohmann::json(nullptr)}};
    if (!r.ok && r.result && r.expected) j["lost_fraction"] = lost_fraction(*r.result, *r.expected);
    if (r.info->splits_into_tasks && r.options.workload != Workload::jobs)
        j["tasks"] = r.options.backend.tasks, j["step"] = r.options.backend.step;
    if (r.info->splits_into_tasks && r.options.workload == Workload::jobs) j["step"] = r.options.backend.step;
}

// The workload's own fields: the jobs' plan and sizes, the array's fill, the wait tasks' order.
void add_workload_json(nlohmann::json& j, const RunReport& r) {
    if (r.options.workload == Workload::jobs) {
        const JobsPlan& plan = r.options.jobs;
        j["jobs"] = plan.jobs, j["skew"] = plan.skew, j["order"] = order_name(plan.order);
        j["seed"] = std::to_string(plan.seed);  // a u64: a string, like result (JSON numbers lose digits past 2^53)
        j["largest_job_share"] = largest_job_share(r);
        if (r.job_sizes.size() <= 10'000) j["job_sizes"] = r.job_sizes;
    } else if (r.options.workload == Workload::array) {
        j["bytes_per_second"] = bytes_per_second(r);
        j["fill"] = name_of(fill_names, r.options.fill);
        j["fill_seconds"] = r.fill_seconds;
    } else if (r.tree) {
        const TreeReport& t = *r.tree;
        j["cutoff"] = t.cutoff, j["tasks"] = t.tasks, j["splits"] = t.shape.splits, j["leaves"] = t.shape.leaves, j["depth"] = t.shape.depth;
        j["mean_leaf_elements"] = t.shape.leaves ? double(r.options.n) / double(t.shape.leaves) : 0.0;
        j["spawn_levels"] = r.info->tree_spawn_levels;
        j["serial_tree_seconds"] = t.serial_seconds.empty() ? nlohmann::json(nullptr) : nlohmann::json(summarize(t.serial_seconds).median);
        j["task_cost_ns"] = t.task_cost_ns ? nlohmann::json(*t.task_cost_ns) : nlohmann::json(nullptr);
    } else if (is_wait(r)) {
        j["tasks"] = r.options.wait.tasks;
        j["steps"] = r.options.wait.steps;
        j["wait_ms"] = r.options.wait.wait.count();
        j["serial_seconds"] = double(r.options.wait.tasks) * r.options.wait.steps * r.options.wait.wait.count() / 1e3;
        nlohmann::json order = nlohmann::json::array();
        for (const auto& step : r.steps) order.push_back(WaitWorkload::step_line(step));
        j["step_order"] = std::move(order);
    }
}

nlohmann::json bind_json(const Binding& b) {
    return {{"policy", bind_name(b.policy)}, {"applied", b.active()},
            {"reason", b.policy == BindPolicy::none || b.active() ? nlohmann::json(nullptr) : nlohmann::json(b.refusal())}};
}

// Per-worker figures: from the recorded run with what the OS did, else from the last timed repetition.
void add_workers_json(nlohmann::json& j, const RunReport& r) {
    if (r.os) {
        j["workers"] = os_workers_json(*r.os);
        j["imbalance"] = r.os->imbalance();
        j["workers_from"] = "recorded_run";
    } else if (r.concurrency) {
        nlohmann::json workers = nlohmann::json::array();
        for (const auto& w : r.workers)
            workers.push_back({{"thread", w.thread + 1}, {"os_thread", w.os_thread}, {"busy_seconds", double(w.busy_ns) / 1e9}, {"tasks", w.tasks}, {"cpus", w.cpus}});
        j["workers"] = std::move(workers);
        j["imbalance"] = r.imbalance;
        j["workers_from"] = "last_timed_repetition";
    }
}

void print_workload(std::ostream& out, const RunReport& r) {
    if (r.options.workload == Workload::sum) {
        fmt::print(out, "  workload     sum of i*i for i in [0, N)\n");
        fmt::print(out, "  N            {}\n", grouped(r.options.n));
    } else if (r.options.workload == Workload::jobs) {
        const JobsPlan& plan = r.options.jobs;
        fmt::print(out, "  workload     jobs: {} jobs, job j sums i*i over [0, n_j); the n_j add up to N\n", plan.jobs);
        fmt::print(out, "  N            {}  ({} order, seed {}, skew {}; the largest job is {:.1f}% of N)\n", grouped(r.options.n),
                   order_name(plan.order), plan.seed, plan.skew, 100 * largest_job_share(r));
    } else if (r.options.workload == Workload::array) {
        fmt::print(out, "  workload     array: sum of a[i]*a[i] over a stored array a[i] = i of N u32 values\n");
        fmt::print(out, "  N            {}  ({} bytes, written by {} in {}, untimed)\n", grouped(r.options.n), grouped(4 * r.options.n),
                   r.options.fill == Fill::workers ? "the workers" : "one thread", duration_text(r.fill_seconds));
    } else if (r.tree) {
        const TreeReport& t = *r.tree;
        fmt::print(out, "  workload     tree: S(0, N) halved recursively down to leaves of at most {} elements, a task per split\n", grouped(t.cutoff));
        fmt::print(out, "  N            {}  ({} lea{} of {:.4g} elements on average, {} level{} of splits; {} task{} spawned)\n", grouped(r.options.n),
                   grouped(t.shape.leaves), t.shape.leaves == 1 ? "f" : "ves", t.shape.leaves ? double(r.options.n) / double(t.shape.leaves) : 0.0,
                   t.shape.depth, t.shape.depth == 1 ? "" : "s", grouped(t.tasks), t.tasks == 1 ? "" : "s");
    } else {
        const auto& p = r.options.wait;
        fmt::print(out, "  workload     wait: {} tasks x {} steps x {} ms (one after another: {})\n", p.tasks, p.steps,
                   p.wait.count(), duration_text(double(p.tasks) * p.steps * double(p.wait.count()) / 1e3));
    }
}

void print_threads(std::ostream& out, const RunReport& r) {
    if (r.info->multi_process) fmt::print(out, "  ranks        {} (MPI processes)\n", r.processes);
    fmt::print(out, "  threads      {}{}", r.options.backend.threads, r.info->multi_process ? " per rank" : "");
    if (r.info->splits_into_tasks && !is_wait(r))
        fmt::print(out, " (tasks {}, step {})", r.options.workload == Workload::jobs ? r.options.jobs.jobs : r.options.backend.tasks,
                   grouped(r.options.backend.step));
    fmt::print(out, "\n");
}

// The schedule with its effective chunk or grain, and how the partial sums combined.
void print_schedule(std::ostream& out, const RunReport& r) {
    const nlohmann::json s = schedule_json(r);
    std::string detail;
    if (!s["chunk"].is_null()) {
        const u64 chunk = s["chunk"].get<u64>();
        detail = fmt::format(" (chunks of {} {}{})", grouped(chunk), r.options.workload == Workload::jobs ? "job" : "element", chunk == 1 ? "" : "s");
    }
    if (!s["grain"].is_null()) detail = fmt::format(" (grain {})", grouped(s["grain"].get<u64>()));
    fmt::print(out, "  schedule     {}{}{}\n", s["name"].get<std::string>(), detail, s["nested"].get<bool>() ? ", large jobs split inside (--nested)" : "");
    if (!r.info->combines.empty()) {
        const CombineKnob& c = r.options.backend.combine;
        fmt::print(out, "  combine      {}{}\n", combine_name(c.how),
                   c.every ? fmt::format(", every {} {}{}", grouped(c.every), r.options.workload == Workload::jobs ? "job" : "element",
                                         c.every == 1 ? "" : "s")
                           : ", once per worker");
    }
}

// The kernel path, and the result against the oracle (or the wait tasks' steps).
void print_result(std::ostream& out, const RunReport& r) {
    if (!is_wait(r) && r.environment.contains("range_kernel"))
        fmt::print(out, "  kernel path  {}\n", r.environment["range_kernel"].get<std::string>());
    if (r.result) {
        fmt::print(out, "  result       {}\n", to_decimal(*r.result));
        fmt::print(out, "  expected     {}   {}\n", to_decimal(*r.expected),
                   r.ok ? "OK" : "MISMATCH: " + loss_text(lost_fraction(*r.result, *r.expected)));
    } else {
        fmt::print(out, "  steps        {}\n", r.ok ? "OK: every task completed every step in order" : "INCOMPLETE: " + r.problem);
    }
}

void print_cpus(std::ostream& out, const RunReport& r) {
    fmt::print(out, "  CPUs         seen {} (allowed {})", record::cpu_list(r.cpus_seen), record::cpu_list(r.cpus_allowed));
    if (const Binding& b = r.options.backend.bind; b.policy != BindPolicy::none)
        fmt::print(out, "; --bind {}: {}", bind_name(b.policy), b.active() ? "each worker pinned to one CPU" : "not applied, " + b.refusal());
    fmt::print(out, "\n");
}

// Wall and CPU time, concurrency and parallelism.
void print_timing(std::ostream& out, const RunReport& r) {
    const Stats wall = r.timing.wall(), cpu = r.timing.cpu();
    fmt::print(out, "  wall         median {}  (min {}, max {}; {} reps after {} warm-up)\n", duration_text(wall.median),
               duration_text(wall.min), duration_text(wall.max), r.options.reps, r.options.warmup);
    fmt::print(out, "  CPU          median {}\n", duration_text(cpu.median));
    if (r.concurrency)
        fmt::print(out, "  concurrency  {:.2f}  (Σ task spans / wall time: tasks in progress, running or waiting)\n", *r.concurrency);
    fmt::print(out, "  parallelism  {:.2f}  (CPU time / wall time over {}: CPUs busy)\n", r.timing.parallelism(),
               duration_text(r.timing.parallelism_wall_seconds));
}

// The recorded run as the OS saw it: where the figures come from, each thread's shares, useful
// parallelism and imbalance.
void print_os(std::ostream& out, const record::Accounts& a) {
    if (a.source == record::Source::switch_records)
        fmt::print(out, "  OS           switch records (perf_event_open) of one extra, untimed run of {}: {} records, {} lost{}\n",
                   duration_text(double(a.wall_ns) / 1e9), a.switch_records, a.lost_records,
                   a.lost_records ? " (a ring was full: the figures below miss those switches)" : "");
    else
        fmt::print(out, "  OS           thread CPU clocks of one extra, untimed run of {} (no switch records: {}): no slices, "
                        "waiting and blocked not told apart\n", duration_text(double(a.wall_ns) / 1e9), a.fallback_reason);
    for (const record::ThreadAccount& t : a.threads) fmt::print(out, "  thread {:<5} {}\n", t.thread + 1, thread_shares(t, a.wall_ns));
    fmt::print(out, "  useful       {:.2f}  (CPU time inside tasks / wall, recorded run; its parallelism {:.2f}: {:.2f} outside any task)\n",
               a.useful_parallelism(), a.parallelism(), std::max(a.parallelism() - a.useful_parallelism(), 0.0));
    fmt::print(out, "  imbalance    {:.2f}  (max / mean of the time on a CPU inside tasks, recorded run)\n", a.imbalance());
}

// Without the OS's record: each worker's wall time in tasks, last timed repetition.
void print_busy(std::ostream& out, const RunReport& r) {
    std::vector<std::string> busy;
    constexpr std::size_t shown = 8;  // a thread per task (the threads backend's tree) would be a thousand
    for (const auto& w : r.workers) {
        if (busy.size() == shown) {
            busy.push_back(fmt::format("… {} more threads", r.workers.size() - shown));
            break;
        }
        busy.push_back(fmt::format("{} ({} task{})", duration_text(double(w.busy_ns) / 1e9), w.tasks, w.tasks == 1 ? "" : "s"));
    }
    fmt::print(out, "  busy         {}; imbalance {:.2f} (max / mean of wall time in tasks, last repetition; --switches: time on a CPU)\n",
               fmt::join(busy, ", "), r.imbalance);
}

}  // namespace

nlohmann::json to_json(const RunReport& r) {
    nlohmann::json j = run_json(r);
    if (!is_wait(r)) add_result_json(j, r);
    add_workload_json(j, r);
    if (r.info->takes_bind) j["bind"] = bind_json(r.options.backend.bind);
    if (r.info->multi_process) j["ranks"] = r.processes, j["threads_per_rank"] = r.options.backend.threads;
    if (!r.problem.empty()) j["problem"] = r.problem;
    if (!r.trace_file.empty()) j["trace_file"] = r.trace_file;
    if (!r.timeline_file.empty()) j["timeline_file"] = r.timeline_file;
    add_workers_json(j, r);
    j["useful_parallelism"] = r.os ? nlohmann::json(r.os->useful_parallelism()) : nlohmann::json(nullptr);
    j["os"] = r.os ? os_json(*r.os) : nlohmann::json(nullptr);
    return j;
}

void print_table(std::ostream& out, const RunReport& r) {
    const Stats wall = r.timing.wall();
    fmt::print(out, "sumsq-{} — {}\n", r.info->name, r.info->model);
    print_workload(out, r);
    print_threads(out, r);
    if (!is_wait(r) && !r.tree) print_schedule(out, r);
    print_result(out, r);
    print_cpus(out, r);
    print_timing(out, r);
    if (r.os) print_os(out, *r.os);
    else if (r.concurrency && !r.workers.empty()) print_busy(out, r);
    if (!is_wait(r) && wall.median > 0 && r.options.n > 0)
        fmt::print(out, "  throughput   {:.3g} elements/s  ({:.3f} ns/element){}\n", work_items(r) / wall.median,
                   wall.median * 1e9 / double(r.options.n),
                   r.options.workload == Workload::array ? fmt::format("; {:.2f} GB/s read", bytes_per_second(r) / 1e9) : "");
    if (r.tree && r.tree->task_cost_ns)
        fmt::print(out, "  task cost    {:.0f} ns per task  (({} x wall - the same tree without tasks, {}) / {} tasks, medians)\n",
                   *r.tree->task_cost_ns, r.options.backend.threads, duration_text(summarize(r.tree->serial_seconds).median), grouped(r.tree->tasks));
    else if (r.tree && r.tree->tasks == 0 && r.info->tree_spawn_levels > 0)
        fmt::print(out, "  task cost    none: no task was spawned\n");
    fmt::print(out, "  timer cost   {} per timed region\n", duration_text(r.timer_overhead_seconds));
    if (!r.trace_file.empty()) fmt::print(out, "  trace        {}\n", r.trace_file);
    if (!r.timeline_file.empty()) fmt::print(out, "  timeline     {}\n", r.timeline_file);
}

void print_csv(std::ostream& out, const RunReport& r) {
    const Stats wall = r.timing.wall(), cpu = r.timing.cpu();
    const bool sum = !is_wait(r), ranks = r.info->multi_process;
    const double imbalance = r.os ? r.os->imbalance() : r.imbalance;
    out << csv_row({"backend", "workload", "n", "threads", "tasks", "result", "expected", "ok", "wall_median_s", "wall_min_s", "wall_max_s",
                    "cpu_median_s", "parallelism", "items_per_second", "concurrency", "imbalance", "schedule", "bytes_per_second",
                    "ranks", "threads_per_rank", "useful_parallelism"});
    out << csv_row({std::string(r.info->name), std::string(workload_name(r.options.workload)), sum ? std::to_string(r.options.n) : "",
                    std::to_string(r.options.backend.threads),
                    sum ? (r.info->splits_into_tasks ? std::to_string(r.options.backend.tasks) : "") : std::to_string(r.options.wait.tasks),
                    sum ? to_decimal(*r.result) : "", sum ? to_decimal(*r.expected) : "", r.ok ? "true" : "false",
                    fmt::format("{:.9g}", wall.median), fmt::format("{:.9g}", wall.min), fmt::format("{:.9g}", wall.max),
                    fmt::format("{:.9g}", cpu.median), fmt::format("{:.4f}", r.timing.parallelism()),
                    fmt::format("{:.6g}", wall.median > 0 ? work_items(r) / wall.median : 0.0),
                    r.concurrency ? fmt::format("{:.4f}", *r.concurrency) : "", r.concurrency || r.os ? fmt::format("{:.4f}", imbalance) : "",
                    sum ? schedule_json(r)["name"].get<std::string>() : "",
                    r.options.workload == Workload::array ? fmt::format("{:.6g}", bytes_per_second(r)) : "",
                    ranks ? std::to_string(r.processes) : "", ranks ? std::to_string(r.options.backend.threads) : "",
                    r.os ? fmt::format("{:.4f}", r.os->useful_parallelism()) : ""});
}

}  // namespace sumsq
