// cpu_scope.hpp — restrict the calling thread's CPUs for a scope, and put its mask back after.
// Threads it starts meanwhile inherit the restriction (Linux copies the mask at clone).
#pragma once

#include <optional>
#include <sched.h>

namespace sumsq {

class CpuScope {
public:
    // `narrow(current)` gets the thread's mask and returns the CPUs to run on, or nothing to leave
    // the mask as it is (then no system call but the one that read it).
    template <class Narrow>
    explicit CpuScope(Narrow&& narrow) {
        if (::sched_getaffinity(0, sizeof old_, &old_) != 0) return;
        if (const std::optional<cpu_set_t> to = narrow(old_)) changed_ = ::sched_setaffinity(0, sizeof *to, &*to) == 0;
    }
    ~CpuScope() {
        if (changed_) ::sched_setaffinity(0, sizeof old_, &old_);
    }
    CpuScope(const CpuScope&) = delete;
    CpuScope& operator=(const CpuScope&) = delete;

private:
    cpu_set_t old_{};
    bool changed_ = false;
};

}  // namespace sumsq
