// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The Scheduler of the studio and the CLI: tasks and timers on the thread of a QObject (the Qt main
// thread), wall-clock Unix time. post() may be called from any thread; schedule() and cancel() on
// the context's thread. Destroying the scheduler cancels its timers; tasks posted to a scheduler that
// is gone are dropped.

#include "hoststudio/session/Parts.hpp"

#include <QObject>

#include <map>
#include <memory>

class QTimer;

namespace hoststudio::session {

class QtScheduler final : public Scheduler {
public:
    explicit QtScheduler(QObject* context);
    ~QtScheduler() override;
    QtScheduler(const QtScheduler&) = delete;
    QtScheduler& operator=(const QtScheduler&) = delete;
    QtScheduler(QtScheduler&&) = delete;
    QtScheduler& operator=(QtScheduler&&) = delete;

    TimerId schedule(std::chrono::milliseconds delay, std::function<void()> task) override;
    void cancel(TimerId timer) override;
    void post(std::function<void()> task) override;
    [[nodiscard]] std::int64_t nowUnixSeconds() const override;

private:
    QObject* context_;
    std::shared_ptr<int> alive_ = std::make_shared<int>(0);
    TimerId nextId_ = 1;
    std::map<TimerId, QTimer*> timers_;
};

} // namespace hoststudio::session
