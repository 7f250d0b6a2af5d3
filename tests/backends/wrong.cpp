// wrong — a test-only backend with a deliberately wrong kernel (off by one for 2 or more units), so the
// tests can prove that a wrong result is caught: MISMATCH, both numbers, exit code 1.
#include "contract/backend.hpp"

namespace {

class Wrong final : public sumsq::Backend {
public:
    sumsq::u128 reduce(const sumsq::Work& work) override { return work.sum(0, work.count()) + (work.count() >= 2 ? 1 : 0); }
    void run_tasks(std::size_t count, const std::function<void(std::size_t)>& task) override {
        for (std::size_t k = 0; k < count; ++k) task(k);
    }
    unsigned workers() const override { return 1; }
};

}  // namespace

const sumsq::BackendInfo sumsq::backend_info{
    .name = "wrong",
    .model = "test only: a deliberately wrong kernel",
    .thread_model = ThreadModel::one_thread,
    .one_thread_reason = "it is a test double",
};

std::unique_ptr<sumsq::Backend> sumsq::make_backend(const BackendConfig&) { return std::make_unique<Wrong>(); }
