// Compiled once per backend (tests/CMakeLists.txt), linked with that backend's kernel: the sweep of
// sizes × workers (× tasks and steps for task-splitting backends) against the oracle, repeatability,
// exceptions from tasks, and the wait workload.
#include "contract/backend.hpp"
#include "contract/reference.hpp"
#include "workloads/wait_workload.hpp"
#include "workloads/jobs.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <numeric>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

using namespace sumsq;

namespace {

std::vector<unsigned> worker_counts() {
    if (backend_info.thread_model == ThreadModel::one_thread) return {1};
    return {1, 2, 3, 8, 64};
}

std::vector<BackendConfig> configs() {
    std::vector<BackendConfig> result;
    for (unsigned threads : worker_counts()) {
        if (!backend_info.splits_into_tasks) {
            result.push_back({.threads = threads});
            continue;
        }
        for (unsigned tasks : {1u, 2u, 7u, 64u})
            for (u64 step : {u64{1}, u64{3}, u64{1000}, u64{65536}}) result.push_back({.threads = threads, .tasks = tasks, .step = step});
    }
    return result;
}

std::vector<u64> sizes(unsigned p) {
    const u64 k = 1000;
    return {0, 1, 2, 3, 7, 1001, p * k - 1, p * k, p * k + 1, (u64{1} << 20) + 3};
}

}  // namespace

TEST_CASE("sum sweep: sizes x workers equal the oracle") {
    for (const BackendConfig& config : configs()) {
        const auto backend = make_backend(config);
        for (u64 n : sizes(config.threads)) {
            INFO("threads=" << config.threads << " tasks=" << config.tasks << " step=" << config.step << " N=" << n);
            REQUIRE(backend->sum_squares(n) == closed_form(n));
        }
    }
}

TEST_CASE("sum: N past 2^32, so the last worker's piece crosses 2^32, is exact") {
    // Indices above 2^32 square past 2^64: the range kernel must carry into 128 bits there, on
    // whichever path the CPU runs. N = 2^32 + 2^21 at 2 workers puts 2^32 inside the second piece
    // (one worker: inside its only piece); about 0.5 s of CPU on a vector path.
    const auto backend = make_backend({.threads = worker_counts().back() > 1 ? 2u : 1u});
    const u64 n = (u64{1} << 32) + (u64{1} << 21);
    REQUIRE(backend->sum_squares(n) == closed_form(n));
}

TEST_CASE("sum: repeated calls give the same result") {
    for (unsigned threads : worker_counts()) {
        const auto backend = make_backend({.threads = threads});
        const u64 n = 123'457;
        for (int k = 0; k < 20; ++k) REQUIRE(backend->sum_squares(n) == closed_form(n));
    }
}

TEST_CASE("run_tasks runs every task exactly once") {
    for (unsigned threads : worker_counts()) {
        const auto backend = make_backend({.threads = threads});
        for (std::size_t count : {std::size_t{0}, std::size_t{1}, std::size_t{5}, std::size_t{100}}) {
            std::vector<std::atomic<int>> runs(count);
            backend->run_tasks(count, [&](std::size_t k) { runs[k].fetch_add(1); });
            for (std::size_t k = 0; k < count; ++k) REQUIRE(runs[k].load() == 1);
        }
    }
}

TEST_CASE("an exception thrown by a task reaches the caller") {
    for (unsigned threads : worker_counts()) {
        INFO("threads=" << threads);
        const auto backend = make_backend({.threads = threads});
        REQUIRE_THROWS_WITH(backend->run_tasks(6, [](std::size_t k) {
            if (k == 3) throw std::runtime_error("task 3 failed");
        }), "task 3 failed");
        // The backend is still usable afterwards.
        REQUIRE(backend->sum_squares(1000) == closed_form(1000));
    }
}

TEST_CASE("wait workload: every task completes every step in order") {
    for (unsigned threads : worker_counts()) {
        const auto backend = make_backend({.threads = threads});
        WaitWorkload workload({.tasks = 3, .steps = 2, .wait = std::chrono::milliseconds(1)});
        backend->run_wait(workload);
        INFO("threads=" << threads);
        REQUIRE(workload.incomplete_reason().empty());
        REQUIRE(workload.order().size() == 6);
    }
}

