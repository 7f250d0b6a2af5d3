#include "sweep.hpp"

#include "child_process.hpp"
#include "driver/cli.hpp"
#include "launcher.hpp"
#include "stats/statistics.hpp"
#include "text/numbers.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>
#include <random>
#include <stdexcept>
#include <sstream>
#include <unistd.h>

namespace sumsq::compare {
namespace {

// The registry's list (sumsq-backends.txt, written by CMake) and the directory of the binaries it
// names, which sit beside it: this program's own directory in the build tree (bin/), or
// SUMSQ_INSTALLED_BACKEND_DIR relative to it (../libexec/sumsq) when installed. SUMSQ_BACKEND_LIST
// names another list (the tests' adds the test doubles), its binaries beside it too.
struct BackendList {
    std::string dir;
    std::vector<std::string> names;
};

BackendList built_backends(const std::string& program_dir) {
    namespace fs = std::filesystem;
    const char* override_list = std::getenv("SUMSQ_BACKEND_LIST");
    const fs::path build_tree = fs::path(program_dir) / "sumsq-backends.txt";
    const fs::path installed = (fs::path(program_dir) / SUMSQ_INSTALLED_BACKEND_DIR / "sumsq-backends.txt").lexically_normal();
    std::error_code error;
    const fs::path path = override_list ? fs::path(override_list) : fs::exists(build_tree, error) ? build_tree : installed;
    std::ifstream list(path);
    if (!list && errno != ENOENT) throw std::runtime_error(fmt::format("cannot read {}: {}", path.string(), std::strerror(errno)));  // e.g. EMFILE
    if (!list) {
        if (override_list) throw UsageError(fmt::format("cannot read {} (SUMSQ_BACKEND_LIST)", path.string()));
        throw UsageError(fmt::format("cannot read the backend list: neither {} (build tree) nor {} (installed) exists; rebuild or reinstall",
                                     build_tree.string(), installed.string()));
    }
    BackendList built{path.has_parent_path() ? path.parent_path().string() : ".", {}};
    for (std::string line; std::getline(list, line);)
        if (!line.empty()) built.names.push_back(line);
    return built;
}

std::string first_line(const std::string& text) {
    const auto end = text.find('\n');
    return text.substr(0, end);
}

// A backend's stderr without its warning lines ("sumsq-x: warning: …", e.g. a disturbed run),
// so that the line that says why it failed is the one reported.
std::string without_warnings(const std::string& err) {
    std::string kept;
    for (std::size_t start = 0; start < err.size();) {
        const std::size_t end = std::min(err.find('\n', start), err.size());
        const std::string line = err.substr(start, end - start);
        if (!(line.rfind("sumsq-", 0) == 0 && line.find(": warning: ") != std::string::npos)) kept += line + "\n";
        start = end + 1;
    }
    return kept;
}

struct Configuration {
    const BackendBinary* backend;
    Point point;
    unsigned threads;
};

const bool have_mpirun = on_path("mpirun");
constexpr unsigned warmup_cap_s = 3;
// Trials of each kind of the placement probe (os/placement.hpp): about 0.3 s on an idle machine.
constexpr unsigned placement_trials = 50;

// The launcher's environment: as root, Open MPI's mpirun refuses to start without these two.
std::vector<std::string> launcher_env(const BackendBinary& b) {
    if (!b.multi_process || ::geteuid() != 0) return {};
    return {"OMPI_ALLOW_RUN_AS_ROOT=1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1"};
}

std::vector<std::string> command(const CompareOptions& o, const Configuration& c) {
    std::vector<std::string> args;
    if (c.backend->multi_process) {
        if (have_mpirun) args = mpirun_command(o, c.threads);
        args.insert(args.end(), {c.backend->path, "--format", "json", "--threads", "1"});
    } else {
        args = {c.backend->path, "--format", "json"};
        if (!c.backend->one_thread) args.insert(args.end(), {"--threads", std::to_string(c.threads)});
    }
    if (!c.backend->cpus.empty()) args.insert(args.end(), {"--cpus", c.backend->cpus});
    const std::string& workload = c.point.workload;
    if (workload != "wait") {
        args.insert(args.end(), {"-n", std::to_string(c.point.n), "--reps", std::to_string(o.reps), "--warmup", std::to_string(o.warmup)});
        if (workload == "jobs")
        {
            args.insert(args.end(), {"--workload", "jobs", "--jobs", std::to_string(o.jobs), "--seed", std::to_string(o.job_seed), "--order",
                                     c.point.variant});
            if (!o.skew.empty()) args.insert(args.end(), {"--skew", o.skew});
        }
        if (workload == "array") args.insert(args.end(), {"--workload", "array"});
        if (workload == "tree") args.insert(args.end(), {"--workload", "tree", "--cutoff", c.point.variant});
    } else {
        args.insert(args.end(), {"--workload", "wait", "--reps", std::to_string(o.wait_reps), "--warmup", "0", "--tasks",
                                 std::to_string(o.tasks), "--steps", std::to_string(o.steps), "--wait-ms", std::to_string(o.wait_ms)});
    }
    args.insert(args.end(), c.backend->extra_args.begin(), c.backend->extra_args.end());
    return args;
}

Run run_one(const CompareOptions& o, const Configuration& c) {
    Run run;
    run.backend = c.backend->name;
    run.workload = c.point.workload;
    run.variant = c.point.variant;
    run.base = c.backend->base, run.row_schedule = c.backend->schedule, run.row_bind = c.backend->bind, run.row_fill = c.backend->fill;
    run.row_model = c.backend->row_model, run.own_baseline = c.backend->own_baseline, run.worker_processes = c.backend->worker_processes;
    run.row_combine = c.backend->combine, run.row_combine_every = c.backend->combine_every;
    run.n = c.point.n;
    run.threads = c.threads;
    run.processes = c.backend->multi_process;
    if (!c.backend->skip.empty()) {
        run.status = Run::Status::skipped;
        run.message = c.backend->skip;
        return run;
    }
    const ChildResult child = run_child(command(o, c), std::chrono::seconds(o.timeout_s), launcher_env(*c.backend));
    switch (child.end) {
    case ChildResult::End::failed_to_start:
        run.message = describe_end(child, command(o, c).front());
        if (out_of_resources(child)) throw std::runtime_error(run.message);  // every later run would fail the same way
        return run;
    case ChildResult::End::timed_out:
        run.status = Run::Status::timed_out;
        run.message = fmt::format("killed after the {} s timeout", o.timeout_s);
        return run;
    case ChildResult::End::interrupted:
        run.status = Run::Status::interrupted;
        run.message = "interrupted";
        return run;
    case ChildResult::End::exited: break;
    }
    try {
        run.data = nlohmann::json::parse(child.out);
    } catch (const nlohmann::json::exception&) {
        run.data = nullptr;
    }
    const bool racy = c.backend->combine == "racy";  // wrong by design: measured, its loss shown
    if (child.exit_code == 0 && run.data.is_object() && run.data.value("ok", false)) {
        run.status = Run::Status::ok;
    } else if (racy && child.exit_code == exit_mismatch && run.data.is_object() && run.data.contains("lost_fraction")) {
        run.status = Run::Status::ok;
    } else if (child.exit_code == exit_mismatch && run.data.is_object()) {
        run.status = Run::Status::mismatch;
        run.message = first_line(without_warnings(child.err));
    } else {
        ChildResult said = child;
        said.err = without_warnings(child.err);
        run.message = describe_end(said, c.backend->path);
        if (c.backend->multi_process && !have_mpirun) run.message = "mpirun not found on PATH, and a lone rank failed: " + run.message;
    }
    // The row stays keyed by what it asked for; what the backend got is kept beside it (and flagged).
    if (run.status == Run::Status::ok) {
        const char* field = c.backend->multi_process ? "ranks" : "threads";
        if (run.data.contains(field) && run.data[field].is_number_unsigned()) run.obtained = run.data[field].get<unsigned>();
    }
    return run;
}

// A --describe list: a '|'-separated string ("static|dynamic", as BackendInfo spells it) or an
// array of strings; anything else is an empty list.
std::vector<std::string> words(const nlohmann::json& value) {
    std::vector<std::string> list;
    if (value.is_array()) {
        for (const auto& v : value)
            if (v.is_string()) list.push_back(v.get<std::string>());
    } else if (value.is_string()) {
        const std::string text = value.get<std::string>();
        for (std::size_t start = 0; start <= text.size();) {
            const auto bar = std::min(text.find('|', start), text.size());
            if (bar > start) list.push_back(text.substr(start, bar - start));
            start = bar + 1;
        }
    }
    return list;
}

// What a backend takes comes from its --describe alone (its BackendInfo: "schedules",
// "takes_partitioner", "takes_bind", "combines"; docs/compare.md): a field it does not print is a
// knob it does not take. No backend is named here.
void set_knobs(BackendBinary& b, const nlohmann::json& info) {
    if (info.contains("schedules")) b.schedule_kinds = words(info["schedules"]);
    if (info.value("takes_partitioner", false)) b.partitioners = {"auto", "simple", "static", "affinity"};
    b.takes_bind = info.value("takes_bind", false);
    if (info.contains("combines")) b.combines = words(info["combines"]);
}

// A script whose #! interpreter is missing (a machine without python3): its name, e.g. "python3";
// nothing when `path` is not such a script. "#!/usr/bin/env python3" names python3.
std::optional<std::string> missing_interpreter(const std::string& path) {
    std::ifstream file(path);
    std::string line;
    if (!std::getline(file, line) || line.rfind("#!", 0) != 0) return std::nullopt;
    std::istringstream words(line.substr(2));
    std::string interpreter, argument;
    if (!(words >> interpreter)) return std::nullopt;
    const auto base = [](const std::string& p) { return p.substr(p.rfind('/') + 1); };
    if (::access(interpreter.c_str(), X_OK) != 0) return base(interpreter);
    if (base(interpreter) == "env" && words >> argument && !on_path(argument)) return argument;
    return std::nullopt;
}

// The rows a backend's --describe declares beyond its knobs: the workloads it runs, its own
// baseline and sweep limit (ignored when it is named in --backends: larger sweeps are opt-in),
// and one row per model ("models": [{"name", "workers", "note"}], "models_absent": {name: why}).
std::vector<BackendBinary> declared_rows(BackendBinary b, const nlohmann::json& info, bool named) {
    if (info.contains("workloads")) b.workloads = words(info["workloads"]);
    b.own_baseline = info.value("own_baseline", false);
    if (const auto limit = info.find("sweep_limit"); limit != info.end() && limit->is_object() && !named) {
        b.max_n = limit->value("max_n", u64{0});
        b.max_threads = limit->value("max_threads", 0u);
    }
    const auto models = info.find("models");
    if (models == info.end() || !models->is_array() || models->empty()) return {b};
    const nlohmann::json absent = info.value("models_absent", nlohmann::json::object());
    std::vector<BackendBinary> rows;
    for (const auto& m : *models) {
        if (!m.is_object() || !m.contains("name") || !m["name"].is_string()) continue;
        BackendBinary row = b;
        row.row_model = m["name"].get<std::string>();
        row.name = b.name + ":" + row.row_model, row.base = b.name;
        row.note = m.value("note", "");
        row.worker_processes = m.value("workers", "") == "processes";
        row.extra_args = {"--model", row.row_model};
        if (absent.is_object() && absent.contains(row.row_model))
            row.absent = absent[row.row_model].is_string() ? absent[row.row_model].get<std::string>() : "declared absent";
        rows.push_back(std::move(row));
    }
    return rows;
}

void check_schedules(const CompareOptions& o, const std::vector<BackendBinary>& backends) {
    for (const auto& entry : o.schedules) {
        const auto b = std::find_if(backends.begin(), backends.end(), [&](const BackendBinary& x) { return x.name == entry.backend; });
        if (b == backends.end()) throw UsageError(fmt::format("--schedules: '{}' is not among the backends of this run", entry.backend));
        const auto& values = b->schedule_kinds.empty() ? b->partitioners : b->schedule_kinds;
        if (values.empty())
            throw UsageError(fmt::format("--schedules: '{}' has no scheduling knob; openmp, threads and pool take --schedule, tbb --partitioner",
                                         entry.backend));
        if (std::find(values.begin(), values.end(), entry.value) == values.end())
            throw UsageError(fmt::format("--schedules: '{}' is not a {} of {}; accepted: {}", entry.value,
                                         b->schedule_kinds.empty() ? "partitioner" : "schedule", entry.backend, fmt::join(values, ", ")));
    }
}

// Each backend's plain row, then its --schedules rows (sum and jobs; the plain row then runs only
// the other workloads), its --binds and --fills rows (array), then the --cpu-rows rows.
std::vector<BackendBinary> knob_rows(const CompareOptions& o, std::vector<BackendBinary> plain) {
    std::vector<BackendBinary> rows;
    const bool array = o.has_workload("array");
    for (BackendBinary& b : plain) {
        if (b.cpu_row) continue;
        std::vector<BackendBinary> extra;
        for (const auto& entry : o.schedules) {
            if (entry.backend != b.name) continue;
            BackendBinary row = b;
            row.name = entry.label();
            row.base = b.name;
            row.schedule = entry.label();
            row.workloads = {"sum", "jobs"};
            if (!b.schedule_kinds.empty())
                row.extra_args = {"--schedule", entry.size ? fmt::format("{},{}", entry.value, entry.size) : entry.value};
            else {
                row.extra_args = {"--partitioner", entry.value};
                if (entry.size) row.extra_args.insert(row.extra_args.end(), {"--grain", std::to_string(entry.size)});
            }
            extra.push_back(std::move(row));
        }
        if (!extra.empty()) b.workloads = {"wait", "array", "tree"};  // the schedule rows take sum and jobs
        for (const auto& bind : o.binds)
            if (array && bind != "none" && b.takes_bind) {
                BackendBinary row = b;
                row.name = b.name + "/bind=" + bind, row.base = b.name, row.bind = bind, row.workloads = {"array"};
                row.extra_args = {"--bind", bind};
                extra.push_back(std::move(row));
            }
        for (const auto& fill : o.fills)
            if (array && fill != "workers" && !b.one_thread) {
                BackendBinary row = b;
                row.name = b.name + "/fill=" + fill, row.base = b.name, row.fill = fill, row.workloads = {"array"};
                row.extra_args = {"--fill", fill};
                extra.push_back(std::move(row));
            }
        for (const auto& way : o.combines) {  // --combines: sum rows, each way this backend offers
            if (std::find(b.combines.begin(), b.combines.end(), way) == b.combines.end()) continue;
            std::vector<u64> everies{0};
            everies.insert(everies.end(), o.combine_every.begin(), o.combine_every.end());
            for (const u64 every : everies) {
                if ((every && way == "reduction") || (!every && way == b.combines.front())) continue;  // the plain row is the default, once
                BackendBinary row = b;
                row.name = b.name + "/combine=" + way + (every ? "/every=" + std::to_string(every) : "");
                row.base = b.name, row.combine = way, row.combine_every = every, row.workloads = {"sum"};
                // No task spans: at one unit per add the recorder's clock reads would be most of the time.
                row.extra_args = {"--combine", way, "--no-concurrency"};
                if (every) row.extra_args.insert(row.extra_args.end(), {"--combine-every", std::to_string(every)});
                extra.push_back(std::move(row));
            }
        }
        const bool plain_runs = std::any_of(o.workloads.begin(), o.workloads.end(), [&](const std::string& w) { return b.runs(w); });
        if (plain_runs) rows.push_back(b);
        rows.insert(rows.end(), extra.begin(), extra.end());
    }
    for (BackendBinary& b : plain)
        if (b.cpu_row) rows.push_back(std::move(b));
    if (!o.combines.empty() && std::none_of(rows.begin(), rows.end(), [](const BackendBinary& b) { return !b.combine.empty(); }))
        throw UsageError(fmt::format("--combines: no backend of this sweep offers {} (threads and pool offer padded, unpadded, atomic, "
                                     "mutex, racy; openmp reduction, critical, atomic, unpadded, racy)", fmt::join(o.combines, ", ")));
    return rows;
}

}  // namespace

std::string status_label(const Run& r) {
    const double lost = r.lost_fraction();
    if (r.status == Run::Status::ok && !std::isnan(lost) && lost != 0)
        return std::abs(lost) >= 0.001 ? fmt::format("LOST {:.1f}%", lost * 100) : fmt::format("LOST {:.2g}%", lost * 100);
    return status_text(r.status);
}

const char* status_text(Run::Status status) {
    switch (status) {
    case Run::Status::ok: return "OK";
    case Run::Status::mismatch: return "MISMATCH";
    case Run::Status::failed: return "FAILED";
    case Run::Status::timed_out: return "TIMEOUT";
    case Run::Status::interrupted: return "INTERRUPTED";
    case Run::Status::skipped: return "SKIPPED";
    }
    return "?";
}

namespace {

double median_field(const std::vector<nlohmann::json>& reports, const char* name) {
    std::vector<double> values;
    for (const auto& r : reports)
        if (r.contains(name) && r[name].is_number()) values.push_back(r[name].get<double>());
    return stats::median(values);
}

}  // namespace

std::vector<double> Run::process_medians() const {
    std::vector<double> medians;
    for (const auto& r : reports) medians.push_back(r["wall_seconds"]["median"].get<double>());
    return medians;
}

double Run::wall_median() const {
    if (status != Status::ok && status != Status::mismatch) return std::numeric_limits<double>::quiet_NaN();
    return stats::median(process_medians());
}

double Run::parallelism() const { return median_field(reports, "parallelism"); }
double Run::concurrency() const { return median_field(reports, "concurrency"); }
unsigned Run::cpus_allowed(unsigned machine) const {
    if (data.is_object() && data.contains("cpus_allowed") && data["cpus_allowed"].is_array() && !data["cpus_allowed"].empty())
        return static_cast<unsigned>(data["cpus_allowed"].size());
    return machine;
}

double Run::imbalance() const { return median_field(reports, "imbalance"); }
double Run::lost_fraction() const {
    if (row_combine != "racy") return std::numeric_limits<double>::quiet_NaN();
    std::vector<double> values;  // a process that lost nothing was exact: 0
    for (const auto& r : reports) values.push_back(r.is_object() && r.contains("lost_fraction") && r["lost_fraction"].is_number() ? r["lost_fraction"].get<double>() : 0.0);
    return stats::median(values);
}

double Run::bytes_per_second() const { return workload == "array" ? median_field(reports, "bytes_per_second") : std::numeric_limits<double>::quiet_NaN(); }

std::string Run::schedule_name() const {
    if (!data.is_object() || !data.contains("schedule") || !data["schedule"].is_object()) return {};
    const auto& s = data["schedule"];
    return s.contains("name") && s["name"].is_string() ? s["name"].get<std::string>() : std::string();
}

std::string Run::workers_note() const {
    if (!short_of_workers()) return {};
    return fmt::format("asked {} {}, got {}", threads, processes ? "processes" : "threads", obtained);
}

bool BackendBinary::runs(const std::string& workload) const {
    if (workload == "wait" && !runs_wait) return false;
    if (workload == "tree" && !runs_tree) return false;
    return workloads.empty() || std::find(workloads.begin(), workloads.end(), workload) != workloads.end();
}

std::vector<BackendBinary> resolve_backends(const CompareOptions& options, const std::string& program_dir) {
    const BackendList list = built_backends(program_dir);
    const std::vector<std::string>& built = list.names;
    const std::vector<std::string>& names = options.backends.empty() ? built : options.backends;
    std::vector<BackendBinary> result;
    for (const auto& name : names) {
        const std::string path = list.dir + "/sumsq-" + name;
        if (std::find(built.begin(), built.end(), name) == built.end()) {  // only what the build lists is run
            std::string known;
            for (const auto& b : built) known += (known.empty() ? "" : ", ") + b;
            throw UsageError(fmt::format("--backends: unknown backend '{}'; built: {}", name, known));
        }
        if (::access(path.c_str(), X_OK) != 0)
            throw UsageError(fmt::format("--backends: the binary for '{}' is missing: {} (rebuild with make build)", name, path));
        const ChildResult describe = run_child({path, "--describe"}, std::chrono::seconds(30));
        if (describe.end == ChildResult::End::failed_to_start)
            if (const auto interpreter = missing_interpreter(path)) {  // its rows say so; the rest of the sweep runs
                BackendBinary b;
                b.name = name, b.path = path, b.one_thread = true, b.skip = *interpreter + " not found";
                result.push_back(std::move(b));
                continue;
            }
        if (describe.end != ChildResult::End::exited || describe.exit_code != 0)  // e.g. no pipe under ulimit -n: a runtime failure
            throw std::runtime_error(fmt::format("--backends: asking {} --describe failed: {}", path, describe_end(describe, "sumsq-" + name)));
        nlohmann::json info;
        try {
            info = nlohmann::json::parse(describe.out);
        } catch (const nlohmann::json::exception&) {
            throw UsageError(fmt::format("--backends: {} --describe did not answer with JSON", path));
        }
        BackendBinary b;
        b.name = name, b.path = path, b.model = info.value("model", ""), b.one_thread = info.value("one_thread", false);
        b.runs_wait = info.value("runs_wait_workload", true), b.multi_process = info.value("multi_process", false), b.cpus = options.cpus;
        b.runs_tree = info.value("runs_tree", false), b.tree_spawn_levels = info.value("tree_spawn_levels", 0u);
        b.tree_refusal = info.value("tree_refusal", "");
        set_knobs(b, info);
        if (info.contains("kernel_paths")) b.kernel_paths = words(info["kernel_paths"]);
        const bool named = std::find(options.backends.begin(), options.backends.end(), name) != options.backends.end();
        for (BackendBinary& row : declared_rows(std::move(b), info, named)) result.push_back(std::move(row));
    }
    check_schedules(options, result);
    if (options.has_workload("tree")) {  // a tree table needs serial (its reference) and a backend with tasks
        std::vector<std::string> refusals;
        bool tasks = false, serial = false;
        for (const BackendBinary& b : result) {
            tasks = tasks || (b.runs_tree && b.tree_spawn_levels > 0);
            serial = serial || b.name == "serial";
            if (!b.runs_tree && !b.tree_refusal.empty()) refusals.push_back(b.name + ": " + b.tree_refusal);
        }
        if (!serial || !tasks)
            throw UsageError(fmt::format("--workloads tree: needs serial (each cut-off's reference) and a backend that spawns tasks in it{}",
                                         refusals.empty() ? "" : fmt::format(" ({})", fmt::join(refusals, "; "))));
    }
    for (const auto& extra : options.cpu_rows) {
        const std::string& name = extra.first;  // not a structured binding: clang 14 cannot capture one
        const std::string& cpus = extra.second;
        const auto base = std::find_if(result.begin(), result.end(), [&](const BackendBinary& b) { return b.name == name && !b.cpu_row; });
        if (base == result.end()) throw UsageError(fmt::format("--cpu-rows: '{}' is not among the backends of this run", name));
        if (base->one_thread || base->multi_process)
            throw UsageError(fmt::format("--cpu-rows: '{}' {}; give a backend with --threads workers", name,
                                         base->multi_process ? "runs processes, not threads" : "runs on one thread"));
        BackendBinary row = *base;
        row.name = name + "@" + cpus;
        row.cpus = cpus;
        row.cpu_row = true;
        row.workloads = {"sum", "wait"};  // the lesson's rows: concurrent, not parallel
        result.push_back(std::move(row));
    }
    return knob_rows(options, std::move(result));
}

MoreRounds more_rounds(unsigned round, unsigned minimum, unsigned budget_s, double beyond_s, bool decisive) {
    if (round < minimum) return MoreRounds::yes;
    if (budget_s == 0) return MoreRounds::no_budget;
    if (decisive) return MoreRounds::decided;
    if (beyond_s > budget_s) return MoreRounds::budget_spent;
    if (round >= minimum * max_round_factor) return MoreRounds::round_cap;
    return MoreRounds::yes;
}

std::vector<std::size_t> pair_partners(std::size_t members, unsigned round) {
    std::vector<std::size_t> partner(members);
    for (std::size_t i = 0; i < members; ++i)
        if (i % 2 == 1) partner[i] = (i + 1) / 2;      // the second of S X X S: the S after it
        else if (i + 1 < members) partner[i] = i / 2;  // the first: the S before it
        else partner[i] = i / 2 + round % 2;           // a last one alone (S X S): alternating by round
    return partner;
}

namespace {

// One process run with the counters read around it and classified.
struct Measured {
    Run one;
    std::optional<ProcessRecord> record;  // nullopt: it produced no timing
};

Measured run_measured(const CompareOptions& o, const Configuration& c, unsigned round) {
    const CounterReading before = read_counters();
    Measured m{run_one(o, c), std::nullopt};
    const CounterReading after = read_counters();
    const nlohmann::json& data = m.one.data;
    if (!data.is_object() || !data.contains("wall_seconds") || !data["wall_seconds"].is_object()) return m;
    const auto& wall = data["wall_seconds"];
    ProcessRecord p;
    p.wall_median = wall.value("median", 0.0);
    p.rep_min = wall.value("min", p.wall_median);
    p.rep_max = wall.value("max", p.wall_median);
    std::vector<unsigned> allowed;
    if (data.contains("cpus_allowed") && data["cpus_allowed"].is_array())
        for (const auto& cpu : data["cpus_allowed"])
            if (cpu.is_number_unsigned()) allowed.push_back(cpu.get<unsigned>());
    p.interference = interference_between(before, after, allowed);
    const Disturbance d = classify(p.interference, o.disturbance_threshold);
    p.disturbed = d.disturbed, p.reason = d.reason, p.round = round;
    m.record = p;
    return m;
}

struct SweepState {
    const CompareOptions& o;
    const std::vector<Configuration>& plan;
    std::vector<Run> runs;
    std::vector<bool> started;
    std::vector<std::vector<nlohmann::json>> disturbed_reports;
    std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
    std::optional<std::chrono::steady_clock::time_point> beyond_minimum{};  // set when round --rounds begins
    std::size_t done = 0;

