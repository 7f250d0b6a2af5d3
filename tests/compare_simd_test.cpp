// sumsq-compare --simd: parallelism inside one core (every range-kernel path serial runs here) beside
// two threads on the fastest, end to end: results.json "simd", the answer, index.html's section.
#include "compare_helpers.hpp"
#include "process.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <set>

using sumsq::test::file_text;
using sumsq::test::run_process;
using sumsq::test::Scratch;
using sumsq::test::bin;
using sumsq::test::compare;

TEST_CASE("simd: every path serial runs, then openmp at 2 threads on the fastest, each exact, paired with exact by round") {
    Scratch scratch("compare-simd");
    const auto out = scratch.dir / "results";
    const auto r = run_process(compare, {"--backends", "serial,threads,openmp", "--workloads", "sum", "--sizes", "1e4", "--threads", "1,2", "--rounds",
                                         "2", "--reps", "1", "--budget", "0", "--simd", "1e6", "--verbose", "--out", out.string()},
                               {"SUMSQ_GNUPLOT=/nonexistent/gnuplot"});
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    const auto paths = nlohmann::json::parse(run_process(bin + "/sumsq-serial", {"--describe"}).out)["kernel_paths"];
    const auto results = nlohmann::json::parse(file_text(out / "results.json"));
    CHECK(results["sweep"]["simd"] == 1000000);
    const auto& simd = results["simd"];
    REQUIRE(simd.is_array());
    REQUIRE(simd.size() == paths.size() + 1);  // every path on one core, then the threads run
    std::set<std::string> kernels;
    for (const auto& e : simd) {
        INFO(e.dump());
        CHECK(e["n"] == 1000000);
        CHECK(e["ns_per_element"].get<double>() > 0);
        CHECK(e["processes"].get<unsigned>() >= 1);
        if (e["backend"] == "serial") {
            kernels.insert(e["kernel"].get<std::string>());
            CHECK(e["threads"] == 1);
        }
        // One pair per round with exact: 2, or 1 when a process beside a disturbed one was left out.
        CHECK(e["pairs"].get<unsigned>() >= 1);
        CHECK(e["pairs"].get<unsigned>() <= 2);
        CHECK(e["enough_pairs"] == false);        // 2 rounds cannot reach 95%
    }
    for (const auto& path : paths) CHECK(kernels.count(path.get<std::string>()) == 1);
    CHECK(simd[0]["kernel"] == "exact");  // the slowest first: the reference
    CHECK(simd[0]["speedup"] == 1.0);
    const auto& across = simd.back();
    // openmp where it is built (its team spins between calls: threads started per call wait for the OS)
    CHECK(across["backend"] == (std::filesystem::exists(bin + "/sumsq-openmp") ? "openmp" : "threads"));
    CHECK(across["threads"] == 2);
    CHECK(across["kernel"] == paths[0]);  // auto: the fastest path
    CHECK(across.contains("speedup_over_one_core"));
    CHECK_THAT(r.out, Catch::Contains("How much parallelism is inside one core? At sum N=1e6 on one core"));  // either answer: under ASan -O1 the vector paths can be slower than exact
    CHECK_THAT(r.out, Catch::Contains("parallel inside one core (--simd): sum N = 1e6, 2 rounds"));
    const std::string html = file_text(out / "index.html");
    CHECK_THAT(html, Catch::Contains("<section id=\"simd\">"));
    CHECK_THAT(html, Catch::Contains("<a href=\"#simd\">simd</a>"));
}

TEST_CASE("simd: without --simd nothing is measured, without serial it says so, a zero N is refused") {
    Scratch scratch("compare-simd-none");
    const auto plain = run_process(compare, {"--backends", "serial", "--workloads", "sum", "--sizes", "1e3", "--threads", "1", "--rounds", "1",
                                             "--reps", "1", "--budget", "0", "--out", (scratch.dir / "a").string()},
                                   {"SUMSQ_GNUPLOT=/nonexistent/gnuplot"});
    REQUIRE(plain.exit_code == 0);
    CHECK(nlohmann::json::parse(file_text(scratch.dir / "a" / "results.json"))["simd"] == nlohmann::json::array());
    CHECK_THAT(plain.out, !Catch::Contains("inside one core"));
    const auto alone = run_process(compare, {"--backends", "threads", "--workloads", "sum", "--sizes", "1e3", "--threads", "1", "--rounds", "1",
                                             "--reps", "1", "--budget", "0", "--simd", "1e5", "--verbose"});
    REQUIRE(alone.exit_code == 0);
    CHECK_THAT(alone.out, Catch::Contains("--simd: not measured: it needs the serial backend"));
    // Without openmp in the run, threads runs across cores.
    const auto out = scratch.dir / "b";
    const auto fallback = run_process(compare, {"--backends", "serial,threads", "--workloads", "sum", "--sizes", "1e3", "--threads", "1",
                                                "--rounds", "1", "--reps", "1", "--budget", "0", "--simd", "1e5", "--out", out.string()},
                                      {"SUMSQ_GNUPLOT=/nonexistent/gnuplot"});
    REQUIRE(fallback.exit_code == 0);
    const auto simd = nlohmann::json::parse(file_text(out / "results.json"))["simd"];
    REQUIRE_FALSE(simd.empty());
    CHECK(simd.back()["backend"] == "threads");
    CHECK(simd.back()["threads"] == 2);
    const auto zero = run_process(compare, {"--simd", "0"});
    CHECK(zero.exit_code == 2);
    CHECK_THAT(zero.err, Catch::StartsWith("sumsq-compare: --simd: "));
}
