// mpi only: the binary under mpirun with 1–3 ranks (oversubscribed on a small machine), hybrid
// ranks × threads, and bad input reported once. Running as root needs OMPI_ALLOW_RUN_AS_ROOT*,
// which the test sets for mpirun (the program never sets them).
#include "backend_under_test.hpp"
#include "process.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using sumsq::test::lines;
using sumsq::test::run_process;

namespace {

const std::vector<std::string> root_ok = {"OMPI_ALLOW_RUN_AS_ROOT=1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1"};

sumsq::test::ProcessResult mpirun(int ranks, std::vector<std::string> args) {
    std::vector<std::string> full{"-q", "--oversubscribe", "--bind-to", "none", "-np", std::to_string(ranks), sumsq::test::backend_binary};
    full.insert(full.end(), args.begin(), args.end());
    return run_process(SUMSQ_MPIEXEC, full, root_ok);
}

// mpirun with one command line per rank (MPMD: "-np 1 A : -np 1 B"), rank r running per_rank[r].
sumsq::test::ProcessResult mpirun_each(const std::vector<std::vector<std::string>>& per_rank) {
    std::vector<std::string> full{"-q", "--oversubscribe", "--bind-to", "none"};
    for (std::size_t r = 0; r < per_rank.size(); ++r) {
        if (r > 0) full.push_back(":");
        full.insert(full.end(), {"-np", "1", sumsq::test::backend_binary});
        full.insert(full.end(), per_rank[r].begin(), per_rank[r].end());
    }
    return run_process(SUMSQ_MPIEXEC, full, root_ok);
}

}  // namespace

