// lesson.hpp — lesson.svg: the picture of concurrency versus parallelism, measured.
//
// {serial, interleaved, threads -t 2 on one CPU, threads -t 2 on all CPUs} × {wait, sum N = 1e9}:
// each run as its own child process with --trace (the span export), read back and drawn with the
// same timeline drawer as --timeline (src/record/timeline.cpp), stacked on one time scale, each
// row with its measured wall, concurrency and parallelism.
#pragma once

#include "compare/files/files.hpp"

#include <string>
#include <vector>

namespace sumsq::compare {

// Writes lesson.svg into `out` when the sweep includes serial, interleaved and threads (else does
// nothing). Returns why it was not drawn when a run failed, else an empty string.
std::string write_lesson(const OutputDir& out, const CompareOptions& options, const std::vector<BackendBinary>& backends);

}  // namespace sumsq::compare
