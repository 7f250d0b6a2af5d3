// libFuzzer target: the --diff loader (a results.json) on arbitrary bytes. Nothing may crash or
// trip a sanitizer; a rejected file must surface as UsageError only; whatever the validator
// accepts must be safe to read as the diff reads it.
#include "contract/backend.hpp"
#include "contract/errors.hpp"
#include "compare/views/diff.hpp"
#include "compare/files/results_file.hpp"
#include "compare/analysis/analysis.hpp"

#include <cmath>
#include <cstdint>
#include <cstdlib>
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
        // What the diff keys rows by must be what the file says, not a truncation of it.
        if (run["threads"].get<std::uint64_t>() > sumsq::max_threads) std::abort();
        if (run["status"] != "OK") continue;
        // What the diff reads: the process medians when present, else the repetitions.
        const auto times = run.contains("process_medians") ? run["process_medians"].get<std::vector<double>>()
                                                           : run["wall_seconds"]["all"].get<std::vector<double>>();
        const auto verdict = sumsq::compare::judge(times, times);
        if (!times.empty() && !std::isfinite(sumsq::compare::median(times))) std::abort();  // printed as "inf s"
        (void)verdict;
    }
    return 0;
}
