#include "analysis.hpp"

#include <algorithm>

namespace sumsq::compare {

std::optional<double> serial_median(const std::vector<Run>& runs, const std::string& workload, u64 n) {
    for (const Run& r : runs)
        if (r.backend == "serial" && r.workload == workload && r.n == n && r.status == Run::Status::ok) return r.wall_median();
    return std::nullopt;
}

std::optional<double> speedup(const std::vector<Run>& runs, const Run& run) {
    const auto serial = serial_median(runs, run.workload, run.n);
    if (!serial || run.status != Run::Status::ok || run.wall_median() <= 0) return std::nullopt;
    return *serial / run.wall_median();
}

std::optional<double> efficiency(const std::vector<Run>& runs, const Run& run) {
    const auto s = speedup(runs, run);
    return s ? std::optional(*s / run.threads) : std::nullopt;
}

std::optional<double> scaling(const std::vector<Run>& runs, const Run& run) {
    if (run.status != Run::Status::ok || run.wall_median() <= 0) return std::nullopt;
    for (const Run& r : runs)
        if (r.backend == run.backend && r.workload == run.workload && r.n == run.n && r.threads == 1 && r.status == Run::Status::ok)
            return r.wall_median() / run.wall_median();
    return std::nullopt;
}

const Run* best_run(const std::vector<Run>& runs, const std::string& backend, const std::string& workload, u64 n) {
    const Run* best = nullptr;
    for (const Run& r : runs)
        if (r.backend == backend && r.workload == workload && r.n == n && r.status == Run::Status::ok &&
            (!best || r.wall_median() < best->wall_median()))
            best = &r;
    return best;
}

std::optional<u64> break_even(const std::vector<Run>& runs, const std::string& backend, const std::vector<u64>& sizes) {
    std::vector<u64> sorted(sizes);
    std::sort(sorted.begin(), sorted.end());
    for (u64 n : sorted) {
        const Run* best = best_run(runs, backend, "sum", n);
        const auto serial = serial_median(runs, "sum", n);
        if (best && serial && best->wall_median() < 0.95 * *serial) return n;  // 5%: beyond noise
    }
    return std::nullopt;
}

}  // namespace sumsq::compare
