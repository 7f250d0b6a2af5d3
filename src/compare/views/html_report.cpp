#include "html_report.hpp"

#include "text/numbers.hpp"

#include <fmt/format.h>

#include <cctype>
#include <fstream>
#include <sstream>
#include <string_view>
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
std::string duration(std::optional<double> seconds) { return seconds ? duration_text(*seconds) : ""; }
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
    if (workload != "wait" && n && n->is_number_unsigned())
        return fmt::format("{} workload{}, N = {}", workload, order.empty() ? "" : " (" + order + " order)", short_count(n->get<u64>()));
    return workload + " workload";
}

// One table per (workload, N), in the order the runs appear.
std::string tables(const json& runs) {
    std::vector<std::pair<std::string, std::vector<const json*>>> groups;
    for (const json& run : runs) {
        const std::string title = group_title(run);
        auto it = std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.first == title; });
        if (it == groups.end()) it = groups.insert(groups.end(), {title, {}});
        it->second.push_back(&run);
    }
    std::string html;
    for (const auto& [title, rows] : groups) {
        bool any_processes = false, any_rounds = false, any_concurrency = false, any_schedule = false, any_imbalance = false, any_bandwidth = false,
             any_ceiling = false;
        const bool jobs = text_or(*rows.front(), "workload", "") == "jobs";
        for (const json* r : rows) {
            any_processes |= !process_spread(*r).empty();
            any_rounds |= !rounds_text(*r).empty();
            any_concurrency |= number(*r, "concurrency").has_value();
            any_schedule |= text_or(*r, "workload", "") != "wait" && !schedule_name(*r).empty();
            any_imbalance |= jobs && number(*r, "imbalance").has_value();
            any_bandwidth |= number(*r, "bytes_per_second").has_value();
            any_ceiling |= number(*r, "ceiling_fraction").has_value();
        }
        html += fmt::format("<h3>{}</h3>\n<table>\n<thead><tr><th>backend</th><th>threads</th><th>median</th>"
                            "<th>spread (repetitions, min – max)</th>{}{}<th>speedup</th><th>efficiency</th><th>parallelism</th>{}"
                            "<th>status</th></tr></thead>\n<tbody>\n",
                            escape(title), any_processes ? "<th>spread (process medians, min – max)</th>" : "",
                            any_rounds ? "<th>rounds</th>" : "", (any_concurrency ? "<th>concurrency</th>" : std::string()) + (any_schedule ? "<th>schedule</th>" : "") +
                                (any_imbalance ? "<th>imbalance</th>" : "") + (any_bandwidth ? "<th>GB/s</th>" : "") +
                                (any_ceiling ? "<th>of the read ceiling</th>" : ""));
        for (const json* r : rows) {
            const std::string status = text_or(*r, "status", "?");
            const auto efficiency = number(*r, "efficiency");
            std::string cells = fmt::format("<td>{}</td><td>{}</td><td>{}</td><td>{}</td>", escape(text_or(*r, "backend", "?")),
                                            escape(threads_text(*r)), escape(duration(wall(*r, "median"))),
                                            escape(spread(wall(*r, "min"), wall(*r, "max"))));
            if (any_processes) cells += fmt::format("<td>{}</td>", escape(process_spread(*r)));
            if (any_rounds) cells += fmt::format("<td>{}</td>", escape(rounds_text(*r)));
            cells += fmt::format("<td>{}</td><td>{}</td><td>{}</td>", escape(number(*r, "speedup") ? ratio(number(*r, "speedup")) + "×" : ""),
                                 escape(!efficiency ? "" : fmt::format(fmt::runtime(*efficiency >= 0.01 || *efficiency == 0 ? "{:.0f}%" : "{:.2g}%"), *efficiency * 100)),
                                 escape(fixed(number(*r, "parallelism"), "{:.2f}")));
            if (any_concurrency) cells += fmt::format("<td>{}</td>", escape(fixed(number(*r, "concurrency"), "{:.2f}")));
            if (any_schedule) cells += fmt::format("<td>{}</td>", escape(schedule_name(*r)));
            if (any_imbalance) cells += fmt::format("<td>{}</td>", escape(fixed(number(*r, "imbalance"), "{:.2f}")));
            if (any_bandwidth) {
                const auto bps = number(*r, "bytes_per_second");
                cells += fmt::format("<td>{}</td>", escape(bps ? fmt::format("{:.2f}", *bps / 1e9) : ""));
            }
            if (any_ceiling) {
                const auto fraction = number(*r, "ceiling_fraction");
                cells += fmt::format("<td>{}</td>", escape(fraction ? fmt::format("{:.0f}%", *fraction * 100) : ""));
            }
            const std::string message = text_or(*r, "message", "");
            cells += fmt::format("<td>{}{}</td>", escape(status), message.empty() ? "" : ": " + escape(message));
            html += fmt::format("<tr{}>{}</tr>\n", status == "OK" ? "" : " class=\"bad\"", cells);
        }
        html += "</tbody>\n</table>\n";
    }
    return html;
}

