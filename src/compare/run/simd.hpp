// simd.hpp — parallelism inside one core, measured beside parallelism across cores (--simd N): the
// serial backend on every range-kernel path this CPU runs (`--kernel exact`, portable, avx2, avx512,
// avx512ifma: one instruction stream, 1 to 8 lanes per instruction), then the openmp backend (the
// threads backend when openmp is not in the run) at 2 threads on the fastest path (two instruction
// streams on two cores), all at one N of the sum
// workload. A phase of its own after the sweep, --rounds rounds, each round every process once in
// a rotating order (forwards, then backwards), so a slow minute of the machine falls on every path
// alike; each process's interference is read and classified as the sweep's are.
#pragma once

#include "contract/sum_squares.hpp"

#include <string>
#include <vector>

namespace sumsq::compare {

struct BackendBinary;    // run/sweep.hpp (whose SweepRecord holds the SimdRecord)
struct CompareOptions;   // options/options.hpp

struct SimdProcess {
    std::string kernel;    // the --kernel path ("exact"); for the run across cores the path auto chose
    std::string backend;   // "serial", or "openmp" / "threads" for the run across cores
    unsigned threads = 1;
    unsigned round = 0;
    double seconds = 0;    // the process's median repetition
    bool disturbed = false;
};

struct SimdRecord {
    u64 n = 0;                         // 0: not measured (no --simd, or nothing to run)
    std::vector<std::string> kernels;  // serial's paths, slowest first ("exact", "portable", "avx2", …)
    std::vector<SimdProcess> processes;
    std::vector<std::string> failures;  // "serial --kernel avx2: exit code 1: …": a failed or wrong process (the run exits 1)
    std::string note;                  // why it was not measured when asked ("--simd needs the serial backend")
};

// Runs the phase when o.simd_n > 0 (progress on stderr, like the sweep's); a missing serial backend
// is a note. Stops early, with what it has, when sumsq-compare is interrupted.
SimdRecord measure_simd(const CompareOptions& o, const std::vector<BackendBinary>& backends);

}  // namespace sumsq::compare
