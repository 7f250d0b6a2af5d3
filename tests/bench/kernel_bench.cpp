// sumsq-bench-kernel — the range kernel against the reference kernel (reference_kernel.hpp), one
// thread: every formulation of every path this CPU runs, the product's entry sum_squares_range (what
// `sumsq-serial -n N` times) and the AVX-512 and AVX2 references, over [0, N) (default 1e9).
// Interleaved: each round runs every kernel once, in an order rotated from round to round, and each
// of ours right next to the reference of its instruction set (A B in even rounds, B A in odd ones),
// so the pair sees the same machine; per kernel the best and the median ns/element in wall time and
// in thread CPU time (which leaves out the time other processes held the CPU: on a shared machine
// the better measure of the kernel); ours/ref is the median over rounds of the pair's ratio, in CPU
// and in wall time (< 1 is faster). The core clock is measured every round with a chain of dependent
// adds (one per cycle) just before and after each run, so each run's CPU time converts to cycles
// (median cycles/element beside ns/element). Every result is checked against the closed form. Usage: sumsq-bench-kernel [N] [rounds]   (run by make bench; never by ctest)
#include "range/paths.hpp"
#include "contract/reference.hpp"
#include "reference_kernel.hpp"
#include "throughput.hpp"
#include "contract/sum_squares.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>

