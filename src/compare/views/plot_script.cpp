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

// A series' look, assigned by its position in the chart (not by its name): a colour from a
// palette safe for colour-blind readers (Okabe–Ito, then Paul Tol's muted set), and a dash and a
// marker of its own, so that two series differ in more than colour.
struct Look {
    std::string colour;
    int dash, point;
};
constexpr const char* palette[] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442",
                                   "#332288", "#882255", "#117733", "#AA4499", "#44AA99", "#999933", "#CC6677", "#88CCEE", "#DDCC77"};
// Bar fills: solid, then hatches drawn in the series colour (gnuplot fill patterns).
constexpr int patterns[] = {3, 4, 5, 6, 7, 1, 2};
constexpr int points[] = {7, 5, 9, 11, 13, 4, 6, 8, 10, 12, 14, 1, 2, 3};
Look look(std::size_t k) {
    return {palette[k % std::size(palette)], int(k % 5) + 1, points[k % std::size(points)]};
}

// Every series a chart draws, in order: the index is its look. Rows beyond the palette's length
// would repeat a colour: the charts never draw more series than it has.
class Series {
  public:
    std::size_t operator[](const std::string& row) {
        const auto it = std::find(names_.begin(), names_.end(), row);
        if (it != names_.end()) return std::size_t(it - names_.begin());
        names_.push_back(row);
        return names_.size() - 1;
    }

  private:
    std::vector<std::string> names_;
};

// A gnuplot datablock name for a backend's data: letters, digits and '_' only (a --cpu-rows row
// is named "threads@0").
std::string block_id(const std::string& prefix, const std::string& backend) {
    std::string id = "$" + prefix + "_";
    for (char c : backend) id += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
    return id;
}

// gnuplot's single-quoted string: a quote is doubled.
std::string quoted(const std::string& text) {
    std::string out = "'";
    for (char c : text) out += c == '\'' ? std::string("''") : std::string(1, c);
    return out + "'";
}

std::string line_style(const Look& l, const std::string& title) {
    return fmt::format("lw 2 dt {} pt {} ps 1.1 lc rgb '{}' title {}", l.dash, l.point, l.colour, quoted(title));
}

// One row's series for a yerrorlines plot: its datablock in the script, its entry in the plot command.
void append_series(std::string& script, std::string& plots, const std::string& prefix, const std::string& backend, const std::string& block,
                   const Look& l) {
    const std::string id = block_id(prefix, backend);
    script += fmt::format("{} << EOD\n{}EOD\n", id, block);
    plots += fmt::format("{}{} using 1:2:3:4 with yerrorlines {}", plots.empty() ? "" : ", ", id, line_style(l, backend));
}

// The family of a row, for the small multiples: its backend's name ("threads:static", "threads@0" → threads).
std::string family(const BackendBinary& b) { return b.backend().substr(0, b.backend().find_first_of(":@/")); }

// Bars of the workload matrix: one panel, x = workload group, one bar per backend.
struct Bar {
    double x, y, lo, hi;
};

std::string bar_panel(const std::string& name, const std::vector<std::pair<std::string, std::vector<Bar>>>& bars, double width, bool errors,
                      Series& series) {
    double top = 0;
    for (const auto& [backend, list] : bars)
        for (const Bar& b : list) top = std::max(top, errors ? b.hi : b.y);
    std::string data, plots, labels;
    for (const auto& [backend, list] : bars) {
        if (list.empty()) continue;
        std::string block;
        for (const Bar& b : list) {
            block += fmt::format("{:.4f} {:.6g} {:.6g} {:.6g}\n", b.x, b.y, b.lo, b.hi);
            if (b.y < 0.06 * top)  // a bar too short to see: its value written above it (a label, not a series)
                labels += fmt::format("set label \"{:.2f}\" at {:.4f},{:.6g} rotate by 90 left font 'sans,10'\n", b.y, b.x, b.y + 0.03 * top);
        }
        const std::string id = block_id(name, backend);
        const Look l = look(series[backend]);
        data += fmt::format("{} << EOD\n{}EOD\n", id, block);
        plots += fmt::format("{}{} using 1:2:({}) with boxes fs pattern {} border rgb '{}' lw 1.5 lc rgb '{}' title {}", plots.empty() ? "" : ", ", id,
                             width, patterns[series[backend] % std::size(patterns)], l.colour, l.colour, quoted(backend));
        if (errors) plots += fmt::format(", {} using 1:3:(0):($4-$3) with vectors nohead lw 1.5 lc rgb 'black' notitle", id);
    }
    return data + labels + "plot " + plots + "\nunset label\n";
}

