// SPDX-License-Identifier: GPL-2.0-or-later
#include "TimerThread.hpp"

#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace hoststudio::cloud::detail {

struct TimerThread::Core {
    std::mutex mutex;
    std::condition_variable wake;
    std::multimap<std::chrono::steady_clock::time_point, Task> pending;
    bool stopping = false;
    std::thread thread;

    std::vector<Task> takeAll()
    {
        std::vector<Task> taken;
        std::lock_guard lock(mutex);
        for (auto& entry : pending) {
            taken.push_back(std::move(entry.second));
        }
        pending.clear();
        return taken;
    }

    static void run(const std::shared_ptr<Core>& core)
    {
        std::unique_lock lock(core->mutex);
        while (!core->stopping) {
            if (core->pending.empty()) {
                core->wake.wait(lock);
                continue;
            }
            const auto due = core->pending.begin()->first;
            if (std::chrono::steady_clock::now() < due) {
                core->wake.wait_until(lock, due);
                continue;
            }
            Task task = std::move(core->pending.begin()->second);
            core->pending.erase(core->pending.begin());
            lock.unlock();
            task(false);
            lock.lock();
        }
    }
};

TimerThread::TimerThread() : core_(std::make_shared<Core>())
{
    core_->thread = std::thread([core = core_] { Core::run(core); });
}

TimerThread::~TimerThread()
{
    {
        std::lock_guard lock(core_->mutex);
        core_->stopping = true;
    }
    core_->wake.notify_all();
    for (Task& task : core_->takeAll()) {
        task(true);
    }
    if (core_->thread.get_id() == std::this_thread::get_id()) {
        core_->thread.detach(); // the loop holds its own reference to the core and ends after this task
    } else if (core_->thread.joinable()) {
        core_->thread.join();
    }
}

void TimerThread::schedule(std::chrono::milliseconds delay, Task task)
{
    {
        std::lock_guard lock(core_->mutex);
        if (!core_->stopping) {
            core_->pending.emplace(std::chrono::steady_clock::now() + delay, std::move(task));
            task = nullptr;
        }
    }
    if (task) {
        task(true);
        return;
    }
    core_->wake.notify_all();
}

void TimerThread::cancelAll()
{
    for (Task& task : core_->takeAll()) {
        task(true);
    }
}

} // namespace hoststudio::cloud::detail
