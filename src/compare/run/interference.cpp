#include "interference.hpp"

#include <fmt/format.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <sys/resource.h>
#include <unistd.h>

namespace sumsq::compare {
namespace {

double tick_seconds() {
    const long hz = ::sysconf(_SC_CLK_TCK);
    return hz > 0 ? 1.0 / double(hz) : 0.01;
}

void read_stat(CounterReading& r) {
    std::ifstream stat("/proc/stat");
    for (std::string line; std::getline(stat, line);) {
        if (line.rfind("cpu", 0) != 0 || line.size() < 4 || line[3] < '0' || line[3] > '9') continue;  // "cpuN ..." only
        std::istringstream in(line.substr(3));
        unsigned cpu = 0;
        std::uint64_t user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0;
        if (!(in >> cpu >> user >> nice >> system >> idle >> iowait >> irq >> softirq)) continue;
        in >> steal;  // absent on old kernels: 0
        if (cpu >= r.busy.size()) r.busy.resize(cpu + 1), r.steal.resize(cpu + 1);
        r.busy[cpu] = user + nice + system + irq + softirq;  // guest time is inside user
        r.steal[cpu] = steal;
    }
}

double read_pressure() {
    std::ifstream psi("/proc/pressure/cpu");
    for (std::string line; std::getline(psi, line);) {
        if (line.rfind("some", 0) != 0) continue;
        const auto at = line.find("total=");
        if (at == std::string::npos) return -1;
        return std::stod(line.substr(at + 6)) / 1e6;  // microseconds
    }
    return -1;
}

}  // namespace

CounterReading read_counters() {
    CounterReading r;
    read_stat(r);
    rusage usage{};
    if (::getrusage(RUSAGE_CHILDREN, &usage) == 0) {
        r.own_cpu_seconds = double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
        r.involuntary_switches = usage.ru_nivcsw;
    }
    try {
        r.pressure_some_seconds = read_pressure();
    } catch (const std::exception&) {
        r.pressure_some_seconds = -1;
    }
    r.clock = std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
    return r;
}

Interference interference_between(const CounterReading& before, const CounterReading& after, const std::vector<unsigned>& allowed) {
    Interference f;
    f.tick_seconds = tick_seconds();
    f.wall_seconds = after.clock - before.clock;
    f.involuntary_switches = after.involuntary_switches - before.involuntary_switches;
    if (before.pressure_some_seconds >= 0 && after.pressure_some_seconds >= before.pressure_some_seconds)
        f.run_delay_seconds = after.pressure_some_seconds - before.pressure_some_seconds;
    const std::size_t known = std::min(before.busy.size(), after.busy.size());
    f.machine_cpus = static_cast<unsigned>(known);
    if (known == 0) return f;
    std::vector<unsigned> cpus = allowed;
    if (cpus.empty())
        for (unsigned c = 0; c < known; ++c) cpus.push_back(c);
    std::uint64_t busy = 0, steal = 0;
    for (unsigned c : cpus) {
        if (c >= known) continue;
        ++f.cpus;
        busy += after.busy[c] - std::min(after.busy[c], before.busy[c]);
        steal += after.steal[c] - std::min(after.steal[c], before.steal[c]);
    }
    const double own = after.own_cpu_seconds - before.own_cpu_seconds;
    f.foreign_cpu_seconds = std::max(0.0, double(busy) * f.tick_seconds - own);
    f.steal_seconds = double(steal) * f.tick_seconds;
    f.measured = f.cpus > 0;
    return f;
}

Disturbance classify(const Interference& f, double threshold) {
    Disturbance d;
    if (!f.measured || f.wall_seconds <= 0) return d;
    const double budget = double(f.cpus) * f.wall_seconds;
    const double resolution = double(f.cpus) * f.tick_seconds;
    const double foreign = f.foreign_cpu_seconds - resolution, steal = f.steal_seconds - resolution;
    if (foreign > threshold * budget)
        d = {true, fmt::format("other work took {:.0f}% of its {} CPU{} ({:.3f} s of {:.3f} s)", 100 * f.foreign_cpu_seconds / budget, f.cpus,
                               f.cpus == 1 ? "" : "s", f.foreign_cpu_seconds, budget)};
    else if (steal > threshold * budget)
        d = {true, fmt::format("the hypervisor stole {:.0f}% of its CPU budget ({:.3f} s of {:.3f} s)", 100 * f.steal_seconds / budget,
                               f.steal_seconds, budget)};
    return d;
}

}  // namespace sumsq::compare
