#include "stdout_check.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <iostream>
#include <unistd.h>

namespace sumsq {
namespace {
bool stdout_closed = false;
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
}

int check_stdout(std::string_view program, int code) {
    errno = 0;
    std::cout.flush();
    const bool failed = !std::cout || std::fflush(stdout) != 0 || std::ferror(stdout);
    if (!failed && (!stdout_closed || code == 2)) return code;  // bad input writes nothing on stdout
    const int error = stdout_closed ? EBADF : errno;
    std::fprintf(stderr, "%.*s: error: writing standard output failed: %s\n", static_cast<int>(program.size()), program.data(),
                 error ? std::strerror(error) : "write error");
    return exit_runtime;
}

}  // namespace sumsq
