// sumsq-compare --workloads tree --cutoffs: each cut-off's table against serial's tree, the
// efficiency curves, the smallest task that still reaches 50% and the cost per task, end to end:
// results.json (runs, findings.min_task_size_for_50pct, findings.task_curves), the answer, index.html.
#include "compare_helpers.hpp"
#include "process.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>


using sumsq::test::compare;
using sumsq::test::file_text;
using sumsq::test::run_process;
using sumsq::test::Scratch;

TEST_CASE("tasks: the tree at two cut-offs gives every task backend a curve, a cost per task and a 50% verdict") {
    Scratch scratch("compare-tasks");
    const auto out = scratch.dir / "results";
    const auto r = run_process(compare, {"--backends", "serial,threads,tbb,interleaved,pstl", "--workloads", "tree", "--tree-sizes", "2e5",
                                         "--cutoffs", "1e2,1e4", "--threads", "1,2", "--rounds", "2", "--reps", "1", "--budget", "0", "--out",
                                         out.string()},
                               {"SUMSQ_GNUPLOT=/nonexistent/gnuplot"});
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("tree workload, N = 200,000") != std::string::npos);
    CHECK(r.out.find("How small may a task be?") != std::string::npos);
    const auto results = nlohmann::json::parse(file_text(out / "results.json"));
    std::size_t tree_rows = 0;
    for (const auto& run : results["runs"]) {
        REQUIRE(run["workload"] == "tree");
        REQUIRE(run["result"] == run["expected"]);
        CHECK(run["backend"] != "pstl");  // it does not take the tree: no rows
        CHECK((run["cutoff"] == 100 || run["cutoff"] == 10000));
        ++tree_rows;
    }
    CHECK(tree_rows == 2 * (1 + 2 + 2 + 1));  // per cut-off: serial, threads and tbb at 1 and 2, interleaved
    const auto& findings = results["findings"];
    const auto& metg = findings["min_task_size_for_50pct"];
    for (const char* backend : {"threads", "tbb", "interleaved"}) {
        INFO(backend);
        REQUIRE(metg.contains(backend));
        if (!metg[backend].is_null()) {
            CHECK((metg[backend]["cutoff"] == 100 || metg[backend]["cutoff"] == 10000));
            CHECK(metg[backend]["efficiency"]["estimate"].get<double>() >= 0.5);
            CHECK(metg[backend]["elements"].get<double>() > 0);
        }
    }
    CHECK_FALSE(metg.contains("serial"));  // the reference spawns no task
    std::size_t curves = 0;
    for (const auto& curve : findings["task_curves"]) {
        ++curves;
        REQUIRE(curve["points"].size() == 2);
        const auto& small = curve["points"][0];  // 2e5 halved down to 100: 2,048 leaves, 2,047 splits
        CHECK(small["cutoff"] == 100);
        CHECK(small["leaves"] == 2048);
        CHECK(small["tasks"] == (curve["backend"] == "threads" ? 1023 : 2047));  // threads: its top 10 levels
        CHECK(small["efficiency"]["lo"].get<double>() <= small["efficiency"]["estimate"].get<double>());
        CHECK(small["task_cost_ns"].is_object());
    }
    CHECK(curves == 5);  // threads and tbb at 1 and 2, interleaved at 1
    const std::string html = file_text(out / "index.html");
    CHECK(html.find("<section id=\"tasks\">") != std::string::npos);
    CHECK(html.find("href=\"#tasks\"") != std::string::npos);
}

TEST_CASE("tasks: bad cut-offs, tree options without the tree, and a tree no backend can run are refused") {
    for (const auto& [args, expected] : std::vector<std::pair<std::vector<std::string>, std::string>>{
             {{"--workloads", "tree", "--cutoffs", "0"}, "--cutoffs"},
             {{"--workloads", "tree", "--cutoffs", "1e2,x"}, "--cutoffs"},
             {{"--workloads", "sum", "--cutoffs", "1e2"}, "--cutoffs: applies to the tree workload"},
             {{"--workloads", "sum", "--tree-sizes", "1e6"}, "--tree-sizes: applies to the tree workload"},
             {{"--workloads", "tree", "--backends", "serial,pstl"}, "--workloads tree: needs serial"},
             {{"--workloads", "tree", "--backends", "tbb"}, "--workloads tree: needs serial"}}) {
        INFO(args.back());
        const auto r = run_process(compare, args);
        CHECK(r.exit_code == 2);
        CHECK(r.err.find(expected) != std::string::npos);
        CHECK(r.out.empty());
    }
}
