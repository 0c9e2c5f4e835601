// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// TimerThread: runs delayed tasks (retry back-offs, status polls) on one thread of its own. The
// tasks only start requests or post work elsewhere; they never block.
//
// A task is called once: with `cancelled == false` when its time has come, or with `true` when
// cancelAll() or the destructor drops it (then on the thread that cancels). Tasks run without the
// internal lock held, so a task may schedule another one.
//
// Owner: the object that schedules (CloudinaryClient, StatusPoller). Thread safety: every method
// may be called from any thread. Destroying it from one of its own tasks is allowed (the thread
// is then detached and ends after that task).

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>

namespace hoststudio::cloud::detail {

class TimerThread {
public:
    using Task = std::function<void(bool cancelled)>;

    TimerThread();
    ~TimerThread();
    TimerThread(const TimerThread&) = delete;
    TimerThread& operator=(const TimerThread&) = delete;
    TimerThread(TimerThread&&) = delete;
    TimerThread& operator=(TimerThread&&) = delete;

    void schedule(std::chrono::milliseconds delay, Task task);
    // Drops every pending task, calling each with `cancelled == true`.
    void cancelAll();

    struct Core;

private:
    std::shared_ptr<Core> core_;
};

} // namespace hoststudio::cloud::detail