std::string findings(const json& results) {
    const json* list = find(results, "findings");
    if (!list || !list->is_array() || list->empty()) return "";
    std::string items;
    for (const json& f : *list) items += "<li>" + escape(f.is_string() ? f.get<std::string>() : text_or(f, "text", f.dump())) + "</li>\n";
    return "<section id=\"findings\">\n<h2>What this run shows</h2>\n<ul>\n" + items + "</ul>\n</section>\n";
}

std::string backends(const json& runs) {
    std::vector<std::pair<std::string, std::string>> seen;  // name, concept
    for (const json& run : runs) {
        const std::string name = text_or(run, "backend", "?");
        auto it = std::find_if(seen.begin(), seen.end(), [&](const auto& b) { return b.first == name; });
        if (it == seen.end()) it = seen.insert(seen.end(), {name, ""});
        if (it->second.empty()) it->second = text_or(run, "model", "");
    }
    std::string rows;
    for (const auto& [name, concept_line] : seen)
        rows += fmt::format("<tr><td>{}</td><td><code>kernels/{}.cpp</code></td><td>{}</td></tr>\n", escape(name), escape(name),
                            escape(concept_line.empty() ? "(no run reported its concept)" : concept_line));
    return "<table>\n<thead><tr><th>backend</th><th>kernel file</th><th>concept</th></tr></thead>\n<tbody>\n" + rows + "</tbody>\n</table>\n";
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
nav a{margin-right:1em}p.lead{margin-top:0;color:#444}
table{border-collapse:collapse;margin:.3em 0 1em}th,td{padding:.25em .7em;border-bottom:1px solid #e2e2e2;text-align:right;white-space:nowrap}
th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}#backends td,#backends th{text-align:left;white-space:normal}
tr.bad td{background:#fde8e8}figure{margin:1em 0}figure svg{width:100%;height:auto;border:1px solid #e2e2e2}
figcaption{color:#444;font-size:.95em}dl{display:grid;grid-template-columns:max-content auto;gap:.2em 1em}dd{margin:0}
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

std::string html_report(const json& results, const std::map<std::string, std::string>& figures) {
    const json empty = json::array();
    const json* found = find(results, "runs");
    const json& runs = found && found->is_array() ? *found : empty;

    std::string lesson;
    if (auto it = figures.find(lesson_svg); it != figures.end())
        lesson = fmt::format("<figure>{}<figcaption>Each row is one run drawn on one time scale: one line per OS thread, one box "
                             "per stretch a task ran. Concurrency is how many tasks are in progress; parallelism is how many "
                             "CPUs are busy.</figcaption></figure>\n",
                             inline_svg(it->second, "lesson"));
    else
        lesson = "<p>No lesson figure: lesson.svg was not written to this output directory, so the page opens with the measurements.</p>\n";

    std::string plots;
    for (const char* name : plot_svgs)
        if (auto it = figures.find(name); it != figures.end())
            plots += fmt::format("<figure id=\"plot-{}\">{}<figcaption>{}</figcaption></figure>\n", escape(stem(name)),
                                 inline_svg(it->second, "plot-" + stem(name)), escape(name));
    if (plots.empty()) plots = "<p>No plots: gnuplot was not found or failed when this report was written.</p>\n";

    return fmt::format(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>sumsq-compare report</title>\n"
        "<style>\n{}</style>\n</head>\n<body>\n<header>\n<h1>sumsq-compare: concurrency and parallelism, measured</h1>\n"
        "<p class=\"lead\">Every backend ran as its own process; every result was checked against the closed form. "
        "Parallelism = CPU time / wall time (busy CPUs); speedup = serial's median / this median.</p>\n"
        "<nav><a href=\"#lesson\">lesson</a>{}<a href=\"#tables\">tables</a><a href=\"#plots\">plots</a>"
        "<a href=\"#backends\">backends</a><a href=\"#environment\">environment</a></nav>\n</header>\n"
        "<section id=\"lesson\">\n<h2>Concurrency and parallelism, side by side</h2>\n{}</section>\n{}"
        "<section id=\"tables\">\n<h2>Measurements</h2>\n{}</section>\n"
        "<section id=\"plots\">\n<h2>Plots</h2>\n{}</section>\n"
        "<section id=\"backends\">\n<h2>Backends</h2>\n{}</section>\n"
        "<section id=\"environment\">\n<h2>Environment</h2>\n{}</section>\n</body>\n</html>\n",
        style, find(results, "findings") ? "<a href=\"#findings\">findings</a>" : "", lesson, findings(results),
        runs.empty() ? "<p>No runs.</p>\n" : tables(runs), plots, backends(runs), environment(results));
}

}  // namespace sumsq::compare
