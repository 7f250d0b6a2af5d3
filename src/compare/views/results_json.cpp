#include "driver/cli.hpp"
#include "compare/run/launcher.hpp"
#include "text/csv.hpp"
#include "report.hpp"
#include "views.hpp"

#include <fmt/format.h>

#include <cmath>
#include <set>

namespace sumsq::compare {
namespace {

nlohmann::json number(double x) { return std::isnan(x) ? nlohmann::json(nullptr) : nlohmann::json(x); }

std::string csv_number(double x) { return std::isnan(x) ? "" : fmt::format("{:.6g}", x); }

std::vector<std::string> cpu_row_labels(const CompareOptions& o) {
    std::vector<std::string> labels;
    for (const auto& [backend, cpus] : o.cpu_rows) labels.push_back(backend + "@" + cpus);
    return labels;
}

std::vector<std::string> schedule_labels(const CompareOptions& o) {
    std::vector<std::string> labels;
    for (const auto& entry : o.schedules) labels.push_back(entry.label());
    return labels;
}

// The speedup and what it rests on: estimate, intervals, pairs, the decision.
void paired_fields(const ConfigStats& s, nlohmann::json& entry) {
    if (!s.speedup) return;
    entry["speedup"] = s.speedup->mid;
    entry["speedup_interval"] = {s.speedup->lo, s.speedup->hi};
    if (s.efficiency) {
        entry["efficiency"] = s.efficiency->mid;
        entry["efficiency_interval"] = {s.efficiency->lo, s.efficiency->hi};
    }
    if (s.serial_fraction) {  // Karp–Flatt, at P >= 2
        entry["serial_fraction"] = s.serial_fraction->mid;
        entry["serial_fraction_interval"] = {s.serial_fraction->lo, s.serial_fraction->hi};
    }
    entry["indistinguishable_from_serial"] = s.indistinguishable;
    entry["pairs"] = s.pairs;
    entry["pairs_disturbed"] = s.pairs_disturbed;
    entry["confidence"] = s.confidence;
    entry["enough_pairs"] = s.enough_pairs;
    entry["decided"] = s.decided;
    entry["undecided_reason"] = s.undecided_reason.empty() ? nlohmann::json(nullptr) : nlohmann::json(s.undecided_reason);
}

// Every measured process: its median and what other work cost it.
nlohmann::json processes_json(const ConfigStats& s) {
    nlohmann::json processes = nlohmann::json::array();
    for (const ProcessRecord& p : s.process_figures) {
        const Interference& f = p.interference;
        processes.push_back({{"wall_median", p.wall_median}, {"rep_min", p.rep_min}, {"rep_max", p.rep_max},
                             {"wall_seconds", f.wall_seconds}, {"cpus", f.cpus},
                             {"foreign_cpu_seconds", f.measured ? nlohmann::json(f.foreign_cpu_seconds) : nlohmann::json(nullptr)},
                             {"steal_seconds", f.measured ? nlohmann::json(f.steal_seconds) : nlohmann::json(nullptr)},
                             {"run_delay_seconds", f.run_delay_seconds >= 0 ? nlohmann::json(f.run_delay_seconds) : nlohmann::json(nullptr)},
                             {"involuntary_switches", f.involuntary_switches}, {"disturbed", p.disturbed},
                             {"reason", p.disturbed ? nlohmann::json(p.reason) : nlohmann::json(nullptr)}, {"round", p.round}, {"rerun", p.rerun}});
    }
    return processes;
}

// One run as results.json records it: the backend's own last report, the row, the analysis' figures.
nlohmann::json run_json(const CompareOptions& o, const Run& r, const ConfigStats& s) {
    nlohmann::json entry = r.data.is_object() ? r.data : nlohmann::json::object();
    entry.erase("environment");
    entry["backend"] = r.backend;
    entry["workload"] = r.workload;
    entry["threads"] = r.threads;  // asked for: the row's key (--diff keeps rows apart by it)
    entry["threads_obtained"] = r.obtained ? nlohmann::json(r.obtained) : nlohmann::json(nullptr);  // what the backend got
    entry.erase("threads_requested");  // the backend's own view of the same; "threads" above is the row's
    if (r.workload != "wait") entry["n"] = r.n;
    if (r.workload == "tree") entry["cutoff"] = std::stoull(r.variant);  // the tree's point: its cut-off
    else if (!r.variant.empty()) entry["order"] = r.variant;
    // Which row: the backend's own name and the knob the row sets (--schedules, --binds, --fills).
    entry["row"] = {{"backend", r.base.empty() ? r.backend : r.base}, {"schedule", r.row_schedule.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.row_schedule)},
                    {"bind", r.row_bind.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.row_bind)},
                    {"fill", r.row_fill.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.row_fill)},
                    {"model", r.row_model.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.row_model)},
                    {"combine", r.row_combine.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.row_combine)},
                    {"combine_every", r.row_combine_every ? nlohmann::json(r.row_combine_every) : nlohmann::json(nullptr)}};
    entry["speedup_baseline"] = r.own_baseline ? "own 1-worker run" : "serial";
    entry["status"] = status_label(r);  // "LOST 48.2%": a racy row, measured, wrong by design
    if (const double lost = r.lost_fraction(); !std::isnan(lost)) entry["lost_fraction"] = lost;
    if (!r.message.empty()) entry["message"] = r.message;
    if (r.processes && !o.hostfile.empty()) entry["hosts"] = ranks_per_host(o, r.threads);
    std::set<unsigned> rounds;  // the rounds it ran in (serial runs between the others, reruns repeat a round)
    for (const ProcessRecord& p : r.process_records) rounds.insert(p.round);
    entry["rounds"] = r.process_records.empty() ? r.reports.size() : rounds.size();
    entry["process_medians"] = r.process_medians();
    // Per-repetition data: every process's repetitions; median/min/max over processes.
    if (!r.reports.empty()) {
        nlohmann::json repetitions = nlohmann::json::array();
        for (const auto& report : r.reports) repetitions.push_back(report["wall_seconds"]["all"]);
        entry["wall_seconds"] = {{"median", number(s.median)}, {"min", number(s.low)}, {"max", number(s.high)}, {"all", repetitions.back()},
                                 {"rep_min", number(s.rep_min)}, {"rep_max", number(s.rep_max)}, {"by_process", repetitions},
                                 {"note", "median of the process medians; min/max: extreme process medians; rep_min/rep_max: fastest and slowest "
                                          "repetition of any kept process; all: the last process's repetitions"}};
        entry["parallelism"] = number(s.parallelism);
        entry["imbalance"] = number(s.imbalance);  // median over processes (the backend's own: its last process)
        entry["waited_for_cpu"] = number(s.waited_for_cpu);  // its own threads' waiting, share of the process time (PSI)
        if (r.workload == "array") entry["bytes_per_second"] = number(s.bytes_per_second);
        if (s.ceiling) entry["ceiling_fraction"] = *s.ceiling;
    }
    paired_fields(s, entry);
    entry["reruns"] = r.reruns;
    entry["processes"] = processes_json(s);
    if (s.scaling) entry["scaling"] = *s.scaling;
    return entry;
}

