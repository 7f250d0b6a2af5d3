// jobs.hpp — the jobs workload's sizes: J jobs whose sizes n_j follow a seeded heavy-tailed
// distribution and add up to N exactly, so a batch does as many element operations as `sum` at N.
//
// The distribution: job j draws a Pareto weight w_j = U_j^(−1/skew), U_j uniform in (0, 1) from
// std::mt19937_64(seed) (U = (x >> 11 + ½)·2^−53, written out so every platform draws the same
// numbers); n_j = N·w_j / Σw rounded down, and the N − Σ n_j left over go one each to the jobs with
// the largest fractional parts (ties to the lower index). `skew` is the Pareto shape α: the smaller
// it is, the heavier the tail. The default, α = 2 with seed 1 and 64 jobs, gives a largest job of
// 22% of N and a median job of 0.9% (seed 2: 5.5% and 1.3%); below α = 1 one job often holds most
// of N; at α = 10 the jobs are nearly equal. Accepted: 0.1 … 10.
// Orders: random (as drawn), descending, ascending — where the large jobs sit in the list is what
// decides how badly a static split fares.
#pragma once

#include "contract/sum_squares.hpp"
#include "text/names.hpp"

#include <string_view>
#include <vector>

namespace sumsq {

enum class JobOrder { random, descending, ascending };
inline constexpr Named<JobOrder> job_order_names[] = {
    {JobOrder::random, "random"}, {JobOrder::descending, "descending"}, {JobOrder::ascending, "ascending"}};

struct JobsPlan {
    u64 jobs = 64;
    u64 seed = 1;
    double skew = 2.0;
    JobOrder order = JobOrder::random;
};

inline constexpr double min_skew = 0.1, max_skew = 10;

// Exactly plan.jobs sizes adding up to n exactly (zero-size jobs when n < jobs).
std::vector<u64> job_sizes(u64 n, const JobsPlan& plan);

inline std::string_view order_name(JobOrder order) { return name_of(job_order_names, order); }

}  // namespace sumsq
