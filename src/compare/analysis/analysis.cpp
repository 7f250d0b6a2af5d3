#include "analysis.hpp"

#include "driver/cli.hpp"
#include "text/numbers.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <cmath>
#include <limits>

namespace sumsq::compare {
namespace {
std::string plural(unsigned k, const std::string& word) { return fmt::format("{} {}{}", k, word, k == 1 ? "" : word.back() == 's' ? "es" : "s"); }
}  // namespace

const Run* find_run(const std::vector<Run>& runs, const std::string& backend, const Point& point, unsigned threads) {
    for (const Run& r : runs)
        if (r.backend == backend && r.point() == point && r.threads == threads && r.measured()) return &r;
    return nullptr;
}

std::string workers_text(const Run& r) { return r.processes || r.worker_processes ? plural(r.threads, "process") : plural(r.threads, "thread"); }

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

const Run* find_run(const std::vector<Run>& runs, const std::string& backend, const std::string& workload, u64 n, unsigned threads) {
    return find_run(runs, backend, Point{workload, "", n}, threads);
}


std::string parallelism_text(double p) { return std::isnan(p) ? "n/a" : fmt::format("{:.2f}", p); }

std::string ratio_text(double x) { return std::isnan(x) ? "n/a" : fmt::format("{:.2f}", x); }

// The fewest pairs whose min..max reaches `confidence`: 1 − 2^(1−n) >= confidence.
std::size_t min_pairs(double confidence) {
    std::size_t n = 1;
    while (1 - 2 * stats::binomial_half_cdf(n, 0) + 1e-12 < confidence) ++n;
    return n;
}

}  // namespace

double Analysis::floor(const Point& point) const {
    for (const NoiseFloor& f : noise)
        if (f.point == point) return f.spread;
    return noise_max;
}

std::string speedup_text(const ConfigStats& s, bool with_interval) {
    if (!s.speedup) return "-";
    if (s.indistinguishable) return "≈1.0x";
    if (!with_interval || s.pairs < 2) return fmt::format("{:.2f}x", s.speedup->mid);
    return fmt::format("{:.2f}x [{:.2f}–{:.2f}]", s.speedup->mid, s.speedup->lo, s.speedup->hi);
}

std::string nanoseconds_text(const Interval& ns) {
    return fmt::format("{} [{}–{}]", duration_text(ns.mid / 1e9), duration_text(ns.lo / 1e9), duration_text(ns.hi / 1e9));
}

std::string ratio_text(const Interval& ratio, bool enough_pairs) {
    return fmt::format("{:.2f}x [{:.2f}–{:.2f}{}]", ratio.mid, ratio.lo, ratio.hi, enough_pairs ? "" : ", min–max: too few rounds");
}

const Run* best_run(const std::vector<Run>& runs, const Analysis& a, const std::string& backend, const Point& point) {
    const Run* best = nullptr;
    bool best_parallel = false;
    for (const Run& r : runs) {
        if (r.backend != backend || !(r.point() == point) || !r.measured()) continue;
        const bool parallel = a.of(runs, r).workers >= 2;
        if (!best || (parallel && !best_parallel) || (parallel == best_parallel && r.wall_median() < best->wall_median()))
            best = &r, best_parallel = parallel;
    }
    return best;
}

bool imbalance_explains(const ConfigStats& fast, const ConfigStats& slow) {
    return !std::isnan(slow.imbalance) && slow.imbalance > 1.15 && (std::isnan(fast.imbalance) || slow.imbalance > fast.imbalance + 0.1);
}

