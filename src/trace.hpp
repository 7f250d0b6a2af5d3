// trace.hpp — Chrome Trace Event Format recording (--trace FILE), viewable in the Perfetto UI.
//
// The harness records one untimed extra run: the shared range kernel reports each chunk it sums
// and the wait workload reports each step, with the OS thread and CPU they ran on. Kernel files
// are never instrumented. Recording is off (one relaxed atomic load per chunk) unless requested.
#pragma once

#include "sum_squares.hpp"

#include <atomic>
#include <chrono>
#include <string>

#include <nlohmann/json_fwd.hpp>

namespace sumsq::trace {

using Clock = std::chrono::steady_clock;

inline std::atomic<bool> recording{false};

void start();                // clears earlier events and starts recording
void stop();
void chunk(u64 lo, u64 hi, Clock::time_point begin, Clock::time_point end);          // sum workload
void step(unsigned task, unsigned step, Clock::time_point begin, Clock::time_point end);  // wait workload
std::size_t event_count();
std::size_t dropped_count();  // events beyond the cap (kept bounded for huge runs)
// The trace document: {"traceEvents": [...], "displayTimeUnit": "ns", "otherData": {...}}.
nlohmann::json document(const std::string& backend);

}  // namespace sumsq::trace
