#include "driver/cli.hpp"
#include "text/numbers.hpp"
#include "views.hpp"

#include <fmt/format.h>

#include <cctype>

#include <algorithm>
#include <cmath>
#include <map>

namespace sumsq::compare {
namespace {

// One colour per backend, the same in every plot.
std::string colour(const std::string& backend) {
    static const std::map<std::string, std::string> known = {
        {"serial", "#555555"}, {"threads", "#1f77b4"}, {"openmp", "#d62728"}, {"tbb", "#2ca02c"},
        {"pstl", "#9467bd"},   {"interleaved", "#ff7f0e"}, {"mpi", "#8c564b"}};
    static const char* const spare[] = {"#17becf", "#bcbd22", "#e377c2", "#7f7f7f"};
    if (const auto found = known.find(backend); found != known.end()) return found->second;
    unsigned h = 0;
    for (char c : backend) h = h * 31 + static_cast<unsigned char>(c);
    return spare[h % 4];
}

// A gnuplot datablock name for a backend's data: letters, digits and '_' only (a --cpu-rows row
// is named "threads@0").
std::string block_id(const std::string& prefix, const std::string& backend) {
    std::string id = "$" + prefix + "_";
    for (char c : backend) id += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
    return id;
}

std::string style(const std::string& backend) { return fmt::format("lw 2 pt 7 ps 1.2 lc rgb '{}' title '{}'", colour(backend), backend); }

// One backend's series for a yerrorlines plot: its datablock in the script, its entry in the plot command.
void append_series(std::string& script, std::string& plots, const std::string& prefix, const std::string& backend, const std::string& block) {
    const std::string id = block_id(prefix, backend);
    script += fmt::format("{} << EOD\n{}EOD\n", id, block);
    plots += fmt::format("{}{} using 1:2:3:4 with yerrorlines {}", plots.empty() ? "" : ", ", id, style(backend));
}

// Bars of the workload matrix: one panel, x = workload group, one bar per backend.
struct Bar {
    double x, y, lo, hi;
};

std::string bar_panel(const std::string& name, const std::vector<std::pair<std::string, std::vector<Bar>>>& bars, double width, bool errors) {
    double top = 0;
    for (const auto& [backend, list] : bars)
        for (const Bar& b : list) top = std::max(top, errors ? b.hi : b.y);
    std::string data, plots, labels;
    for (const auto& [backend, list] : bars) {
        std::string block;
        for (const Bar& b : list) {
            block += fmt::format("{:.4f} {:.6g} {:.6g} {:.6g}\n", b.x, b.y, b.lo, b.hi);
            if (b.y < 0.06 * top) labels += fmt::format("{:.4f} {:.6g} \"{:.2f}\"\n", b.x, b.y + 0.03 * top, b.y);
        }
        const std::string id = block_id(name, backend);
        data += fmt::format("{} << EOD\n{}EOD\n", id, block);
        plots += fmt::format("{}{} using 1:2:({}) with boxes fs solid 0.85 border -1 lc rgb '{}' title '{}'", plots.empty() ? "" : ", ", id,
                             width, colour(backend), backend);
        if (errors) plots += fmt::format(", {} using 1:3:(0):($4-$3) with vectors nohead lw 1.5 lc rgb 'black' notitle", id);
    }
    if (!labels.empty()) {
        data += fmt::format("${}_labels << EOD\n{}EOD\n", name, labels);
        plots += fmt::format(", ${}_labels using 1:2:3 with labels rotate by 90 left font 'sans,10' notitle", name);
    }
    return data + "plot " + plots + "\n";
}

}  // namespace

std::string plot_script(const CompareOptions& o, const std::vector<BackendBinary>& backends, const std::vector<Run>& runs, const Analysis& a) {
    std::string script = "set terminal svg size 800,500 dynamic font 'sans,12' background rgb 'white'\nset key outside right\nset grid\n"
                         "set bars small\n";
    const bool has_sum = o.has_workload("sum");
    const u64 largest = o.largest_size();
    unsigned max_threads_swept = 1;
    for (unsigned t : o.threads) max_threads_swept = std::max(max_threads_swept, t);
    std::vector<u64> sizes(o.sizes);
    std::sort(sizes.begin(), sizes.end());
    sizes.erase(std::unique(sizes.begin(), sizes.end()), sizes.end());

    if (has_sum) {
        // 1. speedup vs threads at the largest N, error bars: the speedup interval
        std::string plots;
        for (std::size_t j = 0; j < backends.size(); ++j) {
            const BackendBinary& b = backends[j];
            const double nudge = (double(j) - double(backends.size() - 1) / 2) * 0.04;  // keep overlapping error bars apart
            std::string block;
            for (const Run& r : runs)
                if (r.backend == b.name && r.workload == "sum" && r.n == largest)
                    if (const auto& s = a.of(runs, r).speedup)
                        block += fmt::format("{:.3f} {:.6g} {:.6g} {:.6g}\n", r.threads + nudge, s->mid, s->lo, s->hi);
            if (block.empty()) continue;
            append_series(script, plots, "speedup", b.name, block);
        }
        if (!plots.empty())
            script += fmt::format("set output 'speedup_vs_threads.svg'\nset title \"Speedup vs serial, sum workload, N = {}\\n"
                                  "(median of {} processes; bars: interval from the extreme process medians)\"\n"
                                  "set xlabel 'threads (MPI: processes)'\nset ylabel 'speedup (serial time / time)'\nset xrange [0.5:{}.5]\nset xtics 1\nset yrange [0:*]\n"
                                  "plot x with lines dt 2 lc rgb 'gray' title 'ideal', {}\nunset xrange\nunset yrange\nset xtics autofreq\n",
                                  short_count(largest), o.rounds, max_threads_swept, plots);
        // 2. time vs N, log-log, each backend at its best configuration; only when N was swept
        plots.clear();
        if (sizes.size() > 1)
            for (const BackendBinary& b : backends) {
                std::string block;
                for (u64 n : sizes)
                    if (const Run* r = best_run(runs, a, b.name, "sum", n); r && n > 0) {
                        const ConfigStats& s = a.of(runs, *r);
                        block += fmt::format("{} {:.6g} {:.6g} {:.6g}\n", n, s.median, s.low, s.high);
                    }
                if (block.empty()) continue;
                append_series(script, plots, "time", b.name, block);
            }
        if (!plots.empty())
            script += fmt::format("set output 'time_vs_n.svg'\nset title \"Median wall time vs N, sum workload\\n(each backend at its best configuration with 2 or more workers where it has them; bars: process spread)\"\n"
                                  "set logscale xy\nset xlabel 'N'\nset ylabel 'seconds'\nset format x '1e%L'\nset format y '1e%L'\nset offsets graph 0.05, graph 0.05, 0, 0\nplot {}\n"
                                  "unset logscale\nset format x '%g'\nset format y '%g'\nset offsets 0, 0, 0, 0\n", plots);
    }
    // 3. workload × backend matrix: each backend at its best configuration with >= 2 workers where it has them
    std::vector<Point> groups;  // sum at its largest N, wait, each jobs order and array at their largest N
    for (const Point& p : o.points()) {
        const auto sizes_of = o.sizes_for(p.workload);
        if (p.n == *std::max_element(sizes_of.begin(), sizes_of.end())) groups.push_back(p);
    }
    const double width = 0.8 / std::max<std::size_t>(backends.size(), 1);
    std::vector<std::pair<std::string, std::vector<Bar>>> speed, parallel;
    for (std::size_t j = 0; j < backends.size(); ++j) {
        std::vector<Bar> s_bars, p_bars;
        for (std::size_t g = 0; g < groups.size(); ++g) {
            const Run* r = best_run(runs, a, backends[j].name, groups[g]);
            if (!r) continue;
            const ConfigStats& s = a.of(runs, *r);
            const double x = double(g) + (double(j) - double(backends.size() - 1) / 2) * width;
            if (s.speedup) s_bars.push_back({x, s.speedup->mid, s.speedup->lo, s.speedup->hi});
            if (!std::isnan(s.parallelism)) p_bars.push_back({x, s.parallelism, s.parallelism, s.parallelism});
        }
        speed.push_back({backends[j].name, s_bars});
        parallel.push_back({backends[j].name, p_bars});
    }
    std::string xtics;
    for (std::size_t g = 0; g < groups.size(); ++g)
        xtics += fmt::format("{}'{}' {}", g ? ", " : "", point_title(groups[g]), g);
    script += fmt::format("set output 'workload_matrix.svg'\nset terminal svg size {},450 dynamic font 'sans,12' background rgb 'white'\n"
                          "set multiplot layout 1,2 title 'Workload x backend, each at its best configuration with 2 or more workers where it has them'\n"
                          "unset xlabel\nset xtics ({}) norotate\nset xrange [-0.6:{}.6]\nset key outside bottom center horizontal font 'sans,10'\nset yrange [0:*]\n"
                          "set title 'speedup vs serial (bars: interval)'\nset ylabel 'x'\n",
                          std::max<std::size_t>(1000, 260 * groups.size()), xtics, groups.size() - 1);
    script += bar_panel("speed", speed, width * 0.9, true);
    script += "set title 'parallelism = CPU time / wall time'\nset ylabel 'cores busy'\nset key off\n";
    script += bar_panel("par", parallel, width * 0.9, false);
    script += "unset multiplot\n";
    return script;
}

}  // namespace sumsq::compare
