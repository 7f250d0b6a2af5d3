// statistics.hpp — the statistics every part of the project uses, written once: the median, and the
// paired estimate with its distribution-free sign-test interval. Header-only: the one-backend
// driver, sumsq-bandwidth and sumsq-compare all include it.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <vector>

namespace sumsq::stats {

// The median; NaN when empty (the mean of the two middle values for an even count).
inline double median(std::vector<double> v) {
    if (v.empty()) return std::numeric_limits<double>::quiet_NaN();
    std::sort(v.begin(), v.end());
    const double low = v[(v.size() - 1) / 2], high = v[v.size() / 2];
    return low + (high - low) / 2;  // not (low + high) / 2, which overflows to inf near the largest double
}

// P(B <= k) for B ~ binomial(n, 1/2).
inline double binomial_half_cdf(std::size_t n, std::size_t k) {
    double term = std::pow(0.5, double(n)), sum = 0;  // C(n, 0) / 2^n
    for (std::size_t i = 0; i <= k && i <= n; ++i) {
        sum += term;
        term = term * double(n - i) / double(i + 1);
    }
    return std::min(sum, 1.0);
}

// A paired estimate of ratios (e.g. serial time / this time, one per pair of adjacent processes):
// estimate = exp(median of the log-ratios); interval = the sign-test (order-statistic) interval
// [x_(k), x_(n+1-k)] with the largest k whose exact coverage 1 − 2 P(B <= k−1), B ~ binomial(n, 1/2),
// is at least `confidence`. It assumes only that the pairs are independent and that the log-ratio's
// median is the quantity of interest: no normality, no resampling. With too few pairs to reach the
// confidence (fewer than 6 at 95%) the interval is min..max and `reached` is false; `coverage` is then
// the exact coverage of min..max (0 for one pair).
struct PairedEstimate {
    std::size_t pairs = 0;
    double estimate = std::numeric_limits<double>::quiet_NaN();
    double lo = std::numeric_limits<double>::quiet_NaN(), hi = std::numeric_limits<double>::quiet_NaN();
    double coverage = 0;   // the interval's exact coverage
    bool reached = false;  // coverage >= the confidence asked for
    // Half-width relative to the estimate, in log terms: sqrt(hi / lo) − 1 (0.05: ±5%).
    double half_width() const { return pairs ? std::sqrt(hi / lo) - 1 : std::numeric_limits<double>::infinity(); }
};

// The median of `values` with the sign-test interval for it: the k-th smallest and k-th largest
// values, k the largest order statistic whose exact binomial coverage reaches `confidence` (min..max
// when none does: then `reached` is false). Distribution-free: only the order of the values counts.
inline PairedEstimate sign_test_median(std::vector<double> values, double confidence = 0.95) {
    PairedEstimate e;
    values.erase(std::remove_if(values.begin(), values.end(), [](double v) { return !std::isfinite(v); }), values.end());
    e.pairs = values.size();
    if (values.empty()) return e;
    std::sort(values.begin(), values.end());
    const std::size_t n = values.size();
    e.estimate = median(values);
    std::size_t k = 0;  // 1-based order statistic; 0: none reaches the confidence
    for (std::size_t j = 1; 2 * j <= n + 1; ++j) {
        const double coverage = 1 - 2 * binomial_half_cdf(n, j - 1);
        if (coverage + 1e-12 >= confidence) k = j, e.coverage = coverage;
        else break;
    }
    e.reached = k > 0;
    if (!e.reached) k = 1, e.coverage = n > 1 ? 1 - 2 * binomial_half_cdf(n, 0) : 0;
    e.lo = values[k - 1];
    e.hi = values[n - k];
    return e;
}

// Ratios (speedups): the sign test on their logarithms, so that the estimate is the geometric
// middle and the interval is symmetric in log terms.
inline PairedEstimate sign_test_estimate(const std::vector<double>& ratios, double confidence = 0.95) {
    std::vector<double> logs;
    for (double r : ratios)
        if (r > 0 && std::isfinite(r)) logs.push_back(std::log(r));
    PairedEstimate e = sign_test_median(std::move(logs), confidence);
    if (e.pairs == 0) return e;
    e.estimate = std::exp(e.estimate), e.lo = std::exp(e.lo), e.hi = std::exp(e.hi);
    return e;
}

}  // namespace sumsq::stats
