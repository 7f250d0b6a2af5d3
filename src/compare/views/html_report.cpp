#include "html_report.hpp"

#include "compare/analysis/summary.hpp"
#include "text/numbers.hpp"

#include <fmt/format.h>

#include <cctype>
#include <fstream>
#include <sstream>
#include <string_view>
#include <utility>
#include <vector>

namespace sumsq::compare {
namespace {

using nlohmann::json;

// The one place text becomes HTML.
std::string escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default: out += c;
        }
    return out;
}

// Escaped text for a two-line cell: a value, and under it its "[interval]" or "(detail)" (from the
// first `open` after a space), each line kept whole. Text without one wraps where it may.
std::string two_line_cell(std::string_view text, char open) {
    const std::size_t at = text.find(open);
    if (at == std::string_view::npos || at == 0 || text[at - 1] != ' ') return escape(text);
    return "<span class=\"whole\">" + escape(text.substr(0, at - 1)) + "</span><br><span class=\"whole\">" + escape(text.substr(at)) + "</span>";
}

// An SVG file as markup for the page: the XML prolog dropped, and its ids (and the references
// to them) prefixed, so that several figures defining the same ids (gnuplot's gpPt0, …) coexist.
std::string inline_svg(const std::string& svg, const std::string& prefix) {
    const auto start = svg.find("<svg");
    if (start == std::string::npos) return {};
    std::string out;
    const std::string_view rest = std::string_view(svg).substr(start);
    for (std::size_t i = 0; i < rest.size();) {
        bool matched = false;
        for (std::string_view key : {"id=\"", "id='", "href=\"#", "href='#", "url(#"}) {
            const bool attribute_start = key[0] != 'i' || (i > 0 && std::isspace(static_cast<unsigned char>(rest[i - 1])));
            if (attribute_start && rest.substr(i, key.size()) == key) {
                out += key;
                out += prefix + "-";
                i += key.size();
                matched = true;
                break;
            }
        }
        if (!matched) out += rest[i++];
    }
    return out;
}

std::string stem(const std::string& file) { return file.substr(0, file.rfind('.')); }

const json* find(const json& object, const char* key) {
    return object.is_object() && object.contains(key) && !object[key].is_null() ? &object[key] : nullptr;
}
std::optional<double> number(const json& object, const char* key) {
    const json* value = find(object, key);
    return value && value->is_number() ? std::optional(value->get<double>()) : std::nullopt;
}
std::optional<double> wall(const json& run, const char* stat) {
    const json* w = find(run, "wall_seconds");
    return w ? number(*w, stat) : std::nullopt;
}
std::string text_or(const json& object, const char* key, const std::string& fallback) {
    const json* value = find(object, key);
    return value ? (value->is_string() ? value->get<std::string>() : value->dump()) : fallback;
}

std::string fixed(std::optional<double> x, const char* spec) { return x ? fmt::format(fmt::runtime(spec), *x) : ""; }
// Two decimals, or two significant digits below 0.1 (a 0.004× speedup is not 0.00×).
std::string ratio(std::optional<double> x) { return !x ? "" : *x >= 0.1 || *x == 0 ? fmt::format("{:.2f}", *x) : fmt::format("{:.2g}", *x); }
std::string spread(std::optional<double> low, std::optional<double> high) {
    return low && high ? duration_text(*low) + " – " + duration_text(*high) : "";
}

// min–max of the per-process medians, when the document lists them.
std::string process_spread(const json& run) {
    const json* medians = find(run, "process_medians");
    if (!medians || !medians->is_array() || medians->empty()) return "";
    std::optional<double> low, high;
    for (const json& m : *medians)
        if (m.is_number()) {
            const double v = m.get<double>();
            low = low ? std::min(*low, v) : v;
            high = high ? std::max(*high, v) : v;
        }
    return spread(low, high);
}

