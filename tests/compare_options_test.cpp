// sumsq-compare's command line: what it parses, and what it refuses before the sweep (exit 2,
// one line, no output directory left behind).
#include "compare/options/options.hpp"
#include "compare_helpers.hpp"
#include "os/cpus.hpp"
#include "process.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace fs = std::filesystem;
using sumsq::test::bin;
using sumsq::test::compare;
using sumsq::test::doubles_env;
using sumsq::test::lines;
using sumsq::test::run_process;
using sumsq::test::Scratch;
using sumsq::test::with;

TEST_CASE("cpu rows: a row outside --cpus is refused before the sweep (it would run where --cpus forbids)") {
    if (sumsq::available_cpus() < 2) {
        WARN("skipped: needs 2 CPUs for a --cpu-rows list outside --cpus");
        return;
    }
    const auto cpus = sumsq::allowed_cpus();
    const std::string inside = std::to_string(cpus[0]), outside = std::to_string(cpus[1]);
    const auto r = run_process(compare, {"--backends", "serial,threads", "--cpus", inside, "--cpu-rows", "threads@" + outside});
    INFO(r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK(lines(r.err).size() == 1);
    CHECK_THAT(r.err, Catch::Contains("--cpu-rows: threads@" + outside + " runs on CPU " + outside + ", outside --cpus " + inside));
}

TEST_CASE("cpus and cpu rows: bad input exits 2 with one line") {
    const auto [args, expected] = GENERATE(table<std::vector<std::string>, std::string>({
        {{"--cpus", "x"}, "--cpus: 'x' is not a CPU list"},
        {{"--cpus", "99999"}, "--cpus: CPU 99999 is not available to this process"},
        {{"--cpu-rows", "threads"}, "--cpu-rows: 'threads' is not NAME@CPUS"},
        {{"--cpu-rows", "@0"}, "--cpu-rows: '@0' is not NAME@CPUS"},
        {{"--cpu-rows", "threads@x"}, "--cpu-rows: 'x' is not a CPU list"},
        {{"--cpu-rows", "serial@0"}, "--cpu-rows: 'serial' runs on one thread"},
        {{"--backends", "serial", "--cpu-rows", "threads@0"}, "--cpu-rows: 'threads' is not among the backends of this run"},
    }));
    const auto r = run_process(compare, args);
    INFO(r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK(lines(r.err).size() == 1);
    CHECK_THAT(r.err, Catch::Contains(expected));
}

TEST_CASE("bad input: exit 2, one line, no output directory left behind") {
    Scratch scratch("compare-bad");
    const std::string out = (scratch.dir / "out").string(), a_file = (scratch.dir / "a-file").string();
    std::ofstream(a_file) << "x";
    const std::string dangling = (scratch.dir / "dangling").string(), not_ours = (scratch.dir / "home").string();
    fs::create_symlink(scratch.dir / "nowhere", dangling);
    fs::create_directories(not_ours);
    std::ofstream(fs::path(not_ours) / "notes.md") << "mine";
    const auto [args, expected] = GENERATE_COPY(table<std::vector<std::string>, std::string>({
        {{"--backends", "nosuch"}, "--backends: unknown backend 'nosuch'; built: serial"},
        {{"--schedules", "openmp"}, "--schedules: 'openmp' is not BACKEND:VALUE"},
        {{"--schedules", "threads:guided"}, "--schedules: 'guided' is not a schedule of threads; accepted: static, dynamic"},
        {{"--schedules", "serial:static"}, "--schedules: 'serial' has no scheduling knob"},
        {{"--schedules", "nosuch:static"}, "--schedules: 'nosuch' is not among the backends of this run"},
        {{"--schedules", "threads:dynamic/x"}, "--schedules: 'x' is not a whole number"},
        {{"--schedules", "threads:static", "--workloads", "wait"}, "--schedules: applies to the sum and jobs workloads, not --workloads wait"},
        {{"--workloads", "wait", "--sizes", "1e3"}, "--sizes: applies to the sum workload, not --workloads wait"},
        {{"--workloads", "sum", "--wait-ms", "5", "--tasks", "3"}, "--wait-ms: applies to the wait workload, not --workloads sum"},
        {{"--workloads", "sum", "--tasks", "3"}, "--tasks: applies to the wait workload, not --workloads sum"},
        {{"--workloads", "wait", "--reps", "3"}, "--reps: applies to the sum, jobs, array and tree workloads, not --workloads wait"},
        {{"--workloads", "jobs", "--cpu-rows", "threads@0"}, "--cpu-rows: applies to the sum and wait workloads, not --workloads jobs"},
        {{"--workloads", "sum,wait", "--fills", "one"}, "--fills: applies to the array workload, not --workloads sum,wait"},
        {{"--workloads", "jobs", "--orders", "sideways"}, "--orders: unknown value 'sideways'; accepted: random, descending, ascending"},
        {{"--orders", "random"}, "--orders: applies to the jobs workload, not --workloads sum,wait"},
        {{"--workloads", "jobs", "--skew", "0"}, "--skew: '0' is not a decimal number in 0.1..10"},
        {{"--workloads", "array", "--binds", "tight"}, "--binds: unknown value 'tight'"},
        {{"--workloads", "array", "--fills", "none"}, "--fills: unknown value 'none'"},
        {{"--workloads", "array", "--array-sizes", "5e9"}, "--array-sizes: 5e9 is too large"},
        {{"--backends", ""}, "--backends: empty list"},
        {{"--backends", "serial,,tbb"}, "--backends: empty list or empty item"},
        {{"--threads", ""}, "--threads: empty list"},
        {{"--threads", "0"}, "--threads: 0 is too small"},
        {{"--threads", "1,x"}, "--threads: 'x' is not a whole number"},
        {{"--sizes", "1e3,,1e5"}, "--sizes: empty list or empty item"},
        {{"--sizes", "1e14"}, "--sizes: 1e14 is too large"},
        {{"--sizes", "-1"}, "--sizes: -1 is negative"},
        {{"--workloads", "sum,sleep"}, "--workloads: unknown workload 'sleep'"},
        {{"--reps", "0"}, "--reps: 0 is too small"},
        {{"--timeout", "0"}, "--timeout: 0 is too small"},
        {{"--out", "/nonexistent-dir/results"}, "--out: cannot write to '/nonexistent-dir/results'"},
        {{"--out", a_file}, "exists and is not a directory"},
        {{"--out", ""}, "--out: the directory name is empty"},
        {{"--bogus"}, "--bogus"},
        {{"--hostfile", "/nonexistent/hosts"}, "--hostfile: '/nonexistent/hosts' is not a readable file"},
        {{"--hostfile", "/"}, "--hostfile: '/' is not a readable file"},
        {{"--hostfile", "/dev/null"}, "--hostfile: '/dev/null' is not a readable file"},
        {{"--mpirun-args", "-np 4"}, "--mpirun-args: -np is set by sumsq-compare"},
        {{"--mpirun-args", "--mca btl 'tcp,self'"}, "--mpirun-args: quotes and backslashes are not interpreted"},
        {{"--mpirun-args", " "}, "--mpirun-args: empty"},
        {{"--diff", "only-one.json"}, "--diff"},
        {{"--diff", "/nonexistent/a.json", "/nonexistent/b.json"}, "--diff: cannot read '/nonexistent/a.json'"},
        {{"--diff", "a.json", "b.json", "--threads", "2"}, "--diff: --threads does not apply when comparing two files"},
        {{"--diff", "a.json", "b.json", "--quick"}, "--diff: --quick does not apply"},
        {{"--threads", "1,1"}, "--threads: '1' is listed twice"},
        {{"--sizes", "1e3,1000"}, "--sizes: 1000 is listed twice"},
        {{"--backends", "serial,serial"}, "--backends: 'serial' is listed twice"},
        {{"--workloads", "sum,sum"}, "--workloads: 'sum' is listed twice"},
        {{"--backends", "bench-switch"}, "--backends: unknown backend 'bench-switch'"},
        {{"--backends", "wrong"}, "--backends: unknown backend 'wrong'"},
        {{"--backends", "se\nrial"}, "--backends: unknown backend 'se\\nrial'"},
        {{"--out", dangling}, "is a symlink to"},
        {{"--out", not_ours}, "holds files but no .sumsq-manifest.json"},
        {{"--out", "."}, "--out: '.' names no directory of its own"},
    }));
    auto full = args;
    if (std::find(args.begin(), args.end(), "--out") == args.end() && std::find(args.begin(), args.end(), "--diff") == args.end())
        full.insert(full.end(), {"--out", out});
    const auto r = run_process(compare, full);
    INFO(r.err);
    REQUIRE(r.exit_code == 2);
    REQUIRE(lines(r.err).size() == 1);
    REQUIRE_THAT(r.err, Catch::StartsWith("sumsq-compare: "));
    REQUIRE_THAT(r.err, Catch::Contains(expected));
    auto entries = scratch.entries();
    std::sort(entries.begin(), entries.end());
    REQUIRE(entries == std::vector<std::string>{"a-file", "dangling", "home"});
    REQUIRE(fs::exists(fs::path(not_ours) / "notes.md"));
}

TEST_CASE("options: jobs and array points, schedule entries with /G") {
    const char* argv[] = {"sumsq-compare", "--workloads", "sum,jobs,array", "--sizes", "1e3", "--job-sizes", "1e4", "--orders", "descending,random",
                          "--array-sizes", "1e5", "--schedules", "tbb:simple/1000,openmp:dynamic"};
    const auto o = sumsq::compare::parse_compare_options(static_cast<int>(std::size(argv)), argv);
    REQUIRE(o);
    const auto points = o->points();
    REQUIRE(points.size() == 4);
    CHECK(sumsq::compare::point_title(points[1]) == "jobs (descending) N=1e4");
    CHECK(sumsq::compare::point_title(points[3]) == "array N=1e5");
    REQUIRE(o->schedules.size() == 2);
    CHECK(o->schedules[0].label() == "tbb:simple/1000");
    CHECK(o->schedules[0].size == 1000);
    CHECK(o->schedules[1].label() == "openmp:dynamic");
}
