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

int parse_cpu(const std::string& option, const std::string& list, const std::string& text) {
    if (text.empty() || text.size() > 5 || !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }))
        throw UsageError(fmt::format("{}: '{}' is not a CPU list: write CPU numbers and ranges such as 0, 0-1 or 0,2-3", option, list));
    return std::stoi(text);
}

}  // namespace

std::vector<int> allowed_cpus() {
    cpu_set_t set;
    CPU_ZERO(&set);
    std::vector<int> cpus;
    if (::sched_getaffinity(0, sizeof set, &set) != 0) return cpus;
    for (int c = 0; c < max_cpu; ++c)
        if (CPU_ISSET(c, &set)) cpus.push_back(c);
    return cpus;
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
}


unsigned available_cpus() {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (::sched_getaffinity(0, sizeof set, &set) == 0) return static_cast<unsigned>(CPU_COUNT(&set));
    return std::max(1u, std::thread::hardware_concurrency());
}

}  // namespace sumsq
