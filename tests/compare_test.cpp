// sumsq-compare end to end on tiny sweeps, its failure handling, and the --diff statistics.
#include "child_process.hpp"
#include "diff.hpp"
#include "process.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;
namespace fs = std::filesystem;
using sumsq::test::lines;
using sumsq::test::run_process;

namespace {

const std::string bin = SUMSQ_BIN_DIR;
const std::string compare = bin + "/sumsq-compare";

// A fresh, empty scratch directory per test, removed afterwards.
struct Scratch {
    fs::path dir;
    explicit Scratch(const std::string& name) : dir(fs::temp_directory_path() / ("sumsq-" + name + "-" + std::to_string(::getpid()))) {
        fs::remove_all(dir);
        fs::create_directories(dir);
    }
    ~Scratch() { fs::remove_all(dir); }
    Scratch(const Scratch&) = delete;  // a copy's destructor would remove the directory
    std::vector<std::string> entries() const {
        std::vector<std::string> names;
        for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
        return names;
    }
};

const std::vector<std::string> tiny = {"--sizes", "1e3,1e4", "--threads", "1,2", "--reps", "2", "--wait-reps", "1",
                                       "--wait-ms", "2", "--steps", "2"};

std::vector<std::string> with(std::vector<std::string> a, const std::vector<std::string>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

}  // namespace

TEST_CASE("a tiny sweep writes JSON, CSV and (with gnuplot) SVGs, every run OK") {
    Scratch scratch("compare-out");
    const auto out = scratch.dir / "results";
    const auto r = run_process(compare, with(tiny, {"--out", out.string()}));
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
    for (const auto& run : json["runs"]) {
        CHECK(run["status"] == "OK");
        CHECK(run.contains("backend"));
        CHECK(run.contains("workload"));
        CHECK(run.contains("threads"));
        CHECK(run["wall_seconds"]["all"].is_array());
        if (run["workload"] == "sum") CHECK(run["result"] == run["expected"]);
    }
    std::ifstream csv_file(out / "results.csv");
    std::string header;
    std::getline(csv_file, header);
    REQUIRE(header == "backend,workload,n,threads,status,wall_median_s,wall_min_s,wall_max_s,cpu_median_s,parallelism,speedup,efficiency,oversubscribed");
    if (sumsq::compare::on_path("gnuplot")) {
        for (const char* svg : {"speedup_vs_threads.svg", "time_vs_n.svg", "workload_matrix.svg"}) {
            INFO(svg);
            REQUIRE(fs::file_size(out / svg) > 1000);
        }
    }
    // Nothing staged is left beside the output directory.
    REQUIRE(scratch.entries() == std::vector<std::string>{"results"});
}

TEST_CASE("lesson.svg: eight timelines, {wait, sum} x {serial, interleaved, threads on one CPU, threads}") {
    Scratch scratch("compare-lesson");
    const auto out = scratch.dir / "results";
    const auto r = run_process(compare, {"--backends", "serial,interleaved,threads", "--workloads", "wait", "--quick",
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
    // The span exports are read, never left in the output.
    for (const auto& e : fs::directory_iterator(out)) {
        const bool export_left = e.path().extension() == ".json" && e.path().filename() != "results.json";
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
    const auto r = run_process(compare, {"--backends", "serial,wrong,threads", "--sizes", "1e3", "--threads", "1", "--workloads", "sum", "--reps", "1"});
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
    const auto r = run_process(compare, {"--backends", "serial,hang", "--sizes", "1e3", "--workloads", "sum", "--reps", "1", "--timeout", "1"});
    const auto took = std::chrono::steady_clock::now() - begin;
    REQUIRE(r.exit_code == 1);
    REQUIRE_THAT(r.out, Catch::Contains("TIMEOUT: killed after the 1 s timeout"));
    REQUIRE(took < std::chrono::seconds(30));
}

TEST_CASE("bad input: exit 2, one line, no output directory left behind") {
    Scratch scratch("compare-bad");
    const std::string out = (scratch.dir / "out").string(), a_file = (scratch.dir / "a-file").string();
    std::ofstream(a_file) << "x";
    const auto [args, expected] = GENERATE_COPY(table<std::vector<std::string>, std::string>({
        {{"--backends", "nosuch"}, "--backends: unknown backend 'nosuch'; built: serial"},
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
        {{"--diff", "only-one.json"}, "--diff"},
        {{"--diff", "/nonexistent/a.json", "/nonexistent/b.json"}, "--diff: cannot read '/nonexistent/a.json'"},
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
    REQUIRE(scratch.entries() == std::vector<std::string>{"a-file"});
}

TEST_CASE("Ctrl-C stops the running backend and leaves no files") {
    Scratch scratch("compare-sigint");
    const std::string out = (scratch.dir / "out").string();
    std::vector<std::string> args{compare, "--backends", "serial,hang", "--sizes", "1e3", "--workloads", "sum", "--reps", "1", "--out", out};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    pid_t pid = 0;
    REQUIRE(posix_spawn(&pid, compare.c_str(), &actions, nullptr, argv.data(), environ) == 0);
    posix_spawn_file_actions_destroy(&actions);
    std::this_thread::sleep_for(std::chrono::milliseconds(700));  // serial done, hang running
    ::kill(pid, SIGINT);
    int status = 0;
    const auto begin = std::chrono::steady_clock::now();
    ::waitpid(pid, &status, 0);
    REQUIRE(std::chrono::steady_clock::now() - begin < std::chrono::seconds(10));
    REQUIRE(WIFEXITED(status));
    REQUIRE(WEXITSTATUS(status) == 130);
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
    // Large but with 3 reps a side: cannot be significant, so same.
    CHECK(judge({1, 1.01, 0.99}, {2, 2.01, 1.99}).verdict == "same");
}

TEST_CASE("diff of two results.json files prints a verdict per configuration") {
    Scratch scratch("compare-diff");
    auto write = [&](const char* name, double scale) {
        nlohmann::json runs = nlohmann::json::array();
        runs.push_back({{"backend", "tbb"}, {"workload", "sum"}, {"n", 1000}, {"threads", 2}, {"status", "OK"},
                        {"wall_seconds", {{"all", {1.0 * scale, 1.01 * scale, 0.99 * scale, 1.02 * scale, 0.98 * scale}}}}});
        runs.push_back({{"backend", "serial"}, {"workload", "sum"}, {"n", 1000}, {"threads", 1}, {"status", "OK"},
                        {"wall_seconds", {{"all", {1.0, 1.01, 0.99, 1.02, 0.98}}}}});
        std::ofstream(scratch.dir / name) << nlohmann::json{{"environment", {}}, {"runs", runs}}.dump();
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
    std::ofstream(scratch.dir / "bad.json") << "{\"no\": 1}";
    const auto bad = run_process(compare, {"--diff", (scratch.dir / "bad.json").string(), (scratch.dir / "new.json").string()});
    CHECK(bad.exit_code == 2);
    CHECK_THAT(bad.err, Catch::Contains("not a sumsq-compare results.json"));
}
