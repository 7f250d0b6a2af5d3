// child_process.hpp — runs one backend binary as a child process with a time limit, and stops it
// when the user interrupts sumsq-compare (SIGINT/SIGTERM/SIGHUP). Children die with sumsq-compare
// (PR_SET_PDEATHSIG), even when it is killed with SIGKILL.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace sumsq::compare {

struct ChildResult {
    enum class End { exited, timed_out, interrupted, failed_to_start } end = End::exited;
    int exit_code = -1;  // with exited; 128 + signal when a signal ended it
    int signal = 0;      // the signal that ended it, if one did
    int start_error = 0;  // with failed_to_start: errno of the exec
    std::string out, err;
};

// How the child ended, for a report: "exit code 3: <first line of stderr>", "killed by SIGKILL",
// "could not start mpirun: No such file or directory", "killed after the 5 s timeout".
std::string describe_end(const ChildResult& result, const std::string& program);

// Whether the child could not start because sumsq-compare itself is out of a resource (file
// descriptors under `ulimit -n`, processes, memory): a runtime failure of the whole run (exit 3),
// not a failure of that backend.
bool out_of_resources(const ChildResult& result);

// Runs argv[0] (a path, or a name looked up on PATH) with argv, no shell, in its own process group,
// capturing stdout and stderr. extra_env entries ("NAME=value") come before the inherited ones.
// Past `timeout` the whole group is killed (SIGTERM, then SIGKILL).
ChildResult run_child(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                      const std::vector<std::string>& extra_env = {});

// sumsq-compare's one signal setup, first in main: SIGINT/SIGTERM/SIGHUP handlers that stop the
// running child (interrupted() tells the caller, interrupt_exit_code() the conventional exit code,
// 128 + signal: 130, 143, 129); SIGPIPE and SIGXFSZ ignored, so a lost stdout and a file past
// `ulimit -f` are write errors (EPIPE, EFBIG) reported with exit 3, not silent deaths. Children get
// the default dispositions back. Throws std::runtime_error when it cannot (e.g. no file descriptor).
void install_signal_handlers();
bool interrupted();
int interrupt_exit_code();

// Whether `program` is found on PATH (or is an executable path).
bool on_path(const std::string& program);

}  // namespace sumsq::compare
