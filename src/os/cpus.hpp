// cpus.hpp — --cpus LIST: which CPUs the process may run on (sched_setaffinity), set before any
// worker starts so every thread the backend creates inherits it.
#pragma once

#include <string>
#include <vector>

namespace sumsq {

// Logical CPUs this process may run on (sched_getaffinity), the default for --threads.
unsigned available_cpus();
// CPUs this process may run on, ascending: the --cpus list once restrict_to_cpus() applied it,
// else the affinity it was started with — read before any library's constructor could pin the
// main thread (libgomp does under OMP_PROC_BIND), not the main thread's mask now.
std::vector<int> allowed_cpus();
// "0", "0-1", "0,2-3": ascending, no duplicates. Throws UsageError naming `option` when the list is
// malformed or names a CPU this process may not use.
std::vector<int> parse_cpu_list(const std::string& option, const std::string& text);
// Restricts the calling thread (and every thread it starts later) to `cpus`; throws on failure.
void restrict_to_cpus(const std::vector<int>& cpus);

}  // namespace sumsq
