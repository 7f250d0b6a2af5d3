// sumsq-compare's statistics: the pairing order, the sign-test interval against known
// distributions, the disturbance classifier, the budget stop, and --diff of a file against itself.
#include "compare/analysis/analysis.hpp"
#include "compare/run/interference.hpp"
#include "compare/run/sweep.hpp"
#include "compare/views/diff.hpp"
#include "process.hpp"
#include "stats/statistics.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;
using namespace sumsq::compare;

// A standard normal from a seeded generator, by Box-Muller: the same on every standard library.
double normal(std::mt19937_64& random) {
    const double u = (double(random() >> 11) + 0.5) / 9007199254740992.0, v = (double(random() >> 11) + 0.5) / 9007199254740992.0;
    return std::sqrt(-2 * std::log(u)) * std::cos(2 * M_PI * v);
}

}  // namespace

TEST_CASE("pairing: ABBA - each X is paired with the serial process next to it, half before and half after, one serial process per two") {
    for (std::size_t k : {1u, 2u, 3u, 5u, 8u})
        for (unsigned round : {0u, 1u, 2u}) {
            const auto partner = pair_partners(k, round);
            REQUIRE(partner.size() == k);
            // The round's sequence: S, then the members with an S after every second one and after the last.
            std::vector<int> sequence{-1};  // -1: a serial process; i: member i
            for (std::size_t i = 0; i < k; ++i) {
                sequence.push_back(int(i));
                if (i % 2 == 1 || i + 1 == k) sequence.push_back(-1);
            }
            std::vector<std::size_t> serial_at;  // position of each serial process in the sequence
            for (std::size_t at = 0; at < sequence.size(); ++at)
                if (sequence[at] == -1) serial_at.push_back(at);
            CHECK(serial_at.size() == (k + 1) / 2 + 1);
            std::size_t serial_first = 0;
            for (std::size_t i = 0; i < k; ++i) {
                REQUIRE(partner[i] < serial_at.size());
                const std::size_t me = std::size_t(std::find(sequence.begin(), sequence.end(), int(i)) - sequence.begin());
                const std::size_t ref = serial_at[partner[i]];
                CHECK((ref + 1 == me || me + 1 == ref));  // adjacent in time
                serial_first += ref < me;
            }
            CHECK(serial_first * 2 >= k - 1);  // within a round: as many S-then-X as X-then-S, give or take one
            CHECK(serial_first * 2 <= k + 1);
            if (k % 2 == 1) CHECK(pair_partners(k, round + 1)[k - 1] != partner[k - 1]);  // a last one alone swaps sides by round
        }
}

TEST_CASE("sign-test interval: exact coverage from the binomial, min..max flagged below 6 pairs") {
    using sumsq::stats::sign_test_estimate;
    const auto five = sign_test_estimate({1.1, 1.2, 1.3, 1.4, 1.5});
    CHECK_FALSE(five.reached);
    CHECK(five.lo == Approx(1.1));
    CHECK(five.hi == Approx(1.5));
    CHECK(five.coverage == Approx(1 - 2.0 / 32));
    const auto six = sign_test_estimate({1.1, 1.2, 1.3, 1.4, 1.5, 1.6});
    CHECK(six.reached);
    CHECK(six.coverage == Approx(1 - 2.0 / 64));
    CHECK(six.lo == Approx(1.1));
    CHECK(six.hi == Approx(1.6));
    CHECK(six.estimate == Approx(std::sqrt(1.3 * 1.4)));  // exp(median of logs): the geometric middle
    // n = 20: k = 6 (2 P(B <= 5) = 0.041), so x_(6) .. x_(15).
    std::vector<double> twenty;
    for (int i = 1; i <= 20; ++i) twenty.push_back(i);
    const auto e = sign_test_estimate(twenty);
    CHECK(e.reached);
    CHECK(e.lo == 6);
    CHECK(e.hi == 15);
    CHECK(e.coverage == Approx(1 - 2 * sumsq::stats::binomial_half_cdf(20, 5)));
    CHECK(e.coverage >= 0.95);
    CHECK(sumsq::stats::median({3, 1, 2}) == 2);
    CHECK(std::isnan(sumsq::stats::median({})));
}

