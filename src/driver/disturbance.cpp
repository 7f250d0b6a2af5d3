#include "disturbance.hpp"

#include "text/numbers.hpp"

#include <fmt/format.h>

namespace sumsq {

std::vector<DisturbedRepetition> disturbed_repetitions(const Timing& timing, bool cpu_bound) {
    std::vector<DisturbedRepetition> disturbed;
    if (!cpu_bound) return disturbed;
    for (std::size_t k = 0; k < timing.wall_seconds.size() && k < timing.cpu_seconds.size(); ++k) {
        const double wall = timing.wall_seconds[k], cpu = timing.cpu_seconds[k];
        if (wall >= disturbance_min_seconds && cpu >= disturbance_min_cpu_seconds && cpu < disturbed_parallelism * wall)
            disturbed.push_back({static_cast<unsigned>(k + 1), wall, cpu});
    }
    return disturbed;
}

nlohmann::json disturbed_json(const Timing& timing, bool cpu_bound) {
    if (!cpu_bound) return nullptr;
    nlohmann::json list = nlohmann::json::array();
    for (const auto& d : disturbed_repetitions(timing, cpu_bound))
        list.push_back({{"repetition", d.repetition}, {"wall_seconds", d.wall_seconds}, {"cpu_seconds", d.cpu_seconds},
                        {"parallelism", d.cpu_seconds / d.wall_seconds}});
    return list;
}

std::string disturbance_warning(const Timing& timing, bool cpu_bound) {
    const auto disturbed = disturbed_repetitions(timing, cpu_bound);
    if (disturbed.empty()) return {};
    std::string which;
    for (std::size_t k = 0; k < disturbed.size() && k < 3; ++k)
        which += fmt::format("{}repetition {} ran {} on {} of CPU (parallelism {:.2f})", k ? "; " : "", disturbed[k].repetition,
                             duration_text(disturbed[k].wall_seconds), duration_text(disturbed[k].cpu_seconds),
                             disturbed[k].cpu_seconds / disturbed[k].wall_seconds);
    if (disturbed.size() > 3) which += fmt::format("; and {} more", disturbed.size() - 3);
    return fmt::format("disturbed: {} of {} repetitions of CPU-bound work used less than {} CPU on average ({}): the process was "
                       "stopped or other work had the CPUs, so these times are not the kernel's",
                       disturbed.size(), timing.wall_seconds.size(), disturbed_parallelism, which);
}

}  // namespace sumsq
