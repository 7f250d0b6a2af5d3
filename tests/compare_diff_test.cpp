// sumsq-compare --diff OLD NEW: its statistics (Mann-Whitney U, the verdicts), the report, and
// every way a file can be wrong (refused with exit 2, naming the file and the field).
#include "compare/files/results_file.hpp"
#include "compare/views/diff.hpp"
#include "compare_helpers.hpp"
#include "process.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <sys/stat.h>

namespace fs = std::filesystem;
using sumsq::test::bin;
using sumsq::test::compare;
using sumsq::test::doubles_env;
using sumsq::test::lines;
using sumsq::test::run_process;
using sumsq::test::Scratch;
using sumsq::test::with;

TEST_CASE("Mann-Whitney U: exact p-values") {
    using sumsq::compare::mann_whitney_p;
    // Completely separated samples of 5 and 5: p = 2 / C(10,5) = 2/252.
    CHECK(mann_whitney_p({1, 2, 3, 4, 5}, {6, 7, 8, 9, 10}) == Approx(2.0 / 252));
    CHECK(mann_whitney_p({6, 7, 8, 9, 10}, {1, 2, 3, 4, 5}) == Approx(2.0 / 252));
    // 3 and 3: the smallest p possible is 2/20 = 0.1.
    CHECK(mann_whitney_p({1, 2, 3}, {4, 5, 6}) == Approx(0.1));
    // Interleaved samples: no evidence.
    CHECK(mann_whitney_p({1, 3, 5, 7, 9}, {2, 4, 6, 8, 10}) > 0.5);
    // Large samples use the normal approximation and still separate clear shifts.
    std::vector<double> a, b;
    for (int k = 0; k < 30; ++k) a.push_back(1.0 + k * 0.001), b.push_back(1.2 + k * 0.001);
    CHECK(mann_whitney_p(a, b) < 1e-6);
}

TEST_CASE("diff verdicts on synthetic results") {
    using sumsq::compare::judge;
    const std::vector<double> base{1.00, 1.01, 0.99, 1.02, 0.98, 1.00};
    CHECK(judge(base, {2.00, 2.01, 1.99, 2.02, 1.98, 2.00}).verdict == "slower");
    CHECK(judge(base, {0.50, 0.51, 0.49, 0.52, 0.48, 0.50}).verdict == "faster");
    CHECK(judge(base, {1.01, 0.99, 1.00, 1.02, 0.98, 1.00}).verdict == "same");
    // Significant but tiny (1%): same.
    CHECK(judge(base, {1.011, 1.021, 1.001, 1.031, 0.991, 1.012}).verdict == "same");
    // Large but with 3 processes a side: too few independent samples, nothing is called.
    CHECK(judge({1, 1.01, 0.99}, {2, 2.01, 1.99}).verdict == "too few");
    CHECK(judge(base, {2, 2.01, 1.99}).verdict == "too few");
    // Identical data: same.
    CHECK(judge(base, base).verdict == "same");
}

TEST_CASE("diff of two results.json files prints a verdict per configuration") {
    Scratch scratch("compare-diff");
    auto write = [&](const char* name, double scale) {
        nlohmann::json runs = nlohmann::json::array();
        runs.push_back({{"backend", "tbb"}, {"workload", "sum"}, {"n", 1000}, {"threads", 2}, {"status", "OK"},
                        {"process_medians", {1.0 * scale, 1.01 * scale, 0.99 * scale, 1.02 * scale, 0.98 * scale}}});
        runs.push_back({{"backend", "serial"}, {"workload", "sum"}, {"n", 1000}, {"threads", 1}, {"status", "OK"},
                        {"process_medians", {1.0, 1.01, 0.99, 1.02, 0.98}}});
        runs.push_back({{"backend", "openmp"}, {"workload", "sum"}, {"n", 1000}, {"threads", 2}, {"status", "OK"},
                        {"process_medians", {1.0 * scale, 1.01 * scale, 0.99 * scale}}});
        const nlohmann::json load = {{"before", {{"busy_cpu_fraction", scale > 1 ? 0.9 : 0.01}}}, {"after", {{"busy_cpu_fraction", 0.01}}}};
        std::ofstream(scratch.dir / name) << nlohmann::json{{"environment", {}}, {"load", load}, {"runs", runs}}.dump();
    };
    write("old.json", 1.0);
    write("new.json", 1.5);
    const auto r = run_process(compare, {"--diff", (scratch.dir / "old.json").string(), (scratch.dir / "new.json").string()});
    REQUIRE(r.exit_code == 0);
    const auto rows = lines(r.out);
    bool tbb_slower = false, serial_same = false;
    for (const auto& line : rows) {
        tbb_slower = tbb_slower || (line.find("tbb") != std::string::npos && line.find("slower") != std::string::npos);
        serial_same = serial_same || (line.find("serial") != std::string::npos && line.find("same") != std::string::npos);
    }
    CHECK(tbb_slower);
    CHECK(serial_same);
    // 3 processes a side: nothing called, and the report says why.
    bool openmp_too_few = false;
    for (const auto& line : rows) openmp_too_few = openmp_too_few || (line.find("openmp") != std::string::npos && line.find("too few") != std::string::npos);
    CHECK(openmp_too_few);
    CHECK_THAT(r.out, Catch::Contains("too few independent samples"));
    // The new run was recorded on a busy machine: the diff says a change may be the machine's.
    CHECK_THAT(r.out, Catch::Contains("WARNING: the machine was busy"));
    std::ofstream(scratch.dir / "bad.json") << "{\"no\": 1}";
    const auto bad = run_process(compare, {"--diff", (scratch.dir / "bad.json").string(), (scratch.dir / "new.json").string()});
    CHECK(bad.exit_code == 2);
    CHECK_THAT(bad.err, Catch::Contains("not a sumsq-compare results.json"));
}

