// views.hpp — what is drawn from a recorded run (recorder.hpp): task names, the Chrome trace
// (--trace, also the span export sumsq-compare reads back), and the SVG timeline (--timeline and
// lesson.svg: one drawer, two callers).
#pragma once

#include "recorder.hpp"
#include "thread_accounts.hpp"

#include <nlohmann/json_fwd.hpp>

#include <string>
#include <vector>

namespace sumsq::record {

// A run's measured figures, shown beside its picture.
struct Figures {
    double wall_seconds = 0;
    double concurrency = 0;   // Σ task spans / wall
    double parallelism = 0;   // CPU time / wall (switch records: Σ of the threads' time on a CPU / wall)
    std::vector<int> cpus_allowed;
    double useful_parallelism = -1;  // CPU time inside tasks / wall; -1 unknown
    std::string os_source{};         // "switch_records", "thread_clocks", or empty (not recorded)
    std::string fallback_reason{};   // thread_clocks: why
    std::uint64_t lost_records = 0;
};
// The figures of a recorded run and its accounts.
Figures figures_of(const Accounts& accounts, double concurrency, const std::vector<int>& cpus_allowed);

std::string task_name(std::uint32_t task);  // "A", …, "Z", "AA", … (spreadsheet columns)
std::string stretch_label(const Stretch& s);  // "Task A: step 1", "Task A: done", "Task B [0, 500)"
std::string cpu_list(const std::vector<int>& cpus);  // "0-3,6"

// Chrome Trace Event document: one row per OS thread, one event per stretch, each naming its task;
// with switch records also each thread's states (running on CPU n, waiting for a CPU, blocked) and
// each CPU's slices, as tracks of a second process.
nlohmann::json trace_document(const Run& run, const Figures& figures, const std::string& backend, const std::vector<StateSpan>& states = {});

// One timeline: a title and a run's stretches, thread states (empty without switch records) and figures.
struct Panel {
    std::string title;
    std::vector<Stretch> stretches;
    Figures figures;
    std::vector<StateSpan> states{};
};
// Reads a trace_document back (throws std::runtime_error when it is not one).
Panel panel_from_trace(const nlohmann::json& trace, std::string title);

// SVG: the panels stacked on one time scale; each row an OS thread labelled with its CPUs, one box
// per stretch coloured by task — with thread states, only where the thread held a CPU, with thin
// marks where it waited for a CPU or was blocked, a caption of each thread's shares and a strip
// of the CPUs busy over time — a legend, a time axis in ms.
std::string timeline_svg(const std::string& heading, const std::vector<Panel>& panels);

}  // namespace sumsq::record
