// sumsq-bench-switch — cost of one yield + resume through the interleaved backend's scheduler
// (kernels/support/scheduler.hpp, the product's code). Two tasks yield to each other M times each; the
// time per switch is the median over repetitions of wall / (2M). A benchmark, not a test.
#include "support/scheduler.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <vector>

namespace {

using sumsq::coop::Scheduler;
using sumsq::coop::Task;

Task yielder(Scheduler& s, std::uint64_t times, std::uint64_t& counter) {
    for (std::uint64_t k = 0; k < times; ++k) {
        ++counter;
        co_await s.yield();
    }
}

}  // namespace

int main() {
    constexpr std::uint64_t yields_per_task = 5'000'000;
    constexpr int reps = 7;
    std::vector<double> ns_per_switch;
    std::uint64_t counter = 0;
    for (int r = 0; r < reps + 1; ++r) {  // the first is a warm-up
        Scheduler s;
        s.spawn(yielder(s, yields_per_task, counter));
        s.spawn(yielder(s, yields_per_task, counter));
        const auto begin = std::chrono::steady_clock::now();
        s.run();
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
        if (r > 0) ns_per_switch.push_back(seconds * 1e9 / (2.0 * yields_per_task));
    }
    std::sort(ns_per_switch.begin(), ns_per_switch.end());
    fmt::print("scheduler yield+resume: median {:.2f} ns (min {:.2f}, max {:.2f}; {} reps of {} switches; counter {})\n",
               ns_per_switch[reps / 2], ns_per_switch.front(), ns_per_switch.back(), reps, 2 * yields_per_task, counter);
}