using Panels = std::vector<std::pair<std::string, std::vector<const BackendBinary*>>>;

// The speedup chart's small multiples: one panel per model family (the rows of one backend: its
// schedules, its --cpu-rows row), the one-row families together, at most 5 series a panel.
Panels speedup_layout(const std::vector<BackendBinary>& backends) {
    Panels panels, layout;
    std::vector<const BackendBinary*> singles;
    for (const BackendBinary& b : backends) {
        if (b.name == "serial" || !b.runs("sum")) continue;
        const std::string f = family(b);
        auto it = std::find_if(panels.begin(), panels.end(), [&](const auto& p) { return p.first == f; });
        if (it == panels.end()) it = panels.insert(panels.end(), {f, {}});
        it->second.push_back(&b);
    }
    for (auto& [f, rows] : panels) {
        if (rows.size() == 1) {
            singles.push_back(rows.front());
            continue;
        }
        for (std::size_t k = 0; k < rows.size(); k += 5)
            layout.push_back({f, std::vector<const BackendBinary*>(rows.begin() + long(k), rows.begin() + long(std::min(rows.size(), k + 5)))});
    }
    for (std::size_t k = 0; k < singles.size(); k += 5)
        layout.push_back({"other models", std::vector<const BackendBinary*>(singles.begin() + long(k), singles.begin() + long(std::min(singles.size(), k + 5)))});
    return layout;
}

// 1. speedup vs threads at the largest N, one panel per entry of the layout; error bars: the
// speedup interval. Nothing when no panel has data.
std::string speedup_chart(const CompareOptions& o, const std::vector<BackendBinary>& backends, const std::vector<Run>& runs, const Analysis& a) {
    const u64 largest = o.largest_size();
    unsigned max_threads_swept = 1;
    for (unsigned t : o.threads) max_threads_swept = std::max(max_threads_swept, t);
    Series series;
    std::string panels_script;
    std::size_t drawn = 0;
    for (const auto& [title, rows] : speedup_layout(backends)) {
        std::string plots, data;
        for (std::size_t j = 0; j < rows.size(); ++j) {
            const BackendBinary& b = *rows[j];
            const double nudge = (double(j) - double(rows.size() - 1) / 2) * 0.05;  // keep overlapping error bars apart
            std::string block;
            for (const Run& r : runs)
                if (r.backend == b.name && r.workload == "sum" && r.n == largest)
                    if (const auto& s = a.of(runs, r).speedup)
                        block += fmt::format("{:.3f} {:.6g} {:.6g} {:.6g}\n", r.threads + nudge, s->mid, s->lo, s->hi);
            if (block.empty()) continue;
            append_series(data, plots, "speedup", b.name, block, look(series[b.name]));
        }
        if (plots.empty()) continue;
        ++drawn;
        panels_script += data + fmt::format("set title {}\nplot x with lines dt 2 lw 1 lc rgb '#9a9a9a' title 'ideal (P)', "
                                            "1 with lines dt 3 lw 1 lc rgb '#5a5a5a' title '1×', {}\n",
                                            quoted(title), plots);
    }
    if (!drawn) return {};
    const std::size_t columns = std::min<std::size_t>(drawn, 3), rows = (drawn + columns - 1) / columns;
    return fmt::format("set output 'speedup_vs_threads.svg'\nset terminal svg size {},{} dynamic noenhanced font 'sans,12' background rgb 'white'\n"
                       "set multiplot layout {},{} title \"Speedup vs serial by threads, sum workload, N = {} (at least {} processes a row; "
                       "bars: the paired speedup's 95% interval)\"\n"
                       "set key inside top left font 'sans,10' box opaque\nset xlabel 'threads (MPI: processes)'\nset ylabel 'speedup'\n"
                       "set xrange [0.5:{}.5]\nset xtics 1\nset yrange [0:*]\n{}unset multiplot\nunset xrange\nunset yrange\nset xtics autofreq\n"
                       "set key outside right noopaque nobox font 'sans,12'\n",
                       std::min<std::size_t>(1200, 420 * columns), 340 * rows + 40, rows, columns, short_count(largest), o.rounds,
                       max_threads_swept, panels_script);
}

