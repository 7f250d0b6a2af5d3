// thread_check.hpp — can this process start P threads? Asked once at setup, outside the timed region.
//
// A runtime that cannot create its workers fails in ways no try/catch reaches: libgomp prints and
// exits 1, oneTBB throws from its own thread and std::terminate aborts (134). So before the
// backend's pool exists, the harness starts P − 1 threads at once (the caller is the P-th), waits
// until all run, and joins them; when that fails (RLIMIT_NPROC, address space, kernel limits) it
// throws "could not start 64 threads: Resource temporarily unavailable" (exit 3).
//
// The check can pass and the runtime still fail: its threads are not these (oneTBB's get a malloc
// arena each, 64 MiB of address space under `ulimit -v`; libgomp's their own OMP_STACKSIZE), or
// another process takes the last slot of a pids cgroup meanwhile. So every backend also starts its
// workers in its untimed setup (inside a GuardedSetup, exit_guard.hpp), where what cannot be
// caught — libgomp's exit(1), an exception on a oneTBB worker — still ends as exit 3 and one line.
#pragma once

#include <exception>
#include <string>

namespace sumsq {

void check_threads_can_start(unsigned threads);

// Whether `e` says a thread could not be started: std::thread's std::system_error (EAGAIN), or
// a runtime's "pthread_create has failed" (oneTBB).
bool is_thread_start_failure(const std::exception& e);
// The line for a failure caught on the way out: what(), with "could not start a thread: " before
// a thread start failure's.
std::string failure_text(const std::exception& e);

}  // namespace sumsq
