// openmp — `#pragma omp parallel for` with a reduction on the 128-bit sum, and OpenMP's schedule.
//
// Model:    a pool of threads (libgomp) created once and reused; the pragma forks the loop over
//           the pool and joins at its end.
// Idiom:    the textbook form, one element per iteration:
//
//               u128 sum = 0;
//               #pragma omp parallel for reduction(u128_plus : sum)
//               for (u64 i = 0; i < n; ++i) sum += u128{i} * i;
//
//           reduce() below runs the same loop over chunks instead of elements, one chunk per
//           iteration, each a work.sum(lo, hi) that the vector kernel sums (src/range/):
//
//               #pragma omp for schedule(runtime) nowait
//               for (u64 c = 0; c < chunks; ++c) total += work.sum(c * chunk, min(n, (c + 1) * chunk));
//
//           The chunking is the optimisation, not the idiom. The `parallel for` is written as
//           `parallel` + `for` only so that one thread can record the team size before the loop;
//           the `for` then says `nowait`: the region's end is a barrier already, and the reduction
//           is combined there, so the loop's own barrier would be a second wait per call.
// Split:    `schedule` decides who runs which chunk: static (default) deals them out before the
//           loop starts — without CHUNK one contiguous chunk per thread, no balancing and none
//           needed when units cost the same; dynamic hands the next chunk to whichever thread is
//           free (balances uneven work, one shared counter update per chunk); guided hands out big
//           chunks first, then smaller ones. --schedule KIND[,CHUNK] picks it at run time: the
//           loop says schedule(runtime) and omp_set_schedule() sets the kind. CHUNK counts units
//           (elements, or jobs).
// Combine:  `reduction(u128_plus : total)`: every thread adds into a private copy, initialised to
//           0, and OpenMP adds the copies into `total` at the join. The built-in `+` reduction
//           does not cover unsigned __int128, so a reduction is declared for it
//           (kernels/support/omp_u128_reduction.hpp, one line): the idiom to learn for any type.
//           --combine shows what the reduction saves you, each with OpenMP's own construct, the
//           loop unchanged (reduce_shared(); --combine-every K: a thread adds what it has summed
//           every K units instead of once at its end):
//             reduction  the declared reduction (the default)
//             critical   one shared total, `#pragma omp critical` around each add (a lock)
//             atomic     one shared total, `#pragma omp atomic capture` on its low word and
//                        `atomic` on its high word with the carry: exact, no lock
//             unpadded   a shared array, one 16-byte slot per thread side by side in a cache
//                        line: false sharing
//             racy       one shared total, `atomic read` then `atomic write`: each access is
//                        atomic, the add between them is not, so concurrent adds are lost (and,
//                        the total being two words, a torn read past 2^64 can add 2^64)
// Tree:     `task` + `taskwait`, the OpenMP divide-and-conquer idiom: one thread of the team
//           starts the walk (`single`), the others take its tasks from the team's task pool:
//
//               #pragma omp parallel
//               #pragma omp single
//               total = tree_sum(root);
//
//               u128 tree_sum(Piece p) {                  // a leaf: tree.leaf(p)
//                   u128 left, right;
//                   #pragma omp task shared(left)           // the left half: a task
//                   left = tree_sum(halves.first);
//                   right = tree_sum(halves.second);        // the right half: here
//                   #pragma omp taskwait                    // runs other tasks while it waits
//                   return left + right;
//               }
//
//           The cut-off is the leaf test, as in every backend (same tree, same task count);
//           OpenMP's own spellings of a cut-off are `if(size > C)` (an undeferred task, run at once)
//           and `final(size <= C)` (no tasks below this one), which still pay for the construct.
// Nested:   --nested (jobs): a large job is split inside with `taskloop`, whose tasks run on the
//           same team: a thread that ran out of jobs picks them up while it waits at the loop's
//           end. Nested parallel regions were the other choice; they start a new team per job
//           (P × P threads on P CPUs, and thread start-up per region) — tasks compose, teams do not.
//           num_tasks(8 per thread), not one task per chunk: with thousands of queued tasks libgomp
//           runs them on the thread that made them, which balances nothing (docs/benchmarks.md).
// Notice:   threads: --threads wins; without it OMP_NUM_THREADS (checked: a bad value is an
//           error, not a silent default); else the CPUs this process may use. The team size is
//           set here, outside the timed region. After a region the pool's threads spin for a
//           while before sleeping (OMP_WAIT_POLICY): that shows as CPU time, hence parallelism.
//           The team can be smaller than asked (OMP_THREAD_LIMIT, nested limits): one thread of
//           each region records omp_get_num_threads(), and that is what is reported.
//           --bind close|spread pins each team thread in an untimed first region, by hand:
//           libgomp reads OMP_PROC_BIND and OMP_PLACES once, when it loads, and a proc_bind clause
//           without them pins nothing (docs/benchmarks.md); the team's threads are reused by every
//           later region of the same size (checked by thread id).
//           To bind the OpenMP way, run with OMP_PLACES=cores OMP_PROC_BIND=close (or spread).
//           An exception must not leave a parallel region, so tasks capture it. A team that cannot
//           start makes libgomp print "Thread creation failed" and exit(1) itself: the first
//           region runs in the constructor, inside the harness's setup guard, which makes it exit 3.
#include "contract/backend.hpp"
#include "text/numbers.hpp"
#include "support/combine_every.hpp"
#include "support/first_exception.hpp"
#include "support/omp_u128_reduction.hpp"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <omp.h>
#include <string>
#include <vector>