std::string rounds_text(const json& run) {
    const json* rounds = find(run, "rounds");
    if (!rounds) return "";
    return rounds->is_array() ? std::to_string(rounds->size()) : rounds->is_number() ? rounds->dump() : "";
}

// The effective schedule the backend reported ("dynamic,1", "auto"), when it did.
std::string schedule_name(const json& run) {
    const json* schedule = find(run, "schedule");
    return schedule ? text_or(*schedule, "name", "") : "";
}

std::string threads_text(const json& run) {
    const std::string threads = text_or(run, "threads", "?") + (find(run, "ranks") ? "p" : "");
    const json* obtained = find(run, "threads_obtained");  // asked for one count, got another (OMP_THREAD_LIMIT)
    return obtained && obtained->is_number() && text_or(run, "threads_obtained", "") != text_or(run, "threads", "")
        ? fmt::format("{} (got {})", threads, text_or(run, "threads_obtained", "?")) : threads;
}

std::string group_title(const json& run) {
    const std::string workload = text_or(run, "workload", "?");
    const json* n = find(run, "n");
    const std::string order = text_or(run, "order", "");
    if (workload == "tree" && n && n->is_number_unsigned())
        return fmt::format("tree workload, cut-off {}, N = {}", short_count(static_cast<u64>(number(run, "cutoff").value_or(0))), short_count(n->get<u64>()));
    if (workload != "wait" && n && n->is_number_unsigned())
        return fmt::format("{} workload{}, N = {}", workload, order.empty() ? "" : " (" + order + " order)", short_count(n->get<u64>()));
    return workload + " workload";
}

std::string group_anchor(const json& run) {
    const json* n = find(run, "n");
    const std::string workload = text_or(run, "workload", "?");
    return table_anchor(workload, workload == "tree" ? text_or(run, "cutoff", "") : text_or(run, "order", ""), n && n->is_number_unsigned() ? n->get<u64>() : 0);
}

// "2.00 ms ±4.1%": the median and the farthest extreme process median from it.
std::string median_spread(const json& run) {
    const auto median = wall(run, "median"), low = wall(run, "min"), high = wall(run, "max");
    if (!median) return "";
    if (!low || !high || *median <= 0) return duration_text(*median);
    return fmt::format("{} ±{:.1f}%", duration_text(*median), std::max(*high / *median - 1, 1 - *low / *median) * 100);
}

std::string speedup_cell(const json& run) {
    const auto mid = number(run, "speedup");
    if (!mid) return "";
    const json* indistinguishable = find(run, "indistinguishable_from_serial");
    if (indistinguishable && indistinguishable->is_boolean() && indistinguishable->get<bool>()) return "≈1.0×";
    const json* interval = find(run, "speedup_interval");
    if (interval && interval->is_array() && interval->size() == 2 && (*interval)[0].is_number() && (*interval)[1].is_number())
        return fmt::format("{}× [{}–{}]", ratio(mid), ratio((*interval)[0].get<double>()), ratio((*interval)[1].get<double>()));
    return ratio(mid) + "×";
}

std::string workers_cell(const json& run) {
    std::string text = threads_text(run);
    const json* allowed = find(run, "cpus_allowed");
    const json* threads = find(run, "threads");
    if (allowed && allowed->is_array() && threads && threads->is_number_unsigned() && allowed->size() < threads->get<std::size_t>())
        text += fmt::format(" on {} CPU{}", allowed->size(), allowed->size() == 1 ? "" : "s");
    return text;
}

std::string gbps_cell(const json& run) {
    const auto bps = number(run, "bytes_per_second");
    return bps ? fmt::format("{:.2f}", *bps / 1e9) : "";
}

// Pairs of adjacent processes the speedup estimate uses, and those left out as disturbed.
std::string pairs_cell(const json& run) {
    const auto used = number(run, "pairs");
    if (!used) return "";
    const auto left_out = number(run, "pairs_disturbed").value_or(0);
    return fmt::format("{:.0f}{}", *used, left_out > 0 ? fmt::format(" ({:.0f} disturbed left out)", left_out) : "");
}

