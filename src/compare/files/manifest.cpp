#include "manifest.hpp"

#include "sha256.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

namespace sumsq::compare {
namespace fs = std::filesystem;
namespace {

constexpr std::size_t manifest_cap = 1 << 20;  // ours lists a handful of files: a few hundred bytes

struct Listed {
    unsigned long long bytes = 0;
    std::string sha256;
};

// The bytes of the regular file `path`, up to `cap` (nullopt past it); errno-style failure in `error`.
std::optional<std::string> read_regular(const std::string& path, std::size_t cap, int& error) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0) {
        error = errno;
        return std::nullopt;
    }
    std::string text;
    char buffer[65536];
    ssize_t n;
    while ((n = ::read(fd, buffer, sizeof buffer)) != 0) {
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 || text.size() + static_cast<std::size_t>(n) > cap) {
            error = n < 0 ? errno : EFBIG;
            ::close(fd);
            return std::nullopt;
        }
        text.append(buffer, static_cast<std::size_t>(n));
    }
    ::close(fd);
    return text;
}

bool plain_name(const std::string& name) {
    return !name.empty() && name != "." && name != ".." && name != manifest_name && name.find('/') == std::string::npos;
}

// The files a manifest lists; nullopt, with the reason in `problem`, when it is not one sumsq-compare wrote.
std::optional<std::map<std::string, Listed>> parse_manifest(const std::string& text, std::string& problem) {
    const nlohmann::json doc = nlohmann::json::parse(text, nullptr, false);
    if (doc.is_discarded()) problem = "it does not parse as JSON";
    else if (!doc.is_object() || doc.value("tool", "") != "sumsq-compare") problem = "its \"tool\" is not \"sumsq-compare\"";
    else if (!doc.contains("files") || !doc["files"].is_array()) problem = "it has no \"files\" list";
    if (!problem.empty()) return std::nullopt;
    std::map<std::string, Listed> files;
    for (const auto& f : doc["files"]) {
        const bool shaped = f.is_object() && f.contains("name") && f["name"].is_string() && f.contains("bytes") &&
                            f["bytes"].is_number_unsigned() && f.contains("sha256") && f["sha256"].is_string();
        if (!shaped || !plain_name(f["name"].get<std::string>()) || f["sha256"].get<std::string>().size() != 64) {
            problem = "an entry of \"files\" is not {\"name\", \"bytes\", \"sha256\"}";
            return std::nullopt;
        }
        if (!files.emplace(f["name"].get<std::string>(), Listed{f["bytes"].get<unsigned long long>(), f["sha256"].get<std::string>()}).second) {
            problem = "it lists '" + f["name"].get<std::string>() + "' twice";
            return std::nullopt;
        }
    }
    return files;
}

}  // namespace

std::string manifest_text(const std::string& dir, const std::vector<std::string>& names) {
    nlohmann::json files = nlohmann::json::array();
    for (const std::string& name : names) {
        int error = 0;
        const auto bytes = read_regular(dir + "/" + name, std::string::npos, error);
        if (!bytes) throw std::runtime_error(fmt::format("--out: cannot read back '{}' for the manifest: {}", name, std::strerror(error)));
        files.push_back({{"name", name}, {"bytes", bytes->size()}, {"sha256", sha256_hex(*bytes)}});
    }
    const nlohmann::json doc = {{"tool", "sumsq-compare"}, {"version", SUMSQ_VERSION}, {"files", files}};
    return doc.dump(2) + "\n";
}

std::string not_replaceable_reason(const std::string& dir) {
    const std::string how = "move it out, or give another --out";
    std::vector<std::string> names;
    std::error_code error;
    for (fs::directory_iterator it(dir, error), end; !error && it != end; it.increment(error)) names.push_back(it->path().filename().string());
    if (error) return fmt::format("cannot be listed: {}", error.message());
    if (names.empty()) return {};
    std::sort(names.begin(), names.end());
    if (std::find(names.begin(), names.end(), manifest_name) == names.end())
        return fmt::format("holds files but no {}, so sumsq-compare cannot tell its own files from others (an --out written by "
                           "sumsq-compare 0.1.0 or earlier has none); remove the directory yourself, or give a new --out",
                           manifest_name);
    struct stat info{};
    int read_error = 0;
    const std::string manifest_path = dir + "/" + manifest_name;
    const auto text = ::lstat(manifest_path.c_str(), &info) == 0 && S_ISREG(info.st_mode) ? read_regular(manifest_path, manifest_cap, read_error)
                                                                                          : std::nullopt;
    std::string problem = text ? std::string() : read_error ? std::strerror(read_error) : std::string("it is not a regular file");
    const auto parsed = text ? parse_manifest(*text, problem) : std::nullopt;
    if (!parsed)
        return fmt::format("holds a {} that sumsq-compare did not write ({}); remove the directory yourself, or give a new --out",
                           manifest_name, problem);
    for (const std::string& name : names) {
        if (name == manifest_name) continue;
        const std::string path = dir + "/" + name;
        const auto entry = parsed->find(name);
        if (entry == parsed->end()) return fmt::format("holds '{}', which sumsq-compare did not write (its {} does not list it); {}", name, manifest_name, how);
        if (::lstat(path.c_str(), &info) != 0 || !S_ISREG(info.st_mode))
            return fmt::format("holds '{}', which is not a regular file, so not the one sumsq-compare wrote; {}", name, how);
        std::optional<std::string> bytes;
        if (static_cast<unsigned long long>(info.st_size) == entry->second.bytes) bytes = read_regular(path, entry->second.bytes, read_error);
        if (!bytes || sha256_hex(*bytes) != entry->second.sha256)
            return fmt::format("holds '{}', which is not the file sumsq-compare wrote there (its size or SHA-256 differs from {}); {}", name,
                               manifest_name, how);
    }
    return {};
}

}  // namespace sumsq::compare
