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

constexpr double width = 1200, left = 210, right = 30, row_height = 22, row_gap = 6, cpu_row_height = 10;
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
    if (f.useful_parallelism >= 0) text += fmt::format("  ·  useful {:.2f}", f.useful_parallelism);
    if (!f.cpus_allowed.empty()) text += "  ·  CPUs allowed " + cpu_list(f.cpus_allowed);
    return text;
}

// Where the picture's OS half came from.
std::string source_text(const Figures& f, bool states) {
    if (f.os_source == "switch_records")
        return f.lost_records ? fmt::format("OS: switch records, {} lost (a ring was full): gaps may be missing", f.lost_records) : "OS: switch records";
    if (f.os_source == "thread_clocks")
        return "OS: thread CPU clocks (no switch records: " + f.fallback_reason + "): boxes are wall-clock spans, not time on a CPU";
    return states ? "" : "no OS record: boxes are wall-clock spans, not time on a CPU";
}

// A piece of a thread's time on a CPU: inside one stretch, or outside any (stretch == nullptr).
struct Piece {
    std::int64_t begin_ns, end_ns;
    int cpu;
    const Stretch* stretch;
};

// A thread's running spans (sorted) cut where its stretches (sorted, disjoint) begin and end.
std::vector<Piece> running_pieces(const std::vector<const StateSpan*>& running, const std::vector<const Stretch*>& stretches) {
    std::vector<Piece> out;
    std::size_t j = 0;
    for (const StateSpan* r : running) {
        std::int64_t at = r->begin_ns;
        while (j < stretches.size() && stretches[j]->end_ns <= at) ++j;
        for (std::size_t k = j; k < stretches.size() && stretches[k]->begin_ns < r->end_ns; ++k) {
            const Stretch* s = stretches[k];
            if (s->begin_ns > at) out.push_back({at, s->begin_ns, r->cpu, nullptr});
            const std::int64_t b = std::max(at, s->begin_ns), e = std::min(r->end_ns, s->end_ns);
            if (e > b) out.push_back({b, e, r->cpu, s});
            at = std::max(at, e);
        }
        if (at < r->end_ns) out.push_back({at, r->end_ns, r->cpu, nullptr});
    }
    return out;
}

// Draws boxes. Pieces narrower than a pixel share their pixel column: it is drawn once, in the
// colour that had the most time there (thousands of short stretches with gaps of nanoseconds
// between them stay the task's colour, not the gaps').
class Boxes {
public:
    Boxes(std::string& body, double px_per_ns) : body_(body), px_per_ns_(px_per_ns) {}
    ~Boxes() { flush(); }
    Boxes(const Boxes&) = delete;
    Boxes& operator=(const Boxes&) = delete;

    void piece(const Piece& p, double y, double height, const std::string& where) {
        const double x = left + double(p.begin_ns) * px_per_ns_, w = double(p.end_ns - p.begin_ns) * px_per_ns_;
        if (w >= 1) {
            flush();
            draw(p, x, w, y, height, where);
            return;
        }
        if (std::floor(x) != column_.px) {
            flush();
            column_ = {std::floor(x), y, height, where, {}};
        }
        auto [it, fresh] = column_.by_colour.try_emplace(fill(p), p, 0);
        it->second.second += p.end_ns - p.begin_ns;
    }
    // A thin mark for time off a CPU: waiting (a red bar, 4 px) or blocked (a grey line, 2 px).
    void off_cpu(const StateSpan& s, double y) {
        const double x = left + double(s.begin_ns) * px_per_ns_, w = std::max(double(s.end_ns - s.begin_ns) * px_per_ns_, 1.0);
        const bool waiting = s.state == os::ThreadState::waiting;
        auto& last = waiting ? last_wait_px_ : last_block_px_;
        if (w <= 1 && std::floor(x) == last) return;
        last = std::floor(x);
        body_ += fmt::format("<rect x='{:.1f}' y='{:.1f}' width='{:.1f}' height='{}' class='{}'><title>{} · {} – {}</title></rect>\n", x,
                             y + (row_height - (waiting ? 4.0 : 2.0)) / 2, w, waiting ? 4 : 2, waiting ? "waiting" : "blocked",
                             waiting ? "runnable, waiting for a CPU" : "blocked or sleeping", ms(double(s.begin_ns) / 1e9), ms(double(s.end_ns) / 1e9));
    }
    void new_row() {
        flush();
        last_wait_px_ = last_block_px_ = -1;
    }

private:
    static constexpr const char* outside_colour = "#b0b0b0";
    static const char* fill(const Piece& p) { return p.stretch ? colour(p.stretch->task) : outside_colour; }

