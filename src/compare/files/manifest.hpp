// manifest.hpp — the record sumsq-compare leaves in every --out directory it writes,
// `.sumsq-manifest.json`: the tool, its version, and each file it wrote with its size and SHA-256.
//
// It is what makes a directory replaceable: sumsq-compare replaces an existing --out directory only
// when every entry in it is the manifest or a regular file the manifest lists, with the same size
// and SHA-256 (so a file put there under one of its names, or edited, is not its own). An empty
// directory is replaceable too. Anything else — a file it did not write, a changed one, a
// subdirectory or link, a directory without a manifest (sumsq-compare 0.1.0 and earlier wrote none)
// or one whose manifest does not parse — is refused, naming the entry.
#pragma once

#include <string>
#include <vector>

namespace sumsq::compare {

inline constexpr const char* manifest_name = ".sumsq-manifest.json";

// The manifest of the files `names` in `dir`, read back from disk (size and SHA-256 of each).
// Throws std::runtime_error when one cannot be read.
std::string manifest_text(const std::string& dir, const std::vector<std::string>& names);

// Why `dir` (an existing directory) may not be replaced, as the rest of a sentence that starts with
// the directory's name ("holds 'notes.txt', which …"); empty when it may.
std::string not_replaceable_reason(const std::string& dir);

}  // namespace sumsq::compare
