// index.html from a results document: sections, optional keys, escaping, inlined SVG ids.
#include "compare/views/html_report.hpp"

#include <catch2/catch.hpp>

using sumsq::compare::html_report;
using nlohmann::json;

namespace {

json document() {
    return json::parse(R"({"environment": {"cpu_model": "Test CPU <x>"}, "sweep": {"reps": 2},
      "runs": [
        {"backend": "serial", "model": "one thread", "workload": "sum", "n": 1000, "threads": 1, "status": "OK",
         "wall_seconds": {"median": 0.002, "min": 0.001, "max": 0.003}, "parallelism": 1.0, "speedup": 1.0, "efficiency": 1.0},
        {"backend": "threads", "workload": "sum", "n": 1000, "threads": 2, "status": "FAILED",
         "message": "boom <script>alert(1)</script> & more"}]})");
}
bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("html report: every section, values from the document, text escaped") {
    const std::string page = html_report(document(), {});
    for (const char* id : {"lesson", "findings", "tables", "plots", "backends", "environment"})
        CHECK(contains(page, std::string("<section id=\"") + id + "\">"));
    CHECK(contains(page, "The document records no findings."));
    CHECK(contains(page, "sum workload, N = 1e3"));
    CHECK(contains(page, "2.00 ms ±50.0%"));
    CHECK_FALSE(contains(page, "repetitions, min"));  // no rep_min/rep_max: no column (never the process spread again)
    CHECK(contains(page, "<code>kernels/threads.cpp</code>"));
    CHECK(contains(page, "(no run reported its concept)"));
    CHECK(contains(page, "Test CPU &lt;x&gt;"));
    CHECK(contains(page, "boom &lt;script&gt;alert(1)&lt;/script&gt; &amp; more"));
    CHECK_FALSE(contains(page, "<script"));
    CHECK(contains(page, "No lesson figure"));
    CHECK(contains(page, "No plots"));
    CHECK_FALSE(contains(page, "concurrency</th>"));
}

TEST_CASE("html report: optional keys shown when present") {
    json results = document();
    results["runs"][0]["concurrency"] = 1.5;
    results["runs"][0]["process_medians"] = {0.004, 0.002, 0.005};
    results["runs"][0]["rounds"] = 3;
    results["runs"][0]["wall_seconds"]["rep_min"] = 0.0015;
    results["runs"][0]["wall_seconds"]["rep_max"] = 0.0045;
    results["runs"][0]["pairs"] = 6;
    results["runs"][0]["pairs_disturbed"] = 1;
    results["findings"] = {"interleaved is concurrent, not parallel"};
    const std::string page = html_report(results, {});
    CHECK(contains(page, "<th>concurrency</th>"));
    CHECK(contains(page, "<td>1.50</td>"));
    CHECK(contains(page, "2.00 ms – 5.00 ms"));
    CHECK(contains(page, "<th>rounds</th>"));
    CHECK(contains(page, "<td>1.50 ms – 4.50 ms</td>"));  // the repetitions' own min – max, not the process medians'
    CHECK(contains(page, "<td>6 (1 disturbed left out)</td>"));
    CHECK(contains(page, "<section id=\"findings\">"));
    CHECK(contains(page, "<li>interleaved is concurrent, not parallel</li>"));
}

TEST_CASE("html report: the answers first, findings with the noise floor, kernel files per backend, main rows then all") {
    json results = document();
    results["runs"][1]["row"] = {{"backend", "threads"}, {"schedule", "threads:static"}};
    results["runs"][1]["backend"] = "threads:static";
    json extra = results["runs"][0];
    extra["backend"] = "threads@0";
    extra["threads"] = 4;
    results["runs"].push_back(extra);
    results["findings"] = {{"noise_floor", 0.031}, {"noise_floors", json::array({{{"workload", "sum"}, {"n", 1000u}, {"spread", 0.031}}})},
                           {"statements", {"sum: only parallel execution sped up the CPU-bound work"}}, {"warnings", json::array()}};
    results["summary"] = {{"lines", {{{"question", "Does CPU-bound work speed up?"}, {"answer", "Yes: threads 1.9x [1.8–2.0]."},
                                      {"evidence", "table-sum-1e3"}}}},
                          {"noise", "Noise floor 3.1%."}, {"main_threads", {{"sum", 2}}}};
    const std::string page = html_report(results, {});
    CHECK(page.find("<section id=\"summary\">") < page.find("<section id=\"lesson\">"));
    CHECK(contains(page, "<strong>Does CPU-bound work speed up?</strong> Yes: threads 1.9x [1.8–2.0]. <a href=\"#table-sum-1e3\">evidence</a>"));
    CHECK(contains(page, "<h3 id=\"table-sum-1e3\">"));
    CHECK(contains(page, "Noise floor: 3.1%"));
    CHECK(contains(page, "sum N=1e3 3.1%"));
    CHECK(contains(page, "<li>sum: only parallel execution sped up the CPU-bound work</li>"));
    // One row per kernel file, naming the rows that ran it (a schedule row and a --cpu-rows row are threads.cpp).
    CHECK(contains(page, "<tr><td><code>kernels/threads.cpp</code></td><td>threads:static, threads@0</td>"));
    CHECK_FALSE(contains(page, "kernels/threads@0.cpp"));
    CHECK_FALSE(contains(page, "kernels/threads:static.cpp"));
    CHECK(contains(page, "<tr><td><code>kernels/serial.cpp</code></td><td>serial</td>"));
    // The main table: serial and the 2-thread rows; the 4-thread row only in the collapsed table of every row.
    const auto main_end = page.find("<details>");
    CHECK(page.find("<td>threads@0</td>") > main_end);
    CHECK(contains(page, "<details><summary>All 3 rows, every column</summary>"));
    CHECK(contains(page, "<div class=\"scroll\"><table>"));
}

TEST_CASE("html report: SVGs inlined without their prolog, ids scoped per figure") {
    const std::string svg = "<?xml version=\"1.0\"?>\n<svg viewBox=\"0 0 10 10\"><defs><path id='gpPt0' d='M0,0'/></defs>"
                            "<use xlink:href='#gpPt0'/><rect fill=\"url(#grad)\" width=\"1\"/></svg>\n";
    const std::string page = html_report(document(), {{"lesson.svg", svg}, {"time_vs_n.svg", svg}});
    CHECK_FALSE(contains(page, "<?xml"));
    CHECK_FALSE(contains(page, "No lesson figure"));
    CHECK(contains(page, "id='lesson-gpPt0'"));
    CHECK(contains(page, "href='#lesson-gpPt0'"));
    CHECK(contains(page, "url(#lesson-grad)"));
    CHECK(contains(page, "id='plot-time_vs_n-gpPt0'"));
    CHECK(contains(page, "<figure id=\"plot-time_vs_n\">"));
    CHECK(page.find("<section id=\"lesson\">") < page.find("<section id=\"tables\">"));
}
