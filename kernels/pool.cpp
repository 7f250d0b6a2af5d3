// pool — a hand-written thread pool: P − 1 std::jthread workers started once, woken per call.
//
// Model:    the workers are created with the backend (outside the timed region) and sleep in
//           std::atomic::wait on a call counter. A call publishes the work, bumps the counter and
//           notify_all()s; the caller runs piece 0 itself, then sleeps until the last worker's
//           notify_one() on the count of pieces still running.
// Idiom:    the textbook form, one element at a time: `threads`' loop, but the team outlives the
//           call, so start becomes a wake-up and join a wait on a counter:
//
//               body = [&](unsigned k) {                        // what worker k runs this call
//                   u128 s = 0;
//                   for (u64 i = k; i < n; i += P) s += u128{i} * i;
//                   slot[k].value = s;                          // written once
//               };
//               running = P - 1; calls.fetch_add(1); calls.notify_all();   // "start": wake
//               body(0);
//               while (running != 0) running.wait(...);         // "join": the last one notifies
//               for (const auto& s : slot) sum += s.value;      // combine
//
//           What runs is `threads`' reduce() on chunks of units, unchanged: the chunking is the
//           optimisation, not the idiom.
// Split:    `threads`' own (kernels/threads.cpp, which this file includes for its class Threads):
//           chunks of the units dealt statically or taken dynamically from a shared counter, by
//           --schedule; --nested and --bind as there. Only start_and_join() is replaced.
// Combine:  a cache-line-padded slot per worker, added by the caller once every worker has
//           finished. The counters' release/acquire orderings are the synchronisation: a worker
//           sees the work published before the call counter moved; the caller sees every slot
//           written before the running count reached zero.
// Tree:     tasks on a queue, by hand: one std::deque of tasks behind one std::mutex. A split puts
//           its left half on the queue, walks its right half itself, then waits for the left —
//           running queued tasks meanwhile, or it could wait forever for a task nobody is free to
//           run (every worker might be waiting):
//
//               queue.push_back({left_half, &left, &left_done});
//               right = tree_sum(right_half);
//               while (!left_done) run(queue.take_newest());    // help; its own task is the newest
//               return left + right;
//
//           The other workers take the oldest task (the largest half, near the root), so the work
//           spreads from the top, as oneTBB's stealing does with a deque per worker and no lock.
//           Here every push and take is a lock on the one mutex: the cost a runtime's task system
//           removes. A task run while waiting runs on the waiter's stack, so once half of its
//           stack is used a waiter takes back only its own left half (stack_to_spare()), or two
//           threads could chain without bound. A worker with nothing to take yields its CPU and
//           looks again until the root is done (it spins through sched_yield for the call, not
//           between calls).
// Notice:   what a runtime's pool saves over `threads`: no thread creation per call, only a wake-up
//           (a futex syscall when the worker is asleep; libstdc++'s wait spins briefly first). Workers
//           sleep, never spin between calls, so an idle pool costs no CPU. An exception in a piece is
//           captured and rethrown on the caller; the destructor stops and joins the workers.
#define SUMSQ_THREADS_CLASS_ONLY  // threads.cpp without its registration
#include "threads.cpp"            // class Threads: the split, run_tasks and the combine

#include "contract/backend.hpp"
#include "support/first_exception.hpp"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <pthread.h>
#include <thread>
#include <vector>

namespace {

class Pool final : public Threads {
public:
    Pool(unsigned threads, const sumsq::Schedule& schedule, const sumsq::Binding& bind, const sumsq::CombineKnob& combine)
        : Threads(threads, schedule, bind, combine) {
        workers_started_.reserve(threads - 1);
        try {
            for (unsigned k = 1; k < threads; ++k) workers_started_.emplace_back([this, k] { work(k); });
        } catch (...) {  // could not start them all: stop the ones that run, then report
            stop();
            throw;
        }
    }
    ~Pool() override { stop(); }
    Pool(const Pool&) = delete;
    Pool& operator=(const Pool&) = delete;

    u128 reduce_tree(const sumsq::Tree& tree) override {
        TreeQueue queue;
        std::atomic<bool> root_done{false};
        u128 total = 0;
        start_and_join([&](unsigned k) {
            if (k == 0) {  // the caller walks the root
                total = tree_sum(tree, tree.root(), queue);
                root_done.store(true, std::memory_order_release);
                return;
            }
            while (!root_done.load(std::memory_order_acquire))
                if (const std::optional<TreeTask> task = queue.take(TreeQueue::oldest)) run(tree, *task, queue);
                else std::this_thread::yield();
        });
        return total;
    }

private:
    // One queued half of a split: its range, where its sum goes, and the flag its waiter watches.
    struct TreeTask {
        sumsq::Piece piece;
        u128* sum;
        std::atomic<bool>* done;
    };
    class TreeQueue {
    public:
        enum End { newest, oldest };
        void push(const TreeTask& task) {
            const std::lock_guard lock(mutex_);
            tasks_.push_back(task);
        }
        std::optional<TreeTask> take(End end) {
            const std::lock_guard lock(mutex_);
            if (tasks_.empty()) return std::nullopt;
            const TreeTask task = end == newest ? tasks_.back() : tasks_.front();
            if (end == newest) tasks_.pop_back();
            else tasks_.pop_front();
            return task;
        }
        // The task whose done flag is `done`, if nobody has taken it yet (a waiter taking back its own).
        std::optional<TreeTask> take_back(const std::atomic<bool>* done) {
            const std::lock_guard lock(mutex_);
            const auto at = std::find_if(tasks_.rbegin(), tasks_.rend(), [&](const TreeTask& t) { return t.done == done; });
            if (at == tasks_.rend()) return std::nullopt;
            const TreeTask task = *at;
            tasks_.erase(std::next(at).base());
            return task;
        }

