// The memory cgroup check (src/os/memory_check.hpp): finding this process's memory cgroup from the
// text of /proc/self/cgroup and /proc/self/mountinfo, and the tightest limit up its ancestors.
#include "os/memory_check.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace sumsq;

namespace {

// A v1 hybrid system (cgroup2 mounted too, holding no controller), as on Debian 11 and this VM.
const char* hybrid_cgroup = "9:name=systemd:/\n8:pids:/\n4:memory:/process_api/08b1\n3:cpuset:/\n0::/\n";
const char* hybrid_mountinfo =
    "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
    "34 31 0:31 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset\n"
    "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime shared:9 - cgroup cgroup rw,memory\n"
    "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";

// Unified v2 (Debian 12, systemd), and a container that sees only its own subtree mounted.
const char* v2_cgroup = "0::/user.slice/user-1000.slice/session-2.scope\n";
const char* v2_mountinfo =
    "22 1 8:1 / / rw,relatime - ext4 /dev/sda1 rw\n"
    "30 22 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot\n";
const char* container_cgroup = "0::/docker/abc\n";
const char* container_mountinfo = "500 490 0:26 /docker/abc /sys/fs/cgroup ro,nosuid - cgroup2 cgroup rw\n";

void write(const fs::path& file, const std::string& text) {
    fs::create_directories(file.parent_path());
    std::ofstream(file) << text;
}

}  // namespace

TEST_CASE("memory cgroup: found from /proc/self/cgroup and mountinfo, v1 or v2") {
    const auto hybrid = find_memory_cgroup(hybrid_cgroup, hybrid_mountinfo);
    REQUIRE(hybrid);
    CHECK(hybrid->dir == "/sys/fs/cgroup/memory/process_api/08b1");
    CHECK(hybrid->mount_root == "/sys/fs/cgroup/memory");
    CHECK_FALSE(hybrid->v2);
    const auto v2 = find_memory_cgroup(v2_cgroup, v2_mountinfo);
    REQUIRE(v2);
    CHECK(v2->dir == "/sys/fs/cgroup/user.slice/user-1000.slice/session-2.scope");
    CHECK(v2->v2);
    const auto container = find_memory_cgroup(container_cgroup, container_mountinfo);  // the mount's root is the cgroup
    REQUIRE(container);
    CHECK(container->dir == "/sys/fs/cgroup");
    const auto root = find_memory_cgroup("0::/\n", v2_mountinfo);
    REQUIRE(root);
    CHECK(root->dir == "/sys/fs/cgroup");
    const auto spaced = find_memory_cgroup("0::/a b\n", "30 22 0:26 / /mnt/cg\\040two rw - cgroup2 cgroup2 rw\n");
    REQUIRE(spaced);
    CHECK(spaced->dir == "/mnt/cg two/a b");
    CHECK_FALSE(find_memory_cgroup("1:cpu:/\n", hybrid_mountinfo));  // no memory controller: no check
    CHECK_FALSE(find_memory_cgroup("", ""));
    CHECK_FALSE(find_memory_cgroup("garbage\n::\n", "garbage - \n"));
}

TEST_CASE("memory cgroup: the tightest limit up the ancestors, page cache it can drop not counted") {
    const fs::path top = fs::temp_directory_path() / ("sumsq-cgroup-" + std::to_string(::getpid()));
    fs::remove_all(top);
    SECTION("v2") {
        write(top / "memory.max", "max\n");  // the mount root: no limit
        write(top / "a/memory.max", "1000000\n");
        write(top / "a/memory.current", "600000\n");
        write(top / "a/memory.stat", "anon 400000\nfile 200000\ninactive_file 100000\n");
        write(top / "a/b/memory.max", "max\n");
        write(top / "a/b/memory.current", "10\n");
        const auto limit = cgroup_memory_limit({(top / "a/b").string(), top.string(), true});
        REQUIRE(limit);
        CHECK(limit->dir == (top / "a").string());
        CHECK(limit->limit_file == "memory.max");
        CHECK(limit->limit == 1000000);
        CHECK(limit->usage == 600000);
        CHECK(limit->free() == 1000000 - 600000 + 100000);
        write(top / "a/b/memory.max", "300000\n");  // tighter, lower down
        CHECK(cgroup_memory_limit({(top / "a/b").string(), top.string(), true})->free() == 300000 - 10);
        write(top / "a/memory.max", "max\n");
        write(top / "a/b/memory.max", "max\n");
        CHECK_FALSE(cgroup_memory_limit({(top / "a/b").string(), top.string(), true}));
    }
    SECTION("v1: 'unlimited' is about 2^63, usage is hierarchical") {
        write(top / "memory.limit_in_bytes", "9223372036854771712\n");
        write(top / "x/memory.limit_in_bytes", "314572800\n");
        write(top / "x/memory.usage_in_bytes", "314572800\n");  // all of it in use, half reclaimable
        write(top / "x/memory.stat", "cache 1\ninactive_file 5\ntotal_inactive_file 157286400\n");
        const auto limit = cgroup_memory_limit({(top / "x").string(), top.string(), false});
        REQUIRE(limit);
        CHECK(limit->limit_file == "memory.limit_in_bytes");
        CHECK(limit->usage_file == "memory.usage_in_bytes");
        CHECK(limit->free() == 157286400);
        write(top / "x/memory.limit_in_bytes", "9223372036854771712\n");
        CHECK_FALSE(cgroup_memory_limit({(top / "x").string(), top.string(), false}));
    }
    SECTION("over the limit: nothing free") {
        write(top / "memory.max", "100\n");
        write(top / "memory.current", "150\n");
        CHECK(cgroup_memory_limit({top.string(), top.string(), true})->free() == 0);
    }
    fs::remove_all(top);
}
