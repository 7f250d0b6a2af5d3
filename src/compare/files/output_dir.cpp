#include "output_dir.hpp"

#include "contract/errors.hpp"
#include "os/output_file.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

namespace sumsq::compare {
namespace fs = std::filesystem;
namespace {

constexpr const char* staging_prefix = ".sumsq-out-";

// Files sumsq-compare writes; a directory holding anything else is not replaced.
bool ours(const fs::directory_entry& entry) {
    const std::string ext = entry.path().extension().string();
    return entry.is_regular_file() && (ext == ".json" || ext == ".csv" || ext == ".svg" || ext == ".html" || ext == ".txt");
}

// Removes `.sumsq-out-<pid>-*` directories in `parent` whose process is gone.
void remove_stale_staging(const fs::path& parent) {
    std::error_code error;
    for (const auto& entry : fs::directory_iterator(parent, error)) {
        const std::string name = entry.path().filename().string();
        if (name.rfind(staging_prefix, 0) != 0 || !entry.is_directory()) continue;
        const long pid = std::strtol(name.c_str() + std::strlen(staging_prefix), nullptr, 10);
        if (pid <= 0 || (::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH)) {
            std::error_code ignored;
            fs::remove_all(entry.path(), ignored);
        }
    }
}

std::string read_all(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// " (No space left on device: 12 KB free)" when the filesystem is (nearly) full, else "".
std::string space_note(const std::string& dir) {
    struct statvfs info{};
    if (::statvfs(dir.c_str(), &info) != 0) return {};
    const unsigned long long free_bytes = static_cast<unsigned long long>(info.f_bavail) * info.f_frsize;
    return free_bytes < 256 * 1024 ? fmt::format(" (No space left on device: {} KB free)", free_bytes / 1024) : "";
}

}  // namespace

std::string incomplete_reason(const std::string& path) {
    const std::string text = read_all(path);
    if (text.empty()) return "it is empty";
    const std::string ext = fs::path(path).extension().string();
    if (ext == ".svg") {
        const auto end = text.find_last_not_of(" \t\r\n");
        if (end == std::string::npos || end < 5 || text.compare(end - 5, 6, "</svg>") != 0) return "the SVG is cut short (no </svg>)";
    } else if (ext == ".json") {
        if (!nlohmann::json::accept(text)) return "the JSON does not parse";
    } else if (ext == ".csv") {
        if (std::count(text.begin(), text.end(), '\n') < 2 || text.back() != '\n') return "the CSV has no header and rows";
    }
    return {};
}

OutputDir::OutputDir(std::string dir) : dir_(std::move(dir)) {
    while (dir_.size() > 1 && dir_.back() == '/') dir_.pop_back();
    std::error_code error;
    fs::path resolved = dir_;
    for (int depth = 0; fs::is_symlink(fs::symlink_status(resolved)); ++depth) {  // follow links to the final place
        const fs::path link = fs::read_symlink(resolved, error);
        if (error || depth > 40) throw UsageError(fmt::format("--out: cannot resolve '{}': {}", dir_, error ? error.message() : "too many links"));
        resolved = link.is_absolute() ? link : resolved.parent_path() / link;
    }
    const fs::file_status status = fs::status(resolved, error);
    if (fs::exists(status) && !fs::is_directory(status)) throw UsageError(fmt::format("--out: '{}' exists and is not a directory", dir_));
    if (!fs::exists(status) && resolved != fs::path(dir_))
        throw UsageError(fmt::format("--out: '{}' is a symlink to '{}', which does not exist", dir_, resolved.string()));
    const fs::path parent = fs::absolute(resolved, error).parent_path();
    const fs::path canonical_parent = fs::canonical(parent.empty() ? "." : parent, error);
    if (error) throw UsageError(fmt::format("--out: cannot write to '{}': {}", dir_, error.message()));
    final_ = (canonical_parent / resolved.filename()).string();
    if (fs::exists(status)) {
        struct stat self{}, above{};
        if (::stat(final_.c_str(), &self) == 0 && ::stat(canonical_parent.c_str(), &above) == 0 && self.st_dev != above.st_dev)
            throw UsageError(fmt::format("--out: '{}' is a mount point, which cannot be replaced in one step; give a directory inside it", dir_));
        for (const auto& entry : fs::directory_iterator(final_, error))
            if (!ours(entry))
                throw UsageError(fmt::format("--out: '{}' holds '{}', which sumsq-compare did not write; give a new directory or a previous --out",
                                             dir_, entry.path().filename().string()));
        if (::access(final_.c_str(), W_OK) != 0)
            throw UsageError(fmt::format("--out: cannot replace '{}': {}", dir_, std::strerror(errno)));
    }
    remove_stale_staging(canonical_parent);
    std::string pattern = (canonical_parent / fmt::format("{}{}-XXXXXX", staging_prefix, ::getpid())).string();
    if (!::mkdtemp(pattern.data())) throw UsageError(fmt::format("--out: cannot write to '{}': {}", dir_, std::strerror(errno)));
    staging_ = pattern;
    const mode_t mask = ::umask(0);
    ::umask(mask);
    struct stat old{};
    ::chmod(staging_.c_str(), ::stat(final_.c_str(), &old) == 0 ? (old.st_mode & 07777) : (0777 & ~mask));  // keep, or mkdir's
}

OutputDir::~OutputDir() {
    std::error_code ignored;
    if (!staging_.empty()) fs::remove_all(staging_, ignored);
}

void OutputDir::write(const std::string& file, const std::string& contents) const {
    try {
        OutputFile out("--out", staged(file));
        out.commit(contents);
    } catch (const std::exception& e) {  // e.g. a full disk: nothing has touched the final directory yet
        throw std::runtime_error(fmt::format("{}; '{}' was left as it was", e.what(), dir_));
    }
}

void OutputDir::discard(const std::string& file) const {
    std::error_code ignored;
    fs::remove(staged(file), ignored);
}

std::vector<std::string> OutputDir::commit() {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(staging_)) {
        if (entry.path().extension() == ".gp") fs::remove(entry.path());  // the plot script is not output
        else names.push_back(entry.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    for (const auto& name : names) {
        const std::string reason = incomplete_reason(staged(name));
        if (!reason.empty())
            throw std::runtime_error(fmt::format("--out: {} is incomplete: {}{}; '{}' was left as it was", name, reason,
                                                 space_note(staging_), dir_));
    }
    if (const int fd = ::open(staging_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
    if (::renameat2(AT_FDCWD, staging_.c_str(), AT_FDCWD, final_.c_str(), RENAME_EXCHANGE) == 0) {
        // staging_ now holds the old directory; the destructor removes it
    } else if (errno == ENOENT && !fs::exists(final_)) {
        if (::rename(staging_.c_str(), final_.c_str()) != 0)
            throw std::runtime_error(fmt::format("--out: cannot create '{}': {}", dir_, std::strerror(errno)));
        staging_.clear();
    } else if (errno == EINVAL || errno == ENOSYS) {  // no RENAME_EXCHANGE here: old aside, new in
        const std::string aside = staging_ + "-old";
        if (::rename(final_.c_str(), aside.c_str()) != 0)
            throw std::runtime_error(fmt::format("--out: cannot replace '{}': {}", dir_, std::strerror(errno)));
        if (::rename(staging_.c_str(), final_.c_str()) != 0) {
            const int failure = errno;
            ::rename(aside.c_str(), final_.c_str());
            throw std::runtime_error(fmt::format("--out: cannot replace '{}': {}", dir_, std::strerror(failure)));
        }
        staging_ = aside;
    } else {
        throw std::runtime_error(fmt::format("--out: cannot replace '{}': {}", dir_, std::strerror(errno)));
    }
    std::vector<std::string> paths;
    for (const auto& name : names) paths.push_back((fs::path(dir_) / name).string());
    return paths;
}

}  // namespace sumsq::compare
