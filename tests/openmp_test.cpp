// OpenMP only: the team size comes from --threads, else OMP_NUM_THREADS (validated), else the CPUs.
#include "process.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using sumsq::test::run_process;

TEST_CASE("OMP_NUM_THREADS sets the team when --threads is absent") {
    const auto r = run_process(SUMSQ_BINARY, {"-n", "1000", "-r", "1", "--format", "json"}, {"OMP_NUM_THREADS=1"});
    REQUIRE(r.exit_code == 0);
    REQUIRE(nlohmann::json::parse(r.out)["threads"] == 1);
}

TEST_CASE("the threads option wins over OMP_NUM_THREADS") {
    const auto r = run_process(SUMSQ_BINARY, {"-n", "1000", "-r", "1", "-t", "2", "--format", "json"}, {"OMP_NUM_THREADS=abc"});
    REQUIRE(r.exit_code == 0);
    REQUIRE(nlohmann::json::parse(r.out)["threads"] == 2);
}

TEST_CASE("a bad OMP_NUM_THREADS without --threads is bad input") {
    const char* value = GENERATE("abc", "0", "-1", "5000", "1.5");
    INFO(value);
    const auto r = run_process(SUMSQ_BINARY, {"-n", "1000", "-r", "1"}, {std::string("OMP_NUM_THREADS=") + value});
    REQUIRE(r.exit_code == 2);
    REQUIRE(r.out.empty());
    // libgomp itself may print a warning first; ours is the last line and names the variable.
    REQUIRE_THAT(r.err, Catch::Contains("sumsq-openmp: OMP_NUM_THREADS: "));
    REQUIRE_THAT(r.err, Catch::Contains("or pass --threads"));
}

TEST_CASE("OMP_THREAD_LIMIT: the team obtained is reported, with a warning") {
    const auto r = sumsq::test::run_process(SUMSQ_BINARY, {"-t", "2", "--workload", "wait", "--wait-ms", "1", "--format", "json", "-r", "1"},
                                            {"OMP_THREAD_LIMIT=1"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(nlohmann::json::parse(r.out)["threads"] == 1);
    CHECK_THAT(r.err, Catch::Contains("asked for 2 threads, the runtime gave 1"));
}
