// output_file.hpp — the one writer for every file the project writes: all or nothing.
//
// Claimed at start (so an unusable target is bad input before any work): a target that exists and
// is not a regular file after following symlinks (a device, FIFO, socket, directory) is refused; a
// symlink is written through (its final target is replaced, the link stays). Contents go to a
// short temporary name in the target's directory and are renamed over the target on commit. A fresh
// file gets the mode open(O_CREAT, 0666) gives under the umask; an existing file keeps its mode.
// Destroyed without commit (an error, an exception) or interrupted by SIGINT/SIGTERM/SIGHUP, it
// leaves nothing behind.
#pragma once

#include <string>

namespace sumsq {

class OutputFile {
public:
    // Throws UsageError("<option>: cannot write '<path>': <reason>") when the target is unusable.
    OutputFile(std::string option, std::string path);
    ~OutputFile();
    OutputFile(const OutputFile&) = delete;
    OutputFile& operator=(const OutputFile&) = delete;

    void commit(const std::string& contents);  // throws std::runtime_error on a failed write
    const std::string& path() const { return path_; }

private:
    std::string option_, path_, target_, temporary_;  // target_: path_ with symlinks followed
    int fd_ = -1;
    unsigned mode_ = 0;  // the committed file's permission bits
    int slot_ = -1;      // in the signal-time cleanup list
};

// Removes every uncommitted temporary file now (async-signal-safe); for a caller's own handler.
void remove_temporary_files() noexcept;

}  // namespace sumsq
