// Compiled once per backend: runs build/bin/sumsq-<backend> end to end — bad input (exit 2, one
// clear stderr line, nothing on stdout, no file left), accepted spellings of N, edge N, the JSON.
#include "backend_under_test.hpp"
#include "os/cpus.hpp"
#include "process.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <csignal>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <numeric>
#include <regex>
#include <set>
#include <string>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace fs = std::filesystem;
using sumsq::test::lines;
using sumsq::test::run_process;
using sumsq::test::Scratch;
using sumsq::test::with;

namespace {

const std::string binary = sumsq::test::backend_binary;
const std::string name = sumsq::test::backend_name;
const std::string prefix = "sumsq-" + name + ": ";  // how every message of the backend begins

const nlohmann::json& description() {
    static const nlohmann::json value = nlohmann::json::parse(run_process(binary, {"--describe"}).out);
    return value;
}
bool one_thread() { return description()["one_thread"].get<bool>(); }
bool runs_wait() { return description()["runs_wait_workload"].get<bool>(); }

nlohmann::json run_json(std::vector<std::string> args) {
    args.insert(args.end(), {"--format", "json", "-r", "1", "--warmup", "0"});
    const auto r = run_process(binary, args);
    INFO("stderr: " << r.err);
    REQUIRE(r.exit_code == 0);
    return nlohmann::json::parse(r.out);
}

}  // namespace

TEST_CASE("describe: the binary's backend name is its CMake name") {
    const auto r = run_process(binary, {"--describe"});
    REQUIRE(r.exit_code == 0);
    REQUIRE(nlohmann::json::parse(r.out)["backend"] == name);
}

TEST_CASE("bad input: exit 2 and one line naming the option") {
    const auto [args, expected] = GENERATE(table<std::vector<std::string>, std::string>({
        {{"-n", "-5"}, "--n: -5 is negative"},
        {{"-n", "abc"}, "--n: 'abc' is not a whole number"},
        {{"-n", ""}, "--n: '' is not a whole number"},
        {{"-n", "1.5e3"}, "--n: '1.5e3' is not a whole number"},
        {{"-n", "5e-1"}, "--n: '5e-1' is not a whole number"},
        {{"-n", "1e"}, "--n: '1e' is not a whole number"},
        {{"-n", "0x10"}, "--n: '0x10' is not a whole number"},
        {{"-n", "12abc"}, "--n: '12abc' is not a whole number"},
        {{"-n", "+-5"}, "--n: '+-5' is not a whole number"},
        {{"-n", "10069012961346"}, "--n: 10069012961346 is too large; accepted range 0..10,069,012,961,345"},
        {{"-n", "1e14"}, "--n: 1e14 is too large"},
        {{"-n", "99999999999999999999999"}, "--n: 99999999999999999999999 is too large"},
        {{"-n", "1e400"}, "--n: 1e400 is too large"},
        {{"-n", "1e1_0"}, "--n: '1e1_0' is not a whole number"},
        {{"-n"}, "--n: a value is missing"},
        {{"--n"}, "--n: a value is missing"},
        {{"-n", "5", "-n", "6"}, "--n"},
        {{"-t", "0"}, "--threads: 0 is too small; accepted range 1..4,096"},
        {{"-t", "-2"}, "--threads: -2 is negative"},
        {{"-t", "4097"}, "--threads: 4097 is too large; accepted range 1..4,096"},
        {{"-t", "1e30"}, "--threads: 1e30 is too large"},
        {{"-t", "1.5"}, "--threads: '1.5' is not a whole number"},
        {{"-r", "0"}, "--reps: 0 is too small"},
        {{"-r", "-1"}, "--reps: -1 is negative"},
        {{"--warmup", "-1"}, "--warmup: -1 is negative"},
        {{"--idle-ms", "-1"}, "--idle-ms: -1 is negative"},
        {{"--idle-ms", "60001"}, "--idle-ms: 60001 is too large; accepted range 0..60,000"},
        {{"--idle-ms", "0.5"}, "--idle-ms: '0.5' is not a whole number"},
        {{"--format", "xml"}, "--format: unknown value 'xml'; accepted: table|json|csv"},
        {{"--workload", "sleep"}, "--workload: unknown value 'sleep'; accepted: sum|wait|jobs|array"},
        {{"--jobs", "3"}, "--jobs: applies to the jobs workload, not sum"},
        {{"--skew", "2"}, "--skew: applies to the jobs workload, not sum"},
        {{"--workload", "array", "--order", "random"}, "--order: applies to the jobs workload, not array"},
        {{"--workload", "jobs", "--jobs", "0"}, "--jobs: 0 is too small; accepted range 1..1,000,000"},
        {{"--workload", "jobs", "--jobs", "1000001"}, "--jobs: 1000001 is too large"},
        {{"--workload", "jobs", "--seed", "-1"}, "--seed: -1 is negative"},
        {{"--workload", "jobs", "--seed", "1e20"}, "--seed: 1e20 is too large"},
        {{"--workload", "jobs", "--skew", "0"}, "--skew: '0' is not a decimal number in 0.1..10"},
        {{"--workload", "jobs", "--skew", "abc"}, "--skew: 'abc' is not a decimal number"},
        {{"--workload", "jobs", "--skew", "-1"}, "--skew: '-1' is not a decimal number"},
        {{"--workload", "jobs", "--skew", "1e1"}, "--skew: '1e1' is not a decimal number"},
        {{"--workload", "jobs", "--skew", "11"}, "--skew: '11' is not a decimal number in 0.1..10"},
        {{"--workload", "jobs", "--order", "up"}, "--order: unknown value 'up'; accepted: random|descending|ascending"},
        {{"--workload", "array", "-n", "4294967297"}, "--n: 4294967297 is too large for --workload array; accepted range 0..4,294,967,296"},
        {{"--fill", "one"}, "--fill: applies to the array workload, not sum"},
        {{"--workload", "jobs", "--fill", "one"}, "--fill: applies to the array workload, not jobs"},
        {{"--workload", "array", "--fill", "some"}, "--fill: unknown value 'some'; accepted: workers|one"},
        {{"--nested"}, "--nested"},
        {{"--bind", "tight"}, "--bind"},
        {{"-r", "1.5"}, "--reps: '1.5' is not a whole number"},
        {{"-r", ""}, "--reps: '' is not a whole number"},
        {{"-r", "1e400"}, "--reps: 1e400 is too large"},
        {{"--warmup", ""}, "--warmup: '' is not a whole number"},
        {{"--warmup", "1e7"}, "--warmup: 1e7 is too large"},
        {{"-t", ""}, "--threads: '' is not a whole number"},
        {{"-t", "99999999999999999999"}, "--threads: 99999999999999999999 is too large"},
        {{"-t", "1", "-t", "2"}, "--threads"},
        {{"--format", ""}, "--format: unknown value ''"},
        {{"--format", "JSON"}, "--format: unknown value 'JSON'"},
        {{"--workload", ""}, "--workload: unknown value ''"},
        {{"--kernel", "nosuch"}, "--kernel: unknown path 'nosuch'; accepted: auto|"},
        {{"--kernel", ""}, "--kernel: unknown path ''"},
        {{"--trace"}, "--trace: a value is missing"},
        {{"-r"}, "--reps: a value is missing"},
        {{"-n", "1", "--n", "2"}, "--n"},
        {{"-n", "１２"}, "is not a whole number"},
        {{"--bogus"}, "--bogus"},
        {{"extra"}, "extra"},
        {{"-n", "10", "20"}, "20"},
        {{"--workload", "wait", "--tasks", "0"}, "--"},
        {{"--workload", "wait", "--steps", "0"}, "--"},
        {{"--workload", "wait", "--wait-ms", "-1"}, "--"},
        {{"--steps", "3"}, "--steps: applies to the wait workload, not sum"},
        {{"--wait-ms", "5"}, "--wait-ms: applies to the wait workload, not sum"},
        {{"--workload", "jobs", "--trace-steps"}, "--trace-steps: applies to the wait workload, not jobs"},
        {{"--trace", ""}, "--trace: the file name is empty"},
        {{"--trace", "/nonexistent-dir/trace.json"}, "--trace: cannot write '/nonexistent-dir/trace.json'"},
        {{"--trace", "/tmp"}, "--trace: cannot write '/tmp': it is a directory"},
        // control characters in an argument are escaped: the message stays one line
        {{"-n", "1\n2"}, "--n: '1\\n2' is not a whole number"},
        {{"--format", "a\x1b[31mb\r"}, "--format: unknown value 'a\\x1b[31mb\\r'"},
        {{"--bogus\nline"}, "--bogus\\nline"},
        {{"--timeline", ""}, "--timeline: the file name is empty"},
        {{"--timeline", "/tmp"}, "--timeline: cannot write '/tmp': it is a directory"},
        {{"--trace", "/tmp/sumsq-one-file.out", "--timeline", "/tmp/./sumsq-one-file.out"},
         "--timeline: '/tmp/./sumsq-one-file.out' is the same file as --trace '/tmp/sumsq-one-file.out'"},
        {{"--cpus", ""}, "--cpus: '' is not a CPU list"},
        {{"--cpus", "a"}, "--cpus: 'a' is not a CPU list"},
        {{"--cpus", "0,"}, "--cpus: '0,' is not a CPU list"},
        {{"--cpus", "-1"}, "--cpus: '-1' is not a CPU list"},
        {{"--cpus", "1-0"}, "--cpus: '1-0' is an empty range"},
        {{"--cpus", "99999"}, "--cpus: CPU 99999 is not available to this process"},
        {{"--cpus", "0-99999"}, "is not available to this process"},
    }));
    std::string command;
    for (const auto& a : args) command += " '" + a + "'";
    INFO("sumsq" << command);
    const auto r = run_process(binary, args);
    INFO("stderr: " << r.err);
    REQUIRE(r.exit_code == 2);
    REQUIRE(r.out.empty());
    REQUIRE(lines(r.err).size() == 1);
    REQUIRE_THAT(r.err, Catch::Contains(expected));
    REQUIRE_THAT(r.err, Catch::StartsWith(prefix));
}