// A column of a table: its header, its cell, and whether the compact table shows it.
struct Column {
    const char* header;
    std::string (*cell)(const json&);
    bool main;
};

std::string efficiency_cell(const json& r) {
    const auto e = number(r, "efficiency");
    return !e ? "" : fmt::format(fmt::runtime(*e >= 0.01 || *e == 0 ? "{:.0f}%" : "{:.2g}%"), *e * 100);
}

const Column columns[] = {
    {"row", [](const json& r) { return text_or(r, "backend", "?"); }, true},
    {"workers", workers_cell, true},
    {"median ±spread", median_spread, true},
    {"process medians, min – max", [](const json& r) { return process_spread(r); }, false},
    {"repetitions, min – max", [](const json& r) { return spread(wall(r, "rep_min"), wall(r, "rep_max")); }, false},
    {"pairs", pairs_cell, false},
    {"rounds", rounds_text, false},
    {"speedup [interval]", speedup_cell, true},
    {"efficiency", efficiency_cell, false},
    {"scaling", [](const json& r) { return number(r, "scaling") ? ratio(number(r, "scaling")) + "×" : std::string(); }, false},
    {"parallelism", [](const json& r) { return fixed(number(r, "parallelism"), "{:.2f}"); }, true},
    {"concurrency", [](const json& r) { return fixed(number(r, "concurrency"), "{:.2f}"); }, true},
    {"schedule", [](const json& r) { return text_or(r, "workload", "") == "wait" ? std::string() : schedule_name(r); }, false},
    {"imbalance", [](const json& r) { return text_or(r, "workload", "") == "jobs" ? fixed(number(r, "imbalance"), "{:.2f}") : std::string(); }, true},
    {"GB/s", gbps_cell, true},
    {"of the read ceiling", [](const json& r) { const auto f = number(r, "ceiling_fraction"); return f ? fmt::format("{:.0f}%", *f * 100) : std::string(); }, false},
    {"status", [](const json& r) {
         const std::string message = text_or(r, "message", "");
         return text_or(r, "status", "?") + (message.empty() ? "" : ": " + message);
     }, true},
};

std::string table(const std::vector<const json*>& rows, bool compact) {
    std::vector<const Column*> shown;
    for (const Column& c : columns) {
        if (compact && !c.main) continue;
        bool any = std::string_view(c.header) == "row" || std::string_view(c.header) == "status";
        for (const json* r : rows) any = any || !c.cell(*r).empty();
        if (any) shown.push_back(&c);
    }
    std::string html = "<div class=\"scroll\"><table>\n<thead><tr>";
    for (const Column* c : shown) html += "<th>" + escape(c->header) + "</th>";
    html += "</tr></thead>\n<tbody>\n";
    for (const json* r : rows) {
        html += text_or(*r, "status", "?") == "OK" ? "<tr>" : "<tr class=\"bad\">";
        for (const Column* c : shown) html += "<td>" + escape(c->cell(*r)) + "</td>";
        html += "</tr>\n";
    }
    return html + "</tbody>\n</table></div>\n";
}

// The rows of a compact table: serial, rows that ran at one thread only, and every row at the
// workload's main thread count (the summary's "main_threads"; every row when the document has none).
std::vector<const json*> main_rows(const std::vector<const json*>& rows, const json& results) {
    const json* summary = find(results, "summary");
    const json* threads = summary ? find(*summary, "main_threads") : nullptr;
    if (!threads || !rows.front()->contains("workload")) return rows;
    const auto main = number(*threads, text_or(*rows.front(), "workload", "").c_str());
    if (!main) return rows;
    std::vector<const json*> list;
    for (const json* r : rows) {
        const double t = number(*r, "threads").value_or(0);
        bool only_one = t == 1;
        for (const json* other : rows)
            if (text_or(*other, "backend", "") == text_or(*r, "backend", "") && number(*other, "threads").value_or(0) > 1) only_one = false;
        if (text_or(*r, "backend", "") == "serial" || t == *main || only_one) list.push_back(r);
    }
    return list;
}

