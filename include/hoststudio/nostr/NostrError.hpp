// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The errors of the nostr module (see core/Error.hpp for the convention).

#include "hoststudio/core/Error.hpp"

#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcNostr)

namespace hoststudio::nostr {

enum class NostrErrc {
    invalidHex = 1,
    invalidSecretKey,
    invalidPublicKey,
    invalidSignature,
    invalidBech32,
    invalidTlv,
    invalidEvent,
    invalidJson,
    invalidUtf8,
    invalidRelayMessage,
    relayRejected,
    relayTimedOut,
    relayUnreachable,
    authRequired,
    cryptoFailure,           // OpenSSL or libsecp256k1 failed where it should not (randomness, digest)
    messageTooLarge,         // a relay frame above the configured maximum size, refused before parsing
    invalidLiveActivity,     // a kind-30311 event or draft that breaks NIP-53 or the publisher checklist
    invalidStatusTransition, // a live activity status change other than planned→live→ended
    invalidChatMessage,      // a kind-1311 event without the NIP-53 `a` tag
};

[[nodiscard]] const std::error_category& nostrCategory() noexcept;
[[nodiscard]] std::error_code make_error_code(NostrErrc value) noexcept;

} // namespace hoststudio::nostr

HOSTSTUDIO_DECLARE_ERROR_ENUM(hoststudio::nostr::NostrErrc);
