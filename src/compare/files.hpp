// files.hpp — sumsq-compare --out DIR: results.json, results.csv, gnuplot SVGs and index.html, all or nothing.
#pragma once

#include "options.hpp"
#include "sweep.hpp"

#include <string>
#include <vector>

namespace sumsq::compare {

// A staging directory beside DIR, claimed at start (an unwritable DIR is bad input before any
// run); files are written there and moved into DIR by commit(). Destroyed without commit
// (an error, Ctrl-C), it removes the staging directory: no partial output is left behind.
class OutputDir {
public:
    explicit OutputDir(std::string dir);  // throws UsageError
    ~OutputDir();
    OutputDir(const OutputDir&) = delete;
    OutputDir& operator=(const OutputDir&) = delete;

    std::string staged(const std::string& file) const { return staging_ + "/" + file; }
    void write(const std::string& file, const std::string& contents) const;
    std::vector<std::string> commit();  // returns the final paths
    const std::string& dir() const { return dir_; }

private:
    std::string dir_, staging_;
};

// Writes results.json, results.csv, the plots when gnuplot is on PATH (or $SUMSQ_GNUPLOT), then
// index.html from the document and the SVGs in the staging directory.
// Returns a note about the plots (drawn, or skipped and why).
std::string write_results(OutputDir& out, const CompareOptions& options, const std::vector<BackendBinary>& backends,
                          const std::vector<Run>& runs);

}  // namespace sumsq::compare
