// output_dir.hpp — sumsq-compare --out DIR: one run's files, committed all at once or not at all.
//
// Claimed before the sweep: DIR is resolved (symlinks followed; a dangling link, a non-directory, a
// mount point, a directory holding files sumsq-compare does not write, an unwritable parent are bad
// input), and a staging directory `.sumsq-out-<pid>-XXXXXX` is made beside its final place, on the
// same filesystem. Staging directories of dead runs (their pid gone) are removed then. Files are
// written into staging through OutputFile; commit() checks every one (not empty, complete SVG, JSON
// that parses, CSV with header and rows) and swaps the staging directory in with one
// renameat2(RENAME_EXCHANGE) (else: old aside, new in, old removed, the old put back on failure).
// Any failure leaves the old DIR untouched; destroyed without commit, the staging directory goes.
#pragma once

#include <string>
#include <vector>

namespace sumsq::compare {

class OutputDir {
public:
    explicit OutputDir(std::string dir);  // throws UsageError
    ~OutputDir();
    OutputDir(const OutputDir&) = delete;
    OutputDir& operator=(const OutputDir&) = delete;

    std::string staged(const std::string& file) const { return staging_ + "/" + file; }
    void write(const std::string& file, const std::string& contents) const;  // throws on a failed write
    void discard(const std::string& file) const;                              // removes a staged file
    // Verifies every staged file and swaps the directory in; returns the final paths. Throws
    // std::runtime_error with the reason, leaving the old directory as it was.
    std::vector<std::string> commit();
    const std::string& dir() const { return dir_; }

private:
    std::string dir_, final_, staging_;  // final_: dir_ with symlinks followed, absolute
};

// Why `path` (a staged file) is not a complete output file; empty when it is.
std::string incomplete_reason(const std::string& path);

}  // namespace sumsq::compare
