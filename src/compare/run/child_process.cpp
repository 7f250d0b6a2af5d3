#include "child_process.hpp"

#include <fmt/format.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <stdexcept>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace sumsq::compare {
namespace {

std::atomic<int> interrupt_signal{0};
int interrupt_pipe[2] = {-1, -1};  // self-pipe: the handler wakes poll()

void on_signal(int signal) {
    int none = 0;
    interrupt_signal.compare_exchange_strong(none, signal);
    const char byte = 1;
    [[maybe_unused]] const auto ignored = ::write(interrupt_pipe[1], &byte, 1);
}

void kill_group(pid_t pid) {
    ::kill(-pid, SIGTERM);
    for (int k = 0; k < 50; ++k) {  // up to 0.5 s to exit cleanly
        if (::waitpid(pid, nullptr, WNOHANG) == pid) return;
        ::usleep(10'000);
    }
    ::kill(-pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
}

}  // namespace

void install_signal_handlers() {
    if (::pipe2(interrupt_pipe, O_CLOEXEC | O_NONBLOCK) != 0)
        throw std::runtime_error(fmt::format("cannot set up the interrupt handling: {}", std::strerror(errno)));
    struct sigaction action{};
    action.sa_handler = on_signal;
    sigemptyset(&action.sa_mask);
    ::sigaction(SIGINT, &action, nullptr);
    ::sigaction(SIGTERM, &action, nullptr);
    ::sigaction(SIGHUP, &action, nullptr);
    struct sigaction ignore{};
    ignore.sa_handler = SIG_IGN;
    sigemptyset(&ignore.sa_mask);
    ::sigaction(SIGPIPE, &ignore, nullptr);  // a lost stdout: write() fails with EPIPE, check_stdout says so
    ::sigaction(SIGXFSZ, &ignore, nullptr);  // past ulimit -f: write() fails with EFBIG, the writer says so
}

bool interrupted() { return interrupt_signal.load() != 0; }
int interrupt_exit_code() { return 128 + interrupt_signal.load(); }

std::string describe_end(const ChildResult& result, const std::string& program) {
    switch (result.end) {
    case ChildResult::End::failed_to_start:
        return fmt::format("could not start {}: {}", program, std::strerror(result.start_error ? result.start_error : EAGAIN));
    case ChildResult::End::timed_out: return "killed after the timeout";
    case ChildResult::End::interrupted: return "interrupted";
    case ChildResult::End::exited: break;
    }
    if (result.signal != 0) {
        const char* name = ::sigabbrev_np(result.signal);
        return name ? fmt::format("killed by SIG{}", name) : fmt::format("killed by signal {}", result.signal);
    }
    // The first line that says something (Open MPI frames its messages with lines of dashes).
    std::string said;
    for (std::size_t start = 0; start < result.err.size() && said.empty();) {
        const std::size_t end = std::min(result.err.find('\n', start), result.err.size());
        const std::string line = result.err.substr(start, end - start);
        if (line.find_first_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") != std::string::npos) said = line;
        start = end + 1;
    }
    return said.empty() ? fmt::format("exit code {}", result.exit_code) : fmt::format("exit code {}: {}", result.exit_code, said);
}

bool out_of_resources(const ChildResult& result) {
    const int e = result.start_error;
    return result.end == ChildResult::End::failed_to_start && (e == EMFILE || e == ENFILE || e == EAGAIN || e == ENOMEM);
}

bool on_path(const std::string& program) {
    if (program.find('/') != std::string::npos) return ::access(program.c_str(), X_OK) == 0;
    const char* path = std::getenv("PATH");
    std::string dirs = path ? path : "/usr/bin:/bin";
    for (std::size_t start = 0; start <= dirs.size();) {
        const std::size_t end = std::min(dirs.find(':', start), dirs.size());
        const std::string candidate = dirs.substr(start, end - start) + "/" + program;
        struct stat info{};
        if (::stat(candidate.c_str(), &info) == 0 && S_ISREG(info.st_mode) && ::access(candidate.c_str(), X_OK) == 0)
            return true;
        start = end + 1;
    }
    return false;
}

namespace {

// The child's half of the fork: its own process group (a timeout kills its children too), death
// with sumsq-compare, default signal dispositions, /dev/null as stdin and the pipes as stdout and
// stderr, then exec; a failure's errno goes to `report`. Only async-signal-safe calls.
[[noreturn]] void exec_child(char* const* argv, char* const* envp, pid_t parent, int out_fd, int err_fd, int report) {
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);  // the parent died before prctl
    struct sigaction defaults{};
    defaults.sa_handler = SIG_DFL;
    for (int signal : {SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGXFSZ}) ::sigaction(signal, &defaults, nullptr);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    const int null = ::open("/dev/null", O_RDONLY);
    if (null >= 0 && ::dup2(null, 0) >= 0 && ::dup2(out_fd, 1) >= 0 && ::dup2(err_fd, 2) >= 0) ::execvpe(argv[0], argv, envp);
    const int error = errno;
    [[maybe_unused]] const auto ignored = ::write(report, &error, sizeof error);
    ::_exit(127);
}

// Forks and execs argv with envp, stdout and stderr into the pipes (their write ends closed here).
// fork + exec rather than posix_spawn: only the child can ask to die with its parent. Returns the
// pid, or -1 with `result` saying why it did not start (the read ends closed too).
pid_t spawn(std::vector<char*>& argv, std::vector<char*>& envp, const int (&out_pipe)[2], const int (&err_pipe)[2], ChildResult& result) {
    int report[2];  // the exec's errno, if it fails; closed by a successful exec
    if (::pipe2(report, O_CLOEXEC) != 0) {
        result.start_error = errno;
        ::close(out_pipe[0]), ::close(out_pipe[1]), ::close(err_pipe[0]), ::close(err_pipe[1]);
        result.end = ChildResult::End::failed_to_start;
        return -1;
    }
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid == 0) exec_child(argv.data(), envp.data(), parent, out_pipe[1], err_pipe[1], report[1]);
    const int fork_error = errno;
    if (pid > 0) ::setpgid(pid, pid);  // also here: a kill of the group must not race the child's setpgid
    ::close(report[1]);
    ::close(out_pipe[1]);
    ::close(err_pipe[1]);
    int exec_error = 0;
    if (pid > 0) {
        ssize_t n;
        while ((n = ::read(report[0], &exec_error, sizeof exec_error)) < 0 && errno == EINTR) {}
        if (n != static_cast<ssize_t>(sizeof exec_error)) exec_error = 0;
        else ::waitpid(pid, nullptr, 0);
    }
    ::close(report[0]);
    if (pid > 0 && exec_error == 0) return pid;
    ::close(out_pipe[0]), ::close(err_pipe[0]);
    result.end = ChildResult::End::failed_to_start;
    result.start_error = pid < 0 ? fork_error : exec_error;
    return -1;
}

// Reads the child's stdout and stderr until both close, the deadline passes (its group killed:
// timed_out) or sumsq-compare is interrupted (its group killed: interrupted); closes both.
void drain(pid_t pid, int out_fd, int err_fd, std::chrono::milliseconds timeout, ChildResult& result) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    pollfd fds[3] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}, {interrupt_pipe[0], POLLIN, 0}};
    std::string* sinks[2] = {&result.out, &result.err};
    int open_streams = 2;
    while (open_streams > 0) {
        if (interrupted()) {
            kill_group(pid);
            result.end = ChildResult::End::interrupted;
            break;
        }
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            kill_group(pid);
            result.end = ChildResult::End::timed_out;
            break;
        }
        const int ready = ::poll(fds, interrupt_pipe[0] >= 0 ? 3 : 2, static_cast<int>(std::min<long>(left.count(), 1000)));
        if (ready < 0 && errno != EINTR) break;
        for (int k = 0; k < 2; ++k) {
            if (fds[k].fd < 0 || !(fds[k].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            char buffer[65536];
            const ssize_t n = ::read(fds[k].fd, buffer, sizeof buffer);
            if (n > 0) {
                sinks[k]->append(buffer, static_cast<std::size_t>(n));
            } else if (n == 0 || errno != EINTR) {
                ::close(fds[k].fd);
                fds[k].fd = -1;
                --open_streams;
            }
        }
    }
    for (int k = 0; k < 2; ++k)
        if (fds[k].fd >= 0) ::close(fds[k].fd);
}

}  // namespace

