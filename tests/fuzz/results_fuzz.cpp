// libFuzzer target: the --diff loader (a results.json) on arbitrary bytes. Nothing may crash or
// trip a sanitizer; a rejected file must surface as UsageError only; whatever the validator
// accepts must be safe to read as the diff reads it.
#include "contract/errors.hpp"
#include "compare/views/diff.hpp"
#include "compare/files/results_file.hpp"

#include <cstdint>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string input(reinterpret_cast<const char*>(data), size);
    nlohmann::json doc;
    try {
        doc = sumsq::compare::validate_results(input, "fuzz.json");
    } catch (const sumsq::UsageError&) {
        return 0;
    }
    for (const auto& run : doc["runs"]) {
        if (run["status"] != "OK") continue;
        // What the diff reads: the process medians when present, else the repetitions.
        const auto times = run.contains("process_medians") ? run["process_medians"].get<std::vector<double>>()
                                                           : run["wall_seconds"]["all"].get<std::vector<double>>();
        (void)sumsq::compare::judge(times, times);
    }
    return 0;
}
