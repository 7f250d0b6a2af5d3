// threads — std::thread by hand: split, start, join, combine.
//
// Model:    P operating-system threads on every call: the calling thread and P − 1 started and
//           joined by this code (the caller works too instead of idling in join()).
// Split:    the units (elements, or jobs) in chunks, by --schedule (kernels/support/each_worker.hpp, shared
//           with `pool`): static (default) deals worker k chunks k, k + P, … — one contiguous piece
//           each without CHUNK; dynamic lets each worker take the next free chunk from a shared
//           atomic counter: what a runtime's dynamic schedule does for you, written out.
// Combine:  each thread writes its partial sum to its own cache-line-padded slot; after join() the
//           caller adds the slots. No locks and no atomics: join() is the synchronisation that
//           makes the slots visible to the caller.
// Notice:   --bind pins each thread with sched_setaffinity as it starts (src/contract/bind.hpp): a new
//           thread every call, so a system call every call. Starting and joining threads costs tens of microseconds per call: compare with `pool`
//           (the same split on threads started once) and the pools of OpenMP and oneTBB at small
//           N. An exception on a thread would call std::terminate, so each thread captures it and
//           the caller rethrows it after join().
#include "contract/backend.hpp"
#include "support/each_worker.hpp"
#include "support/first_exception.hpp"

#include <thread>
#include <vector>

namespace {

class Threads final : public sumsq::EachWorkerBackend {
public:
    using EachWorkerBackend::EachWorkerBackend;

private:
    // Runs body(0) here and body(1) … body(P − 1) on new threads, joins them, rethrows the first
    // exception.
    void on_each_worker(const std::function<void(unsigned)>& body) override {
        sumsq::FirstException failure;
        std::vector<std::jthread> threads;  // jthread joins in its destructor
        threads.reserve(workers_ - 1);
        for (unsigned k = 1; k < workers_; ++k)
            threads.emplace_back([&failure, &body, k] { failure.capture([&] { body(k); }); });
        failure.capture([&] { body(0); });
        threads.clear();  // join all
        failure.rethrow();
    }
};

}  // namespace

const sumsq::BackendInfo sumsq::backend_info{
    .name = "threads",
    .model = "std::thread: split in P pieces, start, join, combine by hand",
    .schedules = "static|dynamic",
    .takes_nested = true,
    .takes_bind = true,
};

std::unique_ptr<sumsq::Backend> sumsq::make_backend(const BackendConfig& config) {
    return std::make_unique<Threads>(config.threads, config.schedule, config.bind);
}
