// combine.hpp — how the workers' partial sums meet (--combine), where the model lets a kernel
// choose: the lesson of why every kernel combines the way it does.
//   threads, pool  --combine padded|unpadded|atomic|mutex|racy   (default padded)
//   openmp         --combine reduction|critical|atomic|unpadded|racy   (default reduction)
//   --combine-every K: a worker adds what it summed so far into the shared place every K units
//   (elements, or jobs) instead of once at its end; K = 0 (the default) is once.
// `racy` loses updates by design (a load and a store, no read-modify-write): its result is wrong,
// the oracle says by how much, and the run exits 1 like any wrong result.
// Parsed once with the other options (cli.cpp), checked against BackendInfo::combines, handed to
// make_backend() in BackendConfig, echoed to JSON as {"name", "every"}.
#pragma once

#include "sum_squares.hpp"
#include "text/names.hpp"

#include <string>
#include <string_view>

namespace sumsq {

enum class Combine {
    padded,     // one cache-line-padded slot per worker (threads' default)
    unpadded,   // the slots side by side in one cache line: false sharing
    atomic,     // one shared total, an atomic read-modify-write per update (exact, no lock)
    mutex,      // one shared total behind a std::mutex
    critical,   // one shared total in `#pragma omp critical` (OpenMP's mutex)
    reduction,  // OpenMP's declared reduction (openmp's default)
    racy,       // one shared total, loaded and stored without a read-modify-write: updates lost
};
inline constexpr Named<Combine> combine_names[] = {
    {Combine::padded, "padded"},     {Combine::unpadded, "unpadded"},   {Combine::atomic, "atomic"}, {Combine::mutex, "mutex"},
    {Combine::critical, "critical"}, {Combine::reduction, "reduction"}, {Combine::racy, "racy"}};

struct CombineKnob {
    Combine how = Combine::padded;
    u64 every = 0;  // units between updates of the shared place; 0 = once, at the worker's end
};

inline std::string_view combine_name(Combine c) { return name_of(combine_names, c); }
// "mutex" → Combine::mutex, if `accepted` ("padded|unpadded|…") lists it; else UsageError naming --combine.
Combine parse_combine(const std::string& text, std::string_view accepted);
// The backend's default: the first of its list.
Combine default_combine(std::string_view accepted);

inline constexpr std::string_view combine_backends = "threads, pool, openmp";

}  // namespace sumsq
