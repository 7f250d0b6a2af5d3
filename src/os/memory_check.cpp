#include "memory_check.hpp"

#include "contract/errors.hpp"
#include "text/numbers.hpp"

#include <fmt/format.h>

#include <fstream>
#include <limits>
#include <sstream>
#include <string>

namespace sumsq {

u64 available_memory_bytes() {
    std::ifstream meminfo("/proc/meminfo");
    for (std::string line; std::getline(meminfo, line);)
        if (line.rfind("MemAvailable:", 0) == 0) {
            std::istringstream fields(line.substr(13));
            u64 kib = 0;
            if (fields >> kib) return kib * 1024;  // the kernel's "kB" is KiB
        }
    return std::numeric_limits<u64>::max();
}

void check_fits(const char* what, u64 bytes) {
    const u64 available = available_memory_bytes();
    if (bytes > available)
        throw UsageError(fmt::format("{}: needs {} bytes, more than the {} bytes available (MemAvailable in /proc/meminfo)",
                                     what, grouped(bytes), grouped(available)));
}

}  // namespace sumsq