TEST_CASE("sign-test interval on seeded synthetic pairs with a known ratio: coverage at least 95%, width shrinks with pairs") {
    std::mt19937_64 random(20261201);
    const double ratio = 1.8;
    for (const char* shape : {"lognormal", "heavy"}) {
        std::size_t covered = 0, trials = 2000;
        double width12 = 0, width48 = 0;
        for (std::size_t t = 0; t < trials; ++t) {
            for (std::size_t n : {12u, 48u}) {
                std::vector<double> ratios;
                for (std::size_t i = 0; i < n; ++i) {
                    // Heavy: one pair in five lost a CPU on one side (the noise is between processes).
                    double noise = 0.08 * normal(random);
                    if (std::string(shape) == "heavy" && random() % 5 == 0) noise += (random() % 2 ? 0.5 : -0.5);
                    ratios.push_back(ratio * std::exp(noise));
                }
                const auto e = sumsq::stats::sign_test_estimate(ratios);
                REQUIRE(e.reached);
                if (n == 12) covered += e.lo <= ratio && ratio <= e.hi, width12 += e.half_width();
                else width48 += e.half_width();
            }
        }
        INFO(shape << ": coverage " << double(covered) / trials);
        CHECK(double(covered) / trials >= 0.95);  // exact >= 0.961 for n = 12; sampling error ~0.004
        CHECK(double(covered) / trials <= 0.995);
        CHECK(width48 < 0.7 * width12);
    }
}

TEST_CASE("disturbance: foreign CPU or steal above the threshold of the CPU budget, never a row's own waiting") {
    Interference f;
    f.measured = true, f.cpus = 2, f.wall_seconds = 1.0, f.tick_seconds = 0.01;
    CHECK_FALSE(classify(f, 0.05).disturbed);
    f.foreign_cpu_seconds = 0.2;  // 10% of 2 CPU-seconds
    auto d = classify(f, 0.05);
    CHECK(d.disturbed);
    CHECK_THAT(d.reason, Catch::Contains("other work took 10% of its 2 CPUs"));
    CHECK_FALSE(classify(f, 0.2).disturbed);  // the threshold is settable
    f.foreign_cpu_seconds = 0.11;  // 5.5%, but within one tick per CPU of 5%: rounding, not disturbance
    CHECK_FALSE(classify(f, 0.05).disturbed);
    f.foreign_cpu_seconds = 0, f.steal_seconds = 0.3;
    d = classify(f, 0.05);
    CHECK(d.disturbed);
    CHECK_THAT(d.reason, Catch::Contains("hypervisor stole 15%"));
    // An oversubscribed row waits for its own CPUs: many involuntary switches and run delay, no foreign CPU.
    f.steal_seconds = 0, f.involuntary_switches = 100000, f.run_delay_seconds = 5;
    CHECK_FALSE(classify(f, 0.05).disturbed);
    f.measured = false, f.foreign_cpu_seconds = 10;
    CHECK_FALSE(classify(f, 0.05).disturbed);  // unreadable /proc/stat: nothing is claimed
}

TEST_CASE("interference from two counter readings: the allowed CPUs' busy ticks minus the process's own CPU time") {
    CounterReading before, after;
    before.busy = {100, 200, 300}, before.steal = {0, 0, 0}, before.own_cpu_seconds = 1.0, before.involuntary_switches = 5;
    before.pressure_some_seconds = 10, before.clock = 50;
    after.busy = {150, 260, 900}, after.steal = {0, 4, 0}, after.own_cpu_seconds = 1.8, after.involuntary_switches = 9;
    after.pressure_some_seconds = 10.25, after.clock = 51;
    const Interference f = interference_between(before, after, {0, 1});  // CPU 2 is not the process's
    const double tick = f.tick_seconds;
    CHECK(f.cpus == 2);
    CHECK(f.wall_seconds == Approx(1.0));
    CHECK(f.foreign_cpu_seconds == Approx(std::max(0.0, 110 * tick - 0.8)));
    CHECK(f.steal_seconds == Approx(4 * tick));
    CHECK(f.involuntary_switches == 4);
    CHECK(f.run_delay_seconds == Approx(0.25));
    const CounterReading now = read_counters();  // the real counters can be read here (or the figures say unmeasured)
    CHECK(now.clock > 0);
}

TEST_CASE("enough samples: rounds continue while undecided, stop at the budget or the round cap - --rounds is the minimum") {
    CHECK(more_rounds(0, 3, 0, 100, true) == MoreRounds::yes);     // the minimum always runs
    CHECK(more_rounds(2, 3, 0, 100, false) == MoreRounds::yes);
    CHECK(more_rounds(3, 3, 0, 0, false) == MoreRounds::no_budget);  // --budget 0: exactly --rounds
    CHECK(more_rounds(3, 3, 60, 10, true) == MoreRounds::decided);
    CHECK(more_rounds(3, 3, 60, 10, false) == MoreRounds::yes);
    CHECK(more_rounds(3, 3, 60, 61, false) == MoreRounds::budget_spent);
    CHECK(more_rounds(3 * max_round_factor, 3, 60, 10, false) == MoreRounds::round_cap);
}

