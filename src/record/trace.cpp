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

nlohmann::json trace_document(const Run& run, const Figures& figures, const std::string& backend) {
    using nlohmann::json;
    const int pid = ::getpid();
    json events = json::array();
    std::map<long, std::pair<std::uint32_t, std::set<int>>> threads;  // os thread → number, CPUs
    for (const Stretch& s : run.stretches) {
        json args = {{"task", task_name(s.task)}, {"task_id", s.task}, {"thread", s.thread},
                     {"os_thread", s.os_thread}, {"cpu", s.cpu}};
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
    return {{"traceEvents", std::move(events)},
            {"displayTimeUnit", "ms"},
            {"otherData", {{"backend", backend}, {"dropped_stretches", run.dropped}, {"wall_seconds", figures.wall_seconds},
                           {"concurrency", figures.concurrency}, {"parallelism", figures.parallelism},
                           {"cpus_allowed", figures.cpus_allowed}, {"cpus_seen", run.cpus}}}};
}

Panel panel_from_trace(const nlohmann::json& trace, std::string title) {
    try {
        Panel panel{std::move(title), {}, {}};
        const auto& other = trace.at("otherData");
        panel.figures = {other.at("wall_seconds").get<double>(), other.at("concurrency").get<double>(),
                         other.at("parallelism").get<double>(), other.at("cpus_allowed").get<std::vector<int>>()};
        for (const auto& e : trace.at("traceEvents")) {
            if (e.at("ph") != "X") continue;
            const auto& a = e.at("args");
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
            panel.stretches.push_back(s);
        }
        return panel;
    } catch (const nlohmann::json::exception& e) {
        throw std::runtime_error(std::string("not a sumsq trace: ") + e.what());
    }
}

}  // namespace sumsq::record
