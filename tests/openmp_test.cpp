// OpenMP only: the team size comes from --threads, else OMP_NUM_THREADS (validated), else the CPUs;
// libgomp's own failures and bindings (exit 1 on a team it cannot start, OMP_PROC_BIND's pinning).
#include "backend_under_test.hpp"
#include "process.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <string>
#include <vector>

using sumsq::test::run_process;

TEST_CASE("OMP_NUM_THREADS sets the team when --threads is absent") {
    const auto r = run_process(sumsq::test::backend_binary, {"-n", "1000", "-r", "1", "--format", "json"}, {"OMP_NUM_THREADS=1"});
    REQUIRE(r.exit_code == 0);
    REQUIRE(nlohmann::json::parse(r.out)["threads"] == 1);
}

TEST_CASE("the threads option wins over OMP_NUM_THREADS") {
    const auto r = run_process(sumsq::test::backend_binary, {"-n", "1000", "-r", "1", "-t", "2", "--format", "json"}, {"OMP_NUM_THREADS=abc"});
    REQUIRE(r.exit_code == 0);
    REQUIRE(nlohmann::json::parse(r.out)["threads"] == 2);
}

TEST_CASE("a bad OMP_NUM_THREADS without --threads is bad input") {
    const char* value = GENERATE("abc", "0", "-1", "5000", "1.5");
    INFO(value);
    const auto r = run_process(sumsq::test::backend_binary, {"-n", "1000", "-r", "1"}, {std::string("OMP_NUM_THREADS=") + value});
    REQUIRE(r.exit_code == 2);
    REQUIRE(r.out.empty());
    // libgomp itself may print a warning first; ours is the last line and names the variable.
    REQUIRE_THAT(r.err, Catch::Contains("sumsq-openmp: OMP_NUM_THREADS: "));
    REQUIRE_THAT(r.err, Catch::Contains("or pass --threads"));
}

TEST_CASE("OMP_THREAD_LIMIT: the team obtained is reported, with a warning") {
    const auto r = sumsq::test::run_process(sumsq::test::backend_binary, {"-t", "2", "--workload", "wait", "--wait-ms", "1", "--format", "json", "-r", "1"},
                                            {"OMP_THREAD_LIMIT=1"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(nlohmann::json::parse(r.out)["threads"] == 1);
    CHECK_THAT(r.err, Catch::Contains("asked for 2 threads, the runtime gave 1"));
}

TEST_CASE("a team libgomp cannot start: exit 3 and one line, not libgomp's own exit 1") {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
    WARN("skipped: a sanitizer's shadow memory does not fit under ulimit -v");
    return;
#endif
    // libgomp's threads get OMP_STACKSIZE: 3 × 512 MiB does not fit in 1 GB of address space, the
    // harness's pre-check threads (8 MiB stacks) do — so the failure is libgomp's own.
    const auto r = run_process("/bin/sh", {"-c", "ulimit -v 1000000 && exec \"$0\" -n 1e6 -t 4 -r 1 --warmup 0", sumsq::test::backend_binary},
                               {"OMP_STACKSIZE=512M"});
    INFO(r.err);
    CHECK(r.exit_code == 3);
    CHECK(r.out.empty());
    CHECK(sumsq::test::lines(r.err).size() == 1);
    CHECK_THAT(r.err, Catch::StartsWith("sumsq-openmp: error: could not start 4 threads: libgomp: Thread creation failed"));
}

TEST_CASE("OMP_PROC_BIND: the CPUs allowed are the process's, not the one libgomp pinned the main thread to") {
    const auto plain = run_process(sumsq::test::backend_binary, {"-n", "1000", "-r", "1", "--format", "json"});
    REQUIRE(plain.exit_code == 0);
    const auto allowed = nlohmann::json::parse(plain.out)["cpus_allowed"].get<std::vector<int>>();
    if (allowed.size() < 2) {
        WARN("skipped: needs 2 CPUs (libgomp pins the main thread to the first place, so a second one shows the difference)");
        return;
    }
    const std::vector<std::string> bound{"OMP_PROC_BIND=true"};
    // --cpus naming the last CPU: accepted (it was "CPU 1 is not available … available: 0").
    const auto last = run_process(sumsq::test::backend_binary, {"-n", "1000", "-r", "1", "--format", "json", "--cpus", std::to_string(allowed.back())}, bound);
    INFO(last.err);
    REQUIRE(last.exit_code == 0);
    CHECK(nlohmann::json::parse(last.out)["cpus_allowed"] == nlohmann::json::array({allowed.back()}));
    // -t 2: allowed is the whole set, and every CPU seen is in it (it was allowed [0], seen [0,1]).
    const auto two = run_process(sumsq::test::backend_binary, {"-n", "1e5", "-r", "1", "-t", "2", "--format", "json"}, bound);
    INFO(two.err);
    REQUIRE(two.exit_code == 0);
    const auto json = nlohmann::json::parse(two.out);
    CHECK(json["cpus_allowed"].get<std::vector<int>>() == allowed);
    for (int cpu : json["cpus_seen"].get<std::vector<int>>()) CHECK(std::find(allowed.begin(), allowed.end(), cpu) != allowed.end());
    // Without --threads the default team is every allowed CPU, not the one place libgomp bound.
    const auto team = run_process(sumsq::test::backend_binary, {"-n", "1000", "-r", "1", "--format", "json"}, bound);
    REQUIRE(team.exit_code == 0);
    CHECK(nlohmann::json::parse(team.out)["threads"] == allowed.size());
    // --cpus narrower than the places libgomp binds to: it says so instead of reporting it silently.
    const auto narrowed = run_process(sumsq::test::backend_binary, {"-n", "1e5", "-r", "1", "-t", "2", "--format", "json", "--cpus", std::to_string(allowed.front())}, bound);
    REQUIRE(narrowed.exit_code == 0);
    const auto seen = nlohmann::json::parse(narrowed.out)["cpus_seen"].get<std::vector<int>>();
    if (seen != std::vector<int>{allowed.front()}) CHECK_THAT(narrowed.err, Catch::Contains("outside the CPUs allowed"));
}