TEST_CASE("analysis: a row's estimate comes from its pairs, disturbed pairs are left out, efficiency only at 2+ workers") {
    CompareOptions o;
    o.sizes = {1000};
    o.workloads = {"sum"};
    auto make = [](const std::string& backend, unsigned threads, std::vector<Pair> pairs) {
        Run r;
        r.backend = backend, r.workload = "sum", r.n = 1000, r.threads = threads, r.status = Run::Status::ok;
        for (const Pair& p : pairs)
            if (!p.disturbed) r.reports.push_back({{"wall_seconds", {{"median", p.self}, {"min", p.self * 0.9}, {"max", p.self * 1.2}, {"all", {p.self}}}}});
        r.pairs = std::move(pairs);
        r.data = r.reports.back();
        return r;
    };
    std::vector<Pair> aa, two, one;
    for (int i = 0; i < 8; ++i) {
        aa.push_back({1.0, 1.0 + 0.01 * (i % 3 - 1), i % 2 == 0, false});
        two.push_back({1.0 + 0.02 * i, 0.5, i % 2 == 0, false});
        one.push_back({1.0, 1.0 + 0.01 * (i % 2), i % 2 == 0, false});
    }
    two.push_back({1.0, 5.0, true, true});  // disturbed: 0.2x, left out
    BackendBinary serial, threads;
    serial.name = "serial", serial.one_thread = true, threads.name = "threads";
    const std::vector<Run> runs{make("serial", 1, aa), make("threads", 1, one), make("threads", 2, two)};
    const Analysis a = analyse(o, {serial, threads}, runs, {});
    const ConfigStats& s = a.of(runs, runs[2]);
    REQUIRE(s.speedup);
    CHECK(s.pairs == 8);
    CHECK(s.pairs_disturbed == 1);
    CHECK(s.enough_pairs);
    CHECK(s.decided);
    CHECK(s.ahead);
    CHECK(s.speedup->lo >= 2.0);
    REQUIRE(s.efficiency);
    CHECK(s.efficiency->mid == Approx(s.speedup->mid / 2));
    CHECK(s.rep_min == Approx(0.45));
    CHECK(s.rep_max == Approx(0.6));
    const ConfigStats& single = a.of(runs, runs[1]);
    CHECK_FALSE(single.efficiency);  // one worker: no efficiency to speak of
    CHECK(single.indistinguishable);
    REQUIRE(a.noise.size() == 1);  // serial's A/A pairs
    REQUIRE(a.noise[0].aa);
    CHECK(a.noise[0].aa->contains(1.0));
    REQUIRE(a.break_even.at("threads"));
}

TEST_CASE("diff: paired speedups are the same when their intervals overlap or differ by under 2%, else faster or slower") {
    const auto stats = [](double lo, double mid, double hi) {
        ConfigStats s;
        s.speedup = Interval{lo, mid, hi};
        s.enough_pairs = true;
        return s;
    };
    CHECK(judge_speedups(stats(1.9, 2.0, 2.1), stats(1.95, 2.05, 2.1)).verdict == "same");       // overlap
    CHECK(judge_speedups(stats(1.000, 1.001, 1.002), stats(0.995, 0.9965, 0.998)).verdict == "same");  // apart by 0.45%: a drift
    CHECK(judge_speedups(stats(1.98, 2.0, 2.02), stats(1.78, 1.8, 1.82)).verdict == "slower");
    CHECK(judge_speedups(stats(1.78, 1.8, 1.82), stats(1.98, 2.0, 2.02)).verdict == "faster");
    ConfigStats few = stats(1.78, 1.8, 1.82);
    few.enough_pairs = false;
    CHECK(judge_speedups(stats(1.98, 2.0, 2.02), few).verdict == "too few");
}

TEST_CASE("diff: a results.json against itself is the same everywhere") {
    const std::string bin = SUMSQ_BIN_DIR, compare = bin + "/sumsq-compare";
    const fs::path dir = fs::temp_directory_path() / ("sumsq-diff-self-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    const auto run = sumsq::test::run_process(compare, {"--backends", "serial,threads", "--workloads", "sum", "--sizes", "1e3", "--threads", "1,2",
                                                       "--reps", "1", "--warmup", "0", "--rounds", "2", "--budget", "0", "--out", dir.string()});
    REQUIRE(run.exit_code == 0);
    const std::string file = (dir / "results.json").string();
    std::ifstream in(file);
    const auto doc = nlohmann::json::parse(in);
    CHECK(doc["disturbed_processes"].contains("count"));
    for (const auto& r : doc["runs"]) {
        CHECK(r.contains("pairs"));
        CHECK(r.contains("confidence"));
        REQUIRE(r["processes"].is_array());
        CHECK(r["processes"].size() >= 2);
        CHECK(r["processes"][0].contains("foreign_cpu_seconds"));
        CHECK(r["wall_seconds"].contains("rep_min"));
    }
    const auto diff = sumsq::test::run_process(compare, {"--diff", file, file});
    REQUIRE(diff.exit_code == 0);
    std::size_t rows = 0;
    for (const auto& line : sumsq::test::lines(diff.out))
        if (line.find(" sum ") != std::string::npos) {
            ++rows;
            INFO(line);
            CHECK(line.size() >= 4);
            CHECK(line.substr(line.size() - 4) == "same");
        }
    CHECK(rows == 3);
    fs::remove_all(dir);
}
