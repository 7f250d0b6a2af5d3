// openmp — `#pragma omp parallel for` with a reduction on the 128-bit sum.
//
// Model:    a pool of threads (libgomp) created once and reused; the pragma forks the loop over
//           the pool and joins at its end.
// Split:    the loop runs over P pieces of [0, N); schedule(static) gives each thread one piece,
//           decided before the loop starts (no balancing at run time, and none needed: the
//           pieces cost the same).
// Combine:  `reduction(u128_plus : total)`: every thread adds into a private copy, initialised to
//           0, and OpenMP adds the copies into `total` at the join. The built-in `+` reduction
//           does not cover unsigned __int128, so a reduction is declared for it
//           (src/omp_u128_reduction.hpp, one line): the idiom to learn for any type.
// Notice:   threads: --threads wins; without it OMP_NUM_THREADS (checked: a bad value is an
//           error, not a silent default); else the CPUs this process may use. The team size is
//           set here, outside the timed region. After a region the pool's threads spin for a
//           while before sleeping (OMP_WAIT_POLICY): that shows as CPU time, hence parallelism.
//           The team can be smaller than asked (OMP_THREAD_LIMIT, nested limits): each region
//           reads omp_get_num_threads() and that is what is reported.
//           An exception must not leave a parallel region, so tasks capture it.
#include "backend.hpp"
#include "cli.hpp"
#include "first_exception.hpp"
#include "omp_u128_reduction.hpp"
#include "split.hpp"

#include <atomic>
#include <cstdlib>
#include <omp.h>
#include <string>

namespace {

using sumsq::u128;
using sumsq::u64;

class OpenMP final : public sumsq::Backend {
public:
    explicit OpenMP(unsigned threads) : threads_(static_cast<int>(threads)) { omp_set_num_threads(threads_); }

    u128 sum_squares(u64 n) override {
        const u64 parts = static_cast<u64>(threads_);
        u128 total = 0;
#pragma omp parallel for schedule(static) num_threads(threads_) reduction(u128_plus : total)
        for (u64 k = 0; k < parts; ++k) {
            const auto [lo, hi] = sumsq::piece(n, parts, k);
            total += sumsq::sum_squares_range(lo, hi);
            obtained_.store(static_cast<unsigned>(omp_get_num_threads()), std::memory_order_relaxed);
        }
        return total;
    }

    // One task at a time per thread, handed out as threads become free.
    void run_tasks(std::size_t count, const std::function<void(std::size_t)>& task) override {
        sumsq::FirstException failure;
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads_)
        for (std::size_t k = 0; k < count; ++k) {
            obtained_.store(static_cast<unsigned>(omp_get_num_threads()), std::memory_order_relaxed);
            failure.capture([&] { task(k); });
        }
        failure.rethrow();
    }

    unsigned workers() const override {
        const unsigned obtained = obtained_.load(std::memory_order_relaxed);
        return obtained ? obtained : requested_workers();
    }
    unsigned requested_workers() const override { return static_cast<unsigned>(threads_); }

    sumsq::Versions runtime_versions() const override { return {{"OpenMP", std::to_string(_OPENMP)}}; }

private:
    int threads_;
    std::atomic<unsigned> obtained_{0};  // the team size the last region ran with
};

// --threads, else OMP_NUM_THREADS (its first entry), else the default from the command line.
unsigned team_size(const sumsq::BackendConfig& config) {
    const char* env = std::getenv("OMP_NUM_THREADS");
    if (config.threads_given || env == nullptr) return config.threads;
    const std::string value = std::string(env).substr(0, std::string(env).find(','));
    return static_cast<unsigned>(sumsq::parse_count_option("OMP_NUM_THREADS", value, 1, sumsq::max_threads,
                                                           "or pass --threads, which wins over it"));
}

}  // namespace

const sumsq::BackendInfo sumsq::backend_info{
    .name = "openmp",
    .model = "OpenMP parallel for + a declared reduction over a reused thread pool",
};

std::unique_ptr<sumsq::Backend> sumsq::make_backend(const BackendConfig& config) {
    return std::make_unique<OpenMP>(team_size(config));
}
