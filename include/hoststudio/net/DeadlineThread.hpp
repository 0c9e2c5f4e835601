// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Runs functions at deadlines on its own thread, for the network clients' timeouts and retries
// (RelayPool, SocketIoClient): every function given to it only posts work to the network thread.
// Tasks due at the same time all run, in the order they were scheduled.
//
// Owner: the object that schedules on it; stop() (or the destructor) drops what has not run and
// joins. Thread safety: schedule() and stop() may be called from any thread; the queue is
// guarded by mutex_.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <utility>

namespace hoststudio::net {

class DeadlineThread {
public:
    using Clock = std::chrono::steady_clock;

    DeadlineThread() : thread_([this] { run(); }) {}
    ~DeadlineThread() { stop(); }
    DeadlineThread(const DeadlineThread&) = delete;
    DeadlineThread& operator=(const DeadlineThread&) = delete;
    DeadlineThread(DeadlineThread&&) = delete;
    DeadlineThread& operator=(DeadlineThread&&) = delete;

    void schedule(Clock::time_point when, std::function<void()> work)
    {
        {
            const std::lock_guard lock(mutex_);
            if (stopping_) {
                return;
            }
            queue_.emplace(when, std::move(work));
        }
        wake_.notify_all();
    }

    void stop()
    {
        {
            const std::lock_guard lock(mutex_);
            stopping_ = true;
            queue_.clear();
        }
        wake_.notify_all();
        if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) {
            thread_.join();
        } else if (thread_.joinable()) {
            thread_.detach();
        }
    }

private:
    void run()
    {
        std::unique_lock lock(mutex_);
        while (!stopping_) {
            if (queue_.empty()) {
                wake_.wait(lock);
                continue;
            }
            const auto first = queue_.begin();
            const Clock::time_point when = first->first; // a copy: stop() may free the node meanwhile
            if (Clock::now() < when) {
                wake_.wait_until(lock, when);
                continue;
            }
            std::function<void()> work = std::move(first->second);
            queue_.erase(first);
            lock.unlock();
            work();
            lock.lock();
        }
    }

    std::mutex mutex_;
    std::condition_variable wake_;
    std::multimap<Clock::time_point, std::function<void()>> queue_; // guarded by mutex_
    bool stopping_ = false;                                         // guarded by mutex_
    std::thread thread_;
};

} // namespace hoststudio::net