namespace {

std::string gbps(double bytes_per_second) { return fmt::format("{:.1f} GB/s", bytes_per_second / 1e9); }

// Two configurations told apart: their paired speedup intervals do not overlap (both decided on
// enough pairs); without paired estimates, every process of `fast` beat every process of `slow` by
// more than the floor.
bool separated(const ConfigStats& fast, const ConfigStats& slow, double floor) {
    if (fast.speedup && slow.speedup) return fast.enough_pairs && slow.enough_pairs && fast.speedup->lo > slow.speedup->hi;
    return fast.high < slow.low && slow.median / fast.median > 1 + floor;
}

// Why a schedule with a high imbalance lost, from where the large jobs sat.
std::string imbalance_reason(const Point& p) {
    if (p.workload != "jobs") return "its workers' shares took unequal time";
    if (p.variant == "descending") return "the large jobs sat together at the front, in one worker's share";
    if (p.variant == "ascending") return "the large jobs sat together at the end, in one worker's share";
    return "its fixed shares of the jobs gave one worker more work than the others";
}

// The slower schedule's process median over the faster's, round by round (undisturbed processes);
// runs without process records (synthetic ones) pair process k with process k.
std::optional<stats::PairedEstimate> round_ratios(const Run& fast, const Run& slow, double confidence) {
    std::vector<double> ratios;
    if (fast.process_records.empty() || slow.process_records.empty()) {
        const auto f = fast.process_medians(), s = slow.process_medians();
        for (std::size_t k = 0; k < std::min(f.size(), s.size()); ++k) ratios.push_back(s[k] / f[k]);
    }
    for (const ProcessRecord& s : slow.process_records) {
        if (s.disturbed) continue;
        for (const ProcessRecord& f : fast.process_records)
            if (!f.disturbed && f.round == s.round) {
                ratios.push_back(s.wall_median / f.wall_median);
                break;
            }
    }
    if (ratios.empty()) return std::nullopt;
    return stats::sign_test_estimate(ratios, confidence);
}

// Per sum/jobs point with --schedules rows, per backend with two or more of them: its fastest
// schedule (at its best worker count) and its slowest at the same count, compared round by round —
// the pair that tells the lesson (openmp:static against openmp:dynamic), not the closest pair across
// backends.
void schedule_comparisons(const CompareOptions& o, const std::vector<BackendBinary>& backends, const std::vector<Run>& runs, Analysis& a) {
    if (o.schedules.empty()) return;
    const auto by_time = [](const Run* x, const Run* y) { return x->wall_median() < y->wall_median(); };
    for (const Point& p : o.points()) {
        if (p.workload != "jobs" && p.workload != "sum") continue;
        std::map<std::string, std::vector<std::string>> by_backend;  // backend -> its schedule rows
        for (const BackendBinary& b : backends)
            if (!b.schedule.empty() && b.runs(p.workload)) by_backend[b.backend()].push_back(b.name);
        for (const auto& [backend, names] : by_backend) {
            const Run* fast = nullptr;
            for (const std::string& name : names)
                if (const Run* r = best_run(runs, a, name, p); r && a.of(runs, *r).workers >= 2 && (!fast || by_time(r, fast))) fast = r;
            if (!fast) continue;
            std::vector<const Run*> rows;
            for (const std::string& name : names)
                if (const Run* r = find_run(runs, name, p, fast->threads); r && r->measured()) rows.push_back(r);
            if (rows.size() < 2) continue;
            const Run* slow = *std::max_element(rows.begin(), rows.end(), by_time);
            if (slow == fast) continue;
            auto e = round_ratios(*fast, *slow, o.confidence);
            if (e && e->estimate < 1) {  // the medians and the rounds disagree: the rounds decide which is slower
                std::swap(fast, slow);
                e = round_ratios(*fast, *slow, o.confidence);
            }
            if (!e) continue;
            a.schedules.push_back({p, backend, std::size_t(fast - runs.data()), std::size_t(slow - runs.data()), Interval{e->lo, e->estimate, e->hi},
                                   e->pairs, e->reached});
        }
    }
}

void schedule_findings(const std::vector<Run>& runs, Analysis& a) {
    for (const ScheduleComparison& c : a.schedules) {
        const Run &fast = runs[c.fast], &slow = runs[c.slow];
        const ConfigStats &fs = a.stats[c.fast], &ss = a.stats[c.slow];
        std::string line = fmt::format("{} {}: {} {} (imbalance {}) vs {} {} (imbalance {}); round by round {} took {:.2f}x [{:.2f}–{:.2f}] "
                                       "as long ({} rounds)",
                                       point_title(c.point), c.backend, fast.backend, speedup_text(fs, true), ratio_text(fs.imbalance), slow.backend,
                                       speedup_text(ss, true), ratio_text(ss.imbalance), slow.backend, c.ratio.mid, c.ratio.lo, c.ratio.hi, c.pairs);
        if (!c.decided())
            line += c.enough_pairs ? ": the interval holds 1, no schedule won here." : ": too few rounds to decide.";
        else if (imbalance_explains(fs, ss))
            line += fmt::format("; {}'s imbalance {:.2f}: {}.", slow.backend, ss.imbalance, imbalance_reason(c.point));
        else
            line += "; the imbalances are alike: the gap is the schedule's overhead, not its balance.";
        a.findings.push_back(line);
    }
}

// Per array point: bandwidth-bound when the parallelism is high but the speedup is not; the first
// touch (--fills) and binding (--binds) rows against the plain row.
void array_findings(const CompareOptions& o, const std::vector<BackendBinary>& backends, const std::vector<Run>& runs, Analysis& a) {
    const ReadBandwidth& bw = a.record.bandwidth;
    for (const Point& p : o.points()) {
        if (p.workload != "array") continue;
        const Run* best = nullptr;
        for (const BackendBinary& b : backends) {
            if (b.name == "serial" || b.cpu_row || b.one_thread || !b.base.empty() || !b.runs("array")) continue;
            const Run* r = best_run(runs, a, b.name, p);
            if (r && a.of(runs, *r).workers >= 2 && a.of(runs, *r).speedup && (!best || r->wall_median() < best->wall_median())) best = r;
        }
        if (!best) continue;
        const ConfigStats& s = a.of(runs, *best);
        const std::string ceiling = s.ceiling ? fmt::format(" = {:.0f}% of the measured all-thread ceiling ({}; one thread {})", *s.ceiling * 100,
                                                            gbps(bw.all_threads), gbps(bw.one_thread))
                                              : std::string(" (no ceiling measured)");
        const std::string reading = fmt::format("{} {} read {}{}", best->backend, workers_text(*best), gbps(s.bytes_per_second), ceiling);
        if (s.parallelism >= 1.5 && s.speedup->mid < 0.75 * s.parallelism)
            a.findings.push_back(fmt::format("{}: bandwidth-bound — parallelism {:.2f} but speedup {:.2f}x; {}: more cores wait on the same memory.",
                                             point_title(p), s.parallelism, s.speedup->mid, reading));
        else
            a.findings.push_back(fmt::format("{}: speedup {} at parallelism {}; {}.", point_title(p), speedup_text(s, true),
                                             parallelism_text(s.parallelism), reading));
        for (const BackendBinary& b : backends) {  // a knob row against its backend's plain row at the same threads
            if (!b.runs("array") || (b.fill.empty() && b.bind.empty())) continue;
            for (const Run& r : runs) {
                if (r.backend != b.name || !(r.point() == p) || !r.measured() || r.threads < 2) continue;
                const Run* plain = find_run(runs, b.backend(), p, r.threads);
                if (!plain) continue;
                const ConfigStats &ks = a.of(runs, r), &ps = a.of(runs, *plain);
                const std::string what = b.fill.empty() ? "bound " + b.bind : "filled by " + std::string(b.fill == "one" ? "one thread" : b.fill);
                const std::string plain_what = b.fill.empty() ? "unbound" : "filled by the workers";
                const bool differ = separated(ks, ps, a.floor(p)) || separated(ps, ks, a.floor(p));
                a.findings.push_back(fmt::format("{} {} at {}: {} {} vs {} {}{}", point_title(p), b.backend(), workers_text(r), what,
                                                 gbps(ks.bytes_per_second), plain_what, gbps(ps.bytes_per_second),
                                                 differ ? fmt::format(" ({:+.0f}% time)", (ks.median / ps.median - 1) * 100)
                                                        : ": no difference beyond the noise floor"));
            }
        }
    }
    if (o.has_workload("array") && !bw.measured && !bw.note.empty()) a.warnings.push_back(bw.note);
}

// --combines rows at the main thread count: what each way of combining costs per add, against the
// backend's own row (its default way, once per worker), and what a racy row lost.
void combine_findings(const std::vector<BackendBinary>& backends, const std::vector<Run>& runs, Analysis& a) {
    for (const BackendBinary& b : backends) {
        if (b.combine.empty()) continue;
        for (const Run& r : runs) {
            if (r.backend != b.name || !r.measured() || r.threads < 2) continue;
            const Run* plain = find_run(runs, b.backend(), r.point(), r.threads);
            const ConfigStats& s = a.of(runs, r);
            std::string line = fmt::format("{} {} at {}: {}", point_title(r.point()), b.name, workers_text(r), duration_text(s.median));
            if (plain && b.combine_every) {
                const double adds = double(r.n) / double(b.combine_every);  // every thread's adds together
                const double per_add = (s.median - a.of(runs, *plain).median) * s.workers / adds;
                line += fmt::format(", {} of a thread's time per add ({} adds of {} {}, against {}'s {} adding once)", duration_text(per_add),
                                    grouped(static_cast<u64>(adds)), grouped(b.combine_every), b.combine_every == 1 ? "element" : "elements",
                                    b.backend(), b.combines.front());
            } else if (plain) {
                line += fmt::format(" against {}'s {}", b.backend(), duration_text(a.of(runs, *plain).median));
            }
            if (!std::isnan(s.lost_fraction) && s.lost_fraction != 0)
                line += fmt::format("; {} (median over its processes): fast and wrong", loss_text(s.lost_fraction));
            else if (!std::isnan(s.lost_fraction))
                line += "; no update was lost in these processes (racy is wrong only when adds collide)";
            a.findings.push_back(line + ".");
        }
    }
}

// Karp–Flatt: a row family whose serial fraction decidedly grows from one worker count to the next
// at the same point is paying overhead that grows with P (start-up, combining, contention).
void serial_fraction_findings(const std::vector<BackendBinary>& backends, const std::vector<Run>& runs, Analysis& a) {
    for (const BackendBinary& b : backends)
        for (const Run& r : runs) {
            if (r.backend != b.name || !r.measured() || r.threads < 2) continue;
            const ConfigStats& s = a.of(runs, r);
            const Run* next = nullptr;  // the same row and point at the next larger worker count
            for (const Run& o : runs)
                if (o.backend == r.backend && o.point() == r.point() && o.threads > r.threads && o.measured() && (!next || o.threads < next->threads))
                    next = &o;
            if (!next || !s.serial_fraction || !a.of(runs, *next).serial_fraction) continue;
            const Interval &e1 = *s.serial_fraction, &e2 = *a.of(runs, *next).serial_fraction;
            if (e2.lo > e1.hi)
                a.findings.push_back(fmt::format("{} {}: the Karp–Flatt serial fraction grows from {:.3f} [{:.3f}–{:.3f}] at {} to {:.3f} "
                                                 "[{:.3f}–{:.3f}] at {}: overhead that grows with the workers, not serial code.",
                                                 point_title(r.point()), b.name, e1.mid, e1.lo, e1.hi, workers_text(r), e2.mid, e2.lo, e2.hi,
                                                 workers_text(*next)));
        }
}

// The ratios a row's estimate comes from: its recorded pairs (undisturbed ones; every one when all
// were disturbed), else, for runs without pairs (synthetic ones), serial's process k against its
// process k, and for serial itself disjoint consecutive processes (A/A).
std::vector<double> pair_ratios(const Run& r, const Run* serial, ConfigStats& s, bool use_pairs) {
    std::vector<double> clean, all;
    for (const Pair& p : use_pairs ? r.pairs : std::vector<Pair>{}) {
        (p.disturbed ? all : clean).push_back(p.ratio());
        s.pairs_disturbed += p.disturbed;
    }
    if (use_pairs && !r.pairs.empty()) {
        if (!clean.empty()) return clean;
        s.from_disturbed = true;
        return all;
    }
    if (!serial) return {};
    const auto mine = r.process_medians(), base = serial->process_medians();
    std::vector<double> ratios;
    if (serial == &r)
        for (std::size_t k = 0; k + 1 < mine.size(); k += 2) ratios.push_back(mine[k] / mine[k + 1]);
    else
        for (std::size_t k = 0; k < std::min(mine.size(), base.size()); ++k) ratios.push_back(base[k] / mine[k]);
    return ratios;
}

// Speedup, efficiency, the decision and the noise floor (serial's A/A pairs), from the pairs.
void paired_estimates(const CompareOptions& o, const std::vector<Run>& runs, Analysis& a) {
    for (std::size_t k = 0; k < runs.size(); ++k) {
        const Run& r = runs[k];
        ConfigStats& s = a.stats[k];
        if (!r.measured()) continue;
        // The baseline: serial's processes, or the row's own 1-worker run (own_baseline: an
        // interpreter's loop is not the compiled loop's work), paired process k with process k.
        const Run* serial = find_run(runs, r.own_baseline ? r.backend : "serial", r.point(), 1);
        const auto ratios = pair_ratios(r, serial, s, !r.own_baseline);
        if (ratios.empty()) continue;
        const stats::PairedEstimate e = stats::sign_test_estimate(ratios, o.confidence);
        s.pairs = e.pairs;
        s.confidence = e.coverage;
        s.enough_pairs = e.reached;
        s.speedup = Interval{e.lo, e.estimate, e.hi};
        if (s.workers >= 2) s.efficiency = Interval{e.lo / s.workers, e.estimate / s.workers, e.hi / s.workers};
        // Karp–Flatt's p is processors: a row with more workers than CPUs (oversubscribed, or a
        // --cpu-rows row) takes turns, and its "serial fraction" would only measure the turns.
        if (s.workers >= 2 && s.workers <= r.cpus_allowed(available_cpus())) {
            const double p = s.workers;
            const auto karp_flatt = [p](double speedup) { return (1 / speedup - 1 / p) / (1 - 1 / p); };
            s.serial_fraction = Interval{karp_flatt(e.hi), karp_flatt(e.estimate), karp_flatt(e.lo)};
        }
        s.indistinguishable = s.speedup->contains(1.0);
        s.decided = e.reached && !s.indistinguishable;
        if (!e.reached)
            s.undecided_reason = fmt::format("too few pairs: {} of the {} a {:.0f}% interval needs", e.pairs, min_pairs(o.confidence), o.confidence * 100);
        else if (s.indistinguishable && e.half_width() > o.target)
            s.undecided_reason = !r.undecided_reason.empty() ? "stopped by the " + r.undecided_reason
                               : s.pairs_disturbed ? fmt::format("{} disturbed pairs left out", s.pairs_disturbed)
                                                   : "the rounds ended";
        s.ahead = s.workers >= 2 && s.decided && s.speedup->lo > 1;
        s.behind = s.workers >= 2 && s.decided && s.speedup->hi < 1;
        if (serial == &r && r.backend == "serial") {
            const double spread = std::max(e.hi - 1, 1 / e.lo - 1);
            a.noise.push_back({r.point(), std::max(0.0, spread), s.speedup});
            a.noise_max = std::max(a.noise_max, std::max(0.0, spread));
        }
    }
    for (std::size_t k = 0; k < runs.size(); ++k)
        if (a.stats[k].workers > 1 && runs[k].measured())
            if (const Run* own = find_run(runs, runs[k].backend, runs[k].point(), 1)) a.stats[k].scaling = own->wall_median() / a.stats[k].median;
}

// The disturbed-process counts and the machine's state, from every process's figures.
void machine_state(const std::vector<Run>& runs, Analysis& a) {
    std::vector<double> foreign;
    for (std::size_t k = 0; k < runs.size(); ++k) {
        a.disturbed.rerun += runs[k].reruns;
        for (const ProcessRecord& p : runs[k].process_records) {
            const Interference& f = p.interference;
            if (p.disturbed) ++a.disturbed.count, a.disturbed.excluded += !a.stats[k].from_disturbed;
            if (!f.measured || f.wall_seconds <= 0) continue;
            ++a.machine.processes;
            foreign.push_back(f.foreign_cpu_seconds / (f.cpus * f.wall_seconds));
            a.machine.steal_seconds += f.steal_seconds;
            if (f.run_delay_seconds >= 0) a.machine.run_delay_seconds = std::max(0.0, a.machine.run_delay_seconds) + f.run_delay_seconds;
        }
    }
    if (!foreign.empty()) {
        a.machine.foreign_median = median(foreign);
        a.machine.foreign_max = *std::max_element(foreign.begin(), foreign.end());
    }
}

// ConfigStats::waited_for_cpu: processes allowed a CPU per thread, undisturbed, PSI readable.
double waited_for_cpu(const Run& r, unsigned workers) {
    if (workers < 2) return nan;
    std::vector<double> shares;
    for (const ProcessRecord& p : r.process_records) {
        const Interference& f = p.interference;
        // PSI is machine-wide: only a process allowed every CPU (and one per thread) has it to itself.
        const bool whole_machine = f.machine_cpus > 0 && f.cpus >= f.machine_cpus;
        if (!p.disturbed && whole_machine && f.cpus >= r.threads && f.run_delay_seconds >= 0 && f.wall_seconds > 0)
            shares.push_back(f.run_delay_seconds / f.wall_seconds);
    }
    return shares.empty() ? nan : median(shares);
}

// Per run: medians and spreads across its processes, and what its reports say (parallelism, …).
void process_stats(const std::vector<Run>& runs, Analysis& a) {
    for (const Run& r : runs) {
        ConfigStats s;
        const auto medians = r.process_medians();
        s.processes = medians.size();
        s.median = r.wall_median();
        s.low = medians.empty() ? nan : *std::min_element(medians.begin(), medians.end());
        s.high = medians.empty() ? nan : *std::max_element(medians.begin(), medians.end());
        s.parallelism = r.parallelism();
        s.concurrency = r.concurrency();
        s.workers = r.obtained ? r.obtained : r.threads;  // efficiency over the workers that ran
        s.imbalance = r.imbalance();
        s.bytes_per_second = r.bytes_per_second();
        if (a.record.bandwidth.measured && !std::isnan(s.bytes_per_second)) s.ceiling = s.bytes_per_second / a.record.bandwidth.all_threads;
        s.schedule = r.schedule_name();
        s.lost_fraction = r.lost_fraction();
        s.rep_min = s.rep_max = nan;
        for (const auto& report : r.reports) {
            const auto& wall = report["wall_seconds"];
            const double lo = wall.value("min", wall.value("median", nan)), hi = wall.value("max", wall.value("median", nan));
            s.rep_min = std::isnan(s.rep_min) ? lo : std::min(s.rep_min, lo);
            s.rep_max = std::isnan(s.rep_max) ? hi : std::max(s.rep_max, hi);
        }
        s.process_figures = r.process_records;
        s.waited_for_cpu = waited_for_cpu(r, s.workers);
        a.stats.push_back(s);
    }
}

// Break-even: the smallest swept N from which the backend stays ahead at every larger swept N.
void break_even(const std::vector<u64>& sizes, const std::vector<BackendBinary>& backends, const std::vector<Run>& runs, Analysis& a) {
    for (const BackendBinary& b : backends) {
        if (b.name == "serial" || sizes.empty() || !b.runs("sum") || b.own_baseline || !b.skip.empty() || !b.absent.empty()) continue;
        std::optional<BreakEven> from;
        for (auto n = sizes.rbegin(); n != sizes.rend(); ++n) {
            const Run* best = best_run(runs, a, b.name, "sum", *n);
            if (!best || !a.of(runs, *best).ahead) break;
            from = BreakEven{*n, best->threads};
        }
        a.break_even[b.name] = from;
    }
}

// The noise floor as a finding, and a warning where serial against serial came out unequal.
void noise_findings(Analysis& a) {
    if (!a.noise.empty()) {
        std::string parts;
        for (const NoiseFloor& f : a.noise) parts += fmt::format("{}{} {:.1f}%", parts.empty() ? "" : ", ", point_title(f.point), f.spread * 100);
        a.findings.push_back(fmt::format("noise floor: serial against serial (A/A pairs of adjacent processes) differed by up to {:.1f}% "
                                         "in this run ({}); a row is a finding only when its paired interval excludes 1.", a.noise_max * 100, parts));
        for (const NoiseFloor& f : a.noise)
            if (f.aa && (f.aa->lo > 1.005 || f.aa->hi < 0.995))  // excludes 1 by more than 0.5%: not a rounding hair
                a.warnings.push_back(fmt::format("{}: serial against serial came out {:.3f}x [{:.3f}–{:.3f}]: the A/A interval excludes 1, "
                                                 "so this point's intervals are too optimistic here", point_title(f.point), f.aa->mid, f.aa->lo, f.aa->hi));
    }
}

// One finding per backend (sum at each size, wait), concurrent or parallel, then the wait and sum summaries.
void backend_findings(const CompareOptions& o, const std::vector<u64>& sizes, const std::vector<BackendBinary>& backends,
                      const std::vector<Run>& runs, Analysis& a) {
    const unsigned cpus = available_cpus();
    std::optional<double> best_sum;
    std::string best_sum_where;
    for (const BackendBinary& b : backends) {
        if (b.name == "serial") continue;
        std::vector<std::string> parts;
        bool parallel_sum = false, sum_flat = false;
        std::string turns;  // a sum run at 2+ workers, no faster, that kept about one CPU busy: "sum parallelism 1.00 at 2 threads"
        const std::string baseline = b.own_baseline ? "its own 1 worker" : "serial";
        for (u64 n : sizes) {
            const Run* r = best_run(runs, a, b.name, "sum", n);
            if (!r) continue;
            const ConfigStats& s = a.of(runs, *r);
            if (!s.speedup) continue;
            const std::string where = fmt::format("sum N={} at {}", short_count(n), workers_text(*r));
            if (s.workers >= 2 && !s.ahead && s.parallelism >= 0.8 && s.parallelism < 1.2)
                turns = fmt::format("sum parallelism {} at {}", parallelism_text(s.parallelism), workers_text(*r));
            if (s.ahead) {
                parts.push_back(fmt::format("{} {} (parallelism {})", where, speedup_text(s, true), parallelism_text(s.parallelism)));
                parallel_sum = parallel_sum || s.parallelism > 1.2;
                if (!b.own_baseline && (!best_sum || s.speedup->mid > *best_sum)) best_sum = s.speedup->mid, best_sum_where = b.name + " " + where;
            } else if (s.behind) {
                parts.push_back(fmt::format("{} slower than {}, {}", where, baseline, speedup_text(s, true)));
            } else {
                parts.push_back(fmt::format("{} {}: {}", where, speedup_text(s, true),
                                            s.undecided_reason.empty() ? "no difference from serial" : "undecided (" + s.undecided_reason + ")"));
                sum_flat = true;
            }
        }
        if (o.has_workload("wait"))
            if (const Run* r = best_run(runs, a, b.name, "wait", 0)) {
                const ConfigStats& s = a.of(runs, *r);
                if (s.speedup && s.speedup->lo > 1 && s.enough_pairs)
                {
                    const unsigned allowed = r->cpus_allowed(cpus);
                    parts.push_back(fmt::format("wait {} at {}{} (parallelism {})", speedup_text(s, true), workers_text(*r),
                                                r->threads > allowed ? " on " + plural(allowed, "CPU") : "", parallelism_text(s.parallelism)));
                }
            }
        if (parts.empty()) continue;
        std::string line = b.name + (b.own_baseline ? " (speedup against its own 1 worker): " : ": ");
        for (std::size_t k = 0; k < parts.size(); ++k) line += (k ? "; " : "") + parts[k];
        const Run* wait = o.has_workload("wait") ? best_run(runs, a, b.name, "wait", 0) : nullptr;
        const bool overlapped = wait && a.of(runs, *wait).speedup && a.of(runs, *wait).speedup->lo > 1 && a.of(runs, *wait).enough_pairs;
        if (b.one_thread && overlapped && sum_flat && a.of(runs, *wait).parallelism < 0.2)
            line += ". Concurrent, not parallel: its waits overlap on one CPU, its computation does not speed up.";
        else if (!b.one_thread && overlapped && !turns.empty() && !parallel_sum)
            line += fmt::format(". Concurrent, not parallel: its waits overlap, but its computation kept one CPU busy at a time ({}).", turns);
        else if (parallel_sum)
            line += ". Parallel: the computation ran on several cores at once.";
        else
            line += ".";
        if (!b.note.empty()) {  // the model's own word on it, e.g. python:threads "one interpreter lock (the GIL): …"
            line.pop_back();
            line += " — " + b.note + ".";
        }
        a.findings.push_back(line);
    }
    if (o.has_workload("wait"))
        if (const Run* serial = find_run(runs, "serial", "wait", 0, 1))
            a.findings.push_back(fmt::format("wait: one task after another takes T·S·D = {} x {} x {} ms = {:.2f} s (serial measured {}); "
                                             "overlapping the waits needs concurrency, not cores.",
                                             o.tasks, o.steps, o.wait_ms, o.tasks * o.steps * o.wait_ms / 1e3, duration_text(serial->wall_median())));
    if (!sizes.empty() && find_run(runs, "serial", "sum", sizes.back(), 1))
        a.findings.push_back(best_sum ? fmt::format("sum: only parallel execution sped up the CPU-bound work (best: {}, {:.2f}x, on {}).",
                                                    best_sum_where, *best_sum, plural(cpus, "CPU"))
                                      : "sum: no configuration with 2 or more workers was decided faster than serial: the work is too small "
                                        "for the overheads, or the machine is too noisy (see pairs and undecided).");
}

// Per round, the seconds of each (backend, kernel) process that was not disturbed.
using RoundTimes = std::vector<std::map<std::pair<std::string, std::string>, double>>;

// Per round where both ran: `base`'s seconds / `row`'s; the paired estimate at the confidence.
stats::PairedEstimate paired_by_round(const RoundTimes& rounds, const std::pair<std::string, std::string>& base,
                                      const std::pair<std::string, std::string>& row, double confidence) {
    std::vector<double> ratios;
    for (const auto& round : rounds)
        if (round.count(base) && round.count(row)) ratios.push_back(round.at(base) / round.at(row));
    return stats::sign_test_estimate(ratios, confidence);
}

// Per round the seconds of each (backend, kernel) process, all of them or only the undisturbed.
RoundTimes round_times(const SimdRecord& record, bool clean_only) {
    RoundTimes rounds;
    for (const SimdProcess& p : record.processes) {
        if (p.round >= rounds.size()) rounds.resize(p.round + 1);
        if (!clean_only || !p.disturbed) rounds[p.round][{p.backend, p.kernel}] = p.seconds;
    }
    return rounds;
}

// Like the sweep's rows: the undisturbed processes and pairs, unless every one was disturbed (then
// all of them, flagged).
SimdTable simd_table(const CompareOptions& o, const SimdRecord& record) {
    SimdTable t;
    t.n = record.n;
    if (!record.n || record.processes.empty()) return t;
    const RoundTimes clean = round_times(record, true), all = round_times(record, false);
    const auto paired = [&](const std::pair<std::string, std::string>& base, const std::pair<std::string, std::string>& row, bool& flagged) {
        stats::PairedEstimate e = paired_by_round(clean, base, row, o.confidence);
        if (!e.pairs) e = paired_by_round(all, base, row, o.confidence), flagged = flagged || e.pairs;
        return e;
    };
    std::vector<std::pair<std::string, std::string>> rows;  // (backend, kernel), in the record's order
    for (const auto& kernel : record.kernels) rows.emplace_back("serial", kernel);
    for (const SimdProcess& p : record.processes)
        if (p.backend != "serial" && std::find(rows.begin(), rows.end(), std::pair{p.backend, p.kernel}) == rows.end())
            rows.emplace_back(p.backend, p.kernel);
    for (const auto& row : rows) {
        SimdEntry e;
        e.backend = row.first, e.kernel = row.second;
        std::vector<double> clean_ns, all_ns;
        for (const SimdProcess& p : record.processes)
            if (p.backend == e.backend && p.kernel == e.kernel) {
                (p.disturbed ? all_ns : clean_ns).push_back(p.seconds / double(record.n) * 1e9);
                e.threads = p.threads;
            }
        e.from_disturbed = clean_ns.empty();
        if (e.from_disturbed) clean_ns = all_ns;
        e.processes = clean_ns.size();
        if (clean_ns.empty()) continue;
        e.ns_per_element = median(clean_ns);
        const stats::PairedEstimate s = paired({"serial", "exact"}, row, e.from_disturbed);
        if (s.pairs) e.speedup = Interval{s.lo, s.estimate, s.hi}, e.pairs = s.pairs, e.enough_pairs = s.reached;
        t.entries.push_back(e);
    }
    if (const SimdEntry* across = t.across_cores()) {
        bool flagged = false;
        const stats::PairedEstimate s = paired({"serial", across->kernel}, {across->backend, across->kernel}, flagged);
        if (s.pairs) t.cores = Interval{s.lo, s.estimate, s.hi}, t.cores_pairs = s.pairs, t.cores_enough = s.reached;
    }
    return t;
}

// Rows short of workers, a single round, a busy machine without per-process figures.
void run_warnings(const CompareOptions& o, const std::vector<Run>& runs, Analysis& a) {
    // Warnings.
    for (const Run& r : runs)
        if (r.short_of_workers())
            a.warnings.push_back(fmt::format("{} {} at {}: {} (the runtime gave fewer, e.g. under OMP_THREAD_LIMIT); the row keeps the "
                                             "count asked for, its efficiency uses the count obtained",
                                             r.backend, point_title(r.point()), workers_text(r), r.workers_note()));
    if (o.rounds < 2 && o.budget_s == 0)
        a.warnings.push_back("one process per configuration: one pair per row, every interval is a point (use --rounds 6 or more, or --budget)");
    const LoadSample& before = a.record.before;
    const LoadSample& after = a.record.after;
    // Disturbed processes are counted in the answers' noise sentence (summary.cpp), from the same figures.
    if (!a.machine.processes && (before.busy > busy_warning || after.busy > busy_warning))
        a.warnings.push_back(fmt::format("the machine was busy with other work: {:.0f}% of CPU time busy before the sweep and {:.0f}% after "
                                         "(1-minute load average {:.2f} before, {:.2f} after): expect a wider spread",
                                         before.busy * 100, after.busy * 100, before.load1, after.load1));
}

}  // namespace