namespace {

using sumsq::u128;
using sumsq::u64;

class OpenMP final : public sumsq::Backend {
public:
    OpenMP(unsigned threads, const sumsq::Schedule& schedule, const sumsq::Binding& bind, const sumsq::CombineKnob& combine)
        : threads_(static_cast<int>(threads)), schedule_(schedule), combine_(combine) {
        omp_set_num_threads(threads_);
        // The team starts here, untimed (libgomp creates it at the first region and reuses it);
        // --bind: each team thread pins itself once, and later regions reuse the team.
#pragma omp parallel num_threads(threads_)
        if (bind.active()) bind.pin(static_cast<unsigned>(omp_get_thread_num()), threads);
    }

    u128 reduce(const sumsq::Work& work) override {
        const u64 count = work.count(), chunk = sumsq::effective_chunk(schedule_, count, workers(), work.default_chunk());
        const u64 chunks = (count + chunk - 1) / chunk;
        omp_set_schedule(kind(schedule_.kind), 1);  // 1 iteration = 1 chunk of `chunk` units
        const bool nested = schedule_.nested && work.has_jobs();
        if (combine_.how != sumsq::Combine::reduction) return reduce_shared(work, chunk, chunks, nested);
        u128 total = 0;
#pragma omp parallel num_threads(threads_) reduction(u128_plus : total)
        {
            record_team_size();
#pragma omp for schedule(runtime) nowait
            for (u64 c = 0; c < chunks; ++c) {
                const u64 lo = c * chunk, hi = std::min(count, lo + chunk);
                total += nested ? jobs_split_inside(work, lo, hi) : work.sum(lo, hi);
            }
        }
        return total;
    }

    // --combine critical|atomic|unpadded|racy: the same loop; each thread adds what it summed into a
    // shared place, once at its end or every --combine-every units.
    u128 reduce_shared(const sumsq::Work& work, u64 chunk, u64 chunks, bool nested) {
        const u64 count = work.count(), every = combine_.every;
        const sumsq::Combine how = combine_.how;
        u128 total = 0;                                 // critical
        u64 low = 0, high = 0;                          // atomic, racy: the total's two 64-bit words
        struct alignas(64) SharedLine {
            u128 slot[4]{};  // unpadded: threads 4j … 4j + 3 side by side in one 64-byte line
        };
        std::vector<SharedLine> line(static_cast<std::size_t>(threads_ + 3) / 4);
#pragma omp parallel num_threads(threads_)
        {
            record_team_size();
            const auto t = static_cast<std::size_t>(omp_get_thread_num());
            const auto add = [&](u128 part) {
                if (how == sumsq::Combine::critical) {
#pragma omp critical
                    total += part;
                } else if (how == sumsq::Combine::atomic) {  // the low word wraps: carry 1 up
                    const u64 part_low = static_cast<u64>(part);
                    u64 before;
#pragma omp atomic capture
                    { before = low; low += part_low; }
                    const u64 carry = before + part_low < before ? 1 : 0;
#pragma omp atomic
                    high += static_cast<u64>(part >> 64) + carry;
                } else if (how == sumsq::Combine::unpadded) {
                    line[t / 4].slot[t % 4] += part;
                } else {  // racy (the last of backend_info.combines): read, add, write — a write in between is lost
                    u64 seen_low, seen_high;
#pragma omp atomic read
                    seen_low = low;
#pragma omp atomic read
                    seen_high = high;
                    const u128 next = ((u128{seen_high} << 64) | seen_low) + part;
#pragma omp atomic write
                    low = static_cast<u64>(next);
#pragma omp atomic write
                    high = static_cast<u64>(next >> 64);
                }
            };
            sumsq::Unshared mine;  // what this thread summed and has not added yet
#pragma omp for schedule(runtime)
            for (u64 c = 0; c < chunks; ++c) {
                const u64 lo = c * chunk, hi = std::min(count, lo + chunk);
                if (nested) mine.sum += jobs_split_inside(work, lo, hi);  // --nested: a chunk of jobs at a time
                else sumsq::sum_and_hand_on(work, lo, hi, every, mine, add);
            }
            add(mine.sum);  // the rest (all of it, without --combine-every)
        }  // the region's end is a barrier: every add is visible here
        for (const SharedLine& l : line)
            for (const u128 s : l.slot) total += s;
        return total + ((u128{high} << 64) | low);
    }

