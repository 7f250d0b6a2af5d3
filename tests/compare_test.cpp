// sumsq-compare end to end on tiny sweeps: every workload, the rows a backend declares or the
// options add (--cpu-rows, --schedules, --binds, --fills, --combines), and the files they write.
#include "compare/run/child_process.hpp"
#include "compare_helpers.hpp"
#include "os/cpus.hpp"
#include "process.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <unistd.h>

namespace fs = std::filesystem;
using sumsq::test::bin;
using sumsq::test::compare;
using sumsq::test::doubles_env;
using sumsq::test::lines;
using sumsq::test::run_process;
using sumsq::test::Scratch;
using sumsq::test::with;

namespace {

const std::vector<std::string> tiny = {"--sizes", "1e3,1e4", "--threads", "1,2", "--reps", "2", "--wait-reps", "1",
                                       "--wait-ms", "2", "--steps", "2", "--rounds", "2", "--budget", "0", "--seed", "7"};

}  // namespace

TEST_CASE("a tiny sweep writes JSON, CSV and (with gnuplot) SVGs, every run OK") {
    Scratch scratch("compare-out");
    const auto out = scratch.dir / "results";
    const auto r = run_process(compare, with(tiny, {"--out", out.string(), "--verbose"}));
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    REQUIRE_THAT(r.out, Catch::Contains("sum workload, N = 1,000"));
    REQUIRE_THAT(r.out, Catch::Contains("wait workload"));
    REQUIRE_THAT(r.out, Catch::Contains("break-even"));
    REQUIRE_THAT(r.out, Catch::Contains("what this shows"));

    std::ifstream json_file(out / "results.json");
    const auto json = nlohmann::json::parse(json_file);
    REQUIRE(json.contains("environment"));
    REQUIRE(json["environment"].contains("cpu_model"));
    REQUIRE(json["runs"].size() >= 4);
    REQUIRE(json["sweep"]["seed"] == "7");  // u64 values are strings
    REQUIRE(json["sweep"]["job_seed"] == "1");
    REQUIRE(json["sweep"]["rounds"] == 2);
    REQUIRE(json["sweep"]["order"].size() == 2);
    REQUIRE(json["sweep"]["order"][0].size() >= json["runs"].size());  // serial between the others: S X Y S
    for (const char* when : {"before", "after"}) {
        CHECK(json["load"][when]["load_average_1min"].is_number());
        CHECK(json["load"][when]["busy_cpu_fraction"].is_number());
    }
    REQUIRE(json["findings"]["break_even"].is_object());
    REQUIRE(json["findings"]["noise_floor"].is_number());
    REQUIRE_THAT(r.out, Catch::Contains("seed 7"));
    for (const auto& run : json["runs"]) {
        if (run["status"] == "SKIPPED") {  // a script backend whose interpreter this machine lacks (python3)
            CHECK_THAT(run["message"].get<std::string>(), Catch::EndsWith(" not found"));
            continue;
        }
        CHECK(run["status"] == "OK");
        CHECK(run["rounds"] == 2);
        // serial runs between the others (S X Y S), a disturbed process is re-run, and one disturbed
        // again is left out of the estimates: at least one process is kept
        CHECK(run["process_medians"].size() >= 1);
        CHECK(run.contains("backend"));
        CHECK(run.contains("workload"));
        CHECK(run.contains("threads"));
        CHECK(run["wall_seconds"]["all"].is_array());
        if (run["workload"] == "sum") CHECK(run["result"] == run["expected"]);
    }
    std::ifstream csv_file(out / "results.csv");
    std::string header;
    std::getline(csv_file, header);
    REQUIRE(header == "backend,workload,n,threads,status,rounds,wall_median_s,wall_min_process_s,wall_max_process_s,parallelism,"
                      "speedup,speedup_lo,speedup_hi,efficiency,efficiency_lo,efficiency_hi,oversubscribed,order,schedule,imbalance,"
                      "bytes_per_second,ceiling_fraction,threads_obtained,serial_fraction,serial_fraction_lo,serial_fraction_hi,lost_fraction");
    if (sumsq::compare::on_path("gnuplot")) {
        for (const char* svg : {"speedup_vs_threads.svg", "workload_matrix.svg"}) {  // time_vs_n needs 3 sizes
            INFO(svg);
            REQUIRE(fs::file_size(out / svg) > 1000);
        }
    }
    // Nothing staged is left beside the output directory.
    REQUIRE(scratch.entries() == std::vector<std::string>{"results"});
}

