// bandwidth.hpp — the machine's read bandwidth, the ceiling of the array workload: sumsq-bandwidth
// (beside the backends) run once per sweep as a child, before any backend.
#pragma once

#include "contract/sum_squares.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace sumsq::compare {

struct ReadBandwidth {
    bool measured = false;
    double one_thread = 0, all_threads = 0;  // bytes/s, the tool's best of its repetitions (STREAM's convention)
    unsigned threads = 0;                    // "all threads": how many
    u64 bytes = 0;                           // the buffer read
    std::string cpu_model;
    std::string note;  // why it was not measured ("sumsq-bandwidth not built", …)
};

// Runs BIN_DIR/sumsq-bandwidth --format json; a missing binary or a failed run is a note, not an error.
ReadBandwidth measure_read_bandwidth(const std::string& bin_dir, unsigned timeout_s);

// environment.read_bandwidth in results.json: {"one_thread": B/s, "all_threads": B/s, …}; null when not measured.
nlohmann::json to_json(const ReadBandwidth& bandwidth);

}  // namespace sumsq::compare
