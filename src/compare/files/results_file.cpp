#include "results_file.hpp"

#include "contract/errors.hpp"

#include <fmt/format.h>

#include <cmath>
#include <fstream>
#include <iterator>

namespace sumsq::compare {
namespace {

struct Checker {
    const std::string& name;

    [[noreturn]] void fail(const std::string& field, const std::string& problem) const {
        throw UsageError(fmt::format("--diff: '{}': {}: {}", name, field, problem));
    }
    const nlohmann::json& member(const nlohmann::json& object, const std::string& where, const char* key) const {
        const auto found = object.find(key);
        if (found == object.end()) fail(where + "." + key, "is missing");
        return *found;
    }
    void string(const nlohmann::json& object, const std::string& where, const char* key) const {
        if (!member(object, where, key).is_string()) fail(where + "." + key, "is not a string");
    }
    void whole(const nlohmann::json& object, const std::string& where, const char* key, bool positive) const {
        const auto& value = member(object, where, key);
        if (!value.is_number_unsigned() || (positive && value.get<std::uint64_t>() == 0))
            fail(where + "." + key, positive ? "is not a positive whole number" : "is not a whole number");
    }
    void seconds(const nlohmann::json& value, const std::string& where) const {
        if (!value.is_number() || !std::isfinite(value.get<double>()) || value.get<double>() < 0)
            fail(where, "is not a finite, non-negative number of seconds");
    }
};

}  // namespace

nlohmann::json validate_results(const std::string& text, const std::string& name) {
    const Checker check{name};
    nlohmann::json doc = nlohmann::json::parse(text, nullptr, false);
    if (doc.is_discarded()) throw UsageError(fmt::format("--diff: '{}' is not JSON", name));
    if (!doc.is_object() || !doc.contains("runs") || !doc["runs"].is_array())
        throw UsageError(fmt::format("--diff: '{}' is not a sumsq-compare results.json (no \"runs\" list)", name));
    const auto& runs = doc["runs"];
    for (std::size_t k = 0; k < runs.size(); ++k) {
        const auto& run = runs[k];
        const std::string where = fmt::format("runs[{}]", k);
        if (!run.is_object()) check.fail(where, "is not an object");
        check.string(run, where, "backend");
        check.string(run, where, "workload");
        check.string(run, where, "status");
        check.whole(run, where, "threads", true);
        if (run["workload"] != "wait") check.whole(run, where, "n", false);  // sum, jobs, array
        // The jobs, array and schedule fields, when present (files from before them have none).
        if (run.contains("order")) check.string(run, where, "order");
        if (run.contains("schedule")) {
            const auto& schedule = run["schedule"];
            if (!schedule.is_object() && !schedule.is_null()) check.fail(where + ".schedule", "is not an object");
            if (schedule.is_object() && schedule.contains("name")) check.string(schedule, where + ".schedule", "name");
        }
        for (const char* key : {"imbalance", "bytes_per_second", "ceiling_fraction"})
            if (run.contains(key) && !run[key].is_null() && !(run[key].is_number() && std::isfinite(run[key].get<double>())))
                check.fail(where + "." + key, "is not a finite number");
        if (run.contains("speedup") || run.contains("speedup_interval")) {  // the paired estimate --diff compares
            const auto& mid = check.member(run, where, "speedup");
            const auto& interval = check.member(run, where, "speedup_interval");
            auto positive = [](const nlohmann::json& x) { return x.is_number() && std::isfinite(x.get<double>()) && x.get<double>() > 0; };
            if (!positive(mid)) check.fail(where + ".speedup", "is not a finite, positive number");
            if (!interval.is_array() || interval.size() != 2 || !positive(interval[0]) || !positive(interval[1]) ||
                interval[0].get<double>() > interval[1].get<double>())
                check.fail(where + ".speedup_interval", "is not [lo, hi], two finite positive numbers, lo <= hi");
            if (run.contains("pairs")) check.whole(run, where, "pairs", false);
        }
        if (run["status"] != "OK") continue;
        if (run.contains("process_medians")) {  // what --diff reads: one median per process
            const auto& medians = run["process_medians"];
            if (!medians.is_array()) check.fail(where + ".process_medians", "is not a list");
            for (std::size_t i = 0; i < medians.size(); ++i) check.seconds(medians[i], fmt::format("{}.process_medians[{}]", where, i));
            if (!run.contains("wall_seconds")) continue;  // per-repetition data is optional beside them
        }
        const auto& wall = check.member(run, where, "wall_seconds");
        if (!wall.is_object()) check.fail(where + ".wall_seconds", "is not an object");
        const auto& all = check.member(wall, where + ".wall_seconds", "all");
        if (!all.is_array()) check.fail(where + ".wall_seconds.all", "is not a list");
        if (all.empty()) check.fail(where + ".wall_seconds.all", "is empty");
        for (std::size_t i = 0; i < all.size(); ++i) check.seconds(all[i], fmt::format("{}.wall_seconds.all[{}]", where, i));
        for (const char* stat : {"median", "min", "max"})
            if (wall.contains(stat)) check.seconds(wall[stat], fmt::format("{}.wall_seconds.{}", where, stat));
    }
    return doc;
}

std::vector<ResultRow> result_rows(const nlohmann::json& doc) {
    std::vector<ResultRow> rows;
    for (const auto& run : doc["runs"]) {
        ResultRow row;
        row.backend = run["backend"].get<std::string>();
        row.workload = run["workload"].get<std::string>();
        row.variant = run.value("order", "");
        row.n = run.value("n", u64{0});
        row.threads = run["threads"].get<unsigned>();
        row.status = run["status"].get<std::string>();
        if (run.contains("process_medians") && run["process_medians"].is_array()) row.process_medians = run["process_medians"].get<std::vector<double>>();
        ConfigStats& s = row.stats;
        s.workers = row.threads;
        s.median = median(row.process_medians);
        if (run.contains("speedup")) {
            const auto& interval = run["speedup_interval"];
            s.speedup = Interval{interval[0].get<double>(), run["speedup"].get<double>(), interval[1].get<double>()};
            s.indistinguishable = s.speedup->contains(1.0);
            s.pairs = run.value("pairs", std::size_t{0});
            s.enough_pairs = run.value("enough_pairs", s.pairs >= 6);
            s.confidence = run.value("confidence", 0.0);
        }
        rows.push_back(std::move(row));
    }
    return rows;
}

nlohmann::json load_results_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw UsageError(fmt::format("--diff: cannot read '{}'", path));
    const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    if (in.bad()) throw UsageError(fmt::format("--diff: cannot read '{}'", path));
    return validate_results(text, path);
}

}  // namespace sumsq::compare
