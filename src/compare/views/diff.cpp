#include "diff.hpp"

#include "compare/analysis/analysis.hpp"
#include "compare/run/load.hpp"

#include "contract/errors.hpp"
#include "text/numbers.hpp"
#include "text/one_line.hpp"
#include "compare/files/results_file.hpp"

#include <fmt/format.h>
#include <fmt/ostream.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <tuple>

namespace sumsq::compare {
namespace {

// Midranks of the pooled samples; returns the rank sum of `a` and whether there were ties.
std::pair<double, bool> rank_sum(const std::vector<double>& a, const std::vector<double>& b) {
    std::vector<std::pair<double, int>> pooled;
    for (double x : a) pooled.push_back({x, 0});
    for (double x : b) pooled.push_back({x, 1});
    std::sort(pooled.begin(), pooled.end());
    double sum = 0;
    bool ties = false;
    for (std::size_t i = 0; i < pooled.size();) {
        std::size_t j = i;
        while (j < pooled.size() && pooled[j].first == pooled[i].first) ++j;
        ties = ties || j - i > 1;
        const double rank = (double(i + 1) + double(j)) / 2;
        for (std::size_t k = i; k < j; ++k)
            if (pooled[k].second == 0) sum += rank;
        i = j;
    }
    return {sum, ties};
}

// Exact P(U <= u) under H0 for sample sizes n, m, by counting arrangements.
double exact_cdf(std::size_t n, std::size_t m, double u) {
    // count[i][j][k]: arrangements of i a's and j b's with U = k
    const std::size_t max_u = n * m;
    std::vector<std::vector<std::vector<double>>> count(n + 1, std::vector<std::vector<double>>(m + 1, std::vector<double>(max_u + 1, 0)));
    for (std::size_t i = 0; i <= n; ++i)
        for (std::size_t j = 0; j <= m; ++j)
            for (std::size_t k = 0; k <= max_u; ++k) {
                if (i == 0 || j == 0) {
                    count[i][j][k] = k == 0 ? 1 : 0;
                    continue;
                }
                // the largest element is an a (it beats all j b's) or a b
                count[i][j][k] = (k >= j ? count[i - 1][j][k - j] : 0) + count[i][j - 1][k];
            }
    double total = 0, below = 0;
    for (std::size_t k = 0; k <= max_u; ++k) {
        total += count[n][m][k];
        if (double(k) <= u + 1e-9) below += count[n][m][k];
    }
    return below / total;
}

using Key = std::tuple<std::string, std::string, u64, unsigned>;  // backend, workload (jobs: "jobs/ORDER"), N, threads

// The largest busy CPU fraction recorded around a run ("load"), or -1 when the file has none.
double busiest(const nlohmann::json& doc) {
    double busy = -1;
    if (doc.contains("load") && doc["load"].is_object())
        for (const auto& [when, sample] : doc["load"].items())
            if (sample.is_object() && sample.contains("busy_cpu_fraction") && sample["busy_cpu_fraction"].is_number())
                busy = std::max(busy, sample["busy_cpu_fraction"].get<double>());
    return busy;
}

std::map<Key, ResultRow> load(const std::string& path, double& busy) {
    const nlohmann::json doc = load_results_file(path);  // the whole schema checked: UsageError names the field
    busy = busiest(doc);
    std::map<Key, ResultRow> result;
    for (ResultRow& row : result_rows(doc)) {
        if (row.status != "OK") continue;
        Key key{row.backend, row.workload + (row.variant.empty() ? "" : "/" + row.variant), row.n, row.threads};
        result[key] = std::move(row);
    }
    return result;
}

std::string interval_text(const Interval& i) { return fmt::format("{:.2f}x [{:.2f}–{:.2f}]", i.mid, i.lo, i.hi); }

}  // namespace

double mann_whitney_p(const std::vector<double>& a, const std::vector<double>& b) {
    const std::size_t n = a.size(), m = b.size();
    if (n == 0 || m == 0) return 1;
    const auto [ranks, ties] = rank_sum(a, b);
    const double u_a = ranks - double(n * (n + 1)) / 2;
    const double u = std::min(u_a, double(n * m) - u_a);
    if (!ties && n <= 20 && m <= 20) return std::min(1.0, 2 * exact_cdf(n, m, u));
    const double mean = double(n * m) / 2, sd = std::sqrt(double(n * m) * double(n + m + 1) / 12);
    const double z = (u - mean + 0.5) / sd;  // continuity correction
    return std::min(1.0, std::erfc(-z / std::sqrt(2.0)));  // 2 * Phi(z), z <= 0
}

DiffVerdict judge(const std::vector<double>& old_times, const std::vector<double>& new_times) {
    DiffVerdict v;
    v.change = median(new_times) / median(old_times) - 1;
    v.p = mann_whitney_p(old_times, new_times);
    if (old_times.size() < min_diff_samples || new_times.size() < min_diff_samples) {
        v.verdict = "too few";
        return v;
    }
    v.verdict = v.p < 0.05 && std::abs(v.change) >= min_median_change ? (v.change < 0 ? "faster" : "slower") : "same";
    return v;
}

SpeedupVerdict judge_speedups(const ConfigStats& old_stats, const ConfigStats& new_stats) {
    SpeedupVerdict v;
    const Interval &o = *old_stats.speedup, &n = *new_stats.speedup;
    v.change = n.mid / o.mid - 1;
    if (n.lo <= o.hi && o.lo <= n.hi) v.verdict = "same";  // the intervals overlap
    else if (std::abs(v.change) < min_speedup_change) v.verdict = "same";  // apart, but by less than a run-to-run drift
    else if (!old_stats.enough_pairs || !new_stats.enough_pairs) v.verdict = "too few";
    else v.verdict = n.lo > o.hi ? "faster" : "slower";
    return v;
}

int run_diff(std::ostream& out, const std::string& old_path, const std::string& new_path) {
    double busy_old = -1, busy_new = -1;
    const auto before = load(old_path, busy_old), after = load(new_path, busy_new);
    fmt::print(out, "sumsq-compare --diff {} {}\n", one_line(old_path), one_line(new_path));
    fmt::print(out, "  {:<16} {:<16} {:>8} {:>7} {:>22} {:>22} {:>8} {:>7}  {}\n", "backend", "workload", "N", "threads", "old",
               "new", "change", "p", "verdict");
    std::size_t compared = 0, too_few = 0, by_speedup = 0;
    for (const auto& [key, old_row] : before) {
        const auto found = after.find(key);
        if (found == after.end()) continue;
        const ResultRow& new_row = found->second;
        const auto& [raw_backend, raw_workload, n, threads] = key;
        const std::string backend = one_line(raw_backend), workload = one_line(raw_workload);  // the file's names may hold ESC or newlines
        const std::string size = workload != "wait" ? short_count(n) : "-";
        ++compared;
        if (old_row.stats.speedup && new_row.stats.speedup) {  // the paired estimates: speedups against each run's own serial
            const SpeedupVerdict v = judge_speedups(old_row.stats, new_row.stats);
            too_few += v.verdict == "too few";
            ++by_speedup;
            fmt::print(out, "  {:<16} {:<16} {:>8} {:>7} {:>22} {:>22} {:>8} {:>7}  {}\n", backend, workload, size, threads,
                       interval_text(*old_row.stats.speedup), interval_text(*new_row.stats.speedup), fmt::format("{:+.1f}%", v.change * 100), "-",
                       v.verdict);
            continue;
        }
        const auto &old_times = old_row.process_medians, &new_times = new_row.process_medians;
        if (old_times.empty() || new_times.empty()) {
            ++too_few;
            fmt::print(out, "  {:<16} {:<16} {:>8} {:>7} {:>22} {:>22} {:>8} {:>7}  too few\n", backend, workload, size, threads, "-", "-", "-", "-");
            continue;
        }
        const DiffVerdict v = judge(old_times, new_times);
        too_few += v.verdict == "too few";
        const std::string change = std::isfinite(v.change) ? fmt::format("{:+.1f}%", v.change * 100) : "n/a";  // a zero old time
        fmt::print(out, "  {:<16} {:<16} {:>8} {:>7} {:>22} {:>22} {:>8} {:>7}  {}\n", backend, workload, size, threads,
                   duration_text(median(old_times)), duration_text(median(new_times)), change,
                   v.verdict == "too few" ? "-" : fmt::format("{:.3f}", v.p), v.verdict);
    }
    fmt::print(out, "{} configurations in both files. {} compared by their paired speedups (against each run's own serial, "
                    "change = new speedup / old − 1): 'same' when the two intervals overlap or the change is under {:.0f}%, 'faster' or "
                    "'slower' otherwise (with enough pairs a side). The rest by their median time: a verdict other than 'same' needs p < 0.05 (two-sided "
                    "Mann-Whitney U on the per-process medians) and a change of at least {:.0f}%.\n", compared, by_speedup, min_speedup_change * 100,
               min_median_change * 100);
    if (std::max(busy_old, busy_new) > busy_warning)
        fmt::print(out, "WARNING: the machine was busy with other work around these runs (up to {:.0f}% of CPU time busy in OLD, {:.0f}% in NEW): "
                        "a change may be the machine's, not the build's.\n", busy_old * 100, busy_new * 100);
    if (too_few)
        fmt::print(out, "{} of them have too few independent samples to call a change, so nothing is called for them (fewer than {} "
                        "processes, or too few pairs for a 95% interval: run both sides with --rounds 6 or more, or a --budget).\n",
                   too_few, min_diff_samples);
    return 0;
}

}  // namespace sumsq::compare
