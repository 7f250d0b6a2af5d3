// libFuzzer target: the number grammar and the whole command line, on arbitrary bytes.
// Nothing may crash or trip a sanitizer; bad input must surface as UsageError only; every
// accepted count must mean what its digits say.
#include "driver/cli.hpp"
#include "text/numbers.hpp"

#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

const sumsq::BackendInfo fuzz_info{.name = "fuzz", .model = "fuzz target", .splits_into_tasks = true};

// A plain decimal reading of `text` if it is digits only (the oracle for the grammar's core).
bool digits_only(const std::string& text) {
    if (text.empty()) return false;
    for (char c : text)
        if (c < '0' || c > '9') return false;
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string input(reinterpret_cast<const char*>(data), size);

    // 1. The grammar alone.
    const sumsq::ParsedCount parsed = sumsq::parse_count(input);
    if (digits_only(input) && input.size() < 20) {
        if (parsed.status != sumsq::ParseStatus::ok || parsed.value != std::strtoull(input.c_str(), nullptr, 10)) std::abort();
    }
    if (parsed.status == sumsq::ParseStatus::ok) {
        // Round trip: the decimal text of the value parses back to it.
        const auto again = sumsq::parse_count(std::to_string(parsed.value));
        if (again.status != sumsq::ParseStatus::ok || again.value != parsed.value) std::abort();
    }

    // 2. The whole command line: arguments separated by newlines.
    std::vector<std::string> args{"sumsq-fuzz"};
    std::size_t start = 0;
    while (start <= input.size() && args.size() < 32) {
        const std::size_t end = std::min(input.find('\n', start), input.size());
        args.push_back(input.substr(start, end - start));
        start = end + 1;
    }
    for (const auto& a : args)
        if (a == "--help" || a == "-h" || a == "--version") return 0;  // they print and return; not interesting
    std::vector<const char*> argv;
    for (const auto& a : args) argv.push_back(a.c_str());
    try {
        const auto options = sumsq::parse_command_line(static_cast<int>(argv.size()), argv.data(), fuzz_info);
        if (options && (options->backend.threads < 1 || options->backend.threads > sumsq::max_threads || options->reps < 1))
            std::abort();  // accepted values must be in range
    } catch (const sumsq::UsageError&) {
    }
    return 0;
}