    bool failed(std::size_t k) const { return started[k] && runs[k].status != Run::Status::ok; }

    // Runs configuration k once; returns its process median when measured (nullopt otherwise).
    std::optional<ProcessRecord> run(std::size_t k, unsigned round, std::vector<std::string>* order, bool rerun) {
        const Configuration& c = plan[k];
        const std::string& workload = c.point.workload;
        const std::string label = fmt::format("{} {}{} {} {}", c.backend->name, workload, c.point.variant.empty() ? "" : "/" + c.point.variant,
                                              c.point.n, c.threads);
        if (order) order->push_back(label);
        ++done;
        if (std::chrono::steady_clock::now() - start > std::chrono::seconds(2))
            fmt::print(stderr, "sumsq-compare: round {} [{}] {} {}{}{} threads={}{}\n", round + 1, done, c.backend->name, workload,
                       c.point.variant.empty() ? "" : " " + c.point.variant, workload == "wait" ? std::string() : " N=" + grouped(c.point.n),
                       c.threads, rerun ? " (re-run: a process was disturbed)" : "");
        Measured m = run_measured(o, c, round);
        Run& r = runs[k];
        if (!started[k]) {
            r = m.one;
            r.reports.clear();
            started[k] = true;
        } else if (m.one.status != Run::Status::ok) {  // the first process that failed decides
            r.status = m.one.status;
            r.message = m.one.message;
        } else if (m.one.obtained && (!r.obtained || m.one.obtained < r.obtained)) {
            r.obtained = m.one.obtained;  // the fewest workers any process got
        }
        if (!m.record) return std::nullopt;
        m.record->rerun = rerun;
        r.process_records.push_back(*m.record);
        (m.record->disturbed ? disturbed_reports[k] : r.reports).push_back(m.one.data);
        r.data = m.one.data;
        if (m.one.status != Run::Status::ok) return std::nullopt;
        return m.record;
    }

