// sumsq-compare's analysis and terminal report on synthetic runs: speedup intervals, break-even,
// findings, the best schedule and the bandwidth ceiling, without running a backend.
#include "compare/analysis/analysis.hpp"
#include "compare/analysis/summary.hpp"
#include "compare/run/sweep.hpp"
#include "compare/views/report.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cmath>
#include <sstream>
#include <string>
#include <vector>

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
    sumsq::compare::SweepRecord record;
    sumsq::compare::Analysis analyse() const { return sumsq::compare::analyse(options, backends, runs, record); }
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
    // Of two decided comparisons the answer takes the firmer (higher lower bound), not the larger
    // estimate with a wide interval.
    auto wider = a;
    auto loose = a.schedules[0];
    loose.ratio = {1.10, 1.90, 2.50};
    wider.schedules.push_back(loose);
    REQUIRE(wider.schedules[1].decided());
    std::string firm;
    for (const auto& l : sumsq::compare::summarise(s.options, s.backends, s.runs, wider).lines)
        if (l.question == "Which schedule balances uneven work (descending order)?") firm = l.answer;
    CHECK_THAT(firm, Catch::Contains("took 1.61x [1.54–1.62] as long"));
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

TEST_CASE("analysis: the simd answer names the fastest one-core path, and says so when no vector path beat the exact loop") {
    Synthetic s;
    s.options.sizes = {1000};
    s.options.workloads = {"sum"};
    s.runs = {synthetic("serial", 1, 1000, {1.0, 1.0})};
    sumsq::compare::SweepRecord record;
    record.simd.n = 1000000;
    record.simd.kernels = {"exact", "avx2"};
    const auto answer = [&](double avx2_seconds) {
        record.simd.processes.clear();
        for (unsigned round = 0; round < 2; ++round) {
            record.simd.processes.push_back({"exact", "serial", 1, round, 1e-3, false});
            record.simd.processes.push_back({"avx2", "serial", 1, round, avx2_seconds, false});
        }
        const auto a = sumsq::compare::analyse(s.options, s.backends, s.runs, record);
        for (const auto& line : sumsq::compare::summarise(s.options, s.backends, s.runs, a).lines)
            if (line.evidence == "simd") return line.answer;
        return std::string("no answer");
    };
    // Faster: named with its ratio (1 ms / 0.05 ms = 20x) and both speeds.
    const std::string faster = answer(5e-5);
    CHECK_THAT(faster, Catch::StartsWith("At sum N=1e6 on one core, the avx2 path ran 20"));
    CHECK_THAT(faster, Catch::Contains("(0.050 vs 1.000 ns/element)"));
    // Slower (a sanitizer's -O1 build does this): said, not left out.
    CHECK_THAT(answer(2e-3), Catch::StartsWith("At sum N=1e6 on one core no vector path ran faster than the exact 128-bit loop (1.000 ns/element)"));
}

TEST_CASE("analysis: a row whose own threads waited for a CPU, with a CPU each and no other work, is named - PSI's share per process") {
    Synthetic s;
    s.options.sizes = {1000};
    s.options.workloads = {"sum"};
    s.backends.push_back(row("pool", false));
    s.runs = {synthetic("serial", 1, 1000, {1.0, 1.0, 1.0}), synthetic("threads", 2, 1000, {0.6, 0.9, 0.7}),
              synthetic("pool", 2, 1000, {0.5, 0.5, 0.5})};
    const auto figures = [](sumsq::compare::Run& r, std::vector<double> waited, unsigned cpus) {
        for (double w : waited) {
            sumsq::compare::ProcessRecord p;
            p.interference.wall_seconds = 2.0, p.interference.cpus = cpus, p.interference.run_delay_seconds = 2.0 * w;
            p.interference.machine_cpus = 2;
            r.process_records.push_back(p);
        }
    };
    figures(s.runs[1], {0.25, 0.02, 0.30}, 2);  // median 25%
    figures(s.runs[2], {0.01, 0.04, 0.03}, 2);  // median 3%
    const auto answer = [&] {
        const auto a = s.analyse();
        for (const auto& line : sumsq::compare::summarise(s.options, s.backends, s.runs, a).lines)
            if (line.question == "Did every thread get a CPU of its own?") return line.answer;
        return std::string("no answer");
    };
    const auto a = s.analyse();
    CHECK(a.of(s.runs, s.runs[1]).waited_for_cpu == Approx(0.25));
    CHECK(std::isnan(a.of(s.runs, s.runs[0]).waited_for_cpu));  // one worker: nothing to say
    CHECK_THAT(answer(), Catch::StartsWith("Not always: with a CPU per thread and no other work beside them (PSI cpu some), threads's threads "
                                           "waited 25% at sum N=1e3 (2 threads); every other backend's rows at most 3%."));
    // Several backends: how many rows, then each one's worst row, the longest wait first.
    s.runs[2].process_records.clear();
    figures(s.runs[2], {0.40, 0.35, 0.45}, 2);  // median 40%
    CHECK_THAT(answer(), Catch::StartsWith("Not always: with a CPU per thread and no other work beside them (PSI cpu some), the threads of 2 "
                                           "rows waited for a CPU 10% of the time or more; the worst row of each backend: pool 40% at sum "
                                           "N=1e3 (2 threads), threads 25% at sum N=1e3 (2 threads). Where a thread runs"));
    s.runs[2].process_records.clear();
    figures(s.runs[2], {0.01, 0.04, 0.03}, 2);
    // Allowed one CPU for two threads: waiting by design, not counted (the pool's 3% is then the only figure).
    s.runs[1].process_records.clear();
    figures(s.runs[1], {0.25, 0.5, 0.30}, 1);
    CHECK(std::isnan(s.analyse().of(s.runs, s.runs[1]).waited_for_cpu));
    CHECK(answer() == "Yes: with a CPU per thread, no row's threads waited for a CPU more than 3% of the time (PSI cpu some).");
    // The placement probe closes the answer with its counts; past half the tries beside, with what that does.
    s.record.placement = {.trials = 50, .woken_beside = 7, .started_beside = 20, .wake_median_s = 55e-6};
    CHECK(answer() == "Yes: with a CPU per thread, no row's threads waited for a CPU more than 3% of the time (PSI cpu some). Before the "
                      "sweep, with another CPU allowed, a sleeping thread that a busy thread woke first ran on the waker's CPU in 7 of 50 "
                      "tries (55.00 µs from the wake to running, median), and a thread a busy thread started ran on the starter's CPU in 20 "
                      "of 50.");
    s.record.placement.started_beside = 37;
    CHECK_THAT(answer(), Catch::EndsWith("on the starter's CPU in 37 of 50. This OS puts a thread beside the one that woke or started it: "
                                         "until it moves one (milliseconds later), a call's pieces take turns on one CPU."));
    s.record.placement = {};
    // Unmeasured (no PSI): no answer at all.
    for (auto& r : s.runs)
        for (auto& p : r.process_records) p.interference.run_delay_seconds = -1;
    CHECK(answer() == "no answer");
}
