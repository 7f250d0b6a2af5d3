// serial — the baseline: one thread sums every unit in one piece.
//
// Model:    none; plain sequential code.
// Idiom:    the textbook form, one element at a time:
//
//               u128 sum = 0;
//               for (u64 i = 0; i < n; ++i) sum += u128{i} * i;
//
//           reduce() below hands the whole range to one work.sum(0, n): the same loop, run by the
//           vector kernel (src/range/) that every backend shares — the per-element work is not
//           what the kernels compare.
// Split:    no split: all units (elements, or jobs) are a single piece, in order.
// Combine:  nothing to combine.
// Tree:     the recursion without tasks (tree_sum_serial in src/workloads/tree.hpp), the halves one
//           after the other:
//
//               u128 tree_sum(Piece p) {
//                   if (tree.is_leaf(p)) return tree.leaf(p);
//                   auto [left, right] = tree.halves(p);
//                   return tree_sum(left) + tree_sum(right);
//               }
//
//           the baseline every backend's tree is measured against, at the same cut-off.
// Notice:   every other backend is measured against this one. Its parallelism (CPU/wall) is 1.00,
//           and in the wait workload it runs the tasks one after another (T·S·D).
#include "contract/backend.hpp"

namespace {

class Serial final : public sumsq::Backend {
public:
    sumsq::u128 reduce(const sumsq::Work& work) override { return work.sum(0, work.count()); }
    sumsq::u128 reduce_tree(const sumsq::Tree& tree) override { return sumsq::tree_sum_serial(tree, tree.root()); }

    void run_tasks(std::size_t count, const std::function<void(std::size_t)>& task) override {
        for (std::size_t k = 0; k < count; ++k) task(k);
    }

    unsigned workers() const override { return 1; }
};

}  // namespace

const sumsq::BackendInfo sumsq::backend_info{
    .name = "serial",
    .model = "one thread, no split: the baseline",
    .thread_model = ThreadModel::one_thread,
    .one_thread_reason = "it is the single-threaded baseline",
    .runs_tree = true,
    .tree_spawn_levels = 0,  // spawns nothing: its tree is the baseline
    .fixed_schedule = "none",
};

std::unique_ptr<sumsq::Backend> sumsq::make_backend(const BackendConfig&) { return std::make_unique<Serial>(); }
