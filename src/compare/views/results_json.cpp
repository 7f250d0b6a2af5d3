#include "driver/cli.hpp"
#include "compare/run/launcher.hpp"
#include "text/csv.hpp"
#include "report.hpp"
#include "views.hpp"

#include <fmt/format.h>

#include <cmath>

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

}  // namespace

nlohmann::json results_json(const CompareOptions& o, const std::vector<Run>& runs, const Analysis& a) {
    nlohmann::json list = nlohmann::json::array();
    for (const Run& r : runs) {
        const ConfigStats& s = a.of(runs, r);
        nlohmann::json entry = r.data.is_object() ? r.data : nlohmann::json::object();
        entry.erase("environment");
        entry["backend"] = r.backend;
        entry["workload"] = r.workload;
        entry["threads"] = r.threads;  // asked for: the row's key (--diff keeps rows apart by it)
        entry["threads_obtained"] = r.obtained ? nlohmann::json(r.obtained) : nlohmann::json(nullptr);  // what the backend got
        entry.erase("threads_requested");  // the backend's own view of the same; "threads" above is the row's
        if (r.workload != "wait") entry["n"] = r.n;
        if (!r.variant.empty()) entry["order"] = r.variant;
        // Which row: the backend's own name and the knob the row sets (--schedules, --binds, --fills).
        entry["row"] = {{"backend", r.base.empty() ? r.backend : r.base}, {"schedule", r.row_schedule.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.row_schedule)},
                        {"bind", r.row_bind.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.row_bind)},
                        {"fill", r.row_fill.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.row_fill)},
                        {"model", r.row_model.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.row_model)}};
        entry["speedup_baseline"] = r.own_baseline ? "own 1-worker run" : "serial";
        entry["status"] = status_text(r.status);
        if (!r.message.empty()) entry["message"] = r.message;
        if (r.processes && !o.hostfile.empty()) entry["hosts"] = ranks_per_host(o, r.threads);
        entry["rounds"] = r.reports.size();
        entry["process_medians"] = r.process_medians();
        // Per-repetition data: every process's repetitions; median/min/max over processes.
        if (!r.reports.empty()) {
            nlohmann::json repetitions = nlohmann::json::array();
            for (const auto& report : r.reports) repetitions.push_back(report["wall_seconds"]["all"]);
            entry["wall_seconds"] = {{"median", number(s.median)}, {"min", number(s.low)}, {"max", number(s.high)}, {"all", repetitions.back()},
                                     {"by_process", repetitions}, {"note", "median of the process medians; min/max: extreme process medians; all: the last process's repetitions"}};
            entry["parallelism"] = number(s.parallelism);
            entry["imbalance"] = number(s.imbalance);  // median over processes (the backend's own: its last process)
            if (r.workload == "array") entry["bytes_per_second"] = number(s.bytes_per_second);
            if (s.ceiling) entry["ceiling_fraction"] = *s.ceiling;
        }
        if (s.speedup) {
            entry["speedup"] = s.speedup->mid;
            entry["speedup_interval"] = {s.speedup->lo, s.speedup->hi};
            entry["efficiency"] = s.efficiency->mid;
            entry["efficiency_interval"] = {s.efficiency->lo, s.efficiency->hi};
            entry["indistinguishable_from_serial"] = s.indistinguishable;
        }
        if (s.scaling) entry["scaling"] = *s.scaling;
        list.push_back(std::move(entry));
    }
    nlohmann::json environment = sweep_environment(runs);
    if (o.has_workload("array")) environment["read_bandwidth"] = to_json(a.record.bandwidth);
    nlohmann::json json = {{"environment", environment},
            {"sweep", {{"sizes", o.sizes}, {"threads", o.threads}, {"workloads", o.workloads}, {"reps", o.reps}, {"wait_reps", o.wait_reps},
                       {"warmup", o.warmup}, {"tasks", o.tasks}, {"steps", o.steps}, {"wait_ms", o.wait_ms}, {"rounds", o.rounds},
                       {"seed", std::to_string(o.seed)}, {"order", a.record.order},
                       {"job_sizes", o.job_sizes}, {"jobs", o.jobs}, {"job_seed", std::to_string(o.job_seed)}, {"skew", o.skew.empty() ? nlohmann::json(nullptr) : nlohmann::json(o.skew)}, {"orders", o.orders},
                       {"array_sizes", o.array_sizes}, {"binds", o.binds}, {"fills", o.fills}, {"array_rounds", o.rounds_for("array")}, {"array_threads", o.threads_for("array")}, {"job_threads", o.threads_for("jobs")},
                       {"schedules", schedule_labels(o)}, {"cpus", o.cpus.empty() ? nlohmann::json(nullptr) : nlohmann::json(o.cpus)},
                       {"cpu_rows", cpu_row_labels(o)}}},
            {"load", {{"before", to_json(a.record.before)}, {"after", to_json(a.record.after)}}},
            {"findings", findings_json(a)},
            {"runs", std::move(list)}};
    if (!o.hostfile.empty()) json["launcher"] = launcher_json(o);
    nlohmann::json absent = nlohmann::json::array();  // rows a backend declared it cannot run here (python:free-threaded)
    for (const auto& [row, why] : a.record.absent) absent.push_back({{"row", row}, {"reason", why}});
    json["absent"] = std::move(absent);
    return json;
}

std::string results_csv(const std::vector<Run>& runs, const Analysis& a) {
    const unsigned cpus = available_cpus();
    std::string text = csv_row({"backend", "workload", "n", "threads", "status", "rounds", "wall_median_s", "wall_min_process_s",
                                "wall_max_process_s", "parallelism", "speedup", "speedup_lo", "speedup_hi", "efficiency", "efficiency_lo",
                                "efficiency_hi", "oversubscribed", "order", "schedule", "imbalance", "bytes_per_second", "ceiling_fraction", "threads_obtained"});
    for (const Run& r : runs) {
        const ConfigStats& s = a.of(runs, r);
        auto interval = [](const std::optional<Interval>& i, double Interval::*part) { return i ? csv_number((*i).*part) : std::string(); };
        text += csv_row({r.backend, r.workload, r.workload != "wait" ? std::to_string(r.n) : "", std::to_string(r.threads), status_text(r.status),
                         std::to_string(s.processes), csv_number(s.median), csv_number(s.low), csv_number(s.high), csv_number(s.parallelism),
                         interval(s.speedup, &Interval::mid), interval(s.speedup, &Interval::lo), interval(s.speedup, &Interval::hi),
                         interval(s.efficiency, &Interval::mid), interval(s.efficiency, &Interval::lo), interval(s.efficiency, &Interval::hi),
                         r.oversubscribed(cpus) ? "true" : "false", r.variant, s.schedule, csv_number(s.imbalance), csv_number(s.bytes_per_second),
                         s.ceiling ? csv_number(*s.ceiling) : "", r.obtained ? std::to_string(r.obtained) : ""});
    }
    return text;
}

}  // namespace sumsq::compare