namespace {

using sumsq::u128;
using sumsq::u64;

double thread_seconds() {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

// The core clock in GHz: 2·10^7 dependent register adds take 2·10^7 cycles (latency 1 on every
// x86-64 core), about 6 ms. The source is a register, not an immediate: Golden Cove (Sapphire
// Rapids, Alder Lake P-cores) folds chains of `add $imm` at rename, several per cycle — measured
// here, the immediate form read 19.5 GHz on a Xeon whose clock is near 4.
double clock_ghz() {
    constexpr u64 iterations = 2'000'000;
    u64 x = 0;
    const u64 one = 1;
    const double begin = thread_seconds();
    for (u64 k = 0; k < iterations; ++k)
        asm volatile("add %1, %0\n\tadd %1, %0\n\tadd %1, %0\n\tadd %1, %0\n\tadd %1, %0\n\t"
                     "add %1, %0\n\tadd %1, %0\n\tadd %1, %0\n\tadd %1, %0\n\tadd %1, %0" : "+r"(x) : "r"(one));
    return 10.0 * iterations / (thread_seconds() - begin) / 1e9;
}

struct Kernel {
    std::string name;
    u128 (*sum)(u64, u64) noexcept;
    int reference = -1;  // index of the reference kernel it is compared with, or -1
    std::vector<double> wall{}, cpu{}, cycles{};  // per run: seconds, seconds, cycles/element
    bool ok = true;
};

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

}  // namespace

int main(int argc, char** argv) {
    const u64 n = argc > 1 ? static_cast<u64>(std::strtod(argv[1], nullptr)) : 1'000'000'000;
    const int rounds = argc > 2 ? std::atoi(argv[2]) : 7;
    if (n == 0 || n > sumsq::range::fast_limit || rounds < 1) {
        std::fprintf(stderr, "sumsq-bench-kernel: usage: sumsq-bench-kernel [N in 1..2^32] [rounds >= 1]\n");
        return 2;
    }
    const bool avx512 = __builtin_cpu_supports("avx512f"), avx2 = __builtin_cpu_supports("avx2");
    std::vector<Kernel> kernels;
    int ref512 = -1, ref256 = -1;
    if (avx512) {
        ref512 = static_cast<int>(kernels.size());
        kernels.push_back({"reference avx512 (4 × 8 lanes, multiply)", sumsq::bench::reference_avx512});
    }
    if (avx2) {
        ref256 = static_cast<int>(kernels.size());
        kernels.push_back({"reference avx2 (4 × 4 lanes, multiply)", sumsq::bench::reference_avx2});
    }
    const auto& product = sumsq::range::active();
    kernels.push_back({fmt::format("ours: sum_squares_range = {}/{}", product.name, product.formulations.front().name),
                       [](u64 lo, u64 hi) noexcept { return sumsq::sum_squares_range(lo, hi); },
                       product.name.starts_with("avx512") ? ref512 : product.name == "avx2" ? ref256 : -1});
    for (const auto& path : sumsq::range::paths()) {
        if (!path.supported()) {
            fmt::print("{}: not run, this CPU lacks it (its code is tested emulated where it is AVX-512)\n", path.name);
            continue;
        }
        for (const auto& f : path.formulations)
            kernels.push_back({fmt::format("{}/{}", path.name, f.name), f.sum,
                               path.name.starts_with("avx512") ? ref512 : path.name == "avx2" ? ref256 : -1});
    }
    const u128 expected = sumsq::closed_form(n);
    for (auto& k : kernels) k.ok = k.sum(0, n) == expected;  // warm-up, checked
    std::vector<double> ghzs;  // the clock around every run
    // per kernel: ours ÷ reference, per round, in CPU and in wall time
    std::vector<std::vector<double>> paired_cpu(kernels.size()), paired_wall(kernels.size());
    auto run = [&](Kernel& k) {  // the times go into k
        const double ghz_before = clock_ghz();
        const double cpu_begin = thread_seconds();
        const auto begin = std::chrono::steady_clock::now();
        const u128 result = k.sum(0, n);
        const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
        k.cpu.push_back(thread_seconds() - cpu_begin);
        k.wall.push_back(wall);
        const double ghz = (ghz_before + clock_ghz()) / 2;
        ghzs.push_back(ghz);
        k.cycles.push_back(k.cpu.back() * ghz * 1e9 / static_cast<double>(n));
        k.ok = k.ok && result == expected;
    };
    const auto count = kernels.size();
    for (int r = 0; r < rounds; ++r) {
        for (std::size_t step = 0; step < count; ++step) {
            const std::size_t index = (static_cast<std::size_t>(r) + step) % count;
            Kernel& k = kernels[index];
            if (k.reference < 0) {
                if (!k.name.starts_with("reference")) run(k);  // references run beside each of ours
                continue;
            }
            Kernel& ref = kernels[static_cast<std::size_t>(k.reference)];
            if (r % 2) run(ref);
            run(k);
            if (r % 2 == 0) run(ref);
            paired_cpu[index].push_back(k.cpu.back() / ref.cpu.back());
            paired_wall[index].push_back(k.wall.back() / ref.wall.back());
        }
    }
    std::string measured;
    for (const auto& t : sumsq::bench::measure_throughput(clock_ghz))
        measured += fmt::format("{}{} {:.2f}", measured.empty() ? "" : ", ", t.instruction, t.per_cycle);
    fmt::print("this core retires per cycle (12 independent chains, measured): {}\n", measured);
    const double per = 1e9 / static_cast<double>(n);  // seconds -> ns/element
    fmt::print("N = {}, one thread, {} interleaved rounds; core clock {:.2f} GHz (median around the runs; {:.2f}–{:.2f})\n",
               n, rounds, median(ghzs), *std::min_element(ghzs.begin(), ghzs.end()), *std::max_element(ghzs.begin(), ghzs.end()));
    fmt::print("{:<46} {:>15} {:>15} {:>7} {:>13}\n", "", "wall", "CPU", "", "ours/ref");
    fmt::print("{:<46} {:>7} {:>7} {:>7} {:>7} {:>7} {:>6} {:>6}  {}\n", "ns/element", "best", "median", "best", "median",
               "cycles", "CPU", "wall", "check");
    bool all_ok = true;
    for (const auto& k : kernels) {
        const auto index = static_cast<std::size_t>(&k - kernels.data());
        const auto ratio = [](const std::vector<double>& r) { return r.empty() ? std::string() : fmt::format("{:.3f}", median(r)); };
        fmt::print("{:<46} {:>7.4f} {:>7.4f} {:>7.4f} {:>7.4f} {:>7.3f} {:>6} {:>6}  {}\n", k.name,
                   *std::min_element(k.wall.begin(), k.wall.end()) * per, median(k.wall) * per,
                   *std::min_element(k.cpu.begin(), k.cpu.end()) * per, median(k.cpu) * per, median(k.cycles),
                   ratio(paired_cpu[index]), ratio(paired_wall[index]), k.ok ? "OK" : "MISMATCH");
        all_ok = all_ok && k.ok;
    }
    fmt::print("cycles: median cycles/element (each run's CPU time × the clock around it); ours/ref: median over\n"
               "rounds of ours ÷ the reference of the same instruction set run next to it, < 1 is faster\n");
    return all_ok ? 0 : 1;
}
