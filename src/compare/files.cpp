#include "files.hpp"

#include "analysis.hpp"
#include "child_process.hpp"
#include "cli.hpp"
#include "html_report.hpp"
#include "numbers.hpp"
#include "report.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sys/stat.h>

namespace sumsq::compare {
namespace fs = std::filesystem;
namespace {

std::string number_or_empty(std::optional<double> x) { return x && !std::isnan(*x) ? fmt::format("{:.6g}", *x) : ""; }

std::string csv(const std::vector<Run>& runs) {
    const unsigned cpus = available_cpus();
    std::string text = "backend,workload,n,threads,status,wall_median_s,wall_min_s,wall_max_s,cpu_median_s,parallelism,speedup,efficiency,oversubscribed\n";
    for (const Run& r : runs) {
        const bool measured = r.data.is_object() && r.data.contains("wall_seconds");
        auto field = [&](const char* group, const char* stat) {
            return measured ? fmt::format("{:.9g}", r.data[group][stat].get<double>()) : std::string();
        };
        const auto s = speedup(runs, r);
        text += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{}\n", r.backend, r.workload, r.workload == "sum" ? std::to_string(r.n) : "",
                            r.threads, status_text(r.status), field("wall_seconds", "median"), field("wall_seconds", "min"),
                            field("wall_seconds", "max"), field("cpu_seconds", "median"), number_or_empty(r.parallelism()),
                            number_or_empty(s), number_or_empty(efficiency(runs, r)),
                            r.oversubscribed(cpus) ? "true" : "false");
    }
    return text;
}

nlohmann::json results_json(const CompareOptions& o, const std::vector<Run>& runs) {
    nlohmann::json list = nlohmann::json::array();
    for (const Run& r : runs) {
        nlohmann::json entry = r.data.is_object() ? r.data : nlohmann::json::object();
        entry.erase("environment");
        entry["backend"] = r.backend;
        entry["workload"] = r.workload;
        entry["threads"] = r.threads;
        if (r.workload == "sum") entry["n"] = r.n;
        entry["status"] = status_text(r.status);
        if (!r.message.empty()) entry["message"] = r.message;
        if (const auto s = speedup(runs, r)) entry["speedup"] = *s, entry["efficiency"] = *efficiency(runs, r);
        list.push_back(std::move(entry));
    }
    return {{"environment", sweep_environment(runs)},
            {"sweep", {{"sizes", o.sizes}, {"threads", o.threads}, {"workloads", o.workloads}, {"reps", o.reps},
                       {"wait_reps", o.wait_reps}, {"warmup", o.warmup}, {"tasks", o.tasks}, {"steps", o.steps}, {"wait_ms", o.wait_ms}}},
            {"runs", std::move(list)}};
}

// gnuplot script: three SVGs from inline data blocks.
std::string plot_script(const CompareOptions& o, const std::vector<BackendBinary>& backends, const std::vector<Run>& runs) {
    std::string script = "set terminal svg size 800,500 dynamic font 'sans,12' background rgb 'white'\nset key outside right\nset grid\n";
    const bool has_sum = o.has_workload("sum");
    const u64 largest = o.largest_size();
    unsigned max_threads_swept = 1;
    for (unsigned t : o.threads) max_threads_swept = std::max(max_threads_swept, t);

    if (has_sum) {
        // 1. speedup vs threads at the largest N
        std::string plots;
        for (const BackendBinary& b : backends) {
            std::string block;
            for (const Run& r : runs)
                if (r.backend == b.name && r.workload == "sum" && r.n == largest)
                    if (const auto s = speedup(runs, r)) block += fmt::format("{} {:.6g}\n", r.threads, *s);
            if (block.empty()) continue;
            script += fmt::format("$speedup_{} << EOD\n{}EOD\n", b.name, block);
            plots += fmt::format("{}$speedup_{} using 1:2 with linespoints lw 2 pt 7 ps 1.2 title '{}'", plots.empty() ? "" : ", ", b.name, b.name);
        }
        if (!plots.empty()) {
            script += fmt::format("set output 'speedup_vs_threads.svg'\nset title 'Speedup vs serial, sum workload, N = {}'\n"
                                  "set xlabel 'threads'\nset ylabel 'speedup (serial time / time)'\nset xrange [0.5:{}.5]\nset xtics 1\nset yrange [0:*]\n"
                                  "plot x with lines dt 2 lc rgb 'gray' title 'ideal', {}\nunset xrange\nunset yrange\nset xtics autofreq\n",
                                  short_count(largest), max_threads_swept, plots);
        }
        // 2. time vs N, log-log, each backend's best over threads
        plots.clear();
        for (const BackendBinary& b : backends) {
            std::string block;
            std::vector<u64> sizes(o.sizes);
            std::sort(sizes.begin(), sizes.end());
            for (u64 n : sizes)
                if (const Run* r = best_run(runs, b.name, "sum", n); r && n > 0) block += fmt::format("{} {:.6g}\n", n, r->wall_median());
            if (block.empty()) continue;
            script += fmt::format("$time_{} << EOD\n{}EOD\n", b.name, block);
            plots += fmt::format("{}$time_{} using 1:2 with linespoints lw 2 pt 7 ps 1.2 title '{}'", plots.empty() ? "" : ", ", b.name, b.name);
        }
        if (!plots.empty())
            script += fmt::format("set output 'time_vs_n.svg'\nset title 'Median wall time vs N, sum workload (best thread count)'\n"
                                  "set logscale xy\nset xlabel 'N'\nset ylabel 'seconds'\nset format x '1e%L'\nset format y '1e%L'\nplot {}\n"
                                  "unset logscale\nset format x '%g'\nset format y '%g'\n", plots);
    }
    // 3. workload × backend matrix: speedup and parallelism, each backend at its best configuration
    std::string block;
    for (const BackendBinary& b : backends) {
        std::vector<std::string> cells;
        for (const char* workload : {"sum", "wait"}) {
            const Run* r = best_run(runs, b.name, workload, std::string(workload) == "sum" ? largest : 0);
            const auto s = r ? speedup(runs, *r) : std::nullopt;
            // gnuplot histograms need a number in every cell: not measured is drawn as 0
            cells.push_back(s ? fmt::format("{:.4g}", *s) : "0");
            cells.push_back(r && !std::isnan(r->parallelism()) ? fmt::format("{:.4g}", r->parallelism()) : "0");
        }
        block += fmt::format("{} {} {} {} {}\n", b.name, cells[0], cells[2], cells[1], cells[3]);
    }
    script += fmt::format("$matrix << EOD\n{}EOD\n", block);
    script += "set output 'workload_matrix.svg'\nset terminal svg size 1000,450 dynamic font 'sans,12' background rgb 'white'\n"
              "set multiplot layout 1,2 title 'Workload x backend, each at its fastest thread count: speedup and measured parallelism'\n"
              "set style data histograms\nset style histogram clustered gap 1\nset style fill solid 0.8 border -1\n"
              "unset xlabel\nset xtics norotate\nset key inside top left\nset yrange [0:*]\n"
              "set title 'speedup vs serial'\nset ylabel 'x'\nplot $matrix using 2:xtic(1) title 'sum', '' using 3 title 'wait'\n"
              "set title 'parallelism = CPU time / wall time'\nset ylabel 'cores busy'\nplot $matrix using 4:xtic(1) title 'sum', '' using 5 title 'wait'\n"
              "unset multiplot\n";
    return script;
}

}  // namespace

