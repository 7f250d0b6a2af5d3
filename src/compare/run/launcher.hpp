// launcher.hpp — how sumsq-compare starts the mpi backend: mpirun, optionally across the hosts of
// a hostfile (--hostfile) with the cluster's own launcher options (--mpirun-args), and where the
// ranks went (recorded in the report and JSON).
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace sumsq::compare {

struct CompareOptions;

struct Host {
    std::string name;
    unsigned slots = 1;
};

// The hosts a hostfile lists (Open MPI syntax: "name [slots=N] ...", '#' comments). Throws
// UsageError when the file is missing, unreadable or lists no host.
std::vector<Host> read_hostfile(const std::string& path);

// --mpirun-args "…" split on blanks (no shell quoting). Throws UsageError on quotes, or on an
// option sumsq-compare sets itself (-np, --hostfile, --host, --map-by).
std::vector<std::string> split_mpirun_args(const std::string& text);

// mpirun … -np RANKS, up to the backend binary.
std::vector<std::string> mpirun_command(const CompareOptions& o, unsigned ranks);

// Ranks per host for RANKS ranks: --map-by node places rank r on host r mod H.
nlohmann::json ranks_per_host(const CompareOptions& o, unsigned ranks);

// The "launcher" object of results.json and the report's line about it; nothing without --hostfile.
nlohmann::json launcher_json(const CompareOptions& o);
std::optional<std::string> launcher_note(const CompareOptions& o);

}  // namespace sumsq::compare
