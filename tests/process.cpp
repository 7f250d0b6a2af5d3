#include "process.hpp"

#include "child_process.hpp"

#include <chrono>
#include <sstream>
#include <stdexcept>

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

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> result;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) result.push_back(line);
    return result;
}

}  // namespace sumsq::test
