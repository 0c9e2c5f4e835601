// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/cloud/StatusPoller.hpp"

#include "TimerThread.hpp"
#include "hoststudio/cloud/CloudError.hpp"

#include <algorithm>
#include <mutex>

namespace hoststudio::cloud {

struct StatusPoller::Core : std::enable_shared_from_this<StatusPoller::Core> {
    IngestProvider& provider;
    IngestEndpoint endpoint;
    StatusPollerSettings settings;
    ChangeCallback onChange;
    ErrorCallback onError;
    detail::TimerThread timers;

    std::recursive_mutex delivery; // held while a callback runs; stop() waits for it
    mutable std::mutex mutex;      // guards the fields below
    bool running = false;
    std::uint64_t generation = 0;
    std::optional<IngestStatus> last;
    std::chrono::milliseconds interval{0};
    std::chrono::milliseconds next{0};

    Core(IngestProvider& polled, IngestEndpoint target, StatusPollerSettings pollerSettings, ChangeCallback changed,
         ErrorCallback failed)
        : provider(polled), endpoint(std::move(target)), settings(pollerSettings), onChange(std::move(changed)),
          onError(std::move(failed)), interval(pollerSettings.initialInterval)
    {}

    void schedule(std::chrono::milliseconds delay, std::uint64_t forGeneration)
    {
        timers.schedule(delay, [weak = weak_from_this(), forGeneration](bool cancelled) {
            if (cancelled) {
                return;
            }
            if (auto core = weak.lock()) {
                core->poll(forGeneration);
            }
        });
    }

    void poll(std::uint64_t forGeneration)
    {
        {
            std::lock_guard lock(mutex);
            if (!running || generation != forGeneration) {
                return;
            }
        }
        provider.status(endpoint, [weak = weak_from_this(), forGeneration](core::Result<IngestStatus> status) {
            if (auto core = weak.lock()) {
                core->onResult(forGeneration, std::move(status));
            }
        });
    }

    void onResult(std::uint64_t forGeneration, core::Result<IngestStatus> status)
    {
        std::lock_guard deliveryLock(delivery);
        bool changed = false;
        std::chrono::milliseconds wait{0};
        {
            std::lock_guard lock(mutex);
            if (!running || generation != forGeneration) {
                return;
            }
            changed = status.ok() && (!last || !(*last == status.value()));
            if (changed) {
                last = status.value();
                interval = settings.initialInterval;
            } else {
                const auto grown = std::chrono::milliseconds(
                    static_cast<std::int64_t>(static_cast<double>(interval.count()) * settings.factor));
                interval = std::min(std::max(grown, interval), settings.maxInterval);
            }
            wait = changed ? settings.initialInterval : interval;
            next = wait;
        }
        if (!status) {
            qCInfo(lcCloud).noquote() << "status of" << QString::fromStdString(endpoint.provider) << "stream"
                                      << QString::fromStdString(endpoint.streamId)
                                      << "unavailable:" << QString::fromStdString(status.error().describe());
            if (onError) {
                onError(status.error());
            }
        } else if (changed && onChange) {
            onChange(status.value());
        }
        std::lock_guard lock(mutex);
        if (running && generation == forGeneration) {
            schedule(wait, forGeneration);
        }
    }
};

StatusPoller::StatusPoller(IngestProvider& provider, IngestEndpoint endpoint, StatusPollerSettings settings,
                           ChangeCallback onChange, ErrorCallback onError)
    : core_(std::make_shared<Core>(provider, std::move(endpoint), settings, std::move(onChange), std::move(onError)))
{
    core_->settings.initialInterval = std::max(core_->settings.initialInterval, std::chrono::milliseconds(1));
    core_->settings.maxInterval = std::max(core_->settings.maxInterval, core_->settings.initialInterval);
    core_->settings.factor = std::max(core_->settings.factor, 1.0);
    core_->interval = core_->settings.initialInterval;
}

StatusPoller::~StatusPoller()
{
    stop();
}

void StatusPoller::start()
{
    std::uint64_t generation = 0;
    {
        std::lock_guard lock(core_->mutex);
        if (core_->running) {
            return;
        }
        core_->running = true;
        generation = ++core_->generation;
        core_->last.reset();
        core_->interval = core_->settings.initialInterval;
    }
    core_->schedule(std::chrono::milliseconds(0), generation);
}

std::chrono::milliseconds StatusPoller::nextInterval() const
{
    std::lock_guard lock(core_->mutex);
    return core_->next;
}

void StatusPoller::stop()
{
    {
        std::lock_guard lock(core_->mutex);
        core_->running = false;
        ++core_->generation;
    }
    core_->timers.cancelAll();
    // A callback being delivered on another thread finishes before stop() returns.
    std::lock_guard deliveryLock(core_->delivery);
}

} // namespace hoststudio::cloud
