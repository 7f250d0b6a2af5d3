// interleaved — many tasks, one core: C++20 coroutines on a cooperative scheduler.
//
// Model:    concurrency without parallelism. The tasks are structured to overlap, but one thread,
//           pinned to one CPU, runs them by turns (kernels/support/scheduler.hpp). A task gives up
//           the CPU only where it says co_await.
// Idiom:    the textbook form, one element per turn:
//
//               Task sum_piece(Scheduler& scheduler, u64 lo, u64 hi, u128& partial) {
//                   for (u64 i = lo; i < hi; ++i) {
//                       partial += u128{i} * i;
//                       co_await scheduler.yield();             // let the next task run
//                   }
//               }
//               for (k …) scheduler.spawn(sum_piece(scheduler, lo_k, hi_k, partial[k]));
//               scheduler.run();                                // then add the partials
//
//           sum_piece() below yields after a step of --step elements instead, each step one
//           work.sum(lo, end) summed by the vector kernel (src/range/): the step is the
//           optimisation (a yield per element would cost more than the element), not the idiom.
// Split:    elements: [0, N) in --tasks contiguous pieces (default 4); jobs: one task per job.
//           Each task sums its elements --step at a time (default 65,536) and yields after every
//           step, so the tasks' progress interleaves: A's first step, B's first step, …, A's
//           second step, … (round robin: a long job shares the core with the short ones).
// Combine:  each task adds into its own partial; no locks are needed because no two tasks ever
//           run at the same time. After run() returns, the partials are added.
// Tree:     child coroutines awaited: a node spawns a child task for the left half of each split
//           down its right spine, sums the leaf at the bottom of the spine itself, then waits for
//           its children (coop::Join), which add their sums into its own:
//
//               Task tree_node(Piece p, u128& parent_sum, Join& parent) {
//                   Join children;  u128 sum = 0;
//                   while (!tree.is_leaf(p)) {                // one child per split
//                       children.add();
//                       scheduler.spawn_next(tree_node(halves(p).first, sum, children));
//                       p = halves(p).second;
//                   }
//                   sum += tree.leaf(p);
//                   co_await children;                        // the others run meanwhile
//                   parent_sum += sum;  parent.done();
//               }
//
//           No lock on the shared sums: on one thread only one task ever runs. What a task costs
//           here is a coroutine frame (a heap allocation), a queue push and a resume: no thread,
//           no CPU but this one.
// Notice:   parallelism (CPU time / wall time) is ≈1 on the sum workload: interleaving adds no CPU,
//           so the time matches serial (a yield + resume costs nanoseconds: docs/benchmarks.md).
//           On the wait workload the tasks' waits overlap on one core — T·S·D of waiting takes
//           S·D — at parallelism ≈0, while the threads backend gets the same overlap by blocking
//           several OS threads.
//           --threads other than 1 is refused: one core is the point. The backend pins its
//           thread once, at setup (outside the timed region), so each run() finds it pinned.
#include "contract/backend.hpp"
#include "support/scheduler.hpp"
#include "contract/split.hpp"
#include "workloads/wait_workload.hpp"

#include <algorithm>
#include <vector>

