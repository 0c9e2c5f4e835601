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
    case PublishOutcomeKind::notSent: return "notSent";
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

namespace {

std::string limitText(const char* field, std::uint64_t value)
{
    return std::string("the relay's NIP-11 ") + field + " is " + std::to_string(value);
}

} // namespace

std::optional<std::string> eventRefusal(const RelayLimitation& limits, const Event& event, std::size_t frameBytes,
                                        bool haveAuthKey)
{
    if (limits.maxMessageLength && frameBytes > *limits.maxMessageLength) {
        return "the event is " + std::to_string(frameBytes) + " bytes on the wire and " +
               limitText("max_message_length", *limits.maxMessageLength) +
               " (the relay would drop the connection): make the event smaller or publish it elsewhere";
    }
    if (limits.maxContentLength && event.content.size() > *limits.maxContentLength) {
        return "the event's content is " + std::to_string(event.content.size()) + " bytes and " +
               limitText("max_content_length", *limits.maxContentLength) + ": shorten the content";
    }
    if (limits.maxEventTags && event.tags.size() > *limits.maxEventTags) {
        return "the event has " + std::to_string(event.tags.size()) + " tags and " +
               limitText("max_event_tags", *limits.maxEventTags) + ": drop some tags";
    }
    if (limits.authRequired && !haveAuthKey) {
        return std::string("the relay's NIP-11 says auth_required (NIP-42) and no key is set to authenticate with: "
                           "configure a Nostr key or remove the relay");
    }
    return std::nullopt;
}

std::optional<std::string> requestRefusal(const RelayLimitation& limits, std::size_t filterCount,
                                          std::size_t frameBytes, bool haveAuthKey)
{
    if (limits.maxMessageLength && frameBytes > *limits.maxMessageLength) {
        return "the REQ is " + std::to_string(frameBytes) + " bytes on the wire and " +
               limitText("max_message_length", *limits.maxMessageLength) + ": ask for fewer ids, authors or tags";
    }
    if (limits.maxFilters && filterCount > *limits.maxFilters) {
        return "the REQ has " + std::to_string(filterCount) + " filters and " +
               limitText("max_filters", *limits.maxFilters) + ": split it into several subscriptions";
    }
    if (limits.authRequired && !haveAuthKey) {
        return std::string("the relay's NIP-11 says auth_required (NIP-42) and no key is set to authenticate with: "
                           "configure a Nostr key or remove the relay");
    }
    return std::nullopt;
}

std::vector<Filter> clampToMaxLimit(std::vector<Filter> filters, const RelayLimitation& limits)
{
    if (!limits.maxLimit) {
        return filters;
    }
    for (Filter& filter : filters) {
        if (filter.limit && *filter.limit > *limits.maxLimit) {
            filter.limit = *limits.maxLimit;
        }
    }
    return filters;
}

bool SubscriptionSlots::request(const std::string& id)
{
    if (isOpen(id) || isWaiting(id)) {
        return false;
    }
    if (waiting_.empty() && hasFreeSlot()) {
        open_.push_back(id);
        return true;
    }
    waiting_.push_back(id);
    return false;
}

std::vector<std::string> SubscriptionSlots::release(const std::string& id)
{
    if (const auto found = std::find(waiting_.begin(), waiting_.end(), id); found != waiting_.end()) {
        waiting_.erase(found);
        return {};
    }
    const auto found = std::find(open_.begin(), open_.end(), id);
    if (found == open_.end()) {
        return {};
    }
    open_.erase(found);
    return admitWaiting();
}

std::vector<std::string> SubscriptionSlots::admitWaiting()
{
    std::vector<std::string> admitted;
    while (!waiting_.empty() && hasFreeSlot()) {
        open_.push_back(waiting_.front());
        admitted.push_back(std::move(waiting_.front()));
        waiting_.pop_front();
    }
    return admitted;
}

void SubscriptionSlots::reset() noexcept
{
    open_.clear();
    waiting_.clear();
}

bool SubscriptionSlots::isOpen(const std::string& id) const
{
    return std::find(open_.begin(), open_.end(), id) != open_.end();
}

bool SubscriptionSlots::isWaiting(const std::string& id) const
{
    return std::find(waiting_.begin(), waiting_.end(), id) != waiting_.end();
}

} // namespace hoststudio::nostr