TEST_CASE("options: one that does not apply to the workload is refused, naming the workloads it applies to") {
    const bool tasks = description()["splits_into_tasks"].get<bool>();
    const auto [args, expected] = GENERATE_COPY(table<std::vector<std::string>, std::string>({
        {{"--workload", "jobs", "--tasks", "3"},
         tasks ? "--tasks: applies to the sum, array and wait workloads, not jobs" : "--tasks: applies to the wait workload, not jobs"},
        {{"--workload", "array", "--tasks", "3"},
         tasks ? "" : "--tasks: applies to the wait workload, not array"},
        {{"--workload", "wait", "--kernel", "portable"}, "--kernel: applies to the sum, jobs, array and tree workloads, not wait"},
        {{"--workload", "wait", "--seed", "3"}, "--seed: applies to the jobs workload, not wait"},
    }));
    if (expected.empty() || (args[1] == "wait" && !runs_wait())) return;  // accepted here; or the backend refuses the wait workload itself
    INFO(args[1] << " " << args[2] << " on " << name);
    const auto r = run_process(binary, args);
    REQUIRE(r.exit_code == 2);
    REQUIRE(r.out.empty());
    REQUIRE(lines(r.err).size() == 1);
    REQUIRE(r.err == prefix + expected + "\n");
}

TEST_CASE("knobs: a backend takes its own, refuses the others and names who takes them") {
    const auto [args, owned] = GENERATE(table<std::vector<std::string>, std::string>({
        {{"--schedule", "dynamic,3"}, "schedules"},
        {{"--partitioner", "simple"}, "takes_partitioner"},
        {{"--grain", "10"}, "takes_partitioner"},
        {{"--nested"}, "takes_nested"},
    }));
    const nlohmann::json& d = description();
    const bool takes = d[owned].is_string() ? !d[owned].get<std::string>().empty() : d[owned].get<bool>();
    std::vector<std::string> full = {"--workload", "jobs", "-n", "100000", "--jobs", "9"};
    full.insert(full.end(), args.begin(), args.end());
    INFO(args[0] << " on " << name);
    if (!takes) {
        const auto r = run_process(binary, full);
        REQUIRE(r.exit_code == 2);
        REQUIRE(lines(r.err).size() == 1);
        REQUIRE_THAT(r.err, Catch::Contains(args[0] + ": sumsq-" + name + " does not take it; it applies to "));
        return;
    }
    const nlohmann::json j = run_json(full);
    REQUIRE(j["ok"] == true);
    const nlohmann::json& s = j["schedule"];
    if (args[0] == "--schedule") {
        CHECK(s["name"] == "dynamic,3");
        CHECK(s["chunk"] == 3);
        CHECK(s["kind"] == "dynamic");
    } else if (args[0] == "--partitioner") {
        CHECK(s["name"] == "simple");
        CHECK(s["partitioner"] == "simple");
    } else if (args[0] == "--grain") {
        CHECK(s["name"] == "auto,grain=10");
        CHECK(s["grain"] == 10);
    } else {
        CHECK(s["nested"] == true);
    }
}