    // Whether the clean pairs of k already give an interval at the confidence, narrower than ±target.
    bool decisive(std::size_t k) const {
        std::vector<double> ratios;
        for (const Pair& p : runs[k].pairs)
            if (!p.disturbed) ratios.push_back(p.ratio());
        const auto e = stats::sign_test_estimate(ratios, o.confidence);
        return e.reached && e.half_width() <= o.target;
    }

    // Seconds since the rounds beyond --rounds began (0 before): what --budget limits. (It used to
    // count from the sweep's start, so a sweep whose minimum rounds took longer than the budget —
    // make run's, 300 s against 60 — never ran one more round, and every wide row read "budget".)
    double beyond_minimum_seconds() const {
        return beyond_minimum ? std::chrono::duration<double>(std::chrono::steady_clock::now() - *beyond_minimum).count() : 0;
    }

    // Whether configuration k runs in `round`: always within its --rounds; beyond them only while
    // undecided, within the budget and the round cap (the reason is recorded when it stops).
    bool wanted(std::size_t k, unsigned round, bool paired) {
        if (failed(k)) return false;
        const unsigned minimum = o.rounds_for(plan[k].point.workload);
        if (round >= minimum && !paired) return false;
        // --array-rounds is a count, not a minimum: each array process allocates and fills 4 N bytes.
        if (round >= minimum && plan[k].point.workload == "array" && o.array_rounds) return false;
        switch (more_rounds(round, minimum, o.budget_s, beyond_minimum_seconds(), round >= minimum && decisive(k))) {
        case MoreRounds::yes: return true;
        case MoreRounds::budget_spent: runs[k].undecided_reason = "budget"; return false;
        case MoreRounds::round_cap: runs[k].undecided_reason = "round cap"; return false;
        default: return false;
        }
    }

