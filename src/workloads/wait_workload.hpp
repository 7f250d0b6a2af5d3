// wait_workload.hpp — the wait-bound workload (--workload wait), the classic concurrency example:
// T tasks named A, B, …, each doing S steps of "record `Task A: step k`, then wait D".
// Run one after another it takes T·S·D; with the waits overlapped it takes about S·D, whether the
// overlap comes from blocked threads or from a single-core scheduler (which uses almost no CPU).
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <vector>

namespace sumsq {

class WaitWorkload {
public:
    struct Plan {
        unsigned tasks = 2;
        unsigned steps = 3;
        std::chrono::milliseconds wait{100};
    };
    struct StepRecord {
        unsigned task, step;
    };

    explicit WaitWorkload(Plan plan) : plan_(plan), woke_(plan.tasks) {}
    const Plan& plan() const { return plan_; }

    using Clock = std::chrono::steady_clock;
    // A step is "announce, then wait". begin_step records the announcement (thread-safe, in
    // execution order) and the stretch that ran up to it (since the task woke, or began);
    // end_step, after the wait, notes the wake (and, after the last step, the task's end).
    void begin_step(unsigned task, unsigned step);
    void end_step(unsigned task, unsigned step);
    // One task the blocking way: for each step, begin, sleep for the wait, end.
    void run_blocking(unsigned task);

    void reset();
    std::vector<StepRecord> order() const;
    // Every task ran every step exactly once, each task's steps in order; else a description.
    std::string incomplete_reason() const;

    // "A", …, "Z", "AA", "AB", … (spreadsheet columns).
    static std::string task_name(unsigned task);
    // "Task A: step 0" — the line --trace-steps prints.
    static std::string step_line(const StepRecord& record);

private:
    Plan plan_;
    mutable std::mutex mutex_;
    std::vector<StepRecord> order_;
    std::vector<Clock::time_point> woke_;  // per task: when it last woke (only its runner touches it)
};

}  // namespace sumsq
