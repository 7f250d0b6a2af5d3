// The task-span recorder (src/record/) in-process: lanes per thread, nothing lost, a full lane's
// overflow counted, spans of tasks that run in several stretches, and the views drawn from it.
#include "contract/errors.hpp"
#include "os/cpus.hpp"
#include "record/recorder.hpp"
#include "record/views.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <set>
#include <thread>
#include <vector>

using namespace sumsq;
using record::Clock;

namespace {

Clock::time_point at(std::int64_t ns) { return Clock::time_point(std::chrono::nanoseconds(ns)); }

}  // namespace

TEST_CASE("record: every stretch from several threads is kept, one worker per thread") {
    record::begin_run(record::Mode::stretches);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([t] {
            for (int k = 0; k < 100; ++k) record::stretch(at(1000 * k), at(1000 * k + 10 + t), record::Kind::chunk, record::no_task, k, k + 1);
        });
    for (auto& t : threads) t.join();
    const record::Run run = record::end_run();
    REQUIRE(run.stretches.size() == 400);
    REQUIRE(run.dropped == 0);
    REQUIRE(run.workers.size() == 4);
    REQUIRE(run.tasks() == 400);
    std::set<std::uint32_t> ids, numbers;
    for (const auto& s : run.stretches) ids.insert(s.task), numbers.insert(s.thread);
    CHECK(ids.size() == 400);  // anonymous chunks: a task each
    CHECK(numbers == std::set<std::uint32_t>{0, 1, 2, 3});
    CHECK(run.span_ns == 100 * (10 + 11 + 12 + 13));
    std::set<std::int64_t> busy;
    for (const auto& w : run.workers) busy.insert(w.busy_ns);
    CHECK(busy == std::set<std::int64_t>{1000, 1100, 1200, 1300});
    CHECK(!run.cpus.empty());
    CHECK(run.imbalance() == Approx(13.0 * 4 / (10 + 11 + 12 + 13)));
}

TEST_CASE("record: a full lane counts the overflow as dropped and keeps the sums exact") {
    record::set_lane_capacity(10);
    record::begin_run(record::Mode::stretches);
    std::thread worker([] {
        for (int k = 0; k < 25; ++k) record::stretch(at(100 * k), at(100 * k + 50), record::Kind::chunk, record::no_task, 0, 1);
    });
    worker.join();
    const record::Run run = record::end_run();
    record::set_lane_capacity(1 << 16);
    CHECK(run.stretches.size() == 10);
    CHECK(run.dropped == 15);
    REQUIRE(run.workers.size() == 1);
    CHECK(run.workers[0].stretches == 25);
    CHECK(run.span_ns == 25 * 50);
}

TEST_CASE("record: a task's span is its first begin to its last end, across stretches") {
    record::reserve_tasks(2);
    record::begin_run(record::Mode::spans);
    record::stretch(at(0), at(10), record::Kind::chunk, 0, 0, 1);
    record::stretch(at(10), at(20), record::Kind::chunk, 1, 1, 2);
    record::stretch(at(20), at(30), record::Kind::chunk, 0, 2, 3);
    record::stretch(at(30), at(40), record::Kind::chunk, 1, 3, 4);
    const record::Run run = record::end_run();
    CHECK(run.span_ns == 30 + 30);  // two tasks in progress over 40 ns: concurrency 1.5
    CHECK(run.tasks() == 2);
    CHECK(run.stretches.empty());   // spans mode stores no stretches
    REQUIRE(run.workers.size() == 1);
    CHECK(run.workers[0].busy_ns == 40);
    CHECK(run.workers[0].stretches == 4);
}

TEST_CASE("record: off records nothing, and a new run forgets the last") {
    record::begin_run(record::Mode::spans);
    record::stretch(at(0), at(10), record::Kind::chunk, record::no_task, 0, 1);
    record::begin_run(record::Mode::spans);
    record::stretch(at(0), at(5), record::Kind::chunk, record::no_task, 0, 1);
    CHECK(record::end_run().span_ns == 5);
    record::stretch(at(0), at(10), record::Kind::chunk, record::no_task, 0, 1);  // mode is off now
    record::begin_run(record::Mode::spans);
    CHECK(record::end_run().workers.empty());
}

