// tbb — oneTBB parallel_reduce over a blocked_range: work-stealing tasks.
//
// Model:    tasks on a pool of worker threads; idle workers steal work from busy ones.
// Split:    blocked_range<u64>(0, N) is split recursively in halves while the partitioner thinks it
//           worthwhile (auto_partitioner: a few pieces per worker, more where stealing happens).
// Combine:  each leaf sums its subrange with the shared kernel into a running partial; partials
//           are added pairwise as the split tree joins. The lambda form below replaces a body
//           class with a splitting constructor and join():
//
//               struct Body {
//                   u128 sum = 0;
//                   Body() = default;
//                   Body(Body&, tbb::split) {}                       // a thief starts at 0
//                   void operator()(const tbb::blocked_range<u64>& r) { sum += sum_squares_range(r.begin(), r.end()); }
//                   void join(const Body& right) { sum += right.sum; }
//               };
//               Body body;  tbb::parallel_reduce(tbb::blocked_range<u64>(0, n), body);
//
// Notice:   the thread count is a task_arena of P slots, created and initialised outside the timed
//           region (src/tbb_workers.hpp); global_control lets TBB create that many workers even
//           past the CPU count.
//           An exception in a task is carried to the caller by TBB itself.
#include "backend.hpp"
#include "tbb_workers.hpp"

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/parallel_reduce.h>

#include <functional>

namespace {

using sumsq::u128;
using sumsq::u64;

class Tbb final : public sumsq::TbbBackend {
public:
    using TbbBackend::TbbBackend;

    u128 sum_squares(u64 n) override {
        return workers_.execute([n] {
            return tbb::parallel_reduce(
                tbb::blocked_range<u64>(0, n), u128{0},
                [](const tbb::blocked_range<u64>& r, u128 partial) { return partial + sumsq::sum_squares_range(r.begin(), r.end()); },
                std::plus<u128>{});
        });
    }

    void run_tasks(std::size_t count, const std::function<void(std::size_t)>& task) override {
        workers_.execute([&] {
            tbb::parallel_for(std::size_t{0}, count, [&](std::size_t k) { task(k); });
        });
    }
};

}  // namespace

const sumsq::BackendInfo sumsq::backend_info{
    .name = "tbb",
    .model = "oneTBB parallel_reduce: recursive splitting, work-stealing tasks",
};

std::unique_ptr<sumsq::Backend> sumsq::make_backend(const BackendConfig& config) {
    return std::make_unique<Tbb>(config.threads);
}
