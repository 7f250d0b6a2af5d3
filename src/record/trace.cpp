// trace.cpp — the Chrome Trace Event view of a recorded run, and reading it back.
#include "views.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <set>
#include <stdexcept>
#include <unistd.h>

namespace sumsq::record {
namespace {

const char* kind_name(Kind k) { return k == Kind::chunk ? "chunk" : k == Kind::step ? "step" : "finish"; }

os::ThreadState state_from(const std::string& name) {
    for (auto s : {os::ThreadState::running, os::ThreadState::waiting, os::ThreadState::blocked})
        if (name == os::state_name(s)) return s;
    throw std::runtime_error("trace: unknown thread state '" + name + "'");
}

// Perfetto's names for the states.
const char* state_label(os::ThreadState s) {
    switch (s) {
    case os::ThreadState::running: return "Running";
    case os::ThreadState::waiting: return "Runnable (waiting for a CPU)";
    case os::ThreadState::blocked: return "Sleeping (blocked)";
    }
    return "?";
}

// The OS view's tracks live in a second process: its pid is above any real one (pid_max ≤ 2^22).
constexpr int os_pid_offset = 1 << 22;
constexpr int cpu_track_offset = 1 << 20;  // its tids: thread number + 1 for thread states, this + CPU for CPUs

Kind kind_from(const std::string& name) {
    if (name == "chunk") return Kind::chunk;
    if (name == "step") return Kind::step;
    if (name == "finish") return Kind::finish;
    throw std::runtime_error("trace: unknown category '" + name + "'");
}

}  // namespace

std::string task_name(std::uint32_t task) {
    std::string name;
    for (std::uint64_t k = std::uint64_t{task} + 1; k > 0; k = (k - 1) / 26) name.insert(name.begin(), char('A' + (k - 1) % 26));
    return name;
}

std::string stretch_label(const Stretch& s) {
    const std::string task = "Task " + task_name(s.task);
    switch (s.kind) {
    case Kind::step: return task + ": step " + std::to_string(s.lo);
    case Kind::finish: return task + ": done";
    case Kind::chunk: break;
    }
    return task + " [" + std::to_string(s.lo) + ", " + std::to_string(s.hi) + ")";
}

std::string cpu_list(const std::vector<int>& cpus) {
    std::string out;
    for (std::size_t k = 0; k < cpus.size();) {
        std::size_t end = k;
        while (end + 1 < cpus.size() && cpus[end + 1] == cpus[end] + 1) ++end;
        if (!out.empty()) out += ',';
        out += std::to_string(cpus[k]);
        if (end > k) out += '-' + std::to_string(cpus[end]);
        k = end + 1;
    }
    return out;
}

Figures figures_of(const Accounts& a, double concurrency, const std::vector<int>& cpus_allowed) {
    Figures f;
    f.wall_seconds = double(a.wall_ns) / 1e9;
    f.concurrency = concurrency;
    f.parallelism = a.parallelism();
    f.cpus_allowed = cpus_allowed;
    f.useful_parallelism = a.useful_parallelism();
    f.os_source = source_name(a.source);
    if (a.source == Source::thread_clocks) f.fallback_reason = a.fallback_reason;
    f.lost_records = a.lost_records;
    return f;
}

nlohmann::json trace_document(const Run& run, const Figures& figures, const std::string& backend, const std::vector<StateSpan>& states) {
    using nlohmann::json;
    const int pid = ::getpid();
    json events = json::array();
    std::map<long, std::pair<std::uint32_t, std::set<int>>> threads;  // os thread → number, CPUs
    for (const Stretch& s : run.stretches) {
        json args = {{"task", task_name(s.task)}, {"task_id", s.task}, {"thread", s.thread},
                     {"os_thread", s.os_thread}, {"cpu", s.cpu}};
        if (s.on_cpu_ns >= 0) args["on_cpu_us"] = double(s.on_cpu_ns) / 1e3;
        if (s.kind == Kind::chunk) args["lo"] = s.lo, args["hi"] = s.hi, args["elements"] = s.hi - s.lo;
        else args["step"] = s.lo;
        events.push_back({{"ph", "X"}, {"name", stretch_label(s)}, {"cat", kind_name(s.kind)}, {"pid", pid},
                          {"tid", s.os_thread}, {"ts", double(s.begin_ns) / 1e3}, {"dur", double(s.end_ns - s.begin_ns) / 1e3},
                          {"args", std::move(args)}});
        auto& t = threads[s.os_thread];
        t.first = s.thread;
        t.second.insert(s.cpu);
    }
    events.push_back({{"ph", "M"}, {"name", "process_name"}, {"pid", pid}, {"args", {{"name", "sumsq-" + backend}}}});
    for (const auto& [os_thread, t] : threads) {
        const std::string name = "thread " + std::to_string(t.first + 1) + " (CPU " +
                                 cpu_list({t.second.begin(), t.second.end()}) + ")";
        events.push_back({{"ph", "M"}, {"name", "thread_name"}, {"pid", pid}, {"tid", os_thread}, {"args", {{"name", name}}}});
        events.push_back({{"ph", "M"}, {"name", "thread_sort_index"}, {"pid", pid}, {"tid", os_thread},
                          {"args", {{"sort_index", t.first}}}});
    }
    if (!states.empty()) {  // what the OS did: a track per thread (its states) and per CPU (who held it)
        const int os_pid = os_pid_offset + pid;
        std::map<std::uint32_t, bool> state_threads;
        std::set<int> cpus;
        for (const StateSpan& s : states) {
            state_threads[s.thread] = true;
            json args = {{"thread", s.thread}, {"state", os::state_name(s.state)}, {"cpu", s.cpu}};
            const std::string name = s.state == os::ThreadState::running ? "Running on CPU " + std::to_string(s.cpu) : state_label(s.state);
            events.push_back({{"ph", "X"}, {"name", name}, {"cat", "thread_state"}, {"pid", os_pid}, {"tid", s.thread + 1},
                              {"ts", double(s.begin_ns) / 1e3}, {"dur", double(s.end_ns - s.begin_ns) / 1e3}, {"args", std::move(args)}});
            if (s.state != os::ThreadState::running || s.cpu < 0) continue;
            cpus.insert(s.cpu);
            events.push_back({{"ph", "X"}, {"name", "thread " + std::to_string(s.thread + 1)}, {"cat", "cpu_slice"}, {"pid", os_pid},
                              {"tid", cpu_track_offset + s.cpu}, {"ts", double(s.begin_ns) / 1e3},
                              {"dur", double(s.end_ns - s.begin_ns) / 1e3}, {"args", {{"thread", s.thread}, {"cpu", s.cpu}}}});
        }
        events.push_back({{"ph", "M"}, {"name", "process_name"}, {"pid", os_pid}, {"args", {{"name", "sumsq-" + backend + ": what the OS did"}}}});
        for (const auto& [thread, _] : state_threads) {
            events.push_back({{"ph", "M"}, {"name", "thread_name"}, {"pid", os_pid}, {"tid", thread + 1},
                              {"args", {{"name", "thread " + std::to_string(thread + 1) + " state"}}}});
            events.push_back({{"ph", "M"}, {"name", "thread_sort_index"}, {"pid", os_pid}, {"tid", thread + 1}, {"args", {{"sort_index", thread}}}});
        }
        for (int cpu : cpus) {
            events.push_back({{"ph", "M"}, {"name", "thread_name"}, {"pid", os_pid}, {"tid", cpu_track_offset + cpu},
                              {"args", {{"name", "CPU " + std::to_string(cpu) + " (this process's threads)"}}}});
            events.push_back({{"ph", "M"}, {"name", "thread_sort_index"}, {"pid", os_pid}, {"tid", cpu_track_offset + cpu},
                              {"args", {{"sort_index", cpu_track_offset + cpu}}}});
        }
    }
    json other = {{"backend", backend}, {"dropped_stretches", run.dropped}, {"wall_seconds", figures.wall_seconds},
                  {"concurrency", figures.concurrency}, {"parallelism", figures.parallelism},
                  {"cpus_allowed", figures.cpus_allowed}, {"cpus_seen", run.cpus}};
    if (!figures.os_source.empty()) {
        other["os_source"] = figures.os_source;
        other["fallback_reason"] = figures.fallback_reason.empty() ? json(nullptr) : json(figures.fallback_reason);
        other["lost_switch_records"] = figures.lost_records;
        other["useful_parallelism"] = figures.useful_parallelism;
    }
    return {{"traceEvents", std::move(events)}, {"displayTimeUnit", "ms"}, {"otherData", std::move(other)}};
}

Panel panel_from_trace(const nlohmann::json& trace, std::string title) {
    try {
        Panel panel{std::move(title), {}, {}};
        const auto& other = trace.at("otherData");
        panel.figures = {other.at("wall_seconds").get<double>(), other.at("concurrency").get<double>(),
                         other.at("parallelism").get<double>(), other.at("cpus_allowed").get<std::vector<int>>()};
        if (other.contains("os_source")) {
            panel.figures.os_source = other.at("os_source").get<std::string>();
            if (other.at("fallback_reason").is_string()) panel.figures.fallback_reason = other.at("fallback_reason").get<std::string>();
            panel.figures.lost_records = other.at("lost_switch_records").get<std::uint64_t>();
            panel.figures.useful_parallelism = other.at("useful_parallelism").get<double>();
        }
        for (const auto& e : trace.at("traceEvents")) {
            if (e.at("ph") != "X" || e.at("cat") == "cpu_slice") continue;
            const auto& a = e.at("args");
            if (e.at("cat") == "thread_state") {
                StateSpan s;
                s.begin_ns = static_cast<std::int64_t>(e.at("ts").get<double>() * 1e3 + 0.5);
                s.end_ns = s.begin_ns + static_cast<std::int64_t>(e.at("dur").get<double>() * 1e3 + 0.5);
                s.thread = a.at("thread").get<std::uint32_t>();
                s.state = state_from(a.at("state").get<std::string>());
                s.cpu = a.at("cpu").get<int>();
                panel.states.push_back(s);
                continue;
            }
            Stretch s;
            s.begin_ns = static_cast<std::int64_t>(e.at("ts").get<double>() * 1e3 + 0.5);
            s.end_ns = s.begin_ns + static_cast<std::int64_t>(e.at("dur").get<double>() * 1e3 + 0.5);
            s.kind = kind_from(e.at("cat").get<std::string>());
            s.task = a.at("task_id").get<std::uint32_t>();
            s.thread = a.at("thread").get<std::uint32_t>();
            s.os_thread = a.at("os_thread").get<long>();
            s.cpu = a.at("cpu").get<int>();
            if (s.kind == Kind::chunk) s.lo = a.at("lo").get<u64>(), s.hi = a.at("hi").get<u64>();
            else s.lo = a.at("step").get<u64>();
            if (a.contains("on_cpu_us")) s.on_cpu_ns = static_cast<std::int64_t>(a.at("on_cpu_us").get<double>() * 1e3 + 0.5);
            panel.stretches.push_back(s);
        }
        return panel;
    } catch (const nlohmann::json::exception& e) {
        throw std::runtime_error(std::string("not a sumsq trace: ") + e.what());
    }
}

}  // namespace sumsq::record
