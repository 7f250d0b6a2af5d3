// process.hpp — runs a program for end-to-end tests and captures its exit code, stdout and stderr.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace sumsq::test {

struct ProcessResult {
    int exit_code = -1;  // 128 + signal when killed by a signal; -1 when it timed out
    std::string out, err;
};

// Runs `program` with `args` (no shell), optionally with extra environment entries "NAME=value".
// (A thin wrapper over sumsq-compare's run_child.)
ProcessResult run_process(const std::string& program, const std::vector<std::string>& args,
                          const std::vector<std::string>& extra_env = {});

// Runs `program` with its stdout sent to `stdout_path` ("" = stdout closed), stderr captured.
ProcessResult run_with_stdout(const std::string& program, const std::vector<std::string>& args,
                              const std::string& stdout_path);

// Starts `program` in the background (stdout and stderr to /dev/null) for tests that signal it;
// wait_process() returns its exit code, 128 + signal when a signal ended it.
int start_process(const std::string& program, const std::vector<std::string>& args,
                  const std::vector<std::string>& extra_env = {});
int wait_process(int pid);

// Lines of `text`, without the newlines.
std::vector<std::string> lines(const std::string& text);

// `a` followed by `b`: a base command line with a test's own options.
std::vector<std::string> with(std::vector<std::string> a, const std::vector<std::string>& b);

// A fresh scratch directory per test, <temp>/sumsq-<name>-<pid>, emptied first and removed after.
struct Scratch {
    std::filesystem::path dir;
    explicit Scratch(const std::string& name);
    ~Scratch();
    Scratch(const Scratch&) = delete;  // a copy's destructor would remove the directory
    Scratch& operator=(const Scratch&) = delete;
    std::vector<std::string> entries() const;  // the names in it, sorted
};

}  // namespace sumsq::test
