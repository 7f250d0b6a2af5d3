// threads — std::thread by hand: split, start, join, combine.
//
// Model:    P operating-system threads on every call: the calling thread and P − 1 started and
//           joined here (the caller works too instead of idling in join()).
// Idiom:    the textbook form, one element at a time (thread k takes every P-th element):
//
//               std::vector<Padded<u128>> slot(P);              // one partial per thread
//               {
//                   std::vector<std::jthread> team;
//                   for (unsigned k = 0; k < P; ++k)            // split and start
//                       team.emplace_back([&, k] {
//                           u128 s = 0;
//                           for (u64 i = k; i < n; i += P) s += u128{i} * i;
//                           slot[k].value = s;                  // written once
//                       });
//               }                                               // join: each jthread at its end
//               u128 sum = 0;
//               for (const auto& s : slot) sum += s.value;      // combine, after the join
//
//           reduce() below runs the same four steps on chunks of units (elements, or jobs): a
//           chunk of elements is one work.sum(lo, hi), summed by the vector kernel (src/range/),
//           instead of P-strided single elements. The chunking is the optimisation, not the idiom.
// Split:    --schedule static|dynamic[,CHUNK]. static (default) deals thread k chunks k, k + P,
//           k + 2P, … — decided before anyone starts; without CHUNK one contiguous chunk each (the
//           fastest for even work). dynamic lets each thread take the next chunk nobody has taken
//           from one shared atomic counter, until none is left: a thread that drew cheap chunks
//           takes more (balances uneven work, at one atomic increment per chunk) — what a
//           runtime's dynamic schedule does for you, written out.
//           --nested (jobs): a thread cannot hand half of its job to an idle one without a shared
//           queue of tasks — the thing a runtime provides — so by hand the large jobs are set
//           aside: each thread does its chunks of the small jobs, then 1/P of every large job.
// Combine:  each thread sums into a local and writes it once to its own cache-line-padded slot;
//           after the join the caller adds the slots. No locks and no atomics: join() is the
//           synchronisation that makes the slots visible to the caller. --combine shows why, with
//           the rest of the kernel unchanged (class Meeting below; --combine-every K: a thread
//           adds what it has summed every K units instead of once at its end):
//             padded    its own slot, alone in a cache line (the default)
//             unpadded  its own slot, but side by side with the others' in one line: every
//                       write invalidates the line in the other cores' caches (false sharing)
//             atomic    one shared total, an atomic add per update: exact in 128 bits without
//                       a lock, as two 64-bit fetch_adds with the low word's carry counted
//             mutex     one shared total behind a std::mutex: concurrent, serialised
//             racy      one shared total, loaded and stored (relaxed atomics: defined C++, but
//                       not a read-modify-write): an update between another thread's load and
//                       store is lost, and the oracle counts what was lost. The total is two
//                       64-bit words, so a read between another thread's two stores is torn:
//                       once the total passes 2^64 that can also add 2^64 (rarely)
// Tree:     the naive divide and conquer, a new thread per split: the left half on a thread of its
//           own, the right half here, then join:
//
//               u128 left, right;
//               {
//                   std::jthread helper([&] { left = tree_sum(halves.first); });
//                   right = tree_sum(halves.second);
//               }                                               // join
//               return left + right;
//
//           in the top 10 levels of the tree only (spawn_levels: at most 1,023 threads started per
//           call and alive at once, about 8 MiB of stack address space each); below them a thread
//           walks its subtree without starting any (the harness says so when the tree is deeper).
//           Ten levels cost about 40–130 ms of thread starts per call on a 2-vCPU VM (40 µs a thread
//           on one CPU, 130 µs of worker time on two; docs/benchmarks.md): enough to show the price
//           of a thread per task against a pool's task (about 100 ns), far from exhausting the machine. The threads run
//           on the first P CPUs allowed (-t P), as a team of P would.
// Notice:   --bind pins each thread with sched_setaffinity as it starts (src/contract/bind.hpp):
//           new threads every call, so a system call every call. Starting and joining threads is
//           this backend's cost per call: compare with `pool` (this split and combine on threads
//           started once: pool.cpp includes this file and replaces start_and_join()) and the
//           pools of OpenMP and oneTBB at small N (docs/benchmarks.md). An exception on a thread
//           would call std::terminate, so each thread captures it and the caller rethrows it
//           after the join.
#include "contract/backend.hpp"
#include "support/combine_every.hpp"
#include "support/cpu_scope.hpp"
#include "support/first_exception.hpp"

#include <algorithm>
#include <atomic>
#include <functional>
#include <mutex>
#include <optional>
#include <sched.h>
#include <thread>
#include <vector>

