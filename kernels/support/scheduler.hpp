// scheduler.hpp — a single-core cooperative scheduler for C++20 coroutines.
//
// Tasks are coroutines. A task runs until it says `co_await scheduler.yield()` (go to the back of
// the ready queue) or `co_await scheduler.sleep_for(d)` (wait on a timer); then the loop in run()
// resumes the next ready task. Nothing ever runs at the same instant: one thread, pinned to one
// CPU, interleaves all tasks. That is concurrency without parallelism.
//
// The loop: a FIFO queue of ready tasks and a min-heap of timers. When nothing is ready, the
// thread sleeps until the earliest deadline, so waiting tasks cost no CPU.
//
// g++ 12 notes: await_suspend returns void (back to the loop) rather than the next handle
// (symmetric transfer is not a guaranteed tail call there and overflows the stack at -O0 and under
// ASan); tasks are free functions, never capturing lambdas (captures dangle after a suspension).
//
// Recording: on each resume the loop tells the recorder which task runs (its spawn number), so
// whatever that resume records (a range-kernel call) is one stretch of that task.
#pragma once

#include "cpu_scope.hpp"
#include "record/recorder.hpp"

#include <chrono>
#include <coroutine>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <optional>
#include <queue>
#include <sched.h>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

namespace sumsq::coop {

// Pins the calling thread to its current CPU for the scope; restores the old mask after.
// Already pinned to one CPU (e.g. by a caller that runs the scheduler often): nothing to do,
// which saves two system calls per run.
class PinToCurrentCpu {
public:
    PinToCurrentCpu()
        : scope_([](const cpu_set_t& current) -> std::optional<cpu_set_t> {
              if (CPU_COUNT(&current) == 1) return std::nullopt;
              cpu_set_t one;
              CPU_ZERO(&one);
              CPU_SET(::sched_getcpu(), &one);
              return one;
          }) {}

private:
    CpuScope scope_;
};

// A coroutine that runs on the Scheduler: created suspended; spawn() hands it over.
class Task {
public:
    struct promise_type {
        std::exception_ptr error;
        std::uint32_t id = 0;  // spawn number: the task id the recorder sees
        Task get_return_object() { return Task(std::coroutine_handle<promise_type>::from_promise(*this)); }
        std::suspend_always initial_suspend() noexcept { return {}; }
        std::suspend_always final_suspend() noexcept { return {}; }  // the scheduler destroys the frame
        void return_void() noexcept {}
        void unhandled_exception() noexcept { error = std::current_exception(); }
    };
    using Handle = std::coroutine_handle<promise_type>;

    explicit Task(Handle handle) : handle_(handle) {}
    Task(Task&& other) noexcept : handle_(std::exchange(other.handle_, {})) {}
    Task& operator=(Task&&) = delete;
    ~Task() { if (handle_) handle_.destroy(); }
    Handle release() { return std::exchange(handle_, {}); }

private:
    Handle handle_;
};

class Scheduler {
public:
    using Clock = std::chrono::steady_clock;

    Scheduler() = default;
    Scheduler(const Scheduler&) = delete;
    Scheduler& operator=(const Scheduler&) = delete;
    ~Scheduler() { destroy_all(); }

    // From now on the scheduler owns the task: a suspended task is always in the ready queue or
    // the timer heap, so those two hold every frame.
    void spawn(Task task) {
        const Task::Handle h = task.release();
        h.promise().id = next_id_++;
        ready_.push_back(h);
    }

    // Hands a task over to run next, before every ready one: a tree walked depth first, the
    // newest (smallest) piece first, keeps a few frames per level alive instead of a whole level.
    void spawn_next(Task task) {
        const Task::Handle h = task.release();
        h.promise().id = next_id_++;
        ready_.push_front(h);
    }

    // Reschedules the current task behind every ready one.
    auto yield() {
        struct Awaiter {
            Scheduler& s;
            bool await_ready() const noexcept { return false; }
            void await_suspend(Task::Handle h) const { s.ready_.push_back(h); }
            void await_resume() const noexcept {}
        };
        return Awaiter{*this};
    }

    // Suspends the current task until `due`; others run meanwhile. Tasks sleeping until the same
    // instant wake in the order they went to sleep.
    auto sleep_until(Clock::time_point due) {
        struct Awaiter {
            Scheduler& s;
            Clock::time_point due;
            bool await_ready() const noexcept { return false; }
            void await_suspend(Task::Handle h) const { s.timers_.push({due, s.timer_sequence_++, h}); }
            void await_resume() const noexcept {}
        };
        return Awaiter{*this, due};
    }

    // Suspends the current task until `duration` has passed.
    auto sleep_for(Clock::duration duration) { return sleep_until(Clock::now() + duration); }

    // Runs until every task is done, on this thread pinned to the CPU it is on (restored after).
    // A task's exception ends the run: the remaining tasks are destroyed and it is rethrown here.
    void run() {
        const PinToCurrentCpu pin;
        while (!ready_.empty() || !timers_.empty()) {
            if (!timers_.empty()) wake_due_timers();
            if (ready_.empty()) continue;  // wake_due_timers slept until one was due
            const Task::Handle next = ready_.front();
            ready_.pop_front();
            record::current_task = next.promise().id;
            next.resume();
            record::current_task = record::no_task;
            if (next.done()) finish(next);
        }
    }

private:
    friend class Join;

    struct Timer {
        Clock::time_point due;
        std::uint64_t sequence;  // equal deadlines wake in the order they were set
        Task::Handle handle;
        bool operator>(const Timer& other) const { return std::tie(due, sequence) > std::tie(other.due, other.sequence); }
    };

    void wake_due_timers() {
        if (ready_.empty()) std::this_thread::sleep_until(timers_.top().due);
        for (const auto now = Clock::now(); !timers_.empty() && timers_.top().due <= now; timers_.pop())
            ready_.push_back(timers_.top().handle);
    }

    void finish(Task::Handle done) {
        const std::exception_ptr error = done.promise().error;
        done.destroy();
        if (!error) return;
        destroy_all();
        std::rethrow_exception(error);
    }

    void destroy_all() {
        for (const Task::Handle h : ready_) h.destroy();
        ready_.clear();
        for (; !timers_.empty(); timers_.pop()) timers_.top().handle.destroy();
    }

    std::deque<Task::Handle> ready_;
    std::priority_queue<Timer, std::vector<Timer>, std::greater<>> timers_;
    std::uint64_t timer_sequence_ = 0;
    std::uint32_t next_id_ = 0;
};

// The child tasks one task waits for: add() before spawning each; `co_await join` suspends the
// waiter until every child has called done(), and the last one puts it back to run next. While it
// waits the waiter is held here, not in the ready queue: children must not throw (a tree's leaves
// do not), or the scheduler's unwinding would not reach the waiter's frame.
class Join {
public:
    explicit Join(Scheduler& scheduler) : scheduler_(scheduler) {}
    void add() noexcept { ++pending_; }
    void done() {
        if (--pending_ == 0 && waiter_) scheduler_.ready_.push_front(std::exchange(waiter_, {}));
    }
    bool await_ready() const noexcept { return pending_ == 0; }
    void await_suspend(Task::Handle waiter) noexcept { waiter_ = waiter; }
    void await_resume() const noexcept {}

private:
    Scheduler& scheduler_;
    std::uint64_t pending_ = 0;
    Task::Handle waiter_{};
};

}  // namespace sumsq::coop
