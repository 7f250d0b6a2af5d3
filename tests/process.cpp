#include "process.hpp"

#include "compare/run/child_process.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <fcntl.h>
#include <fstream>
#include <iterator>
#include <spawn.h>
#include <sstream>
#include <stdexcept>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace sumsq::test {

// sumsq-compare's child runner, with a limit far above any test's needs (ctest's is 300 s).
ProcessResult run_process(const std::string& program, const std::vector<std::string>& args,
                          const std::vector<std::string>& extra_env) {
    std::vector<std::string> argv{program};
    argv.insert(argv.end(), args.begin(), args.end());
    const compare::ChildResult child = compare::run_child(argv, std::chrono::minutes(5), extra_env);
    if (child.end == compare::ChildResult::End::failed_to_start) throw std::runtime_error("cannot start " + program);
    return {child.exit_code, child.out, child.err};
}

namespace {

int spawn(const std::string& program, const std::vector<std::string>& args, const std::vector<std::string>& extra_env,
          posix_spawn_file_actions_t& actions) {
    std::vector<std::string> argv{program}, env(extra_env);
    argv.insert(argv.end(), args.begin(), args.end());
    for (char** e = environ; *e; ++e) env.emplace_back(*e);
    std::vector<char*> arg_ptrs, env_ptrs;
    for (auto& a : argv) arg_ptrs.push_back(a.data());
    for (auto& e : env) env_ptrs.push_back(e.data());
    arg_ptrs.push_back(nullptr);
    env_ptrs.push_back(nullptr);
    pid_t pid = 0;
    const int error = posix_spawn(&pid, program.c_str(), &actions, nullptr, arg_ptrs.data(), env_ptrs.data());
    posix_spawn_file_actions_destroy(&actions);
    if (error != 0) throw std::runtime_error("cannot start " + program);
    return pid;
}

}  // namespace

int wait_process(int pid) {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

ProcessResult run_with_stdout(const std::string& program, const std::vector<std::string>& args,
                              const std::string& stdout_path) {
    char err_path[] = "/tmp/sumsq-stderr-XXXXXX";
    const int err_fd = ::mkstemp(err_path);
    if (err_fd < 0) throw std::runtime_error("cannot create a temporary file");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    if (stdout_path.empty()) posix_spawn_file_actions_addclose(&actions, 1);
    else posix_spawn_file_actions_addopen(&actions, 1, stdout_path.c_str(), O_WRONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, err_fd, 2);
    ProcessResult result;
    result.exit_code = wait_process(spawn(program, args, {}, actions));
    ::close(err_fd);
    std::ifstream in(err_path);
    result.err.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    ::unlink(err_path);
    return result;
}

int start_process(const std::string& program, const std::vector<std::string>& args, const std::vector<std::string>& extra_env) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    return spawn(program, args, extra_env, actions);
}

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> result;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) result.push_back(line);
    return result;
}

std::vector<std::string> with(std::vector<std::string> a, const std::vector<std::string>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

Scratch::Scratch(const std::string& name)
    : dir(std::filesystem::temp_directory_path() / ("sumsq-" + name + "-" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
}

Scratch::~Scratch() {
    std::error_code ignored;  // a destructor must not throw
    std::filesystem::remove_all(dir, ignored);
}

std::vector<std::string> Scratch::entries() const {
    std::vector<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(dir)) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

}  // namespace sumsq::test
