// output_dir.hpp — sumsq-compare --out DIR: one run's files, committed all at once or not at all.
//
// Claimed before the sweep: DIR is resolved (symlinks followed) and refused as bad input when it is
// a dangling link, not a directory, a mount point, '.', '..', '/', the current directory or one
// holding it, under an unwritable parent, or a directory sumsq-compare may not replace (see
// manifest.hpp: only what its manifest lists, unchanged). A staging directory `.sumsq-out-XXXXXX`
// is made beside DIR's final place, on the same filesystem, with its lock `.sumsq-out-XXXXXX.lock`:
// the run holds an exclusive flock on it for its whole life. The kernel drops a flock when its
// holder dies, however it dies and in whatever PID namespace, so a staging directory whose lock can
// be taken is stale: every OutputDir removes those in its parent, and never one whose lock is held.
//
// Files are written into staging through OutputFile. seal() checks every one (not empty, complete
// SVG, JSON that parses, CSV with header and rows) and writes the manifest; commit() checks DIR
// once more and swaps the staging directory in with one renameat2(RENAME_EXCHANGE) (else: old
// aside, new in, old removed, the old put back on failure). Any failure leaves the old DIR
// untouched; destroyed without commit, the staging directory and its lock go.
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
    // Verifies every staged file and writes the manifest; returns the paths the files will have.
    // Throws std::runtime_error with the reason.
    std::vector<std::string> seal();
    // Swaps the sealed directory in. Throws std::runtime_error with the reason (e.g. DIR gained a
    // file of someone else's during the run), leaving the old directory as it was.
    void commit();
    const std::string& dir() const { return dir_; }
    const std::string& staging() const { return staging_; }

private:
    std::string dir_, final_, staging_;  // final_: dir_ with symlinks followed, absolute
    std::string lock_path_;
    int lock_fd_ = -1;
};

// Why `path` (a staged file) is not a complete output file; empty when it is.
std::string incomplete_reason(const std::string& path);

}  // namespace sumsq::compare
