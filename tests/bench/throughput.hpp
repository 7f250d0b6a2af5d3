// throughput.hpp — how many of the range kernel's instructions this core retires per cycle, measured
// (sumsq-bench-kernel prints them beside the kernels, for docs/range-kernel.md's bounds): 12
// independent chains of one instruction, timed in thread CPU time against the clock measured by a
// chain of dependent adds.
#pragma once

#include <string>
#include <vector>

namespace sumsq::bench {

struct Throughput {
    std::string instruction;
    double per_cycle;
};

// The instructions this CPU has: scalar add and imul; vpaddq and vpmuludq on ymm (AVX2); on zmm with
// AVX-512F; vpmadd52luq on zmm with AVX-512 IFMA. clock_ghz: the core clock, measured alike.
std::vector<Throughput> measure_throughput(double (*clock_ghz)());

}  // namespace sumsq::bench