TEST_CASE("cpu rows: threads@0 is an extra row of threads on one CPU, at 2 threads only, concurrent but not parallel") {
    Scratch scratch("compare-cpu-rows");
    const auto out = scratch.dir / "results";
    const auto run = run_process(compare, {"--backends", "serial,threads", "--cpu-rows", "threads@0", "--workloads", "sum", "--sizes", "1e6",
                                           "--threads", "1,2", "--reps", "2", "--rounds", "1", "--budget", "0", "--out", out.string()});
    INFO(run.out << run.err);
    REQUIRE(run.exit_code == 0);
    CHECK_THAT(run.out, Catch::Contains("threads@0"));
    std::ifstream json_file(out / "results.json");
    const auto json = nlohmann::json::parse(json_file);
    std::vector<unsigned> restricted_threads;
    for (const auto& row : json["runs"]) {
        if (row["backend"] != "threads@0") continue;
        restricted_threads.push_back(row["threads"].get<unsigned>());
        CHECK(row["status"] == "OK");
        CHECK(row["cpus_allowed"] == nlohmann::json::array({0}));
        CHECK(row["result"] == row["expected"]);
    }
    CHECK(restricted_threads == std::vector<unsigned>{2});  // one thread on one CPU shows nothing new
    CHECK(json["sweep"]["cpu_rows"] == nlohmann::json::array({"threads@0"}));  // both options recorded
    CHECK(json["sweep"]["cpus"].is_null());
}

TEST_CASE("python: a row per model - at most N = 1e7 and 2 workers unless named - speedup against its own 1 worker - exact") {
    if (::access((bin + "/sumsq-python").c_str(), X_OK) != 0 || ::access("/usr/bin/python3", X_OK) != 0) {
        WARN("skipped: no sumsq-python or no /usr/bin/python3");
        return;
    }
    Scratch scratch("compare-python");
    std::ofstream(scratch.dir / "backends.txt") << "serial\npython\n";  // the default list, so python is not named
    for (const char* name : {"sumsq-serial", "sumsq-python"})  // a list's binaries sit beside it
        std::filesystem::create_symlink(bin + "/" + name, scratch.dir / name);
    const auto out = scratch.dir / "results";
    const auto r = run_process(compare, {"--sizes", "1e3,2e7", "--threads", "1,3", "--workloads", "sum", "--reps", "1", "--warmup", "0",
                                         "--rounds", "1", "--verbose", "--out", out.string()},
                               {"SUMSQ_BACKEND_LIST=" + (scratch.dir / "backends.txt").string()});
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    std::ifstream json_file(out / "results.json");
    const auto json = nlohmann::json::parse(json_file);
    std::set<std::string> rows;
    for (const auto& run : json["runs"]) {
        const std::string backend = run["backend"];
        if (backend == "serial") continue;
        rows.insert(backend);
        CHECK(run["status"] == "OK");
        CHECK(run["n"] == 1000);     // not 2e7: above its sweep limit
        CHECK(run["threads"] == 1);  // not 3: above its sweep limit
        CHECK(run["result"] == run["expected"]);
        CHECK(run["row"]["backend"] == "python");
        CHECK(run["row"]["model"] == backend.substr(backend.find(':') + 1));
        CHECK(run["speedup_baseline"] == "own 1-worker run");
        // its own 1-worker run is its baseline: against itself an A/A estimate (none from one process;
        // with few pairs its min..max interval may miss 1, as serial's may). contains() first: a
        // const json's operator[] on a missing key is undefined (it threw on CI's Xeon)
        CHECK((!run.contains("speedup") || run["speedup"].is_null() || run["speedup"].get<double>() > 0));
    }
    CHECK(rows == std::set<std::string>{"python:threads", "python:processes"});
    for (const auto& absent : json["absent"]) CHECK(absent["row"] == "python:free-threaded");
    CHECK_THAT(r.out, Catch::Contains("python:threads, python:processes: speedup and efficiency against the row's own 1-worker run"));
}

