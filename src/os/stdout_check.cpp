#include "stdout_check.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <iostream>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

namespace sumsq {
namespace {
bool stdout_closed = false;
bool reported = false;  // the one line about a lost stdout is printed

int report(std::string_view program, int error) {
    std::fprintf(stderr, "%.*s: error: writing standard output failed: %s\n", static_cast<int>(program.size()), program.data(),
                 error ? std::strerror(error) : "write error");
    reported = true;
    return exit_runtime;
}
}  // namespace

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
}

bool stdout_usable(std::string_view program) {
    int error = stdout_closed ? EBADF : 0;
    struct stat out{}, full{};
    if (!error && ::fstat(STDOUT_FILENO, &out) == 0) {
        if (S_ISCHR(out.st_mode) && ::stat("/dev/full", &full) == 0 && S_ISCHR(full.st_mode) && out.st_rdev == full.st_rdev) {
            error = ENOSPC;
        } else if (S_ISFIFO(out.st_mode) || S_ISSOCK(out.st_mode)) {
            pollfd probe{STDOUT_FILENO, 0, 0};  // no events asked: POLLERR / POLLHUP say the reader is gone
            if (::poll(&probe, 1, 0) == 1 && (probe.revents & (POLLERR | POLLHUP))) error = EPIPE;
        }
    }
    if (!error) return true;
    report(program, error);
    return false;
}

int check_stdout(std::string_view program, int code) {
    if (reported) return exit_runtime;
    errno = 0;
    std::cout.flush();
    const bool failed = !std::cout || std::fflush(stdout) != 0 || std::ferror(stdout);
    if (!failed && (!stdout_closed || code == 2)) return code;  // bad input writes nothing on stdout
    return report(program, stdout_closed ? EBADF : errno);
}

}  // namespace sumsq
