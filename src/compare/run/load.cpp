#include "load.hpp"

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

namespace sumsq::compare {
namespace {

struct CpuTicks {
    unsigned long long idle = 0, total = 0;
    bool ok = false;
};

// The aggregate "cpu" line: user nice system idle iowait irq softirq steal ...
CpuTicks read_ticks() {
    std::ifstream stat("/proc/stat");
    std::string line;
    CpuTicks t;
    if (!std::getline(stat, line) || line.rfind("cpu ", 0) != 0) return t;
    std::istringstream fields(line.substr(4));
    unsigned long long value = 0;
    for (int k = 0; k < 8 && fields >> value; ++k) {
        t.total += value;
        if (k == 3 || k == 4) t.idle += value;  // idle, iowait
    }
    t.ok = t.total > 0;
    return t;
}

}  // namespace

LoadSample sample_load(unsigned window_ms) {
    LoadSample s;
    if (std::ifstream loadavg("/proc/loadavg"); !(loadavg >> s.load1)) s.load1 = -1;
    const CpuTicks a = read_ticks();
    std::this_thread::sleep_for(std::chrono::milliseconds(window_ms));
    const CpuTicks b = read_ticks();
    if (a.ok && b.ok && b.total > a.total)
        s.busy = 1.0 - double(b.idle - a.idle) / double(b.total - a.total);
    return s;
}

nlohmann::json to_json(const LoadSample& sample) {
    auto field = [](double x) { return x < 0 ? nlohmann::json(nullptr) : nlohmann::json(x); };
    return {{"load_average_1min", field(sample.load1)}, {"busy_cpu_fraction", field(sample.busy)}};
}

}  // namespace sumsq::compare