TEST_CASE("a script backend without its interpreter: its rows say SKIPPED: python3 not found, the rest runs, exit 0") {
    const auto r = run_process(compare, {"--backends", "serial,absent", "--sizes", "1e3", "--threads", "1", "--workloads", "sum,wait", "--reps", "1",
                                         "--wait-reps", "1", "--wait-ms", "1", "--steps", "1", "--rounds", "1"}, doubles_env);
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    std::size_t skipped = 0, serial = 0;
    for (const auto& line : lines(r.out)) {
        if (line.rfind("  absent ", 0) == 0 && line.find("SKIPPED: python3 not found") != std::string::npos) ++skipped;
        if (line.rfind("  serial ", 0) == 0 && line.size() > 2 && line.substr(line.size() - 2) == "OK") ++serial;
    }
    CHECK(skipped == 2);  // sum and wait
    CHECK(serial == 2);
}

TEST_CASE("lesson.svg: eight timelines, {wait, sum} x {serial, interleaved, threads on one CPU, threads}") {
    Scratch scratch("compare-lesson");
    const auto out = scratch.dir / "results";
    const auto r = run_process(compare, {"--backends", "serial,interleaved,threads", "--workloads", "wait", "--quick", "--tasks", "2",
                                         "--wait-reps", "1", "--steps", "2", "--out", out.string()});
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    std::ifstream in(out / "lesson.svg");
    const std::string svg((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    REQUIRE_THAT(svg, Catch::StartsWith("<?xml") && Catch::EndsWith("</svg>\n"));
    for (const char* title : {"wait (2 tasks × 2 steps × 10 ms): serial", "wait (2 tasks × 2 steps × 10 ms): interleaved, 1 thread",
                              "wait (2 tasks × 2 steps × 10 ms): threads -t 2 on one CPU", "wait (2 tasks × 2 steps × 10 ms): threads -t 2",
                              "sum N = 1e9: serial", "sum N = 1e9: interleaved, 1 thread", "sum N = 1e9: threads -t 2 on one CPU",
                              "sum N = 1e9: threads -t 2<"}) {
        INFO(title);
        CHECK_THAT(svg, Catch::Contains(title));
    }
    std::size_t figures = 0;
    for (std::size_t at = 0; (at = svg.find("concurrency ", at)) != std::string::npos; ++at) ++figures;
    CHECK(figures >= 8);
    CHECK_THAT(svg, Catch::Contains(">Task D<"));  // interleaved sum: four tasks
    // Two threads on one CPU take turns: with switch records each thread's task is drawn in pieces,
    // with a waiting mark in every gap, never as one box spanning the run.
    const auto panel_at = svg.find("sum N = 1e9: threads -t 2 on one CPU");
    REQUIRE(panel_at != std::string::npos);
    const std::string panel = svg.substr(panel_at, svg.find("class='panel'", panel_at) - panel_at);
    if (panel.find("OS: switch records") != std::string::npos) {
        for (const char* task : {" · Task A [", " · Task B ["}) {  // whichever thread ran it (the numbering follows who started first)
            std::size_t pieces = 0;
            for (std::size_t at = 0; (at = panel.find(task, at)) != std::string::npos; ++at) ++pieces;
            INFO(task << "\n" << panel);
            CHECK(pieces >= 2);
        }
        CHECK_THAT(panel, Catch::Contains("runnable, waiting for a CPU"));
    } else {
        WARN("no switch records here (the kernel refused them): the one-CPU row is drawn from thread clocks");
    }
    // The span exports are read, never left in the output.
    for (const auto& e : fs::directory_iterator(out)) {
        const bool export_left = e.path().extension() == ".json" && e.path().filename() != "results.json" &&
                                 e.path().filename() != ".sumsq-manifest.json";
        CHECK(!export_left);
    }
    // Without all three backends there is no lesson.
    const auto small = scratch.dir / "small";
    REQUIRE(run_process(compare, {"--backends", "serial", "--workloads", "wait", "--quick", "--wait-reps", "1", "--out", small.string()}).exit_code == 0);
    CHECK(!fs::exists(small / "lesson.svg"));
}

TEST_CASE("without gnuplot the data files are written and one line says the plots were skipped") {
    Scratch scratch("compare-noplot");
    const auto r = run_process(compare, {"--quick", "--workloads", "sum", "--backends", "serial", "--out", scratch.dir.string()},
                               {"SUMSQ_GNUPLOT=/nonexistent/gnuplot"});
    REQUIRE(r.exit_code == 0);
    REQUIRE_THAT(r.out, Catch::Contains("plots skipped: gnuplot not found"));
    REQUIRE(fs::exists(scratch.dir / "results.json"));
    REQUIRE(fs::exists(scratch.dir / "results.csv"));
    REQUIRE_FALSE(fs::exists(scratch.dir / "time_vs_n.svg"));
}

TEST_CASE("rounds: the seed reproduces the order, serial between the others") {
    Scratch scratch("compare-seed");
    std::vector<nlohmann::json> orders;
    for (const char* name : {"one", "two"}) {
        const auto out = scratch.dir / name;
        const auto r = run_process(compare, {"--backends", "serial,threads", "--sizes", "1e3", "--threads", "1,2", "--workloads", "sum",
                                             "--reps", "1", "--rounds", "3", "--budget", "0", "--seed", "99", "--out", out.string()});
        REQUIRE(r.exit_code == 0);
        std::ifstream file(out / "results.json");
        orders.push_back(nlohmann::json::parse(file)["sweep"]["order"]);
    }
    REQUIRE(orders[0].size() == 3);
    CHECK(orders[0] == orders[1]);
    for (const auto& round : orders[0]) {  // S X Y S (ABBA): serial first and last, the two rows between
        REQUIRE(round.size() == 4);
        for (std::size_t k : {0u, 3u}) CHECK(round[k].get<std::string>().rfind("serial ", 0) == 0);
        for (std::size_t k : {1u, 2u}) CHECK(round[k].get<std::string>().rfind("threads ", 0) == 0);
    }
}

TEST_CASE("rounds: --budget counts from the end of --rounds, so a minimum longer than the budget still gets more rounds") {
    Scratch scratch("compare-budget");
    const auto out = scratch.dir / "out";
    // One round is S X S of 0.8 s each (4 tasks x 1 step x 200 ms): 2.4 s, more than the 1 s budget.
    // Round 2 starts the budget's clock and runs (the row is undecided: 1 pair); round 3 does not.
    // No process counts as disturbed (threshold 100%): under ctest -j a waiting process sits beside
    // other tests' work, and re-run pairs would change the counts.
    const auto r = run_process(compare, {"--backends", "serial,threads", "--workloads", "wait", "--threads", "1", "--wait-ms", "200",
                                         "--steps", "1", "--wait-reps", "1", "--rounds", "1", "--budget", "1",
                                         "--disturbance-threshold", "100", "--out", out.string()});
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    std::ifstream file(out / "results.json");
    const auto results = nlohmann::json::parse(file);
    bool seen = false;
    for (const auto& run : results["runs"])
        if (run["backend"] == "threads") {
            seen = true;
            CHECK(run["rounds"] == 2);
            CHECK_THAT(run["undecided_reason"].get<std::string>(), Catch::StartsWith("too few pairs: 2 of the 6"));
        }
    CHECK(seen);
    CHECK(results["sweep"]["order"].size() == 2);
}

TEST_CASE("jobs: each order its own table, --schedules rows named BACKEND:VALUE with the schedule and imbalance") {
    Scratch scratch("compare-jobs");
    const auto out = scratch.dir / "results";
    const auto r = run_process(compare, {"--backends", "serial,threads,tbb", "--workloads", "jobs", "--job-sizes", "1e6", "--jobs", "16",
                                         "--orders", "random,descending", "--schedules", "threads:static,threads:dynamic,tbb:simple/100",
                                         "--threads", "1,2", "--reps", "1", "--warmup", "0", "--rounds", "1", "--budget", "0", "--out", out.string()},
                               {"SUMSQ_GNUPLOT=/nonexistent/gnuplot"});
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains("jobs workload, N = 1,000,000 (1e6)") && Catch::Contains("descending"));
    CHECK_THAT(r.out, Catch::Contains("imbalance") && Catch::Contains("threads:dynamic") && Catch::Contains("tbb:simple/100"));
    std::ifstream json_file(out / "results.json");
    const auto json = nlohmann::json::parse(json_file);
    std::set<std::pair<std::string, std::string>> rows;
    for (const auto& run : json["runs"]) {
        INFO(run.dump());
        CHECK(run["status"] == "OK");
        CHECK(run["workload"] == "jobs");
        CHECK(run["result"] == run["expected"]);
        CHECK(run["jobs"] == 16);
        CHECK(run["order"].is_string());
        CHECK(run["schedule"]["name"].is_string());
        rows.insert({run["backend"].get<std::string>(), run["order"].get<std::string>()});
        if (run["backend"] != "serial" && run["threads"] == 2) CHECK(run["imbalance"].is_number());
    }
    for (const char* name : {"serial", "threads:static", "threads:dynamic", "tbb:simple/100"})
        for (const char* order : {"random", "descending"}) {
            INFO(name << " " << order);
            CHECK(rows.count({name, order}) == 1);
        }
    CHECK(rows.count({"threads", "random"}) == 0);  // a backend with --schedules entries runs them instead of its default
    std::ifstream html(out / "index.html");
    const std::string page((std::istreambuf_iterator<char>(html)), std::istreambuf_iterator<char>());
    CHECK_THAT(page, Catch::Contains("<th>imbalance</th>") && Catch::Contains("<th>schedule</th>"));
}

TEST_CASE("array: bytes per second on every row, bind and fill rows, the read bandwidth in the environment") {
    Scratch scratch("compare-array");
    const auto out = scratch.dir / "results";
    const auto r = run_process(compare, {"--backends", "serial,threads", "--workloads", "array", "--array-sizes", "1e6", "--threads", "1,2",
                                         "--binds", "none,close", "--fills", "workers,one", "--reps", "1", "--warmup", "0", "--rounds", "2", "--budget", "0",
                                         "--array-rounds", "1", "--out", out.string()},
                               {"SUMSQ_GNUPLOT=/nonexistent/gnuplot"});
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains("GB/s"));
    std::ifstream json_file(out / "results.json");
    const auto json = nlohmann::json::parse(json_file);
    std::set<std::string> names;
    for (const auto& run : json["runs"]) {
        INFO(run.dump());
        CHECK(run["status"] == "OK");
        CHECK(run["rounds"] == 1);  // --array-rounds
        CHECK(run["bytes_per_second"].get<double>() > 0);
        CHECK(run["result"] == run["expected"]);
        names.insert(run["backend"].get<std::string>());
    }
    CHECK(names == std::set<std::string>{"serial", "threads", "threads/bind=close", "threads/fill=one"});
    REQUIRE(json["environment"].contains("read_bandwidth"));
    const auto& bw = json["environment"]["read_bandwidth"];
    if (fs::exists(bin + "/sumsq-bandwidth")) {
        CHECK(bw["one_thread"].get<double>() > 0);
        CHECK(bw["all_threads"].get<double>() > 0);
        // Measured before the sweep and before the one array round; the ceiling is the best of them.
        const auto& measured = bw["all_threads_measurements"];
        REQUIRE(measured.size() == 2);
        CHECK(bw["all_threads"].get<double>() == std::max(measured[0].get<double>(), measured[1].get<double>()));
        for (const auto& run : json["runs"]) CHECK(run["ceiling_fraction"].is_number());
    } else {
        CHECK(bw.is_null());
        CHECK_THAT(r.out, Catch::Contains("sumsq-bandwidth is not built"));
    }
    // --diff reads the new rows (order, schedule, bytes/s) like any other.
    const auto d = run_process(compare, {"--diff", (out / "results.json").string(), (out / "results.json").string()});
    INFO(d.err);
    CHECK(d.exit_code == 0);
    CHECK_THAT(d.out, Catch::Contains("threads/fill=one"));
}

