// SPDX-License-Identifier: GPL-2.0-or-later
// libFuzzer target: bech32 and the NIP-19 TLV decoder.
// Properties: decoding never crashes; a decoded entity re-encodes (never longer than the input)
// and decodes back to the same value; the key importers agree with the decoder.

#include "../FuzzSupport.hpp"

#include "hoststudio/nostr/Bech32.hpp"
#include "hoststudio/nostr/Keys.hpp"
#include "hoststudio/nostr/Nip19.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace {

using hoststudio::fuzz::failProperty;

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace hoststudio::nostr;
    const std::string_view text(reinterpret_cast<const char*>(data), size);

    if (auto bech32 = decodeBech32(text)) {
        auto encoded = encodeBech32(bech32->humanReadablePart, bech32->fiveBitGroups);
        if (!encoded || encoded->size() != text.size()) {
            failProperty("a decoded bech32 string does not re-encode to the same length");
        }
        (void)fiveBitGroupsToBytes(bech32->fiveBitGroups);
    }

    auto entity = decodeNip19(text);
    if (entity) {
        auto encoded = encodeNip19(entity.value());
        if (!encoded) {
            failProperty("a decoded NIP-19 entity does not re-encode");
        }
        if (encoded->size() > text.size()) {
            failProperty("a re-encoded NIP-19 entity is longer than its input");
        }
        auto again = decodeNip19(encoded.value());
        if (!again || !(again.value() == entity.value())) {
            failProperty("a NIP-19 entity changed in an encode/decode round trip");
        }
    }

    const auto publicKey = PublicKey::fromNpub(text);
    const auto secretKey = SecretKey::fromNsec(text);
    if (publicKey && (!entity || !std::holds_alternative<NpubEntity>(entity.value()))) {
        failProperty("fromNpub accepted what the decoder did not call an npub");
    }
    if (secretKey && (!entity || !std::holds_alternative<NsecEntity>(entity.value()))) {
        failProperty("fromNsec accepted what the decoder did not call an nsec");
    }
    return 0;
}
