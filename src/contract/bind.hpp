// bind.hpp — --bind none|close|spread: pin worker k of P to one of the CPUs this process may use.
//   close   consecutive workers on consecutive CPUs: worker k on CPU k mod C
//   spread  workers spaced evenly over the CPUs: worker k on CPU ⌊k·C/P⌋ (with P > C, neighbours
//           share a CPU)
// where C is the number of CPUs allowed (after --cpus), in ascending order. A Binding travels in
// BackendConfig; each kernel pins its workers with its own runtime's hook (threads and pool as a
// worker starts, OpenMP in an untimed first region, oneTBB with an arena observer).
#pragma once

#include "text/names.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace sumsq {

enum class BindPolicy { none, close, spread };
inline constexpr Named<BindPolicy> bind_policy_names[] = {
    {BindPolicy::none, "none"}, {BindPolicy::close, "close"}, {BindPolicy::spread, "spread"}};

inline std::string_view bind_name(BindPolicy policy) { return name_of(bind_policy_names, policy); }

inline constexpr std::string_view bind_backends = "threads, pool, openmp, tbb, pstl";  // those that take --bind

struct Binding {
    BindPolicy policy = BindPolicy::none;
    std::vector<int> cpus{};  // the CPUs this process may use, ascending (set by the harness)

    // Why binding cannot apply here, or empty: policy none, or nothing to choose between.
    std::string refusal() const;
    bool active() const { return refusal().empty(); }
    // The CPU worker k of `workers` belongs on.
    int cpu(unsigned worker, unsigned workers) const;
    // Pins the calling thread as worker k (a system call only when it is not there already);
    // does nothing when binding is not active. Throws std::system_error when the kernel refuses.
    void pin(unsigned worker, unsigned workers) const;
};

}  // namespace sumsq
