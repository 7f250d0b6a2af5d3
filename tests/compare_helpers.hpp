// compare_helpers.hpp — what the sumsq-compare end-to-end tests share: where the binaries are, and
// the environment under which the test doubles can be named.
#pragma once

#include <string>
#include <vector>

namespace sumsq::test {

inline const std::string bin = SUMSQ_BIN_DIR;
inline const std::string compare = bin + "/sumsq-compare";
// The test doubles (wrong, hang, absent) are run only from the tests' list of backends.
inline const std::vector<std::string> doubles_env = {"SUMSQ_BACKEND_LIST=" + bin + "/sumsq-test-backends.txt"};

}  // namespace sumsq::test
