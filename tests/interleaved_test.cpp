// interleaved only: the scheduler's guarantees and the wait workload's interleaving on one core.
#include "contract/backend.hpp"
#include "backend_under_test.hpp"
#include "process.hpp"
#include "contract/reference.hpp"
#include "support/scheduler.hpp"
#include "workloads/wait_workload.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <set>

#include <stdexcept>
#include <string>
#include <vector>

using namespace sumsq;
using coop::Scheduler;
using coop::Task;

namespace {

Task note_steps(Scheduler& s, std::vector<std::string>& log, std::string name, int steps) {
    for (int k = 0; k < steps; ++k) {
        log.push_back(name + std::to_string(k));
        co_await s.yield();
    }
}

Task sleeper(Scheduler& s, std::vector<std::string>& log, std::string name, int ms) {
    co_await s.sleep_for(std::chrono::milliseconds(ms));
    log.push_back(name);
}

Task sleeper_until(Scheduler& s, std::vector<std::string>& log, std::string name, Scheduler::Clock::time_point due) {
    co_await s.sleep_until(due);
    log.push_back(name);
}

Task failing(Scheduler& s, int after) {
    for (int k = 0; k < after; ++k) co_await s.yield();
    throw std::runtime_error("task failed on purpose");
}

}  // namespace

TEST_CASE("scheduler: yield interleaves tasks in FIFO order") {
    std::vector<std::string> log;
    Scheduler s;
    s.spawn(note_steps(s, log, "A", 3));
    s.spawn(note_steps(s, log, "B", 3));
    s.spawn(note_steps(s, log, "C", 1));
    s.run();
    REQUIRE(log == std::vector<std::string>{"A0", "B0", "C0", "A1", "B1", "A2", "B2"});
}

TEST_CASE("scheduler: sleepers wake in deadline order") {
    std::vector<std::string> log;
    Scheduler s;
    s.spawn(sleeper(s, log, "late", 30));
    s.spawn(sleeper(s, log, "early", 5));
    s.spawn(sleeper(s, log, "middle", 15));
    s.spawn(sleeper(s, log, "now", 0));
    s.run();
    REQUIRE(log == std::vector<std::string>{"now", "early", "middle", "late"});
}

TEST_CASE("scheduler: sleepers with the same deadline wake in the order they went to sleep") {
    // Equal time_points: only the timer's sequence number can order them (a heap alone would not).
    std::vector<std::string> log;
    Scheduler s;
    const auto tie = Scheduler::Clock::now() + std::chrono::milliseconds(10);
    const auto before = tie - std::chrono::milliseconds(5);
    for (const char* name : {"t1", "t2", "t3", "t4", "t5", "t6", "t7", "t8"}) s.spawn(sleeper_until(s, log, name, tie));
    s.spawn(sleeper_until(s, log, "before", before));
    s.run();
    REQUIRE(log == std::vector<std::string>{"before", "t1", "t2", "t3", "t4", "t5", "t6", "t7", "t8"});
}

