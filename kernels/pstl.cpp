// pstl — C++17 parallel algorithms: std::transform_reduce(std::execution::par, …).
//
// Model:    the standard library decides how to run it; libstdc++ hands par to oneTBB.
// Idiom:    the textbook form, one element per call of the transform:
//
//               u128 sum = std::transform_reduce(std::execution::par,
//                                                CountingIterator(0), CountingIterator(n), u128{0},
//                                                std::plus<u128>{}, [](u64 i) { return u128{i} * i; });
//
//           parallel_sum() below counts over pieces instead of elements: the transform turns piece
//           k into work.sum(lo, hi), summed by the vector kernel (src/range/). The pieces are the
//           optimisation, not the idiom.
// Split:    a counting range over pieces 0 … K−1 of the units (src/contract/split.hpp) — for jobs
//           one piece per job; for elements K pieces of [0, N), because libstdc++ hands the index
//           range to tbb::parallel_reduce with a grain of 3 (a leaf holds at least 2 pieces), so a
//           piece is the finest unit its work stealing can balance. K = 8 to 1024 per worker,
//           pieces of 64 Ki elements or more: with only 8 per worker, a worker that starts late or
//           is preempted leaves the other a tail of up to 1/8P of N; finer pieces let the other
//           one take over (docs/benchmarks.md, "pstl at 2 threads"). K = P would be worse still: at
//           P = 2 the range of 2 is below the grain and runs on one thread.
// Combine:  transform turns a piece index into that piece's exact sum; reduce adds with std::plus.
// Nested:   --nested (jobs): a large job's transform is itself a transform_reduce(par) over its
//           elements. On libstdc++ both levels are oneTBB tasks in one arena, so they compose.
// Notice:   no thread count in the standard API. Because libstdc++ runs par on oneTBB, the call is
//           made inside a TBB task_arena of P slots (kernels/support/tbb_workers.hpp), which then
//           bounds it — an implementation detail, not a portable guarantee. The range must have
//           random-access iterators: over std::views::iota the library would silently run serially
//           (kernels/support/counting_iterator.hpp). An exception escaping an element function
//           under a standard execution policy calls std::terminate
//           ([algorithms.parallel.exceptions]), so tasks capture it.
#include "contract/backend.hpp"
#include "support/counting_iterator.hpp"
#include "support/first_exception.hpp"
#include "contract/split.hpp"
#include "support/tbb_workers.hpp"


#include <algorithm>
#include <execution>
#include <functional>
#include <numeric>

namespace {

using sumsq::u128;
using sumsq::u64;

class Pstl final : public sumsq::TbbBackend {
public:
    Pstl(unsigned threads, bool nested, const sumsq::Binding& bind) : TbbBackend(threads, bind), nested_(nested) {}

    u128 reduce(const sumsq::Work& work) override {
        return workers_.execute([&] { return parallel_sum(work); });
    }

    void run_tasks(std::size_t count, const std::function<void(std::size_t)>& task) override {
        sumsq::FirstException failure;
        workers_.execute([&] {
            std::for_each(std::execution::par, sumsq::CountingIterator(0), sumsq::CountingIterator(count),
                          [&](u64 k) { failure.capture([&] { task(k); }); });
        });
        failure.rethrow();
    }

private:
    u128 parallel_sum(const sumsq::Work& work) const {
        const u64 count = work.count();
        const u64 per_worker = std::clamp<u64>(count / (u64{workers()} << 16), 8, 1024);  // ≥ 64 Ki elements a piece
        const u64 parts = work.has_jobs() ? count : per_worker * workers();
        const bool nested = nested_ && work.has_jobs();
        return std::transform_reduce(std::execution::par, sumsq::CountingIterator(0), sumsq::CountingIterator(parts), u128{0},
                                     std::plus<u128>{}, [&](u64 k) {
                                         const auto [lo, hi] = sumsq::piece(count, parts, k);  // jobs: job lo alone
                                         if (nested && work.worth_splitting(lo)) return work.keep(lo, parallel_sum(work.job(lo)));
                                         return work.sum(lo, hi);
                                     });
    }

    bool nested_;
};

}  // namespace

const sumsq::BackendInfo sumsq::backend_info{
    .name = "pstl",
    .model = "C++17 std::transform_reduce(std::execution::par) (libstdc++ runs it on oneTBB)",
    .tree_refusal = "the parallel algorithms take a range and a function, not tasks: there is no way to spawn one and wait for it",
    .takes_nested = true,
    .takes_bind = true,
    .fixed_schedule = "library",
};

std::unique_ptr<sumsq::Backend> sumsq::make_backend(const BackendConfig& config) {
    return std::make_unique<Pstl>(config.threads, config.schedule.nested, config.bind);
}
