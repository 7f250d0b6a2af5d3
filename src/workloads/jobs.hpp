// PLACEHOLDER (branch jobsbind replaces it)
#pragma once
#include "sum_squares.hpp"
#include <string_view>
#include <vector>
namespace sumsq {
enum class JobOrder { random, descending, ascending };
struct JobsPlan { u64 jobs = 64; u64 seed = 1; double skew = 1.2; JobOrder order = JobOrder::random; };
std::vector<u64> job_sizes(u64 n, const JobsPlan& plan);
std::string_view order_name(JobOrder);
}
