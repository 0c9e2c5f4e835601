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
//
// Thread safety: value types and pure functions; not synchronised (the pool guards them).

#include "hoststudio/nostr/RelayMessage.hpp"

#include <cstddef>
#include <deque>
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

} // namespace hoststudio::nostr
