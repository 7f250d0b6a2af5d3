#include "environment.hpp"

#include "cli.hpp"
#include "range/paths.hpp"

#include <CLI/Version.hpp>
#include <fmt/core.h>

#include <cstdlib>
#include <fstream>
#include <thread>

namespace sumsq {

std::string cpu_model() {
    std::ifstream cpuinfo("/proc/cpuinfo");
    for (std::string line; std::getline(cpuinfo, line);)
        if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
    return "unknown";
}

nlohmann::json environment(const Backend& backend) {
    nlohmann::json libraries = {
        {"fmt", fmt::format("{}.{}.{}", FMT_VERSION / 10000, FMT_VERSION / 100 % 100, FMT_VERSION % 100)},
        {"CLI11", CLI11_VERSION},
        {"nlohmann_json", fmt::format("{}.{}.{}", NLOHMANN_JSON_VERSION_MAJOR, NLOHMANN_JSON_VERSION_MINOR,
                                      NLOHMANN_JSON_VERSION_PATCH)},
    };
    for (const auto& [name, version] : backend.runtime_versions()) libraries[name] = version;
    // Spinning runtime threads count as busy CPU in the measured parallelism: record the knobs.
    nlohmann::json variables = nlohmann::json::object();
    for (const char* name : {"OMP_WAIT_POLICY", "GOMP_SPINCOUNT"}) {
        const char* value = std::getenv(name);
        variables[name] = value ? nlohmann::json(value) : nlohmann::json(nullptr);
    }
    return {
        {"cpu_model", cpu_model()},
        {"logical_cpus", std::thread::hardware_concurrency()},
        {"available_cpus", available_cpus()},
        {"compiler", std::string(SUMSQ_COMPILER_ID) + " " + __VERSION__},
        {"flags", SUMSQ_CXX_FLAGS},
        {"build_type", SUMSQ_BUILD_TYPE},
        {"sumsq_version", SUMSQ_VERSION},
        {"libraries", std::move(libraries)},
        {"range_kernel", range::active().name},
        {"variables", std::move(variables)},
    };
}

}  // namespace sumsq