ChildResult run_child(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                      const std::vector<std::string>& extra_env) {
    ChildResult result;
    result.end = ChildResult::End::failed_to_start;
    int out_pipe[2], err_pipe[2];
    if (::pipe2(out_pipe, O_CLOEXEC) != 0) {  // e.g. EMFILE under ulimit -n: reported as the reason
        result.start_error = errno;
        return result;
    }
    if (::pipe2(err_pipe, O_CLOEXEC) != 0) {
        result.start_error = errno;
        ::close(out_pipe[0]), ::close(out_pipe[1]);
        return result;
    }
    result.end = ChildResult::End::exited;
    std::vector<std::string> args(argv), env(extra_env);
    for (char** e = environ; *e; ++e) env.emplace_back(*e);
    std::vector<char*> arg_ptrs, env_ptrs;
    for (auto& a : args) arg_ptrs.push_back(a.data());
    for (auto& e : env) env_ptrs.push_back(e.data());
    arg_ptrs.push_back(nullptr);
    env_ptrs.push_back(nullptr);
    const pid_t pid = spawn(arg_ptrs, env_ptrs, out_pipe, err_pipe, result);
    if (pid < 0) return result;
    drain(pid, out_pipe[0], err_pipe[0], timeout, result);
    if (result.end == ChildResult::End::exited) {
        int status = 0;
        while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
        result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
    }
    return result;
}

}  // namespace sumsq::compare
