// sumsq-compare --out and how a run fails: the manifest that decides what may be replaced, the flock
// that decides which staging directories are stale, '.'/'..' refused, a lost stdout, ulimit -f
// and ulimit -n. Every run is a tiny sweep (--quick, serial, 1 round, sum, no gnuplot).
#include "compare/files/manifest.hpp"
#include "compare/files/output_dir.hpp"
#include "compare_helpers.hpp"
#include "process.hpp"
#include "compare/files/sha256.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <thread>

#include <fcntl.h>
#include <spawn.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;
namespace fs = std::filesystem;
using sumsq::test::lines;
using sumsq::test::run_process;
using sumsq::test::Scratch;
using sumsq::test::with;

namespace {

using sumsq::test::bin;
using sumsq::test::compare;
const std::vector<std::string> tiny = {"--quick", "--backends", "serial", "--rounds", "1", "--workloads", "sum"};
const std::vector<std::string> no_plots = {"SUMSQ_GNUPLOT=/nonexistent/gnuplot"};
const std::vector<std::string> doubles_env = {"SUMSQ_BACKEND_LIST=" + bin + "/sumsq-test-backends.txt", "SUMSQ_GNUPLOT=/nonexistent/gnuplot"};



std::vector<std::string> names_in(const fs::path& dir) {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

std::string read(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::map<std::string, std::string> contents(const fs::path& dir) {
    std::map<std::string, std::string> files;
    for (const auto& e : fs::directory_iterator(dir))
        files[e.path().filename().string()] = fs::is_symlink(e.symlink_status()) ? "-> " + fs::read_symlink(e.path()).string()
                                               : e.is_directory()                ? std::string("<directory>")
                                                                                 : read(e.path());
    return files;
}

// Starts `program` with stdout on `out_fd` (-1: closed), stderr to `err_path`; returns its pid.
int spawn(const std::string& program, const std::vector<std::string>& args, int out_fd, const std::string& err_path,
          const std::vector<std::string>& extra_env = {}) {
    std::vector<std::string> argv{program}, env(extra_env);
    argv.insert(argv.end(), args.begin(), args.end());
    for (char** e = environ; *e; ++e) env.emplace_back(*e);
    std::vector<char*> arg_ptrs, env_ptrs;
    for (auto& a : argv) arg_ptrs.push_back(a.data());
    for (auto& e : env) env_ptrs.push_back(e.data());
    arg_ptrs.push_back(nullptr);
    env_ptrs.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    if (out_fd < 0) posix_spawn_file_actions_addclose(&actions, 1);
    else posix_spawn_file_actions_adddup2(&actions, out_fd, 1);
    posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    pid_t pid = 0;
    const int error = posix_spawn(&pid, program.c_str(), &actions, nullptr, arg_ptrs.data(), env_ptrs.data());
    posix_spawn_file_actions_destroy(&actions);
    REQUIRE(error == 0);
    return pid;
}

// A process that holds an exclusive flock on `lock` until release() (or its death).
struct LockHolder {
    pid_t pid = -1;
    int release_fd = -1;
    explicit LockHolder(const fs::path& lock) {
        int ready[2], hold[2];
        REQUIRE(::pipe(ready) == 0);
        REQUIRE(::pipe(hold) == 0);
        pid = ::fork();
        REQUIRE(pid >= 0);
        if (pid == 0) {
            const int fd = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
            const char byte = fd >= 0 && ::flock(fd, LOCK_EX) == 0 ? 'y' : 'n';
            [[maybe_unused]] auto ignored = ::write(ready[1], &byte, 1);
            char c;
            ::close(hold[1]);
            while (::read(hold[0], &c, 1) < 0 && errno == EINTR) {}  // until the test closes its end
            ::_exit(0);
        }
        ::close(ready[1]);
        ::close(hold[0]);
        char byte = 0;
        REQUIRE(::read(ready[0], &byte, 1) == 1);
        ::close(ready[0]);
        release_fd = hold[1];
        REQUIRE(byte == 'y');
    }
    void release() {
        if (release_fd >= 0) ::close(release_fd);
        release_fd = -1;
        if (pid > 0) REQUIRE(sumsq::test::wait_process(pid) == 0);
        pid = -1;
    }
    ~LockHolder() {
        if (pid > 0) {
            ::kill(pid, SIGKILL);
            sumsq::test::wait_process(pid);
        }
        if (release_fd >= 0) ::close(release_fd);
    }
    LockHolder(const LockHolder&) = delete;
};

}  // namespace

TEST_CASE("sha256: the FIPS 180-4 examples, one- and two-block padding") {
    using sumsq::compare::sha256_hex;
    CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
          "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    CHECK(sha256_hex(std::string(1'000'000, 'a')) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("out: a directory of the user's files is refused before the sweep, naming why, and kept") {
    Scratch scratch("out-users");
    const fs::path v = scratch.dir / "v";
    fs::create_directories(v);
    std::ofstream(v / "notes.txt") << "notes\n";
    std::ofstream(v / "budget.json") << "{}\n";
    std::ofstream(v / "data.csv") << "a,b\n";
    const auto before = contents(v);
    const auto r = run_process(compare, with(tiny, {"--out", v.string()}), no_plots);
    INFO(r.err);
    CHECK(r.exit_code == 2);
    CHECK(lines(r.err).size() == 1);
    CHECK_THAT(r.err, Catch::Contains("holds files but no .sumsq-manifest.json") && Catch::Contains("remove the directory yourself, or give a new --out"));
    CHECK(r.out.empty());  // refused before the sweep: no report
    CHECK(contents(v) == before);
    CHECK(names_in(scratch.dir) == std::vector<std::string>{"v"});  // no staging directory, no lock
}

TEST_CASE("out: its own directory, listed in its manifest, is replaced, and a file added or changed there is refused by name") {
    Scratch scratch("out-manifest");
    const fs::path out = scratch.dir / "out";
    fs::create_directories(out);  // an empty directory may be used
    const auto first = run_process(compare, with(tiny, {"--out", out.string()}), no_plots);
    INFO(first.err);
    REQUIRE(first.exit_code == 0);
    CHECK(names_in(out) == std::vector<std::string>{".sumsq-manifest.json", "index.html", "results.csv", "results.json"});
    const auto manifest = nlohmann::json::parse(read(out / sumsq::compare::manifest_name));
    CHECK(manifest["tool"] == "sumsq-compare");
    CHECK(manifest["version"].is_string());
    REQUIRE(manifest["files"].size() == 3);
    for (const auto& f : manifest["files"]) {
        const std::string bytes = read(out / f["name"].get<std::string>());
        CHECK(f["bytes"] == bytes.size());
        CHECK(f["sha256"] == sumsq::compare::sha256_hex(bytes));
    }
    CHECK(sumsq::compare::not_replaceable_reason(out.string()).empty());

    const auto second = run_process(compare, with(tiny, {"--out", out.string()}), no_plots);
    REQUIRE(second.exit_code == 0);
    const auto ours = contents(out);
    struct Change {
        std::string what, expected;
        std::function<void()> make, undo;
    };
    const std::vector<Change> changes = {
        {"a file of the user's beside ours", "holds 'notes.txt', which sumsq-compare did not write",
         [&] { std::ofstream(out / "notes.txt") << "mine\n"; }, [&] { fs::remove(out / "notes.txt"); }},
        {"one of ours, edited", "holds 'results.csv', which is not the file sumsq-compare wrote there",
         [&] { std::ofstream(out / "results.csv", std::ios::app) << "1,2\n"; }, [&] { std::ofstream(out / "results.csv") << ours.at("results.csv"); }},
        {"one of ours, replaced with the same size", "holds 'results.json', which is not the file sumsq-compare wrote there",
         [&] { std::ofstream(out / "results.json") << std::string(ours.at("results.json").size(), ' '); },
         [&] { std::ofstream(out / "results.json") << ours.at("results.json"); }},
        {"a subdirectory", "holds 'keep', which sumsq-compare did not write",
         [&] { fs::create_directories(out / "keep"); }, [&] { fs::remove(out / "keep"); }},
        {"a listed name that is a link", "holds 'index.html', which is not a regular file",
         [&] { fs::rename(out / "index.html", scratch.dir / "index.html"); fs::create_symlink(scratch.dir / "index.html", out / "index.html"); },
         [&] { fs::remove(out / "index.html"); fs::rename(scratch.dir / "index.html", out / "index.html"); }},
        {"a manifest that is not ours", "holds a .sumsq-manifest.json that sumsq-compare did not write (it does not parse as JSON)",
         [&] { std::ofstream(out / ".sumsq-manifest.json") << "{"; },
         [&] { std::ofstream(out / ".sumsq-manifest.json") << ours.at(".sumsq-manifest.json"); }},
    };
    for (const Change& change : changes) {
        INFO(change.what);
        change.make();
        const auto before = contents(out);
        const auto r = run_process(compare, with(tiny, {"--out", out.string()}), no_plots);
        INFO(r.err);
        CHECK(r.exit_code == 2);
        CHECK(lines(r.err).size() == 1);
        CHECK_THAT(r.err, Catch::Contains(change.expected));
        CHECK(r.out.empty());
        CHECK(contents(out) == before);
        change.undo();
        CHECK(contents(out) == ours);
    }
    // A file put there during the run (here by a gnuplot stand-in, after the sweep) is found before the swap.
    const fs::path intruder = scratch.dir / "intruder";
    { std::ofstream(intruder) << "#!/bin/sh\necho mine > '" << (out / "late.txt").string() << "'\n"; }
    fs::permissions(intruder, fs::perms::owner_all);
    const auto late = run_process(compare, with(tiny, {"--out", out.string()}), {"SUMSQ_GNUPLOT=" + intruder.string()});
    INFO(late.err);
    CHECK(late.exit_code == 3);
    CHECK_THAT(late.err, Catch::Contains("changed during the run: it now holds 'late.txt', which sumsq-compare did not write"));
    CHECK(read(out / "late.txt") == "mine\n");
    fs::remove(out / "late.txt");
    fs::remove(intruder);
    CHECK(contents(out) == ours);
    CHECK(names_in(scratch.dir) == std::vector<std::string>{"out"});
}

TEST_CASE("manifest: bad manifests make a directory not replaceable, each with its reason") {
    Scratch scratch("out-badmanifest");
    const fs::path dir = scratch.dir / "out";
    fs::create_directories(dir);
    std::ofstream(dir / "results.json") << "{}\n";
    const std::string sha = sumsq::compare::sha256_hex("{}\n"), zeros(64, '0');
    auto listing = [](const std::string& entries) { return R"({"tool": "sumsq-compare", "version": "0.1.0", "files": [)" + entries + "]}"; };
    auto entry = [](const std::string& name, const std::string& bytes, const std::string& digest) {
        return R"({"name": ")" + name + R"(", "bytes": )" + bytes + R"(, "sha256": ")" + digest + R"("})";
    };
    const auto [text, expected] = GENERATE_COPY(table<std::string, std::string>({
        {"", "it does not parse as JSON"},
        {"{\"tool\": \"sumsq-compare\", \"files\": [", "it does not parse as JSON"},
        {"[]", "its \"tool\" is not \"sumsq-compare\""},
        {R"({"tool": "sumsq-bench", "files": []})", "its \"tool\" is not \"sumsq-compare\""},
        {R"({"tool": "sumsq-compare"})", "it has no \"files\" list"},
        {R"({"tool": "sumsq-compare", "files": {}})", "it has no \"files\" list"},
        {listing("1"), "an entry of \"files\" is not"},
        {listing(entry("../results.json", "3", sha)), "an entry of \"files\" is not"},
        {listing(entry("/etc/passwd", "3", sha)), "an entry of \"files\" is not"},
        {listing(entry(".sumsq-manifest.json", "3", sha)), "an entry of \"files\" is not"},
        {listing(entry("results.json", "-3", sha)), "an entry of \"files\" is not"},
        {listing(entry("results.json", "3.5", sha)), "an entry of \"files\" is not"},
        {listing(entry("results.json", "3", "abc")), "an entry of \"files\" is not"},
        {listing(entry("results.json", "3", sha) + "," + entry("results.json", "3", sha)), "it lists 'results.json' twice"},
        {listing(entry("results.json", "3", zeros)), "holds 'results.json', which is not the file sumsq-compare wrote there"},
        {listing(entry("results.json", "4", sha)), "holds 'results.json', which is not the file sumsq-compare wrote there"},
        {listing(entry("index.html", "3", sha)), "holds 'results.json', which sumsq-compare did not write"},
        {listing(entry("results.json", "3", sha)) + std::string(2 << 20, ' '), "(File too large)"},
        {listing(entry("results.json", "3", sha)), ""},  // the one that is ours
    }));
    std::ofstream(dir / sumsq::compare::manifest_name, std::ios::binary) << text;
    const std::string reason = sumsq::compare::not_replaceable_reason(dir.string());
    INFO(text.substr(0, 200) << " -> " << reason);
    if (expected.empty()) CHECK(reason.empty());
    else CHECK_THAT(reason, Catch::Contains(expected));
    // Not a regular file: a directory or a link (even to a good manifest) is not one sumsq-compare wrote.
    fs::remove(dir / sumsq::compare::manifest_name);
    std::ofstream(scratch.dir / "good.json") << listing(entry("results.json", "3", sha));
    fs::create_symlink(scratch.dir / "good.json", dir / sumsq::compare::manifest_name);
    CHECK_THAT(sumsq::compare::not_replaceable_reason(dir.string()), Catch::Contains("(it is not a regular file)"));
}

TEST_CASE("out: '.', '..', '/', the current directory and a directory holding it are refused before the sweep") {
    Scratch scratch("out-dot");
    const fs::path here = scratch.dir / "here";
    fs::create_directories(here / "sub");
    const auto spelling = GENERATE(as<std::string>{}, ".", "./", "..", "/", "sub/..", "sub/.", "../here", "link");
    fs::create_symlink(".", here / "link");
    const auto r = run_process("/bin/sh", with({"-c", "cd \"$0\" && exec \"$@\"", here.string(), compare},
                                               with(tiny, {"--out", spelling})), no_plots);
    INFO(spelling << ": " << r.err);
    CHECK(r.exit_code == 2);
    CHECK(lines(r.err).size() == 1);
    CHECK_THAT(r.err, Catch::Contains("names no directory of its own") || Catch::Contains("is the current directory or holds it"));
    CHECK(r.out.empty());
    CHECK(names_in(here) == std::vector<std::string>{"link", "sub"});
    CHECK(names_in(scratch.dir) == std::vector<std::string>{"here"});
}

TEST_CASE("staging: a directory whose lock a live process holds survives another run, and one whose holder died is removed") {
    Scratch scratch("out-lock");
    const fs::path live = scratch.dir / ".sumsq-out-Live01", live_lock = scratch.dir / ".sumsq-out-Live01.lock";
    const fs::path old_format = scratch.dir / ".sumsq-out-99999999-abcdef";  // 0.1.0's, no lock: never guessed at
    fs::create_directories(live);
    fs::create_directories(old_format);
    std::ofstream(live / "results.json") << "{";
    LockHolder holder(live_lock);
    {
        sumsq::compare::OutputDir second((scratch.dir / "out").string());
        CHECK(fs::exists(live / "results.json"));
        CHECK(fs::exists(second.staging()));
        CHECK(fs::exists(second.staging() + ".lock"));
        // Its own lock is held too: a third run in the same parent leaves it alone.
        sumsq::compare::OutputDir third((scratch.dir / "other").string());
        CHECK(fs::exists(second.staging()));
    }
    CHECK(fs::exists(live / "results.json"));
    CHECK(names_in(scratch.dir) == std::vector<std::string>{".sumsq-out-99999999-abcdef", ".sumsq-out-Live01", ".sumsq-out-Live01.lock"});
    holder.release();  // the holder exits: the kernel drops its lock
    {
        sumsq::compare::OutputDir next((scratch.dir / "out").string());
        CHECK_FALSE(fs::exists(live));
        CHECK_FALSE(fs::exists(live_lock));
        CHECK(fs::exists(old_format));
    }
    CHECK(names_in(scratch.dir) == std::vector<std::string>{".sumsq-out-99999999-abcdef"});
}

TEST_CASE("staging: a run started in another PID namespace leaves a live run's staging directory alone") {
    Scratch scratch("out-pidns");
    if (run_process("/bin/sh", {"-c", "command -v unshare >/dev/null && unshare --pid --fork --mount-proc true"}).exit_code != 0) {
        WARN("skipped: cannot make a PID namespace here (needs unshare and root)");
        return;
    }
    // A: a live run, held in its sweep by the hang backend.
    const fs::path err = scratch.dir / "a.err";
    const int null = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
    const int a = spawn(compare, {"--backends", "hang", "--sizes", "1e3", "--workloads", "sum", "--reps", "1", "--rounds", "1", "--timeout", "60",
                                  "--out", (scratch.dir / "a").string()}, null, err.string(), doubles_env);
    ::close(null);
    std::string staging;
    for (const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60); staging.empty() && std::chrono::steady_clock::now() < give_up;) {
        for (const auto& name : names_in(scratch.dir))
            if (name.starts_with(".sumsq-out-") && !name.ends_with(".lock") && fs::exists(scratch.dir / (name + ".lock"))) staging = name;
        if (staging.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    REQUIRE_FALSE(staging.empty());
    // B: in its own PID namespace, where A's PID means nothing.
    const auto b = run_process("unshare", with({"--pid", "--fork", "--mount-proc", compare}, with(tiny, {"--out", (scratch.dir / "b").string()})), no_plots);
    INFO(b.err);
    CHECK(b.exit_code == 0);
    CHECK(fs::is_directory(scratch.dir / staging));
    ::kill(a, SIGINT);
    CHECK(sumsq::test::wait_process(a) == 130);
    CHECK(names_in(scratch.dir) == std::vector<std::string>{"a.err", "b"});
}

TEST_CASE("stdout lost before the sweep (a pipe nobody reads, /dev/full, closed): exit 3, one line, --out untouched") {
    Scratch scratch("out-stdout");
    const fs::path out = scratch.dir / "out", err = scratch.dir / "err";
    const auto [what, expected] = GENERATE(table<std::string, std::string>(
        {{"pipe", "Broken pipe"}, {"full", "No space left on device"}, {"closed", "Bad file descriptor"}}));
    int fd = -1, pipe_fds[2] = {-1, -1};
    if (what == "pipe") {
        REQUIRE(::pipe2(pipe_fds, O_CLOEXEC) == 0);
        ::close(pipe_fds[0]);  // like `| true` once true has exited
        fd = pipe_fds[1];
    } else if (what == "full") {
        fd = ::open("/dev/full", O_WRONLY | O_CLOEXEC);
        REQUIRE(fd >= 0);
    }
    const int pid = spawn(compare, with(tiny, {"--out", out.string()}), fd, err.string(), no_plots);
    if (fd >= 0) ::close(fd);
    CHECK(sumsq::test::wait_process(pid) == 3);
    const std::string message = read(err);
    INFO(message);
    CHECK(lines(message).size() == 1);
    CHECK_THAT(message, Catch::Contains("sumsq-compare: error: writing standard output failed: " + expected));
    CHECK(names_in(scratch.dir) == std::vector<std::string>{"err"});
}

TEST_CASE("stdout lost during the sweep (the reader goes): exit 3, one line, the old --out stays as it was") {
    Scratch scratch("out-epipe");
    const fs::path out = scratch.dir / "out", err = scratch.dir / "err";
    REQUIRE(run_process(compare, with(tiny, {"--out", out.string()}), no_plots).exit_code == 0);
    const auto before = contents(out);
    int pipe_fds[2];
    REQUIRE(::pipe2(pipe_fds, O_CLOEXEC) == 0);
    const int pid = spawn(compare, {"--backends", "serial,hang", "--sizes", "1e3", "--workloads", "sum", "--reps", "1", "--rounds", "1",
                                    "--timeout", "1", "--out", out.string()},
                          pipe_fds[1], err.string(), doubles_env);
    ::close(pipe_fds[1]);
    // Once the hang backend runs, the sweep is under way: the check before it has passed.
    bool sweeping = false;
    for (const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60); !sweeping && std::chrono::steady_clock::now() < give_up;) {
        std::ifstream children(fs::path("/proc") / std::to_string(pid) / "task" / std::to_string(pid) / "children");
        for (std::string child; children >> child && !sweeping;) {
            const std::string cmdline = read(fs::path("/proc") / child / "cmdline");
            sweeping = cmdline.find("sumsq-hang") != std::string::npos && cmdline.find("--describe") == std::string::npos;
        }
        if (!sweeping) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    REQUIRE(sweeping);
    ::close(pipe_fds[0]);  // the reader goes, like `| true`
    CHECK(sumsq::test::wait_process(pid) == 3);
    const std::string message = read(err);
    INFO(message);
    const auto said = lines(message);
    REQUIRE_FALSE(said.empty());
    CHECK_THAT(said.back(), Catch::Contains("sumsq-compare: error: writing standard output failed: Broken pipe"));
    CHECK(std::count_if(said.begin(), said.end(), [](const std::string& l) { return l.find("error") != std::string::npos; }) == 1);
    CHECK(contents(out) == before);
    CHECK(names_in(scratch.dir) == std::vector<std::string>{"err", "out"});
}

TEST_CASE("ulimit -f: a file past the limit is a write failure (exit 3, the reason), nothing left behind, the old --out kept") {
    Scratch scratch("out-fsize");
    const fs::path out = scratch.dir / "fout", big_plot = scratch.dir / "big-gnuplot";
    { std::ofstream(big_plot) << "#!/bin/sh\nexec head -c 300000 /dev/zero > big.svg\n"; }
    fs::permissions(big_plot, fs::perms::owner_all);
    // 2 blocks (1 or 2 KiB): results.json is past it. 64 blocks: the JSON fits, the fake plot does not.
    const auto [limit, gnuplot, expected, existed] = GENERATE_COPY(table<std::string, std::string, std::string, bool>(
        {{"2", "/nonexistent/gnuplot", "writing '" + out.string() + "/results.json' failed: File too large", true},
         {"64", big_plot.string(), "gnuplot was stopped writing the plots: File too large (SIGXFSZ)", false}}));
    if (existed) REQUIRE(run_process(compare, with(tiny, {"--out", out.string()}), no_plots).exit_code == 0);
    const auto before = existed ? contents(out) : std::map<std::string, std::string>{};
    const auto r = run_process("/bin/sh", with({"-c", "ulimit -f \"$0\" && exec \"$@\"", limit, compare}, with(tiny, {"--out", out.string()})),
                               {"SUMSQ_GNUPLOT=" + gnuplot});
    INFO(limit << " " << gnuplot << ": " << r.err);
    CHECK(r.exit_code == 3);
    CHECK(lines(r.err).size() == 1);
    CHECK_THAT(r.err, Catch::Contains(expected) && Catch::Contains("was left as it was"));
    std::vector<std::string> expected_names{"big-gnuplot"};
    if (existed) {
        expected_names.push_back("fout");
        CHECK(contents(out) == before);
    }
    CHECK(names_in(scratch.dir) == expected_names);
}

TEST_CASE("ulimit -n: running out of file descriptors says so and exits 3, leaving nothing behind") {
    Scratch scratch("out-nofile");
    const fs::path out = scratch.dir / "out";
    int refused = 0;
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
    // UBSan's vptr check probes memory through a pipe of its own: with 6 or 8 descriptors there is
    // none left for it, and it reports "invalid vptr" on valid objects. Its runtime needs the headroom.
    const std::vector<const char*> limits{"10", "11", "12", "13", "14", "16"};
#else
    const std::vector<const char*> limits{"6", "8", "10", "11", "12", "13", "14", "16"};
#endif
    for (const char* limit : limits) {
        const auto r = run_process("/bin/sh", with({"-c", "ulimit -n \"$0\" && exec \"$@\"", limit, compare}, with(tiny, {"--out", out.string()})), no_plots);
        INFO("ulimit -n " << limit << ": " << r.err);
        CHECK((r.exit_code == 0 || r.exit_code == 3));
        if (r.exit_code == 3) {
            ++refused;
            CHECK(lines(r.err).size() == 1);
            CHECK_THAT(r.err, Catch::StartsWith("sumsq-compare: error: ") && Catch::Contains("Too many open files"));
            CHECK(names_in(scratch.dir).empty());
        } else {
            fs::remove_all(out);
        }
    }
    CHECK(refused > 0);
}
