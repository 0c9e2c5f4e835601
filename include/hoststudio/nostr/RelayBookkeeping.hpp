// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The pure bookkeeping of the relay pool, kept apart so it is tested without sockets:
//
// - PublishOutcome and classifyOk(): what one relay's OK answer to a published event means
//   (accepted, duplicate = OK true with "duplicate:", rejected with the prefix and reason).
// - EventDeduplicator: "have we delivered this event id already?" across every relay of a
//   subscription; bounded (the oldest ids are forgotten first).
// - EoseTracker: which relays have ended their stored events (EOSE), or are out of the game
//   (failed, CLOSED), and whether all of them have.
// - The NIP-11 limits of one relay (RelayLimitation): eventRefusal() / requestRefusal() say why a
//   frame must not be sent to it (larger than max_message_length, content above
//   max_content_length, more tags than max_event_tags, more filters than max_filters, or
//   auth_required without a key), clampToMaxLimit() lowers each filter's `limit` to max_limit,
//   and SubscriptionSlots keeps at most max_subscriptions open on one connection (the others
//   wait, first come first served, until one is closed).
//
// Thread safety: value types and pure functions; not synchronised (the pool guards them).

#include "hoststudio/nostr/Filter.hpp"
#include "hoststudio/nostr/RelayInformation.hpp"
#include "hoststudio/nostr/RelayMessage.hpp"

#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace hoststudio::nostr {

enum class PublishOutcomeKind {
    accepted,    // OK true
    duplicate,   // OK true with "duplicate:" (the relay had it, or a newer replaceable version)
    rejected,    // OK false: see prefix and reason
    timedOut,    // no OK before the deadline (silent, NOTICE only, or still connecting)
    unreachable, // the connection failed (refused, TLS, upgrade) or dropped before an answer
    notSent,     // not sent: the relay's NIP-11 limits forbid it (see reason); it was never sent
};

[[nodiscard]] std::string_view toString(PublishOutcomeKind kind) noexcept;

struct PublishOutcome {
    std::string relayUrl;
    PublishOutcomeKind kind = PublishOutcomeKind::timedOut;
    ReasonPrefix prefix = ReasonPrefix::none;
    std::string reason; // the relay's message without the prefix, or why it timed out / was unreachable

    [[nodiscard]] bool succeeded() const noexcept
    {
        return kind == PublishOutcomeKind::accepted || kind == PublishOutcomeKind::duplicate;
    }
};

// The outcome an OK answer stands for.
[[nodiscard]] PublishOutcome classifyOk(std::string_view relayUrl, const RelayOkMessage& ok);

class EventDeduplicator {
public:
    explicit EventDeduplicator(std::size_t capacity = 100000) : capacity_(capacity == 0 ? 1 : capacity) {}

    // True the first time `eventId` is offered (deliver it), false for a repeat.
    [[nodiscard]] bool firstSighting(const std::string& eventId);
    [[nodiscard]] std::size_t size() const noexcept { return seen_.size(); }

private:
    std::size_t capacity_;
    std::unordered_set<std::string> seen_;
    std::deque<std::string> order_;
};

class EoseTracker {
public:
    EoseTracker() = default;
    explicit EoseTracker(std::vector<std::string> relayUrls);

    // The relay sent EOSE, or will not send one (failed, CLOSED): it no longer holds up "all".
    // Returns true when this call completed the set (exactly once per tracker).
    bool markDone(const std::string& relayUrl);
    [[nodiscard]] bool isDone(const std::string& relayUrl) const;
    [[nodiscard]] bool allDone() const noexcept { return done_.size() >= relays_.size(); }
    [[nodiscard]] std::vector<std::string> pending() const;

private:
    std::vector<std::string> relays_;
    std::unordered_set<std::string> done_;
    bool reported_ = false;
};

// Why `event` (whose ["EVENT",…] frame is `frameBytes` long) must not be sent to a relay with
// these limits, or nullopt when it may be. `haveAuthKey`: the pool can answer NIP-42 challenges.
[[nodiscard]] std::optional<std::string> eventRefusal(const RelayLimitation& limits, const Event& event,
                                                      std::size_t frameBytes, bool haveAuthKey);
// The same for a ["REQ",…] frame of `filterCount` filters.
[[nodiscard]] std::optional<std::string> requestRefusal(const RelayLimitation& limits, std::size_t filterCount,
                                                        std::size_t frameBytes, bool haveAuthKey);
// The filters with every `limit` above max_limit lowered to it, and an absent `limit` left absent
// (the relay applies its own default then). Unchanged without max_limit.
[[nodiscard]] std::vector<Filter> clampToMaxLimit(std::vector<Filter> filters, const RelayLimitation& limits);

// The subscriptions open on one relay connection, at most `limit` at a time.
class SubscriptionSlots {
public:
    // nullopt: no limit. A lower limit closes nothing; it only holds new requests back.
    void setLimit(std::optional<std::uint64_t> limit) noexcept { limit_ = limit; }
    [[nodiscard]] std::optional<std::uint64_t> limit() const noexcept { return limit_; }

    // True: `id` is open now (send its REQ). False: it waits for a free slot (or was already
    // open or waiting).
    [[nodiscard]] bool request(const std::string& id);
    // `id` is closed (by us or by the relay) or forgotten while waiting. Returns the waiting ids
    // that are open now, in the order they asked (send their REQs).
    [[nodiscard]] std::vector<std::string> release(const std::string& id);
    // Ids that fit since the limit was raised or removed, opened in order.
    [[nodiscard]] std::vector<std::string> admitWaiting();
    // The connection is gone: nothing is open or waiting any more.
    void reset() noexcept;

    [[nodiscard]] bool isOpen(const std::string& id) const;
    [[nodiscard]] bool isWaiting(const std::string& id) const;
    [[nodiscard]] std::size_t openCount() const noexcept { return open_.size(); }
    [[nodiscard]] std::size_t waitingCount() const noexcept { return waiting_.size(); }

private:
    [[nodiscard]] bool hasFreeSlot() const noexcept { return !limit_ || open_.size() < *limit_; }

    std::optional<std::uint64_t> limit_;
    std::vector<std::string> open_;
    std::deque<std::string> waiting_;
};

} // namespace hoststudio::nostr
