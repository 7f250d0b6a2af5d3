#include "lesson.hpp"

#include "compare/run/child_process.hpp"
#include "record/views.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sched.h>

namespace sumsq::compare {
namespace {

constexpr const char* lesson_n = "1e9";
constexpr const char* interleaved_step = "31250000";  // N / (4 tasks × 8): eight turns per task

struct Config {
    std::string backend, title;
    std::vector<std::string> args;
};

const BackendBinary* find(const std::vector<BackendBinary>& backends, const std::string& name) {
    const auto it = std::find_if(backends.begin(), backends.end(), [&](const BackendBinary& b) { return b.name == name; });
    return it == backends.end() ? nullptr : &*it;
}

// The first CPU this process may use: where "one CPU" runs.
int first_cpu() {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (::sched_getaffinity(0, sizeof set, &set) == 0)
        for (int c = 0; c < CPU_SETSIZE; ++c)
            if (CPU_ISSET(c, &set)) return c;
    return 0;
}

std::vector<Config> configs(const CompareOptions& o) {
    const std::string one = std::to_string(first_cpu());
    std::vector<Config> out;
    for (const std::string workload : {"wait", "sum"}) {
        std::vector<std::string> w = workload == "wait"
            ? std::vector<std::string>{"--workload", "wait", "--tasks", std::to_string(o.tasks), "--steps", std::to_string(o.steps),
                                       "--wait-ms", std::to_string(o.wait_ms)}
            : std::vector<std::string>{"-n", lesson_n};
        const std::string what = workload == "wait"
            ? fmt::format("wait ({} tasks × {} steps × {} ms)", o.tasks, o.steps, o.wait_ms)
            : fmt::format("sum N = {}", lesson_n);
        auto with = [&](std::vector<std::string> extra) {
            extra.insert(extra.begin(), w.begin(), w.end());
            return extra;
        };
        out.push_back({"serial", what + ": serial", with({})});
        out.push_back({"interleaved", what + ": interleaved, 1 thread",
                       workload == "sum" ? with({"--tasks", "4", "--step", interleaved_step}) : with({})});
        out.push_back({"threads", what + ": threads -t 2 on one CPU", with({"-t", "2", "--cpus", one})});
        out.push_back({"threads", what + ": threads -t 2", with({"-t", "2"})});
    }
    return out;
}

}  // namespace

std::string write_lesson(const OutputDir& out, const CompareOptions& o, const std::vector<BackendBinary>& backends) {
    if (!find(backends, "serial") || !find(backends, "interleaved") || !find(backends, "threads")) return {};
    std::vector<record::Panel> panels;
    const std::string trace = out.staged("lesson-trace.json");
    struct Remove {  // the span export is read, never kept
        const std::string& path;
        ~Remove() { std::error_code ignored; std::filesystem::remove(path, ignored); }
    } remove{trace};
    for (const Config& c : configs(o)) {
        std::vector<std::string> argv{find(backends, c.backend)->path};
        argv.insert(argv.end(), c.args.begin(), c.args.end());
        argv.insert(argv.end(), {"--reps", "1", "--warmup", "0", "--format", "json", "--trace", trace});
        const ChildResult child = run_child(argv, std::chrono::seconds(o.timeout_s));
        if (interrupted()) return "lesson.svg skipped: interrupted";
        if (child.end != ChildResult::End::exited || child.exit_code != 0)
            return fmt::format("lesson.svg skipped: {} failed: {}", fmt::join(argv, " "), child.err.substr(0, child.err.find('\n')));
        try {
            std::ifstream in(trace);
            panels.push_back(record::panel_from_trace(nlohmann::json::parse(in), c.title));
        } catch (const std::exception& e) {
            return fmt::format("lesson.svg skipped: reading the trace of {}: {}", c.title, e.what());
        }
    }
    out.write("lesson.svg", record::timeline_svg("Concurrent is not parallel: the same work, four ways, measured", panels));
    return {};
}

}  // namespace sumsq::compare
