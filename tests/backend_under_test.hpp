// backend_under_test.hpp — which backend a sumsq-test-<name> suite tests. kernel_test.cpp and
// cli_test.cpp are compiled once for every backend (tests/CMakeLists.txt); each suite's binary links
// a generated file that defines these two for its backend.
#pragma once

namespace sumsq::test {

extern const char* const backend_name;    // "tbb": its identifier in JSON, CSV and messages
extern const char* const backend_binary;  // the built program, e.g. build/bin/sumsq-tbb

}  // namespace sumsq::test
