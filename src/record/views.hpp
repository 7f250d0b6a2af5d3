// views.hpp — what is drawn from a recorded run (recorder.hpp): task names, the Chrome trace
// (--trace, also the span export sumsq-compare reads back), and the SVG timeline (--timeline and
// lesson.svg: one drawer, two callers).
#pragma once

#include "recorder.hpp"

#include <nlohmann/json_fwd.hpp>

#include <string>
#include <vector>

namespace sumsq::record {

// A run's measured figures, shown beside its picture.
struct Figures {
    double wall_seconds = 0;
    double concurrency = 0;   // Σ task spans / wall
    double parallelism = 0;   // CPU time / wall
    std::vector<int> cpus_allowed;
};

std::string task_name(std::uint32_t task);  // "A", …, "Z", "AA", … (spreadsheet columns)
std::string stretch_label(const Stretch& s);  // "Task A: step 1", "Task A: done", "Task B [0, 500)"
std::string cpu_list(const std::vector<int>& cpus);  // "0-3,6"

// Chrome Trace Event document: one row per OS thread, one event per stretch, each naming its task.
nlohmann::json trace_document(const Run& run, const Figures& figures, const std::string& backend);

// One timeline: a title and a run's stretches and figures.
struct Panel {
    std::string title;
    std::vector<Stretch> stretches;
    Figures figures;
};
// Reads a trace_document back (throws std::runtime_error when it is not one).
Panel panel_from_trace(const nlohmann::json& trace, std::string title);

// SVG: the panels stacked on one time scale; each row an OS thread labelled with its CPUs, one box
// per stretch coloured by task, a legend, a time axis in ms.
std::string timeline_svg(const std::string& heading, const std::vector<Panel>& panels);

}  // namespace sumsq::record
