// sumsq-compare --out on real filesystems: a nearly full one, another one behind a symlink, a mount
// point, and plots that a second run does not draw.
#include "compare/run/child_process.hpp"
#include "compare_helpers.hpp"
#include "process.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <sys/mount.h>
#include <sys/statvfs.h>

namespace fs = std::filesystem;
using sumsq::test::bin;
using sumsq::test::compare;
using sumsq::test::doubles_env;
using sumsq::test::lines;
using sumsq::test::run_process;
using sumsq::test::Scratch;
using sumsq::test::with;

namespace {

// A small tmpfs mounted on `dir` for the filesystem tests; mounted() is false where mount is not
// permitted (not root), and the test says so and skips.
struct Tmpfs {
    fs::path dir;
    bool ok = false;
    Tmpfs(fs::path where, const char* size) : dir(std::move(where)) {
        fs::create_directories(dir);
        ok = ::mount("tmpfs", dir.c_str(), "tmpfs", 0, (std::string("size=") + size).c_str()) == 0;
        if (!ok) WARN("skipped: cannot mount a tmpfs here (" << std::strerror(errno) << "); needs root");
    }
    ~Tmpfs() {
        if (ok) ::umount2(dir.c_str(), MNT_DETACH);
    }
    Tmpfs(const Tmpfs&) = delete;
};

std::map<std::string, std::string> contents(const fs::path& dir) {
    std::map<std::string, std::string> files;
    for (const auto& e : fs::directory_iterator(dir)) {
        std::ifstream in(e.path(), std::ios::binary);
        files[e.path().filename().string()].assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    return files;
}

const std::vector<std::string> small = {"--backends", "serial,threads", "--quick"};

}  // namespace

TEST_CASE("out: on a nearly full filesystem: the old directory stays byte-identical and the exit is not 0") {
    if (!sumsq::compare::on_path("gnuplot")) {
        WARN("skipped: gnuplot is not installed, and its truncated SVGs are the case under test");
        return;
    }
    Scratch scratch("compare-full");
    Tmpfs disk(scratch.dir / "disk", "1m");
    if (!disk.ok) return;
    const fs::path out = disk.dir / "results";
    const auto first = run_process(compare, with(small, {"--out", out.string()}));
    REQUIRE(first.exit_code == 0);
    const auto before = contents(out);
    REQUIRE(before.size() == 6);  // results.json, results.csv, two plots (time_vs_n needs 3 sizes), index.html, the manifest
    // Leave 24 KB: enough for the JSON and CSV, not for the plots.
    struct statvfs info{};
    REQUIRE(::statvfs(disk.dir.c_str(), &info) == 0);
    const auto free_bytes = static_cast<std::size_t>(info.f_bavail) * info.f_frsize;
    REQUIRE(free_bytes > 24 * 1024);
    { std::ofstream(disk.dir / "filler", std::ios::binary) << std::string(free_bytes - 24 * 1024, 'x'); }
    const auto second = run_process(compare, with(small, {"--out", out.string()}));
    INFO(second.err);
    CHECK(second.exit_code != 0);
    CHECK(lines(second.err).back().find(out.string()) != std::string::npos);
    CHECK(contents(out) == before);
    std::vector<std::string> left;
    for (const auto& e : fs::directory_iterator(disk.dir)) left.push_back(e.path().filename().string());
    std::sort(left.begin(), left.end());
    CHECK(left == std::vector<std::string>{"filler", "results"});  // no staging left behind
}

TEST_CASE("out: through a symlink onto another filesystem is staged there, and a mount point is refused before the sweep") {
    Scratch scratch("compare-xdev");
    Tmpfs disk(scratch.dir / "disk", "4m");
    if (!disk.ok) return;
    fs::create_directories(disk.dir / "target");
    fs::create_symlink(disk.dir / "target", scratch.dir / "link");
    const auto r = run_process(compare, {"--backends", "serial", "--quick", "--workloads", "sum", "--out", (scratch.dir / "link").string()},
                               {"SUMSQ_GNUPLOT=/nonexistent/gnuplot"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(fs::is_symlink(scratch.dir / "link"));
    CHECK(fs::exists(disk.dir / "target" / "results.json"));
    const auto begin = std::chrono::steady_clock::now();
    const auto mount_point = run_process(compare, {"--backends", "serial", "--out", disk.dir.string()});
    CHECK(mount_point.exit_code == 2);
    CHECK_THAT(mount_point.err, Catch::Contains("is a mount point"));
    CHECK(mount_point.out.empty());
    CHECK(std::chrono::steady_clock::now() - begin < std::chrono::seconds(20));  // refused, not swept
}

TEST_CASE("out: holds one run's files: plots skipped the second time leave no old SVGs beside new results") {
    Scratch scratch("compare-allnew");
    const fs::path out = scratch.dir / "out", fake = scratch.dir / "fake-gnuplot";
    {
        std::ofstream script(fake);
        script << "#!/bin/sh\nfor f in speedup_vs_threads.svg time_vs_n.svg workload_matrix.svg; do echo '<svg></svg>' > $f; done\n";
    }
    fs::permissions(fake, fs::perms::owner_all);
    REQUIRE(run_process(compare, {"--backends", "serial", "--quick", "--workloads", "sum", "--out", out.string()}, {"SUMSQ_GNUPLOT=" + fake.string()})
                .exit_code == 0);
    REQUIRE(fs::exists(out / "time_vs_n.svg"));
    fs::remove(fake);
    const auto r = run_process(compare, {"--backends", "serial", "--quick", "--workloads", "sum", "--out", out.string()},
                               {"SUMSQ_GNUPLOT=/nonexistent/gnuplot"});
    REQUIRE(r.exit_code == 0);
    auto names = scratch.entries();
    CHECK(names == std::vector<std::string>{"out"});
    std::vector<std::string> files;
    for (const auto& e : fs::directory_iterator(out)) files.push_back(e.path().filename().string());
    std::sort(files.begin(), files.end());
    CHECK(files == std::vector<std::string>{".sumsq-manifest.json", "index.html", "results.csv", "results.json"});
}

TEST_CASE("out: a directory named like an option (-name) gets its plots") {
    if (!sumsq::compare::on_path("gnuplot")) {
        WARN("skipped: gnuplot is not installed");
        return;
    }
    Scratch scratch("compare-dash");
    const auto r = run_process("/bin/sh", {"-c", "cd \"$0\" && exec \"$1\" --backends serial --quick --workloads sum --out -name",
                                           scratch.dir.string(), compare});
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains("plots drawn"));
    CHECK(fs::exists(scratch.dir / "-name" / "workload_matrix.svg"));
}
