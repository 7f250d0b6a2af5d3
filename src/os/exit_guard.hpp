// exit_guard.hpp — a process the harness does not end itself still exits 3 with one line.
//
// Runtimes sometimes end the process on their own, in ways no try/catch reaches:
//   - libgomp prints "libgomp: Thread creation failed: …" and calls exit(1) — the code this
//     project keeps for a wrong result;
//   - Open MPI's MPI_Init, short of file descriptors (`ulimit -n 20`), prints some 40 lines and
//     exits 1;
//   - oneTBB starts its workers from its workers, so a failed pthread_create throws on a thread
//     nobody can catch it on, and std::terminate aborts (134).
// The guard makes each a runtime failure: an exit() the harness did not ask for (an on_exit
// handler registered first) and std::terminate (a terminate handler) remove the output
// temporaries, print one line and _exit(3). Inside a GuardedSetup — MPI_Init, starting a backend's
// workers — standard error is held back: passed on unchanged when the step returns or throws, and
// on such an ending summarised as "<program>: error: <what failed>: <the runtime's first line>".
#pragma once

#include <string>

namespace sumsq {

// Call first in main().
void install_exit_guard(std::string program);

// The harness has chosen the exit code (returning from main, aborting an MPI job): exit() passes.
void exit_decided() noexcept;

// One setup step of a runtime, named by what its failure means ("could not start 16 threads",
// "MPI_Init failed"). Windows nest; the innermost names the failure.
class GuardedSetup {
public:
    explicit GuardedSetup(std::string failure);
    ~GuardedSetup();
    GuardedSetup(const GuardedSetup&) = delete;
    GuardedSetup& operator=(const GuardedSetup&) = delete;

private:
    int saved_stderr_ = -1;  // where stderr went before; -1: nothing held (no memfd to be had)
};

}  // namespace sumsq