namespace {

using sumsq::u128;
using sumsq::u64;

// One partial per cache line. Unpadded, neighbouring u128 slots share a line and every write by one
// core invalidates it for the others ("false sharing"); each thread writes once here, so it costs
// little, but it is the habit to learn.
template <class T>
struct alignas(64) Padded {
    T value{};
};

// Where the threads' partial sums meet (--combine): add(k, part) is called by thread k, as often
// as --combine-every says; total() by the caller after the join.
class Meeting {
public:
    Meeting(sumsq::Combine how, unsigned workers) : how_(how), padded_(workers), unpadded_((workers + 3) / 4) {}

    void add(unsigned k, u128 part) {
        using sumsq::Combine;
        constexpr auto relaxed = std::memory_order_relaxed;
        switch (how_) {
        case Combine::padded: padded_[k].value += part; return;  // a line nobody else writes
        case Combine::unpadded: unpadded_[k / 4].slot[k % 4] += part; return;  // its own slot, in a shared line
        case Combine::atomic: {  // the low words' sum wraps: each add that wrapped carries 1 up
            const u64 low = static_cast<u64>(part), before = low_.fetch_add(low, relaxed);
            const u64 carry = before + low < before ? 1 : 0;
            high_.fetch_add(static_cast<u64>(part >> 64) + carry, relaxed);
            return;
        }
        case Combine::mutex: {
            const std::lock_guard hold(lock_);
            locked_ += part;
            return;
        }
        case Combine::racy: {  // load, add, store: another thread's store in between is overwritten
            const u128 seen = (u128{high_.load(relaxed)} << 64) | low_.load(relaxed);
            const u128 next = seen + part;
            low_.store(static_cast<u64>(next), relaxed);
            high_.store(static_cast<u64>(next >> 64), relaxed);
            return;
        }
        default: return;  // OpenMP's ways: not offered here (backend_info.combines)
        }
    }

    u128 total() const {  // after the join, which makes every write visible here
        u128 sum = 0;
        for (const Padded<u128>& slot : padded_) sum += slot.value;
        for (const SharedLine& line : unpadded_)
            for (const u128 slot : line.slot) sum += slot;
        return sum + locked_ + ((u128{high_.load()} << 64) | low_.load());
    }

private:
    sumsq::Combine how_;
    std::vector<Padded<u128>> padded_;  // padded: thread k's partial, alone in its line
    struct alignas(64) SharedLine {
        u128 slot[4]{};  // unpadded: threads 4j … 4j + 3 side by side, 16 bytes each, in one 64-byte line
    };
    std::vector<SharedLine> unpadded_;
    std::atomic<u64> low_{0}, high_{0};  // atomic, racy: the shared total's two words
    std::mutex lock_;                    // mutex: guards locked_
    u128 locked_ = 0;
};

// The tree's threads run on the first P CPUs allowed (P = --threads), as a team of P would: set on
// the calling thread for one call, inherited by every thread it starts, put back after.
std::optional<cpu_set_t> first_cpus(const std::vector<int>& allowed, unsigned count) {
    if (allowed.size() <= count) return std::nullopt;
    cpu_set_t first;
    CPU_ZERO(&first);
    for (unsigned k = 0; k < count; ++k) CPU_SET(allowed[k], &first);
    return first;
}

class Threads : public sumsq::Backend {
public:
    Threads(unsigned threads, const sumsq::Schedule& schedule, const sumsq::Binding& bind, const sumsq::CombineKnob& combine)
        : workers_(threads), schedule_(schedule), bind_(bind), combine_(combine) {}

