// memory_check.hpp — does a buffer fit in memory? Asked before allocating (array workload, bandwidth).
#pragma once

#include "contract/sum_squares.hpp"

namespace sumsq {

// MemAvailable from /proc/meminfo in bytes; the largest u64 when it cannot be read (no refusal).
u64 available_memory_bytes();
// Throws UsageError "<what>: needs N bytes, more than the M bytes available (MemAvailable)" when
// `bytes` exceeds available_memory_bytes().
void check_fits(const char* what, u64 bytes);

}  // namespace sumsq
