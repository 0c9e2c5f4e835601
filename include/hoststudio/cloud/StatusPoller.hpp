// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// StatusPoller: keeps the studio's view of an ingest in step with the provider while preparing
// and live (Cloudinary takes up to about a minute from the first push to `active`).
//
// It asks provider.status(endpoint) at once, then again after `initialInterval`; while nothing
// changes (or a poll fails) the interval grows by `factor` up to `maxInterval`, and a change brings
// it back to `initialInterval`. Each change of status (the first answer included) is reported
// through onChange; each failed poll through onError (polling goes on). stop() or the destructor
// ends it; a poll in flight is then ignored.
//
// Callbacks run on the thread the provider answers on (the network thread, or the poller's own
// timer thread for providers that answer at once), one at a time, never after stop() returned.
//
// Owner: the controller; the provider must outlive the poller.
// Thread safety: start/stop from any thread.

#include "hoststudio/cloud/IngestProvider.hpp"

#include <chrono>
#include <functional>
#include <memory>

namespace hoststudio::cloud {

struct StatusPollerSettings {
    std::chrono::milliseconds initialInterval{2000};
    std::chrono::milliseconds maxInterval{15000};
    double factor = 1.5;
};

class StatusPoller {
public:
    using ChangeCallback = std::function<void(const IngestStatus&)>;
    using ErrorCallback = std::function<void(const core::Error&)>;

    StatusPoller(IngestProvider& provider, IngestEndpoint endpoint, StatusPollerSettings settings,
                 ChangeCallback onChange, ErrorCallback onError = {});
    ~StatusPoller();
    StatusPoller(const StatusPoller&) = delete;
    StatusPoller& operator=(const StatusPoller&) = delete;
    StatusPoller(StatusPoller&&) = delete;
    StatusPoller& operator=(StatusPoller&&) = delete;

    void start();
    void stop();
    // The wait before the next poll as last decided (for a "next check in 6 s" hint and tests).
    [[nodiscard]] std::chrono::milliseconds nextInterval() const;

    struct Core;

private:
    std::shared_ptr<Core> core_;
};

} // namespace hoststudio::cloud
