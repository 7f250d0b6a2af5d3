// sumsq-compare when a run goes wrong: a wrong or hanging backend, a signal (Ctrl-C, SIGTERM,
// SIGHUP, SIGKILL), a child that could not start, a standard output that cannot be written.
#include "compare/run/child_process.hpp"
#include "compare_helpers.hpp"
#include "process.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>

namespace fs = std::filesystem;
using sumsq::test::bin;
using sumsq::test::compare;
using sumsq::test::doubles_env;
using sumsq::test::lines;
using sumsq::test::run_process;
using sumsq::test::Scratch;
using sumsq::test::with;

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
