#include "cpus.hpp"

#include "contract/errors.hpp"
#include "record/views.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <sched.h>
#include <stdexcept>
#include <thread>

namespace sumsq {
namespace {

constexpr int max_cpu = CPU_SETSIZE;

// The affinity the process was started with, read before any library's constructor: libgomp pins
// the main thread to the first OpenMP place in its own constructor when OMP_PROC_BIND is set, so
// by main() sched_getaffinity says "CPU 0" on a machine where the process may use 0-1. The
// executable's .preinit_array runs before every shared library's initialiser (a constructor, even
// with priority 101, runs after them). Plain data only: no constructor of ours has run yet.
cpu_set_t started_with;
bool started_with_known = false;

void read_start_affinity(int, char**, char**) {
    CPU_ZERO(&started_with);
    started_with_known = ::sched_getaffinity(0, sizeof started_with, &started_with) == 0;
}
[[gnu::section(".preinit_array"), gnu::used]] void (*const read_start_affinity_early)(int, char**, char**) = read_start_affinity;

// --cpus, once restrict_to_cpus() has applied it.
cpu_set_t restricted;
bool restricted_known = false;

std::vector<int> members(const cpu_set_t& set) {
    std::vector<int> cpus;
    for (int c = 0; c < max_cpu; ++c)
        if (CPU_ISSET(c, &set)) cpus.push_back(c);
    return cpus;
}

int parse_cpu(const std::string& option, const std::string& list, const std::string& text) {
    if (text.empty() || text.size() > 5 || !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }))
        throw UsageError(fmt::format("{}: '{}' is not a CPU list: write CPU numbers and ranges such as 0, 0-1 or 0,2-3", option, list));
    return std::stoi(text);
}

}  // namespace

std::vector<int> allowed_cpus() {
    if (restricted_known) return members(restricted);
    if (started_with_known) return members(started_with);
    cpu_set_t set;  // linked where .preinit_array does not run (a shared library): ask now
    CPU_ZERO(&set);
    if (::sched_getaffinity(0, sizeof set, &set) != 0) return {};
    return members(set);
}

std::vector<int> parse_cpu_list(const std::string& option, const std::string& text) {
    std::vector<int> cpus;
    std::size_t at = 0;
    while (true) {
        const std::size_t comma = text.find(',', at);
        const std::string item = text.substr(at, comma == std::string::npos ? std::string::npos : comma - at);
        const std::size_t dash = item.find('-');
        const int first = parse_cpu(option, text, item.substr(0, dash));
        const int last = dash == std::string::npos ? first : parse_cpu(option, text, item.substr(dash + 1));
        if (last < first) throw UsageError(fmt::format("{}: '{}' is an empty range in '{}'", option, item, text));
        if (last >= max_cpu)
            throw UsageError(fmt::format("{}: CPU {} is not available to this process; available: {}", option, last, record::cpu_list(allowed_cpus())));
        for (int c = first; c <= last; ++c) cpus.push_back(c);
        if (comma == std::string::npos) break;
        at = comma + 1;
    }
    std::sort(cpus.begin(), cpus.end());
    cpus.erase(std::unique(cpus.begin(), cpus.end()), cpus.end());
    const std::vector<int> allowed = allowed_cpus();
    for (int c : cpus)
        if (!std::binary_search(allowed.begin(), allowed.end(), c))
            throw UsageError(fmt::format("{}: CPU {} is not available to this process; available: {}", option, c, record::cpu_list(allowed)));
    return cpus;
}

void restrict_to_cpus(const std::vector<int>& cpus) {
    cpu_set_t set;
    CPU_ZERO(&set);
    for (int c : cpus) CPU_SET(c, &set);
    if (::sched_setaffinity(0, sizeof set, &set) != 0)
        throw std::runtime_error(fmt::format("--cpus: sched_setaffinity failed: {}", std::strerror(errno)));
    restricted = set;
    restricted_known = true;
}


unsigned available_cpus() {
    if (const auto cpus = allowed_cpus(); !cpus.empty()) return static_cast<unsigned>(cpus.size());  // as started (cpus.hpp)
    return std::max(1u, std::thread::hardware_concurrency());
}

}  // namespace sumsq