// "simd": per range-kernel path on one core, then the run across cores (--simd; [] without).
nlohmann::json simd_json(const SimdTable& t) {
    nlohmann::json list = nlohmann::json::array();
    for (const SimdEntry& e : t.entries) {
        nlohmann::json entry = {{"kernel", e.kernel}, {"backend", e.backend}, {"threads", e.threads}, {"n", t.n},
                                {"ns_per_element", e.ns_per_element}, {"processes", e.processes}, {"from_disturbed", e.from_disturbed}};
        entry["speedup"] = e.speedup ? nlohmann::json(e.speedup->mid) : nlohmann::json(nullptr);  // over exact
        entry["speedup_interval"] = e.speedup ? nlohmann::json({e.speedup->lo, e.speedup->hi}) : nlohmann::json(nullptr);
        entry["pairs"] = e.pairs;
        entry["enough_pairs"] = e.enough_pairs;
        if (e.threads > 1 && t.cores) {  // over one core on the same path
            entry["speedup_over_one_core"] = t.cores->mid;
            entry["speedup_over_one_core_interval"] = {t.cores->lo, t.cores->hi};
        }
        list.push_back(std::move(entry));
    }
    return list;
}

// "machine.placement": the probe before the sweep (os/placement.hpp), null when not measured.
nlohmann::json placement_json(const Placement& p) {
    if (!p.measured()) return nullptr;
    return {{"trials", p.trials}, {"woken_on_wakers_cpu", p.woken_beside}, {"started_on_starters_cpu", p.started_beside},
            {"wake_to_running_median_seconds", p.wake_median_s}};
}

}  // namespace