// 2. time vs N, log-log, each plain row at its best configuration. Drawn only with 3 or more
// swept sizes: with two, every line joins two points and the lines lie on top of each other.
std::string time_vs_n_chart(const CompareOptions& o, const std::vector<BackendBinary>& backends, const std::vector<Run>& runs, const Analysis& a) {
    std::vector<u64> sizes(o.sizes);
    std::sort(sizes.begin(), sizes.end());
    sizes.erase(std::unique(sizes.begin(), sizes.end()), sizes.end());
    if (sizes.size() < 3) return {};
    std::string data, plots;
    Series time_series;
    std::vector<std::string> families;  // one row per model family: its first row that ran sum (a plain row, else its first schedule)
    for (const BackendBinary& b : backends) {
        if (b.cpu_row || !b.runs("sum") || std::find(families.begin(), families.end(), family(b)) != families.end()) continue;
        families.push_back(family(b));
        std::string block;
        for (u64 n : sizes)
            if (const Run* r = best_run(runs, a, b.name, "sum", n); r && n > 0) {
                const ConfigStats& s = a.of(runs, *r);
                block += fmt::format("{} {:.6g} {:.6g} {:.6g}\n", n, s.median, s.low, s.high);
            }
        if (block.empty()) continue;
        append_series(data, plots, "time", b.name, block, look(time_series[b.name]));
    }
    if (plots.empty()) return {};
    return data + fmt::format("set output 'time_vs_n.svg'\nset terminal svg size 800,500 dynamic noenhanced font 'sans,12' background rgb 'white'\n"
                              "set title \"Median wall time vs N, sum workload\\n(each backend at its best configuration with 2 or more workers where it has them; bars: process spread)\"\n"
                              "set logscale xy\nset xlabel 'N'\nset ylabel 'seconds'\nset format x '1e%L'\nset format y '1e%L'\nset offsets graph 0.05, graph 0.05, 0, 0\nplot {}\n"
                              "unset logscale\nset format x '%g'\nset format y '%g'\nset offsets 0, 0, 0, 0\n", plots);
}

// The matrix's groups: sum at its largest N, wait, each jobs order and array at their largest N.
std::vector<Point> matrix_groups(const CompareOptions& o) {
    std::vector<Point> groups;
    for (const Point& p : o.points()) {
        const auto sizes_of = o.sizes_for(p.workload);
        if (p.n == *std::max_element(sizes_of.begin(), sizes_of.end())) groups.push_back(p);
    }
    return groups;
}

// The matrix's x tics: one label per group, on two lines ("jobs (descending)" / "N=3e7") so that
// neighbours do not overlap.
std::string matrix_xtics(const std::vector<Point>& groups) {
    std::string xtics;
    for (std::size_t g = 0; g < groups.size(); ++g) {
        const Point& p = groups[g];
        const std::string variant = p.workload == "tree" ? "cut-off " + short_count(std::stoull(p.variant)) : p.variant;
        const std::string first = p.workload + (variant.empty() ? "" : " (" + variant + ")");
        xtics += fmt::format("{}\"{}{}\" {}", g ? ", " : "", first, p.workload == "wait" ? "" : "\\nN=" + short_count(p.n), g);
    }
    return xtics;
}

using BarPanel = std::vector<std::pair<std::string, std::vector<Bar>>>;

