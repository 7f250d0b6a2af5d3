#include "jobs.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

namespace sumsq {

std::vector<u64> job_sizes(u64 n, const JobsPlan& plan) {
    const std::size_t count = plan.jobs;
    std::mt19937_64 draw(plan.seed);
    std::vector<long double> weight(count);
    long double total = 0;
    for (auto& w : weight) {
        const long double u = (static_cast<long double>(draw() >> 11) + 0.5L) * 0x1p-53L;  // in (0, 1)
        total += w = std::pow(u, -1.0L / static_cast<long double>(plan.skew));
    }
    std::vector<u64> size(count);
    std::vector<long double> fraction(count);
    u64 given = 0;
    for (std::size_t j = 0; j < count; ++j) {
        const long double share = static_cast<long double>(n) * (weight[j] / total);
        size[j] = std::min<u64>(n, static_cast<u64>(std::floor(share)));
        fraction[j] = share - static_cast<long double>(size[j]);
        given += size[j];
    }
    // Hand out what rounding left (or, should rounding have overshot, take it back) by fraction.
    std::vector<std::size_t> by_fraction(count);
    std::iota(by_fraction.begin(), by_fraction.end(), std::size_t{0});
    std::stable_sort(by_fraction.begin(), by_fraction.end(), [&](std::size_t a, std::size_t b) { return fraction[a] > fraction[b]; });
    for (std::size_t k = 0; given < n; k = (k + 1) % count) ++size[by_fraction[k]], ++given;
    for (std::size_t k = count; given > n; k = k == 0 ? count : k - 1)
        if (k < count && size[by_fraction[k]] > 0) --size[by_fraction[k]], --given;
    if (plan.order == JobOrder::descending) std::sort(size.begin(), size.end(), std::greater<>());
    if (plan.order == JobOrder::ascending) std::sort(size.begin(), size.end());
    return size;
}

}  // namespace sumsq
