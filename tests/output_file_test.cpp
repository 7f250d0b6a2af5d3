// The one writer (src/os/output_file.hpp), in-process: which claims are one file, and a commit of
// several files that fails half-way puts back the ones it had replaced.
#include "contract/errors.hpp"
#include "os/output_file.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace sumsq;

namespace {

struct Dir {
    fs::path path = fs::temp_directory_path() / ("sumsq-output-file-" + std::to_string(::getpid()));
    Dir() {
        fs::remove_all(path);
        fs::create_directories(path);
    }
    ~Dir() { fs::remove_all(path); }
    std::string operator/(const std::string& name) const { return (path / name).string(); }
};

std::string text_of(const std::string& path) {
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::size_t entries(const fs::path& dir) {
    return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
}

}  // namespace

TEST_CASE("output files: two claims that are one file are refused, whatever the spelling") {
    Dir dir;
    std::ofstream(dir / "old.json") << "old";
    fs::create_directory(dir / "sub");
    fs::create_directory_symlink(dir.path / "sub", dir.path / "via");
    fs::create_symlink("old.json", dir.path / "link.json");
    fs::create_hard_link(dir.path / "old.json", dir.path / "hard.json");
    const auto [first, second] = GENERATE_REF(table<std::string, std::string>({
        {dir / "old.json", dir / "./old.json"},
        {dir / "old.json", dir / "link.json"},
        {dir / "old.json", dir / "hard.json"},
        {dir / "sub/new.svg", dir / "via/new.svg"},  // not there yet: its directory and name
        {dir / "sub/new.svg", dir / "sub/../sub/new.svg"},
    }));
    INFO(first << " and " << second);
    OutputFiles outputs;
    outputs.claim("--trace", first);
    REQUIRE_THROWS_AS(outputs.claim("--timeline", second), UsageError);
    REQUIRE_THROWS_WITH(outputs.claim("--timeline", second), Catch::Contains("is the same file as --trace"));
    OutputFiles others;  // different files are fine
    others.claim("--trace", first);
    others.claim("--timeline", dir / "sub/other.svg");
}

TEST_CASE("output files: committed together, or a failure half-way puts back what was replaced") {
    Dir dir;
    fs::create_directory(dir / "b");
    std::ofstream(dir / "a.json") << "old a";
    {
        OutputFiles outputs;
        OutputFile& a = outputs.claim("--trace", dir / "a.json");
        OutputFile& b = outputs.claim("--timeline", dir / "b/b.svg");
        a.write("new a");
        b.write("new b");
        CHECK(text_of(dir / "a.json") == "old a");  // written is not committed
        REQUIRE(entries(dir.path / "b") == 1);  // b's temporary, removed behind its back: b's commit fails
        fs::remove(fs::directory_iterator(dir.path / "b")->path());
        REQUIRE_THROWS_WITH(outputs.commit(), Catch::Contains("--timeline: writing"));
        CHECK(text_of(dir / "a.json") == "old a");  // a was replaced, then put back
    }
    CHECK(entries(dir.path) == 2);  // a.json and b/: no temporary left
    CHECK(entries(dir.path / "b") == 0);
    fs::remove(dir.path / "b");
    {
        OutputFiles outputs;
        OutputFile& a = outputs.claim("--trace", dir / "a.json");
        OutputFile& c = outputs.claim("--timeline", dir / "c.svg");
        a.write("new a");
        c.write("new c");
        outputs.commit();
    }
    CHECK(text_of(dir / "a.json") == "new a");
    CHECK(text_of(dir / "c.svg") == "new c");
    CHECK(entries(dir.path) == 2);
    {  // claimed and written but never committed (the run failed): nothing changes
        OutputFiles outputs;
        outputs.claim("--trace", dir / "a.json").write("newer a");
    }
    CHECK(text_of(dir / "a.json") == "new a");
    CHECK(entries(dir.path) == 2);
}