// 3. workload × backend matrix: each row at its best configuration with >= 2 workers where it has
// them; a speedup panel over a parallelism panel. Nothing when either panel would be empty.
std::string workload_matrix(const CompareOptions& o, const std::vector<BackendBinary>& backends, const std::vector<Run>& runs, const Analysis& a) {
    const std::vector<Point> groups = matrix_groups(o);
    std::vector<const BackendBinary*> rows;
    for (const BackendBinary& b : backends)
        if (b.name != "serial") rows.push_back(&b);
    if (rows.empty())  // serial alone: its own bars (speedup from its serial-vs-serial pairs, parallelism)
        for (const BackendBinary& b : backends) rows.push_back(&b);
    const double width = 0.8 / std::max<std::size_t>(rows.size(), 1);
    BarPanel speed, parallel;
    for (std::size_t j = 0; j < rows.size(); ++j) {
        std::vector<Bar> s_bars, p_bars;
        for (std::size_t g = 0; g < groups.size(); ++g) {
            const Run* r = best_run(runs, a, rows[j]->name, groups[g]);
            if (!r) continue;
            const ConfigStats& s = a.of(runs, *r);
            const double x = double(g) + (double(j) - double(rows.size() - 1) / 2) * width;
            if (s.speedup) s_bars.push_back({x, s.speedup->mid, s.speedup->lo, s.speedup->hi});
            if (!std::isnan(s.parallelism)) p_bars.push_back({x, s.parallelism, s.parallelism, s.parallelism});
        }
        speed.push_back({rows[j]->name, s_bars});
        parallel.push_back({rows[j]->name, p_bars});
    }
    const auto has_bars = [](const BarPanel& panel) {
        return std::any_of(panel.begin(), panel.end(), [](const auto& series) { return !series.second.empty(); });
    };
    if (!has_bars(speed) || !has_bars(parallel)) return {};  // nothing to draw: no matrix (gnuplot refuses an empty plot)
    Series matrix;
    std::string script = fmt::format("set output 'workload_matrix.svg'\nset terminal svg size {},820 dynamic noenhanced font 'sans,12' background rgb 'white'\n"
                                     "set multiplot layout 2,1 title 'Workload x backend, each at its best configuration with 2 or more workers where it has them'\n"
                                     "unset xlabel\nset xtics ({}) norotate font 'sans,11'\nset xrange [-0.6:{}.6]\nset key outside right top vertical font 'sans,10'\nset yrange [0:*]\n"
                                     "set title 'speedup vs serial (whiskers: interval)'\nset ylabel 'speedup'\n",
                                     std::max<std::size_t>(900, 190 * groups.size() + 220), matrix_xtics(groups), groups.size() - 1);
    script += bar_panel("speed", speed, width * 0.9, true, matrix);
    // Headroom above the tallest bar: parallelism sits at the CPU count, which autoscale makes the frame.
    script += "set title 'parallelism = CPU time / wall time'\nset ylabel 'cores busy'\nset offsets 0, 0, graph 0.08, 0\n";
    script += bar_panel("par", parallel, width * 0.9, false, matrix);
    script += "unset multiplot\nset offsets 0, 0, 0, 0\n";
    return script;
}

// 4. The tree workload: efficiency against the mean task size (log scale), one line per backend and
// worker count at the largest tree N, whiskers its interval; the 50% line is where a task pays
// (METG(50%), Task Bench's measure).
std::string tasks_chart(const CompareOptions& o, const Analysis& a) {
    if (a.tasks.empty()) return {};
    const u64 n = *std::max_element(o.tree_sizes.begin(), o.tree_sizes.end());
    Series series;
    std::string data, plots;
    for (const TaskCurve& c : a.tasks) {
        if (c.n != n) continue;
        std::string block;
        for (const TaskPoint& p : c.points)
            if (p.efficiency && p.leaf_elements > 0)
                block += fmt::format("{:.6g} {:.6g} {:.6g} {:.6g}\n", p.leaf_elements, 100 * p.efficiency->mid, 100 * p.efficiency->lo, 100 * p.efficiency->hi);
        if (block.empty()) continue;
        const std::string name = fmt::format("{} ({} thread{})", c.backend, c.threads, c.threads == 1 ? "" : "s");
        append_series(data, plots, "tasks", name, block, look(series[name]));
    }
    if (plots.empty()) return {};
    return data + fmt::format("set output 'tasks.svg'\nset terminal svg size 900,520 dynamic noenhanced font 'sans,12' background rgb 'white'\n"
                              "set xtics autofreq norotate font 'sans,12'\nset xrange [*:*]\nset offsets 0, 0, 0, 0\nset key outside right top vertical font 'sans,11'\n"
                              "set title 'Tree of tasks, N = {}: efficiency vs task size (serial''s tree at the same cut-off = 100%)'\n"
                              "set logscale x 10\nset xlabel 'mean task (leaf) size, elements'\nset ylabel 'efficiency, %'\nset yrange [0:*]\n"
                              "set format x '%g'\nplot 50 with lines dt 2 lw 1 lc rgb '#5a5a5a' title '50%: a task pays', {}\n"
                              "unset logscale x\nset format x '%g'\nunset xlabel\nunset ylabel\nset yrange [*:*]\n",
                              short_count(n), plots);
}

}  // namespace

std::string plot_script(const CompareOptions& o, const std::vector<BackendBinary>& backends, const std::vector<Run>& runs, const Analysis& a) {
    std::string script = "set terminal svg size 800,500 dynamic noenhanced font 'sans,12' background rgb 'white'\nset key outside right\nset grid\n"
                         "set bars small\n";
    if (o.has_workload("sum")) script += speedup_chart(o, backends, runs, a) + time_vs_n_chart(o, backends, runs, a);
    return script + workload_matrix(o, backends, runs, a) + tasks_chart(o, a);
}

}  // namespace sumsq::compare