    u128 reduce(const sumsq::Work& work) final {
        // Split: the units in chunks; the schedule decides which thread sums which chunk.
        const u64 count = work.count(), chunk = sumsq::effective_chunk(schedule_, count, workers_, work.default_chunk());
        const u64 chunks = (count + chunk - 1) / chunk;
        std::atomic<u64> next{0};  // dynamic: the first chunk nobody has taken
        const bool nested = schedule_.nested && work.has_jobs();
        std::vector<u64> large;  // --nested: the jobs split inside, set aside from the chunks
        if (nested)
            for (u64 j = 0; j < count; ++j)
                if (work.worth_splitting(j)) large.push_back(j);
        std::vector<u128> share(workers_ * large.size());  // thread k's share of large job b: [k·B + b]
        Meeting partials(combine_.how, workers_);           // where the threads' sums meet
        const u64 every = combine_.every;                   // 0: once, at the thread's end

        const auto thread_k = [&](unsigned k) {
            bind_.pin(k, workers_);  // --bind: thread k on its CPU
            sumsq::Unshared mine;  // summed by this thread and not yet added to the meeting place
            const auto sum_units = [&](u64 lo, u64 hi) {  // --combine-every K: added every K units
                sumsq::sum_and_hand_on(work, lo, hi, every, mine, [&](u128 part) { partials.add(k, part); });
            };
            const auto add_chunk = [&](u64 c) {
                const u64 lo = c * chunk, hi = std::min(count, lo + chunk);
                if (!nested) return sum_units(lo, hi);
                for (u64 j = lo; j < hi; ++j)
                    if (!work.worth_splitting(j)) sum_units(j, j + 1);
            };
            if (schedule_.kind == sumsq::ScheduleKind::dynamic)
                for (u64 c; (c = next.fetch_add(1, std::memory_order_relaxed)) < chunks;) add_chunk(c);
            else  // static: chunks k, k + P, …
                for (u64 c = k; c < chunks; c += workers_) add_chunk(c);
            for (std::size_t b = 0; b < large.size(); ++b) {  // --nested: 1/P of every large job
                const sumsq::Work job = work.job(large[b]);
                const auto [lo, hi] = sumsq::piece(job.count(), workers_, k);
                mine.sum += share[k * large.size() + b] = job.sum(lo, hi);
            }
            partials.add(k, mine.sum);  // the rest (all of it, without --combine-every): padded, written once
        };

        // Start thread_k(1) … thread_k(P − 1) on new threads, run thread_k(0) here, join them all.
        start_and_join(thread_k);

        for (std::size_t b = 0; b < large.size(); ++b) {  // --nested: each large job's result, for validation
            u128 job = 0;
            for (unsigned k = 0; k < workers_; ++k) job += share[k * large.size() + b];
            work.keep(large[b], job);
        }
        // Combine, after the join: the caller adds the slots, one per thread (or reads the shared total).
        return partials.total();
    }

    // A thread per split in the tree's top levels (on P CPUs); see the Tree guide above.
    u128 reduce_tree(const sumsq::Tree& tree) override {
        const sumsq::CpuScope on_p_cpus([&](const cpu_set_t&) { return first_cpus(bind_.cpus, workers_); });
        return tree_sum(tree, tree.root(), 0);
    }

    // Thread k runs tasks k, k + P, k + 2P, …
    void run_tasks(std::size_t count, const std::function<void(std::size_t)>& task) final {
        start_and_join([&](unsigned k) {
            bind_.pin(k, workers_);
            for (std::size_t t = k; t < count; t += workers_) task(t);
        });
    }

    unsigned workers() const final { return workers_; }

protected:
    // The naive divide and conquer: a new std::thread for the left half, the right half here, join.
    // Below the top spawn_levels levels the subtree is walked without threads (never a fork bomb).
    static u128 tree_sum(const sumsq::Tree& tree, sumsq::Piece piece, unsigned level) {
        if (tree.is_leaf(piece)) return tree.leaf(piece);
        if (level >= spawn_levels) return sumsq::tree_sum_serial(tree, piece);
        const auto [left_half, right_half] = tree.halves(piece);
        u128 left = 0, right = 0;
        sumsq::FirstException failure;  // e.g. a thread that could not start, deeper down
        {
            const std::jthread helper([&, half = left_half] { failure.capture([&] { left = tree_sum(tree, half, level + 1); }); });
            failure.capture([&] { right = tree_sum(tree, right_half, level + 1); });
        }  // join
        failure.rethrow();
        return left + right;
    }
    static constexpr unsigned spawn_levels = 10;  // at most 2^10 − 1 = 1,023 threads per call

    // Start: body(1) … body(P − 1) on new threads, body(0) on this one. Join: wait for them all,
    // then rethrow the first exception a body threw, here on the caller.
    virtual void start_and_join(const std::function<void(unsigned)>& body) {
        sumsq::FirstException failure;
        {
            std::vector<std::jthread> team;
            team.reserve(workers_ - 1);
            for (unsigned k = 1; k < workers_; ++k)
                team.emplace_back([&failure, &body, k] { failure.capture([&] { body(k); }); });
            failure.capture([&] { body(0); });
        }  // join: each jthread joins as it goes
        failure.rethrow();
    }

    const unsigned workers_;

private:
    const sumsq::Schedule schedule_;
    const sumsq::Binding bind_;
    const sumsq::CombineKnob combine_;
};

}  // namespace

// pool.cpp includes this file for the class Threads, with SUMSQ_THREADS_CLASS_ONLY, and registers
// itself instead.
#ifndef SUMSQ_THREADS_CLASS_ONLY
const sumsq::BackendInfo sumsq::backend_info{
    .name = "threads",
    .model = "std::thread: split in P pieces, start, join, combine by hand",
    .runs_tree = true,
    .tree_spawn_levels = 10,  // Threads::spawn_levels
    .schedules = "static|dynamic",
    .takes_nested = true,
    .takes_bind = true,
    .combines = "padded|unpadded|atomic|mutex|racy",
};

std::unique_ptr<sumsq::Backend> sumsq::make_backend(const BackendConfig& config) {
    return std::make_unique<Threads>(config.threads, config.schedule, config.bind, config.combine);
}
#endif
