// sumsq-compare end to end on tiny sweeps, its failure handling, and the --diff statistics.
#include "analysis.hpp"
#include "child_process.hpp"
#include "diff.hpp"
#include "process.hpp"
#include "report.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <sstream>
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
                                       "--wait-ms", "2", "--steps", "2", "--rounds", "2", "--seed", "7"};

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
    REQUIRE(json["sweep"]["seed"] == 7);
    REQUIRE(json["sweep"]["rounds"] == 2);
    REQUIRE(json["sweep"]["order"].size() == 2);
    REQUIRE(json["sweep"]["order"][0].size() == json["runs"].size());
    for (const char* when : {"before", "after"}) {
        CHECK(json["load"][when]["load_average_1min"].is_number());
        CHECK(json["load"][when]["busy_cpu_fraction"].is_number());
    }
    REQUIRE(json["findings"]["break_even"].is_object());
    REQUIRE(json["findings"]["noise_floor"].is_number());
    REQUIRE_THAT(r.out, Catch::Contains("seed 7"));
    for (const auto& run : json["runs"]) {
        CHECK(run["status"] == "OK");
        CHECK(run["rounds"] == 2);
        CHECK(run["process_medians"].size() == 2);
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
                      "speedup,speedup_lo,speedup_hi,efficiency,efficiency_lo,efficiency_hi,oversubscribed");
    if (sumsq::compare::on_path("gnuplot")) {
        for (const char* svg : {"speedup_vs_threads.svg", "time_vs_n.svg", "workload_matrix.svg"}) {
            INFO(svg);
            REQUIRE(fs::file_size(out / svg) > 1000);
        }
    }
    // Nothing staged is left beside the output directory.
    REQUIRE(scratch.entries() == std::vector<std::string>{"results"});
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

struct Synthetic {
    sumsq::compare::CompareOptions options;
    std::vector<sumsq::compare::BackendBinary> backends{{"serial", "", "", true, true, false}, {"threads", "", "", false, true, false}};
    std::vector<Run> runs;
    sumsq::compare::Analysis analyse() const { return sumsq::compare::analyse(options, backends, runs, {}); }
};

}  // namespace

TEST_CASE("analysis: a speedup whose interval contains 1.0 is printed as about 1.0x, indistinguishable") {
    Synthetic s;
    s.options.sizes = {1000};
    s.options.workloads = {"sum"};
    s.runs = {synthetic("serial", 1, 1000, {1.0, 1.1, 0.9}), synthetic("threads", 1, 1000, {1.0, 1.05, 0.95}),
              synthetic("threads", 2, 1000, {0.95, 1.0, 0.92})};
    const auto a = s.analyse();
    const auto& two = a.of(s.runs, s.runs[2]);
    REQUIRE(two.speedup);
    CHECK(two.speedup->lo == Approx(0.9 / 1.0));
    CHECK(two.speedup->hi == Approx(1.1 / 0.92));
    CHECK(two.indistinguishable);
    CHECK(sumsq::compare::speedup_text(two, true) == "≈1.0x");
    CHECK_FALSE(two.ahead);
}

