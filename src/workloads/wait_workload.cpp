#include "wait_workload.hpp"

#include "contract/backend.hpp"
#include "record/views.hpp"

#include <thread>

namespace sumsq {

void WaitWorkload::begin_step(unsigned task, unsigned step) {
    const auto begin = step == 0 ? Clock::now() : woke_[task];
    {
        const std::lock_guard lock(mutex_);
        order_.push_back({task, step});
    }
    record::stretch(begin, Clock::now(), record::Kind::step, task, step, 0);
}

void WaitWorkload::end_step(unsigned task, unsigned step) {
    const auto now = Clock::now();
    woke_[task] = now;
    if (step + 1 == plan_.steps) record::stretch(now, Clock::now(), record::Kind::finish, task, step, 0);
}

void WaitWorkload::run_blocking(unsigned task) {
    for (unsigned s = 0; s < plan_.steps; ++s) {
        begin_step(task, s);
        std::this_thread::sleep_for(plan_.wait);
        end_step(task, s);
    }
}

void WaitWorkload::reset() {
    const std::lock_guard lock(mutex_);
    order_.clear();
    woke_.assign(plan_.tasks, Clock::time_point{});
}

std::vector<WaitWorkload::StepRecord> WaitWorkload::order() const {
    const std::lock_guard lock(mutex_);
    return order_;
}

std::string WaitWorkload::incomplete_reason() const {
    const std::lock_guard lock(mutex_);
    std::vector<unsigned> next(plan_.tasks, 0);
    for (const StepRecord& r : order_) {
        if (r.task >= plan_.tasks) return "a step of unknown task " + std::to_string(r.task) + " ran";
        if (r.step != next[r.task])
            return "Task " + task_name(r.task) + " ran step " + std::to_string(r.step) + " when step " +
                   std::to_string(next[r.task]) + " was due";
        ++next[r.task];
    }
    for (unsigned t = 0; t < plan_.tasks; ++t)
        if (next[t] != plan_.steps)
            return "Task " + task_name(t) + " completed " + std::to_string(next[t]) + " of " +
                   std::to_string(plan_.steps) + " steps";
    return {};
}

std::string WaitWorkload::task_name(unsigned task) { return record::task_name(task); }

std::string WaitWorkload::step_line(const StepRecord& record) {
    return "Task " + task_name(record.task) + ": step " + std::to_string(record.step);
}

// Default for blocking backends: each task occupies one worker for all of its steps.
void Backend::run_wait(WaitWorkload& workload) {
    run_tasks(workload.plan().tasks, [&workload](std::size_t task) { workload.run_blocking(static_cast<unsigned>(task)); });
}

}  // namespace sumsq