nlohmann::json results_json(const CompareOptions& o, const std::vector<Run>& runs, const Analysis& a) {
    nlohmann::json list = nlohmann::json::array();
    for (const Run& r : runs) list.push_back(run_json(o, r, a.of(runs, r)));
    nlohmann::json environment = sweep_environment(runs);
    if (o.has_workload("array")) {
        environment["read_bandwidth"] = to_json(a.record.bandwidth);
        if (a.record.bandwidth.measured) {
            environment["read_bandwidth"]["statistic"] = "the best of the measurements, each the best of sumsq-bandwidth's repetitions";
            environment["read_bandwidth"]["all_threads_measurements"] = a.record.bandwidth_samples;
        }
    }
    nlohmann::json json = {{"environment", environment},
            {"sweep", {{"sizes", o.sizes}, {"threads", o.threads}, {"workloads", o.workloads}, {"reps", o.reps}, {"wait_reps", o.wait_reps},
                       {"warmup", o.warmup}, {"tasks", o.tasks}, {"steps", o.steps}, {"wait_ms", o.wait_ms}, {"rounds", o.rounds}, {"budget_seconds", o.budget_s}, {"target", o.target}, {"confidence", o.confidence},
                       {"seed", std::to_string(o.seed)}, {"order", a.record.order},
                       {"job_sizes", o.job_sizes}, {"jobs", o.jobs}, {"job_seed", std::to_string(o.job_seed)}, {"skew", o.skew.empty() ? nlohmann::json(nullptr) : nlohmann::json(o.skew)}, {"orders", o.orders},
                       {"array_sizes", o.array_sizes}, {"binds", o.binds}, {"fills", o.fills}, {"array_rounds", o.rounds_for("array")}, {"array_threads", o.threads_for("array")}, {"job_threads", o.threads_for("jobs")},
                       {"schedules", schedule_labels(o)}, {"cpus", o.cpus.empty() ? nlohmann::json(nullptr) : nlohmann::json(o.cpus)},
                       {"cpu_rows", cpu_row_labels(o)}, {"simd", o.simd_n ? nlohmann::json(o.simd_n) : nlohmann::json(nullptr)}}},
            {"load", {{"before", to_json(a.record.before)}, {"after", to_json(a.record.after)}}},
            {"findings", findings_json(a)},
            {"disturbed_processes", {{"count", a.disturbed.count}, {"rerun", a.disturbed.rerun}, {"excluded", a.disturbed.excluded},
                                     {"threshold", o.disturbance_threshold}}},
            {"machine", {{"processes", a.machine.processes}, {"foreign_cpu_fraction_median", a.machine.foreign_median},
                         {"foreign_cpu_fraction_max", a.machine.foreign_max}, {"steal_seconds", a.machine.steal_seconds},
                         {"run_delay_seconds", a.machine.run_delay_seconds >= 0 ? nlohmann::json(a.machine.run_delay_seconds) : nlohmann::json(nullptr)},
                         {"placement", placement_json(a.record.placement)}}},
            {"runs", std::move(list)}};
    if (!o.hostfile.empty()) json["launcher"] = launcher_json(o);
    nlohmann::json absent = nlohmann::json::array();  // rows a backend declared it cannot run here (python:free-threaded)
    for (const auto& [row, why] : a.record.absent) absent.push_back({{"row", row}, {"reason", why}});
    json["absent"] = std::move(absent);
    json["simd"] = simd_json(a.simd);
    return json;
}

std::string results_csv(const std::vector<Run>& runs, const Analysis& a) {
    const unsigned cpus = available_cpus();
    std::string text = csv_row({"backend", "workload", "n", "threads", "status", "rounds", "wall_median_s", "wall_min_process_s",
                                "wall_max_process_s", "parallelism", "speedup", "speedup_lo", "speedup_hi", "efficiency", "efficiency_lo",
                                "efficiency_hi", "oversubscribed", "order", "schedule", "imbalance", "bytes_per_second", "ceiling_fraction", "threads_obtained",
                                "serial_fraction", "serial_fraction_lo", "serial_fraction_hi", "lost_fraction"});
    for (const Run& r : runs) {
        const ConfigStats& s = a.of(runs, r);
        auto interval = [](const std::optional<Interval>& i, double Interval::*part) { return i ? csv_number((*i).*part) : std::string(); };
        text += csv_row({r.backend, r.workload, r.workload != "wait" ? std::to_string(r.n) : "", std::to_string(r.threads), status_label(r),
                         std::to_string(s.processes), csv_number(s.median), csv_number(s.low), csv_number(s.high), csv_number(s.parallelism),
                         interval(s.speedup, &Interval::mid), interval(s.speedup, &Interval::lo), interval(s.speedup, &Interval::hi),
                         interval(s.efficiency, &Interval::mid), interval(s.efficiency, &Interval::lo), interval(s.efficiency, &Interval::hi),
                         r.oversubscribed(cpus) ? "true" : "false", r.variant, s.schedule, csv_number(s.imbalance), csv_number(s.bytes_per_second),
                         s.ceiling ? csv_number(*s.ceiling) : "", r.obtained ? std::to_string(r.obtained) : "",
                         interval(s.serial_fraction, &Interval::mid), interval(s.serial_fraction, &Interval::lo),
                         interval(s.serial_fraction, &Interval::hi), std::isnan(s.lost_fraction) ? "" : csv_number(s.lost_fraction)});
    }
    return text;
}

}  // namespace sumsq::compare
