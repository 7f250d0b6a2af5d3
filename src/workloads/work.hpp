// work.hpp — what a backend's pieces compute, as data. A Work is `count()` units and the exact sum
// over any run [lo, hi) of them; a kernel only decides how [0, count()) is split, who runs the
// pieces and how partials combine, and calls sum(lo, hi) for each piece, whatever the workload:
//   sum    a unit is an index i, worth i·i                          Work::indices(n)
//   array  a unit is a stored u32 a[i], worth a[i]² (a[i] = i)       Work::stored(…)
//   jobs   a unit is a job j, worth S(n_j) = Σ i·i over [0, n_j)    Work::batch(sizes, results)
//   fill   writes a[i] = i for its units and is worth 0: the array's first touch, made by the
//          same workers with the same split as the sum that reads it   Work::filling(…)
// A Work is a small value (pointers and counts): copy it freely; what it points at outlives the run.
#pragma once

#include "contract/sum_squares.hpp"

#include <cstdint>
#include <span>

namespace sumsq {

class Work {
public:
    static Work indices(u64 n) { return Work(Kind::indices, n); }
    // The array a[0, n); this process holds a[first, first + window.size()) in `window`
    // (all of it, except on an MPI rank, which holds its own slice).
    static Work stored(std::span<const std::uint32_t> window, u64 first, u64 n) {
        Work w(Kind::stored, n);
        w.values_ = const_cast<std::uint32_t*>(window.data()), w.first_ = first;
        return w;
    }
    static Work filling(std::span<std::uint32_t> window, u64 first, u64 n) {
        Work w(Kind::fill, n);
        w.values_ = window.data(), w.first_ = first;
        return w;
    }
    // Jobs of sizes[j] elements; each job's result is kept in results[j] (per-job validation).
    static Work batch(std::span<const u64> sizes, std::span<u128> results) {
        Work w(Kind::jobs, sizes.size());
        w.sizes_ = sizes.data(), w.results_ = results.data();
        return w;
    }

    u64 count() const { return count_; }

    // Exact Σ of the units [lo, hi), lo <= hi <= count(). Jobs keep their results as they go.
    u128 sum(u64 lo, u64 hi) const {
        switch (kind_) {
        case Kind::indices: return sum_squares_range(lo, hi);
        case Kind::stored: return sum_squares_array(values_ + (lo - first_), lo, hi);
        case Kind::fill: fill(lo, hi); return 0;
        case Kind::jobs: break;
        }
        u128 total = 0;
        for (u64 j = lo; j < hi; ++j) total += keep(j, sum_squares_range(0, sizes_[j]));
        return total;
    }

    // Jobs: the elements of job j as a Work of their own, for a kernel that splits a large job
    // inside (--nested); its result goes back through keep(j, …).
    bool has_jobs() const { return kind_ == Kind::jobs; }
    Work job(u64 j) const { return indices(sizes_[j]); }
    bool worth_splitting(u64 j) const { return sizes_[j] >= nested_min_elements; }
    u128 keep(u64 j, u128 result) const { return results_[j] = result; }
    std::span<u128> job_results() const { return {results_, has_jobs() ? count_ : 0}; }

    // Units per chunk when a schedule names none: one job, or 262,144 elements (2^18: 7.5 µs of the
    // sum kernel on Sapphire Rapids' IFMA path, 15 µs on Zen 3's avx2; 1 MiB of the array): small
    // enough to balance, large enough to amortise a hand-out and the kernel's fixed cost per call
    // (about 0.2 µs: at 65,536 a 2-thread dynamic sum there took 11% longer than at 2^20).
    u64 default_chunk() const { return has_jobs() ? 1 : default_element_chunk; }

    static constexpr u64 default_element_chunk = 262'144;
    static constexpr u64 nested_min_elements = 2 * default_element_chunk;  // smaller jobs are not split

private:
    enum class Kind { indices, stored, fill, jobs };
    Work(Kind kind, u64 count) : kind_(kind), count_(count) {}
    void fill(u64 lo, u64 hi) const {
        for (u64 i = lo; i < hi; ++i) values_[i - first_] = static_cast<std::uint32_t>(i);
    }

    Kind kind_;
    u64 count_;
    std::uint32_t* values_ = nullptr;  // stored / fill: the window, holding a[first_ …]
    u64 first_ = 0;
    const u64* sizes_ = nullptr;       // jobs
    u128* results_ = nullptr;          // jobs: one slot per job, written by the one worker that runs it
};

}  // namespace sumsq
