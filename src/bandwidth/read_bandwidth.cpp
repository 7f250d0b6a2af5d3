// The measurement: buffer a[i] = i mod 2^32 (mmap, untouched until each thread writes its own part),
// read with the fastest array path (range::active().sum_array, a call the compiler cannot see
// through, whose result is checked: no load can be dropped).
#include "read_bandwidth.hpp"

#include "range/paths.hpp"

#include <sched.h>
#include <sys/mman.h>

#include <algorithm>
#include <atomic>
#include <barrier>
#include <chrono>
#include <cstdint>
#include <new>
#include <system_error>
#include <thread>

namespace sumsq::bandwidth {
namespace {

using Clock = std::chrono::steady_clock;

struct Mapping {
    explicit Mapping(u64 bytes) : size(bytes) {
        void* p = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) throw std::bad_alloc();
        data = static_cast<std::uint32_t*>(p);
    }
    ~Mapping() { ::munmap(data, size); }
    Mapping(const Mapping&) = delete;
    Mapping& operator=(const Mapping&) = delete;
    std::uint32_t* data = nullptr;
    u64 size;
};

Rates rates(std::vector<double> seconds, u64 bytes) {
    std::sort(seconds.begin(), seconds.end());
    const std::size_t n = seconds.size();
    const double median = n % 2 ? seconds[n / 2] : (seconds[n / 2 - 1] + seconds[n / 2]) / 2;
    return {static_cast<double>(bytes) / seconds.front(), static_cast<double>(bytes) / median};
}

}  // namespace

Result measure(u64 bytes, unsigned threads, const std::vector<int>& cpus, unsigned reps) {
    const u64 count = bytes / sizeof(std::uint32_t);
    Mapping buffer(count * sizeof(std::uint32_t));
    const range::Path& path = range::active();
    auto part_begin = [&](unsigned t) { return count * t / threads; };

    u128 expected = 0;  // Σ (i mod 2^32)², filled in by the one-thread repetitions' first sum
    std::atomic<bool> sums_ok{true};
    std::vector<u128> part_sum(threads);
    std::vector<Clock::time_point> begin(threads), end(threads);
    std::vector<double> one(reps), all(reps);
    std::barrier sync(static_cast<std::ptrdiff_t>(threads));

    auto worker = [&](unsigned t) {
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET(cpus[t % cpus.size()], &set);
        ::sched_setaffinity(0, sizeof set, &set);  // best effort: an allowed CPU
        const u64 lo = part_begin(t), hi = part_begin(t + 1);
        for (u64 i = lo; i < hi; ++i) buffer.data[i] = static_cast<std::uint32_t>(i);  // first touch
        sync.arrive_and_wait();
        for (int phase = 0; phase < 2; ++phase)
            for (unsigned r = 0; r < reps; ++r) {
                sync.arrive_and_wait();
                const bool reads = phase == 1 || t == 0;
                begin[t] = Clock::now();
                if (reads) part_sum[t] = phase == 0 ? path.sum_array(buffer.data, count) : path.sum_array(buffer.data + lo, hi - lo);
                end[t] = Clock::now();
                sync.arrive_and_wait();
                if (t != 0) continue;  // thread 0 collects
                const unsigned n = phase == 0 ? 1 : threads;
                auto first = *std::min_element(begin.begin(), begin.begin() + n);
                auto last = *std::max_element(end.begin(), end.begin() + n);
                u128 total = 0;
                for (unsigned k = 0; k < n; ++k) total += part_sum[k];
                if (phase == 0 && r == 0) expected = total;
                if (total != expected) sums_ok = false;
                (phase == 0 ? one : all)[r] = std::chrono::duration<double>(last - first).count();
            }
    };
    std::vector<std::jthread> pool;
    for (unsigned t = 1; t < threads; ++t) pool.emplace_back(worker, t);
    worker(0);
    pool.clear();  // joins

    // The one-thread sum is checked too: against the exact loop, once, untimed.
    if (expected != range::exact_array(buffer.data, count)) sums_ok = false;
    const u64 read = count * sizeof(std::uint32_t);
    return {read, threads, rates(one, read), rates(all, read), std::string(path.name), sums_ok.load()};
}

}  // namespace sumsq::bandwidth
