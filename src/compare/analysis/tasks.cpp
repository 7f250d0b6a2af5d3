// tasks.cpp — the tree workload's curves: efficiency per cut-off, cost per task, and the smallest
// task that still reaches 50% efficiency (METG(50%), after Task Bench), per backend and worker count.
#include "analysis.hpp"
#include "os/cpus.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace sumsq::compare {
namespace {

u64 data_count(const Run& r, const char* key) {
    return r.data.is_object() && r.data.contains(key) && r.data[key].is_number() ? r.data[key].get<u64>() : 0;
}

// Per clean pair (every pair when all were disturbed): (workers · this − serial) / tasks, in ns.
std::optional<Interval> cost_per_task(const Run& r, double workers, u64 tasks, double confidence, std::size_t& pairs) {
    if (tasks == 0) return std::nullopt;
    std::vector<double> clean, all;
    for (const Pair& p : r.pairs) (p.disturbed ? all : clean).push_back((workers * p.self - p.reference) / double(tasks) * 1e9);
    if (clean.empty()) clean = all;
    const stats::PairedEstimate e = stats::sign_test_median(clean, confidence);
    pairs = e.pairs;
    if (e.pairs == 0) return std::nullopt;
    return Interval{e.lo, e.estimate, e.hi};
}

TaskPoint task_point(const CompareOptions& o, const std::vector<Run>& runs, const Analysis& a, const Run& r) {
    const ConfigStats& s = a.of(runs, r);
    TaskPoint t;
    t.cutoff = std::stoull(r.variant);
    t.tasks = data_count(r, "tasks"), t.leaves = data_count(r, "leaves");
    t.leaf_elements = t.leaves ? double(r.n) / double(t.leaves) : 0;
    const Run* serial = find_run(runs, "serial", r.point(), 1);
    t.leaf_ns = serial && serial->measured() && t.leaves ? serial->wall_median() / double(t.leaves) * 1e9 : std::numeric_limits<double>::quiet_NaN();
    const double workers = s.workers ? s.workers : 1;
    if (s.speedup) t.efficiency = Interval{s.speedup->lo / workers, s.speedup->mid / workers, s.speedup->hi / workers};
    t.cost_ns = cost_per_task(r, workers, t.tasks, o.confidence, t.pairs);
    return t;
}

}  // namespace

const TaskPoint* TaskCurve::cheapest() const {
    const TaskPoint* best = nullptr;
    for (const TaskPoint& p : points)
        if (p.cost_ns && (!best || p.tasks > best->tasks)) best = &p;
    return best;
}

void task_curves(const CompareOptions& o, const std::vector<BackendBinary>& backends, const std::vector<Run>& runs, Analysis& a) {
    if (!o.has_workload("tree")) return;
    for (const BackendBinary& b : backends) {
        if (!b.runs_tree || b.tree_spawn_levels == 0 || !b.base.empty() || b.cpu_row) continue;  // the serial baseline has no tasks
        for (const u64 n : o.tree_sizes)
            for (const unsigned threads : b.one_thread ? std::vector<unsigned>{1} : o.threads_for("tree")) {
                TaskCurve curve{b.name, threads, n, {}, std::nullopt};
                for (const u64 cutoff : o.cutoffs)
                    if (const Run* r = find_run(runs, b.name, Point{"tree", std::to_string(cutoff), n}, threads); r && r->measured())
                        curve.points.push_back(task_point(o, runs, a, *r));
                if (curve.points.empty()) continue;
                std::sort(curve.points.begin(), curve.points.end(), [](const TaskPoint& x, const TaskPoint& y) { return x.leaf_elements < y.leaf_elements; });
                for (std::size_t k = curve.points.size(); k-- > 0;) {  // from the largest task down, while it still pays
                    const auto& e = curve.points[k].efficiency;
                    if (!e || e->mid < metg_efficiency) break;
                    curve.metg = k;
                }
                a.tasks.push_back(std::move(curve));
            }
    }
}

const TaskCurve* Analysis::main_curve(const std::string& backend) const {
    const TaskCurve* best = nullptr;
    const unsigned cpus = available_cpus();
    for (const TaskCurve& c : tasks) {
        if (c.backend != backend || c.threads > cpus) continue;
        if (!best || c.threads > best->threads || (c.threads == best->threads && c.n > best->n)) best = &c;
    }
    return best;
}

}  // namespace sumsq::compare
