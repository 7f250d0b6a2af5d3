#include "exit_guard.hpp"

#include "output_file.hpp"
#include "stdout_check.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <fcntl.h>
#include <mutex>
#include <stdexcept>
#include <sys/mman.h>
#include <unistd.h>
#include <vector>

namespace sumsq {
namespace {

std::string program_name = "sumsq";
std::atomic<bool> decided{false};
std::atomic_flag ending = ATOMIC_FLAG_INIT;  // the first of several failing threads reports

// The open setup windows, outermost first (only the main thread opens them).
struct Window {
    std::string failure;
    int saved_stderr;  // -1: this window holds nothing
};
std::mutex windows_mutex;
std::vector<Window> windows;

// What the innermost holding window has kept of stderr: its first line that says something
// (not a banner rule), copied into `line`. No allocation: this runs when memory may be gone.
void first_held_line(char* line, std::size_t size) {
    line[0] = '\0';
    if (windows.empty() || windows.back().saved_stderr < 0) return;
    static char text[4096];
    const ssize_t n = ::pread(STDERR_FILENO, text, sizeof text - 1, 0);
    if (n <= 0) return;
    text[n] = '\0';
    for (char* at = text; *at;) {
        char* end = std::strchr(at, '\n');
        if (end) *end = '\0';
        if (at[std::strspn(at, "-= \t\r")] != '\0') {
            const std::size_t length = std::min(std::strlen(at), size - 1);  // cut to the caller's buffer
            std::memcpy(line, at, length);
            line[length] = '\0';
            return;
        }
        if (!end) return;
        at = end + 1;
    }
}

// Ends the process for a failure the harness did not catch: one line on the real stderr, no
// temporary left, exit 3. Any thread; a second one to get here waits for the first to finish.
// No allocation and no exception: it may run because memory ran out.
[[noreturn]] void end_with(const char* what) noexcept {
    if (ending.test_and_set()) {
        for (;;) ::pause();
    }
    remove_temporary_files();
    static char held[1024], line[2048];
    const char* failure = "";
    {
        const std::lock_guard lock(windows_mutex);
        first_held_line(held, sizeof held);
        if (!windows.empty()) failure = windows.back().failure.c_str();
        for (const Window& w : windows)  // the outermost that held back stderr kept the real one
            if (w.saved_stderr >= 0) {
                ::dup2(w.saved_stderr, STDERR_FILENO);
                break;
            }
    }
    int n = std::snprintf(line, sizeof line - 1, "%s: error: %s%s%s", program_name.c_str(), failure, *failure ? ": " : "",
                          held[0] ? held : what);
    n = n < 0 ? 0 : std::min(n, static_cast<int>(sizeof line) - 2);
    for (int k = 0; k < n; ++k)
        if (line[k] == '\n' || line[k] == '\r') line[k] = ' ';
    line[n] = '\n';
    [[maybe_unused]] const ssize_t written = ::write(STDERR_FILENO, line, static_cast<std::size_t>(n) + 1);
    ::_exit(exit_runtime);
}

void on_unexpected_exit(int status, void*) {
    if (decided.load()) return;
    static char what[128];
    std::snprintf(what, sizeof what, "a runtime library ended the process (exit %d) before the run was reported", status);
    end_with(what);
}

[[noreturn]] void on_terminate() noexcept {
    const char* what = "std::terminate was called";
    const std::exception_ptr thrown = std::current_exception();  // kept alive: what() points into it
    if (thrown) {
        try {
            std::rethrow_exception(thrown);
        } catch (const std::exception& e) {
            what = e.what();
        } catch (...) {
            what = "an exception of unknown type escaped";
        }
    }
    end_with(what);
}

}  // namespace

void install_exit_guard(std::string program) {
    program_name = std::move(program);
    ::on_exit(on_unexpected_exit, nullptr);
    std::set_terminate(on_terminate);
}

void exit_decided() noexcept { decided.store(true); }

GuardedSetup::GuardedSetup(std::string failure) {
    const int held = ::memfd_create("sumsq-stderr", MFD_CLOEXEC);
    if (held >= 0) {
        saved_stderr_ = ::fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
        if (saved_stderr_ < 0 || ::dup2(held, STDERR_FILENO) < 0) {
            if (saved_stderr_ >= 0) ::close(saved_stderr_);
            saved_stderr_ = -1;
        }
        ::close(held);
    }
    const std::lock_guard lock(windows_mutex);
    windows.push_back({std::move(failure), saved_stderr_});
}

GuardedSetup::~GuardedSetup() {
    const std::lock_guard lock(windows_mutex);
    windows.pop_back();
    if (saved_stderr_ < 0) return;
    std::string text;  // what the step printed: passed on as it was
    char buffer[4096];
    for (off_t at = 0;;) {
        const ssize_t n = ::pread(STDERR_FILENO, buffer, sizeof buffer, at);
        if (n <= 0) break;
        text.append(buffer, static_cast<std::size_t>(n));
        at += n;
    }
    ::dup2(saved_stderr_, STDERR_FILENO);
    ::close(saved_stderr_);
    for (std::size_t at = 0; at < text.size();) {
        const ssize_t n = ::write(STDERR_FILENO, text.data() + at, text.size() - at);
        if (n <= 0) break;
        at += static_cast<std::size_t>(n);
    }
}

}  // namespace sumsq