// One section per (workload, N): its main table, then every row and column in a collapsed <details>.
std::string tables(const json& runs, const json& results) {
    std::vector<std::pair<std::string, std::vector<const json*>>> groups;
    for (const json& run : runs) {
        const std::string title = group_title(run);
        auto it = std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.first == title; });
        if (it == groups.end()) it = groups.insert(groups.end(), {title, {}});
        it->second.push_back(&run);
    }
    const json* summary = find(results, "summary");
    const json* threads = summary ? find(*summary, "main_threads") : nullptr;
    std::string html;
    for (const auto& [title, rows] : groups) {
        const auto main = threads ? number(*threads, text_or(*rows.front(), "workload", "").c_str()) : std::nullopt;
        const std::vector<const json*> headline = main_rows(rows, results);
        html += fmt::format("<h3 id=\"{}\">{}</h3>\n", escape(group_anchor(*rows.front())), escape(title));
        if (main) html += fmt::format("<p class=\"note\">At the main configuration, {} threads, with serial and the one-thread rows.</p>\n", *main);
        html += table(headline, true);
        html += fmt::format("<details><summary>All {} rows, every column</summary>\n{}</details>\n", rows.size(), table(rows, false));
    }
    return html;
}

std::string summary_section(const json& results) {
    const json* summary = find(results, "summary");
    const json* lines = summary ? find(*summary, "lines") : nullptr;
    if (!lines || !lines->is_array()) return "";
    std::string items;
    for (const json& l : *lines) {
        const std::string evidence = text_or(l, "evidence", "");
        items += fmt::format("<li><strong>{}</strong> {}{}</li>\n", escape(text_or(l, "question", "")), escape(text_or(l, "answer", "")),
                             evidence.empty() ? "" : " <a href=\"#" + escape(evidence) + "\">evidence</a>");
    }
    const std::string noise = text_or(*summary, "noise", "");
    return "<section id=\"summary\">\n<h2>The answers</h2>\n<ol>\n" + items + "</ol>\n" +
           (noise.empty() ? "" : "<p class=\"note\">" + escape(noise) + " <a href=\"#findings\">findings</a></p>\n") + "</section>\n";
}

// The findings and the noise floor, from the document's "findings" object (or a plain list).
std::string findings(const json& results) {
    const json* f = find(results, "findings");
    const json* list = f && f->is_object() ? find(*f, "statements") : f;
    std::string items;
    if (list && list->is_array())
        for (const json& s : *list) items += "<li>" + escape(s.is_string() ? s.get<std::string>() : text_or(s, "text", s.dump())) + "</li>\n";
    std::string noise;
    if (f && f->is_object())
        if (const auto floor = number(*f, "noise_floor")) {
            noise = fmt::format("<p>Noise floor: {:.1f}% — the largest difference between identical work (serial and each backend at one thread) "
                                "run as separate processes", *floor * 100);
            std::string parts;
            if (const json* floors = find(*f, "noise_floors"); floors && floors->is_array())
                for (const json& e : *floors) {
                    const json* n = find(e, "n");
                    parts += fmt::format("{}{}{} {:.1f}%", parts.empty() ? "" : ", ", text_or(e, "workload", "?"),
                                         n && n->is_number_unsigned() ? " N=" + short_count(n->get<u64>()) : "", number(e, "spread").value_or(0) * 100);
                }
            noise += (parts.empty() ? "" : " (" + escape(parts) + ")") + std::string(". No finding rests on a smaller difference.</p>\n");
        }
    if (f && f->is_object())
        if (const json* warnings = find(*f, "warnings"); warnings && warnings->is_array())
            for (const json& w : *warnings) noise += "<p class=\"warning\">Warning: " + escape(w.is_string() ? w.get<std::string>() : w.dump()) + "</p>\n";
    return "<section id=\"findings\">\n<h2>What this run shows</h2>\n" + noise +
           (items.empty() ? "<p>The document records no findings.</p>\n" : "<ul>\n" + items + "</ul>\n") + "</section>\n";
}