    // S X1 X2 S X3 X4 S … (ABBA: a serial process after every second configuration, and after the
    // last): each X paired with the S next to it, half of them S-then-X, half X-then-S.
    void paired_round(std::size_t reference, const std::vector<std::size_t>& members, unsigned round, std::vector<std::string>& order) {
        std::vector<std::optional<ProcessRecord>> s, x;
        s.push_back(run(reference, round, &order, false));
        for (std::size_t i = 0; i < members.size(); ++i) {
            if (interrupted()) break;
            x.push_back(run(members[i], round, &order, false));
            if (i % 2 == 1 || i + 1 == members.size()) s.push_back(run(reference, round, &order, false));
        }
        if (members.empty() && !interrupted()) s.push_back(run(reference, round, &order, false));  // an A/A pair on its own
        for (std::size_t j = 0; j + 1 < s.size(); j += 2)  // A/A pairs, disjoint: (S0, S1), (S2, S3), …
            if (s[j] && s[j + 1]) runs[reference].pairs.push_back({s[j]->wall_median, s[j + 1]->wall_median, true, s[j]->disturbed || s[j + 1]->disturbed});
        const auto partner = pair_partners(members.size(), round);
        for (std::size_t i = 0; i < members.size() && i < x.size(); ++i) {
            if (partner[i] >= s.size()) continue;  // interrupted before its serial process ran
            const auto& ref = s[partner[i]];
            if (!ref || !x[i]) continue;
            const bool disturbed = ref->disturbed || x[i]->disturbed;
            runs[members[i]].pairs.push_back({ref->wall_median, x[i]->wall_median, partner[i] == i, disturbed});
            if (disturbed) rerun_pair(reference, members[i], round);
        }
    }

