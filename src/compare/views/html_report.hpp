// html_report.hpp — index.html for sumsq-compare --out: one self-contained page (inline SVG, no
// scripts, no network) drawn from the results.json document and the SVGs beside it.
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <string>

namespace sumsq::compare {

// The SVG figures the page can show, in page order: lesson.svg first, then the plots.
inline constexpr const char* lesson_svg = "lesson.svg";
inline constexpr const char* plot_svgs[] = {"speedup_vs_threads.svg", "time_vs_n.svg", "workload_matrix.svg", "tasks.svg"};

// file name -> SVG text, for those of the figures above present in `dir`.
std::map<std::string, std::string> read_figures(const std::string& dir);

// The page. Sections (ids): lesson, findings (when the document has some), tables, plots,
// backends, environment. Values are read from `results`, never recomputed; optional keys
// (concurrency, process_medians, rounds, findings) are shown when present.
std::string html_report(const nlohmann::json& results, const std::map<std::string, std::string>& figures);

}  // namespace sumsq::compare
