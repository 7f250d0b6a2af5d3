#include "simd.hpp"

#include "child_process.hpp"
#include "compare/options/options.hpp"
#include "sweep.hpp"
#include "interference.hpp"
#include "text/numbers.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <optional>

namespace sumsq::compare {
namespace {

// One process of the phase: which binary, which path, how many threads.
struct Item {
    const BackendBinary* binary;
    std::string kernel;  // "" for the run across cores: auto, the fastest path
    unsigned threads;
};

std::vector<std::string> command(const CompareOptions& o, const Item& item) {
    std::vector<std::string> args{item.binary->path, "--format", "json", "-n", std::to_string(o.simd_n), "--reps", std::to_string(o.reps),
                                  "--warmup", std::to_string(o.warmup), "--no-concurrency"};
    if (!item.kernel.empty()) args.insert(args.end(), {"--kernel", item.kernel});
    if (!item.binary->one_thread) args.insert(args.end(), {"--threads", std::to_string(item.threads)});
    if (!item.binary->cpus.empty()) args.insert(args.end(), {"--cpus", item.binary->cpus});
    return args;
}

std::string label(const Item& item) {
    return item.kernel.empty() ? fmt::format("{} {} threads", item.binary->name, item.threads)
                               : fmt::format("{} --kernel {}", item.binary->name, item.kernel);
}

// Runs one process; nullopt (and a failure recorded) when it did not give an exact, timed result.
std::optional<SimdProcess> run_item(const CompareOptions& o, const Item& item, unsigned round, SimdRecord& record) {
    const CounterReading before = read_counters();
    const ChildResult child = run_child(command(o, item), std::chrono::seconds(o.timeout_s));
    const CounterReading after = read_counters();
    if (child.end == ChildResult::End::interrupted) return std::nullopt;
    const nlohmann::json data = nlohmann::json::parse(child.out, nullptr, false);
    const bool exact = child.end == ChildResult::End::exited && child.exit_code == 0 && data.is_object() && data.value("ok", false);
    const bool timed = data.is_object() && data.contains("wall_seconds") && data["wall_seconds"].is_object() &&
                       data["wall_seconds"].value("median", 0.0) > 0;  // a ratio needs a time: none, or 0, is a failure
    if (!exact || !timed) {
        record.failures.push_back(fmt::format("{}: {}", label(item), describe_end(child, item.binary->path)));
        return std::nullopt;
    }
    SimdProcess p;
    p.backend = item.binary->name, p.threads = item.threads, p.round = round;
    p.kernel = item.kernel;
    if (p.kernel.empty() && data.contains("environment") && data["environment"].is_object())
        p.kernel = data["environment"].value("range_kernel", "");
    p.seconds = data["wall_seconds"].value("median", 0.0);
    std::vector<unsigned> allowed;
    if (data.contains("cpus_allowed") && data["cpus_allowed"].is_array())
        for (const auto& cpu : data["cpus_allowed"])
            if (cpu.is_number_unsigned()) allowed.push_back(cpu.get<unsigned>());
    p.disturbed = classify(interference_between(before, after, allowed), o.disturbance_threshold).disturbed;
    return p;
}

const BackendBinary* plain(const std::vector<BackendBinary>& backends, const std::string& name) {
    const auto b = std::find_if(backends.begin(), backends.end(),
                                [&](const BackendBinary& x) { return x.name == name && x.base.empty() && !x.cpu_row && x.skip.empty(); });
    return b == backends.end() ? nullptr : &*b;
}

}  // namespace

SimdRecord measure_simd(const CompareOptions& o, const std::vector<BackendBinary>& backends) {
    SimdRecord record;
    if (o.simd_n == 0) return record;
    const BackendBinary* serial = plain(backends, "serial");
    if (!serial || serial->kernel_paths.empty()) {
        record.note = "--simd: not measured: it needs the serial backend (and its range-kernel paths) in the run";
        return record;
    }
    record.n = o.simd_n;
    record.kernels.assign(serial->kernel_paths.rbegin(), serial->kernel_paths.rend());  // --describe lists the fastest first
    std::vector<Item> items;
    for (const auto& kernel : record.kernels) items.push_back({serial, kernel, 1});
    // Across cores: OpenMP's team (started once, spinning between calls) where it is in the run, else
    // threads. Threads started per call were at the OS's mercy on the Sapphire Rapids VM: 1.21x-1.96x
    // over one core in six make runs, OpenMP 1.98-2.00x at the same N (docs/benchmarks.md).
    const BackendBinary* across = plain(backends, "openmp");
    if (!across) across = plain(backends, "threads");
    if (across) items.push_back({across, "", 2});
    const auto start = std::chrono::steady_clock::now();
    for (unsigned round = 0; round < o.rounds && !interrupted(); ++round) {
        std::vector<Item> order = items;  // rotated by the round, backwards every other round
        std::rotate(order.begin(), order.begin() + round % order.size(), order.end());
        if (round % 2 == 1) std::reverse(order.begin(), order.end());
        for (const Item& item : order) {
            if (interrupted()) break;
            if (std::chrono::steady_clock::now() - start > std::chrono::seconds(2))
                fmt::print(stderr, "sumsq-compare: simd round {} {} N={}\n", round + 1, label(item), grouped(o.simd_n));
            if (auto p = run_item(o, item, round, record)) record.processes.push_back(std::move(*p));
        }
    }
    return record;
}

}  // namespace sumsq::compare
