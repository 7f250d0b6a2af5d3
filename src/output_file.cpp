#include "output_file.hpp"

#include "cli.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

namespace sumsq {

OutputFile::OutputFile(std::string option, std::string path)
    : option_(std::move(option)), path_(std::move(path)), temporary_(path_ + ".partial-XXXXXX") {
    struct stat info{};
    if (::stat(path_.c_str(), &info) == 0 && S_ISDIR(info.st_mode))
        throw UsageError(fmt::format("{}: cannot write '{}': it is a directory", option_, path_));
    fd_ = ::mkstemp(temporary_.data());
    if (fd_ < 0) throw UsageError(fmt::format("{}: cannot write '{}': {}", option_, path_, std::strerror(errno)));
}

OutputFile::~OutputFile() {
    if (fd_ >= 0) {
        ::close(fd_);
        ::unlink(temporary_.c_str());
    }
}

void OutputFile::commit(const std::string& contents) {
    std::size_t written = 0;
    while (written < contents.size()) {
        const ssize_t n = ::write(fd_, contents.data() + written, contents.size() - written);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) throw std::runtime_error(fmt::format("{}: writing '{}' failed: {}", option_, path_, std::strerror(errno)));
        written += static_cast<std::size_t>(n);
    }
    ::fchmod(fd_, 0644);
    if (::close(fd_) != 0 || ::rename(temporary_.c_str(), path_.c_str()) != 0) {
        fd_ = -1;
        ::unlink(temporary_.c_str());
        throw std::runtime_error(fmt::format("{}: writing '{}' failed: {}", option_, path_, std::strerror(errno)));
    }
    fd_ = -1;
}

}  // namespace sumsq
