// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/nostr/Sha256.hpp"

#include "hoststudio/nostr/NostrError.hpp"

#include <openssl/evp.h>

namespace hoststudio::nostr {

core::Result<Sha256Digest> sha256(std::span<const std::uint8_t> bytes)
{
    Sha256Digest digest{};
    unsigned int digestLength = 0;
    if (EVP_Digest(bytes.data(), bytes.size(), digest.data(), &digestLength, EVP_sha256(), nullptr) != 1 ||
        digestLength != digest.size()) {
        return {NostrErrc::cryptoFailure, "EVP_Digest(SHA-256) failed"};
    }
    return digest;
}

core::Result<Sha256Digest> sha256(std::string_view text)
{
    // Viewing the characters as bytes: the standard allows unsigned char aliasing.
    const auto* data = reinterpret_cast<const std::uint8_t*>(text.data());
    return sha256(std::span<const std::uint8_t>(data, text.size()));
}

} // namespace hoststudio::nostr