TEST_CASE("analysis: break-even is the smallest N from which the backend stays ahead beyond the noise floor") {
    Synthetic s;
    s.options.sizes = {1000, 100'000, 10'000'000, 1'000'000'000};
    s.options.workloads = {"sum"};
    // Identical work differs by 10% between processes: the noise floor.
    const std::vector<double> serial{1.0, 1.05, 1.1}, own{1.0, 1.02, 1.04};
    // Two threads: ahead at 1e5 (2x), inside the floor at 1e7 (1.05x), ahead at 1e9 (2x).
    const std::vector<std::vector<double>> two{{2.0, 2.1, 2.2}, {0.5, 0.51, 0.52}, {0.97, 1.0, 0.99}, {0.5, 0.51, 0.52}};
    for (std::size_t k = 0; k < s.options.sizes.size(); ++k) {
        const auto n = s.options.sizes[k];
        s.runs.push_back(synthetic("serial", 1, n, serial));
        // A 1-thread row much faster than serial never counts: it is not evidence of parallelism.
        s.runs.push_back(synthetic("threads", 1, n, k == 2 ? std::vector<double>{0.5, 0.5, 0.5} : own));
        s.runs.push_back(synthetic("threads", 2, n, two[k]));
    }
    const auto a = s.analyse();
    REQUIRE(a.break_even.count("threads") == 1);
    const auto be = a.break_even.at("threads");
    REQUIRE(be);
    CHECK(be->n == 1'000'000'000);
    CHECK(be->threads == 2);
    CHECK(a.noise_max >= 0.1);

    // Ahead at every N from 1e5 on: break-even 1e5.
    s.runs[2 * 3 + 2] = synthetic("threads", 2, 10'000'000, {0.5, 0.51, 0.52});
    s.runs[2 * 3 + 1] = synthetic("threads", 1, 10'000'000, own);
    const auto b = s.analyse();
    REQUIRE(b.break_even.at("threads"));
    CHECK(b.break_even.at("threads")->n == 100'000);
}

TEST_CASE("analysis: no finding from a difference inside the noise floor") {
    Synthetic s;
    s.options.sizes = {1000};
    s.options.workloads = {"sum"};
    // Identical work differed by 40%; two threads are 1.2x with a tight interval: still noise.
    s.runs = {synthetic("serial", 1, 1000, {1.0, 1.0, 1.0}), synthetic("threads", 1, 1000, {1.0, 1.4, 1.2}),
              synthetic("threads", 2, 1000, {0.83, 0.84, 0.82}, 1.9)};
    const auto a = s.analyse();
    CHECK(a.noise_max == Approx(0.4));
    const auto& two = a.of(s.runs, s.runs[2]);
    CHECK_FALSE(two.indistinguishable);
    CHECK_FALSE(two.ahead);
    CHECK_FALSE(a.break_even.at("threads"));
    for (const auto& line : a.findings) {
        INFO(line);
        CHECK(line.find("Parallel:") == std::string::npos);
        CHECK(line.find("only parallel execution") == std::string::npos);
    }
    // The same speedup on a quiet machine is a finding.
    s.runs[1] = synthetic("threads", 1, 1000, {1.0, 1.01, 1.02});
    const auto quiet = s.analyse();
    CHECK(quiet.of(s.runs, s.runs[2]).ahead);
    REQUIRE(quiet.break_even.at("threads"));
    bool parallel = false;
    for (const auto& line : quiet.findings) parallel = parallel || line.find("Parallel:") != std::string::npos;
    CHECK(parallel);
}

TEST_CASE("rounds: every round is a permutation, and the seed reproduces the order") {
    using sumsq::compare::round_orders;
    const auto a = round_orders(12, 3, 42), b = round_orders(12, 3, 42), c = round_orders(12, 3, 43);
    REQUIRE(a == b);
    CHECK(a != c);
    CHECK(a[0] != a[1]);
    for (auto order : a) {
        std::sort(order.begin(), order.end());
        for (std::size_t k = 0; k < order.size(); ++k) CHECK(order[k] == k);
    }
    // End to end: the same seed gives the same recorded order.
    Scratch scratch("compare-seed");
    std::vector<nlohmann::json> orders;
    for (const char* name : {"one", "two"}) {
        const auto out = scratch.dir / name;
        const auto r = run_process(compare, {"--backends", "serial,threads", "--sizes", "1e3", "--threads", "1,2", "--workloads", "sum",
                                             "--reps", "1", "--rounds", "3", "--seed", "99", "--out", out.string()});
        REQUIRE(r.exit_code == 0);
        std::ifstream file(out / "results.json");
        orders.push_back(nlohmann::json::parse(file)["sweep"]["order"]);
    }
    REQUIRE(orders[0].size() == 3);
    CHECK(orders[0] == orders[1]);
}

TEST_CASE("report: a concurrency column appears only when the backends report concurrency") {
    Synthetic s;
    s.options.sizes = {1000};
    s.options.workloads = {"sum"};
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