TEST_CASE("schedule: JSON names the effective schedule of every run, defaults included") {
    for (const char* workload : {"sum", "jobs", "array"}) {
        INFO(workload);
        const nlohmann::json j = run_json({"--workload", workload, "-n", "100000"});
        const nlohmann::json& s = j["schedule"];
        REQUIRE(s["name"].is_string());
        REQUIRE(s["nested"] == false);
        const nlohmann::json& d = description();
        if (!d["schedules"].get<std::string>().empty()) {
            CHECK(s["name"] == "static");
            CHECK(s["chunk"].get<std::uint64_t>() >= 1);  // without CHUNK: one contiguous chunk per thread
        } else if (d["takes_partitioner"].get<bool>()) {
            CHECK(s["name"] == "auto");
            CHECK(s["grain"] == 1);
        } else {
            CHECK(s["kind"] == s["name"]);
        }
    }
}

TEST_CASE("jobs workload: exact, the sizes add up to N, and the plan is in the JSON") {
    const nlohmann::json j = run_json({"--workload", "jobs", "-n", "1e7", "--jobs", "33", "--seed", "5", "--skew", "0.8", "--order", "descending"});
    REQUIRE(j["ok"] == true);
    REQUIRE(j["result"] == j["expected"]);
    CHECK(j["workload"] == "jobs");
    CHECK(j["jobs"] == 33);
    CHECK(j["seed"] == "5");  // a u64: a string
    CHECK(j["skew"] == 0.8);
    CHECK(j["order"] == "descending");
    const auto sizes = j["job_sizes"].get<std::vector<std::uint64_t>>();
    REQUIRE(sizes.size() == 33);
    CHECK(std::accumulate(sizes.begin(), sizes.end(), std::uint64_t{0}) == 10'000'000);
    CHECK(std::is_sorted(sizes.rbegin(), sizes.rend()));
    CHECK(j["largest_job_share"].get<double>() == Approx(double(sizes.front()) / 1e7));
    CHECK(j["imbalance"].get<double>() >= 0.999);
}

TEST_CASE("tree workload: exact with its shape and task cost in the JSON, or refused with a reason, and bad cut-offs exit 2") {
    const bool runs_tree = description()["runs_tree"].get<bool>();
    if (!runs_tree) {
        const auto r = run_process(binary, {"--workload", "tree"});
        REQUIRE(r.exit_code == 2);
        REQUIRE(lines(r.err).size() == 1);
        CHECK(r.err.rfind(prefix + "--workload: sumsq-" + name + " does not take the tree workload: ", 0) == 0);
        return;
    }
    const std::string threads = one_thread() ? "1" : "2";
    const nlohmann::json j = run_json({"--workload", "tree", "-n", "1e6", "--cutoff", "1000", "-t", threads});
    REQUIRE(j["ok"] == true);
    REQUIRE(j["result"] == j["expected"]);
    CHECK(j["workload"] == "tree");
    CHECK(j["cutoff"] == 1000);
    CHECK(j["leaves"] == 1024);  // 1e6 halved ten times: leaves of 976 or 977 elements
    CHECK(j["splits"] == 1023);
    CHECK(j["depth"] == 10);
    const unsigned levels = description()["tree_spawn_levels"].get<unsigned>();
    CHECK(j["tasks"] == (levels == 0 ? 0 : 1023));
    CHECK(j["task_cost_ns"].is_null() == (levels == 0));  // the baseline spawns nothing: no cost per task
    CHECK(j["serial_tree_seconds"].is_null() == (levels == 0));

    const auto one_leaf = run_process(binary, {"--workload", "tree", "-n", "10", "--cutoff", "100", "--format", "json", "-r", "1"});
    REQUIRE(one_leaf.exit_code == 0);
    CHECK(one_leaf.err.find("the tree is one leaf, no task is spawned") != std::string::npos);
    CHECK(nlohmann::json::parse(one_leaf.out)["tasks"] == 0);

    for (const auto& [args, expected] : std::vector<std::pair<std::vector<std::string>, std::string>>{
             {{"--workload", "tree", "--cutoff", "0"}, "--cutoff: 0 is too small"},
             {{"--workload", "tree", "--cutoff", "x"}, "--cutoff: 'x' is not a whole number"},
             {{"--cutoff", "10"}, "--cutoff: applies to the tree workload, not sum"},
             {{"--workload", "tree", "--schedule", "dynamic"}, "--schedule"},
             {{"--workload", "tree", "--bind", "close"}, "--bind"}}) {
        INFO(args.back());
        const auto r = run_process(binary, args);
        REQUIRE(r.exit_code == 2);
        REQUIRE(lines(r.err).size() == 1);
        CHECK(r.err.find(expected) != std::string::npos);
        CHECK(r.out.empty());
    }
}

TEST_CASE("array workload: exact, with bytes per second and who filled it") {
    for (const char* fill : {"workers", "one"}) {
        const nlohmann::json j = run_json({"--workload", "array", "-n", "1000003", "--fill", fill});
        REQUIRE(j["ok"] == true);
        CHECK(j["result"] == "333335833339500005");  // closed form for N = 1,000,003
        CHECK(j["fill"] == fill);
        CHECK(j["fill_seconds"].get<double>() > 0);
        CHECK(j["bytes_per_second"].get<double>() > 0);
    }
}

