// compare_helpers.hpp — what the sumsq-compare end-to-end tests share: where the binaries are, and
// the environment under which the test doubles can be named.
#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace sumsq::test {

inline const std::string bin = SUMSQ_BIN_DIR;
inline const std::string compare = bin + "/sumsq-compare";
// The test doubles (wrong, hang, absent) are run only from the tests' list of backends.
inline const std::vector<std::string> doubles_env = {"SUMSQ_BACKEND_LIST=" + bin + "/sumsq-test-backends.txt"};

// A whole file's bytes (an output file of the run: results.json, index.html, an SVG); "" when absent.
inline std::string file_text(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace sumsq::test
