#include "files.hpp"
#include "compare/views/html_report.hpp"
#include "compare/analysis/summary.hpp"
#include "compare/views/lesson.hpp"

#include "compare/analysis/analysis.hpp"
#include "compare/run/child_process.hpp"
#include "driver/cli.hpp"
#include "compare/views/html_report.hpp"
#include "text/numbers.hpp"
#include "compare/views/report.hpp"
#include "compare/views/views.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cmath>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/stat.h>

namespace sumsq::compare {
namespace fs = std::filesystem;

namespace {

// The plots, drawn by gnuplot in the staging directory; returns a note (drawn, or skipped and why).
std::string draw_plots(OutputDir& out, const CompareOptions& o, const std::vector<BackendBinary>& backends, const std::vector<Run>& runs,
                       const Analysis& analysis) {
    const char* override_program = std::getenv("SUMSQ_GNUPLOT");
    const std::string gnuplot = override_program ? override_program : "gnuplot";
    if (!on_path(gnuplot)) return "plots skipped: gnuplot not found (Debian package gnuplot-nox; make deps installs it)";
    out.write("plots.gp", plot_script(o, backends, runs, analysis));
    const std::string staging = out.staged("");
    const ChildResult drawn = run_child({"/bin/sh", "-c", "cd \"$0\" && exec \"$1\" plots.gp", staging, gnuplot}, std::chrono::seconds(60));
    if (drawn.signal == SIGXFSZ)  // past ulimit -f: a write failure of the run, not a missing plot
        throw std::runtime_error(fmt::format("--out: gnuplot was stopped writing the plots: {} (SIGXFSZ); '{}' was left as it was",
                                             std::strerror(EFBIG), out.dir()));
    if (drawn.end != ChildResult::End::exited || drawn.exit_code != 0) {
        for (const char* svg : {"speedup_vs_threads.svg", "time_vs_n.svg", "workload_matrix.svg", "tasks.svg"}) fs::remove(out.staged(svg));
        // gnuplot's message is the line naming the script line; it starts with a blank line and the echoed command
        std::string reason = "gnuplot ended without a message";
        std::istringstream lines(drawn.err);
        for (std::string line; std::getline(lines, line);)
            if (line.find("plots.gp\"") != std::string::npos || (reason.starts_with("gnuplot ended") && line.find_first_not_of(" \t^") != std::string::npos))
                reason = line;
        return "plots skipped: gnuplot failed: " + reason;
    }
    return "plots drawn with gnuplot";
}

}  // namespace

std::string write_results(OutputDir& out, const CompareOptions& o, const std::vector<BackendBinary>& backends, const std::vector<Run>& runs,
                          const Analysis& analysis) {
    nlohmann::json results = results_json(o, runs, analysis);
    results["summary"] = summary_json(summarise(o, backends, runs, analysis), o);  // the answers index.html opens with
    out.write("results.json", results.dump(2) + "\n");
    out.write("results.csv", results_csv(runs, analysis));
    if (const std::string note = write_lesson(out, o, backends); !note.empty()) fmt::print(stderr, "sumsq-compare: {}\n", note);
    const std::string plots = draw_plots(out, o, backends, runs, analysis);
    out.write("index.html", html_report(results, read_figures(out.staged(""))));
    return plots;
}

}  // namespace sumsq::compare
