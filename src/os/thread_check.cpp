#include "thread_check.hpp"

#include <fmt/format.h>

#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <string_view>
#include <system_error>
#include <thread>
#include <vector>

namespace sumsq {

void check_threads_can_start(unsigned threads) {
    if (threads <= 1) return;
    std::mutex mutex;
    std::condition_variable changed;
    unsigned running = 0;
    bool release = false;
    std::vector<std::thread> started;
    started.reserve(threads - 1);
    std::string failure;
    try {
        for (unsigned k = 1; k < threads; ++k)
            started.emplace_back([&] {
                std::unique_lock lock(mutex);
                ++running;
                changed.notify_all();
                changed.wait(lock, [&] { return release; });
            });
    } catch (const std::system_error& e) {
        failure = e.code().message();
    }
    {
        std::unique_lock lock(mutex);
        if (failure.empty()) changed.wait(lock, [&] { return running == started.size(); });
        release = true;
    }
    changed.notify_all();
    for (auto& t : started) t.join();
    if (!failure.empty()) throw std::runtime_error(fmt::format("could not start {} threads: {}", threads, failure));
}

bool is_thread_start_failure(const std::exception& e) {
    if (const auto* system = dynamic_cast<const std::system_error*>(&e))
        return system->code() == std::errc::resource_unavailable_try_again;
    return std::string_view(e.what()).find("pthread_create") != std::string_view::npos;
}

std::string failure_text(const std::exception& e) {
    const auto* system = dynamic_cast<const std::system_error*>(&e);
    if (!is_thread_start_failure(e)) return e.what();
    return "could not start a thread: " + (system ? system->code().message() : std::string(e.what()));
}

}  // namespace sumsq
