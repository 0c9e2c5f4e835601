// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Nostr keys and BIP-340 Schnorr signatures, as opaque fixed-size values in the libsecp256k1
// mould: construct only through validating factories, read only through explicit accessors.
//
// - SecretKey: 32 bytes accepted by secp256k1_ec_seckey_verify; wiped with OPENSSL_cleanse when
//   destroyed; never printed (no operator<<): toHex()/toNsec() exist for the one place that stores
//   the key, and their results are secrets too: a SecretString, wiped when it goes (register the
//   text with core::SecretScrubber before anything could log it).
// - PublicKey: a 32-byte x-only key accepted by secp256k1_xonly_pubkey_parse.
// - Signature: 64 bytes, not checked until verify().
//
// Signing and verification use one process-wide randomised libsecp256k1 context.
//
// Thread safety: value types; the free functions may be called from any thread at once.

#include "hoststudio/core/Result.hpp"
#include "hoststudio/nostr/SecretString.hpp"
#include "hoststudio/nostr/Sha256.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace hoststudio::nostr {

// BIP-340 auxiliary randomness for one signature. Production code leaves it unset (32 fresh bytes
// from RAND_bytes are drawn); known-answer tests pass the vector's bytes (often zeros).
using AuxRandomness = std::array<std::uint8_t, 32>;

class SecretKey;
class Signature;

// BIP-340 signature over a message of any length (secp256k1_schnorrsig_sign_custom); for the
// BIP-340 vectors with non-32-byte messages. Identical to sign() for 32-byte messages.
[[nodiscard]] core::Result<Signature> signMessage(const SecretKey& secretKey, std::span<const std::uint8_t> message,
                                                  std::optional<AuxRandomness> auxRandomness = std::nullopt);

class PublicKey {
public:
    static constexpr std::size_t byteCount = 32;
    using Bytes = std::array<std::uint8_t, byteCount>;

    [[nodiscard]] static core::Result<PublicKey> fromBytes(std::span<const std::uint8_t> bytes);
    // 64 hex digits; upper case is accepted here (user input), the wire form is lower case.
    [[nodiscard]] static core::Result<PublicKey> fromHex(std::string_view hex);
    [[nodiscard]] static core::Result<PublicKey> fromNpub(std::string_view npub);

    [[nodiscard]] const Bytes& bytes() const noexcept { return bytes_; }
    [[nodiscard]] std::string toHex() const;
    [[nodiscard]] std::string toNpub() const;

    friend bool operator==(const PublicKey& left, const PublicKey& right) noexcept = default;

private:
    explicit PublicKey(const Bytes& bytes) noexcept : bytes_(bytes) {}
    Bytes bytes_{};
};

class SecretKey {
public:
    static constexpr std::size_t byteCount = 32;
    using Bytes = std::array<std::uint8_t, byteCount>;

    // A fresh key from OpenSSL's RAND_bytes (redrawn in the astronomically rare invalid case).
    [[nodiscard]] static core::Result<SecretKey> generate();
    [[nodiscard]] static core::Result<SecretKey> fromBytes(std::span<const std::uint8_t> bytes);
    [[nodiscard]] static core::Result<SecretKey> fromHex(std::string_view hex);
    [[nodiscard]] static core::Result<SecretKey> fromNsec(std::string_view nsec);
    // A key as a person pastes or stores it: an nsec1… (either case) or 64 hex digits, white space
    // around it ignored. invalidSecretKey says which form was expected and what was wrong.
    [[nodiscard]] static core::Result<SecretKey> fromText(std::string_view text);

    SecretKey(const SecretKey& other) = default;
    SecretKey& operator=(const SecretKey& other) = default;
    SecretKey(SecretKey&& other) noexcept = default;
    SecretKey& operator=(SecretKey&& other) noexcept = default;
    ~SecretKey();

    [[nodiscard]] core::Result<PublicKey> publicKey() const;

    // Secret material: for the key store only, never for logs.
    [[nodiscard]] SecretString toHex() const;
    [[nodiscard]] SecretString toNsec() const;

private:
    explicit SecretKey(const Bytes& bytes) noexcept : bytes_(bytes) {}

    friend core::Result<Signature> signMessage(const SecretKey& secretKey, std::span<const std::uint8_t> message,
                                               std::optional<AuxRandomness> auxRandomness);
    Bytes bytes_{};
};

class Signature {
public:
    static constexpr std::size_t byteCount = 64;
    using Bytes = std::array<std::uint8_t, byteCount>;

    [[nodiscard]] static core::Result<Signature> fromBytes(std::span<const std::uint8_t> bytes);
    [[nodiscard]] static core::Result<Signature> fromHex(std::string_view hex);

    [[nodiscard]] const Bytes& bytes() const noexcept { return bytes_; }
    [[nodiscard]] std::string toHex() const;

    friend bool operator==(const Signature& left, const Signature& right) noexcept = default;

private:
    explicit Signature(const Bytes& bytes) noexcept : bytes_(bytes) {}
    Bytes bytes_{};
};

// BIP-340 signature over a 32-byte digest (secp256k1_schnorrsig_sign32): what Nostr signs.
[[nodiscard]] core::Result<Signature> sign(const SecretKey& secretKey, const Sha256Digest& digest,
                                           std::optional<AuxRandomness> auxRandomness = std::nullopt);

// True when `signature` is a valid BIP-340 signature of `message` (any length, usually a digest).
[[nodiscard]] bool verify(const PublicKey& publicKey, std::span<const std::uint8_t> message,
                          const Signature& signature) noexcept;

} // namespace hoststudio::nostr