    void draw(const Piece& p, double x, double w, double y, double height, const std::string& where) {
        const std::string what = p.stretch ? stretch_label(*p.stretch) : "on a CPU outside any task";
        body_ += fmt::format("<rect x='{:.1f}' y='{:.1f}' width='{:.1f}' height='{:.1f}' fill='{}'><title>{}{} · {} – {} · CPU {}</title></rect>\n", x,
                             y, std::max(w, 1.0), height, fill(p), escape(where), escape(what), ms(double(p.begin_ns) / 1e9),
                             ms(double(p.end_ns) / 1e9), p.cpu);
    }
    void flush() {
        if (column_.by_colour.empty()) return;
        const auto most = std::max_element(column_.by_colour.begin(), column_.by_colour.end(),
                                           [](const auto& a, const auto& b) { return a.second.second < b.second.second; });
        draw(most->second.first, column_.px, 1, column_.y, column_.height, column_.where);
        column_ = {};
    }

    struct Column {
        double px = -1, y = 0, height = 0;
        std::string where;
        std::map<std::string, std::pair<Piece, std::int64_t>> by_colour;  // colour → its first piece, its time
    };
    std::string& body_;
    double px_per_ns_;
    Column column_;
    double last_wait_px_ = -1, last_block_px_ = -1;
};

// "thread 1: on CPU 50%, waiting 48%, blocked 2%; 19 preemptions, 1 voluntary" from a thread's states.
std::string thread_caption(std::uint32_t thread, const std::vector<const StateSpan*>& states, double wall_ns) {
    std::int64_t time[3] = {0, 0, 0};
    std::uint64_t preemptions = 0, blocks = 0;
    for (std::size_t k = 0; k < states.size(); ++k) {
        time[static_cast<int>(states[k]->state)] += states[k]->end_ns - states[k]->begin_ns;
        if (k > 0 && states[k - 1]->state == os::ThreadState::running) {
            if (states[k]->state == os::ThreadState::waiting) ++preemptions;
            if (states[k]->state == os::ThreadState::blocked) ++blocks;
        }
    }
    const auto pct = [&](std::int64_t t) { return wall_ns > 0 ? 100.0 * double(t) / wall_ns : 0.0; };
    return fmt::format("thread {}: on CPU {:.0f}%, waiting {:.0f}%, blocked {:.0f}%; {} preemption{}, {} voluntary", thread + 1,
                       pct(time[0]), pct(time[1]), pct(time[2]), preemptions, preemptions == 1 ? "" : "s", blocks);
}

// A tick step of 1, 2 or 5 × 10^k ms giving at least ~90 px between ticks.
double tick_ms(double span_ms) {
    const double raw = std::max(span_ms * 90 / plot_width, 1e-6);
    const double base = std::pow(10, std::floor(std::log10(raw)));
    for (double m : {1.0, 2.0, 5.0, 10.0})
        if (base * m >= raw) return base * m;
    return base * 10;
}

// One time scale for every panel: the longest wall (or last stretch end).
struct Scale {
    double span_ns = 1;
    double px_per_ns = 0;
    double step_ms = 0;  // between grid lines and ticks
};

Scale scale_of(const std::vector<Panel>& panels) {
    Scale scale;
    for (const Panel& p : panels) {
        scale.span_ns = std::max(scale.span_ns, p.figures.wall_seconds * 1e9);
        for (const Stretch& s : p.stretches) scale.span_ns = std::max(scale.span_ns, double(s.end_ns));
    }
    scale.px_per_ns = plot_width / scale.span_ns;
    scale.step_ms = tick_ms(scale.span_ns / 1e6);
    return scale;
}

std::set<std::uint32_t> tasks_of(const std::vector<Panel>& panels) {
    std::set<std::uint32_t> tasks;
    for (const Panel& p : panels)
        for (const Stretch& s : p.stretches) tasks.insert(s.task);
    return tasks;
}

