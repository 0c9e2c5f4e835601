// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/nostr/LiveActivityPublisher.hpp"

#include <algorithm>

namespace hoststudio::nostr {

std::int64_t LiveActivityPublisher::nextCreatedAt(std::int64_t nowUnixSeconds) const noexcept
{
    if (!lastCreatedAtUnixSeconds_) {
        return nowUnixSeconds;
    }
    return std::max(nowUnixSeconds, *lastCreatedAtUnixSeconds_ + 1);
}

core::Result<Event> LiveActivityPublisher::signNextVersion(const LiveActivity& activity, const SecretKey& secretKey,
                                                           std::int64_t nowUnixSeconds,
                                                           std::optional<AuxRandomness> auxRandomness)
{
    const std::int64_t createdAt = nextCreatedAt(nowUnixSeconds);
    auto eventTemplate = activity.toEventTemplate(createdAt);
    if (!eventTemplate) {
        return eventTemplate.error();
    }
    auto event = sign(eventTemplate.value(), secretKey, auxRandomness);
    if (event) {
        lastCreatedAtUnixSeconds_ = createdAt;
    }
    return event;
}

} // namespace hoststudio::nostr