TEST_CASE("record: the range kernel records a stretch per call, with the scheduler's task") {
    record::begin_run(record::Mode::stretches);
    (void)sum_squares_range(0, 1000);
    record::reserve_tasks(4);
    record::current_task = 3;
    (void)sum_squares_range(1000, 2000);
    record::current_task = record::no_task;
    const record::Run run = record::end_run();
    REQUIRE(run.stretches.size() == 2);
    CHECK(run.stretches[1].task == 3);
    CHECK(run.stretches[1].lo == 1000);
    CHECK(run.stretches[0].task == 4);  // anonymous: numbered after the explicit ids
}

TEST_CASE("record: the array kernel records a stretch per call with the logical indices") {
    const std::vector<std::uint32_t> values{3, 4, 5};
    record::begin_run(record::Mode::stretches);
    CHECK(sum_squares_array(values.data(), 1000, 1003) == 50);
    const record::Run run = record::end_run();
    REQUIRE(run.stretches.size() == 1);
    CHECK(run.stretches[0].lo == 1000);
    CHECK(run.stretches[0].hi == 1003);
}

TEST_CASE("views: the trace reads back as the same stretches, and the timeline draws them") {
    record::begin_run(record::Mode::stretches);
    record::stretch(at(0), at(2'000'000), record::Kind::chunk, record::no_task, 0, 10);
    std::thread([] { record::stretch(at(0), at(1'000'000), record::Kind::step, record::no_task, 1, 0); }).join();
    const record::Run run = record::end_run();
    const record::Figures figures{0.002, 1.5, 1.0, {0, 1}};
    const auto trace = record::trace_document(run, figures, "test");
    const record::Panel panel = record::panel_from_trace(nlohmann::json::parse(trace.dump()), "t");
    REQUIRE(panel.stretches.size() == run.stretches.size());
    for (std::size_t k = 0; k < run.stretches.size(); ++k) {
        CHECK(panel.stretches[k].task == run.stretches[k].task);
        CHECK(panel.stretches[k].thread == run.stretches[k].thread);
        CHECK(panel.stretches[k].kind == run.stretches[k].kind);
        CHECK(panel.stretches[k].cpu == run.stretches[k].cpu);
    }
    CHECK(panel.figures.concurrency == 1.5);
    CHECK(panel.figures.cpus_allowed == std::vector<int>{0, 1});
    const std::string svg = record::timeline_svg("heading <&>", {panel});
    CHECK_THAT(svg, Catch::Contains("heading &lt;&amp;&gt;"));
    CHECK_THAT(svg, Catch::Contains(">thread 1 · CPU ") && Catch::Contains(">thread 2 · CPU "));
    CHECK_THAT(svg, Catch::Contains(">Task A<") && Catch::Contains(">Task B<"));
    CHECK_THROWS(record::panel_from_trace(nlohmann::json::object(), "t"));
}

TEST_CASE("names: tasks like spreadsheet columns, CPU lists as ranges") {
    CHECK(record::task_name(0) == "A");
    CHECK(record::task_name(25) == "Z");
    CHECK(record::task_name(26) == "AA");
    CHECK(record::cpu_list({0, 1, 2, 5, 7, 8}) == "0-2,5,7-8");
    CHECK(record::cpu_list({}).empty());
}

TEST_CASE("cpus: lists parse to the allowed CPUs, anything else is bad input") {
    const std::vector<int> allowed = allowed_cpus();
    REQUIRE(!allowed.empty());
    const int c = allowed.front();
    CHECK(parse_cpu_list("--cpus", std::to_string(c)) == std::vector<int>{c});
    CHECK(parse_cpu_list("--cpus", std::to_string(c) + "," + std::to_string(c)) == std::vector<int>{c});
    CHECK(parse_cpu_list("--cpus", std::to_string(c) + "-" + std::to_string(c)) == std::vector<int>{c});
    CHECK(parse_cpu_list("--cpus", record::cpu_list(allowed)) == allowed);
    for (const char* bad : {"", ",", "x", "1-", "-1", "0,,1", "1 ", "2-1", "100000", "4096"})
        CHECK_THROWS_AS(parse_cpu_list("--cpus", bad), UsageError);
}
