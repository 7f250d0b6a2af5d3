// first_exception.hpp — carries the first exception thrown on a worker back to the caller
// (an exception escaping a std::thread or an OpenMP region would call std::terminate).
#pragma once

#include <exception>
#include <mutex>
#include <utility>

namespace sumsq {

class FirstException {
public:
    // Runs body(); if it throws, keeps the exception (the first one wins) instead of propagating.
    template <class Body>
    void capture(Body&& body) noexcept {
        try {
            body();
        } catch (...) {
            const std::lock_guard lock(mutex_);
            if (!first_) first_ = std::current_exception();
        }
    }
    // On the calling thread, after the workers have joined.
    void rethrow() {
        if (first_) std::rethrow_exception(std::exchange(first_, nullptr));
    }

private:
    std::mutex mutex_;
    std::exception_ptr first_;
};

}  // namespace sumsq
