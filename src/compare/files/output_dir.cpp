#include "output_dir.hpp"

#include "contract/errors.hpp"
#include "manifest.hpp"
#include "os/output_file.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string_view>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

namespace sumsq::compare {
namespace fs = std::filesystem;
namespace {

constexpr std::string_view staging_prefix = ".sumsq-out-", lock_suffix = ".lock", aside_suffix = "-old";

// Whether the open file `fd` is still the one named `path` (a sweeping run may have removed it).
bool same_file(int fd, const std::string& path) {
    struct stat open_one{}, named{};
    return ::fstat(fd, &open_one) == 0 && ::lstat(path.c_str(), &named) == 0 && open_one.st_dev == named.st_dev &&
           open_one.st_ino == named.st_ino;
}

// Removes the staging directories in `parent` whose run has ended: those whose lock
// `.sumsq-out-XXXXXX.lock` nobody holds. A staging directory without a lock beside it (left by
// sumsq-compare 0.1.0 or earlier, named `.sumsq-out-<pid>-XXXXXX`) is left alone: nothing tells
// whether its run is alive.
void remove_stale_staging(const fs::path& parent) {
    std::error_code error;
    for (fs::directory_iterator it(parent, error), end; !error && it != end; it.increment(error)) {
        const std::string name = it->path().filename().string();
        if (!name.starts_with(staging_prefix) || !name.ends_with(lock_suffix)) continue;
        const std::string lock = it->path().string();
        const int fd = ::open(lock.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
        if (fd < 0) continue;
        struct stat info{};
        if (::fstat(fd, &info) == 0 && S_ISREG(info.st_mode) && ::flock(fd, LOCK_EX | LOCK_NB) == 0 && same_file(fd, lock)) {
            const std::string stem = lock.substr(0, lock.size() - lock_suffix.size());
            std::error_code ignored;
            fs::remove_all(stem, ignored);
            fs::remove_all(stem + std::string(aside_suffix), ignored);
            ::unlink(lock.c_str());
        }
        ::close(fd);
    }
}

// Refuses an --out that names no directory of its own: '.', '..', '/' (or a link to one).
void refuse_unnamed(const std::string& dir, const fs::path& path) {
    const std::string last = path.filename().string();
    if (last.empty() || last == "." || last == "..")
        throw UsageError(fmt::format("--out: '{}' names no directory of its own ('{}'), which cannot be swapped for a new one; "
                                     "give a directory by name, e.g. --out results",
                                     dir, last.empty() ? "/" : last));
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
    refuse_unnamed(dir_, dir_);
    std::error_code error;
    fs::path resolved = dir_;
    for (int depth = 0; fs::is_symlink(fs::symlink_status(resolved)); ++depth) {  // follow links to the final place
        std::string link = fs::read_symlink(resolved, error).string();
        if (error || depth > 40) throw UsageError(fmt::format("--out: cannot resolve '{}': {}", dir_, error ? error.message() : "too many links"));
        while (link.size() > 1 && link.back() == '/') link.pop_back();
        resolved = link.starts_with('/') ? fs::path(link) : resolved.parent_path() / link;
        refuse_unnamed(dir_, resolved);
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
        const std::string cwd = fs::current_path(error).string();
        if (!error && (cwd == final_ || cwd.starts_with(final_ + "/")))
            throw UsageError(fmt::format("--out: '{}' is the current directory or holds it, which cannot be swapped for a new one while "
                                         "in use; give a directory inside it, e.g. --out results",
                                         dir_));
        struct stat self{}, above{};
        if (::stat(final_.c_str(), &self) == 0 && ::stat(canonical_parent.c_str(), &above) == 0 && self.st_dev != above.st_dev)
            throw UsageError(fmt::format("--out: '{}' is a mount point, which cannot be replaced in one step; give a directory inside it", dir_));
        if (const std::string reason = not_replaceable_reason(final_); !reason.empty())
            throw UsageError(fmt::format("--out: '{}' {}", dir_, reason));
        if (::access(final_.c_str(), W_OK) != 0)
            throw UsageError(fmt::format("--out: cannot replace '{}': {}", dir_, std::strerror(errno)));
    }
    remove_stale_staging(canonical_parent);
    // The lock first, taken, and checked to be still the file of that name (a sweeping run may have
    // removed it between its creation and the flock), then the directory: a live staging directory
    // never lacks its held lock.
    for (int attempt = 0; staging_.empty(); ++attempt) {
        std::string lock = (canonical_parent / fmt::format("{}XXXXXX{}", staging_prefix, lock_suffix)).string();
        const int fd = ::mkostemps(lock.data(), static_cast<int>(lock_suffix.size()), O_CLOEXEC);
        if (fd < 0) throw UsageError(fmt::format("--out: cannot write to '{}': {}", dir_, std::strerror(errno)));
        int failure = 0, locked;
        while ((locked = ::flock(fd, LOCK_EX)) != 0 && errno == EINTR) {}
        if (locked != 0) failure = errno;
        else if (!same_file(fd, lock)) failure = attempt < 100 ? 0 : EAGAIN;
        else if (const std::string stem = lock.substr(0, lock.size() - lock_suffix.size()); ::mkdir(stem.c_str(), 0700) == 0) {
            staging_ = stem, lock_path_ = lock, lock_fd_ = fd;
            break;
        } else {
            failure = errno == EEXIST && attempt < 100 ? 0 : errno;
            ::unlink(lock.c_str());
        }
        ::close(fd);
        if (failure) {
            if (locked != 0) ::unlink(lock.c_str());
            throw UsageError(fmt::format("--out: cannot make a locked staging directory beside '{}': {}", dir_, std::strerror(failure)));
        }
    }
    const mode_t mask = ::umask(0);
    ::umask(mask);
    struct stat old{};
    ::chmod(staging_.c_str(), ::stat(final_.c_str(), &old) == 0 ? (old.st_mode & 07777) : (0777 & ~mask));  // keep, or mkdir's
}

OutputDir::~OutputDir() {
    std::error_code ignored;
    if (!staging_.empty()) fs::remove_all(staging_, ignored);
    if (lock_fd_ >= 0) {  // the directory first, then its lock: a staging directory is never unlocked while it exists
        ::unlink(lock_path_.c_str());
        ::close(lock_fd_);
    }
}

void OutputDir::write(const std::string& file, const std::string& contents) const {
    try {
        OutputFile out("--out", staged(file));
        out.commit(contents);
    } catch (const std::exception& e) {  // e.g. a full disk: nothing has touched the final directory yet
        std::string what = e.what();       // named as it would have been: the staging directory is gone once we exit
        if (const auto at = what.find(staged(file)); at != std::string::npos) what.replace(at, staged(file).size(), (fs::path(dir_) / file).string());
        throw std::runtime_error(fmt::format("{}; '{}' was left as it was", what, dir_));
    }
}

void OutputDir::discard(const std::string& file) const {
    std::error_code ignored;
    fs::remove(staged(file), ignored);
}

std::vector<std::string> OutputDir::seal() {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(staging_)) {
        if (entry.path().extension() == ".gp") fs::remove(entry.path());  // the plot script is not output
        else if (entry.path().filename() != manifest_name) names.push_back(entry.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    for (const auto& name : names) {
        const std::string reason = incomplete_reason(staged(name));
        if (!reason.empty())
            throw std::runtime_error(fmt::format("--out: {} is incomplete: {}{}; '{}' was left as it was", name, reason,
                                                 space_note(staging_), dir_));
    }
    write(manifest_name, manifest_text(staging_, names));
    std::vector<std::string> paths;
    for (const auto& name : names) paths.push_back((fs::path(dir_) / name).string());
    return paths;
}

void OutputDir::commit() {
    // Checked again: the sweep may have taken minutes, and someone may have put a file there since.
    if (fs::exists(fs::symlink_status(final_)))
        if (const std::string reason = not_replaceable_reason(final_); !reason.empty())
            throw std::runtime_error(fmt::format("--out: '{}' changed during the run: it now {}; it was left as it was", dir_, reason));
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
        const std::string aside = staging_ + std::string(aside_suffix);  // a stale sweep removes it with its staging directory
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
}

}  // namespace sumsq::compare
