// tbb — oneTBB parallel_reduce over a blocked_range: work-stealing tasks.
//
// Model:    tasks on a pool of worker threads; idle workers steal work from busy ones.
// Idiom:    the textbook form, one element at a time in each leaf:
//
//               u128 sum = tbb::parallel_reduce(
//                   tbb::blocked_range<u64>(0, n), u128{0},
//                   [](const tbb::blocked_range<u64>& r, u128 partial) {
//                       for (u64 i = r.begin(); i != r.end(); ++i) partial += u128{i} * i;
//                       return partial;
//                   },
//                   std::plus<u128>{});
//
//           parallel_sum() below is the same call; its leaf hands the whole subrange to one
//           work.sum(r.begin(), r.end()), summed by the vector kernel (src/range/), and the range
//           is of units (elements, or jobs), with a grain and a partitioner: the optimisation,
//           not the idiom.
// Split:    blocked_range<u64>(0, units, grain) is split recursively in halves, never below the
//           grain, as far as the partitioner decides (--partitioner): auto (default) splits into a
//           few pieces per worker and more where stealing happens; simple splits down to the grain
//           (as many tasks as the grain allows: the grain is then the knob); static deals equal
//           pieces to the workers up front, like OpenMP's static; affinity is auto that remembers
//           which worker ran which piece and replays it on the next call (cache reuse). Each
//           partitioner is a type of its own: with_partitioner() turns the value into the call.
// Combine:  each leaf sums its subrange into a running partial; partials are added pairwise as the
//           split tree joins. The lambda form replaces a body class with a splitting constructor
//           and join():
//
//               struct Body {
//                   u128 sum = 0;
//                   Body() = default;
//                   Body(Body&, tbb::split) {}                       // a thief starts at 0
//                   void operator()(const tbb::blocked_range<u64>& r) { sum += work.sum(r.begin(), r.end()); }
//                   void join(const Body& right) { sum += right.sum; }
//               };
//               Body body;  tbb::parallel_reduce(tbb::blocked_range<u64>(0, n), body);
//
// Tree:     tbb::task_group, the divide-and-conquer idiom: a split runs its left half as a new
//           task, walks its right half itself, and waits for the left before adding the two:
//
//               u128 left, right;
//               tbb::task_group group;
//               group.run([&] { left = tree_sum(halves.first); });   // a task: any worker may steal it
//               right = tree_sum(halves.second);                      // meanwhile, here
//               group.wait();                                         // runs other tasks while it waits
//               return left + right;
//
//           The spawned task goes on this worker's own deque; an idle worker steals the oldest one
//           (the largest half), so the work spreads from the top of the tree.
// Nested:   --nested (jobs): a large job is reduced inside the body by the same parallel_reduce.
//           It composes: the inner tasks join the one pool, and a worker with nothing left steals
//           them — no new threads, no oversubscription.
// Notice:   the thread count is a task_arena of P slots, created and initialised outside the timed
//           region (kernels/support/tbb_workers.hpp); global_control lets TBB create that many
//           workers even past the CPU count. --bind pins each thread as it enters the arena (an
//           observer). Default grain 1 (simple on elements: 262,144, else one task per element).
//           An exception in a task is carried to the caller by TBB itself.
#include "contract/backend.hpp"
#include "support/tbb_workers.hpp"

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/parallel_reduce.h>
#include <oneapi/tbb/task_group.h>

#include <functional>

namespace {

using sumsq::u128;
using sumsq::u64;

using sumsq::Partitioner;

class Tbb final : public sumsq::TbbBackend {
public:
    Tbb(unsigned threads, const sumsq::Schedule& schedule, const sumsq::Binding& bind)
        : TbbBackend(threads, bind), schedule_(schedule) {}

    u128 reduce(const sumsq::Work& work) override {
        return workers_.execute([&] { return parallel_sum(work, schedule_.partitioner); });
    }

    u128 reduce_tree(const sumsq::Tree& tree) override {
        return workers_.execute([&] { return tree_sum(tree, tree.root()); });
    }

    void run_tasks(std::size_t count, const std::function<void(std::size_t)>& task) override {
        workers_.execute([&] {
            tbb::parallel_for(std::size_t{0}, count, [&](std::size_t k) { task(k); });
        });
    }

private:
    static u128 tree_sum(const sumsq::Tree& tree, sumsq::Piece piece) {
        if (tree.is_leaf(piece)) return tree.leaf(piece);
        const auto [left_half, right_half] = tree.halves(piece);
        u128 left = 0, right = 0;
        tbb::task_group group;
        group.run([&] { left = tree_sum(tree, left_half); });
        right = tree_sum(tree, right_half);
        group.wait();
        return left + right;
    }

    u128 parallel_sum(const sumsq::Work& work, Partitioner partitioner) {
        const tbb::blocked_range<u64> units(0, work.count(), sumsq::effective_grain(schedule_, work.default_chunk()));
        const bool nested = schedule_.nested && work.has_jobs();
        const auto body = [&](const tbb::blocked_range<u64>& r, u128 partial) {
            if (!nested) return partial + work.sum(r.begin(), r.end());
            for (u64 j = r.begin(); j != r.end(); ++j)  // a large job: the same parallel_reduce, nested
                partial += work.worth_splitting(j) ? work.keep(j, parallel_sum(work.job(j), Partitioner::auto_)) : work.sum(j, j + 1);
            return partial;
        };
        return with_partitioner(partitioner, [&](auto&& tbb_partitioner) {
            return tbb::parallel_reduce(units, u128{0}, body, std::plus<u128>{}, tbb_partitioner);
        });
    }

    // Calls call(p) with the oneTBB partitioner object that `partitioner` names: each partitioner
    // is its own type, so the value picks the type here, once.
    template <class Call>
    u128 with_partitioner(Partitioner partitioner, Call&& call) {
        switch (partitioner) {
        case Partitioner::simple: return call(tbb::simple_partitioner{});
        case Partitioner::static_: return call(tbb::static_partitioner{});
        case Partitioner::affinity: return call(affinity_);  // a member: it remembers across calls
        case Partitioner::auto_: break;
        }
        return call(tbb::auto_partitioner{});
    }

    sumsq::Schedule schedule_;
    tbb::affinity_partitioner affinity_;  // remembers where each piece ran, across calls
};

}  // namespace

const sumsq::BackendInfo sumsq::backend_info{
    .name = "tbb",
    .model = "oneTBB parallel_reduce: recursive splitting, work-stealing tasks",
    .runs_tree = true,
    .takes_partitioner = true,
    .takes_nested = true,
    .takes_bind = true,
};

std::unique_ptr<sumsq::Backend> sumsq::make_backend(const BackendConfig& config) {
    return std::make_unique<Tbb>(config.threads, config.schedule, config.bind);
}
