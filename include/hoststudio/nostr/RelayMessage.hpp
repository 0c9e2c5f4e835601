// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Every NIP-01 / NIP-42 WebSocket frame, both directions, parsed strictly and serialized compactly.
//
//   client → relay: ["EVENT",event] ["REQ",subid,filter…] ["CLOSE",subid] ["AUTH",event]
//   relay → client: ["EVENT",subid,event] ["OK",id,bool,message] ["EOSE",subid]
//                   ["CLOSED",subid,message] ["NOTICE",message] ["AUTH",challenge]
//
// Parsing refuses input larger than `maximumMessageBytes` before looking at it (messageTooLarge),
// and reports a malformed frame (not JSON, not an array, unknown verb, wrong arity, wrong types,
// subscription id outside 1–64 bytes, REQ without a filter) as invalidRelayMessage, invalid UTF-8
// as invalidUtf8, and a well-framed but invalid event as invalidEvent. It never throws. An event
// inside a frame is checked for shape only; verify its signature with verify(Event).
//
// OK and CLOSED messages start with a machine-readable prefix ("duplicate: already have it");
// reasonPrefixOf() splits it off. A false OK with `auth-required:` asks for NIP-42 AUTH, then a
// re-send; a true OK with `duplicate:` may mean a stale replaceable event was dropped.
//
// Thread safety: value types and pure functions.

#include "hoststudio/core/Result.hpp"
#include "hoststudio/nostr/Event.hpp"
#include "hoststudio/nostr/Filter.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace hoststudio::nostr {

// Above every common relay's frame limit (strfry and nostr-rs-relay default to 128–512 KiB).
inline constexpr std::size_t defaultMaximumMessageBytes = std::size_t{1024} * 1024;
inline constexpr std::size_t maximumSubscriptionIdLength = 64;

enum class ReasonPrefix {
    none, // no recognised "prefix:" in front of the message
    duplicate,
    proofOfWork, // "pow"
    blocked,
    rateLimited, // "rate-limited"
    invalid,
    restricted,
    mute,
    error,
    authRequired, // "auth-required"
};

struct Reason {
    ReasonPrefix prefix = ReasonPrefix::none;
    std::string text; // the message without the prefix and the blank after it
};

// Splits "rate-limited: slow down" into {rateLimited, "slow down"}; an unknown prefix leaves the
// whole message as text.
[[nodiscard]] Reason reasonPrefixOf(std::string_view message);
[[nodiscard]] std::string_view toString(ReasonPrefix prefix) noexcept;

// ---- client → relay ----
struct ClientEventMessage {
    Event event;
    friend bool operator==(const ClientEventMessage&, const ClientEventMessage&) = default;
};
struct ClientRequestMessage {
    std::string subscriptionId;
    std::vector<Filter> filters; // at least one
    friend bool operator==(const ClientRequestMessage&, const ClientRequestMessage&) = default;
};
struct ClientCloseMessage {
    std::string subscriptionId;
    friend bool operator==(const ClientCloseMessage&, const ClientCloseMessage&) = default;
};
struct ClientAuthMessage {
    Event event; // kind 22242 with "relay" and "challenge" tags
    friend bool operator==(const ClientAuthMessage&, const ClientAuthMessage&) = default;
};
using ClientMessage = std::variant<ClientEventMessage, ClientRequestMessage, ClientCloseMessage, ClientAuthMessage>;

// ---- relay → client ----
struct RelayEventMessage {
    std::string subscriptionId;
    Event event;
    friend bool operator==(const RelayEventMessage&, const RelayEventMessage&) = default;
};
struct RelayOkMessage {
    std::string eventId;
    bool accepted = false;
    std::string message;
    [[nodiscard]] Reason reason() const { return reasonPrefixOf(message); }
    friend bool operator==(const RelayOkMessage&, const RelayOkMessage&) = default;
};
struct RelayEndOfStoredEventsMessage {
    std::string subscriptionId;
    friend bool operator==(const RelayEndOfStoredEventsMessage&, const RelayEndOfStoredEventsMessage&) = default;
};
struct RelayClosedMessage {
    std::string subscriptionId;
    std::string message;
    [[nodiscard]] Reason reason() const { return reasonPrefixOf(message); }
    friend bool operator==(const RelayClosedMessage&, const RelayClosedMessage&) = default;
};
struct RelayNoticeMessage {
    std::string message;
    friend bool operator==(const RelayNoticeMessage&, const RelayNoticeMessage&) = default;
};
struct RelayAuthChallengeMessage {
    std::string challenge;
    friend bool operator==(const RelayAuthChallengeMessage&, const RelayAuthChallengeMessage&) = default;
};
using RelayMessage = std::variant<RelayEventMessage, RelayOkMessage, RelayEndOfStoredEventsMessage, RelayClosedMessage,
                                  RelayNoticeMessage, RelayAuthChallengeMessage>;

[[nodiscard]] core::Result<ClientMessage>
parseClientMessage(std::string_view text, std::size_t maximumMessageBytes = defaultMaximumMessageBytes);
[[nodiscard]] core::Result<RelayMessage>
parseRelayMessage(std::string_view text, std::size_t maximumMessageBytes = defaultMaximumMessageBytes);

// Compact JSON; invalidRelayMessage for a subscription id outside 1–64 bytes or a REQ without
// filters, invalidUtf8 for a string that is not UTF-8.
[[nodiscard]] core::Result<std::string> serializeMessage(const ClientMessage& message);
[[nodiscard]] core::Result<std::string> serializeMessage(const RelayMessage& message);

// The NIP-42 answer to ["AUTH",challenge]: kind 22242, tags ["relay",url] and ["challenge",c],
// content "", created_at now. Sign it and send it as ClientAuthMessage.
[[nodiscard]] EventTemplate makeAuthEventTemplate(std::string_view relayUrl, std::string_view challenge,
                                                  std::int64_t nowUnixSeconds);

} // namespace hoststudio::nostr
