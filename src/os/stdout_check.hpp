// stdout_check.hpp — lost standard output is an error: a closed, full or broken stdout exits 3, not 0.
#pragma once

#include "contract/errors.hpp"

#include <string_view>

namespace sumsq {

// Call first in main(): fills a closed fd 0, 1 or 2 with /dev/null (so no file the program opens
// takes its number) and remembers whether stdout was closed. Ignores SIGPIPE and SIGXFSZ, so a
// write to a pipe nobody reads or past `ulimit -f` fails with EPIPE or EFBIG — an error with a
// message and exit 3 — instead of killing the process silently (141, 153).
void guard_standard_streams();

// Call before the work: throws std::runtime_error("writing standard output failed: <reason>")
// when stdout cannot take the report — closed at start, a device that refuses every write
// (/dev/full: a zero-byte write reports ENOSPC), a pipe or socket whose reader has gone. What
// only shows when the bytes go out (a disk filling up, a reader leaving later) is caught by
// check_stdout() at the end.
void check_stdout_writable();

// check_stdout_writable() for a caller that reports and stops itself (sumsq-compare, before its
// sweep): false, after printing the line check_stdout prints, when stdout is lost already.
bool stdout_usable(std::string_view program);

// Call on the way out (and before committing files, so a run whose report was lost commits none): flushes stdout and checks it. On a failed write (or a stdout closed at
// start) prints "<program>: error: writing standard output failed: <reason>" once and returns 3;
// otherwise returns `code`.
int check_stdout(std::string_view program, int code);

}  // namespace sumsq
