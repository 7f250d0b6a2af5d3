// threads — std::thread by hand: split, start, join, combine.
//
// Model:    P operating-system threads on every call: the calling thread and P − 1 started and
//           joined by this code (the caller works too instead of idling in join()).
// Split:    [0, N) in P contiguous pieces whose sizes differ by at most one (src/split.hpp).
// Combine:  each thread writes its partial sum to its own slot; after join() the caller adds the
//           slots. No locks and no atomics: join() is the synchronisation that makes the slots
//           visible to the caller.
// Notice:   the slots are padded to a cache line each. Unpadded, neighbouring u128 slots share a
//           line and every write by one core invalidates it for the others ("false sharing"). Here
//           each thread writes once, so it costs little, but it is the habit to learn.
//           Starting and joining threads costs tens of microseconds per call: compare with the
//           pools of OpenMP and oneTBB at small N. An exception on a thread would call
//           std::terminate, so each thread captures it and the caller rethrows it after join().
#include "backend.hpp"
#include "first_exception.hpp"
#include "split.hpp"

#include <thread>
#include <vector>

namespace {

using sumsq::u128;
using sumsq::u64;

class Threads final : public sumsq::Backend {
public:
    explicit Threads(unsigned threads) : threads_(threads) {}

    u128 sum_squares(u64 n) override {
        struct alignas(64) Slot {  // one cache line per partial: no false sharing
            u128 sum = 0;
        };
        std::vector<Slot> partial(threads_);
        on_each_thread([&](unsigned k) {
            const auto [lo, hi] = sumsq::piece(n, threads_, k);
            partial[k].sum = sumsq::sum_squares_range(lo, hi);
        });
        u128 total = 0;
        for (const Slot& slot : partial) total += slot.sum;
        return total;
    }

    // Thread k runs tasks k, k + P, k + 2P, …
    void run_tasks(std::size_t count, const std::function<void(std::size_t)>& task) override {
        on_each_thread([&](unsigned k) {
            for (std::size_t t = k; t < count; t += threads_) task(t);
        });
    }

    unsigned workers() const override { return threads_; }

private:
    // Runs body(0) here and body(1) … body(P − 1) on new threads, joins them, rethrows the first
    // exception.
    template <class Body>
    void on_each_thread(Body body) {
        sumsq::FirstException failure;
        std::vector<std::jthread> threads;  // jthread joins in its destructor
        threads.reserve(threads_ - 1);
        for (unsigned k = 1; k < threads_; ++k)
            threads.emplace_back([&failure, &body, k] { failure.capture([&] { body(k); }); });
        failure.capture([&] { body(0); });
        threads.clear();  // join all
        failure.rethrow();
    }

    unsigned threads_;
};

}  // namespace

const sumsq::BackendInfo sumsq::backend_info{
    .name = "threads",
    .model = "std::thread: split in P pieces, start, join, combine by hand",
};

std::unique_ptr<sumsq::Backend> sumsq::make_backend(const BackendConfig& config) {
    return std::make_unique<Threads>(config.threads);
}
