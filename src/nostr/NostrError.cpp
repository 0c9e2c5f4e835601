// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/nostr/NostrError.hpp"

Q_LOGGING_CATEGORY(lcNostr, "hoststudio.nostr")

namespace hoststudio::nostr {

namespace {
const char* describeNostrError(NostrErrc value) noexcept
{
    switch (value) {
    case NostrErrc::invalidHex: return "invalid hex string";
    case NostrErrc::invalidSecretKey: return "invalid secret key";
    case NostrErrc::invalidPublicKey: return "invalid public key";
    case NostrErrc::invalidSignature: return "invalid signature";
    case NostrErrc::invalidBech32: return "invalid bech32 string";
    case NostrErrc::invalidTlv: return "invalid TLV record";
    case NostrErrc::invalidEvent: return "invalid event";
    case NostrErrc::invalidJson: return "invalid JSON";
    case NostrErrc::invalidUtf8: return "invalid UTF-8";
    case NostrErrc::invalidRelayMessage: return "invalid relay message";
    case NostrErrc::relayRejected: return "relay rejected the event";
    case NostrErrc::relayTimedOut: return "relay did not answer in time";
    case NostrErrc::relayUnreachable: return "relay unreachable";
    case NostrErrc::authRequired: return "relay requires authentication";
    case NostrErrc::cryptoFailure: return "cryptographic operation failed";
    case NostrErrc::messageTooLarge: return "message too large";
    case NostrErrc::invalidLiveActivity: return "invalid live activity";
    case NostrErrc::invalidStatusTransition: return "invalid live activity status change";
    case NostrErrc::invalidChatMessage: return "invalid live chat message";
    }
    return nullptr;
}
} // namespace

HOSTSTUDIO_DEFINE_ERROR_CATEGORY(NostrErrc, nostrCategory, "hoststudio.nostr", describeNostrError)

} // namespace hoststudio::nostr
