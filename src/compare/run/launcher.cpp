#include "launcher.hpp"

#include "driver/cli.hpp"
#include "compare/options/options.hpp"

#include <fmt/format.h>

#include <fstream>
#include <sstream>
#include <sys/stat.h>

namespace sumsq::compare {

std::vector<Host> read_hostfile(const std::string& path) {
    struct stat info{};
    if (::stat(path.c_str(), &info) != 0 || !S_ISREG(info.st_mode))
        throw UsageError(fmt::format("--hostfile: '{}' is not a readable file", path));
    std::ifstream file(path);
    if (!file) throw UsageError(fmt::format("--hostfile: cannot read '{}'", path));
    std::vector<Host> hosts;
    for (std::string line; std::getline(file, line);) {
        std::istringstream words(line.substr(0, line.find('#')));
        Host host;
        if (!(words >> host.name)) continue;
        for (std::string word; words >> word;)
            if (word.rfind("slots=", 0) == 0) host.slots = static_cast<unsigned>(parse_count_option("--hostfile slots", word.substr(6), 1, 1'000'000));
        hosts.push_back(host);
    }
    if (hosts.empty()) throw UsageError(fmt::format("--hostfile: '{}' lists no host", path));
    return hosts;
}

std::vector<std::string> split_mpirun_args(const std::string& text) {
    if (text.find_first_of("\"'\\") != std::string::npos)
        throw UsageError("--mpirun-args: quotes and backslashes are not interpreted; give words separated by blanks");
    std::vector<std::string> words;
    std::istringstream in(text);
    for (std::string word; in >> word;) {
        for (const char* own : {"-np", "-n", "--np", "-c", "--hostfile", "-hostfile", "--machinefile", "-machinefile", "--host", "-host", "-H", "--map-by", "-map-by"})
            if (word == own)
                throw UsageError(fmt::format("--mpirun-args: {} is set by sumsq-compare (ranks from --threads, hosts from --hostfile, --map-by node)", word));
        words.push_back(word);
    }
    if (words.empty()) throw UsageError("--mpirun-args: empty");
    return words;
}

std::vector<std::string> mpirun_command(const CompareOptions& o, unsigned ranks) {
    std::vector<std::string> args{"mpirun", "-q", "--oversubscribe", "--bind-to", "none"};
    if (!o.hostfile.empty()) args.insert(args.end(), {"--hostfile", o.hostfile, "--map-by", "node"});
    args.insert(args.end(), o.mpirun_args.begin(), o.mpirun_args.end());
    args.insert(args.end(), {"-np", std::to_string(ranks)});
    return args;
}

nlohmann::json ranks_per_host(const CompareOptions& o, unsigned ranks) {
    nlohmann::json list = nlohmann::json::array();
    const std::size_t count = o.hosts.size();
    for (std::size_t h = 0; h < count && h < ranks; ++h)
        list.push_back({{"host", o.hosts[h].name}, {"ranks", ranks / count + (h < ranks % count ? 1 : 0)}});
    return list;
}

nlohmann::json launcher_json(const CompareOptions& o) {
    nlohmann::json hosts = nlohmann::json::array();
    for (const Host& h : o.hosts) hosts.push_back({{"host", h.name}, {"slots", h.slots}});
    return {{"hostfile", o.hostfile}, {"hosts", hosts}, {"map_by", "node"}, {"mpirun_args", o.mpirun_args}};
}

std::optional<std::string> launcher_note(const CompareOptions& o) {
    if (o.hostfile.empty()) return std::nullopt;
    std::string names;
    for (const Host& h : o.hosts) names += (names.empty() ? "" : ", ") + h.name;
    return fmt::format("mpi across {} hosts from {} ({}), ranks round-robin (--map-by node): Kp puts rank r on host r mod {}",
                       o.hosts.size(), o.hostfile, names, o.hosts.size());
}

}  // namespace sumsq::compare
