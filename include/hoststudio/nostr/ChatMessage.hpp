// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// A NIP-53 live chat message (kind 1311): `["a", "30311:<host pubkey>:<d>", <relay>, "root"]`
// names the activity (required), an optional `["e", <parent id>, <relay>]` the message replied to.
// Viewers subscribe with {"kinds":[1311],"#a":["30311:<pk>:<d>"]}.
//
// Thread safety: a value type.

#include "hoststudio/core/Result.hpp"
#include "hoststudio/nostr/Event.hpp"
#include "hoststudio/nostr/Filter.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace hoststudio::nostr {

struct ChatMessage {
    std::string activityAddress; // "30311:<64 hex>:<d>"
    std::string relayHint;       // of the a tag; may be empty
    std::string content;
    std::string replyToEventId; // 64 hex digits, or empty for a top-level message
    std::string replyRelayHint; // of the e tag; may be empty

    // invalidChatMessage when the address is not a 30311 coordinate or the reply id is not hex.
    [[nodiscard]] core::Result<EventTemplate> toEventTemplate(std::int64_t createdAtUnixSeconds) const;

    // Reads a kind-1311 event; the first `a` tag naming a 30311 coordinate is the activity.
    [[nodiscard]] static core::Result<ChatMessage> fromEvent(const Event& event);

    friend bool operator==(const ChatMessage&, const ChatMessage&) = default;
};

// The REQ filter for the chat of one activity: {"kinds":[1311],"#a":[address]}.
[[nodiscard]] Filter chatMessagesFilter(std::string_view activityAddress);

// True when `address` is `30311:<64 lower-case hex>:<identifier>`.
[[nodiscard]] bool isLiveActivityAddress(std::string_view address) noexcept;

} // namespace hoststudio::nostr
