#include "stdout_check.hpp"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <iostream>
#include <poll.h>
#include <stdexcept>
#include <string>
#include <unistd.h>

namespace sumsq {
namespace {
bool stdout_closed = false;
bool failure_reported = false;
}

void guard_standard_streams() {
    for (int fd : {STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO}) {
        if (::fcntl(fd, F_GETFD) >= 0 || errno != EBADF) continue;
        if (fd == STDOUT_FILENO) stdout_closed = true;
        const int null = ::open("/dev/null", fd == STDIN_FILENO ? O_RDONLY : O_WRONLY);
        if (null >= 0 && null != fd) {
            ::dup2(null, fd);
            ::close(null);
        }
    }
    ::signal(SIGPIPE, SIG_IGN);
    ::signal(SIGXFSZ, SIG_IGN);
}

void check_stdout_writable() {
    auto fail = [](int error) { return std::runtime_error(std::string("writing standard output failed: ") + std::strerror(error)); };
    if (stdout_closed) throw fail(EBADF);
    if (::write(STDOUT_FILENO, "", 0) < 0) throw fail(errno);  // a device that refuses writes, an fd open for reading
    pollfd out{STDOUT_FILENO, POLLOUT, 0};
    if (::poll(&out, 1, 0) == 1 && (out.revents & (POLLERR | POLLHUP)) != 0) throw fail(EPIPE);  // the reader has gone
}

namespace {
int report(std::string_view program, int error) {
    std::fprintf(stderr, "%.*s: error: writing standard output failed: %s\n", static_cast<int>(program.size()), program.data(),
                 error ? std::strerror(error) : "write error");
    failure_reported = true;
    return exit_runtime;
}
}  // namespace

bool stdout_usable(std::string_view program) {
    try {
        check_stdout_writable();
        return true;
    } catch (const std::runtime_error& e) {
        std::fprintf(stderr, "%.*s: error: %s\n", static_cast<int>(program.size()), program.data(), e.what());
        failure_reported = true;
        return false;
    }
}

int check_stdout(std::string_view program, int code) {
    if (failure_reported) return exit_runtime;
    errno = 0;
    std::cout.flush();
    const bool failed = !std::cout || std::fflush(stdout) != 0 || std::ferror(stdout);
    if (!failed && (!stdout_closed || code == 2)) return code;  // bad input writes nothing on stdout
    return report(program, stdout_closed ? EBADF : errno);
}

}  // namespace sumsq