Analysis analyse(const CompareOptions& o, const std::vector<BackendBinary>& backends, const std::vector<Run>& runs, SweepRecord record) {
    Analysis a;
    a.record = std::move(record);
    process_stats(runs, a);
    paired_estimates(o, runs, a);
    machine_state(runs, a);
    combine_findings(backends, runs, a);
    serial_fraction_findings(backends, runs, a);
    std::vector<u64> sizes = o.has_workload("sum") ? o.sizes : std::vector<u64>{};
    std::sort(sizes.begin(), sizes.end());
    sizes.erase(std::unique(sizes.begin(), sizes.end()), sizes.end());
    break_even(sizes, backends, runs, a);
    noise_findings(a);  // findings only from configurations whose interval clears the noise floor
    backend_findings(o, sizes, backends, runs, a);
    schedule_comparisons(o, backends, runs, a);
    schedule_findings(runs, a);
    array_findings(o, backends, runs, a);
    a.simd = simd_table(o, a.record.simd);
    task_curves(o, backends, runs, a);
    run_warnings(o, runs, a);
    return a;
}

const SimdEntry* SimdTable::fastest_one_core() const {
    const SimdEntry* best = nullptr;
    for (const SimdEntry& e : entries)
        if (e.threads == 1 && (!best || e.ns_per_element < best->ns_per_element)) best = &e;
    return best;
}