// A panel's rows: OS threads by number (those that ran tasks, and those the OS saw on a CPU),
// labelled with the CPUs they held (without states: those their stretches ended on); each
// thread's stretches and states sorted by their begin.
struct Rows {
    std::map<std::uint32_t, std::set<int>> cpus;
    std::map<std::uint32_t, std::vector<const Stretch*>> stretches;
    std::map<std::uint32_t, std::vector<const StateSpan*>> states;
};

Rows rows_of(const Panel& p) {
    Rows rows;
    const bool with_states = !p.states.empty();
    for (const Stretch& s : p.stretches) {
        rows.stretches[s.thread].push_back(&s);
        rows.cpus[s.thread];
        if (!with_states) rows.cpus[s.thread].insert(s.cpu);
    }
    for (const StateSpan& s : p.states) {
        rows.states[s.thread].push_back(&s);
        rows.cpus[s.thread];
        if (s.state == os::ThreadState::running && s.cpu >= 0) rows.cpus[s.thread].insert(s.cpu);
    }
    for (auto& [thread, list] : rows.stretches)
        std::sort(list.begin(), list.end(), [](const Stretch* a, const Stretch* b) { return a->begin_ns < b->begin_ns; });
    for (auto& [thread, list] : rows.states)
        std::sort(list.begin(), list.end(), [](const StateSpan* a, const StateSpan* b) { return a->begin_ns < b->begin_ns; });
    return rows;
}

// Draws one panel's rows downwards from y: a row per thread, the CPU strip, the caption.
class PanelRows {
public:
    PanelRows(const Panel& panel, double px_per_ns, double y) : panel_(panel), px_per_ns_(px_per_ns), y_(y) {}

    void nothing_recorded() {
        body_ += fmt::format("<text x='{:.0f}' y='{:.0f}' class='label'>nothing recorded</text>\n", left, y_ + 15);
        y_ += row_height + row_gap;
    }

    // A thread's row: its label, each task's span as a thin bar underneath, and its boxes.
    void thread_row(std::uint32_t thread, const std::set<int>& cpus, const std::vector<const Stretch*>& mine,
                    const std::vector<const StateSpan*>& states) {
        // Each task's span on this row, first begin to last end: in progress, running or waiting.
        std::map<std::uint32_t, std::pair<std::int64_t, std::int64_t>> spans;
        for (const Stretch* s : mine) {
            auto [it, fresh] = spans.try_emplace(s->task, s->begin_ns, s->end_ns);
            if (!fresh) it->second.second = std::max(it->second.second, s->end_ns);
        }
        const bool span_bars = spans.size() <= span_bars_max;
        const double height = row_height + (span_bars ? 4.0 * double(spans.size()) : 0);
        const std::vector<int> cpu_vector(cpus.begin(), cpus.end());
        body_ += fmt::format("<text x='{:.0f}' y='{:.0f}' class='label' text-anchor='end'>thread {} · CPU {}</text>\n", left - 8,
                             y_ + 15, thread + 1, cpu_vector.empty() ? "?" : cpu_list(cpu_vector));
        body_ += fmt::format("<rect x='{:.0f}' y='{:.0f}' width='{:.0f}' height='{:.0f}' class='lane'/>\n", left, y_, plot_width, height);
        double bar_y = y_ + row_height;
        for (const auto& [task, span] : spans) {
            if (!span_bars) break;
            body_ += fmt::format("<rect x='{:.1f}' y='{:.1f}' width='{:.1f}' height='3' fill='{}'/>\n", left + double(span.first) * px_per_ns_,
                                 bar_y, std::max(1.0, double(span.second - span.first) * px_per_ns_), colour(task));
            bar_y += 4;
        }
        boxes_.new_row();
        const std::string where = fmt::format("thread {} · ", thread + 1);
        if (!panel_.states.empty()) {  // boxes only where it held a CPU; thin marks where it did not
            std::vector<const StateSpan*> running;
            for (const StateSpan* s : states) {
                if (s->state == os::ThreadState::running) running.push_back(s);
                else boxes_.off_cpu(*s, y_);
            }
            for (const Piece& piece : running_pieces(running, mine)) {
                boxes_.piece(piece, y_ + 2, row_height - 4, where);
                if (piece.cpu >= 0) on_cpu_[piece.cpu].push_back({thread, piece});
            }
            if (!states.empty()) captions_.push_back(thread_caption(thread, states, panel_.figures.wall_seconds * 1e9));
        } else {  // wall-clock spans of the stretches
            for (const Stretch* s : mine) boxes_.piece({s->begin_ns, s->end_ns, s->cpu, s}, y_ + 2, row_height - 4, where);
        }
        y_ += height + row_gap;
    }

