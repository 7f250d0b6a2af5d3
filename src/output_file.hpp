// output_file.hpp — all-or-nothing output files: claimed at start (so an unwritable path is bad
// input before any work), written to a temporary beside the target, renamed into place on commit.
// Destroyed without commit (an error, an exception), it leaves nothing behind.
#pragma once

#include <string>

namespace sumsq {

class OutputFile {
public:
    // Throws UsageError("<option>: cannot write '<path>': <reason>") when the file cannot be created.
    OutputFile(std::string option, std::string path);
    ~OutputFile();
    OutputFile(const OutputFile&) = delete;
    OutputFile& operator=(const OutputFile&) = delete;

    void commit(const std::string& contents);  // throws std::runtime_error on a failed write
    const std::string& path() const { return path_; }

private:
    std::string option_, path_, temporary_;
    int fd_ = -1;
};

}  // namespace sumsq