const SimdEntry* SimdTable::across_cores() const {
    for (const SimdEntry& e : entries)
        if (e.threads > 1) return &e;
    return nullptr;
}

nlohmann::json findings_json(const Analysis& a) {
    nlohmann::json noise = nlohmann::json::array();
    for (const NoiseFloor& f : a.noise) {
        nlohmann::json entry = {{"workload", f.point.workload}, {"spread", f.spread}};
        if (f.point.workload != "wait") entry["n"] = f.point.n;
        if (!f.point.variant.empty()) entry["order"] = f.point.variant;
        noise.push_back(entry);
    }
    nlohmann::json break_even = nlohmann::json::object();
    for (const auto& [backend, be] : a.break_even)
        break_even[backend] = be ? nlohmann::json{{"n", be->n}, {"threads", be->threads}} : nlohmann::json(nullptr);
    const auto interval = [](const std::optional<Interval>& i) {
        return i ? nlohmann::json{{"estimate", i->mid}, {"lo", i->lo}, {"hi", i->hi}} : nlohmann::json(nullptr);
    };
    nlohmann::json metg = nlohmann::json::object(), curves = nlohmann::json::array();
    for (const TaskCurve& c : a.tasks) {
        nlohmann::json points = nlohmann::json::array();
        for (const TaskPoint& p : c.points)
            points.push_back({{"cutoff", p.cutoff}, {"tasks", p.tasks}, {"leaves", p.leaves}, {"leaf_elements", p.leaf_elements},
                              {"leaf_ns", std::isnan(p.leaf_ns) ? nlohmann::json(nullptr) : nlohmann::json(p.leaf_ns)},
                              {"efficiency", interval(p.efficiency)}, {"task_cost_ns", interval(p.cost_ns)}, {"pairs", p.pairs}});
        curves.push_back({{"backend", c.backend}, {"threads", c.threads}, {"n", c.n}, {"points", points},
                          {"min_task_for_50pct", c.metg ? nlohmann::json(c.points[*c.metg].cutoff) : nlohmann::json(nullptr)}});
        if (&c != a.main_curve(c.backend)) continue;
        if (!c.metg) {
            metg[c.backend] = nullptr;
            continue;
        }
        const TaskPoint& p = c.points[*c.metg];
        metg[c.backend] = {{"elements", p.leaf_elements}, {"ns", std::isnan(p.leaf_ns) ? nlohmann::json(nullptr) : nlohmann::json(p.leaf_ns)},
                           {"cutoff", p.cutoff}, {"threads", c.threads}, {"n", c.n}, {"efficiency", interval(p.efficiency)}};
    }
    nlohmann::json j = {{"noise_floor", a.noise_max}, {"noise_floors", noise}, {"break_even", break_even}, {"statements", a.findings},
                        {"warnings", a.warnings}};
    if (!a.tasks.empty()) j["min_task_size_for_50pct"] = metg, j["task_curves"] = curves;
    return j;
}

}  // namespace sumsq::compare