// The kernel file of a row: its backend's name ("threads:static", "threads@0", "threads/bind=close" → threads).
std::string kernel_of(const json& run) {
    std::string name = text_or(run, "backend", "?");
    if (const json* row = find(run, "row")) name = text_or(*row, "backend", name);
    return name.substr(0, name.find_first_of(":@/"));
}

std::string backends(const json& runs) {
    struct Kernel {
        std::string file, concept_line;
        std::vector<std::string> rows;
    };
    std::vector<Kernel> seen;
    for (const json& run : runs) {
        const std::string kernel = kernel_of(run), row = text_or(run, "backend", "?");
        auto it = std::find_if(seen.begin(), seen.end(), [&](const Kernel& k) { return k.file == kernel; });
        if (it == seen.end()) it = seen.insert(seen.end(), {kernel, "", {}});
        if (std::find(it->rows.begin(), it->rows.end(), row) == it->rows.end()) it->rows.push_back(row);
        if (it->concept_line.empty()) it->concept_line = text_or(run, "model", "");
    }
    std::string rows;
    for (const Kernel& k : seen) {
        std::string names;
        for (const auto& r : k.rows) names += (names.empty() ? "" : ", ") + r;
        rows += fmt::format("<tr><td><code>kernels/{}.cpp</code></td><td>{}</td><td>{}</td></tr>\n", escape(k.file), escape(names),
                            escape(k.concept_line.empty() ? "(no run reported its concept)" : k.concept_line));
    }
    return "<div class=\"scroll\"><table>\n<thead><tr><th>kernel file</th><th>rows</th><th>concept</th></tr></thead>\n<tbody>\n" + rows +
           "</tbody>\n</table></div>\n";
}

std::string environment(const json& results) {
    std::string items;
    auto add = [&](const char* label, const json& object, const char* key) {
        if (const json* v = find(object, key)) items += fmt::format("<dt>{}</dt><dd>{}</dd>\n", label, escape(v->is_string() ? v->get<std::string>() : v->dump()));
    };
    if (const json* env = find(results, "environment")) {
        add("CPU", *env, "cpu_model");
        add("logical CPUs", *env, "logical_cpus");
        add("CPUs available", *env, "available_cpus");
        add("range kernel", *env, "range_kernel");
        add("compiler", *env, "compiler");
        add("build", *env, "build_type");
        add("sumsq", *env, "sumsq_version");
        if (const json* bw = find(*env, "read_bandwidth")) {
            const auto one = number(*bw, "one_thread"), all = number(*bw, "all_threads");
            if (one && all)
                items += fmt::format("<dt>read bandwidth</dt><dd>{}</dd>\n",
                                     escape(fmt::format("one thread {:.1f} GB/s, all threads {:.1f} GB/s (sumsq-bandwidth, best)", *one / 1e9, *all / 1e9)));
        }
    }
    if (const json* sweep = find(results, "sweep"))
        for (const char* key : {"sizes", "threads", "workloads", "reps", "wait_reps", "warmup", "tasks", "steps", "wait_ms", "job_sizes", "jobs",
                                "orders", "skew", "schedules", "array_sizes", "binds", "fills"})
            add(key, *sweep, key);
    return items.empty() ? "<p>The document records no environment.</p>\n" : "<dl>\n" + items + "</dl>\n";
}

