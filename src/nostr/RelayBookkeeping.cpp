// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/nostr/RelayBookkeeping.hpp"

#include <algorithm>

namespace hoststudio::nostr {

std::string_view toString(PublishOutcomeKind kind) noexcept
{
    switch (kind) {
    case PublishOutcomeKind::accepted: return "accepted";
    case PublishOutcomeKind::duplicate: return "duplicate";
    case PublishOutcomeKind::rejected: return "rejected";
    case PublishOutcomeKind::timedOut: return "timedOut";
    case PublishOutcomeKind::unreachable: return "unreachable";
    }
    return "unknown";
}

PublishOutcome classifyOk(std::string_view relayUrl, const RelayOkMessage& ok)
{
    const Reason reason = ok.reason();
    PublishOutcome outcome;
    outcome.relayUrl = std::string(relayUrl);
    outcome.prefix = reason.prefix;
    outcome.reason = reason.text;
    if (ok.accepted) {
        outcome.kind =
            reason.prefix == ReasonPrefix::duplicate ? PublishOutcomeKind::duplicate : PublishOutcomeKind::accepted;
    } else {
        outcome.kind = PublishOutcomeKind::rejected;
    }
    return outcome;
}

bool EventDeduplicator::firstSighting(const std::string& eventId)
{
    if (!seen_.insert(eventId).second) {
        return false;
    }
    order_.push_back(eventId);
    while (order_.size() > capacity_) {
        seen_.erase(order_.front());
        order_.pop_front();
    }
    return true;
}

EoseTracker::EoseTracker(std::vector<std::string> relayUrls) : relays_(std::move(relayUrls))
{
    std::sort(relays_.begin(), relays_.end());
    relays_.erase(std::unique(relays_.begin(), relays_.end()), relays_.end());
}

bool EoseTracker::markDone(const std::string& relayUrl)
{
    if (std::find(relays_.begin(), relays_.end(), relayUrl) == relays_.end()) {
        return false;
    }
    done_.insert(relayUrl);
    if (allDone() && !reported_) {
        reported_ = true;
        return true;
    }
    return false;
}

bool EoseTracker::isDone(const std::string& relayUrl) const
{
    return done_.contains(relayUrl);
}

std::vector<std::string> EoseTracker::pending() const
{
    std::vector<std::string> result;
    for (const std::string& relay : relays_) {
        if (!done_.contains(relay)) {
            result.push_back(relay);
        }
    }
    return result;
}

} // namespace hoststudio::nostr
