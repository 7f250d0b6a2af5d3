#include "memory_check.hpp"

#include "contract/errors.hpp"
#include "text/numbers.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

namespace sumsq {
namespace {

std::vector<std::string> split(std::string_view text, char separator) {
    std::vector<std::string> parts;
    std::size_t at = 0;
    while (true) {
        const std::size_t next = text.find(separator, at);
        parts.emplace_back(text.substr(at, next == std::string_view::npos ? std::string_view::npos : next - at));
        if (next == std::string_view::npos) return parts;
        at = next + 1;
    }
}

std::vector<std::string> lines_of(std::string_view text) {
    std::vector<std::string> lines = split(text, '\n');
    if (!lines.empty() && lines.back().empty()) lines.pop_back();
    return lines;
}

// mountinfo writes a space in a path as \040 (and tab, newline, backslash alike).
std::string unescape(const std::string& field) {
    std::string out;
    for (std::size_t k = 0; k < field.size(); ++k) {
        const auto octal = [&](std::size_t at) { return field[at] >= '0' && field[at] <= '7'; };
        if (field[k] == '\\' && k + 3 < field.size() && octal(k + 1) && octal(k + 2) && octal(k + 3)) {
            out += static_cast<char>((field[k + 1] - '0') * 64 + (field[k + 2] - '0') * 8 + (field[k + 3] - '0'));
            k += 3;
        } else {
            out += field[k];
        }
    }
    return out;
}

std::string read_text(const std::string& path) {
    std::ifstream in(path);
    return in ? std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()) : std::string();
}

// A whole number from a cgroup file ("max" and unreadable files: nothing).
std::optional<u64> read_number(const std::string& path) {
    std::ifstream in(path);
    unsigned long long value = 0;
    if (!(in >> value)) return std::nullopt;
    return static_cast<u64>(value);
}

// `key value` from memory.stat.
u64 stat_value(const std::string& path, std::string_view key) {
    std::ifstream in(path);
    for (std::string name; in >> name;) {
        unsigned long long value = 0;
        if (!(in >> value)) break;
        if (name == key) return static_cast<u64>(value);
    }
    return 0;
}

// Where the cgroup `path` (as /proc/self/cgroup names it) lives under a mount of its hierarchy
// whose root inside the hierarchy is `root`.
std::string join(const std::string& mount_point, const std::string& root, const std::string& path) {
    std::string relative = path;
    if (root != "/" && (path == root || path.rfind(root + "/", 0) == 0)) relative = path.substr(root.size());
    if (relative == "/") relative.clear();
    return mount_point + relative;
}

}  // namespace

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

std::optional<MemoryCgroup> find_memory_cgroup(std::string_view proc_self_cgroup, std::string_view mountinfo) {
    std::optional<std::string> v1_path, v2_path;
    for (const std::string& line : lines_of(proc_self_cgroup)) {  // "4:memory:/a/b", "0::/a/b"
        const std::size_t first = line.find(':'), second = first == std::string::npos ? first : line.find(':', first + 1);
        if (second == std::string::npos) continue;
        const std::string controllers = line.substr(first + 1, second - first - 1), path = line.substr(second + 1);
        const std::vector<std::string> names = split(controllers, ',');
        if (std::find(names.begin(), names.end(), "memory") != names.end()) v1_path = path;
        else if (line.substr(0, first) == "0" && controllers.empty()) v2_path = path;
    }
    std::optional<MemoryCgroup> v1, v2;
    for (const std::string& line : lines_of(mountinfo)) {
        // "35 31 0:32 /root /mount/point rw,relatime shared:1 - cgroup cgroup rw,memory"
        const std::size_t dash = line.find(" - ");
        if (dash == std::string::npos) continue;
        const std::vector<std::string> left = split(line.substr(0, dash), ' '), right = split(line.substr(dash + 3), ' ');
        if (left.size() < 5 || right.empty()) continue;
        const std::string root = unescape(left[3]), mount_point = unescape(left[4]);
        if (right[0] == "cgroup" && right.size() >= 3 && v1_path && !v1) {
            const std::vector<std::string> options = split(right[2], ',');
            if (std::find(options.begin(), options.end(), "memory") != options.end())
                v1 = MemoryCgroup{join(mount_point, root, *v1_path), mount_point, false};
        } else if (right[0] == "cgroup2" && v2_path && !v2) {
            v2 = MemoryCgroup{join(mount_point, root, *v2_path), mount_point, true};
        }
    }
    return v1 ? v1 : v2;
}

u64 CgroupMemory::free() const {
    const u64 used = usage - std::min(usage, reclaimable);
    return limit > used ? limit - used : 0;
}

std::optional<CgroupMemory> cgroup_memory_limit(const MemoryCgroup& cgroup) {
    const char* limit_name = cgroup.v2 ? "memory.max" : "memory.limit_in_bytes";
    const char* usage_name = cgroup.v2 ? "memory.current" : "memory.usage_in_bytes";
    const char* reclaimable_name = cgroup.v2 ? "inactive_file" : "total_inactive_file";
    std::optional<CgroupMemory> tightest;
    std::string dir = cgroup.dir;
    while (true) {
        const std::optional<u64> limit = read_number(dir + "/" + limit_name);  // v2 "max": none
        if (limit && *limit < (u64{1} << 62)) {  // v1 writes "unlimited" as about 2^63
            CgroupMemory here{dir, limit_name, usage_name, *limit, read_number(dir + "/" + usage_name).value_or(0),
                              stat_value(dir + "/memory.stat", reclaimable_name)};
            if (!tightest || here.free() < tightest->free()) tightest = here;
        }
        if (dir.size() <= cgroup.mount_root.size() || dir.rfind(cgroup.mount_root, 0) != 0) break;
        dir = dir.substr(0, dir.rfind('/'));
        if (dir.size() < cgroup.mount_root.size()) break;
    }
    return tightest;
}

std::optional<CgroupMemory> own_cgroup_memory_limit() {
    const auto cgroup = find_memory_cgroup(read_text("/proc/self/cgroup"), read_text("/proc/self/mountinfo"));
    return cgroup ? cgroup_memory_limit(*cgroup) : std::nullopt;
}

void check_fits(const char* what, u64 bytes) {
    const u64 available = available_memory_bytes();
    if (bytes > available)
        throw UsageError(fmt::format("{}: needs {} bytes, more than the {} bytes available (MemAvailable in /proc/meminfo)",
                                     what, grouped(bytes), grouped(available)));
    if (const auto cgroup = own_cgroup_memory_limit(); cgroup && bytes > cgroup->free())
        throw UsageError(fmt::format("{}: needs {} bytes, more than the {} bytes free in its memory cgroup ({}: {} {}, {} {})", what,
                                     grouped(bytes), grouped(cgroup->free()), cgroup->dir, cgroup->limit_file, grouped(cgroup->limit),
                                     cgroup->usage_file, grouped(cgroup->usage)));
}

}  // namespace sumsq