namespace {

using sumsq::u128;
using sumsq::u64;
using sumsq::coop::Join;
using sumsq::coop::Scheduler;
using sumsq::coop::Task;

// Sums units [lo, hi) of `work` in steps, yielding after each. Parameters are copied into the
// coroutine frame; `partial` and `scheduler` outlive the task (they live until run() returns).
Task sum_piece(Scheduler& scheduler, sumsq::Work work, u64 lo, u64 hi, u64 step, u128& partial) {
    while (lo < hi) {
        const u64 end = hi - lo > step ? lo + step : hi;
        partial += work.sum(lo, end);
        lo = end;
        co_await scheduler.yield();
    }
}

// The wait workload's task: announce a step, then wait without blocking the thread.
Task wait_steps(Scheduler& scheduler, sumsq::WaitWorkload& workload, unsigned task) {
    for (unsigned step = 0; step < workload.plan().steps; ++step) {
        workload.begin_step(task, step);
        co_await scheduler.sleep_for(workload.plan().wait);
        workload.end_step(task, step);
    }
}

// One node of the tree and its right spine (see Tree above). The tree and piece are copied into
// the frame; `parent_sum` and `parent` live in the waiting parent's frame (or reduce_tree's).
Task tree_node(Scheduler& scheduler, sumsq::Tree tree, sumsq::Piece piece, u128& parent_sum, Join& parent) {
    Join children(scheduler);
    u128 sum = 0;
    while (!tree.is_leaf(piece)) {
        const auto [left, right] = tree.halves(piece);
        children.add();
        scheduler.spawn_next(tree_node(scheduler, tree, left, sum, children));
        piece = right;
    }
    sum += tree.leaf(piece);
    co_await children;
    parent_sum += sum;
    parent.done();
}

// A plain function as a task: it runs to completion when its turn comes.
Task run_to_completion(const std::function<void(std::size_t)>& body, std::size_t k) {
    body(k);
    co_return;
}

class Interleaved final : public sumsq::Backend {
public:
    Interleaved(unsigned tasks, u64 step) : tasks_(tasks), step_(step) {}

    u128 reduce(const sumsq::Work& work) override {
        const u64 tasks = work.has_jobs() ? work.count() : tasks_;
        std::vector<u128> partial(tasks, 0);
        Scheduler scheduler;
        for (u64 k = 0; k < tasks; ++k) {
            if (work.has_jobs()) {  // task k: job k's elements
                const sumsq::Work job = work.job(k);
                scheduler.spawn(sum_piece(scheduler, job, 0, job.count(), step_, partial[k]));
            } else {
                const auto [lo, hi] = sumsq::piece(work.count(), tasks, k);
                scheduler.spawn(sum_piece(scheduler, work, lo, hi, step_, partial[k]));
            }
        }
        scheduler.run();
        u128 total = 0;
        for (u64 k = 0; k < tasks; ++k) total += work.has_jobs() ? work.keep(k, partial[k]) : partial[k];
        return total;
    }

    u128 reduce_tree(const sumsq::Tree& tree) override {
        Scheduler scheduler;
        Join root(scheduler);  // nobody waits on it: the run ends when every task is done
        u128 total = 0;
        root.add();
        scheduler.spawn(tree_node(scheduler, tree, tree.root(), total, root));
        scheduler.run();
        return total;
    }

    void run_tasks(std::size_t count, const std::function<void(std::size_t)>& task) override {
        Scheduler scheduler;
        for (std::size_t k = 0; k < count; ++k) scheduler.spawn(run_to_completion(task, k));
        scheduler.run();
    }

    void run_wait(sumsq::WaitWorkload& workload) override {
        Scheduler scheduler;
        for (unsigned k = 0; k < workload.plan().tasks; ++k) scheduler.spawn(wait_steps(scheduler, workload, k));
        scheduler.run();
    }

    unsigned workers() const override { return 1; }

private:
    sumsq::coop::PinToCurrentCpu pin_;  // for the backend's lifetime: no affinity system calls per run
    unsigned tasks_;
    u64 step_;
};

}  // namespace

const sumsq::BackendInfo sumsq::backend_info{
    .name = "interleaved",
    .model = "C++20 coroutines interleaved on one pinned core: concurrent, never parallel",
    .thread_model = ThreadModel::one_thread,
    .one_thread_reason = "it interleaves its tasks on one pinned core by design: concurrent, never parallel",
    .splits_into_tasks = true,
    .runs_tree = true,
    .fixed_schedule = "round-robin",
};

std::unique_ptr<sumsq::Backend> sumsq::make_backend(const BackendConfig& config) {
    return std::make_unique<Interleaved>(config.tasks, config.step);
}