constexpr const char* style = R"(body{font-family:system-ui,sans-serif;max-width:1100px;margin:0 auto;padding:0 1em 2em;color:#1a1a1a;background:#fff;line-height:1.45}
h1{font-size:1.6em;margin:.8em 0 .2em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:1.6em}h3{margin:1.2em 0 .4em}
nav{display:flex;flex-wrap:wrap;gap:.2em 1em}p.lead{margin-top:0;color:#444}p.note{color:#444;font-size:.95em}p.warning{color:#8a1c1c}
#summary ol{padding-left:1.4em}#summary li{margin:.35em 0}
.scroll{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;margin:.3em 0 1em}th,td{padding:.25em .6em;border-bottom:1px solid #e2e2e2;text-align:right;white-space:nowrap}
th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}#backends td,#backends th{text-align:left;white-space:normal}td.wrap,th.wrap{white-space:normal}span.whole{white-space:nowrap}
details{margin:0 0 1.2em}summary{cursor:pointer;color:#1f4e99}
tr.bad td{background:#fde8e8}figure{margin:1em 0}figure svg{display:block;box-sizing:border-box;width:100%;height:auto;border:1px solid #e2e2e2}
figure .scroll svg{min-width:640px}#lesson .scroll svg{min-width:820px}
figcaption{color:#444;font-size:.95em}dl{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:.2em 1em}dd{margin:0;overflow-wrap:anywhere}
)";

}  // namespace

std::map<std::string, std::string> read_figures(const std::string& dir) {
    std::map<std::string, std::string> figures;
    std::vector<std::string> names{lesson_svg};
    names.insert(names.end(), std::begin(plot_svgs), std::end(plot_svgs));
    for (const std::string& name : names) {
        std::ifstream in(dir + "/" + name, std::ios::binary);
        if (!in) continue;
        std::ostringstream text;
        text << in.rdbuf();
        figures[name] = text.str();
    }
    return figures;
}

// "simd" (--simd): parallelism inside one core (the range-kernel paths) beside two cores; "" without.
std::string simd_section(const json& results) {
    const json* simd = find(results, "simd");
    if (!simd || !simd->is_array() || simd->empty()) return {};
    std::string rows;
    u64 n = 0;
    for (const json& e : *simd) {
        const std::string kernel = text_or(e, "kernel", "?"), backend = text_or(e, "backend", "?");
        if (const json* value = find(e, "n"); value && value->is_number_unsigned()) n = value->get<u64>();
        const json* interval = find(e, "speedup_interval");
        const auto speedup = number(e, "speedup");
        std::string cell = kernel == "exact" && backend == "serial" ? "1.00x (the reference)" : speedup ? fmt::format("{:.2f}x", *speedup) : "-";
        if (kernel != "exact" && interval && interval->is_array() && interval->size() == 2 && (*interval)[0].is_number() &&
            (*interval)[1].is_number())
            cell += fmt::format(" [{:.2f}–{:.2f}]", (*interval)[0].get<double>(), (*interval)[1].get<double>());
        std::string cores = "";
        if (const auto over = number(e, "speedup_over_one_core")) cores = fmt::format("{:.2f}x over one core on {}", *over, kernel);
        rows += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{:.4f}</td><td>{}</td><td>{}</td></tr>\n", escape(kernel), escape(backend),
                            number(e, "threads").value_or(1), number(e, "ns_per_element").value_or(0), escape(cell), escape(cores));
    }
    return fmt::format("<section id=\"simd\">\n<h2>Parallel inside one core</h2>\n<p>The same sum (N = {}) on one core with each range-kernel "
                       "path this CPU runs (<code>sumsq-serial --kernel PATH</code>), then two threads on the fastest path: SIMD lanes do several "
                       "additions per instruction in one instruction stream; threads are more instruction streams, on more cores. Speedups are "
                       "over the exact 128-bit loop, paired round by round, with a 95% sign-test interval.</p>\n"
                       "<div class=\"scroll\"><table>\n<thead><tr><th>path</th><th>backend</th><th>threads</th><th>ns/element</th>"
                       "<th>speedup over exact</th><th>across cores</th></tr></thead>\n<tbody>\n{}</tbody>\n</table></div>\n</section>\n",
                       short_count(n), rows);
}

// "tasks" (--workloads tree): per backend and workers, the efficiency at each cut-off, the smallest
// task that still reaches 50% and one task's cost, from findings.task_curves; "" without.
std::string tasks_section(const json& results, const std::map<std::string, std::string>& figures) {
    const json* findings = find(results, "findings");
    const json* curves = findings ? find(*findings, "task_curves") : nullptr;
    if (!curves || !curves->is_array() || curves->empty()) return {};
    const auto interval = [](const json& point, const char* key, double scale, const char* unit) -> std::string {
        const json* i = find(point, key);
        if (!i || !i->is_object()) return "-";
        const auto mid = number(*i, "estimate"), lo = number(*i, "lo"), hi = number(*i, "hi");
        if (!mid || !lo || !hi) return "-";
        if (scale == 0) return fmt::format("{} [{}–{}]", duration_text(*mid / 1e9), duration_text(*lo / 1e9), duration_text(*hi / 1e9));
        return fmt::format("{:.0f}{} [{:.0f}–{:.0f}]", *mid * scale, unit, *lo * scale, *hi * scale);
    };
    std::string rows;
    for (const json& c : *curves) {
        const json* points = find(c, "points");
        if (!points || !points->is_array()) continue;
        std::string cells, cost = "-";
        u64 most_tasks = 0;
        for (const json& p : *points) {
            cells += fmt::format("<td class=\"wrap\">{}</td>", two_line_cell(interval(p, "efficiency", 100, "%"), '['));
            const u64 tasks = static_cast<u64>(number(p, "tasks").value_or(0));
            if (std::string task_cost = interval(p, "task_cost_ns", 0, ""); tasks > most_tasks && task_cost != "-")
                most_tasks = tasks, cost = std::move(task_cost);
        }
        std::string from = "never in this sweep";
        if (const auto cutoff = number(c, "min_task_for_50pct"))
            for (const json& p : *points)
                if (number(p, "cutoff") == cutoff)
                    from = fmt::format("{} elements{}", grouped(static_cast<u64>(std::llround(number(p, "leaf_elements").value_or(0)))),
                                       number(p, "leaf_ns") ? " (" + duration_text(*number(p, "leaf_ns") / 1e9) + " of work)" : "");
        rows += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"wrap\">{}</td><td class=\"wrap\">{}</td>{}</tr>\n", escape(text_or(c, "backend", "?")),
                            text_or(c, "threads", "?"), short_count(static_cast<u64>(number(c, "n").value_or(0))), two_line_cell(from, '('), two_line_cell(cost, '['), cells);
    }
    std::string cutoffs;  // the columns: the first curve's cut-offs (every curve has the sweep's)
    if (const json* points = find(curves->front(), "points"); points && points->is_array())
        for (const json& p : *points) cutoffs += fmt::format("<th>cut-off {}</th>", short_count(static_cast<u64>(number(p, "cutoff").value_or(0))));
    std::string chart;
    if (auto it = figures.find("tasks.svg"); it != figures.end())
        chart = fmt::format("<figure><div class=\"scroll\">{}</div><figcaption>Efficiency against the mean task size; the dashed line is 50%, "
                            "where a task starts to pay.</figcaption></figure>\n", inline_svg(it->second, "tasks"));
    return fmt::format("<section id=\"tasks\">\n<h2>How small may a task be?</h2>\n<p>The tree workload: S(0, N) halved recursively down "
                       "to a cut-off, each split a task, in each backend's own idiom. Efficiency = serial's time for the same tree without "
                       "tasks / (workers × this row's time): what the tasks cost, not the leaves. \"50% from\" is the smallest mean leaf from "
                       "which the efficiency stays at 50% or more (Task Bench's METG(50%)); a task's cost is (workers × wall − serial's) / "
                       "tasks at the cut-off with the most tasks, with its 95% sign-test interval over the pairs.</p>\n{}"
                       "<div class=\"scroll\"><table>\n<thead><tr><th>backend</th><th>workers</th><th>N</th><th class=\"wrap\">50% from</th><th class=\"wrap\">cost "
                       "per task</th>{}</tr></thead>\n<tbody>\n{}</tbody>\n</table></div>\n<p class=\"note\">Each cut-off's cell is the "
                       "efficiency, its 95% interval under it.</p>\n</section>\n",
                       chart, cutoffs, rows);
}

