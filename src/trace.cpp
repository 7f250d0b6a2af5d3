#include "trace.hpp"

#include "wait_workload.hpp"

#include <nlohmann/json.hpp>

#include <mutex>
#include <sched.h>
#include <set>
#include <unistd.h>
#include <sys/syscall.h>
#include <vector>

namespace sumsq::trace {
namespace {

constexpr std::size_t max_events = 1'000'000;
// Rows for wait-workload tasks get ids above any Linux thread id (PID_MAX_LIMIT is 2^22).
constexpr long task_row_base = 1L << 30;

struct Event {
    u64 lo, hi;          // chunk bounds; for a step: task, step
    bool is_step;
    long os_thread;
    int cpu;
    Clock::time_point begin, end;
};

std::mutex mutex;
std::vector<Event> events;
std::size_t dropped = 0;
Clock::time_point origin;

void add(const Event& event) {
    const std::lock_guard lock(mutex);
    if (events.size() < max_events) events.push_back(event);
    else ++dropped;
}

long os_thread_id() { return static_cast<long>(::syscall(SYS_gettid)); }

double micros(Clock::duration d) { return std::chrono::duration<double, std::micro>(d).count(); }

}  // namespace

void start() {
    const std::lock_guard lock(mutex);
    events.clear();
    dropped = 0;
    origin = Clock::now();
    recording.store(true, std::memory_order_relaxed);
}

void stop() { recording.store(false, std::memory_order_relaxed); }

void chunk(u64 lo, u64 hi, Clock::time_point begin, Clock::time_point end) {
    add({lo, hi, false, os_thread_id(), ::sched_getcpu(), begin, end});
}

void step(unsigned task, unsigned step, Clock::time_point begin, Clock::time_point end) {
    add({task, step, true, os_thread_id(), ::sched_getcpu(), begin, end});
}

std::size_t event_count() {
    const std::lock_guard lock(mutex);
    return events.size();
}

std::size_t dropped_count() {
    const std::lock_guard lock(mutex);
    return dropped;
}

nlohmann::json document(const std::string& backend) {
    const std::lock_guard lock(mutex);
    using nlohmann::json;
    const int pid = ::getpid();
    json trace_events = json::array();
    // Rows: one per OS thread for chunks; one per task for steps (so overlapping waits show).
    std::set<long> threads;
    std::set<u64> tasks;
    for (const Event& e : events) {
        json event = {{"ph", "X"}, {"pid", pid}, {"ts", micros(e.begin - origin)}, {"dur", micros(e.end - e.begin)}};
        if (e.is_step) {
            const auto name = WaitWorkload::task_name(static_cast<unsigned>(e.lo));
            event["name"] = "Task " + name + ": step " + std::to_string(e.hi);
            event["cat"] = "step";
            event["tid"] = task_row_base + static_cast<long>(e.lo);  // a row per task
            event["args"] = {{"task", name}, {"step", e.hi}, {"os_thread", e.os_thread}, {"cpu", e.cpu}};
            tasks.insert(e.lo);
        } else {
            event["name"] = "chunk";
            event["cat"] = "chunk";
            event["tid"] = e.os_thread;
            event["args"] = {{"lo", e.lo}, {"hi", e.hi}, {"elements", e.hi - e.lo}, {"os_thread", e.os_thread}, {"cpu", e.cpu}};
            threads.insert(e.os_thread);
        }
        trace_events.push_back(std::move(event));
    }
    trace_events.push_back({{"ph", "M"}, {"name", "process_name"}, {"pid", pid}, {"args", {{"name", "sumsq-" + backend}}}});
    for (long t : threads)
        trace_events.push_back({{"ph", "M"}, {"name", "thread_name"}, {"pid", pid}, {"tid", t},
                                {"args", {{"name", "OS thread " + std::to_string(t)}}}});
    for (u64 t : tasks)
        trace_events.push_back({{"ph", "M"}, {"name", "thread_name"}, {"pid", pid}, {"tid", task_row_base + static_cast<long>(t)},
                                {"args", {{"name", "Task " + WaitWorkload::task_name(static_cast<unsigned>(t))}}}});
    return {{"traceEvents", std::move(trace_events)},
            {"displayTimeUnit", "ns"},
            {"otherData", {{"backend", backend}, {"dropped_events", dropped}}}};
}

}  // namespace sumsq::trace
