// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// NIP-01 events: the wire fields, the canonical serialization the id is hashed from, signing,
// verification and strict parsing.
//
// - serialize(): `[0,<pubkey>,<created_at>,<kind>,<tags>,<content>]` without whitespace, strings
//   escaped as NIP-01 and every major client do (\" \\ \n \r \t \b \f, other C0 controls as
//   \u00xx lower case, everything else, DEL and U+2028/2029 included, raw UTF-8).
// - id = lower-case hex SHA-256 of that text; sig = BIP-340 signature of the id's 32 bytes.
// - parseEvent() checks every field and names the first defect in the error detail; it does not
//   verify the signature (call verify()).
//
// Thread safety: value types and pure functions.

#include "hoststudio/core/Result.hpp"
#include "hoststudio/nostr/Keys.hpp"

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hoststudio::nostr {

using Tag = std::vector<std::string>;
using Tags = std::vector<Tag>;
using EventKind = std::uint16_t; // NIP-01: 0–65535

// Well-known kinds this module builds or reads.
namespace eventKinds {
inline constexpr EventKind metadata = 0;
inline constexpr EventKind textNote = 1;
inline constexpr EventKind liveChatMessage = 1311;
inline constexpr EventKind clientAuthentication = 22242;
inline constexpr EventKind liveActivity = 30311;
} // namespace eventKinds

// What the author decides; signing adds pubkey, id and sig.
struct EventTemplate {
    std::int64_t createdAtUnixSeconds = 0;
    EventKind kind = eventKinds::textNote;
    Tags tags;
    std::string content;
};

struct Event {
    std::string id;     // 64 lower-case hex digits
    std::string pubkey; // 64 lower-case hex digits (x-only key)
    std::int64_t createdAtUnixSeconds = 0;
    EventKind kind = eventKinds::textNote;
    Tags tags;
    std::string content;
    std::string sig; // 128 lower-case hex digits

    // The exact UTF-8 text whose SHA-256 is the id. invalidUtf8 when a string is not UTF-8.
    [[nodiscard]] core::Result<std::string> serialize() const;
    // Lower-case hex SHA-256 of serialize().
    [[nodiscard]] core::Result<std::string> computeId() const;
    // The wire object {"id","pubkey","created_at","kind","tags","content","sig"}, compact.
    [[nodiscard]] core::Result<std::string> toJson() const;
    [[nodiscard]] nlohmann::json toJsonValue() const;

    // The values of the first tag named `name` (element 1), if any.
    [[nodiscard]] std::optional<std::string> firstTagValue(std::string_view name) const;

    friend bool operator==(const Event& left, const Event& right) = default;
};

// Signs `eventTemplate` with `secretKey`. `auxRandomness` unset: fresh randomness (production);
// tests pass fixed bytes to reproduce known signatures.
[[nodiscard]] core::Result<Event> sign(const EventTemplate& eventTemplate, const SecretKey& secretKey,
                                       std::optional<AuxRandomness> auxRandomness = std::nullopt);

// Success when the id is the hash of the content AND the signature verifies against pubkey;
// otherwise invalidEvent ("id mismatch: …") or invalidSignature, with the reason in the detail.
[[nodiscard]] core::Status verify(const Event& event);

// Strict parse of one event object (text or an already parsed JSON value).
[[nodiscard]] core::Result<Event> parseEvent(std::string_view jsonText);
[[nodiscard]] core::Result<Event> eventFromJsonValue(const nlohmann::json& value);

} // namespace hoststudio::nostr
