// stdout_check.hpp — lost standard output is an error: a closed or full stdout exits 3, not 0.
#pragma once

#include "contract/errors.hpp"

#include <string_view>

namespace sumsq {

// Call first in main(): fills a closed fd 0, 1 or 2 with /dev/null (so no file the program opens
// takes its number) and remembers whether stdout was closed.
void guard_standard_streams();

// Call on the way out: flushes stdout and checks it. On a failed write (or a stdout closed at
// start) prints "<program>: error: writing standard output failed: <reason>" and returns 3;
// otherwise returns `code`.
int check_stdout(std::string_view program, int code);

}  // namespace sumsq
