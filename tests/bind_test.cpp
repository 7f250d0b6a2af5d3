// --bind (src/contract/bind.hpp): which CPU worker k of P belongs on, and pinning a thread there.
#include "contract/bind.hpp"
#include "os/cpus.hpp"

#include <catch2/catch.hpp>

#include <sched.h>
#include <system_error>
#include <thread>
#include <vector>

using namespace sumsq;

TEST_CASE("bind: close packs workers on consecutive CPUs, spread spaces them evenly") {
    const Binding close{BindPolicy::close, {0, 1, 2, 3, 4, 5, 6, 7}};
    const Binding spread{BindPolicy::spread, {0, 1, 2, 3, 4, 5, 6, 7}};
    std::vector<int> c, s;
    for (unsigned k = 0; k < 4; ++k) c.push_back(close.cpu(k, 4)), s.push_back(spread.cpu(k, 4));
    REQUIRE(c == std::vector<int>{0, 1, 2, 3});
    REQUIRE(s == std::vector<int>{0, 2, 4, 6});
    // More workers than CPUs: close deals round robin, spread keeps neighbours together.
    std::vector<int> c16, s16;
    for (unsigned k = 0; k < 4; ++k) c16.push_back(Binding{BindPolicy::close, {3, 5}}.cpu(k, 4)), s16.push_back(Binding{BindPolicy::spread, {3, 5}}.cpu(k, 4));
    REQUIRE(c16 == std::vector<int>{3, 5, 3, 5});
    REQUIRE(s16 == std::vector<int>{3, 3, 5, 5});
    for (unsigned p = 1; p <= 16; ++p)
        for (unsigned k = 0; k < p; ++k) {
            const int cpu = spread.cpu(k, p);
            REQUIRE((cpu >= 0 && cpu <= 7));
        }
}

TEST_CASE("bind: refused with a reason when there is nothing to choose") {
    CHECK_FALSE(Binding{BindPolicy::none, {0, 1}}.active());
    CHECK(Binding{BindPolicy::close, {2}}.refusal() == "only CPU 2 is allowed: there is nothing to choose");
    CHECK(Binding{BindPolicy::spread, {0, 1}}.active());
}

TEST_CASE("bind: a pinned thread runs on its CPU only") {
    const std::vector<int> allowed = allowed_cpus();
    if (allowed.size() < 2) {
        WARN("one CPU allowed: pinning has nothing to show here");
        return;
    }
    const Binding bind{BindPolicy::close, allowed};
    for (unsigned k = 0; k < 2; ++k) {
        int seen = -1, mask_count = 0;
        std::thread([&] {
            bind.pin(k, 2);
            cpu_set_t set;
            CPU_ZERO(&set);
            ::sched_getaffinity(0, sizeof set, &set);
            mask_count = CPU_COUNT(&set);
            seen = ::sched_getcpu();
        }).join();
        CHECK(mask_count == 1);
        CHECK(seen == bind.cpu(k, 2));
    }
    // A CPU this machine does not have cannot be pinned to: an error, not silence.
    bool threw = false;
    std::thread([&] {
        try {
            Binding{BindPolicy::close, {1022, 1023}}.pin(0, 1);
        } catch (const std::system_error&) {
            threw = true;
        }
    }).join();
    CHECK(threw);
}