namespace {

// Every schedule this backend takes (its knobs, schedule.hpp), the defaults first.
std::vector<Schedule> schedules() {
    std::vector<Schedule> result{Schedule{}};
    for (const ScheduleKind kind : {ScheduleKind::static_, ScheduleKind::dynamic, ScheduleKind::guided}) {
        if (("|" + std::string(backend_info.schedules) + "|").find("|" + std::string(schedule_kind_name(kind)) + "|") == std::string::npos)
            continue;
        for (const u64 chunk : {u64{0}, u64{1}, u64{7}, u64{1000}}) result.push_back({.kind = kind, .chunk = chunk});
    }
    if (backend_info.takes_partitioner)
        for (const Partitioner p : {Partitioner::auto_, Partitioner::simple, Partitioner::static_, Partitioner::affinity})
            for (const u64 grain : {u64{0}, u64{3}, u64{1000}}) result.push_back({.partitioner = p, .grain = grain});
    return result;
}

std::string describe(const Schedule& s, unsigned threads) {
    return std::string("threads=") + std::to_string(threads) + " schedule=" + std::string(schedule_kind_name(s.kind)) + "," +
           std::to_string(s.chunk) + " partitioner=" + std::string(partitioner_name(s.partitioner)) + " grain=" + std::to_string(s.grain) +
           " nested=" + (s.nested ? "yes" : "no");
}

// Runs a batch of jobs; checks the total and every job's kept result.
void require_jobs_exact(Backend& backend, u64 n, const JobsPlan& plan) {
    const std::vector<u64> sizes = job_sizes(n, plan);
    std::vector<u128> results(sizes.size(), 0);
    u128 expected = 0;
    for (const u64 size : sizes) expected += closed_form(size);
    INFO("jobs N=" << n << " J=" << plan.jobs << " seed=" << plan.seed << " order=" << order_name(plan.order));
    REQUIRE(backend.reduce(Work::batch(sizes, results)) == expected);
    for (std::size_t j = 0; j < sizes.size(); ++j) {
        INFO("job " << j << " of n=" << sizes[j]);
        REQUIRE(results[j] == closed_form(sizes[j]));
    }
}

// The array a[i] = i over this process's units, filled through the backend (first touch), then summed.
void require_array_exact(Backend& backend, u64 n) {
    const Piece local = backend.local_units(n);
    std::vector<std::uint32_t> window(local.hi - local.lo, 0xdeadbeef);
    backend.reduce(Work::filling(window, local.lo, n));
    for (u64 i = 0; i < window.size(); ++i) REQUIRE(window[i] == static_cast<std::uint32_t>(local.lo + i));
    INFO("array N=" << n);
    REQUIRE(backend.reduce(Work::stored(window, local.lo, n)) == closed_form(n));
}

}  // namespace