TEST_CASE("scheduler: an exception in a task reaches run() and the other tasks are destroyed") {
    std::vector<std::string> log;
    Scheduler s;
    s.spawn(note_steps(s, log, "A", 100));
    s.spawn(failing(s, 2));
    s.spawn(sleeper(s, log, "never", 10'000));
    REQUIRE_THROWS_WITH(s.run(), "task failed on purpose");
    REQUIRE(log.size() == 3);  // A0 A1 A2, then the failure ended the run
}

TEST_CASE("scheduler: nothing to run returns at once") {
    Scheduler s;
    const auto begin = std::chrono::steady_clock::now();
    s.run();
    REQUIRE(std::chrono::steady_clock::now() - begin < std::chrono::seconds(5));
}

TEST_CASE("wait workload: steps interleave A0 B0 A1 B1 A2 B2 on one CPU, and the waits overlap") {
    const auto backend = make_backend({.threads = 1});
    WaitWorkload workload({.tasks = 2, .steps = 3, .wait = std::chrono::milliseconds(20)});
    sumsq::record::reserve_tasks(2);
    sumsq::record::begin_run(sumsq::record::Mode::stretches);
    const auto begin = std::chrono::steady_clock::now();
    backend->run_wait(workload);
    const auto wall = std::chrono::steady_clock::now() - begin;
    const auto run = sumsq::record::end_run();
    std::vector<std::string> lines;
    for (const auto& step : workload.order()) lines.push_back(WaitWorkload::step_line(step));
    REQUIRE(lines == std::vector<std::string>{"Task A: step 0", "Task B: step 0", "Task A: step 1",
                                              "Task B: step 1", "Task A: step 2", "Task B: step 2"});
    REQUIRE(run.cpus.size() == 1);  // recorded on every stretch: one core, proven
    REQUIRE(run.workers.size() == 1);
    REQUIRE(run.stretches.size() == 2 * (3 + 1));  // per task: 3 steps announced, then its end
    // Both tasks are in progress the whole time: concurrency ≈ 2 (loose bound).
    CHECK(double(run.span_ns) / double(std::chrono::duration_cast<std::chrono::nanoseconds>(wall).count()) > 1.5);
    // Serially this takes 2 × 3 × 20 ms = 120 ms; overlapped about 60 ms. A generous bound.
    REQUIRE(wall < std::chrono::milliseconds(120));
}

TEST_CASE("sum: the tasks are all in progress together: concurrency near the task count, on one CPU") {
    const auto backend = make_backend({.threads = 1, .tasks = 4, .step = 1 << 16});
    sumsq::record::reserve_tasks(4);
    sumsq::record::begin_run(sumsq::record::Mode::stretches);
    const auto begin = std::chrono::steady_clock::now();
    REQUIRE(backend->sum_squares(10'000'000) == sumsq::closed_form(10'000'000));
    const auto wall = std::chrono::steady_clock::now() - begin;
    const auto run = sumsq::record::end_run();
    const double concurrency = double(run.span_ns) / double(std::chrono::duration_cast<std::chrono::nanoseconds>(wall).count());
    CHECK(concurrency > 2.5);  // ≈ 4: each task begins in the first round and ends in the last
    CHECK(concurrency <= 4.01);
    CHECK(run.tasks() == 4);
    CHECK(run.cpus.size() == 1);
    std::set<std::uint32_t> tasks;
    for (const auto& s : run.stretches) tasks.insert(s.task);
    CHECK(tasks == std::set<std::uint32_t>{0, 1, 2, 3});
}

TEST_CASE("sum: more tasks than elements, and odd task counts, are exact") {
    for (unsigned tasks : {1u, 2u, 7u, 100u}) {
        for (u64 n : {u64{0}, u64{1}, u64{5}, u64{99}, u64{100'001}}) {
            INFO("tasks=" << tasks << " N=" << n);
            REQUIRE(make_backend({.threads = 1, .tasks = tasks, .step = 7})->sum_squares(n) == closed_form(n));
        }
    }
}

TEST_CASE("bad input for the interleaved backend exits 2 with one line") {
    const auto [args, expected] = GENERATE(table<std::vector<std::string>, std::string>({
        {{"-t", "2"}, "runs on exactly 1 thread (it interleaves its tasks on one pinned core"},
        {{"--tasks", "0"}, "--tasks: 0 is too small"},
        {{"--step", "0"}, "--step: 0 is too small"},
        {{"--step", "-3"}, "--step: -3 is negative"},
        {{"--workload", "wait", "--step", "5"}, "--step: applies to the sum, jobs and array workloads, not wait"},
    }));
    const auto r = test::run_process(sumsq::test::backend_binary, args);
    REQUIRE(r.exit_code == 2);
    REQUIRE(test::lines(r.err).size() == 1);
    REQUIRE_THAT(r.err, Catch::Contains(expected));
}

TEST_CASE("the sum workload runs on one CPU at parallelism about 1") {
    const auto r = test::run_process(sumsq::test::backend_binary, {"-n", "2e7", "-r", "3", "--format", "json", "--tasks", "3"});
    REQUIRE(r.exit_code == 0);
    const auto json = nlohmann::json::parse(r.out);
    REQUIRE(json["ok"] == true);
    REQUIRE(json["tasks"] == 3);
    // CPU time cannot exceed wall time on one core (allow clock granularity).
    REQUIRE(json["parallelism"].get<double>() < 1.1);
}