TEST_CASE("bind: each worker runs on the CPU its policy names, or the run says why not") {
    if (!description()["takes_bind"].get<bool>()) {
        const auto r = run_process(binary, {"--bind", "close"});
        REQUIRE(r.exit_code == 2);
        REQUIRE_THAT(r.err, Catch::Contains("--bind: sumsq-" + name + " does not take it; it applies to threads, pool, openmp, tbb, pstl"));
        return;
    }
    for (const char* policy : {"close", "spread"}) {
        INFO(policy);
        const nlohmann::json j = run_json({"--workload", "sum", "-n", "1e8", "-t", "2", "--bind", policy});
        REQUIRE(j["ok"] == true);
        REQUIRE(j["bind"]["policy"] == policy);
        if (j["cpus_allowed"].size() < 2) {
            CHECK(j["bind"]["applied"] == false);
            CHECK_THAT(j["bind"]["reason"].get<std::string>(), Catch::Contains("nothing to choose"));
            continue;
        }
        CHECK(j["bind"]["applied"] == true);
        std::set<int> used;
        for (const auto& w : j["workers"]) {
            REQUIRE(w["cpus"].size() == 1);  // pinned: never moved
            used.insert(w["cpus"][0].get<int>());
        }
        CHECK(used.size() == j["workers"].size());  // two workers, two CPUs
    }
    const auto one = run_process(binary, {"--bind", "close", "--cpus", "0", "-n", "1000", "-r", "1"});
    CHECK(one.exit_code == 0);
    CHECK_THAT(one.err, Catch::Contains("warning: --bind close does not apply: only CPU 0 is allowed"));
}

TEST_CASE("threads: one-thread backends refuse other counts, worker backends take them") {
    const auto r = run_process(binary, {"-t", "2", "-n", "1000", "-r", "1"});
    if (one_thread()) {
        REQUIRE(r.exit_code == 2);
        REQUIRE(lines(r.err).size() == 1);
        REQUIRE_THAT(r.err, Catch::Contains("runs on exactly 1 thread"));
    } else {
        REQUIRE(r.exit_code == 0);
    }
}

TEST_CASE("every accepted spelling of N means the same N") {
    const std::string text = GENERATE("10000000", "10_000_000", "1e7", "1E7", "10e6");
    const auto json = run_json({"-n", text});
    REQUIRE(json["n"] == 10'000'000);
    REQUIRE(json["result"] == "333333283333335000000");
    REQUIRE(json["ok"] == true);
}

TEST_CASE("edge N are exact") {
    const auto [n, sum] = GENERATE(table<std::string, std::string>({{"0", "0"}, {"1", "0"}, {"2", "1"}, {"3", "5"},
                                                                     {"1001", "333833500"}, {"0e99999999999999999999", "0"}}));
    const auto json = run_json({"-n", n});
    REQUIRE(json["result"] == sum);
    REQUIRE(json["expected"] == sum);
    REQUIRE(json["ok"] == true);
}

TEST_CASE("JSON output parses and holds the documented fields") {
    const auto json = run_json({"-n", "1e6"});
    for (const char* field : {"backend", "model", "workload", "n", "threads", "result", "expected", "ok", "wall_seconds",
                              "cpu_seconds", "parallelism", "elements_per_second", "timer_overhead_seconds", "environment"})
        CHECK(json.contains(field));
    CHECK(json["backend"] == name);
    CHECK(json["n"].is_number_unsigned());
    CHECK(json["result"].is_string());
    CHECK(json["wall_seconds"]["all"].size() == 1);
    for (const char* field : {"median", "min", "max", "all"}) CHECK(json["wall_seconds"].contains(field));
    CHECK(json["cpu_seconds"].contains("median"));
    for (const char* field : {"cpu_model", "logical_cpus", "compiler", "flags", "build_type", "libraries"})
        CHECK(json["environment"].contains(field));
    // The knobs that decide whether idle runtime threads spin (and count as parallelism).
    for (const char* variable : {"OMP_WAIT_POLICY", "GOMP_SPINCOUNT"}) CHECK(json["environment"]["variables"].contains(variable));
}

TEST_CASE("idle: --idle-ms sleeps before each timed repetition, outside the timed region") {
    const auto begin = std::chrono::steady_clock::now();
    const auto r = run_process(binary, {"-n", "0", "-r", "3", "--warmup", "0", "--idle-ms", "200", "--format", "json"});
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - begin;
    INFO("stderr: " << r.err);
    REQUIRE(r.exit_code == 0);
    const auto json = nlohmann::json::parse(r.out);
    REQUIRE(json["idle_ms"] == 200);
    REQUIRE(json["ok"] == true);
    REQUIRE(elapsed.count() >= 0.6);                                 // slept 3 × 200 ms
    REQUIRE(json["wall_seconds"]["max"].get<double>() < 0.2);        // none of it timed (N = 0)
}

TEST_CASE("table and CSV output") {
    const auto table = run_process(binary, {"-n", "1e7", "-r", "1"});
    REQUIRE(table.exit_code == 0);
    REQUIRE_THAT(table.out, Catch::Contains("333333283333335000000   OK"));
    const auto csv = run_process(binary, {"-n", "1000", "-r", "1", "--format", "csv"});
    REQUIRE(csv.exit_code == 0);
    const auto rows = lines(csv.out);
    REQUIRE(rows.size() == 2);
    REQUIRE_THAT(rows[0], Catch::StartsWith("backend,workload,n,threads"));
    REQUIRE_THAT(rows[1], Catch::StartsWith(name + ",sum,1000,"));
}

TEST_CASE("help and version exit 0") {
    CHECK(run_process(binary, {"--help"}).exit_code == 0);
    const auto version = run_process(binary, {"--version"});
    CHECK(version.exit_code == 0);
    CHECK_THAT(version.out, Catch::StartsWith("sumsq-" + name + " "));
}

