// each_worker.hpp — the split shared by `threads` and `pool`: worker k of P sums piece k of [0, n)
// into its own padded slot and the caller adds the slots; tasks are dealt round-robin. A kernel
// deriving from EachWorkerBackend only says how body(0) … body(P − 1) run: on_each_worker().
#pragma once

#include "backend.hpp"
#include "split.hpp"

#include <functional>
#include <vector>

namespace sumsq {

// One partial per cache line. Unpadded, neighbouring u128 slots share a line and every write by one
// core invalidates it for the others ("false sharing"); each worker writes once here, so it costs
// little, but it is the habit to learn.
template <class T>
struct alignas(64) Padded {
    T value{};
};

class EachWorkerBackend : public Backend {
public:
    explicit EachWorkerBackend(unsigned workers) : workers_(workers) {}

    // Worker k sums piece k (src/split.hpp) into partial[k]; the caller adds the partials after
    // on_each_worker() returned, which is what makes the slots visible to it.
    u128 sum_squares(u64 n) final {
        std::vector<Padded<u128>> partial(workers_);
        on_each_worker([&](unsigned k) {
            const auto [lo, hi] = piece(n, workers_, k);
            partial[k].value = sum_squares_range(lo, hi);
        });
        u128 total = 0;
        for (const auto& slot : partial) total += slot.value;
        return total;
    }

    // Worker k runs tasks k, k + P, k + 2P, …
    void run_tasks(std::size_t count, const std::function<void(std::size_t)>& task) final {
        on_each_worker([&](unsigned k) {
            for (std::size_t t = k; t < count; t += workers_) task(t);
        });
    }

    unsigned workers() const final { return workers_; }

protected:
    // Runs body(0) … body(P − 1), each once, and returns when all have finished; the first
    // exception thrown by a body is rethrown here, on the caller.
    virtual void on_each_worker(const std::function<void(unsigned)>& body) = 0;

    const unsigned workers_;
};

}  // namespace sumsq
