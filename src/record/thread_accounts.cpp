#include "thread_accounts.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace sumsq::record {
namespace {

using os::ThreadState;

// Σ of the overlap of [b, e) with the running intervals (sorted, disjoint) of one thread.
std::int64_t running_within(const std::vector<os::StateInterval>& intervals, std::int64_t b, std::int64_t e) {
    auto it = std::lower_bound(intervals.begin(), intervals.end(), b,
                               [](const os::StateInterval& i, std::int64_t t) { return i.end_ns <= t; });
    std::int64_t total = 0;
    for (; it != intervals.end() && it->begin_ns < e; ++it)
        if (it->state == ThreadState::running) total += std::min(e, it->end_ns) - std::max(b, it->begin_ns);
    return total;
}

Accounts from_thread_clocks(const Run& run, const os::SwitchLog& log, std::int64_t wall_ns, std::int64_t process_cpu_ns) {
    Accounts a;
    a.source = Source::thread_clocks;
    a.fallback_reason = log.why_not.empty() ? "no switch records" : log.why_not;
    a.wall_ns = wall_ns;
    a.cpu_ns = process_cpu_ns;
    for (const Worker& w : run.workers) {
        ThreadAccount t;
        t.thread = w.thread, t.os_thread = w.os_thread;
        t.on_cpu_ns = w.cpu_ns;
        t.busy_ns = std::max<std::int64_t>(w.busy_cpu_ns, 0);
        t.stretch_ns = w.busy_ns;
        t.preemptions = w.involuntary_switches, t.voluntary_switches = w.voluntary_switches;
        t.tasks = w.tasks, t.stretches = w.stretches;
        t.cpus = w.cpus;
        a.in_tasks_ns += t.busy_ns;
        a.threads.push_back(std::move(t));
    }
    return a;
}

}  // namespace

const char* source_name(Source s) { return s == Source::switch_records ? "switch_records" : "thread_clocks"; }

double Accounts::imbalance() const {
    std::int64_t max = 0, total = 0, n = 0;
    for (const ThreadAccount& t : threads)
        if (t.tasks > 0) max = std::max(max, t.busy_ns), total += t.busy_ns, ++n;
    return total > 0 ? double(max) * double(n) / double(total) : 0;
}

Accounts account(Run& run, const os::SwitchLog& log, std::int64_t wall_ns, std::int64_t process_cpu_ns) {
    if (!log.recorded) return from_thread_clocks(run, log, wall_ns, process_cpu_ns);
    Accounts a;
    a.source = Source::switch_records;
    a.switch_records = log.records, a.lost_records = log.lost;
    a.wall_ns = wall_ns;
    const std::int64_t origin = run.origin_ns;
    std::map<long, const os::ThreadHistory*> history;
    for (const os::ThreadHistory& h : log.threads) history[h.tid] = &h;

    // Each stored stretch's time on a CPU; a worker's busy time is their sum (scaled up to the
    // stretches a full lane did not store, at the same share).
    std::map<std::uint32_t, std::pair<std::int64_t, std::int64_t>> stored;  // thread → Σ wall, Σ on CPU
    for (Stretch& s : run.stretches) {
        const auto h = history.find(s.os_thread);
        s.on_cpu_ns = h == history.end() ? 0 : running_within(h->second->intervals, origin + s.begin_ns, origin + s.end_ns);
        auto& [wall, on] = stored[s.thread];
        wall += s.end_ns - s.begin_ns, on += s.on_cpu_ns;
    }

    const auto fill = [&](ThreadAccount& t, const os::ThreadHistory& h) {
        t.on_cpu_ns = h.time_in(ThreadState::running);
        t.waiting_ns = h.time_in(ThreadState::waiting);
        t.blocked_ns = h.time_in(ThreadState::blocked);
        t.preemptions = static_cast<std::int64_t>(h.preemptions);
        t.voluntary_switches = static_cast<std::int64_t>(h.voluntary_switches);
        std::set<int> cpus;
        for (std::size_t k = 0; k < h.intervals.size(); ++k) {
            const os::StateInterval& i = h.intervals[k];
            if (i.state != ThreadState::running) continue;
            if (i.cpu >= 0) cpus.insert(i.cpu);
            ++t.slices;
        }
        t.cpus.assign(cpus.begin(), cpus.end());
        t.born = h.born_in_window, t.exited = h.exited_in_window;
    };
    std::set<long> listed;
    for (const Worker& w : run.workers) {
        ThreadAccount t;
        t.thread = w.thread, t.os_thread = w.os_thread;
        t.stretch_ns = w.busy_ns;
        t.tasks = w.tasks, t.stretches = w.stretches;
        t.cpus = w.cpus;
        if (const auto h = history.find(w.os_thread); h != history.end()) fill(t, *h->second);
        const auto [wall, on] = stored[w.thread];
        t.busy_ns = wall > 0 && wall < w.busy_ns ? static_cast<std::int64_t>(double(on) * double(w.busy_ns) / double(wall)) : on;
        listed.insert(w.os_thread);
        a.threads.push_back(std::move(t));
    }
    // Threads that held a CPU but ran no task: a runtime's own threads, spinning or managing.
    std::uint32_t next = 0;
    for (const ThreadAccount& t : a.threads) next = std::max(next, t.thread + 1);
    for (const os::ThreadHistory& h : log.threads) {
        if (listed.count(h.tid) || h.time_in(ThreadState::running) == 0) continue;
        ThreadAccount t;
        t.thread = next++, t.os_thread = h.tid;
        fill(t, h);
        listed.insert(h.tid);
        a.threads.push_back(std::move(t));
    }
    std::sort(a.threads.begin(), a.threads.end(), [](const ThreadAccount& x, const ThreadAccount& y) { return x.thread < y.thread; });

    std::map<int, std::int64_t> per_cpu;
    for (const ThreadAccount& t : a.threads) {
        a.in_tasks_ns += t.busy_ns;
        const auto h = history.find(t.os_thread);
        if (h == history.end()) continue;
        a.cpu_ns += t.on_cpu_ns;
        for (const os::StateInterval& i : h->second->intervals) {
            a.states.push_back({t.thread, i.begin_ns - origin, i.end_ns - origin, i.state, i.cpu});
            if (i.state == ThreadState::running && i.cpu >= 0) per_cpu[i.cpu] += i.end_ns - i.begin_ns;
        }
    }
    for (const auto& [cpu, busy] : per_cpu) a.cpus.push_back({cpu, busy});
    return a;
}

}  // namespace sumsq::record