TEST_CASE("an unwritable trace path leaves no file behind") {
    const std::filesystem::path dir = std::filesystem::temp_directory_path() / ("sumsq-ro-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const auto r = run_process(binary, {"--trace", (dir / "missing" / "t.json").string()});
    CHECK(r.exit_code == 2);
    CHECK(std::filesystem::is_empty(dir));
    std::filesystem::remove_all(dir);
}

TEST_CASE("wait workload: every task completes every step and JSON reports them in order") {
    if (!runs_wait()) {  // refused with a reason instead
        const auto r = run_process(binary, {"--workload", "wait"});
        REQUIRE(r.exit_code == 2);
        REQUIRE(lines(r.err).size() == 1);
        REQUIRE_THAT(r.err, Catch::Contains("--workload: "));
        return;
    }
    const auto json = run_json({"--workload", "wait", "--tasks", "3", "--steps", "2", "--wait-ms", "2"});
    REQUIRE(json["ok"] == true);
    REQUIRE(json["workload"] == "wait");
    REQUIRE(json["step_order"].size() == 6);
    REQUIRE(json["serial_seconds"].get<double>() == Approx(0.012));
    REQUIRE(json["parallelism"].is_number());
}

TEST_CASE("trace: a Chrome trace with one event per step, and chunk events for the sum", "[trace]") {
    const std::string path = std::filesystem::temp_directory_path() / ("sumsq-trace-" + std::to_string(::getpid()) + ".json");
    auto count = [&](const char* category) {
        std::ifstream in(path);
        const auto trace = nlohmann::json::parse(in);
        REQUIRE(trace.contains("traceEvents"));
        std::size_t events = 0, names = 0;
        for (const auto& e : trace["traceEvents"]) {
            if (e["ph"] == "X" && e["cat"] == category) {
                ++events;
                REQUIRE(e.contains("ts"));
                REQUIRE(e.contains("dur"));
                REQUIRE(e["args"].contains("cpu"));
                REQUIRE(e["args"].contains("os_thread"));
            }
            if (e["ph"] == "M" && e["name"] == "thread_name") ++names;
        }
        REQUIRE(names >= 1);
        return events;
    };
    if (runs_wait()) {
        run_json({"--workload", "wait", "--tasks", "2", "--steps", "3", "--wait-ms", "1", "--trace", path});
        CHECK(count("step") == 6);
    }
    run_json({"-n", "100000", "--trace", path});
    CHECK(count("chunk") >= 1);
    std::filesystem::remove(path);
}

namespace {


std::vector<std::string> quick_trace(const std::string& path) { return {"-n", "1000", "-r", "1", "--warmup", "0", "--trace", path}; }

}  // namespace

TEST_CASE("trace: a target that exists and is not a regular file is refused up front and left alone") {
    Scratch scratch(name + "-" + "special");
    const fs::path fifo = scratch.dir / "fifo", device = scratch.dir / "null", link = scratch.dir / "link-to-fifo";
    REQUIRE(::mkfifo(fifo.c_str(), 0644) == 0);
    fs::create_symlink(fifo, link);
    std::vector<fs::path> targets{fifo, link};
    if (::mknod(device.c_str(), S_IFCHR | 0666, makedev(1, 3)) == 0) targets.push_back(device);  // a copy of /dev/null
    else WARN("mknod not permitted here: the device-node case is skipped");
    for (const auto& target : targets) {
        INFO(target);
        const auto r = run_process(binary, quick_trace(target.string()));
        CHECK(r.exit_code == 2);
        CHECK(r.out.empty());
        CHECK(lines(r.err).size() == 1);
        CHECK_THAT(r.err, Catch::Contains("it exists and is not a regular file"));
    }
    CHECK(fs::is_fifo(fifo));
    CHECK(fs::is_symlink(link));
    if (targets.size() == 3) CHECK(fs::is_character_file(device));
    CHECK(scratch.entries().size() == targets.size());  // no temporary left
}

TEST_CASE("trace: written through a symlink, an existing file keeps its mode, a fresh one gets the umask's") {
    Scratch scratch(name + "-" + "modes");
    const fs::path real = scratch.dir / "real.json", link = scratch.dir / "link.json", fresh = scratch.dir / "fresh.json";
    { std::ofstream(real) << "old"; }
    ::chmod(real.c_str(), 0640);
    fs::create_symlink("real.json", link);  // relative, as users write them
    REQUIRE(run_process(binary, quick_trace(link.string())).exit_code == 0);
    CHECK(fs::is_symlink(link));
    CHECK(fs::file_size(real) > 100);
    struct stat info{};
    REQUIRE(::stat(real.c_str(), &info) == 0);
    CHECK((info.st_mode & 07777) == 0640);
    REQUIRE(run_process(binary, quick_trace(fresh.string())).exit_code == 0);
    const mode_t mask = ::umask(0);
    ::umask(mask);
    REQUIRE(::stat(fresh.c_str(), &info) == 0);
    CHECK((info.st_mode & 07777) == (0666 & ~mask));
    CHECK(scratch.entries().size() == 3);
}

TEST_CASE("trace: a legal 250-byte file name is written (the temporary name does not grow with it)") {
    Scratch scratch(name + "-" + "longname");
    const fs::path target = scratch.dir / (std::string(245, 'a') + ".json");
    const auto r = run_process(binary, quick_trace(target.string()));
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(fs::file_size(target) > 100);
    CHECK(scratch.entries().size() == 1);
}

TEST_CASE("trace: SIGINT, SIGTERM or SIGHUP before the trace is written leaves no temporary file") {
    const int signal = GENERATE(SIGINT, SIGTERM, SIGHUP);
    Scratch scratch(name + "-" + "signal");
    const std::string target = (scratch.dir / "t.json").string();
    // Long enough to be caught running: about a second per repetition with the fastest range kernel.
    const int pid = sumsq::test::start_process(binary, {"-n", "1e10", "-r", "50", "--warmup", "0", "--kernel", "portable", "--trace", target});
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (scratch.entries().size() == 0 && std::chrono::steady_clock::now() < give_up) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    REQUIRE(scratch.entries().size() == 1);  // the claimed temporary
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    ::kill(pid, signal);
    CHECK(sumsq::test::wait_process(pid) == 128 + signal);
    CHECK(scratch.entries().size() == 0);
}

TEST_CASE("stdout: a full or closed standard output exits 3 with one line on stderr") {
    const std::string target = GENERATE(std::string("/dev/full"), std::string());
    for (const auto& format : {"json", "table", "csv"}) {
        INFO((target.empty() ? "closed" : target) << " --format " << format);
        const auto r = sumsq::test::run_with_stdout(binary, {"-n", "1000", "-r", "1", "--format", format}, target);
        CHECK(r.exit_code == 3);
        // One line for the failure; before it only warnings the run printed (a loaded machine can
        // make it a disturbed run: src/driver/disturbance.hpp).
        const auto said = lines(r.err);
        REQUIRE_FALSE(said.empty());
        CHECK_THAT(said.back(), Catch::Contains("writing standard output failed"));
        for (std::size_t k = 0; k + 1 < said.size(); ++k) CHECK_THAT(said[k], Catch::StartsWith(prefix + "warning: "));
    }
}

TEST_CASE("concurrency and parallelism: present and sane, with the CPUs allowed and seen", "[record]") {
    const auto json = run_json({"-n", "1e9"});  // long enough that starting threads is not most of the wall (1e8: 2 ms on avx512ifma)
    const double concurrency = json["concurrency"].get<double>();
    CHECK(concurrency > 0.05);  // spans were recorded; loose: on a loaded machine a worker may wait long for a CPU
    CHECK(concurrency < json["threads"].get<double>() * (json.contains("tasks") ? json["tasks"].get<double>() : 1.0) + 1);
    // CPU time / wall: a CPU-bound run used some CPU, and no more CPUs than it had workers (a
    // double-counted clock or a wall clock that missed the work would fail here).
    const double workers = json.contains("ranks") ? json["ranks"].get<double>() * json["threads_per_rank"].get<double>()
                                                  : json["threads"].get<double>();
    CHECK(json["parallelism"].get<double>() > 0.05);
    CHECK(json["parallelism"].get<double>() < workers + 0.25);
    const auto allowed = json["cpus_allowed"].get<std::vector<int>>();
    const auto seen = json["cpus_seen"].get<std::vector<int>>();
    REQUIRE(!allowed.empty());
    REQUIRE(!seen.empty());
    for (int cpu : seen) CHECK(std::find(allowed.begin(), allowed.end(), cpu) != allowed.end());
    REQUIRE(json["workers"].size() >= 1);
    // imbalance is the workers' busiest / mean busy time: recompute it from the workers listed.
    double busiest = 0, total = 0;
    for (const auto& w : json["workers"]) {
        busiest = std::max(busiest, w["busy_seconds"].get<double>());
        total += w["busy_seconds"].get<double>();
    }
    CHECK(json["imbalance"].get<double>() == Approx(busiest / (total / double(json["workers"].size()))).epsilon(1e-3));
    if (runs_wait()) {  // waits overlap or not, but every task is in progress until its last step
        const auto wait = run_json({"--workload", "wait", "--tasks", "2", "--steps", "2", "--wait-ms", "5"});
        CHECK(wait["concurrency"].get<double>() > 0.5);
        CHECK(wait["parallelism"].get<double>() < 1.5);
    }
}

TEST_CASE("two workers: -t 2 runs on two OS threads, and on two CPUs where two are allowed", "[record]") {
    if (one_thread()) return;  // serial and interleaved run on one thread by design (their own tests)
    // Two workers must be two kernel threads (distinct Linux thread ids), not one thread doing both
    // halves. Where two CPUs are allowed they must also run on two CPUs: pinned (--bind close) where
    // the backend takes --bind, else seen over up to three runs (a loaded machine may hold one back).
    const bool pinned = description()["takes_bind"].get<bool>();
    // N = 1e10: ~0.1 s of work even on the fastest range path, so a work-stealing runtime's second
    // thread always finds work to take (at 1e8, 2 ms, oneTBB under load sometimes ran it all on one).
    std::vector<std::string> args{"-n", "1e10", "-t", "2"};
    if (pinned && sumsq::available_cpus() >= 2) args.insert(args.end(), {"--bind", "close"});
    // A work-stealing runtime whose second thread is held off the CPUs by other load for the whole
    // run may finish it on one thread: up to five runs, and at least one must use both.
    std::set<int> cpus;
    int two_workers = 0;
    for (int attempt = 0; attempt < 5; ++attempt) {
        const auto json = run_json(args);
        REQUIRE(json["workers"].size() >= 1);
        REQUIRE(json["workers"].size() <= 2);
        if (json["workers"].size() < 2) continue;
        ++two_workers;  // both workers ran tasks, each as its own OS thread
        CHECK(json["workers"][0]["os_thread"] != json["workers"][1]["os_thread"]);
        for (const auto& w : json["workers"])
            for (int cpu : w["cpus"].get<std::vector<int>>()) cpus.insert(cpu);
        if (sumsq::available_cpus() < 2 || cpus.size() >= 2) break;
    }
    REQUIRE(two_workers >= 1);
    if (sumsq::available_cpus() >= 2) CHECK(cpus.size() >= 2);
}

TEST_CASE("cpus option: the process runs on the listed CPU only", "[record]") {
    const auto all = run_json({"-n", "1000"})["cpus_allowed"].get<std::vector<int>>();
    const std::string cpu = std::to_string(all.front());
    std::vector<std::string> args{"-n", "1e6", "--cpus", cpu};
    if (!one_thread()) args.insert(args.end(), {"-t", "2"});
    const auto json = run_json(args);
    CHECK(json["cpus_allowed"] == nlohmann::json::array({all.front()}));
    CHECK(json["cpus_seen"] == nlohmann::json::array({all.front()}));
    // the default thread count follows the list
    if (!one_thread() && description()["multi_process"] == false)
        CHECK(run_json({"-n", "1000", "--cpus", cpu})["threads"] == 1);
}

TEST_CASE("timeline option: an SVG with one row per OS thread of the trace, and a legend", "[record]") {
    const auto dir = std::filesystem::temp_directory_path();
    const std::string svg = dir / ("sumsq-timeline-" + std::to_string(::getpid()) + ".svg");
    const std::string trace = dir / ("sumsq-timeline-" + std::to_string(::getpid()) + ".json");
    std::vector<std::string> args{"-n", "1e6", "--timeline", svg, "--trace", trace};
    if (!one_thread()) args.insert(args.end(), {"-t", "2"});
    const auto json = run_json(args);
    CHECK(json["timeline_file"] == svg);
    std::ifstream in(svg);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    REQUIRE_THAT(text, Catch::StartsWith("<?xml"));
    REQUIRE_THAT(text, Catch::EndsWith("</svg>\n"));
    CHECK_THAT(text, Catch::Contains("concurrency") && Catch::Contains("parallelism") && Catch::Contains("colour = task"));
    CHECK_THAT(text, Catch::Contains("Task A"));
    std::size_t rows = 0;
    for (std::size_t at = 0; (at = text.find("text-anchor='end'>thread ", at)) != std::string::npos; ++at) ++rows;
    std::ifstream trace_in(trace);
    std::set<long> threads;  // by number: those that ran a task, and those the OS saw on a CPU (switch records)
    const auto events = nlohmann::json::parse(trace_in)["traceEvents"];
    for (const auto& e : events)
        if (e["ph"] == "X" && e["cat"] != "cpu_slice") threads.insert(e["args"]["thread"].get<long>());
    CHECK(rows == threads.size());
    CHECK(rows >= 1);
    if (json["os"]["source"] == "switch_records") {  // boxes where a thread held a CPU, marks where it did not, a CPU strip
        CHECK_THAT(text, Catch::Contains("OS: switch records") && Catch::Contains("% this process</text>"));
        CHECK_THAT(text, Catch::Contains("on CPU") && Catch::Contains("preemption"));
    } else {
        CHECK_THAT(text, Catch::Contains("OS: thread CPU clocks (no switch records: "));
    }
    std::filesystem::remove(svg);
    std::filesystem::remove(trace);
}

TEST_CASE("trace: rows are OS threads and every event names its task", "[trace]") {
    const std::string path = std::filesystem::temp_directory_path() / ("sumsq-rows-" + std::to_string(::getpid()) + ".json");
    std::vector<std::string> args{"-n", "1e6", "--trace", path};
    if (runs_wait()) args = {"--workload", "wait", "--tasks", "3", "--steps", "2", "--wait-ms", "1", "--trace", path};
    run_json(args);
    std::ifstream in(path);
    const auto trace = nlohmann::json::parse(in);
    std::set<long> tids, named;
    std::set<std::string> tasks;
    for (const auto& e : trace["traceEvents"]) {
        if (e["ph"] == "X" && e["pid"] != trace["traceEvents"][0]["pid"]) {  // the OS view's tracks: a second process
            REQUIRE((e["cat"] == "thread_state" || e["cat"] == "cpu_slice"));
            continue;
        }
        if (e["ph"] == "M" && e["pid"] != trace["traceEvents"][0]["pid"]) continue;
        if (e["ph"] == "X") {
            REQUIRE(e["tid"] == e["args"]["os_thread"]);
            REQUIRE(e["args"].contains("task_id"));
            tasks.insert(e["args"]["task"].get<std::string>());
            tids.insert(e["tid"].get<long>());
        }
        if (e["ph"] == "M" && e["name"] == "thread_name") {
            named.insert(e["tid"].get<long>());
            REQUIRE_THAT(e["args"]["name"].get<std::string>(), Catch::StartsWith("thread "));
        }
    }
    CHECK(tids == named);
    if (runs_wait()) CHECK(tasks == std::set<std::string>{"A", "B", "C"});
    else CHECK(!tasks.empty());
    std::filesystem::remove(path);
}

TEST_CASE("switches: each worker's time on a CPU, waiting and blocked, from switch records or the fallback, which is named", "[record]") {
    std::vector<std::string> args{"-n", "1e6", "--switches"};
    if (!one_thread()) args.insert(args.end(), {"-t", "2"});
    const int first = run_json({"-n", "1000"})["cpus_allowed"][0].get<int>();
    for (const auto& [forced_off, one_cpu] : {std::pair{false, false}, {true, false}, {false, true}}) {
        std::vector<std::string> all = args;
        all.insert(all.end(), {"--format", "json", "-r", "1", "--warmup", "0"});
        if (one_cpu) all.insert(all.end(), {"--cpus", std::to_string(first)});
        const auto r = run_process(binary, all, forced_off ? std::vector<std::string>{"SUMSQ_SWITCH_RECORDS=off"} : std::vector<std::string>{});
        INFO("stderr: " << r.err);
        REQUIRE(r.exit_code == 0);
        const auto json = nlohmann::json::parse(r.out);
        REQUIRE(json["ok"] == true);
        const auto& os = json["os"];
        REQUIRE(os.is_object());
        CHECK(json["workers_from"] == "recorded_run");
        const bool records = os["source"] == "switch_records";
        if (forced_off) {
            CHECK(os["source"] == "thread_clocks");
            CHECK(os["fallback_reason"] == "SUMSQ_SWITCH_RECORDS=off");
        } else if (!records) {
            WARN("no switch records here: " << os["fallback_reason"].get<std::string>());
        }
        const double wall = os["wall_seconds"].get<double>();
        CHECK(wall > 0);
        CHECK(json["useful_parallelism"] == os["useful_parallelism"]);
        CHECK(os["useful_parallelism"].get<double>() <= os["parallelism"].get<double>() + 1e-9);
        std::size_t with_tasks = 0;
        for (const auto& w : json["workers"]) {
            with_tasks += w["tasks"].get<unsigned>() > 0;
            const double on = w["on_cpu_seconds"].get<double>();
            CHECK(w["busy_seconds"].get<double>() <= on + 1e-6);  // inside tasks, on a CPU: part of its time on a CPU
            CHECK(w["busy_seconds"].get<double>() <= w["stretch_seconds"].get<double>() + 1e-9);
            CHECK(w["preemptions"].get<long>() >= 0);
            CHECK(w["voluntary_switches"].get<long>() >= 0);
            if (records) {  // its states cover its life in the run, once
                const double life = on + w["waiting_for_cpu_seconds"].get<double>() + w["blocked_seconds"].get<double>();
                CHECK(life <= wall * (1 + 1e-9) + 1e-9);
                if (!w["started_during_run"].get<bool>() && !w["exited_during_run"].get<bool>()) CHECK(life == Approx(wall).epsilon(1e-6));
                CHECK(w["slices"].get<unsigned>() >= (on > 0 ? 1u : 0u));
                CHECK(!w["cpus"].empty());
                if (one_cpu && w["tasks"].get<unsigned>() > 0) CHECK(w["cpus"] == nlohmann::json::array({first}));  // every slice, exactly
            } else {
                CHECK(w["waiting_for_cpu_seconds"].is_null());
                CHECK(w["blocked_seconds"].is_null());
            }
        }
        CHECK(with_tasks >= 1);
        CHECK(json["imbalance"].get<double>() >= (with_tasks > 0 && os["in_tasks_seconds"].get<double>() > 0 ? 0.999 : 0.0));
    }
}

TEST_CASE("trace-steps option: one live line per step with offset, thread and CPU", "[trace]") {
    if (!runs_wait()) return;
    const auto r = run_process(binary, {"--workload", "wait", "--tasks", "2", "--steps", "3", "--wait-ms", "2", "--trace-steps",
                                        "-r", "1", "--warmup", "0", "--format", "json"});
    REQUIRE(r.exit_code == 0);
    const std::regex line(R"(\+[0-9]+\.[0-9] ms  Task [AB]: step [012]  \(thread [0-9]+, CPU [0-9]+\))");
    const auto out = lines(r.err);
    REQUIRE(out.size() == 6);
    for (const auto& l : out) CHECK(std::regex_match(l, line));
    REQUIRE(nlohmann::json::parse(r.out)["ok"] == true);  // json stays clean on stdout
}

TEST_CASE("threads that cannot be started: exit 3 and one line, never an abort") {
    if (one_thread()) return;  // starts no threads
    if (::geteuid() != 0) {
        WARN("skipped: needs root to run the binary as an unprivileged user under ulimit -u");
        return;
    }
    // RLIMIT_NPROC counts the user's threads: 16 is enough for the process (and MPI's own
    // threads), not for 64 workers.
    const auto r = run_process("/usr/bin/setpriv", {"--reuid=nobody", "--regid=nogroup", "--clear-groups", "/bin/bash", "-c",
                                                    "ulimit -u 16 && exec \"$0\" -t 64 -n 1e6 -r 1 --warmup 0", binary});
    INFO(r.err);
    CHECK(r.exit_code == 3);
    CHECK(r.out.empty());
    REQUIRE_FALSE(lines(r.err).empty());
    CHECK_THAT(lines(r.err).front(), Catch::Contains("could not start 64 threads: Resource temporarily unavailable"));
    if (description()["multi_process"] != true) CHECK(lines(r.err).size() == 1);  // mpi: MPI_Abort adds its banner
}

TEST_CASE("threads under an address-space limit: exit 0, or exit 3 and one line — never an abort") {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
    WARN("skipped: a sanitizer's shadow memory does not fit under ulimit -v");
    return;
#endif
    if (one_thread()) return;  // starts no threads
    // 400 MB of address space: enough for the process, not for 15 or 29 more threads that each get
    // a stack and a 64 MiB malloc arena — where oneTBB's lazily started workers used to abort (134)
    // and libgomp's used to exit 1 after the harness's pre-check had passed.
    const auto [threads, workload] = GENERATE(table<std::string, std::string>({{"16", "sum"}, {"30", "jobs"}}));
    const auto r = run_process("/bin/sh", {"-c", "ulimit -v 400000 && exec \"$0\" -n 1e6 -r 1 --warmup 0 -t \"$1\" --workload \"$2\"",
                                           binary, threads, workload});
    INFO("-t " << threads << " --workload " << workload << ": exit " << r.exit_code << ", stderr: " << r.err);
    CHECK((r.exit_code == 0 || r.exit_code == 3));
    if (r.exit_code != 3) return;
    CHECK(lines(r.err).size() == 1);
    CHECK_THAT(r.err, Catch::Contains("could not start") || Catch::Contains("MPI_Init failed"));
}

TEST_CASE("combine: racy updates every element lose work, exit 1 and say how much - a backend without it refuses it") {
    const std::string ways = description()["combines"].get<std::string>();
    if (ways.empty()) {
        const auto r = run_process(binary, {"-n", "1000", "--combine", "racy"});
        CHECK(r.exit_code == 2);
        CHECK_THAT(r.err, Catch::Contains("--combine:") && Catch::Contains("applies to threads, pool, openmp"));
        return;
    }
    // 2 threads on one CPU still interleave (a preemption between a load and its store loses the
    // other's updates); up to eight runs of 1e7 one-element updates, one of them must lose some.
    // (Three were not always enough under ctest -j2 on a 2-vCPU Sapphire Rapids VM: with the other
    // CPU taken, the pool's two threads can run one after the other on one CPU and lose nothing.)
    bool lost = false;
    for (int attempt = 0; attempt < 8 && !lost; ++attempt) {
        const auto r = run_process(binary, {"-n", "1e7", "-t", "2", "-r", "1", "--warmup", "0", "--combine", "racy", "--combine-every", "1",
                                            "--no-concurrency", "--format", "json"});
        INFO(r.err);
        REQUIRE((r.exit_code == 0 || r.exit_code == 1));
        const auto json = nlohmann::json::parse(r.out);
        CHECK(json["combine"] == nlohmann::json({{"name", "racy"}, {"every", 1}}));
        if (r.exit_code == 0) continue;
        lost = true;
        CHECK(json["ok"] == false);
        // mostly lost updates (> 0); a torn read of the total's two words can add 2^64 (< 0)
        CHECK(json["lost_fraction"].get<double>() != 0);
        CHECK_THAT(r.err, Catch::Contains("MISMATCH") && Catch::Contains("the work)"));  // "lost 3% of the work" or, torn, "3% more than the work"
    }
    CHECK(lost);
    for (const auto& bad : std::vector<std::vector<std::string>>{{"--combine", "nope"}, {"--combine-every", "0"},
                                                                  {"--workload", "wait", "--combine", "racy"}}) {
        auto args = bad;
        args.insert(args.end(), {"-n", "1000"});
        const auto r = run_process(binary, args);
        INFO(bad.front() << " " << bad.back());
        CHECK(r.exit_code == 2);
        CHECK(lines(r.err).size() == 1);
    }
}
