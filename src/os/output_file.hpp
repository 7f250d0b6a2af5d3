// output_file.hpp — the one writer for every file the project writes: all or nothing.
//
// Claimed at start (so an unusable target is bad input before any work): a target that exists and
// is not a regular file after following symlinks (a device, FIFO, socket, directory) is refused; a
// symlink is written through (its final target is replaced, the link stays). Contents go to a
// short temporary name in the target's directory and are renamed over the target on commit. A fresh
// file gets the mode open(O_CREAT, 0666) gives under the umask; an existing file keeps its mode.
// Destroyed without commit (an error, an exception) or interrupted by SIGINT/SIGTERM/SIGHUP, it
// leaves nothing behind.
//
// A run with several outputs claims them as one OutputFiles: two that are one file — whatever the
// spelling: relative, absolute, through a symlink or a hard link, or the file stdout goes to — are
// bad input at claim time. Each is written to its temporary as soon as its contents are known, and
// all are committed together, last, after the report is out: a run that fails commits none, and a
// commit that fails half-way puts back the files it had already replaced.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>
#include <sys/types.h>
#include <vector>

namespace sumsq {

class OutputFile {
public:
    // Throws UsageError("<option>: cannot write '<path>': <reason>") when the target is unusable.
    OutputFile(std::string option, std::string path);
    ~OutputFile();
    OutputFile(const OutputFile&) = delete;
    OutputFile& operator=(const OutputFile&) = delete;

    // The whole contents, into the temporary (synced and closed); the target is not touched yet.
    // Throws std::runtime_error("<option>: writing '<path>' failed: <reason>") on a failed write
    // (a full disk, EFBIG past `ulimit -f`), after removing the temporary.
    void write(const std::string& contents);
    // write() and replace the target now: for a file that is the only output of its step.
    void commit(const std::string& contents);
    const std::string& path() const { return path_; }
    const std::string& option() const { return option_; }

    // What makes two claims one file: the file's device and inode when it exists, else its
    // directory's and its name.
    struct Identity {
        dev_t device = 0;
        ino_t inode = 0;
        std::string name;  // empty: device and inode are the file's own
        bool operator==(const Identity&) const = default;
    };
    const Identity& identity() const { return identity_; }

private:
    friend class OutputFiles;
    enum class State { claimed, written, installed, done };
    void install();            // the temporary over the target; throws std::runtime_error
    void restore() noexcept;   // undoes install(): the old file back, or no file at all
    void finish() noexcept;    // drops the old contents install() kept aside
    std::runtime_error failure(int error) const;

    std::string option_, path_, target_, temporary_;  // target_: path_ with symlinks followed
    Identity identity_;
    State state_ = State::claimed;
    bool kept_old_ = false;  // install() swapped: the temporary's name now holds the old file
    int fd_ = -1;
    unsigned mode_ = 0;  // the committed file's permission bits
    int slot_ = -1;      // in the signal-time cleanup list
};

// The output files of one run, committed together or not at all.
class OutputFiles {
public:
    // Claims one more output. Throws UsageError when it is an unusable target, the same file as
    // an output claimed before ("--timeline: './t' is the same file as --trace 't'"), or the
    // file standard output is written to.
    OutputFile& claim(std::string option, std::string path);
    // Replaces every written target. If one fails, those replaced before it are put back (where
    // the filesystem can swap files atomically: renameat2 RENAME_EXCHANGE) and it throws
    // std::runtime_error; SIGINT/SIGTERM/SIGHUP wait until it is done.
    void commit();
    bool empty() const { return files_.empty(); }

private:
    std::vector<std::unique_ptr<OutputFile>> files_;
};

// Removes every uncommitted temporary file now (async-signal-safe); for a caller's own handler.
void remove_temporary_files() noexcept;

}  // namespace sumsq