    u128 reduce_tree(const sumsq::Tree& tree) override {
        u128 total = 0;
#pragma omp parallel num_threads(threads_)
        {
            record_team_size();
#pragma omp single
            total = tree_sum(tree, tree.root());
        }  // the single's end is a barrier: every task has run
        return total;
    }

    // One task at a time per thread, handed out as threads become free.
    void run_tasks(std::size_t count, const std::function<void(std::size_t)>& task) override {
        sumsq::FirstException failure;
#pragma omp parallel num_threads(threads_)
        {
            record_team_size();
#pragma omp for schedule(dynamic, 1)
            for (std::size_t k = 0; k < count; ++k) failure.capture([&] { task(k); });
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
    // Called by every thread of a region, before its loop: the primary thread alone records the
    // team size the region got (once per region; no barrier, no shared write per chunk).
    void record_team_size() {
#pragma omp masked
        obtained_.store(static_cast<unsigned>(omp_get_num_threads()), std::memory_order_relaxed);
    }

    // The tree (two numbers) by value: a task's captured variables are copied into it (firstprivate).
    static u128 tree_sum(const sumsq::Tree tree, sumsq::Piece piece) {
        if (tree.is_leaf(piece)) return tree.leaf(piece);
        const std::pair<sumsq::Piece, sumsq::Piece> halves = tree.halves(piece);
        const sumsq::Piece left_half = halves.first, right_half = halves.second;
        u128 left = 0, right = 0;
#pragma omp task shared(left) firstprivate(tree, left_half)
        left = tree_sum(tree, left_half);
        right = tree_sum(tree, right_half);
#pragma omp taskwait
        return left + right;
    }

    // Jobs [lo, hi); each large one as a taskloop over chunks of its elements.
    static u128 jobs_split_inside(const sumsq::Work& work, u64 lo, u64 hi) {
        u128 total = 0;
        for (u64 j = lo; j < hi; ++j) {
            if (!work.worth_splitting(j)) {
                total += work.sum(j, j + 1);
                continue;
            }
            const sumsq::Work job = work.job(j);
            const u64 chunk = job.default_chunk(), chunks = (job.count() + chunk - 1) / chunk;
            u128 sum = 0;
#pragma omp taskloop num_tasks(8 * omp_get_num_threads()) reduction(u128_plus : sum)
            for (u64 c = 0; c < chunks; ++c) sum += job.sum(c * chunk, std::min(job.count(), (c + 1) * chunk));
            total += work.keep(j, sum);
        }
        return total;
    }

    static omp_sched_t kind(sumsq::ScheduleKind kind) {
        switch (kind) {
        case sumsq::ScheduleKind::static_: return omp_sched_static;
        case sumsq::ScheduleKind::dynamic: return omp_sched_dynamic;
        case sumsq::ScheduleKind::guided: return omp_sched_guided;
        }
        return omp_sched_static;
    }

    int threads_;
    sumsq::Schedule schedule_;
    sumsq::CombineKnob combine_;
    std::atomic<unsigned> obtained_{0};  // the team size the last region ran with (read after it)
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
    .runs_tree = true,
    .schedules = "static|dynamic|guided",
    .takes_nested = true,
    .takes_bind = true,
    .combines = "reduction|critical|atomic|unpadded|racy",
};

std::unique_ptr<sumsq::Backend> sumsq::make_backend(const BackendConfig& config) {
    CombineKnob combine = config.combine;
    if (combine.how == Combine::padded) combine.how = Combine::reduction;  // a private partial per thread: what the reduction does
    return std::make_unique<OpenMP>(team_size(config), config.schedule, config.bind, combine);
}