TEST_CASE("schedules: every knob this backend takes, on the sum, jobs and array workloads, equals the oracle") {
    for (unsigned threads : {1u, 3u, 8u}) {
        if (threads > 1 && backend_info.thread_model == ThreadModel::one_thread) break;
        for (Schedule schedule : schedules()) {
            for (const bool nested : {false, true}) {
                if (nested && !backend_info.takes_nested) continue;
                schedule.nested = nested;
                INFO(describe(schedule, threads));
                const auto backend = make_backend({.threads = threads, .schedule = schedule});
                for (u64 n : {u64{0}, u64{1}, u64{1001}, (u64{1} << 18) + 3}) REQUIRE(backend->sum_squares(n) == closed_form(n));
                for (u64 n : {u64{0}, u64{5}, u64{300'007}})
                    for (const u64 jobs : {u64{1}, u64{7}, u64{64}})
                        for (const JobOrder order : {JobOrder::random, JobOrder::descending})
                            require_jobs_exact(*backend, n, {.jobs = jobs, .seed = 1 + jobs, .skew = 1.2, .order = order});
                require_jobs_exact(*backend, 1'000'000, {.jobs = 1000, .seed = 99, .skew = 0.5, .order = JobOrder::ascending});
                // Jobs above the size from which --nested splits one inside (Work::nested_min_elements).
                for (const u64 jobs : {u64{1}, u64{3}})
                    require_jobs_exact(*backend, 2 * Work::nested_min_elements + 7, {.jobs = jobs, .seed = 5, .skew = 1.2, .order = JobOrder::descending});
                for (u64 n : {u64{0}, u64{1}, u64{1001}, (u64{1} << 18) + 3}) require_array_exact(*backend, n);
            }
        }
    }
}

TEST_CASE("jobs: held-out seeds and shapes, each job checked") {
    const auto backend = make_backend({.threads = backend_info.thread_model == ThreadModel::one_thread ? 1u : 2u});
    for (const u64 seed : {u64{7}, u64{12345}, u64{0xfeedface}, ~u64{0}})
        for (const double skew : {0.3, 1.2, 4.0})
            require_jobs_exact(*backend, 10'000'019, {.jobs = 257, .seed = seed, .skew = skew, .order = JobOrder::random});
}

TEST_CASE("combine: every way this backend offers, every K, on the sum, jobs and array workloads, equals the oracle") {
    if (backend_info.combines.empty()) return;  // the backends without --combine (combine.hpp)
    std::vector<Combine> ways;
    for (std::string_view list = backend_info.combines; !list.empty();) {
        const auto bar = list.find('|');
        ways.push_back(parse_combine(std::string(list.substr(0, bar)), backend_info.combines));
        list = bar == std::string_view::npos ? std::string_view{} : list.substr(bar + 1);
    }
    for (const Combine how : ways)
        for (unsigned threads : {1u, 2u, 3u, 8u}) {
            // racy loses updates by design once two threads add at once; on one thread it cannot
            if (how == Combine::racy && threads > 1) continue;
            for (const u64 every : {u64{0}, u64{1}, u64{3}, u64{1000}}) {
                if (how == Combine::reduction && every) continue;  // a reduction combines once (cli refuses K)
                INFO("combine=" << combine_name(how) << " threads=" << threads << " every=" << every);
                const auto backend = make_backend({.threads = threads, .combine = {.how = how, .every = every}});
                for (u64 n : {u64{0}, u64{1}, u64{1001}, (u64{1} << 16) + 3}) REQUIRE(backend->sum_squares(n) == closed_form(n));
                require_jobs_exact(*backend, 300'007, {.jobs = 64, .seed = 5, .skew = 1.2, .order = JobOrder::descending});
                for (u64 n : {u64{1}, u64{1001}, (u64{1} << 16) + 3}) require_array_exact(*backend, n);
            }
        }
}

TEST_CASE("combine racy: on two threads it may lose updates but never adds any, and the oracle measures the loss") {
    if (backend_info.combines.find("racy") == std::string_view::npos) return;
    const auto backend = make_backend({.threads = 2, .combine = {.how = Combine::racy, .every = 1}});
    const u64 n = 1 << 20;
    const u128 got = backend->sum_squares(n);
    // S(2^20) < 2^64: the high word stays 0, so no read is torn and every store is an earlier
    // total plus one part — updates can be overwritten (lost), never counted twice
    INFO("lost fraction " << lost_fraction(got, closed_form(n)));
    CHECK(lost_fraction(got, closed_form(n)) < 1.0);
    CHECK(lost_fraction(got, closed_form(n)) >= 0.0);
}

namespace {

// The tree's shape by walking it: the reference tree_shape() is checked against.
void walk(const Tree& tree, Piece p, unsigned level, TreeShape& shape) {
    if (tree.is_leaf(p)) {
        ++shape.leaves;
        return;
    }
    ++shape.splits;
    shape.depth = std::max(shape.depth, level + 1);
    const auto [left, right] = tree.halves(p);
    walk(tree, left, level + 1, shape);
    walk(tree, right, level + 1, shape);
}

}  // namespace

TEST_CASE("tree: random N and cut-offs, at 1, 2 and 7 workers, equal the oracle") {
    if (!backend_info.runs_tree) {
        REQUIRE_FALSE(backend_info.tree_refusal.empty());  // a backend without the tree says why
        return;
    }
    std::vector<unsigned> workers = {1};
    if (backend_info.thread_model == ThreadModel::workers) workers = {1, 2, 7};
    std::uint64_t state = 0x9e3779b97f4a7c15u;  // splitmix64: the same cases every run
    const auto next = [&] {
        std::uint64_t z = (state += 0x9e3779b97f4a7c15u);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
        return z ^ (z >> 31);
    };
    for (unsigned threads : workers) {
        const auto backend = make_backend({.threads = threads});
        std::vector<std::pair<u64, u64>> cases = {{0, 1}, {1, 1}, {2, 1}, {5, 100}, {100, 5}, {4096, 1}, {4097, 64}};
        for (int k = 0; k < 24; ++k) {
            const u64 n = next() % 3'000'000, cutoff = u64{1} << (next() % 22);
            cases.push_back({n, cutoff});
        }
        for (const auto& [n, cutoff] : cases) {
            INFO("threads=" << threads << " N=" << n << " cutoff=" << cutoff);
            REQUIRE(backend->reduce_tree(Tree(n, cutoff)) == closed_form(n));
        }
    }
}

TEST_CASE("tree: ranges around 2^32 and a single leaf past it are exact") {
    if (!backend_info.runs_tree) return;
    const auto backend = make_backend({.threads = backend_info.thread_model == ThreadModel::workers ? 2u : 1u});
    const u64 n = (u64{1} << 32) + 12'345;
    // Leaves of 2^25 elements: the one holding 2^32 crosses it (about 0.4 s of CPU on a vector path).
    REQUIRE(backend->reduce_tree(Tree(n, u64{1} << 25)) == closed_form(n));
    const u64 small = 1000;
    REQUIRE(backend->reduce_tree(Tree(small, small)) == closed_form(small));  // one leaf
}

TEST_CASE("tree: tree_shape() counts what a walk counts") {
    for (const auto& [n, cutoff] : std::vector<std::pair<u64, u64>>{{0, 1}, {1, 1}, {2, 1}, {3, 1}, {1000, 7}, {1023, 1}, {1024, 1},
                                                                     {1025, 2}, {999'999, 10}, {123'457, 300}}) {
        INFO("N=" << n << " cutoff=" << cutoff);
        TreeShape walked;
        walk(Tree(n, cutoff), {0, n}, 0, walked);
        const TreeShape counted = tree_shape(n, cutoff);
        REQUIRE(counted.splits == walked.splits);
        REQUIRE(counted.leaves == walked.leaves);
        REQUIRE(counted.depth == walked.depth);
        REQUIRE(counted.splits_in_top(counted.depth) == counted.splits);
        REQUIRE(counted.splits_in_top(0) == 0);
        if (counted.depth >= 2) REQUIRE(counted.splits_in_top(1) == 1);
    }
    const TreeShape huge = tree_shape(~u64{0}, 1);  // 64 levels of splits, no walk
    REQUIRE(huge.depth == 64);
    REQUIRE(huge.leaves == huge.splits + 1);
}