    private:
        std::mutex mutex_;
        std::deque<TreeTask> tasks_;
    };

    static void run(const sumsq::Tree& tree, const TreeTask& task, TreeQueue& queue) {
        *task.sum = tree_sum(tree, task.piece, queue);
        task.done->store(true, std::memory_order_release);  // publishes *task.sum to the waiter
    }

    static u128 tree_sum(const sumsq::Tree& tree, sumsq::Piece piece, TreeQueue& queue) {
        if (tree.is_leaf(piece)) return tree.leaf(piece);
        const auto [left_half, right_half] = tree.halves(piece);
        u128 left = 0;
        std::atomic<bool> left_done{false};
        queue.push({left_half, &left, &left_done});
        const u128 right = tree_sum(tree, right_half, queue);
        while (!left_done.load(std::memory_order_acquire))  // help while the left half is not done
            if (const std::optional<TreeTask> task = stack_to_spare() ? queue.take(TreeQueue::newest) : queue.take_back(&left_done))
                run(tree, *task, queue);  // inside this frame: on this thread's stack
            else std::this_thread::yield();
        return left + right;
    }
    // A task run while waiting sits on the waiter's stack, and may itself wait and help: two
    // threads helping each other's newest tasks can chain deeper and deeper (one make run process
    // at N = 1e8, cut-off 1,000 overflowed its 8 MiB stack; with 512 KiB stacks, 10 of 20 did).
    // oneTBB's rule: a waiting thread takes others' tasks only while less than half of its stack
    // is used; past that it takes back only its own left half, if nobody took it (and waits for
    // it otherwise: whoever took it is running it).
    static bool stack_to_spare() {
        thread_local const char* const half = [] {  // the address half-way down this thread's stack
            pthread_attr_t attr;
            void* lowest = nullptr;
            std::size_t size = 0;
            if (::pthread_getattr_np(::pthread_self(), &attr) != 0) return static_cast<const char*>(nullptr);  // unknown: no limit
            ::pthread_attr_getstack(&attr, &lowest, &size);
            ::pthread_attr_destroy(&attr);
            return static_cast<const char*>(lowest) + size / 2;  // stacks grow down from lowest + size
        }();
        const char here = 0;
        return &here > half;
    }

    // "Start": wake the workers for body(1) … body(P − 1); body(0) here. "Join": sleep until the
    // running count reaches zero; then the first exception is rethrown here.
    void start_and_join(const std::function<void(unsigned)>& body) override {
        sumsq::FirstException failure;
        body_ = &body;
        failure_ = &failure;
        running_.store(workers_ - 1, std::memory_order_relaxed);
        calls_.fetch_add(1, std::memory_order_release);  // publishes body_, failure_, running_
        calls_.notify_all();
        failure.capture([&] { body(0); });
        for (unsigned left; (left = running_.load(std::memory_order_acquire)) != 0;) running_.wait(left, std::memory_order_acquire);
        failure.rethrow();
    }

    // Worker k: sleep until the call counter moves, run body(k), count down; until stopped.
    void work(unsigned k) {
        std::uint64_t seen = 0;
        for (;;) {
            calls_.wait(seen, std::memory_order_acquire);
            seen = calls_.load(std::memory_order_acquire);
            if (stopping_.load(std::memory_order_relaxed)) return;
            failure_->capture([&] { (*body_)(k); });
            if (running_.fetch_sub(1, std::memory_order_acq_rel) == 1) running_.notify_one();
        }
    }

    void stop() {
        stopping_.store(true, std::memory_order_relaxed);
        calls_.fetch_add(1, std::memory_order_release);
        calls_.notify_all();
        workers_started_.clear();  // join
    }

    const std::function<void(unsigned)>* body_ = nullptr;  // this call's work, published by calls_
    sumsq::FirstException* failure_ = nullptr;
    std::atomic<std::uint64_t> calls_{0};  // bumped once per call (and once to stop)
    std::atomic<unsigned> running_{0};     // workers still running this call's piece
    std::atomic<bool> stopping_{false};
    std::vector<std::jthread> workers_started_;  // last member: joined before the state above goes
};

}  // namespace

const sumsq::BackendInfo sumsq::backend_info{
    .name = "pool",
    .model = "hand-written pool: std::jthread workers started once, woken per call with std::atomic::wait/notify",
    .runs_tree = true,
    .schedules = "static|dynamic",
    .takes_nested = true,
    .takes_bind = true,
    .combines = "padded|unpadded|atomic|mutex|racy",  // threads' Meeting
};

std::unique_ptr<sumsq::Backend> sumsq::make_backend(const BackendConfig& config) {
    return std::make_unique<Pool>(config.threads, config.schedule, config.bind, config.combine);
}
