#include "bandwidth.hpp"

#include "child_process.hpp"

#include <fmt/format.h>

#include <chrono>
#include <unistd.h>

namespace sumsq::compare {
namespace {

// The tool's buffer: large enough to defeat every cache, small enough to leave the array's memory free.
constexpr const char* bandwidth_args[] = {"--format", "json", "--bytes", "1073741824"};

double best(const nlohmann::json& doc, const char* side) {
    const auto it = doc.find(side);
    if (it == doc.end() || !it->is_object() || !it->contains("best") || !(*it)["best"].is_number()) return 0;
    return (*it)["best"].get<double>();
}

}  // namespace

ReadBandwidth measure_read_bandwidth(const std::string& bin_dir, unsigned timeout_s) {
    ReadBandwidth bw;
    const std::string tool = bin_dir + "/sumsq-bandwidth";
    if (::access(tool.c_str(), X_OK) != 0) {
        bw.note = "read bandwidth not measured: sumsq-bandwidth is not built; array rows show bytes/s without a ceiling";
        return bw;
    }
    std::vector<std::string> argv{tool};
    argv.insert(argv.end(), std::begin(bandwidth_args), std::end(bandwidth_args));
    const ChildResult child = run_child(argv, std::chrono::seconds(timeout_s));
    nlohmann::json doc = nlohmann::json::parse(child.out, nullptr, false);
    if (child.end != ChildResult::End::exited || child.exit_code != 0 || !doc.is_object()) {
        bw.note = "read bandwidth not measured: " + describe_end(child, tool);
        return bw;
    }
    bw.one_thread = best(doc, "one_thread");
    bw.all_threads = best(doc, "all_threads");
    bw.threads = doc.value("threads", 0u);
    bw.bytes = doc.value("bytes", u64{0});
    bw.cpu_model = doc.value("cpu_model", "");
    bw.measured = bw.one_thread > 0 && bw.all_threads > 0;
    if (!bw.measured) bw.note = "read bandwidth not measured: sumsq-bandwidth reported no one_thread.best / all_threads.best";
    return bw;
}

nlohmann::json to_json(const ReadBandwidth& bw) {
    if (!bw.measured) return nullptr;
    return {{"one_thread", bw.one_thread}, {"all_threads", bw.all_threads}, {"threads", bw.threads}, {"bytes", bw.bytes},
            {"statistic", "best of sumsq-bandwidth's repetitions"}, {"cpu_model", bw.cpu_model}};
}

}  // namespace sumsq::compare
