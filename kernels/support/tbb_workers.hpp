// tbb_workers.hpp — P oneTBB workers, set up once outside the timed region (tbb and pstl kernels).
//
// A task_arena of P slots bounds how many threads run the work inside execute(); global_control
// raises oneTBB's process-wide limit so that P may exceed the CPU count (oversubscription, for
// the experiments that want it). initialize() creates the arena now rather than at first use, and
// start_all() its workers: oneTBB otherwise creates them lazily, from its own workers — inside the
// timed region, and where a failed pthread_create throws on a thread nobody can catch it on (the
// harness's exit guard turns that into exit 3).
#pragma once

#include "contract/backend.hpp"

#include <oneapi/tbb/task_scheduler_observer.h>

#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/partitioner.h>
#include <oneapi/tbb/task_arena.h>
#include <oneapi/tbb/version.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <utility>

namespace sumsq {

// --bind: every thread entering the arena pins itself by its slot index (0 … P − 1), the calling
// thread included — oneTBB's hook for per-worker setup.
class ArenaBinding final : public tbb::task_scheduler_observer {
public:
    ArenaBinding(tbb::task_arena& arena, const Binding& bind, unsigned workers)
        : tbb::task_scheduler_observer(arena), bind_(bind), workers_(workers) {
        if (bind_.active()) observe(true);
    }
    ~ArenaBinding() override { observe(false); }
    void on_scheduler_entry(bool) override {
        bind_.pin(static_cast<unsigned>(tbb::this_task_arena::current_thread_index()), workers_);
    }

private:
    Binding bind_;
    unsigned workers_;
};

class TbbWorkers {
public:
    explicit TbbWorkers(unsigned threads, const Binding& bind = {})
        : allow_(tbb::global_control::max_allowed_parallelism, threads), arena_(static_cast<int>(threads)),
          binding_(arena_, bind, threads) {
        arena_.initialize();
        start_all(threads);
    }
    template <class F>
    auto execute(F&& f) {
        return arena_.execute(std::forward<F>(f));
    }
    unsigned count() const { return static_cast<unsigned>(arena_.max_concurrency()); }
    static Versions versions() { return {{"oneTBB", TBB_runtime_version()}}; }

private:
    // P tasks that each wait until all P run: every slot gets its thread now. A second at most
    // (oneTBB promises no worker count); the run goes on with the workers it has.
    void start_all(unsigned threads) {
        if (threads <= 1) return;
        std::atomic<unsigned> running{0};
        const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(1);
        arena_.execute([&] {
            tbb::parallel_for(0u, threads, [&](unsigned) {
                running.fetch_add(1);
                while (running.load() < threads && std::chrono::steady_clock::now() < give_up) std::this_thread::yield();
            }, tbb::simple_partitioner{});
        });
    }

    tbb::global_control allow_;
    tbb::task_arena arena_;
    ArenaBinding binding_;
};

// A backend whose workers are such an arena (tbb, pstl): it reports them and oneTBB's version.
class TbbBackend : public Backend {
public:
    explicit TbbBackend(unsigned threads, const Binding& bind = {}) : workers_(threads, bind) {}
    unsigned workers() const override { return workers_.count(); }
    Versions runtime_versions() const override { return TbbWorkers::versions(); }

protected:
    TbbWorkers workers_;  // P slots, created outside the timed region
};

}  // namespace sumsq
