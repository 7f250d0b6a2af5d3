// thread_check.hpp — can this process start P threads? Asked once at setup, outside the timed region.
//
// A runtime that cannot create its workers fails in ways the harness cannot catch: libgomp prints
// and exits 1, oneTBB throws from its own thread and std::terminate aborts (134). So before the
// backend's pool exists, the harness starts P − 1 threads at once (the caller is the P-th), waits
// until all run, and joins them; when that fails (RLIMIT_NPROC, address space, kernel limits) it
// throws "could not start 64 threads: Resource temporarily unavailable" (exit 3).
#pragma once

namespace sumsq {

void check_threads_can_start(unsigned threads);

}  // namespace sumsq
