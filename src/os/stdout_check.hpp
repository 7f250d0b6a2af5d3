// stdout_check.hpp — lost standard output is an error: a closed or full stdout exits 3, not 0.
#pragma once

#include "contract/errors.hpp"

#include <string_view>

namespace sumsq {

// Call first in main(): fills a closed fd 0, 1 or 2 with /dev/null (so no file the program opens
// takes its number) and remembers whether stdout was closed.
void guard_standard_streams();

// Call before the work: false, after printing the line check_stdout prints, when stdout is lost
// already — closed at start, /dev/full, or a pipe or socket whose reader has gone — so nothing is
// computed (or committed) for a report nobody can read. A reader that goes later is caught by
// check_stdout.
bool stdout_usable(std::string_view program);

// Flushes stdout and checks it: also before committing files, so a run whose report was lost
// commits none. On a failed write (or a stdout closed at start) prints "<program>: error: writing
// standard output failed: <reason>" once and returns 3 (this call and every later one); otherwise
// returns `code`.
int check_stdout(std::string_view program, int code);

}  // namespace sumsq