std::string html_report(const json& results, const std::map<std::string, std::string>& figures) {
    const json empty = json::array();
    const json* found = find(results, "runs");
    const json& runs = found && found->is_array() ? *found : empty;

    std::string lesson;
    if (auto it = figures.find(lesson_svg); it != figures.end())
        lesson = fmt::format("<figure><div class=\"scroll\">{}</div><figcaption>Each row is one run drawn on one time scale: one line per OS thread, one box "
                             "per stretch a task ran. Concurrency is how many tasks are in progress; parallelism is how many "
                             "CPUs are busy.</figcaption></figure>\n",
                             inline_svg(it->second, "lesson"));
    else
        lesson = "<p>No lesson figure: lesson.svg was not written to this output directory, so the page opens with the measurements.</p>\n";

    std::string plots;
    for (const char* name : plot_svgs)
        if (auto it = figures.find(name); it != figures.end())
            plots += fmt::format("<figure id=\"plot-{}\"><div class=\"scroll\">{}</div><figcaption>{}</figcaption></figure>\n", escape(stem(name)),
                                 inline_svg(it->second, "plot-" + stem(name)), escape(name));
    if (plots.empty()) plots = "<p>No plots: gnuplot was not found or failed when this report was written.</p>\n";

    const std::string summary = summary_section(results);
    const std::string simd_html = simd_section(results), tasks_html = tasks_section(results, figures);
    const std::string simd = simd_html + tasks_html;
    const std::string simd_links = (simd_html.empty() ? "" : "<a href=\"#simd\">simd</a>") + std::string(tasks_html.empty() ? "" : "<a href=\"#tasks\">tasks</a>");
    return fmt::format(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>sumsq-compare report</title>\n"
        "<style>\n{}</style>\n</head>\n<body>\n<header>\n<h1>sumsq-compare: concurrency and parallelism, measured</h1>\n"
        "<p class=\"lead\">Every backend ran as its own process; every result was checked against the closed form. "
        "Parallelism = CPU time / wall time (busy CPUs); speedup = serial's time / this row's, from pairs of adjacent processes, with a 95% sign-test interval.</p>\n"
        "<nav>{}<a href=\"#lesson\">lesson</a>{}<a href=\"#findings\">findings</a><a href=\"#tables\">tables</a><a href=\"#plots\">plots</a>"
        "<a href=\"#backends\">backends</a><a href=\"#environment\">environment</a></nav>\n</header>\n{}"
        "<section id=\"lesson\">\n<h2>Concurrency and parallelism, side by side</h2>\n{}</section>\n{}{}"
        "<section id=\"tables\">\n<h2>Measurements</h2>\n{}</section>\n"
        "<section id=\"plots\">\n<h2>Plots</h2>\n{}</section>\n"
        "<section id=\"backends\">\n<h2>Backends</h2>\n{}</section>\n"
        "<section id=\"environment\">\n<h2>Environment</h2>\n{}</section>\n</body>\n</html>\n",
        style, summary.empty() ? "" : "<a href=\"#summary\">answers</a>", simd_links, summary, lesson,
        simd, findings(results),
        runs.empty() ? "<p>No runs.</p>\n" : tables(runs, results), plots, backends(runs), environment(results));
}

}  // namespace sumsq::compare
