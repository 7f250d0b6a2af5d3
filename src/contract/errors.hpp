// errors.hpp — how every sumsq program fails: its exit codes and the bad-input exception.
// 0 ok, 1 a result mismatch (a wrong sum: the only use of 1), 2 bad input (one line on stderr
// naming the option), 3 a runtime failure (a thread, a file or stdout could not be had).
#pragma once

#include <stdexcept>

namespace sumsq {

inline constexpr int exit_ok = 0;
inline constexpr int exit_mismatch = 1;
inline constexpr int exit_usage = 2;
inline constexpr int exit_runtime = 3;

// Bad input: what() is the whole one-line message, without the program name.
struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

}  // namespace sumsq