TEST_CASE("diff: the whole file is validated: exit 2 naming the file and the field, never a crash") {
    Scratch scratch("compare-diffschema");
    const std::string good_run = R"({"backend":"tbb","workload":"sum","n":1000,"threads":2,"status":"OK","wall_seconds":{"all":[1,2,3]}})";
    const auto [run, field] = GENERATE(table<std::string, std::string>({
        {R"({"backend":"tbb","workload":"sum","n":1000,"threads":2,"status":"OK","wall_seconds":{"all":[]}})", "runs[0].wall_seconds.all: is empty"},
        {R"({"backend":"tbb","workload":"sum","n":1000,"threads":2,"status":"OK","wall_seconds":{"median":1}})", "runs[0].wall_seconds.all: is missing"},
        {R"({"backend":"tbb","workload":"sum","n":1000,"threads":2,"status":"OK","wall_seconds":[1]})", "runs[0].wall_seconds: is not an object"},
        {R"({"backend":"tbb","workload":"sum","n":1000,"threads":2,"status":"OK","wall_seconds":{"all":["x"]}})", "runs[0].wall_seconds.all[0]"},
        {R"({"backend":"tbb","workload":"sum","n":1000,"threads":2,"status":"OK","wall_seconds":{"all":[-1]}})", "runs[0].wall_seconds.all[0]"},
        {R"({"backend":"tbb","workload":"sum","n":1000,"threads":2,"status":"OK"})", "runs[0].wall_seconds: is missing"},
        {R"({"backend":1,"workload":"sum","n":1000,"threads":2,"status":"OK","wall_seconds":{"all":[1]}})", "runs[0].backend: is not a string"},
        {R"({"backend":"tbb","workload":"sum","n":-5,"threads":2,"status":"OK","wall_seconds":{"all":[1]}})", "runs[0].n: is not a whole number"},
        {R"({"backend":"tbb","workload":"sum","n":1000,"threads":0,"status":"OK","wall_seconds":{"all":[1]}})", "runs[0].threads"},
        {R"({"backend":"tbb","workload":"sum","n":1000,"threads":2})", "runs[0].status: is missing"},
        {R"(7)", "runs[0]: is not an object"},
    }));
    const fs::path good = scratch.dir / "good.json", bad = scratch.dir / "bad.json";
    std::ofstream(good) << R"({"runs":[)" << good_run << "]}";
    std::ofstream(bad) << R"({"runs":[)" << run << "]}";
    const auto r = run_process(compare, {"--diff", good.string(), bad.string()});
    INFO(r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK(lines(r.err).size() == 1);
    CHECK_THAT(r.err, Catch::Contains(bad.string()) && Catch::Contains(field));
}

TEST_CASE("diff: zero times prints no inf") {
    Scratch scratch("compare-diffzero");
    const fs::path a = scratch.dir / "a.json", b = scratch.dir / "b.json";
    std::ofstream(a) << R"({"runs":[{"backend":"serial","workload":"sum","n":0,"threads":1,"status":"OK","process_medians":[0,0,0,0]}]})";
    std::ofstream(b) << R"({"runs":[{"backend":"serial","workload":"sum","n":0,"threads":1,"status":"OK","process_medians":[1e-9,1e-9,2e-9,1e-9]}]})";
    const auto r = run_process(compare, {"--diff", a.string(), b.string()});
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.out, !Catch::Contains("inf") && !Catch::Contains("nan"));
    CHECK_THAT(r.out, Catch::Contains("n/a"));
}

