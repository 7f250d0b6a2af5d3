// sumsq-compare end to end on tiny sweeps, its failure handling, and the --diff statistics.
#include "compare/analysis/analysis.hpp"
#include "compare/analysis/summary.hpp"
#include "compare/run/child_process.hpp"
#include "compare/views/diff.hpp"
#include "driver/cli.hpp"
#include "os/cpus.hpp"
#include "process.hpp"
#include "compare/views/report.hpp"
#include "compare/options/options.hpp"
#include "compare/files/results_file.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <fcntl.h>
#include <spawn.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <sstream>
#include <thread>
#include <unistd.h>

extern char** environ;
namespace fs = std::filesystem;
using sumsq::test::lines;
using sumsq::test::run_process;
using sumsq::test::Scratch;
using sumsq::test::with;

namespace {

const std::string bin = SUMSQ_BIN_DIR;
const std::string compare = bin + "/sumsq-compare";
// The test doubles (wrong, hang) are run only from the tests' list of backends.
const std::vector<std::string> doubles_env = {"SUMSQ_BACKEND_LIST=" + bin + "/sumsq-test-backends.txt"};

// A fresh, empty scratch directory per test, removed afterwards.

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

TEST_CASE("cpu rows: a row outside --cpus is refused before the sweep (it would run where --cpus forbids)") {
    if (sumsq::available_cpus() < 2) {
        WARN("skipped: needs 2 CPUs for a --cpu-rows list outside --cpus");
        return;
    }
    const auto cpus = sumsq::allowed_cpus();
    const std::string inside = std::to_string(cpus[0]), outside = std::to_string(cpus[1]);
    const auto r = run_process(compare, {"--backends", "serial,threads", "--cpus", inside, "--cpu-rows", "threads@" + outside});
    INFO(r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK(lines(r.err).size() == 1);
    CHECK_THAT(r.err, Catch::Contains("--cpu-rows: threads@" + outside + " runs on CPU " + outside + ", outside --cpus " + inside));
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

TEST_CASE("cpus and cpu rows: bad input exits 2 with one line") {
    const auto [args, expected] = GENERATE(table<std::vector<std::string>, std::string>({
        {{"--cpus", "x"}, "--cpus: 'x' is not a CPU list"},
        {{"--cpus", "99999"}, "--cpus: CPU 99999 is not available to this process"},
        {{"--cpu-rows", "threads"}, "--cpu-rows: 'threads' is not NAME@CPUS"},
        {{"--cpu-rows", "@0"}, "--cpu-rows: '@0' is not NAME@CPUS"},
        {{"--cpu-rows", "threads@x"}, "--cpu-rows: 'x' is not a CPU list"},
        {{"--cpu-rows", "serial@0"}, "--cpu-rows: 'serial' runs on one thread"},
        {{"--backends", "serial", "--cpu-rows", "threads@0"}, "--cpu-rows: 'threads' is not among the backends of this run"},
    }));
    const auto r = run_process(compare, args);
    INFO(r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK(lines(r.err).size() == 1);
    CHECK_THAT(r.err, Catch::Contains(expected));
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

TEST_CASE("a wrong kernel is reported as MISMATCH, the rest still runs, and the exit code is 1") {
    const auto r = run_process(compare, {"--backends", "serial,wrong,threads", "--sizes", "1e3", "--threads", "1", "--workloads", "sum", "--reps", "1"}, doubles_env);
    REQUIRE(r.exit_code == 1);
    const auto rows = lines(r.out);
    auto row = [&](const std::string& backend) {
        for (const auto& line : rows)
            if (line.rfind("  " + backend + " ", 0) == 0) return line;
        return std::string();
    };
    REQUIRE_THAT(row("wrong"), Catch::Contains("MISMATCH"));
    REQUIRE_THAT(row("wrong"), Catch::Contains("got 332833501, expected 332833500"));
    REQUIRE_THAT(row("threads"), Catch::Contains("OK"));
    REQUIRE_THAT(r.err, Catch::Contains("1 of 3 runs were not OK"));
}

TEST_CASE("the wrong backend on its own exits 1 and prints both numbers") {
    const auto r = run_process(bin + "/sumsq-wrong", {"-n", "1e3", "-r", "1"});
    REQUIRE(r.exit_code == 1);
    REQUIRE_THAT(r.out, Catch::Contains("MISMATCH"));
    REQUIRE_THAT(r.err, Catch::Contains("got 332833501, expected 332833500"));
}

TEST_CASE("a backend that hangs is killed after the timeout and reported") {
    const auto begin = std::chrono::steady_clock::now();
    const auto r = run_process(compare, {"--backends", "serial,hang", "--sizes", "1e3", "--workloads", "sum", "--reps", "1", "--timeout", "1"}, doubles_env);
    const auto took = std::chrono::steady_clock::now() - begin;
    REQUIRE(r.exit_code == 1);
    REQUIRE_THAT(r.out, Catch::Contains("TIMEOUT: killed after the 1 s timeout"));
    REQUIRE(took < std::chrono::seconds(30));
}

TEST_CASE("bad input: exit 2, one line, no output directory left behind") {
    Scratch scratch("compare-bad");
    const std::string out = (scratch.dir / "out").string(), a_file = (scratch.dir / "a-file").string();
    std::ofstream(a_file) << "x";
    const std::string dangling = (scratch.dir / "dangling").string(), not_ours = (scratch.dir / "home").string();
    fs::create_symlink(scratch.dir / "nowhere", dangling);
    fs::create_directories(not_ours);
    std::ofstream(fs::path(not_ours) / "notes.md") << "mine";
    const auto [args, expected] = GENERATE_COPY(table<std::vector<std::string>, std::string>({
        {{"--backends", "nosuch"}, "--backends: unknown backend 'nosuch'; built: serial"},
        {{"--schedules", "openmp"}, "--schedules: 'openmp' is not BACKEND:VALUE"},
        {{"--schedules", "threads:guided"}, "--schedules: 'guided' is not a schedule of threads; accepted: static, dynamic"},
        {{"--schedules", "serial:static"}, "--schedules: 'serial' has no scheduling knob"},
        {{"--schedules", "nosuch:static"}, "--schedules: 'nosuch' is not among the backends of this run"},
        {{"--schedules", "threads:dynamic/x"}, "--schedules: 'x' is not a whole number"},
        {{"--schedules", "threads:static", "--workloads", "wait"}, "--schedules: applies to the sum and jobs workloads, not --workloads wait"},
        {{"--workloads", "wait", "--sizes", "1e3"}, "--sizes: applies to the sum workload, not --workloads wait"},
        {{"--workloads", "sum", "--wait-ms", "5", "--tasks", "3"}, "--wait-ms: applies to the wait workload, not --workloads sum"},
        {{"--workloads", "sum", "--tasks", "3"}, "--tasks: applies to the wait workload, not --workloads sum"},
        {{"--workloads", "wait", "--reps", "3"}, "--reps: applies to the sum, jobs and array workloads, not --workloads wait"},
        {{"--workloads", "jobs", "--cpu-rows", "threads@0"}, "--cpu-rows: applies to the sum and wait workloads, not --workloads jobs"},
        {{"--workloads", "sum,wait", "--fills", "one"}, "--fills: applies to the array workload, not --workloads sum,wait"},
        {{"--workloads", "jobs", "--orders", "sideways"}, "--orders: unknown value 'sideways'; accepted: random, descending, ascending"},
        {{"--orders", "random"}, "--orders: applies to the jobs workload, not --workloads sum,wait"},
        {{"--workloads", "jobs", "--skew", "0"}, "--skew: '0' is not a decimal number in 0.1..10"},
        {{"--workloads", "array", "--binds", "tight"}, "--binds: unknown value 'tight'"},
        {{"--workloads", "array", "--fills", "none"}, "--fills: unknown value 'none'"},
        {{"--workloads", "array", "--array-sizes", "5e9"}, "--array-sizes: 5e9 is too large"},
        {{"--backends", ""}, "--backends: empty list"},
        {{"--backends", "serial,,tbb"}, "--backends: empty list or empty item"},
        {{"--threads", ""}, "--threads: empty list"},
        {{"--threads", "0"}, "--threads: 0 is too small"},
        {{"--threads", "1,x"}, "--threads: 'x' is not a whole number"},
        {{"--sizes", "1e3,,1e5"}, "--sizes: empty list or empty item"},
        {{"--sizes", "1e14"}, "--sizes: 1e14 is too large"},
        {{"--sizes", "-1"}, "--sizes: -1 is negative"},
        {{"--workloads", "sum,sleep"}, "--workloads: unknown workload 'sleep'"},
        {{"--reps", "0"}, "--reps: 0 is too small"},
        {{"--timeout", "0"}, "--timeout: 0 is too small"},
        {{"--out", "/nonexistent-dir/results"}, "--out: cannot write to '/nonexistent-dir/results'"},
        {{"--out", a_file}, "exists and is not a directory"},
        {{"--out", ""}, "--out: the directory name is empty"},
        {{"--bogus"}, "--bogus"},
        {{"--hostfile", "/nonexistent/hosts"}, "--hostfile: '/nonexistent/hosts' is not a readable file"},
        {{"--hostfile", "/"}, "--hostfile: '/' is not a readable file"},
        {{"--hostfile", "/dev/null"}, "--hostfile: '/dev/null' is not a readable file"},
        {{"--mpirun-args", "-np 4"}, "--mpirun-args: -np is set by sumsq-compare"},
        {{"--mpirun-args", "--mca btl 'tcp,self'"}, "--mpirun-args: quotes and backslashes are not interpreted"},
        {{"--mpirun-args", " "}, "--mpirun-args: empty"},
        {{"--diff", "only-one.json"}, "--diff"},
        {{"--diff", "/nonexistent/a.json", "/nonexistent/b.json"}, "--diff: cannot read '/nonexistent/a.json'"},
        {{"--diff", "a.json", "b.json", "--threads", "2"}, "--diff: --threads does not apply when comparing two files"},
        {{"--diff", "a.json", "b.json", "--quick"}, "--diff: --quick does not apply"},
        {{"--threads", "1,1"}, "--threads: '1' is listed twice"},
        {{"--sizes", "1e3,1000"}, "--sizes: 1000 is listed twice"},
        {{"--backends", "serial,serial"}, "--backends: 'serial' is listed twice"},
        {{"--workloads", "sum,sum"}, "--workloads: 'sum' is listed twice"},
        {{"--backends", "bench-switch"}, "--backends: unknown backend 'bench-switch'"},
        {{"--backends", "wrong"}, "--backends: unknown backend 'wrong'"},
        {{"--backends", "se\nrial"}, "--backends: unknown backend 'se\\nrial'"},
        {{"--out", dangling}, "is a symlink to"},
        {{"--out", not_ours}, "holds files but no .sumsq-manifest.json"},
        {{"--out", "."}, "--out: '.' names no directory of its own"},
    }));
    auto full = args;
    if (std::find(args.begin(), args.end(), "--out") == args.end() && std::find(args.begin(), args.end(), "--diff") == args.end())
        full.insert(full.end(), {"--out", out});
    const auto r = run_process(compare, full);
    INFO(r.err);
    REQUIRE(r.exit_code == 2);
    REQUIRE(lines(r.err).size() == 1);
    REQUIRE_THAT(r.err, Catch::StartsWith("sumsq-compare: "));
    REQUIRE_THAT(r.err, Catch::Contains(expected));
    auto entries = scratch.entries();
    std::sort(entries.begin(), entries.end());
    REQUIRE(entries == std::vector<std::string>{"a-file", "dangling", "home"});
    REQUIRE(fs::exists(fs::path(not_ours) / "notes.md"));
}

TEST_CASE("Ctrl-C, SIGTERM or SIGHUP stops the running backend, leaves no files and exits 128 + signal") {
    Scratch scratch("compare-sigint");
    const std::string out = (scratch.dir / "out").string();
    std::vector<std::string> args{compare, "--backends", "serial,hang", "--sizes", "1e3", "--workloads", "sum", "--reps", "1", "--out", out};
    const auto [signal, code] = GENERATE(table<int, int>({{SIGINT, 130}, {SIGTERM, 143}, {SIGHUP, 129}}));
    args.erase(args.begin());
    const int pid = sumsq::test::start_process(compare, args, doubles_env);
    std::this_thread::sleep_for(std::chrono::milliseconds(700));  // serial done, hang running
    ::kill(pid, signal);
    const auto begin = std::chrono::steady_clock::now();
    REQUIRE(sumsq::test::wait_process(pid) == code);
    REQUIRE(std::chrono::steady_clock::now() - begin < std::chrono::seconds(10));
    REQUIRE(scratch.entries().empty());
}

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

namespace {

// A small tmpfs mounted on `dir` for the filesystem tests; mounted() is false where mount is not
// permitted (not root), and the test says so and skips.
struct Tmpfs {
    fs::path dir;
    bool ok = false;
    Tmpfs(fs::path where, const char* size) : dir(std::move(where)) {
        fs::create_directories(dir);
        ok = ::mount("tmpfs", dir.c_str(), "tmpfs", 0, (std::string("size=") + size).c_str()) == 0;
        if (!ok) WARN("skipped: cannot mount a tmpfs here (" << std::strerror(errno) << "); needs root");
    }
    ~Tmpfs() {
        if (ok) ::umount2(dir.c_str(), MNT_DETACH);
    }
    Tmpfs(const Tmpfs&) = delete;
};

std::map<std::string, std::string> contents(const fs::path& dir) {
    std::map<std::string, std::string> files;
    for (const auto& e : fs::directory_iterator(dir)) {
        std::ifstream in(e.path(), std::ios::binary);
        files[e.path().filename().string()].assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    return files;
}

const std::vector<std::string> small = {"--backends", "serial,threads", "--quick"};

}  // namespace

TEST_CASE("out: on a nearly full filesystem: the old directory stays byte-identical and the exit is not 0") {
    if (!sumsq::compare::on_path("gnuplot")) {
        WARN("skipped: gnuplot is not installed, and its truncated SVGs are the case under test");
        return;
    }
    Scratch scratch("compare-full");
    Tmpfs disk(scratch.dir / "disk", "1m");
    if (!disk.ok) return;
    const fs::path out = disk.dir / "results";
    const auto first = run_process(compare, with(small, {"--out", out.string()}));
    REQUIRE(first.exit_code == 0);
    const auto before = contents(out);
    REQUIRE(before.size() == 6);  // results.json, results.csv, two plots (time_vs_n needs 3 sizes), index.html, the manifest
    // Leave 24 KB: enough for the JSON and CSV, not for the plots.
    struct statvfs info{};
    REQUIRE(::statvfs(disk.dir.c_str(), &info) == 0);
    const auto free_bytes = static_cast<std::size_t>(info.f_bavail) * info.f_frsize;
    REQUIRE(free_bytes > 24 * 1024);
    { std::ofstream(disk.dir / "filler", std::ios::binary) << std::string(free_bytes - 24 * 1024, 'x'); }
    const auto second = run_process(compare, with(small, {"--out", out.string()}));
    INFO(second.err);
    CHECK(second.exit_code != 0);
    CHECK(lines(second.err).back().find(out.string()) != std::string::npos);
    CHECK(contents(out) == before);
    std::vector<std::string> left;
    for (const auto& e : fs::directory_iterator(disk.dir)) left.push_back(e.path().filename().string());
    std::sort(left.begin(), left.end());
    CHECK(left == std::vector<std::string>{"filler", "results"});  // no staging left behind
}

TEST_CASE("out: through a symlink onto another filesystem is staged there, and a mount point is refused before the sweep") {
    Scratch scratch("compare-xdev");
    Tmpfs disk(scratch.dir / "disk", "4m");
    if (!disk.ok) return;
    fs::create_directories(disk.dir / "target");
    fs::create_symlink(disk.dir / "target", scratch.dir / "link");
    const auto r = run_process(compare, {"--backends", "serial", "--quick", "--workloads", "sum", "--out", (scratch.dir / "link").string()},
                               {"SUMSQ_GNUPLOT=/nonexistent/gnuplot"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(fs::is_symlink(scratch.dir / "link"));
    CHECK(fs::exists(disk.dir / "target" / "results.json"));
    const auto begin = std::chrono::steady_clock::now();
    const auto mount_point = run_process(compare, {"--backends", "serial", "--out", disk.dir.string()});
    CHECK(mount_point.exit_code == 2);
    CHECK_THAT(mount_point.err, Catch::Contains("is a mount point"));
    CHECK(mount_point.out.empty());
    CHECK(std::chrono::steady_clock::now() - begin < std::chrono::seconds(20));  // refused, not swept
}

TEST_CASE("out: holds one run's files: plots skipped the second time leave no old SVGs beside new results") {
    Scratch scratch("compare-allnew");
    const fs::path out = scratch.dir / "out", fake = scratch.dir / "fake-gnuplot";
    {
        std::ofstream script(fake);
        script << "#!/bin/sh\nfor f in speedup_vs_threads.svg time_vs_n.svg workload_matrix.svg; do echo '<svg></svg>' > $f; done\n";
    }
    fs::permissions(fake, fs::perms::owner_all);
    REQUIRE(run_process(compare, {"--backends", "serial", "--quick", "--workloads", "sum", "--out", out.string()}, {"SUMSQ_GNUPLOT=" + fake.string()})
                .exit_code == 0);
    REQUIRE(fs::exists(out / "time_vs_n.svg"));
    fs::remove(fake);
    const auto r = run_process(compare, {"--backends", "serial", "--quick", "--workloads", "sum", "--out", out.string()},
                               {"SUMSQ_GNUPLOT=/nonexistent/gnuplot"});
    REQUIRE(r.exit_code == 0);
    auto names = scratch.entries();
    CHECK(names == std::vector<std::string>{"out"});
    std::vector<std::string> files;
    for (const auto& e : fs::directory_iterator(out)) files.push_back(e.path().filename().string());
    std::sort(files.begin(), files.end());
    CHECK(files == std::vector<std::string>{".sumsq-manifest.json", "index.html", "results.csv", "results.json"});
}

TEST_CASE("Ctrl-C during the plot step exits 130 and commits nothing") {
    Scratch scratch("compare-plotint");
    const fs::path slow = scratch.dir / "slow-gnuplot", marker = scratch.dir / "plotting", out = scratch.dir / "out";
    { std::ofstream(slow) << "#!/bin/sh\ntouch '" << marker.string() << "'\nexec sleep 30\n"; }
    fs::permissions(slow, fs::perms::owner_all);
    const int pid = sumsq::test::start_process(compare, {"--backends", "serial", "--quick", "--workloads", "sum", "--out", out.string()},
                                               {"SUMSQ_GNUPLOT=" + slow.string()});
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (!fs::exists(marker) && std::chrono::steady_clock::now() < give_up) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    REQUIRE(fs::exists(marker));
    ::kill(pid, SIGINT);
    CHECK(sumsq::test::wait_process(pid) == 130);
    fs::remove(marker);
    fs::remove(slow);
    CHECK(scratch.entries().empty());
}

TEST_CASE("out: a directory named like an option (-name) gets its plots") {
    if (!sumsq::compare::on_path("gnuplot")) {
        WARN("skipped: gnuplot is not installed");
        return;
    }
    Scratch scratch("compare-dash");
    const auto r = run_process("/bin/sh", {"-c", "cd \"$0\" && exec \"$1\" --backends serial --quick --workloads sum --out -name",
                                           scratch.dir.string(), compare});
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains("plots drawn"));
    CHECK(fs::exists(scratch.dir / "-name" / "workload_matrix.svg"));
}

TEST_CASE("a backend dies with sumsq-compare, even when sumsq-compare is killed with SIGKILL") {
    const int pid = sumsq::test::start_process(compare, {"--backends", "hang", "--sizes", "1e3", "--workloads", "sum", "--reps", "1"}, doubles_env);
    const fs::path children = fs::path("/proc") / std::to_string(pid) / "task" / std::to_string(pid) / "children";
    std::string child;
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (child.empty() && std::chrono::steady_clock::now() < give_up) {
        std::ifstream in(children);
        in >> child;
        if (child.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    REQUIRE_FALSE(child.empty());
    ::kill(pid, SIGKILL);
    CHECK(sumsq::test::wait_process(pid) == 128 + SIGKILL);
    const fs::path proc = fs::path("/proc") / child;
    auto running = [&] {  // a zombie is dead, waiting for init to reap it
        std::ifstream in(proc / "stat");
        std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        const auto close = text.rfind(')');
        return !text.empty() && close != std::string::npos && text.substr(close + 2, 1) != "Z";
    };
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (running() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    CHECK_FALSE(running());
    if (running()) ::kill(std::stoi(child), SIGKILL);
}

TEST_CASE("a hanging backend costs the timeout once: the discarded warm-up run is capped") {
    const auto begin = std::chrono::steady_clock::now();
    const auto r = run_process(compare, {"--backends", "hang", "--sizes", "1e3", "--workloads", "sum", "--reps", "1", "--timeout", "12"}, doubles_env);
    const auto took = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
    CHECK(r.exit_code == 1);
    CHECK(took < 20);  // 12 s for the run, at most 3 s for the warm-up; before: 24 s
}

TEST_CASE("how a child ended: killed by a signal is named, a missing mpirun is said") {
    using namespace sumsq::compare;
    const auto killed = run_child({"/bin/sh", "-c", "kill -KILL $$"}, std::chrono::seconds(30));
    CHECK(describe_end(killed, "sh") == "killed by SIGKILL");
    const auto missing = run_child({"/nonexistent/program"}, std::chrono::seconds(30));
    CHECK(describe_end(missing, "/nonexistent/program") == "could not start /nonexistent/program: No such file or directory");
    if (!fs::exists(bin + "/sumsq-mpi")) return;
    const auto r = run_process(compare, {"--backends", "mpi", "--sizes", "1e3", "--workloads", "sum", "--reps", "1"},
                               {"PATH=/nonexistent"});
    INFO(r.out << r.err);
    CHECK_THAT(r.out, Catch::Contains("mpirun not found on PATH"));
    CHECK_THAT(r.out, !Catch::Contains(": ---"));
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

TEST_CASE("sumsq-compare: a full or closed standard output exits 3 with one line") {
    Scratch scratch("compare-stdout");
    const fs::path a = scratch.dir / "a.json";
    std::ofstream(a) << R"({"runs":[{"backend":"serial","workload":"sum","n":5,"threads":1,"status":"OK","wall_seconds":{"all":[1,2]}}]})";
    const std::string target = GENERATE(std::string("/dev/full"), std::string());
    const auto r = sumsq::test::run_with_stdout(compare, {"--diff", a.string(), a.string()}, target);
    CHECK(r.exit_code == 3);
    CHECK(lines(r.err).size() == 1);
    CHECK_THAT(r.err, Catch::Contains("writing standard output failed"));
}

namespace {

using sumsq::compare::Run;

// A configuration measured as one process per median given.
Run synthetic(const std::string& backend, unsigned threads, sumsq::u64 n, const std::vector<double>& medians, double parallelism = 1) {
    Run r;
    r.backend = backend;
    r.workload = "sum";
    r.n = n;
    r.threads = threads;
    r.status = Run::Status::ok;
    for (double m : medians) r.reports.push_back({{"wall_seconds", {{"median", m}, {"all", {m}}}}, {"parallelism", parallelism * threads}});
    r.data = r.reports.back();
    return r;
}

sumsq::compare::BackendBinary row(const std::string& name, bool one_thread) {
    sumsq::compare::BackendBinary b;
    b.name = name;
    b.one_thread = one_thread;
    return b;
}

struct Synthetic {
    sumsq::compare::CompareOptions options;
    std::vector<sumsq::compare::BackendBinary> backends{row("serial", true), row("threads", false)};
    std::vector<Run> runs;
    sumsq::compare::Analysis analyse() const { return sumsq::compare::analyse(options, backends, runs, {}); }
};

}  // namespace

TEST_CASE("analysis: a speedup whose paired interval contains 1.0 is printed as about 1.0x, indistinguishable") {
    Synthetic s;
    s.options.sizes = {1000};
    s.options.workloads = {"sum"};
    s.runs = {synthetic("serial", 1, 1000, {1.0, 1.1, 0.9}), synthetic("threads", 1, 1000, {1.0, 1.05, 0.95}),
              synthetic("threads", 2, 1000, {0.95, 1.0, 0.92})};
    const auto a = s.analyse();
    const auto& two = a.of(s.runs, s.runs[2]);
    REQUIRE(two.speedup);
    // Without recorded pairs, process k of serial is paired with process k: ratios 1.05, 1.1, 0.98.
    CHECK(two.speedup->lo == Approx(0.9 / 0.92));
    CHECK(two.speedup->hi == Approx(1.1 / 1.0));
    CHECK(two.pairs == 3);
    CHECK_FALSE(two.enough_pairs);  // 3 pairs: min..max, 75% coverage, flagged
    CHECK(two.indistinguishable);
    CHECK(sumsq::compare::speedup_text(two, true) == "≈1.0x");
    CHECK_FALSE(two.ahead);
}

TEST_CASE("analysis: break-even is the smallest N from which the backend stays decided ahead") {
    Synthetic s;
    s.options.sizes = {1000, 100'000, 10'000'000, 1'000'000'000};
    s.options.workloads = {"sum"};
    // Six processes a side, paired by round; identical work differs by up to 10% between processes.
    const std::vector<double> serial{1.0, 1.05, 1.1, 1.0, 1.05, 1.1}, own{1.0, 1.02, 1.04, 1.0, 1.02, 1.04};
    // Two threads: ahead at 1e5 (2x), undecided at 1e7 (its interval contains 1), ahead at 1e9 (2x).
    const std::vector<double> fast{0.5, 0.51, 0.52, 0.5, 0.51, 0.52};
    const std::vector<std::vector<double>> two{{2.0, 2.1, 2.2, 2.0, 2.1, 2.2}, fast, {1.02, 1.0, 1.12, 1.02, 1.0, 1.12}, fast};
    for (std::size_t k = 0; k < s.options.sizes.size(); ++k) {
        const auto n = s.options.sizes[k];
        s.runs.push_back(synthetic("serial", 1, n, serial));
        // A 1-thread row much faster than serial never counts: it is not evidence of parallelism.
        s.runs.push_back(synthetic("threads", 1, n, k == 2 ? std::vector<double>(6, 0.5) : own));
        s.runs.push_back(synthetic("threads", 2, n, two[k]));
    }
    const auto a = s.analyse();
    REQUIRE(a.break_even.count("threads") == 1);
    const auto be = a.break_even.at("threads");
    REQUIRE(be);
    CHECK(be->n == 1'000'000'000);
    CHECK(be->threads == 2);
    CHECK(a.noise_max > 0);

    // Ahead at every N from 1e5 on: break-even 1e5.
    s.runs[2 * 3 + 2] = synthetic("threads", 2, 10'000'000, fast);
    s.runs[2 * 3 + 1] = synthetic("threads", 1, 10'000'000, own);
    const auto b = s.analyse();
    REQUIRE(b.break_even.at("threads"));
    CHECK(b.break_even.at("threads")->n == 100'000);
}

TEST_CASE("analysis: a row whose interval excludes 1 is a finding either way - one that contains 1 is not") {
    Synthetic s;
    s.options.sizes = {1000};
    s.options.workloads = {"sum"};
    const std::vector<double> serial{1.0, 1.0, 1.0, 1.0, 1.0, 1.0};
    s.runs = {synthetic("serial", 1, 1000, serial), synthetic("threads", 1, 1000, serial),
              synthetic("threads", 2, 1000, {0.83, 0.84, 0.82, 0.83, 0.84, 0.82}, 1.9)};
    const auto quick = s.analyse();
    CHECK(quick.of(s.runs, s.runs[2]).ahead);  // 1.2x, every pair on one side: decided
    REQUIRE(quick.break_even.at("threads"));
    bool parallel = false;
    for (const auto& line : quick.findings) parallel = parallel || line.find("Parallel:") != std::string::npos;
    CHECK(parallel);
    // Slower than serial, decided: a finding too, the other way.
    s.runs[2] = synthetic("threads", 2, 1000, {1.2, 1.25, 1.3, 1.2, 1.25, 1.3}, 1.9);
    const auto slow = s.analyse();
    CHECK(slow.of(s.runs, s.runs[2]).behind);
    CHECK(slow.of(s.runs, s.runs[2]).decided);
    bool slower = false;
    for (const auto& line : slow.findings) slower = slower || line.find("slower than serial") != std::string::npos;
    CHECK(slower);
    // Pairs on both sides of 1: no finding, and the row says why.
    s.runs[2] = synthetic("threads", 2, 1000, {0.8, 1.25, 0.8, 1.25, 0.8, 1.25}, 1.9);
    const auto mixed = s.analyse();
    const auto& two = mixed.of(s.runs, s.runs[2]);
    CHECK(two.indistinguishable);
    CHECK_FALSE(two.decided);
    CHECK_FALSE(two.ahead);
    CHECK_FALSE(mixed.break_even.at("threads"));
    CHECK_FALSE(two.undecided_reason.empty());
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

TEST_CASE("report: a concurrency column appears only when the backends report concurrency") {
    Synthetic s;
    s.options.sizes = {1000};
    s.options.workloads = {"sum"};
    s.options.threads = {1, 2};  // the compact table shows the main configuration: 2 threads
    s.runs = {synthetic("serial", 1, 1000, {1.0, 1.0, 1.0}), synthetic("threads", 2, 1000, {0.5, 0.5, 0.5})};
    auto table = [&] {
        std::ostringstream out;
        sumsq::compare::print_report(out, s.options, s.backends, s.runs, s.analyse());
        return out.str();
    };
    CHECK_THAT(table(), !Catch::Contains("concurrency"));
    for (auto& report : s.runs[1].reports) report["concurrency"] = 1.75;
    CHECK_THAT(table(), Catch::Contains("concurrency"));
    CHECK_THAT(table(), Catch::Contains("1.75"));
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

TEST_CASE("analysis: the best schedule per jobs order, with the imbalance that explains it") {
    Synthetic s;
    s.options.workloads = {"jobs"};
    s.options.job_sizes = {1000};
    s.options.orders = {"descending"};
    s.options.schedules = {{"threads", "static", 0}, {"threads", "dynamic", 0}};
    s.backends = {row("serial", true), row("threads:static", false), row("threads:dynamic", false)};
    for (auto& b : s.backends)
        if (b.name != "serial") b.base = "threads", b.schedule = b.name, b.workloads = {"sum", "jobs"};
    auto jobs = [](const std::string& backend, unsigned threads, const std::vector<double>& medians, double imbalance) {
        Run r = synthetic(backend, threads, 1000, medians, threads);
        r.workload = "jobs";
        r.variant = "descending";
        for (auto& report : r.reports) report["imbalance"] = imbalance;
        return r;
    };
    s.runs = {jobs("serial", 1, {1.0, 1.0, 1.0, 1.0, 1.0, 1.0}, 1), jobs("threads:static", 1, {1.0, 1.01, 1.0, 1.0, 1.01, 1.0}, 1),
              jobs("threads:static", 2, {0.8, 0.81, 0.82, 0.8, 0.81, 0.82}, 1.6), jobs("threads:dynamic", 1, {1.0, 1.0, 1.01, 1.0, 1.0, 1.01}, 1),
              jobs("threads:dynamic", 2, {0.52, 0.5, 0.51, 0.52, 0.5, 0.51}, 1.02)};
    const auto a = s.analyse();
    CHECK(a.of(s.runs, s.runs[2]).imbalance == Approx(1.6));
    std::string line;
    for (const auto& f : a.findings)
        if (f.rfind("jobs (descending)", 0) == 0) line = f;
    INFO(line);
    // The two schedules of one backend, compared round by round: static's 0.80–0.82 over dynamic's 0.50–0.52.
    CHECK_THAT(line, Catch::Contains("threads: threads:dynamic 1.96x [1.92–2.00] (imbalance 1.02) vs threads:static 1.23x [1.22–1.25] (imbalance 1.60)"));
    CHECK_THAT(line, Catch::Contains("round by round threads:static took 1.61x [1.54–1.62] as long (6 rounds)"));
    CHECK_THAT(line, Catch::Contains("threads:static's imbalance 1.60: the large jobs sat together at the front"));
    REQUIRE(a.schedules.size() == 1);
    CHECK(a.schedules[0].decided());
    // The summary's answer says the same, from the same comparison.
    std::string answer;
    for (const auto& l : sumsq::compare::summarise(s.options, s.backends, s.runs, a).lines)
        if (l.question == "Which schedule balances uneven work (descending order)?") answer = l.answer;
    INFO(answer);
    CHECK_THAT(answer, Catch::Contains("threads:dynamic (imbalance 1.02) against threads:static (imbalance 1.60): threads:static took 1.61x [1.54–1.62] as long"));
    CHECK_THAT(answer, Catch::Contains("threads:static's shares left its busiest worker 60% above the mean, threads:dynamic's 2%"));
}

TEST_CASE("analysis: array rows at high parallelism and low speedup are called bandwidth-bound, against the measured ceiling") {
    Synthetic s;
    s.options.workloads = {"array"};
    s.options.array_sizes = {1'000'000};
    auto array = [](const std::string& backend, unsigned threads, const std::vector<double>& medians, double parallelism) {
        Run r = synthetic(backend, threads, 1'000'000, medians, parallelism / threads);
        r.workload = "array";
        for (auto& report : r.reports) report["bytes_per_second"] = 4e6 / report["wall_seconds"]["median"].get<double>();
        return r;
    };
    s.runs = {array("serial", 1, {1e-3, 1e-3, 1e-3}, 1), array("threads", 1, {1e-3, 1e-3, 1e-3}, 1), array("threads", 2, {0.9e-3, 0.9e-3, 0.9e-3}, 1.9)};
    sumsq::compare::SweepRecord record;
    record.bandwidth.measured = true, record.bandwidth.one_thread = 4e9, record.bandwidth.all_threads = 4.6e9, record.bandwidth.threads = 2;
    const auto a = sumsq::compare::analyse(s.options, s.backends, s.runs, record);
    REQUIRE(a.of(s.runs, s.runs[2]).ceiling);
    CHECK(*a.of(s.runs, s.runs[2]).ceiling == Approx(4e6 / 0.9e-3 / 4.6e9));
    std::string line;
    for (const auto& f : a.findings)
        if (f.rfind("array N=1e6", 0) == 0) line = f;
    INFO(line);
    CHECK_THAT(line, Catch::Contains("bandwidth-bound — parallelism 1.90 but speedup 1.11x"));
    CHECK_THAT(line, Catch::Contains("threads 2 threads read 4.4 GB/s = 97% of the measured all-thread ceiling"));
}

TEST_CASE("options: jobs and array points, schedule entries with /G") {
    const char* argv[] = {"sumsq-compare", "--workloads", "sum,jobs,array", "--sizes", "1e3", "--job-sizes", "1e4", "--orders", "descending,random",
                          "--array-sizes", "1e5", "--schedules", "tbb:simple/1000,openmp:dynamic"};
    const auto o = sumsq::compare::parse_compare_options(static_cast<int>(std::size(argv)), argv);
    REQUIRE(o);
    const auto points = o->points();
    REQUIRE(points.size() == 4);
    CHECK(sumsq::compare::point_title(points[1]) == "jobs (descending) N=1e4");
    CHECK(sumsq::compare::point_title(points[3]) == "array N=1e5");
    REQUIRE(o->schedules.size() == 2);
    CHECK(o->schedules[0].label() == "tbb:simple/1000");
    CHECK(o->schedules[0].size == 1000);
    CHECK(o->schedules[1].label() == "openmp:dynamic");
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
