#include "output_file.hpp"

#include "contract/errors.hpp"

#include <fmt/format.h>

#include <array>
#include <cstdio>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <limits.h>
#include <stdexcept>
#include <sys/stat.h>
#include <utility>
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

std::string name_of(const std::string& path) {
    const auto slash = path.rfind('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
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
        identity_ = {info.st_dev, info.st_ino, {}};
    } else if (errno != ENOENT) {
        throw refuse(std::strerror(errno));
    } else {
        mode_ = 0666 & ~process_umask();
        struct stat directory{};
        if (::stat(directory_of(target_).c_str(), &directory) != 0) throw refuse(std::strerror(errno));
        identity_ = {directory.st_dev, directory.st_ino, name_of(target_)};
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
    if (fd_ >= 0) ::close(fd_);
    if (state_ == State::installed) finish();  // committed by a caller that did not finish(): keep it
    if (state_ != State::done) ::unlink(temporary_.c_str());
    release_slot(slot_);
}

std::runtime_error OutputFile::failure(int error) const {
    return std::runtime_error(fmt::format("{}: writing '{}' failed: {}", option_, path_, std::strerror(error)));
}

void OutputFile::write(const std::string& contents) {
    if (state_ != State::claimed) throw std::logic_error("OutputFile::write called twice");
    auto fail = [&](int error) {
        ::close(fd_);
        fd_ = -1;
        ::unlink(temporary_.c_str());
        release_slot(slot_);
        state_ = State::done;
        return failure(error);
    };
    std::size_t written = 0;
    while (written < contents.size()) {
        const ssize_t n = ::write(fd_, contents.data() + written, contents.size() - written);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) throw fail(n == 0 ? EIO : errno);  // EFBIG past `ulimit -f` (SIGXFSZ is ignored), ENOSPC
        written += static_cast<std::size_t>(n);
    }
    if (::fchmod(fd_, static_cast<mode_t>(mode_)) != 0 || ::fsync(fd_) != 0) throw fail(errno);
    const int fd = std::exchange(fd_, -1);
    if (::close(fd) != 0) throw fail(errno);
    state_ = State::written;
}

void OutputFile::install() {
    if (state_ != State::written) throw std::logic_error("OutputFile::install before write");
    // Swap when the target exists (the old file stays at the temporary's name until finish(), so
    // restore() can swap it back), create it when not; a filesystem without renameat2's flags
    // gets a plain rename, which cannot be undone.
    for (int attempt = 0; attempt < 3; ++attempt) {
        if (::renameat2(AT_FDCWD, temporary_.c_str(), AT_FDCWD, target_.c_str(), RENAME_EXCHANGE) == 0) {
            kept_old_ = true;
            state_ = State::installed;
            return;
        }
        if (errno == EINVAL || errno == ENOSYS) break;
        if (errno != ENOENT) throw failure(errno);
        if (::renameat2(AT_FDCWD, temporary_.c_str(), AT_FDCWD, target_.c_str(), RENAME_NOREPLACE) == 0) {
            kept_old_ = false;
            state_ = State::installed;
            return;
        }
        if (errno == EINVAL || errno == ENOSYS) break;
        if (errno != EEXIST) throw failure(errno);  // EEXIST: it appeared meanwhile, swap after all
    }
    if (::rename(temporary_.c_str(), target_.c_str()) != 0) throw failure(errno);
    kept_old_ = false;
    state_ = State::done;  // nothing left at the temporary's name, nothing to undo
    release_slot(slot_);
}

void OutputFile::restore() noexcept {
    if (state_ != State::installed) return;
    if (kept_old_) ::renameat2(AT_FDCWD, temporary_.c_str(), AT_FDCWD, target_.c_str(), RENAME_EXCHANGE);
    else ::rename(target_.c_str(), temporary_.c_str());  // the destructor removes it
    state_ = State::written;
}

void OutputFile::finish() noexcept {
    if (state_ != State::installed) return;
    if (kept_old_) ::unlink(temporary_.c_str());
    state_ = State::done;
    release_slot(slot_);
}

void OutputFile::commit(const std::string& contents) {
    write(contents);
    install();
    finish();
}

OutputFile& OutputFiles::claim(std::string option, std::string path) {
    auto file = std::make_unique<OutputFile>(std::move(option), std::move(path));
    for (const auto& other : files_)
        if (other->identity() == file->identity())
            throw UsageError(fmt::format("{}: '{}' is the same file as {} '{}'; give each output its own file", file->option(),
                                         file->path(), other->option(), other->path()));
    struct stat out{};
    if (file->identity().name.empty() && ::fstat(STDOUT_FILENO, &out) == 0 && S_ISREG(out.st_mode) &&
        OutputFile::Identity{out.st_dev, out.st_ino, {}} == file->identity())
        throw UsageError(fmt::format("{}: '{}' is the file standard output goes to; give each output its own file", file->option(),
                                     file->path()));
    files_.push_back(std::move(file));
    return *files_.back();
}

void OutputFiles::commit() {
    sigset_t deferred, previous;
    sigemptyset(&deferred);
    for (int signal : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&deferred, signal);
    ::pthread_sigmask(SIG_BLOCK, &deferred, &previous);
    std::size_t installed = 0;
    try {
        for (; installed < files_.size(); ++installed)
            if (files_[installed]->state_ == OutputFile::State::written) files_[installed]->install();
    } catch (...) {
        while (installed-- > 0) files_[installed]->restore();
        ::pthread_sigmask(SIG_SETMASK, &previous, nullptr);
        throw;
    }
    for (const auto& file : files_) file->finish();
    ::pthread_sigmask(SIG_SETMASK, &previous, nullptr);
}

}  // namespace sumsq