    // The CPU strip: which of this process's threads held each CPU, and on which task.
    void cpu_strip() {
        const double wall_seconds = panel_.figures.wall_seconds;
        for (auto& [cpu, pieces] : on_cpu_) {
            std::int64_t busy = 0;
            for (const auto& piece : pieces) busy += piece.second.end_ns - piece.second.begin_ns;
            std::sort(pieces.begin(), pieces.end(), [](const auto& a, const auto& b) { return a.second.begin_ns < b.second.begin_ns; });
            body_ += fmt::format("<text x='{:.0f}' y='{:.0f}' class='cpu' text-anchor='end'>CPU {} · {:.0f}% this process</text>\n", left - 8,
                                 y_ + cpu_row_height - 2, cpu, wall_seconds > 0 ? 100.0 * double(busy) / (wall_seconds * 1e9) : 0.0);
            body_ += fmt::format("<rect x='{:.0f}' y='{:.0f}' width='{:.0f}' height='{:.0f}' class='lane'/>\n", left, y_, plot_width, cpu_row_height);
            boxes_.new_row();
            for (const auto& [thread, piece] : pieces) boxes_.piece(piece, y_ + 1, cpu_row_height - 2, fmt::format("CPU {} · thread {} · ", cpu, thread + 1));
            y_ += cpu_row_height + 2;
        }
        boxes_.new_row();
    }

    // Caption: where the OS half came from, and each thread's shares, three to a line.
    void caption() {
        std::vector<std::string> lines;
        if (const std::string source = source_text(panel_.figures, !panel_.states.empty()); !source.empty()) lines.push_back(source);
        for (std::size_t k = 0; k < captions_.size(); k += 3) {
            std::string line;
            for (std::size_t c = k; c < std::min(captions_.size(), k + 3); ++c) line += (c > k ? "  ·  " : "") + captions_[c];
            lines.push_back(line);
        }
        for (const std::string& line : lines) {
            body_ += fmt::format("<text x='{:.0f}' y='{:.0f}' class='caption'>{}</text>\n", left, y_ + 11, escape(line));
            y_ += 15;
        }
    }

    double y() const { return y_; }
    // What was drawn; call after cpu_strip(), whose last new_row() leaves no box pending.
    std::string take() { return std::move(body_); }

private:
    const Panel& panel_;
    double px_per_ns_;
    double y_;
    std::string body_;
    Boxes boxes_{body_, px_per_ns_};
    std::map<int, std::vector<std::pair<std::uint32_t, Piece>>> on_cpu_;  // CPU → (thread, piece), for the CPU strip
    std::vector<std::string> captions_;
};

// A panel: its title and figures, its rows, and the grid behind them; y moves past it.
std::string panel_svg(const Panel& p, const Scale& scale, double& y) {
    const std::string header =
        fmt::format("<text x='10' y='{:.0f}'><tspan class='panel'>{}</tspan><tspan class='figures' dx='12'>{}</tspan></text>\n", y + 14,
                    escape(p.title), escape(figures_text(p.figures)));
    y += 22;
    const double rows_top = y;
    Rows rows = rows_of(p);
    PanelRows drawn(p, scale.px_per_ns, y);
    if (rows.cpus.empty()) drawn.nothing_recorded();
    for (const auto& [thread, cpus] : rows.cpus) drawn.thread_row(thread, cpus, rows.stretches[thread], rows.states[thread]);
    drawn.cpu_strip();
    drawn.caption();
    y = drawn.y();
    std::string grid;  // behind this panel's rows
    for (double t = scale.step_ms; t <= scale.span_ns / 1e6 + 1e-9; t += scale.step_ms) {
        const double x = left + t * 1e6 * scale.px_per_ns;
        grid += fmt::format("<line x1='{:.1f}' y1='{:.0f}' x2='{:.1f}' y2='{:.0f}' class='grid'/>\n", x, rows_top, x, y - row_gap);
    }
    y += 8;
    return header + grid + drawn.take();
}

