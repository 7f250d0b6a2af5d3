// sumsq-bench-array — the array path against the index path, one thread, per range-kernel path:
// median ns/element and GB/s of sum_array over N stored u32 values a[i] = i (default 2^28: 1 GiB)
// and of sum over the index range [0, N). Every result is checked against the closed form.
// Usage: sumsq-bench-array [N] [reps]   (run by make bench; never by ctest)
#include "range/paths.hpp"
#include "contract/reference.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <vector>

int main(int argc, char** argv) {
    using namespace sumsq;
    const u64 n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : u64{1} << 28;
    const int reps = argc > 2 ? std::atoi(argv[2]) : 5;
    std::vector<std::uint32_t> values(n);
    for (u64 i = 0; i < n; ++i) values[i] = static_cast<std::uint32_t>(i);
    const u128 expected = closed_form(std::min(n, range::fast_limit));
    auto median_seconds = [&](auto&& run) {
        std::vector<double> seconds;
        bool ok = run() == expected;  // warm-up, checked
        for (int r = 0; r < reps; ++r) {
            const auto begin = std::chrono::steady_clock::now();
            ok = run() == expected && ok;
            seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count());
        }
        std::sort(seconds.begin(), seconds.end());
        return std::pair(seconds[seconds.size() / 2], ok);
    };
    fmt::print("N = {} u32 values ({} MiB), median of {} after 1 warm-up, one thread\n", n, n * 4 >> 20, reps);
    fmt::print("{:<9} {:>14} {:>9} {:>14}  {}\n", "path", "array ns/elem", "GB/s", "index ns/elem", "check");
    for (const range::Path& path : range::paths()) {
        if (!path.supported()) {
            fmt::print("{:<9} not run: this CPU lacks it\n", path.name);
            continue;
        }
        const auto [array_s, array_ok] = median_seconds([&] { return path.sum_array(values.data(), n); });
        const auto [index_s, index_ok] = median_seconds([&] { return path.sum(0, n); });
        fmt::print("{:<9} {:>14.4f} {:>9.2f} {:>14.4f}  {}\n", path.name, array_s / n * 1e9, n * 4 / array_s / 1e9,
                   index_s / n * 1e9, array_ok && index_ok ? "OK" : "MISMATCH");
    }
}