TEST_CASE("under mpirun with 1, 2 and 3 ranks, edge N are exact") {
    const int ranks = GENERATE(1, 2, 3);
    const auto [n, sum] = GENERATE(table<std::string, std::string>({
        {"0", "0"}, {"1", "0"}, {"2", "1"}, {"3810779", "18446750093104128089"}, {"1e6", "333332833333500000"}}));
    INFO("ranks " << ranks << " N " << n);
    const auto r = mpirun(ranks, {"-n", n, "-t", "1", "-r", "2", "--format", "json"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const auto json = nlohmann::json::parse(r.out);  // one report: only rank 0 prints
    REQUIRE(json["ok"] == true);
    REQUIRE(json["result"] == sum);
    REQUIRE(json["ranks"] == ranks);
    REQUIRE(json["threads_per_rank"] == 1);
}

TEST_CASE("hybrid: 2 ranks x 2 threads is exact") {
    const auto r = mpirun(2, {"-n", "1e7", "-t", "2", "-r", "2", "--format", "json"});
    REQUIRE(r.exit_code == 0);
    const auto json = nlohmann::json::parse(r.out);
    REQUIRE(json["result"] == "333333283333335000000");
    REQUIRE(json["ranks"] == 2);
    REQUIRE(json["threads_per_rank"] == 2);
}

TEST_CASE("under mpirun, jobs (every job checked, repeated runs) and the distributed array are exact") {
    const int ranks = GENERATE(2, 3);
    for (const std::vector<std::string>& args : {std::vector<std::string>{"--workload", "jobs", "-n", "1e7", "--order", "descending"},
                                                std::vector<std::string>{"--workload", "jobs", "-n", "5", "--jobs", "7"},
                                                std::vector<std::string>{"--workload", "array", "-n", "1000003"},
                                                std::vector<std::string>{"--workload", "array", "-n", "2", "--fill", "one"}}) {
        std::vector<std::string> full = args;
        full.insert(full.end(), {"-t", "1", "-r", "3", "--format", "json"});
        INFO("ranks " << ranks << " " << args[1] << " N " << args[3]);
        const auto r = mpirun(ranks, full);
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        const auto json = nlohmann::json::parse(r.out);
        REQUIRE(json["ok"] == true);
        REQUIRE(json["result"] == json["expected"]);
    }
}

TEST_CASE("bad input under mpirun: exit 2 and one message, not one per rank") {
    const auto args = GENERATE(std::vector<std::string>{"-n", "-5"}, std::vector<std::string>{"--bogus"},
                               std::vector<std::string>{"-t", "0"}, std::vector<std::string>{"--workload", "wait"});
    const auto r = mpirun(3, args);
    INFO(r.err);
    REQUIRE(r.exit_code == 2);
    REQUIRE(r.out.empty());
    REQUIRE(lines(r.err).size() == 1);
    REQUIRE_THAT(r.err, Catch::StartsWith("sumsq-mpi: "));
}

TEST_CASE("started without mpirun it runs as one rank") {
    const auto r = run_process(sumsq::test::backend_binary, {"-n", "1000", "-r", "1", "--format", "json"});
    REQUIRE(r.exit_code == 0);
    REQUIRE(nlohmann::json::parse(r.out)["ranks"] == 1);
}

TEST_CASE("too few file descriptors for MPI_Init: exit 3 and one line, not Open MPI's banner and exit 1") {
    for (const char* limit : {"12", "20", "24"}) {
        const auto r = run_process("/bin/sh", {"-c", "ulimit -n \"$1\" && exec \"$0\" -n 1e6 -r 1 --warmup 0", sumsq::test::backend_binary, limit});
        INFO("ulimit -n " << limit << ": " << r.err);
        CHECK(r.exit_code == 3);
        CHECK(r.out.empty());
        CHECK(lines(r.err).size() == 1);
        CHECK_THAT(r.err, Catch::Contains("Too many open files"));
    }
    // A soft limit below what MPI_Init needs, under a higher hard one, is raised: the run goes on.
    const auto raised = run_process("/bin/sh", {"-c", "ulimit -S -n 20 && exec \"$0\" -n 1e6 -r 1 --warmup 0", sumsq::test::backend_binary});
    INFO(raised.err);
    CHECK(raised.exit_code == 0);
}

TEST_CASE("bad input on one rank only (--cpus under mpirun's per-core binding): every rank exits 2 at once, one message") {
    // What mpirun's default binding does to `--cpus 1` (valid on the rank bound to core 1 only),
    // made deterministic: one rank gets a CPU no process has. Before, the good rank waited in its
    // first collective for the one that had left, and the job hung.
    const std::vector<std::string> good{"-n", "1e6", "-t", "1", "-r", "1"};
    std::vector<std::string> bad = good;
    bad.insert(bad.end(), {"--cpus", "99999"});
    const int bad_rank = GENERATE(0, 1);
    INFO("bad input on rank " << bad_rank);
    const auto r = bad_rank == 0 ? mpirun_each({bad, good, good}) : mpirun_each({good, bad, good});
    INFO(r.err);
    REQUIRE(r.exit_code == 2);  // a hang would end in run_process's time limit (-1)
    REQUIRE(r.out.empty());
    REQUIRE(lines(r.err).size() == 1);
    REQUIRE_THAT(r.err, Catch::StartsWith(bad_rank == 0 ? "sumsq-mpi: --cpus: CPU 99999 is not available"
                                                        : "sumsq-mpi: rank 1: --cpus: CPU 99999 is not available"));
}

TEST_CASE("CSV under mpirun: threads is per rank, beside ranks and threads_per_rank") {
    const auto r = mpirun(3, {"-n", "1e6", "-t", "1", "-r", "1", "--format", "csv"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const auto rows = lines(r.out);
    REQUIRE(rows.size() == 2);
    REQUIRE_THAT(rows[0], Catch::EndsWith(",bytes_per_second,ranks,threads_per_rank,useful_parallelism"));
    REQUIRE_THAT(rows[1], Catch::StartsWith("mpi,sum,1000000,1,") && Catch::EndsWith(",3,1,"));  // useful_parallelism empty: no recorded run
}