TEST_CASE("diff: a directory, FIFO, device or oversized file is refused before it is read, naming it") {
    Scratch scratch("compare-diffkinds");
    const fs::path good = scratch.dir / "good.json", fifo = scratch.dir / "fifo", big = scratch.dir / "big.json";
    std::ofstream(good) << R"({"runs":[]})";
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);  // no writer: reading it would block forever
    { std::ofstream(big) << " "; }
    fs::resize_file(big, sumsq::compare::max_results_bytes + 1);  // sparse: costs no disk
    const std::string fifo_path = fifo.string(), dir_path = scratch.dir.string(), big_path = big.string(), good_path = good.string();
    const auto [path, expected] = GENERATE_COPY(table<std::string, std::string>({
        {"/dev/zero", "--diff: '/dev/zero' is a character device"},  // was: read until bad_alloc (15.7 GB, 78 s)
        {fifo_path, "' is a FIFO"},
        {dir_path, "' is a directory"},                 // was: exit 3 "basic_filebuf::underflow"
        {big_path, "' is larger than 64 MiB"},
    }));
    for (const bool first : {true, false}) {
        INFO(path << (first ? " as OLD" : " as NEW"));
        const std::vector<std::string> args{"--diff", first ? path : good_path, first ? good_path : path};
        const auto r = run_process(compare, args);
        INFO(r.err);
        CHECK(r.exit_code == 2);
        CHECK(r.out.empty());
        CHECK(lines(r.err).size() == 1);
        CHECK_THAT(r.err, Catch::Contains(path) && Catch::Contains(expected));
    }
}

TEST_CASE("diff: hand-edited files: absurd values and repeated keys exit 2 naming the field, never read as something else") {
    Scratch scratch("compare-diffedit");
    const std::string run = R"("backend":"tbb","workload":"sum","status":"OK")";
    const auto [doc, expected] = GENERATE_COPY(table<std::string, std::string>({
        {R"({"runs":[{)" + run + R"(,"n":1000,"threads":4294967297,"process_medians":[1,1,1,1]}]})",
         "runs[0].threads: is not a whole number in 1..4,096"},  // was read as 1 and merged with the 1-thread row
        {R"({"runs":[{)" + run + R"(,"n":18446744073709551615,"threads":2,"process_medians":[1,1,1,1]}]})",
         "runs[0].n: is not a whole number in 0..10,069,012,961,345"},
        {R"({"runs":[{"backend":"tbb","workload":"array","status":"OK","n":4294967297,"threads":2,"process_medians":[1,1,1,1]}]})",
         "runs[0].n: is not a whole number in 0..4,294,967,296"},
        {R"({"runs":[{)" + run + R"(,"n":1000,"threads":2,"process_medians":[1e308,1e308,1e308,1e308]}]})",
         "runs[0].process_medians[0]: is not a number of seconds in 0..86,400"},  // was "inf s" and "slower"
        {R"({"load":{"before":{"busy_cpu_fraction":1e300}},"runs":[]})", "load.before.busy_cpu_fraction: is not a fraction in 0..1"},
        {R"({"runs":[],"runs":[{)" + run + R"(,"n":1000,"threads":2,"process_medians":[1,1,1,1]}]})",
         "the key \"runs\" appears twice in one object"},  // was: the last one kept
        {R"({"runs":[{)" + run + R"(,"n":1000,"n":5,"threads":2,"process_medians":[1,1,1,1]}]})", "the key \"n\" appears twice"},
        {R"({"sweep":{"seed":18446744073709552000},"runs":[]})", "sweep.seed: is not a seed"},  // a double: digits already lost
        {R"({"runs":[{)" + run + R"(,"n":1000,"threads":2,"seed":"-1","process_medians":[1,1,1,1]}]})", "runs[0].seed: is not a seed"},
    }));
    const fs::path good = scratch.dir / "good.json", bad = scratch.dir / "bad.json";
    std::ofstream(good) << R"({"runs":[]})";
    std::ofstream(bad) << doc;
    const auto r = run_process(compare, {"--diff", good.string(), bad.string()});
    INFO(doc << "\n" << r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK(lines(r.err).size() == 1);
    CHECK_THAT(r.err, Catch::Contains(bad.string()) && Catch::Contains(expected));
}

TEST_CASE("diff: seeds as strings or exact numbers are read, names with ESC or newlines are printed escaped") {
    Scratch scratch("compare-diffnames");
    const fs::path a = scratch.dir / "a.json", b = scratch.dir / "b.json";
    const std::string runs = R"("runs":[{"backend":"x\u001b[31m\ny","workload":"sum","n":10,"threads":1,"status":"OK","process_medians":[1,1,1,1]}])";
    std::ofstream(a) << R"({"sweep":{"seed":"18446744073709551615","job_seed":"1"},)" << runs << "}";
    std::ofstream(b) << R"({"sweep":{"seed":18446744073709551615,"job_seed":7},)" << runs << "}";  // older files: numbers
    const auto r = run_process(compare, {"--diff", a.string(), b.string()});
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains("x\\x1b[31m\\ny"));
    CHECK(r.out.find('\x1b') == std::string::npos);
    CHECK(lines(r.out).size() == 4);  // heading, column names, one row (its newline escaped), the summary
}
