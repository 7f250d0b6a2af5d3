// child_process.hpp — runs one backend binary as a child process with a time limit, and stops it
// when the user interrupts sumsq-compare (SIGINT/SIGTERM).
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace sumsq::compare {

struct ChildResult {
    enum class End { exited, timed_out, interrupted, failed_to_start } end = End::exited;
    int exit_code = -1;  // with exited; 128 + signal when a signal ended it
    std::string out, err;
};

// Runs argv[0] (a path, or a name looked up on PATH) with argv, no shell, in its own process group,
// capturing stdout and stderr. extra_env entries ("NAME=value") come before the inherited ones.
// Past `timeout` the whole group is killed (SIGTERM, then SIGKILL).
ChildResult run_child(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                      const std::vector<std::string>& extra_env = {});

// Installs SIGINT/SIGTERM handlers that stop the running child; interrupted() tells the caller.
void install_interrupt_handlers();
bool interrupted();

// Whether `program` is found on PATH (or is an executable path).
bool on_path(const std::string& program);

}  // namespace sumsq::compare
