// each_worker.hpp — the split shared by `threads` and `pool`, written by hand: what OpenMP's
// schedule clause does for you. A kernel deriving from EachWorkerBackend only says how
// body(0) … body(P − 1) run: on_each_worker().
//
// The units (elements, or jobs) are cut into chunks (--schedule KIND[,CHUNK], src/contract/schedule.hpp):
//   static   worker k takes chunks k, k + P, k + 2P, … — decided before anyone starts; without
//            CHUNK that is one contiguous chunk per worker (the default: the fastest for even work).
//   dynamic  every worker takes the next chunk nobody has taken, from one shared atomic counter,
//            until none is left: a worker that drew cheap chunks simply takes more (balances uneven
//            work, at one atomic increment per chunk).
// Worker k adds into its own padded slot; the caller adds the slots after on_each_worker()
// returned, which is what makes them visible to it.
// --nested (jobs): a thread cannot hand half of its job to an idle one without a shared queue of
// tasks — the thing a runtime provides — so by hand the large jobs are set aside: each worker does
// its chunks of the small jobs, then 1/P of every large job (a static split inside each).
#pragma once

#include "contract/backend.hpp"
#include "contract/split.hpp"

#include <algorithm>
#include <atomic>
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
    EachWorkerBackend(unsigned workers, const Schedule& schedule, const Binding& bind = {})
        : workers_(workers), schedule_(schedule), bind_(bind) {}

    u128 reduce(const Work& work) final {
        const u64 count = work.count(), chunk = effective_chunk(schedule_, count, workers_, work.default_chunk());
        const u64 chunks = (count + chunk - 1) / chunk;
        const bool nested = schedule_.nested && work.has_jobs();
        std::vector<u64> large;  // --nested: the jobs split inside, set aside
        if (nested)
            for (u64 j = 0; j < count; ++j)
                if (work.worth_splitting(j)) large.push_back(j);
        std::vector<u128> inside(workers_ * large.size());  // worker k's share of large job b: [k·B + b]
        std::vector<Padded<u128>> partial(workers_);
        std::atomic<u64> next{0};  // dynamic: the first chunk nobody has taken
        on_each_worker([&](unsigned k) {
            bind_.pin(k, workers_);  // --bind: worker k on its CPU (a system call only the first time)
            u128 sum = 0;
            const auto run_chunk = [&](u64 c) {
                const u64 lo = c * chunk, hi = std::min(count, lo + chunk);
                if (!nested) return void(sum += work.sum(lo, hi));
                for (u64 j = lo; j < hi; ++j)
                    if (!work.worth_splitting(j)) sum += work.sum(j, j + 1);
            };
            if (schedule_.kind == ScheduleKind::dynamic)
                for (u64 c; (c = next.fetch_add(1, std::memory_order_relaxed)) < chunks;) run_chunk(c);
            else
                for (u64 c = k; c < chunks; c += workers_) run_chunk(c);
            for (std::size_t b = 0; b < large.size(); ++b) {
                const Work job = work.job(large[b]);
                const auto [lo, hi] = piece(job.count(), workers_, k);
                sum += inside[k * large.size() + b] = job.sum(lo, hi);
            }
            partial[k].value = sum;
        });
        for (std::size_t b = 0; b < large.size(); ++b) {
            u128 job = 0;
            for (unsigned k = 0; k < workers_; ++k) job += inside[k * large.size() + b];
            work.keep(large[b], job);
        }
        u128 total = 0;
        for (const auto& slot : partial) total += slot.value;
        return total;
    }

    // Worker k runs tasks k, k + P, k + 2P, …
    void run_tasks(std::size_t count, const std::function<void(std::size_t)>& task) final {
        on_each_worker([&](unsigned k) {
            bind_.pin(k, workers_);
            for (std::size_t t = k; t < count; t += workers_) task(t);
        });
    }

    unsigned workers() const final { return workers_; }

protected:
    // Runs body(0) … body(P − 1), each once, and returns when all have finished; the first
    // exception thrown by a body is rethrown here, on the caller.
    virtual void on_each_worker(const std::function<void(unsigned)>& body) = 0;

    const unsigned workers_;
    const Schedule schedule_;
    const Binding bind_;
};

}  // namespace sumsq
