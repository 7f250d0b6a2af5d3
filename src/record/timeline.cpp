// timeline.cpp — the SVG timeline of recorded runs (--timeline FILE.svg and lesson.svg).
#include "views.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <set>

namespace sumsq::record {
namespace {

constexpr double width = 1200, left = 210, right = 30, row_height = 22, row_gap = 6;
constexpr double plot_width = width - left - right;
constexpr std::size_t legend_max = 12, span_bars_max = 8;
// Distinct, colour-blind-friendly task colours (Okabe-Ito, then Tableau), cycled.
constexpr std::array<const char*, 12> palette{"#E69F00", "#56B4E9", "#009E73", "#CC79A7", "#0072B2", "#D55E00",
                                              "#F0E442", "#7f7f7f", "#8c564b", "#9467bd", "#17becf", "#bcbd22"};

const char* colour(std::uint32_t task) { return palette[task % palette.size()]; }

std::string escape(const std::string& text) {
    std::string out;
    for (char c : text) {
        if (c == '&') out += "&amp;";
        else if (c == '<') out += "&lt;";
        else if (c == '>') out += "&gt;";
        else out += c;
    }
    return out;
}

std::string ms(double seconds) { return seconds < 0.01 ? fmt::format("{:.3f} ms", seconds * 1e3) : fmt::format("{:.1f} ms", seconds * 1e3); }

std::string figures_text(const Figures& f) {
    std::string text = fmt::format("wall {}  ·  concurrency {:.2f}  ·  parallelism {:.2f}", ms(f.wall_seconds), f.concurrency, f.parallelism);
    if (!f.cpus_allowed.empty()) text += "  ·  CPUs allowed " + cpu_list(f.cpus_allowed);
    return text;
}

// A tick step of 1, 2 or 5 × 10^k ms giving at least ~90 px between ticks.
double tick_ms(double span_ms) {
    const double raw = std::max(span_ms * 90 / plot_width, 1e-6);
    const double base = std::pow(10, std::floor(std::log10(raw)));
    for (double m : {1.0, 2.0, 5.0, 10.0})
        if (base * m >= raw) return base * m;
    return base * 10;
}

}  // namespace

std::string timeline_svg(const std::string& heading, const std::vector<Panel>& panels) {
    // One time scale for every panel: the longest wall (or last stretch end).
    double span_ns = 1;
    std::set<std::uint32_t> tasks;
    for (const Panel& p : panels) {
        span_ns = std::max(span_ns, p.figures.wall_seconds * 1e9);
        for (const Stretch& s : p.stretches) span_ns = std::max(span_ns, double(s.end_ns)), tasks.insert(s.task);
    }
    const double px_per_ns = plot_width / span_ns;
    const double step = tick_ms(span_ns / 1e6);
    std::string body;
    double y = 40;
    for (const Panel& p : panels) {
        body += fmt::format("<text x='10' y='{:.0f}'><tspan class='panel'>{}</tspan><tspan class='figures' dx='12'>{}</tspan></text>\n",
                            y + 14, escape(p.title), escape(figures_text(p.figures)));
        y += 22;
        const double rows_top = y;
        const std::string above = std::move(body);
        body.clear();
        // Rows: OS threads by number, labelled with the CPUs their stretches ran on.
        std::map<std::uint32_t, std::set<int>> rows;
        for (const Stretch& s : p.stretches) rows[s.thread].insert(s.cpu);
        if (rows.empty()) {
            body += fmt::format("<text x='{:.0f}' y='{:.0f}' class='label'>nothing recorded</text>\n", left, y + 15);
            y += row_height + row_gap;
        }
        for (const auto& [thread, cpus] : rows) {
            // Each task's span on this row, first begin to last end: in progress, running or waiting.
            std::map<std::uint32_t, std::pair<std::int64_t, std::int64_t>> spans;
            for (const Stretch& s : p.stretches)
                if (s.thread == thread) {
                    auto [it, fresh] = spans.try_emplace(s.task, s.begin_ns, s.end_ns);
                    if (!fresh) it->second.second = std::max(it->second.second, s.end_ns);
                }
            const bool span_bars = spans.size() <= span_bars_max;
            const double height = row_height + (span_bars ? 4.0 * double(spans.size()) : 0);
            const std::vector<int> cpu_vector(cpus.begin(), cpus.end());
            body += fmt::format("<text x='{:.0f}' y='{:.0f}' class='label' text-anchor='end'>thread {} · CPU {}</text>\n", left - 8,
                                y + 15, thread + 1, cpu_list(cpu_vector));
            body += fmt::format("<rect x='{:.0f}' y='{:.0f}' width='{:.0f}' height='{:.0f}' class='lane'/>\n", left, y, plot_width, height);
            double bar_y = y + row_height;
            for (const auto& [task, span] : spans) {
                if (!span_bars) break;
                body += fmt::format("<rect x='{:.1f}' y='{:.1f}' width='{:.1f}' height='3' fill='{}'/>\n", left + double(span.first) * px_per_ns,
                                    bar_y, std::max(1.0, double(span.second - span.first) * px_per_ns), colour(task));
                bar_y += 4;
            }
            // One box per stretch; stretches narrower than a pixel are drawn at most once per pixel.
            double last_px = -1;
            for (const Stretch& s : p.stretches) {
                if (s.thread != thread) continue;
                const double x = left + double(s.begin_ns) * px_per_ns, w = double(s.end_ns - s.begin_ns) * px_per_ns;
                if (w < 1 && std::floor(x) == last_px) continue;
                last_px = std::floor(x);
                body += fmt::format("<rect x='{:.1f}' y='{:.0f}' width='{:.1f}' height='{:.0f}' fill='{}'><title>{} · {} – {} · CPU {}</title></rect>\n",
                                    x, y + 2, std::max(w, 2.0), row_height - 4, colour(s.task), escape(stretch_label(s)),
                                    ms(double(s.begin_ns) / 1e9), ms(double(s.end_ns) / 1e9), s.cpu);
            }
            y += height + row_gap;
        }
        std::string grid;  // behind this panel's rows
        for (double t = step; t <= span_ns / 1e6 + 1e-9; t += step) {
            const double x = left + t * 1e6 * px_per_ns;
            grid += fmt::format("<line x1='{:.1f}' y1='{:.0f}' x2='{:.1f}' y2='{:.0f}' class='grid'/>\n", x, rows_top, x, y - row_gap);
        }
        body = above + grid + body;
        y += 8;
    }
    // Time axis.
    std::string axis = fmt::format("<line x1='{:.0f}' y1='{:.0f}' x2='{:.0f}' y2='{:.0f}' stroke='#444'/>\n", left, y, left + plot_width, y);
    for (double t = 0; t <= span_ns / 1e6 + 1e-9; t += step) {
        const double x = left + t * 1e6 * px_per_ns;
        axis += fmt::format("<line x1='{:.1f}' y1='{:.0f}' x2='{:.1f}' y2='{:.0f}' stroke='#444'/><text x='{:.1f}' y='{:.0f}' class='tick' text-anchor='middle'>{:g}</text>\n",
                            x, y, x, y + 5, x, y + 18, t);
    }
    axis += fmt::format("<text x='{:.0f}' y='{:.0f}' class='tick' text-anchor='middle'>time since the run began (ms)</text>\n", left + plot_width / 2, y + 34);
    // Legend: a swatch per task; the bar under a row is a task's span.
    double lx = left, ly = y + 58;
    std::string legend = fmt::format("<text x='10' y='{:.0f}' class='label'>colour = task:</text>\n", ly + 11);
    std::size_t shown = 0;
    for (std::uint32_t task : tasks) {
        if (shown++ == legend_max) {
            legend += fmt::format("<text x='{:.0f}' y='{:.0f}' class='label'>… {} more</text>\n", lx, ly + 11, tasks.size() - legend_max);
            break;
        }
        legend += fmt::format("<rect x='{:.0f}' y='{:.0f}' width='14' height='14' fill='{}'/><text x='{:.0f}' y='{:.0f}' class='label'>Task {}</text>\n",
                              lx, ly, colour(task), lx + 18, ly + 11, task_name(task));
        lx += 80;
        if (lx > width - 100) lx = left, ly += 20;
    }
    ly += 24;
    legend += fmt::format("<text x='10' y='{:.0f}' class='note'>box = a stretch a task ran on that OS thread; gap = nothing ran there (waiting, or another thread had the CPU); "
                          "thin bars under a row = each task's span, first begin to last end</text>\n", ly + 11);
    legend += fmt::format("<text x='10' y='{:.0f}' class='note'>concurrency = Σ task spans / wall (tasks in progress); parallelism = CPU time / wall (CPUs busy)</text>\n", ly + 29);
    const double height = ly + 44;
    return fmt::format(
        "<?xml version='1.0' encoding='UTF-8'?>\n"
        "<svg xmlns='http://www.w3.org/2000/svg' width='{:.0f}' height='{:.0f}' viewBox='0 0 {:.0f} {:.0f}' font-family='sans-serif'>\n"
        "<style>.title{{font-size:16px;font-weight:bold}} .panel{{font-size:14px;font-weight:bold}} .figures{{font-size:13px}} "
        ".label{{font-size:12px}} .tick{{font-size:11px;fill:#444}} .note{{font-size:11px;fill:#555}} "
        ".lane{{fill:#f4f4f4;fill-opacity:0.7}} .grid{{stroke:#ddd;stroke-width:1}}</style>\n"
        "<rect width='100%' height='100%' fill='white'/>\n"
        "<text x='10' y='24' class='title'>{}</text>\n{}{}{}</svg>\n",
        width, height, width, height, escape(heading), axis, body, legend);
}

}  // namespace sumsq::record
