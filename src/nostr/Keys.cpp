// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/nostr/Keys.hpp"

#include "Secp256k1Context.hpp"
#include "hoststudio/nostr/Hex.hpp"
#include "hoststudio/nostr/Nip19.hpp"
#include "hoststudio/nostr/NostrError.hpp"

#include <openssl/crypto.h>
#include <secp256k1.h>
#include <secp256k1_extrakeys.h>
#include <secp256k1_schnorrsig.h>

#include <algorithm>
#include <variant>

namespace hoststudio::nostr {

namespace {

// A keypair wiped when it leaves scope (it contains the secret key).
class ScopedKeypair {
public:
    ScopedKeypair() = default;
    ScopedKeypair(const ScopedKeypair&) = delete;
    ScopedKeypair& operator=(const ScopedKeypair&) = delete;
    ScopedKeypair(ScopedKeypair&&) = delete;
    ScopedKeypair& operator=(ScopedKeypair&&) = delete;
    ~ScopedKeypair() { OPENSSL_cleanse(&keypair_, sizeof(keypair_)); }

    [[nodiscard]] secp256k1_keypair* get() noexcept { return &keypair_; }

private:
    secp256k1_keypair keypair_{};
};

} // namespace

// ---- PublicKey -------------------------------------------------------------------------------

core::Result<PublicKey> PublicKey::fromBytes(std::span<const std::uint8_t> bytes)
{
    if (bytes.size() != byteCount) {
        return {NostrErrc::invalidPublicKey, "public key is " + std::to_string(bytes.size()) + " bytes, expected 32"};
    }
    secp256k1_xonly_pubkey parsed{};
    if (secp256k1_xonly_pubkey_parse(detail::secp256k1Context(), &parsed, bytes.data()) != 1) {
        return {NostrErrc::invalidPublicKey, "not the x coordinate of a point on secp256k1"};
    }
    Bytes copy{};
    std::copy(bytes.begin(), bytes.end(), copy.begin());
    return PublicKey(copy);
}

core::Result<PublicKey> PublicKey::fromHex(std::string_view hex)
{
    auto bytes = fromHexFixed<byteCount>(hex);
    if (!bytes) {
        return bytes.error().withContext("public key");
    }
    return fromBytes(bytes.value());
}

core::Result<PublicKey> PublicKey::fromNpub(std::string_view npub)
{
    auto entity = decodeNip19(npub);
    if (!entity) {
        return entity.error();
    }
    const auto* publicKey = std::get_if<NpubEntity>(&entity.value());
    if (publicKey == nullptr) {
        return {NostrErrc::invalidPublicKey,
                "expected an npub, got " + std::string(humanReadablePartOf(entity.value()))};
    }
    return fromBytes(publicKey->publicKey);
}

std::string PublicKey::toHex() const
{
    return nostr::toHex(bytes_);
}

std::string PublicKey::toNpub() const
{
    // 32 bytes always fit: the encoder cannot fail here.
    return encodeNip19(NpubEntity{bytes_}).valueOr({});
}

// ---- SecretKey -------------------------------------------------------------------------------

SecretKey::~SecretKey()
{
    OPENSSL_cleanse(bytes_.data(), bytes_.size());
}

core::Result<SecretKey> SecretKey::generate()
{
    // A uniformly random 32-byte string is invalid with probability ~2^-128; retry a few times.
    for (int attempt = 0; attempt < 8; ++attempt) {
        Bytes candidate{};
        if (auto status = detail::fillWithRandomBytes(candidate); !status) {
            return status.error();
        }
        auto key = fromBytes(candidate);
        OPENSSL_cleanse(candidate.data(), candidate.size());
        if (key) {
            return key;
        }
    }
    return {NostrErrc::cryptoFailure, "could not draw a valid secret key"};
}

core::Result<SecretKey> SecretKey::fromBytes(std::span<const std::uint8_t> bytes)
{
    if (bytes.size() != byteCount) {
        return {NostrErrc::invalidSecretKey, "secret key is " + std::to_string(bytes.size()) + " bytes, expected 32"};
    }
    if (secp256k1_ec_seckey_verify(detail::secp256k1Context(), bytes.data()) != 1) {
        return {NostrErrc::invalidSecretKey, "zero or not below the curve order"};
    }
    Bytes copy{};
    std::copy(bytes.begin(), bytes.end(), copy.begin());
    SecretKey key(copy);
    OPENSSL_cleanse(copy.data(), copy.size());
    return key;
}

core::Result<SecretKey> SecretKey::fromHex(std::string_view hex)
{
    auto bytes = fromHexFixed<byteCount>(hex);
    if (!bytes) {
        return bytes.error().withContext("secret key");
    }
    auto key = fromBytes(bytes.value());
    OPENSSL_cleanse(bytes.value().data(), bytes.value().size());
    return key;
}

core::Result<SecretKey> SecretKey::fromText(std::string_view text)
{
    const auto isSpace = [](char character) {
        return character == ' ' || character == '\t' || character == '\n' || character == '\r' || character == '\v' ||
               character == '\f';
    };
    while (!text.empty() && isSpace(text.front())) {
        text.remove_prefix(1);
    }
    while (!text.empty() && isSpace(text.back())) {
        text.remove_suffix(1);
    }
    if (text.empty()) {
        return {NostrErrc::invalidSecretKey, "it is empty (expected an nsec1… key or 64 hex digits)"};
    }
    if (text.size() > 5 && (text.substr(0, 5) == "nsec1" || text.substr(0, 5) == "NSEC1")) {
        auto secretKey = fromNsec(text);
        if (!secretKey) {
            return {NostrErrc::invalidSecretKey,
                    "it starts with nsec1 but is not a valid nsec (" + secretKey.error().code().message() + ")"};
        }
        return secretKey;
    }
    if (text.size() == 2 * byteCount) {
        auto secretKey = fromHex(text);
        if (!secretKey) {
            return {NostrErrc::invalidSecretKey,
                    "64 characters but not a valid secret key in hex (" + secretKey.error().code().message() + ")"};
        }
        return secretKey;
    }
    return {NostrErrc::invalidSecretKey,
            "expected an nsec1… key or 64 hex digits, got " + std::to_string(text.size()) + " characters"};
}

core::Result<SecretKey> SecretKey::fromNsec(std::string_view nsec)
{
    auto entity = decodeNip19(nsec);
    if (!entity) {
        return entity.error();
    }
    const auto* secretKey = std::get_if<NsecEntity>(&entity.value());
    if (secretKey == nullptr) {
        return {NostrErrc::invalidSecretKey,
                "expected an nsec, got " + std::string(humanReadablePartOf(entity.value()))};
    }
    return fromBytes(secretKey->secretKey);
}

core::Result<PublicKey> SecretKey::publicKey() const
{
    ScopedKeypair keypair;
    if (secp256k1_keypair_create(detail::secp256k1Context(), keypair.get(), bytes_.data()) != 1) {
        return {NostrErrc::invalidSecretKey, "secp256k1_keypair_create failed"};
    }
    secp256k1_xonly_pubkey publicKey{};
    if (secp256k1_keypair_xonly_pub(detail::secp256k1Context(), &publicKey, nullptr, keypair.get()) != 1) {
        return {NostrErrc::cryptoFailure, "secp256k1_keypair_xonly_pub failed"};
    }
    PublicKey::Bytes serialized{};
    if (secp256k1_xonly_pubkey_serialize(detail::secp256k1Context(), serialized.data(), &publicKey) != 1) {
        return {NostrErrc::cryptoFailure, "secp256k1_xonly_pubkey_serialize failed"};
    }
    return PublicKey::fromBytes(serialized);
}

SecretString SecretKey::toHex() const
{
    // Straight into the wiped buffer: no intermediate std::string holds the digits.
    static constexpr std::string_view digits = "0123456789abcdef";
    SecretString hex;
    for (const std::uint8_t byte : bytes_) {
        const std::array<char, 2> pair{digits[byte >> 4U], digits[byte & 0x0FU]};
        hex.append(std::string_view(pair.data(), pair.size()));
    }
    return hex;
}

SecretString SecretKey::toNsec() const
{
    std::string nsec = encodeNip19(NsecEntity{bytes_}).valueOr({});
    return SecretString::adopt(nsec); // wipes `nsec`
}

// ---- Signature -------------------------------------------------------------------------------

core::Result<Signature> Signature::fromBytes(std::span<const std::uint8_t> bytes)
{
    if (bytes.size() != byteCount) {
        return {NostrErrc::invalidSignature, "signature is " + std::to_string(bytes.size()) + " bytes, expected 64"};
    }
    Bytes copy{};
    std::copy(bytes.begin(), bytes.end(), copy.begin());
    return Signature(copy);
}

core::Result<Signature> Signature::fromHex(std::string_view hex)
{
    auto bytes = fromHexFixed<byteCount>(hex);
    if (!bytes) {
        return bytes.error().withContext("signature");
    }
    return Signature(bytes.value());
}

std::string Signature::toHex() const
{
    return nostr::toHex(bytes_);
}

// ---- signing and verification ----------------------------------------------------------------

core::Result<Signature> signMessage(const SecretKey& secretKey, std::span<const std::uint8_t> message,
                                    std::optional<AuxRandomness> auxRandomness)
{
    AuxRandomness randomness{};
    if (auxRandomness) {
        randomness = *auxRandomness;
    } else if (auto status = detail::fillWithRandomBytes(randomness); !status) {
        return status.error();
    }
    const secp256k1_context* context = detail::secp256k1Context();
    ScopedKeypair keypair;
    if (secp256k1_keypair_create(context, keypair.get(), secretKey.bytes_.data()) != 1) {
        return {NostrErrc::invalidSecretKey, "secp256k1_keypair_create failed"};
    }
    Signature::Bytes signatureBytes{};
    int signedOk = 0;
    if (message.size() == 32) {
        signedOk = secp256k1_schnorrsig_sign32(context, signatureBytes.data(), message.data(), keypair.get(),
                                               randomness.data());
    } else {
        secp256k1_schnorrsig_extraparams extraParameters = SECP256K1_SCHNORRSIG_EXTRAPARAMS_INIT;
        extraParameters.ndata = randomness.data();
        signedOk = secp256k1_schnorrsig_sign_custom(context, signatureBytes.data(), message.data(), message.size(),
                                                    keypair.get(), &extraParameters);
    }
    OPENSSL_cleanse(randomness.data(), randomness.size());
    if (signedOk != 1) {
        return {NostrErrc::cryptoFailure, "secp256k1_schnorrsig_sign failed"};
    }
    return Signature::fromBytes(signatureBytes);
}

core::Result<Signature> sign(const SecretKey& secretKey, const Sha256Digest& digest,
                             std::optional<AuxRandomness> auxRandomness)
{
    return signMessage(secretKey, digest, auxRandomness);
}

bool verify(const PublicKey& publicKey, std::span<const std::uint8_t> message, const Signature& signature) noexcept
{
    const secp256k1_context* context = detail::secp256k1Context();
    secp256k1_xonly_pubkey parsed{};
    if (secp256k1_xonly_pubkey_parse(context, &parsed, publicKey.bytes().data()) != 1) {
        return false;
    }
    return secp256k1_schnorrsig_verify(context, signature.bytes().data(), message.data(), message.size(), &parsed) == 1;
}

} // namespace hoststudio::nostr