OutputDir::OutputDir(std::string dir) : dir_(std::move(dir)) {
    while (dir_.size() > 1 && dir_.back() == '/') dir_.pop_back();
    struct stat info{};
    if (::stat(dir_.c_str(), &info) == 0 && !S_ISDIR(info.st_mode))
        throw UsageError(fmt::format("--out: '{}' exists and is not a directory", dir_));
    std::string pattern = dir_ + ".partial-XXXXXX";
    if (!::mkdtemp(pattern.data()))
        throw UsageError(fmt::format("--out: cannot write to '{}': {}", dir_, std::strerror(errno)));
    staging_ = pattern;
}

OutputDir::~OutputDir() {
    std::error_code ignored;
    fs::remove_all(staging_, ignored);
}

void OutputDir::write(const std::string& file, const std::string& contents) const {
    std::ofstream out(staged(file), std::ios::binary);
    out << contents;
    if (!out.flush()) throw std::runtime_error(fmt::format("--out: writing {} failed", staged(file)));
}

std::vector<std::string> OutputDir::commit() {
    fs::create_directories(dir_);
    std::vector<std::string> paths;
    for (const auto& entry : fs::directory_iterator(staging_)) {
        if (entry.path().extension() == ".gp") continue;  // the plot script stays behind
        const fs::path target = fs::path(dir_) / entry.path().filename();
        fs::rename(entry.path(), target);
        paths.push_back(target.string());
    }
    std::sort(paths.begin(), paths.end());
    return paths;
}

std::string draw_plots(OutputDir& out, const CompareOptions& o, const std::vector<BackendBinary>& backends, const std::vector<Run>& runs) {
    const char* override_program = std::getenv("SUMSQ_GNUPLOT");
    const std::string gnuplot = override_program ? override_program : "gnuplot";
    if (!on_path(gnuplot)) return "plots skipped: gnuplot not found (Debian package gnuplot-nox; make deps installs it)";
    out.write("plots.gp", plot_script(o, backends, runs));
    const std::string staging = out.staged("");
    const ChildResult drawn = run_child({"/bin/sh", "-c", "cd \"$0\" && exec \"$1\" plots.gp", staging, gnuplot}, std::chrono::seconds(60));
    if (drawn.end != ChildResult::End::exited || drawn.exit_code != 0) {
        for (const char* svg : {"speedup_vs_threads.svg", "time_vs_n.svg", "workload_matrix.svg"}) fs::remove(out.staged(svg));
        return "plots skipped: gnuplot failed: " + drawn.err.substr(0, drawn.err.find('\n'));
    }
    return "plots drawn with gnuplot";
}

std::string write_results(OutputDir& out, const CompareOptions& o, const std::vector<BackendBinary>& backends, const std::vector<Run>& runs) {
    const nlohmann::json results = results_json(o, runs);
    out.write("results.json", results.dump(2) + "\n");
    out.write("results.csv", csv(runs));
    const std::string plots = draw_plots(out, o, backends, runs);
    out.write("index.html", html_report(results, read_figures(out.staged(""))));
    return plots;
}

}  // namespace sumsq::compare
