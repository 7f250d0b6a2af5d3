#include "exit_guard.hpp"

#include "output_file.hpp"
#include "stdout_check.hpp"

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

// What the innermost holding window has kept of stderr: its first line that says something.
std::string first_held_line() {
    if (windows.empty() || windows.back().saved_stderr < 0) return {};
    std::string text(4096, '\0');
    const ssize_t n = ::pread(STDERR_FILENO, text.data(), text.size(), 0);
    text.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
    std::size_t at = 0;
    while (at < text.size()) {
        std::size_t end = text.find('\n', at);
        if (end == std::string::npos) end = text.size();
        std::string line = text.substr(at, end - at);
        at = end + 1;
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
        if (line.find_first_not_of("-= \t") != std::string::npos) return line;  // not a banner rule
    }
    return {};
}

// Ends the process for a failure the harness did not catch: one line on the real stderr, no
// temporary left, exit 3. Any thread; a second one to get here waits for the first to finish.
[[noreturn]] void end_with(const std::string& what) {
    if (ending.test_and_set()) {
        for (;;) ::pause();
    }
    remove_temporary_files();
    std::string line = program_name + ": error: ";
    {
        const std::lock_guard lock(windows_mutex);
        const std::string held = first_held_line();
        const std::string failure = windows.empty() ? std::string() : windows.back().failure;
        if (!failure.empty()) line += failure + ": ";
        line += held.empty() ? what : held;
        for (const Window& w : windows)  // the outermost that held back stderr kept the real one
            if (w.saved_stderr >= 0) {
                ::dup2(w.saved_stderr, STDERR_FILENO);
                break;
            }
    }
    for (char& c : line)
        if (c == '\n' || c == '\r') c = ' ';
    line += '\n';
    [[maybe_unused]] const ssize_t written = ::write(STDERR_FILENO, line.data(), line.size());
    ::_exit(exit_runtime);
}

void on_unexpected_exit(int status, void*) {
    if (decided.load()) return;
    end_with("a runtime library ended the process (exit " + std::to_string(status) + ") before the run was reported");
}

[[noreturn]] void on_terminate() {
    std::string what = "std::terminate was called";
    if (const std::exception_ptr thrown = std::current_exception()) {
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
