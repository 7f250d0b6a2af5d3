// summary.hpp — the answers first: one sentence per question the sweep can answer, each with its
// number, its interval and the place in index.html that shows the evidence. The sentences are
// composed here, once, from the Analysis (no statistic is computed here); the terminal report and
// index.html both print them.
#pragma once

#include "compare/analysis/analysis.hpp"

#include <string>
#include <vector>

namespace sumsq::compare {

struct SummaryLine {
    std::string question;  // "Do waits overlap without cores?"
    std::string answer;    // the sentence, with its numbers and intervals
    std::string evidence;  // the index.html anchor showing it: a table ("table-wait") or a figure ("lesson")
};

struct Summary {
    std::vector<SummaryLine> lines;
    std::string noise;  // the noise floor and how busy the machine was, one sentence; "" when nothing measured it
};

// The summary in results.json ("summary"): {"lines": [{question, answer, evidence}], "noise": "...",
// "main_threads": {workload: threads}}; index.html prints it from there.
nlohmann::json summary_json(const Summary& summary, const CompareOptions& options);

Summary summarise(const CompareOptions& options, const std::vector<BackendBinary>& backends, const std::vector<Run>& runs,
                  const Analysis& analysis);

// The headline thread count of a workload: the largest swept count that does not oversubscribe
// the CPUs (the smallest swept when every count does). Never an oversubscribed row as headline.
unsigned main_threads(const CompareOptions& options, const std::string& workload);

// The anchor of a sweep point's table in index.html ("table-sum-1e9", "table-jobs-descending-3e7").
std::string table_anchor(const std::string& workload, const std::string& order, u64 n);
inline std::string table_anchor(const Point& p) { return table_anchor(p.workload, p.variant, p.n); }

// How busy the machine was, read without contradiction: what the busy fraction and the load average each measure.
std::string load_text(const LoadSample& before, const LoadSample& after);
// How disturbed the sweep was: other work beside each process, steal, the disturbed-process counts
// (the load average's sentence when no process recorded its figures).
std::string machine_text(const Analysis& analysis);

}  // namespace sumsq::compare