std::string time_axis(const Scale& scale, double y) {
    std::string axis = fmt::format("<line x1='{:.0f}' y1='{:.0f}' x2='{:.0f}' y2='{:.0f}' stroke='#444'/>\n", left, y, left + plot_width, y);
    for (double t = 0; t <= scale.span_ns / 1e6 + 1e-9; t += scale.step_ms) {
        const double x = left + t * 1e6 * scale.px_per_ns;
        axis += fmt::format("<line x1='{:.1f}' y1='{:.0f}' x2='{:.1f}' y2='{:.0f}' stroke='#444'/><text x='{:.1f}' y='{:.0f}' class='tick' text-anchor='middle'>{:g}</text>\n",
                            x, y, x, y + 5, x, y + 18, t);
    }
    axis += fmt::format("<text x='{:.0f}' y='{:.0f}' class='tick' text-anchor='middle'>time since the run began (ms)</text>\n", left + plot_width / 2, y + 34);
    return axis;
}

// Legend below the axis at y: a swatch per task, then what boxes, marks and bars mean; `height`
// becomes the picture's height.
std::string legend_svg(const std::set<std::uint32_t>& tasks, double y, double& height) {
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
    legend += fmt::format("<text x='10' y='{:.0f}' class='note'>box = a task on a CPU (with switch records: only where the thread held one; without: the stretch's wall-clock span); "
                          "grey box = on a CPU outside any task (the runtime's own work, spinning)</text>\n", ly + 11);
    legend += fmt::format("<rect x='10' y='{:.0f}' width='24' height='4' class='waiting'/><text x='40' y='{:.0f}' class='note'>runnable, waiting for a CPU (preempted)</text>"
                          "<rect x='280' y='{:.0f}' width='24' height='2' class='blocked'/><text x='310' y='{:.0f}' class='note'>blocked or sleeping</text>"
                          "<text x='450' y='{:.0f}' class='note'>thin bars under a row = each task's span, first begin to last end; CPU rows = this process's threads on each CPU</text>\n",
                          ly + 22, ly + 29, ly + 23, ly + 29, ly + 29);
    legend += fmt::format("<text x='10' y='{:.0f}' class='note'>concurrency = Σ task spans / wall (tasks in progress); parallelism = CPU time / wall (CPUs busy); "
                          "useful = CPU time inside tasks / wall (CPUs doing the work)</text>\n", ly + 47);
    height = ly + 62;
    return legend;
}

}  // namespace

std::string timeline_svg(const std::string& heading, const std::vector<Panel>& panels) {
    const Scale scale = scale_of(panels);
    std::string body;
    double y = 40;
    for (const Panel& p : panels) body += panel_svg(p, scale, y);
    const std::string axis = time_axis(scale, y);
    double height = 0;
    const std::string legend = legend_svg(tasks_of(panels), y, height);
    return fmt::format(
        "<?xml version='1.0' encoding='UTF-8'?>\n"
        "<svg xmlns='http://www.w3.org/2000/svg' width='{:.0f}' height='{:.0f}' viewBox='0 0 {:.0f} {:.0f}' font-family='sans-serif'>\n"
        "<style>.title{{font-size:16px;font-weight:bold}} .panel{{font-size:14px;font-weight:bold}} .figures{{font-size:13px}} "
        ".label{{font-size:12px}} .tick{{font-size:11px;fill:#444}} .note{{font-size:11px;fill:#555}} "
        ".lane{{fill:#f4f4f4;fill-opacity:0.7}} .grid{{stroke:#ddd;stroke-width:1}} .cpu{{font-size:10px;fill:#444}} "
        ".caption{{font-size:11px;fill:#333}} .waiting{{fill:#d62728}} .blocked{{fill:#555;fill-opacity:0.6}}</style>\n"
        "<rect width='100%' height='100%' fill='white'/>\n"
        "<text x='10' y='24' class='title'>{}</text>\n{}{}{}</svg>\n",
        width, height, width, height, escape(heading), axis, body, legend);
}

}  // namespace sumsq::record
