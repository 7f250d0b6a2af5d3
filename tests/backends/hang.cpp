// hang — a test-only backend that never finishes, so the tests can prove that sumsq-compare
// kills a backend past --timeout (and on Ctrl-C) and reports it.
#include "contract/backend.hpp"

#include <chrono>
#include <thread>

namespace {

class Hang final : public sumsq::Backend {
public:
    sumsq::u128 reduce(const sumsq::Work&) override {
        std::this_thread::sleep_for(std::chrono::hours(1));
        return 0;
    }
    void run_tasks(std::size_t, const std::function<void(std::size_t)>&) override {
        std::this_thread::sleep_for(std::chrono::hours(1));
    }
    unsigned workers() const override { return 1; }
};

}  // namespace

const sumsq::BackendInfo sumsq::backend_info{
    .name = "hang",
    .model = "test only: never finishes",
    .thread_model = ThreadModel::one_thread,
    .one_thread_reason = "it is a test double",
};

std::unique_ptr<sumsq::Backend> sumsq::make_backend(const BackendConfig&) { return std::make_unique<Hang>(); }