    // A fresh pair for a configuration whose pair was disturbed, at most max_reruns times.
    void rerun_pair(std::size_t reference, std::size_t k, unsigned round) {
        while (runs[k].reruns < max_reruns && !interrupted() && !failed(k) && !failed(reference)) {
            const bool reference_first = (runs[k].reruns + round) % 2 == 0;
            ++runs[k].reruns;
            std::optional<ProcessRecord> a = run(reference_first ? reference : k, round, nullptr, true);
            std::optional<ProcessRecord> b = run(reference_first ? k : reference, round, nullptr, true);
            if (!a || !b) return;
            const ProcessRecord& ref = reference_first ? *a : *b;
            const ProcessRecord& self = reference_first ? *b : *a;
            const bool disturbed = ref.disturbed || self.disturbed;
            runs[k].pairs.push_back({ref.wall_median, self.wall_median, reference_first, disturbed});
            if (!disturbed) return;
        }
    }
};

}  // namespace

void SweepRecord::add_bandwidth(const ReadBandwidth& measured) {
    if (!measured.measured) {
        if (!bandwidth.measured) bandwidth = measured;  // keep the note of why not
        return;
    }
    bandwidth_samples.push_back(measured.all_threads);
    if (!bandwidth.measured || measured.all_threads > bandwidth.all_threads) bandwidth = measured;
}

std::vector<Run> run_sweep(const CompareOptions& o, const std::vector<BackendBinary>& backends, SweepRecord& record,
                           const std::function<void()>& before_array_round) {
    std::vector<Configuration> plan;
    for (const auto& b : backends) {
        if (!b.absent.empty()) record.absent.emplace_back(b.name, b.absent);
        else if (o.has_workload("tree") && !b.runs_tree && !b.tree_refusal.empty() && b.base.empty() && !b.cpu_row)
            record.absent.emplace_back(b.name + " tree", b.tree_refusal);  // said in the environment notes, not silently missing
    }
    for (const Point& point : o.points())
        for (const auto& b : backends) {
            if (!b.runs(point.workload) || !b.absent.empty()) continue;
            if (b.max_n && point.workload != "wait" && point.n > b.max_n) continue;  // its sweep limit
            if (b.one_thread || (b.multi_process && !have_mpirun)) plan.push_back({&b, point, 1});
            else
                for (unsigned t : o.threads_for(point.workload))
                    if ((!b.cpu_row || t > 1) && (!b.max_threads || t <= b.max_threads))  // one thread restricted: nothing to show
                        plan.push_back({&b, point, t});
        }
    // Per point: the serial reference (if it runs there) and the other configurations.
    constexpr std::size_t none = ~std::size_t{0};
    std::vector<Point> points;
    std::vector<std::size_t> reference;
    std::vector<std::vector<std::size_t>> members;
    for (std::size_t k = 0; k < plan.size(); ++k) {
        const auto at = std::find(points.begin(), points.end(), plan[k].point);
        const std::size_t g = std::size_t(at - points.begin());
        if (at == points.end()) points.push_back(plan[k].point), reference.push_back(none), members.emplace_back();
        const BackendBinary& b = *plan[k].backend;
        if (b.name == "serial" && b.base.empty() && !b.cpu_row && reference[g] == none) reference[g] = k;
        else members[g].push_back(k);
    }
    // The first process on an idle machine runs slower (clock ramp-up, cold caches): without this
    // discarded run the first backend, usually the serial baseline, measured up to 40% slow here.
    // It is capped at 3 s (it normally takes 0.1 s): a hanging backend must not cost the timeout twice.
    const auto first = std::find_if(backends.begin(), backends.end(), [](const BackendBinary& b) { return b.skip.empty() && b.absent.empty(); });
    if (!plan.empty() && o.has_workload("sum") && first != backends.end())
        run_child({first->path, "-n", std::to_string(first->max_n ? std::min<u64>(first->max_n, 100'000'000) : 100'000'000), "--reps", "1",
                   "--warmup", "0", "--format", "json"},
                  std::chrono::seconds(std::min(o.timeout_s, warmup_cap_s)));
    record.before = sample_load();
    if (std::any_of(plan.begin(), plan.end(), [](const Configuration& c) { return c.threads > 1; }))
        record.placement = measure_placement(placement_trials);
    SweepState state{o, plan, std::vector<Run>(plan.size()), std::vector<bool>(plan.size(), false),
                     std::vector<std::vector<nlohmann::json>>(plan.size())};
    std::mt19937_64 random(o.seed);
    auto shuffle = [&](std::vector<std::size_t>& v) {
        for (std::size_t k = v.size(); k > 1; --k) std::swap(v[k - 1], v[random() % k]);  // Fisher-Yates, same on every library
    };
    for (unsigned round = 0; !interrupted(); ++round) {
        if (round == o.rounds) state.beyond_minimum = std::chrono::steady_clock::now();
        std::vector<std::string> order;
        std::vector<std::size_t> point_order(points.size());
        for (std::size_t g = 0; g < points.size(); ++g) point_order[g] = g;
        shuffle(point_order);
        bool ceiling_measured = false;
        for (std::size_t g : point_order) {
            if (interrupted()) break;
            const bool paired = reference[g] != none && !state.failed(reference[g]);
            std::vector<std::size_t> active;
            for (std::size_t k : members[g])
                if (state.wanted(k, round, paired)) active.push_back(k);
            shuffle(active);
            if (before_array_round && !ceiling_measured && points[g].workload == "array" &&
                (!active.empty() || (paired && round < o.rounds_for("array")))) {
                before_array_round();
                ceiling_measured = true;
            }
            if (paired && (!active.empty() || round < o.rounds_for(points[g].workload))) state.paired_round(reference[g], active, round, order);
            else
                for (std::size_t k : active)
                    if (!interrupted()) state.run(k, round, &order, false);
        }
        if (order.empty()) break;
        record.order.push_back(std::move(order));
    }
    for (std::size_t k = 0; k < plan.size(); ++k)  // every process disturbed: the row keeps them, and says so
        if (state.runs[k].reports.empty() && !state.disturbed_reports[k].empty()) state.runs[k].reports = std::move(state.disturbed_reports[k]);
    record.after = sample_load();
    return std::move(state.runs);
}

}  // namespace sumsq::compare
