#include "bind.hpp"

#include <cerrno>
#include <sched.h>
#include <string>
#include <system_error>

namespace sumsq {

std::string Binding::refusal() const {
    if (policy == BindPolicy::none) return "--bind none";
    if (cpus.size() == 1) return "only CPU " + std::to_string(cpus.front()) + " is allowed: there is nothing to choose";
    if (cpus.empty()) return "the allowed CPUs are unknown";
    return {};
}

int Binding::cpu(unsigned worker, unsigned workers) const {
    const std::size_t count = cpus.size();
    if (policy == BindPolicy::spread && workers > 0) return cpus[(std::size_t{worker} * count / workers) % count];
    return cpus[worker % count];
}

void Binding::pin(unsigned worker, unsigned workers) const {
    if (!active()) return;
    thread_local int pinned_to = -1;
    const int target = cpu(worker, workers);
    if (pinned_to == target) return;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(target, &set);
    if (::sched_setaffinity(0, sizeof set, &set) != 0)
        throw std::system_error(errno, std::generic_category(), "--bind: cannot pin a worker to CPU " + std::to_string(target));
    pinned_to = target;
}

}  // namespace sumsq
