// memory_check.hpp — does a buffer fit in memory? Asked before allocating (array workload, bandwidth).
//
// Two limits apply: the machine's (MemAvailable in /proc/meminfo) and this process's memory
// cgroup's, which the kernel enforces by killing the process (SIGKILL, exit 137, no message). The
// cgroup is found from /proc/self/cgroup and /proc/self/mountinfo — v2 (memory.max, memory.current)
// or v1 (memory.limit_in_bytes, memory.usage_in_bytes) — and every ancestor up to the mount's root
// counts: the tightest one is the limit. Page cache the kernel can drop (inactive_file in
// memory.stat) does not count as used.
#pragma once

#include "contract/sum_squares.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace sumsq {

// MemAvailable from /proc/meminfo in bytes; the largest u64 when it cannot be read (no refusal).
u64 available_memory_bytes();

// This process's memory cgroup: its directory, and whether it is cgroup v2.
struct MemoryCgroup {
    std::string dir;         // e.g. /sys/fs/cgroup/user.slice/session-1.scope
    std::string mount_root;  // the hierarchy's mount point: ancestors are searched up to here
    bool v2 = false;
};
// From the text of /proc/self/cgroup and /proc/self/mountinfo; nothing when no memory
// controller is mounted. (A v1 memory hierarchy wins over v2: hybrid systems put memory in v1.)
std::optional<MemoryCgroup> find_memory_cgroup(std::string_view proc_self_cgroup, std::string_view mountinfo);

// The tightest memory limit on `cgroup` and its ancestors, with what is in use there.
struct CgroupMemory {
    std::string dir;                     // the cgroup that sets it
    std::string limit_file, usage_file;  // memory.max and memory.current, or the v1 names
    u64 limit = 0, usage = 0, reclaimable = 0;
    u64 free() const;  // limit − (usage − reclaimable), 0 when over
};
// Nothing when no ancestor has a limit ("max", or v1's near-2^63 "unlimited").
std::optional<CgroupMemory> cgroup_memory_limit(const MemoryCgroup& cgroup);
// The same for this process (reads /proc/self/cgroup and /proc/self/mountinfo).
std::optional<CgroupMemory> own_cgroup_memory_limit();

// Throws UsageError "<what>: needs N bytes, more than the M bytes available (MemAvailable …)" or
// "… more than the M bytes free in its memory cgroup (<dir>: memory.max L, memory.current U)"
// when `bytes` exceeds either.
void check_fits(const char* what, u64 bytes);

}  // namespace sumsq
