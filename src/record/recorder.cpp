#include "recorder.hpp"

#include <algorithm>
#include <array>
#include <memory>
#include <mutex>
#include <sched.h>
#include <sys/resource.h>
#include <ctime>
#include <sys/syscall.h>
#include <unistd.h>

namespace sumsq::record {
namespace {

constexpr int max_cpu = 1024;  // CPUs recorded in a lane's mask

struct Lane {
    std::uint64_t run = 0;  // the run this lane's contents belong to
    bool free = false;      // its thread has exited; reusable in a later run
    long os_thread = 0;
    std::uint32_t thread = 0;
    std::int64_t busy_ns = 0, chunk_span_ns = 0;
    std::uint64_t tasks = 0, stretches = 0, dropped = 0;
    std::array<std::uint64_t, max_cpu / 64> cpus{};
    bool thread_clocks = false;  // this run reads thread clocks: the sums below are kept
    std::int64_t cpu_ns = 0, busy_cpu_ns = 0, voluntary = 0, involuntary = 0;
    std::vector<Stretch> slots;  // this run's stretches; capacity reserved once (pages touched as filled)
};

struct TaskSpan {
    std::uint64_t run = 0;
    std::int64_t first = 0, last = 0;
};

// Shared state. Lanes are created under the mutex and never freed (a thread's lane outlives it
// until its run is collected). Leaked on purpose: thread exit may come after static destruction.
struct Registry {
    std::mutex mutex;
    std::vector<std::unique_ptr<Lane>> lanes;
    std::vector<TaskSpan> tasks;  // indexed by explicit task id; resized only between runs
    std::size_t capacity = 1 << 16;
    std::function<void(const Stretch&)> observer;
    std::int64_t origin_ns = 0;
};
Registry& registry() {
    static Registry* r = new Registry;
    return *r;
}

std::atomic<std::uint64_t> generation{0};

// This thread's clocks in a thread-clocks run: the latest CPU reading, and the baseline (CPU time
// and switch counts) at its first reading in the run.
struct ThreadClock {
    std::uint64_t run = 0, base_run = 0;
    std::int64_t cpu_ns = 0, base_cpu_ns = 0;
    long base_voluntary = 0, base_involuntary = 0;
};
thread_local ThreadClock clock_now;

std::int64_t thread_cpu_ns() noexcept {
    timespec ts{};
    ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return std::int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

void note_baseline(ThreadClock& c, std::uint64_t run, std::int64_t cpu) noexcept {
    if (c.base_run == run) return;
    rusage usage{};
    ::getrusage(RUSAGE_THREAD, &usage);
    c.base_run = run, c.base_cpu_ns = cpu, c.base_voluntary = usage.ru_nvcsw, c.base_involuntary = usage.ru_nivcsw;
}
std::atomic<std::uint32_t> next_thread{0};

std::int64_t ns(Clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

Lane* acquire() noexcept {
    Registry& r = registry();
    const std::lock_guard lock(r.mutex);
    const std::uint64_t now_run = generation.load(std::memory_order_relaxed);
    Lane* lane = nullptr;
    for (const auto& l : r.lanes)
        if (l->free && l->run != now_run) {
            lane = l.get();
            break;
        }
    if (!lane) {
        try {
            lane = r.lanes.emplace_back(std::make_unique<Lane>()).get();
        } catch (...) {
            return nullptr;  // out of memory: this thread records nothing
        }
    }
    lane->free = false;
    lane->run = 0;
    lane->os_thread = static_cast<long>(::syscall(SYS_gettid));
    return lane;
}

struct LaneHandle {
    Lane* lane = nullptr;
    ~LaneHandle() {
        if (!lane) return;
        const std::lock_guard lock(registry().mutex);
        lane->free = true;
    }
};
thread_local LaneHandle my;

void reserve_slots(Lane& lane) noexcept {
    try {
        lane.slots.reserve(registry().capacity);
    } catch (...) {
    }  // no slots: every stretch counts as dropped
}

// First stretch of this lane in run `run`: clear its sums, number its thread, get slots.
void start(Lane& lane, std::uint64_t run, Mode m) noexcept {
    lane.run = run;
    lane.thread = next_thread.fetch_add(1, std::memory_order_relaxed);
    lane.busy_ns = lane.chunk_span_ns = 0;
    lane.tasks = lane.stretches = lane.dropped = 0;
    lane.cpus.fill(0);
    lane.thread_clocks = reading_thread_clocks.load(std::memory_order_relaxed);
    lane.cpu_ns = lane.busy_cpu_ns = lane.voluntary = lane.involuntary = 0;
    lane.slots.clear();
    if (m == Mode::stretches) reserve_slots(lane);
}

}  // namespace

double Run::imbalance() const {
    if (workers.empty()) return 0;
    std::int64_t max = 0, total = 0;
    for (const Worker& w : workers) max = std::max(max, w.busy_ns), total += w.busy_ns;
    return total > 0 ? double(max) * double(workers.size()) / double(total) : 0;
}

std::uint64_t Run::tasks() const {
    std::uint64_t n = 0;
    for (const Worker& w : workers) n += w.tasks;
    return n;
}

void reserve_tasks(std::size_t count) {
    Registry& r = registry();
    const std::lock_guard lock(r.mutex);
    if (r.tasks.size() < count) r.tasks.resize(count);
}

void set_lane_capacity(std::size_t stretches) {
    Registry& r = registry();
    const std::lock_guard lock(r.mutex);
    r.capacity = stretches;
    for (const auto& l : r.lanes) l->slots = {};
}

void observe(std::function<void(const Stretch&)> observer) {
    Registry& r = registry();
    const std::lock_guard lock(r.mutex);
    r.observer = std::move(observer);
}

void note_thread_clock() noexcept {
    const std::uint64_t run = generation.load(std::memory_order_relaxed);
    const std::int64_t cpu = thread_cpu_ns();
    note_baseline(clock_now, run, cpu);
    clock_now.run = run, clock_now.cpu_ns = cpu;
}

void begin_run(Mode m, bool with_thread_clocks) {
    if (m == Mode::stretches) {  // the calling thread's slots now, not inside the run
        if (!my.lane) my.lane = acquire();
        if (my.lane) reserve_slots(*my.lane);
        registry().origin_ns = ns(Clock::now());
    }
    next_thread.store(0, std::memory_order_relaxed);
    generation.fetch_add(1, std::memory_order_relaxed);
    reading_thread_clocks.store(with_thread_clocks && m != Mode::off, std::memory_order_relaxed);
    mode.store(m, std::memory_order_release);
}

void stretch(Clock::time_point begin, Clock::time_point end, Kind kind, std::uint32_t task, u64 lo, u64 hi) noexcept {
    const Mode m = mode.load(std::memory_order_acquire);
    if (m == Mode::off) return;
    if (!my.lane) my.lane = acquire();
    Lane* lane = my.lane;
    if (!lane) return;
    const std::uint64_t run = generation.load(std::memory_order_relaxed);
    if (lane->run != run) start(*lane, run, m);

    const std::int64_t b = ns(begin), e = ns(end);
    std::int64_t on_cpu = -1;
    if (lane->thread_clocks) {  // CPU time since this thread's last reading (its stretch_begin), at most the stretch's span
        const std::int64_t cpu = thread_cpu_ns();
        ThreadClock& c = clock_now;
        note_baseline(c, run, c.run == run ? c.cpu_ns : cpu);
        on_cpu = std::clamp(c.run == run ? cpu - c.cpu_ns : 0, std::int64_t{0}, std::max<std::int64_t>(e - b, 0));
        c.run = run, c.cpu_ns = cpu;
        rusage usage{};
        ::getrusage(RUSAGE_THREAD, &usage);
        lane->cpu_ns = cpu - c.base_cpu_ns;
        lane->busy_cpu_ns += on_cpu;
        lane->voluntary = usage.ru_nvcsw - c.base_voluntary, lane->involuntary = usage.ru_nivcsw - c.base_involuntary;
    }
    lane->busy_ns += e - b;
    ++lane->stretches;
    const int cpu = ::sched_getcpu();
    if (cpu >= 0 && cpu < max_cpu) lane->cpus[cpu / 64] |= std::uint64_t{1} << (cpu % 64);
    Registry& r = registry();
    if (task < r.tasks.size()) {  // a task that may run in several stretches: keep first and last
        TaskSpan& t = r.tasks[task];
        if (t.run != run) t.run = run, t.first = b, ++lane->tasks;
        t.last = e;
    } else {  // an anonymous chunk: a task of its own
        lane->chunk_span_ns += e - b;
        ++lane->tasks;
    }
    if (m != Mode::stretches) return;
    if (lane->slots.size() >= std::min(r.capacity, lane->slots.capacity())) {
        ++lane->dropped;
        return;
    }
    const Stretch& s = lane->slots.emplace_back(Stretch{b - r.origin_ns, e - r.origin_ns, lo, hi, task, lane->thread, lane->os_thread, cpu, kind, on_cpu});
    if (r.observer) r.observer(s);
}

Run end_run() {
    mode.store(Mode::off, std::memory_order_release);
    Registry& r = registry();
    const std::lock_guard lock(r.mutex);
    const std::uint64_t run = generation.load(std::memory_order_relaxed);
    Run out;
    out.origin_ns = r.origin_ns;
    out.thread_clocks = reading_thread_clocks.exchange(false, std::memory_order_relaxed);
    std::array<std::uint64_t, max_cpu / 64> all{};
    std::uint32_t next_id = 0;
    for (const auto& l : r.lanes) {
        if (l->run != run) continue;
        Worker w{l->thread, l->os_thread, l->busy_ns, l->tasks, l->stretches, {}};
        if (l->thread_clocks)
            w.cpu_ns = l->cpu_ns, w.busy_cpu_ns = l->busy_cpu_ns, w.voluntary_switches = l->voluntary, w.involuntary_switches = l->involuntary;
        for (int c = 0; c < max_cpu; ++c)
            if (l->cpus[c / 64] >> (c % 64) & 1) w.cpus.push_back(c);
        for (std::size_t k = 0; k < all.size(); ++k) all[k] |= l->cpus[k];
        out.workers.push_back(std::move(w));
        out.span_ns += l->chunk_span_ns;
        out.dropped += l->dropped;
        out.stretches.insert(out.stretches.end(), l->slots.begin(), l->slots.end());
    }
    for (std::size_t t = 0; t < r.tasks.size(); ++t)
        if (r.tasks[t].run == run) out.span_ns += r.tasks[t].last - r.tasks[t].first, next_id = static_cast<std::uint32_t>(t + 1);
    for (int c = 0; c < max_cpu; ++c)
        if (all[c / 64] >> (c % 64) & 1) out.cpus.push_back(c);
    std::sort(out.workers.begin(), out.workers.end(), [](const Worker& a, const Worker& b) { return a.thread < b.thread; });
    std::stable_sort(out.stretches.begin(), out.stretches.end(),
                     [](const Stretch& a, const Stretch& b) { return a.begin_ns < b.begin_ns; });
    for (Stretch& s : out.stretches)  // anonymous chunks: numbered after the explicit tasks, by begin
        if (s.task == no_task || s.task >= r.tasks.size()) s.task = next_id++;
    return out;
}

}  // namespace sumsq::record
