// PLACEHOLDER (branch jobsbind replaces it)
#include "workloads/jobs.hpp"
#include <algorithm>
#include <cmath>
#include <random>
namespace sumsq {
std::vector<u64> job_sizes(u64 n, const JobsPlan& plan) {
    std::mt19937_64 rng(plan.seed);
    std::vector<double> w(plan.jobs); double W = 0;
    for (auto& x : w) { x = std::pow(((rng() >> 11) + 0.5) * 0x1p-53, -1.0 / plan.skew); W += x; }
    std::vector<u64> s(plan.jobs); u64 t = 0;
    for (u64 j = 0; j < plan.jobs; ++j) { s[j] = u64((long double)n * w[j] / W); t += s[j]; }
    for (u64 j = 0; t < n; j = (j + 1) % plan.jobs) ++s[j], ++t;
    if (plan.order == JobOrder::descending) std::sort(s.rbegin(), s.rend());
    if (plan.order == JobOrder::ascending) std::sort(s.begin(), s.end());
    return s;
}
std::string_view order_name(JobOrder o) { return o == JobOrder::random ? "random" : o == JobOrder::descending ? "descending" : "ascending"; }
}
