#include "output_file.hpp"

#include "contract/errors.hpp"

#include <fmt/format.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <limits.h>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

namespace sumsq {
namespace {

// Temporaries to remove if a signal ends the process: fixed slots, no allocation in the handler.
constexpr int slots = 8;
std::array<std::array<char, PATH_MAX>, slots> pending{};
std::array<std::atomic<bool>, slots> in_use{};

int claim_slot(const std::string& path) {
    for (int k = 0; k < slots; ++k) {
        bool expected = false;
        if (path.size() < PATH_MAX && in_use[k].compare_exchange_strong(expected, true)) {
            std::memcpy(pending[k].data(), path.c_str(), path.size() + 1);
            return k;
        }
    }
    return -1;
}

void release_slot(int& slot) {
    if (slot >= 0) in_use[slot].store(false);
    slot = -1;
}

void on_fatal_signal(int signal) {
    remove_temporary_files();
    ::signal(signal, SIG_DFL);
    ::raise(signal);
}

// Installs the cleanup for SIGINT/SIGTERM/SIGHUP where nobody else handles them (sumsq-compare
// has its own handlers and unwinds to the destructors).
void install_cleanup_handlers() {
    static std::atomic<bool> installed{false};
    if (installed.exchange(true)) return;
    for (int signal : {SIGINT, SIGTERM, SIGHUP}) {
        struct sigaction current{};
        if (::sigaction(signal, nullptr, &current) != 0 || current.sa_handler != SIG_DFL) continue;
        struct sigaction action{};
        action.sa_handler = on_fatal_signal;
        sigemptyset(&action.sa_mask);
        ::sigaction(signal, &action, nullptr);
    }
}

std::string directory_of(const std::string& path) {
    const auto slash = path.rfind('/');
    if (slash == std::string::npos) return ".";
    return slash == 0 ? "/" : path.substr(0, slash);
}

// `path` with every symlink in its last component followed (a dangling link: where it points).
std::string follow_links(std::string path) {
    for (int depth = 0; depth < 40; ++depth) {
        struct stat info{};
        if (::lstat(path.c_str(), &info) != 0 || !S_ISLNK(info.st_mode)) return path;
        std::string link(PATH_MAX, '\0');
        const ssize_t n = ::readlink(path.c_str(), link.data(), link.size());
        if (n <= 0) return path;
        link.resize(static_cast<std::size_t>(n));
        path = link.front() == '/' ? link : directory_of(path) + "/" + link;
    }
    return path;  // a loop: open() reports ELOOP below
}

unsigned process_umask() {
    const mode_t mask = ::umask(0);
    ::umask(mask);
    return mask;
}

}  // namespace

void remove_temporary_files() noexcept {
    for (int k = 0; k < slots; ++k)
        if (in_use[k].load()) ::unlink(pending[k].data());
}

OutputFile::OutputFile(std::string option, std::string path)
    : option_(std::move(option)), path_(std::move(path)), target_(follow_links(path_)) {
    auto refuse = [&](const std::string& reason) {
        return UsageError(fmt::format("{}: cannot write '{}': {}", option_, path_, reason));
    };
    struct stat info{};
    if (::stat(target_.c_str(), &info) == 0) {
        if (S_ISDIR(info.st_mode)) throw refuse("it is a directory");
        if (!S_ISREG(info.st_mode)) throw refuse("it exists and is not a regular file");
        mode_ = info.st_mode & 07777;
    } else if (errno != ENOENT) {
        throw refuse(std::strerror(errno));
    } else {
        mode_ = 0666 & ~process_umask();
    }
    install_cleanup_handlers();
    // A short name, whatever the target's length: a legal 255-byte name must stay writable.
    temporary_ = directory_of(target_) + "/.sumsq-XXXXXX";
    slot_ = claim_slot(temporary_);
    fd_ = ::mkostemp(temporary_.data(), O_CLOEXEC);
    if (slot_ >= 0) std::memcpy(pending[slot_].data(), temporary_.c_str(), temporary_.size() + 1);
    if (fd_ < 0) {
        const int error = errno;
        release_slot(slot_);
        throw refuse(std::strerror(error));
    }
}

OutputFile::~OutputFile() {
    if (fd_ >= 0) {
        ::close(fd_);
        ::unlink(temporary_.c_str());
    }
    release_slot(slot_);
}

void OutputFile::commit(const std::string& contents) {
    auto fail = [&](int error) {
        ::close(fd_);
        fd_ = -1;
        ::unlink(temporary_.c_str());
        release_slot(slot_);
        return std::runtime_error(fmt::format("{}: writing '{}' failed: {}", option_, path_, std::strerror(error)));
    };
    std::size_t written = 0;
    while (written < contents.size()) {
        const ssize_t n = ::write(fd_, contents.data() + written, contents.size() - written);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) throw fail(n == 0 ? EIO : errno);
        written += static_cast<std::size_t>(n);
    }
    if (::fchmod(fd_, static_cast<mode_t>(mode_)) != 0 || ::fsync(fd_) != 0) throw fail(errno);
    if (::close(fd_) != 0) {
        const int error = errno;
        fd_ = ::open("/dev/null", O_RDONLY | O_CLOEXEC);  // keep fail()'s close harmless
        throw fail(error);
    }
    fd_ = -1;
    if (::rename(temporary_.c_str(), target_.c_str()) != 0) {
        const int error = errno;
        ::unlink(temporary_.c_str());
        release_slot(slot_);
        throw std::runtime_error(fmt::format("{}: writing '{}' failed: {}", option_, path_, std::strerror(error)));
    }
    release_slot(slot_);
}

}  // namespace sumsq
