// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/session/QtScheduler.hpp"

#include <QMetaObject>
#include <QPointer>
#include <QTimer>

#include <chrono>

namespace hoststudio::session {

QtScheduler::QtScheduler(QObject* context) : context_(context)
{}

QtScheduler::~QtScheduler()
{
    for (const auto& [id, timer] : timers_) {
        timer->stop();
        timer->deleteLater();
    }
}

Scheduler::TimerId QtScheduler::schedule(std::chrono::milliseconds delay, std::function<void()> task)
{
    const TimerId id = nextId_++;
    auto* timer = new QTimer(context_); // owned by the context; deleted when it fires or is cancelled
    timer->setSingleShot(true);
    timer->setTimerType(Qt::PreciseTimer);
    const std::weak_ptr<int> alive = alive_;
    QObject::connect(timer, &QTimer::timeout, context_, [this, alive, id, timer, task = std::move(task)] {
        if (!alive.lock()) {
            return;
        }
        timers_.erase(id);
        timer->deleteLater();
        task();
    });
    timers_.emplace(id, timer);
    timer->start(static_cast<int>(std::max<std::chrono::milliseconds::rep>(0, delay.count())));
    return id;
}

void QtScheduler::cancel(TimerId timer)
{
    const auto found = timers_.find(timer);
    if (found == timers_.end()) {
        return;
    }
    found->second->stop();
    found->second->deleteLater();
    timers_.erase(found);
}

void QtScheduler::post(std::function<void()> task)
{
    const std::weak_ptr<int> alive = alive_;
    QMetaObject::invokeMethod(
        context_,
        [alive, task = std::move(task)] {
            if (alive.lock()) {
                task();
            }
        },
        Qt::QueuedConnection);
}

std::int64_t QtScheduler::nowUnixSeconds() const
{
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

} // namespace hoststudio::session