TEST_CASE("threads asked for and obtained: OMP_THREAD_LIMIT=1 keeps the 2-thread row apart and says so") {
    if (!fs::exists(bin + "/sumsq-openmp")) {
        WARN("skipped: sumsq-openmp is not built");
        return;
    }
    Scratch scratch("compare-threadlimit");
    const auto out = scratch.dir / "out";
    const auto r = run_process(compare, {"--backends", "openmp", "--workloads", "sum", "--sizes", "1e3", "--threads", "1,2", "--rounds", "1",
                                         "--reps", "1", "--warmup", "0", "--out", out.string()},
                               {"OMP_THREAD_LIMIT=1", "SUMSQ_GNUPLOT=/nonexistent/gnuplot"});
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains("OK: asked 2 threads, got 1"));
    CHECK_THAT(r.out, Catch::Contains("WARNING: openmp sum N=1e3 at 2 threads: asked 2 threads, got 1"));
    std::ifstream file(out / "results.json");
    const auto json = nlohmann::json::parse(file);
    std::map<unsigned, nlohmann::json> by_threads;
    for (const auto& run : json["runs"]) by_threads[run["threads"].get<unsigned>()] = run["threads_obtained"];
    REQUIRE(by_threads.size() == 2);  // was: two rows both called "openmp 1"
    CHECK(by_threads[1] == 1);
    CHECK(by_threads[2] == 1);
    const auto diff = run_process(compare, {"--diff", (out / "results.json").string(), (out / "results.json").string()});
    REQUIRE(diff.exit_code == 0);
    const auto rows = lines(diff.out);
    CHECK(std::count_if(rows.begin(), rows.end(), [](const std::string& l) { return l.rfind("  openmp", 0) == 0; }) == 2);  // not merged
}

