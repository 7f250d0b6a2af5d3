#include "results_file.hpp"

#include "contract/errors.hpp"
#include "contract/reference.hpp"
#include "driver/cli.hpp"
#include "text/numbers.hpp"
#include "text/one_line.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <fcntl.h>
#include <set>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

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
    void whole(const nlohmann::json& object, const std::string& where, const char* key, u64 min, u64 max) const {
        const auto& value = member(object, where, key);
        if (!value.is_number_unsigned() || value.get<u64>() < min || value.get<u64>() > max)
            fail(where + "." + key, fmt::format("is not a whole number in {}..{}", grouped(min), grouped(max)));
    }
    void seconds(const nlohmann::json& value, const std::string& where) const {
        if (!value.is_number() || !(value.get<double>() >= 0 && value.get<double>() <= max_result_seconds))
            fail(where, fmt::format("is not a number of seconds in 0..{}", grouped(u64(max_result_seconds))));
    }
    void seed(const nlohmann::json& object, const std::string& where, const char* key) const {
        if (object.contains(key) && !json_u64(object[key]))
            fail(where + "." + key, "is not a seed: a string of decimal digits up to 18446744073709551615");
    }
};

// Parses `text`, refusing a key given twice in one object (nlohmann would keep the last silently).
nlohmann::json parse_strict(const std::string& text, const std::string& name) {
    std::vector<std::set<std::string>> open;  // the keys seen so far in each object being read
    std::string duplicate;
    const nlohmann::json::parser_callback_t callback = [&](int, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
        using Event = nlohmann::json::parse_event_t;
        if (event == Event::object_start) open.emplace_back();
        else if (event == Event::object_end && !open.empty()) open.pop_back();
        else if (event == Event::key && !open.empty() && !open.back().insert(parsed.get<std::string>()).second && duplicate.empty())
            duplicate = parsed.get<std::string>();
        return true;
    };
    nlohmann::json doc = nlohmann::json::parse(text, callback, false);
    if (doc.is_discarded()) throw UsageError(fmt::format("--diff: '{}' is not JSON", name));
    if (!duplicate.empty()) throw UsageError(fmt::format("--diff: '{}': the key \"{}\" appears twice in one object", name, duplicate));
    return doc;
}

const char* file_kind(mode_t mode) {
    if (S_ISDIR(mode)) return "a directory";
    if (S_ISFIFO(mode)) return "a FIFO";
    if (S_ISCHR(mode)) return "a character device";
    if (S_ISBLK(mode)) return "a block device";
    if (S_ISSOCK(mode)) return "a socket";
    return "not a regular file";
}

}  // namespace

std::optional<u64> json_u64(const nlohmann::json& value) {
    if (value.is_number_unsigned()) return value.get<u64>();
    if (!value.is_string()) return std::nullopt;
    const auto& text = value.get_ref<const std::string&>();
    if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
    const ParsedCount parsed = parse_count(text);
    if (parsed.status != ParseStatus::ok) return std::nullopt;
    return parsed.value;
}

nlohmann::json validate_results(const std::string& text, const std::string& name) {
    const Checker check{name};
    nlohmann::json doc = parse_strict(text, name);
    if (!doc.is_object() || !doc.contains("runs") || !doc["runs"].is_array())
        throw UsageError(fmt::format("--diff: '{}' is not a sumsq-compare results.json (no \"runs\" list)", name));
    if (doc.contains("sweep") && doc["sweep"].is_object())
        for (const char* key : {"seed", "job_seed"}) check.seed(doc["sweep"], "sweep", key);
    if (doc.contains("load") && doc["load"].is_object())
        for (const auto& [when, sample] : doc["load"].items()) {
            if (!sample.is_object() || !sample.contains("busy_cpu_fraction") || sample["busy_cpu_fraction"].is_null()) continue;
            const auto& busy = sample["busy_cpu_fraction"];
            if (!busy.is_number() || !(busy.get<double>() >= 0 && busy.get<double>() <= 1))
                check.fail("load." + when + ".busy_cpu_fraction", "is not a fraction in 0..1");
        }
    const auto& runs = doc["runs"];
    for (std::size_t k = 0; k < runs.size(); ++k) {
        const auto& run = runs[k];
        const std::string where = fmt::format("runs[{}]", k);
        if (!run.is_object()) check.fail(where, "is not an object");
        check.string(run, where, "backend");
        check.string(run, where, "workload");
        check.string(run, where, "status");
        check.whole(run, where, "threads", 1, max_threads);  // threads, or MPI ranks
        if (run["workload"] == "array") check.whole(run, where, "n", 0, max_array_n);
        else if (run["workload"] != "wait") check.whole(run, where, "n", 0, max_n);  // sum, jobs
        check.seed(run, where, "seed");
        // The jobs, array and schedule fields, when present (files from before them have none).
        if (run.contains("order")) check.string(run, where, "order");
        if (run["workload"] == "tree") check.whole(run, where, "cutoff", 1, max_n);
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
            if (run.contains("pairs")) check.whole(run, where, "pairs", 0, 1'000'000);
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
        row.variant = row.workload == "tree" ? std::to_string(run.value("cutoff", u64{0})) : run.value("order", "");
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
    // O_NONBLOCK: opening a FIFO without a writer returns at once (and fstat then refuses it).
    const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) throw UsageError(fmt::format("--diff: cannot read '{}': {}", path, std::strerror(errno)));
    struct Close {
        int fd;
        ~Close() { ::close(fd); }
    } close{fd};
    struct stat st{};
    if (::fstat(fd, &st) != 0) throw UsageError(fmt::format("--diff: cannot read '{}': {}", path, std::strerror(errno)));
    if (!S_ISREG(st.st_mode)) throw UsageError(fmt::format("--diff: '{}' is {}; give a results.json file", path, file_kind(st.st_mode)));
    const auto too_large = [&] {
        return UsageError(fmt::format("--diff: '{}' is larger than {} MiB; a results.json is a few MB", path, max_results_bytes >> 20));
    };
    if (u64(st.st_size) > max_results_bytes) throw too_large();
    std::string text;
    char buffer[1 << 16];
    while (true) {  // to the end, but never past the cap (the file may grow while read)
        const ssize_t got = ::read(fd, buffer, sizeof buffer);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) throw UsageError(fmt::format("--diff: cannot read '{}': {}", path, std::strerror(errno)));
        if (got == 0) break;
        text.append(buffer, std::size_t(got));
        if (text.size() > max_results_bytes) throw too_large();
    }
    return validate_results(text, path);
}

}  // namespace sumsq::compare
