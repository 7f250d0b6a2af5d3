// The charts as a reader tells their series apart: a tiny sweep (sum at three sizes, schedule rows
// and a --cpu-rows row, one round) draws every SVG chart; in each, every legend label is a row name
// exactly (threads@0, not threads0) or a reference line, and no two rows share a colour.
// Skipped, with the reason, without gnuplot.
#include "compare_helpers.hpp"
#include "process.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

using sumsq::test::file_text;
using sumsq::test::run_process;

namespace {

std::string unescape(std::string text) {
    for (const auto& [from, to] : std::vector<std::pair<std::string, std::string>>{{"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&apos;", "'"}, {"&amp;", "&"}})
        for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) text.replace(at, from.size(), to);
    return text;
}

// Each titled series of a gnuplot SVG: its legend label and the colour it is drawn in.
std::vector<std::pair<std::string, std::string>> series_of(const std::string& svg) {
    std::vector<std::pair<std::string, std::string>> list;
    // The label: the block's legend entry, text gnuplot's key right-aligns (its own "gnuplot_plot_1a"
    // titles are not labels, nor a value label drawn in the last block).
    static const std::regex title(R"re(text-anchor="end">\s*<text>(?:<tspan[^>]*>)?([^<]*))re");
    // The colour: the legend sample's, the first path drawn after the label (not an empty group's leftover stroke).
    static const std::regex colour(R"re(<path[^>]*stroke='(rgb\([^)]*\))')re");
    const std::string marker = "<g id=\"gnuplot_plot_";
    for (auto at = svg.find(marker); at != std::string::npos;) {
        const auto next = svg.find(marker, at + marker.size());
        const std::string block = svg.substr(at + marker.size(), next == std::string::npos ? std::string::npos : next - at - marker.size());
        std::smatch t, c;
        // (a block's legend text comes before anything it draws; text after a path is the next panel's axes)
        if (std::regex_search(block, t, title) && std::size_t(t.position(0)) < block.find("<path")) {
            const std::string after = t.suffix();
            list.push_back({unescape(t[1]), std::regex_search(after, c, colour) ? std::string(c[1]) : ""});
        }
        at = next;
    }
    return list;
}

}  // namespace

TEST_CASE("charts: every series has its own colour and a row name for its label") {
    if (run_process("/bin/sh", {"-c", "command -v gnuplot"}).exit_code != 0) {
        WARN("SKIP: gnuplot not found (Debian package gnuplot-nox; make deps installs it)");
        return;
    }
    // A parent of its own: nothing else's staging directories beside it.
    std::string parent_template = (std::filesystem::temp_directory_path() / "sumsq-chart-test-XXXXXX").string();
    REQUIRE(::mkdtemp(parent_template.data()));
    const std::filesystem::path parent = parent_template, out = parent / "out";
    const auto r = run_process(std::string(SUMSQ_BIN_DIR) + "/sumsq-compare",
                               {"--backends", "serial,threads", "--schedules", "threads:static,threads:dynamic", "--cpu-rows", "threads@0", "--workloads",
                                "sum", "--sizes", "1e3,1e4,1e5", "--threads", "1,2", "--rounds", "1", "--budget", "0", "--reps", "1", "--warmup", "0", "--out", out.string()});
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    REQUIRE(r.out.find("plots drawn with gnuplot") != std::string::npos);
    std::set<std::string> rows;
    const auto results = nlohmann::json::parse(file_text(out / "results.json"));
    for (const auto& run : results["runs"]) rows.insert(run["backend"].get<std::string>());
    REQUIRE(rows.count("threads@0"));
    const std::set<std::string> references = {"ideal (P)", "1×"};
    for (const char* chart : {"speedup_vs_threads.svg", "time_vs_n.svg", "workload_matrix.svg"}) {
        INFO(chart);
        REQUIRE(std::filesystem::exists(out / chart));
        const auto series = series_of(file_text(out / chart));
        CHECK(!series.empty());
        std::map<std::string, std::string> colour_of, row_of;  // label -> colour, colour -> label
        for (const auto& [label, colour] : series) {
            INFO(label << " " << colour);
            if (references.count(label)) continue;
            CHECK(rows.count(label));
            CHECK(!colour.empty());
            if (colour_of.count(label)) CHECK(colour_of[label] == colour);  // a row in two panels keeps its colour
            colour_of[label] = colour;
            if (row_of.count(colour)) CHECK(row_of[colour] == label);  // two rows never share one
            row_of[colour] = label;
        }
    }
    std::filesystem::remove_all(parent);
}