TEST_CASE("combines: a row per way and K each backend offers, a racy row measured and shown as LOST, exit 0") {
    Scratch scratch("compare-combines");
    const auto out = scratch.dir / "results";
    const auto r = run_process(compare, {"--backends", "serial,threads,openmp", "--workloads", "sum", "--sizes", "1e6", "--threads", "2",
                                         "--combines", "unpadded,racy,critical", "--combine-every", "1", "--reps", "1", "--warmup", "0",
                                         "--rounds", "1", "--budget", "0", "--out", out.string()},
                               {"SUMSQ_GNUPLOT=/nonexistent/gnuplot"});
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);  // a racy row's wrong result is the experiment, not a failure
    std::ifstream json_file(out / "results.json");
    const auto json = nlohmann::json::parse(json_file);
    std::set<std::string> rows;
    for (const auto& run : json["runs"]) {
        rows.insert(run["backend"].get<std::string>());
        const std::string status = run["status"];
        if (run["row"]["combine"] == "racy") {
            CHECK(run["lost_fraction"].is_number());
            CHECK((status == "OK" || status.rfind("LOST ", 0) == 0));
            CHECK(run["wall_seconds"]["median"].is_number());  // measured: fast and wrong
        } else {
            CHECK(status == "OK");
            CHECK_FALSE(run.contains("lost_fraction"));
        }
        // Karp–Flatt needs a CPU per worker: none for 2 threads on 1 CPU
        if (run["backend"] != "serial" && run["threads"] == 2 && run.contains("speedup") && sumsq::allowed_cpus().size() >= 2)
            CHECK(run["serial_fraction"].is_number());
    }
    CHECK(rows == std::set<std::string>{"serial", "threads", "threads/combine=unpadded", "threads/combine=unpadded/every=1",
                                        "threads/combine=racy", "threads/combine=racy/every=1", "openmp", "openmp/combine=unpadded",
                                        "openmp/combine=unpadded/every=1", "openmp/combine=racy", "openmp/combine=racy/every=1",
                                        "openmp/combine=critical", "openmp/combine=critical/every=1"});
    for (const auto& bad : std::vector<std::vector<std::string>>{{"--combine-every", "1"},
                                                                  {"--combines", "nope"},
                                                                  {"--combines", "mutex", "--backends", "serial,tbb"},
                                                                  {"--combines", "mutex", "--workloads", "wait"}}) {
        auto args = bad;
        args.insert(args.end(), {"--quick", "--out", (scratch.dir / "bad").string()});
        if (std::find(bad.begin(), bad.end(), "--workloads") == bad.end()) args.insert(args.end(), {"--workloads", "sum"});
        const auto b = run_process(compare, args);
        INFO(bad.front() << " " << bad.back() << ": " << b.err);
        CHECK(b.exit_code == 2);
        CHECK(lines(b.err).size() == 1);
        CHECK_FALSE(fs::exists(scratch.dir / "bad"));
    }
}
