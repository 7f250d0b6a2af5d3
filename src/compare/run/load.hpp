// load.hpp — how busy the machine was: 1-minute load average and the busy CPU fraction (/proc/stat).
#pragma once

#include <nlohmann/json.hpp>

namespace sumsq::compare {

// Above this busy fraction, measured while sumsq-compare ran nothing, the machine was busy with other work.
inline constexpr double busy_warning = 0.25;

struct LoadSample {
    double load1 = -1;  // /proc/loadavg's first field; -1 when unreadable
    double busy = -1;   // fraction of all CPU time not idle over a short window; -1 when unreadable
};

// Samples over `window_ms`; sumsq-compare calls it while it runs nothing, so `busy` is other work.
LoadSample sample_load(unsigned window_ms = 300);
nlohmann::json to_json(const LoadSample& sample);

}  // namespace sumsq::compare
