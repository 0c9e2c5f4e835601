// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// NIP-19 bech32 entities: npub, nsec, note (32 raw bytes each) and the TLV forms nprofile,
// nevent, naddr. TLV records are one type byte, one length byte, then the value:
//   0 special: pubkey (nprofile), event id (nevent), the `d` identifier as UTF-8 (naddr)
//   1 relay:   a relay URL, repeatable
//   2 author:  32-byte pubkey (optional in nevent, required in naddr)
//   3 kind:    uint32 big-endian (optional in nevent, required in naddr)
// Decoding ignores unknown TLV types, takes the first record of a non-repeatable type, and
// enforces the lengths above. Encoding emits ascending type order (0, 1…, 2, 3) like the NIP's
// example and go-nostr; other encoders order differently, so compare decoded fields, not strings.
//
// Thread safety: pure functions over value types.

#include "hoststudio/core/Result.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace hoststudio::nostr {

using Bytes32 = std::array<std::uint8_t, 32>;

struct NpubEntity {
    Bytes32 publicKey{};
    friend bool operator==(const NpubEntity&, const NpubEntity&) = default;
};

// Holds secret material: wiped with OPENSSL_cleanse when destroyed.
struct NsecEntity {
    Bytes32 secretKey{};
    NsecEntity() = default;
    explicit NsecEntity(const Bytes32& bytes) noexcept : secretKey(bytes) {}
    NsecEntity(const NsecEntity& other) = default;
    NsecEntity& operator=(const NsecEntity& other) = default;
    NsecEntity(NsecEntity&& other) noexcept = default;
    NsecEntity& operator=(NsecEntity&& other) noexcept = default;
    ~NsecEntity();
    friend bool operator==(const NsecEntity&, const NsecEntity&) = default;
};

struct NoteEntity {
    Bytes32 eventId{};
    friend bool operator==(const NoteEntity&, const NoteEntity&) = default;
};

struct NprofileEntity {
    Bytes32 publicKey{};
    std::vector<std::string> relays;
    friend bool operator==(const NprofileEntity&, const NprofileEntity&) = default;
};

struct NeventEntity {
    Bytes32 eventId{};
    std::vector<std::string> relays;
    std::optional<Bytes32> author;
    std::optional<std::uint32_t> kind;
    friend bool operator==(const NeventEntity&, const NeventEntity&) = default;
};

struct NaddrEntity {
    std::string identifier; // the `d` tag value; may be empty
    Bytes32 author{};
    std::uint32_t kind = 0;
    std::vector<std::string> relays;
    friend bool operator==(const NaddrEntity&, const NaddrEntity&) = default;
};

using Nip19Entity = std::variant<NpubEntity, NsecEntity, NoteEntity, NprofileEntity, NeventEntity, NaddrEntity>;

// "npub", "nsec", …: the human-readable part an entity is encoded with.
[[nodiscard]] std::string_view humanReadablePartOf(const Nip19Entity& entity) noexcept;

// Fails with invalidBech32 (checksum, case, length, alphabet, padding), invalidTlv (truncated
// record, wrong value length, missing required record, relay/identifier not valid UTF-8) or
// invalidBech32 for an unknown prefix or a 32-byte form whose payload is not 32 bytes.
[[nodiscard]] core::Result<Nip19Entity> decodeNip19(std::string_view text);

// Fails when a TLV value does not fit one record (relay or identifier longer than 255 bytes),
// a relay or identifier is not valid UTF-8, or the result exceeds the bech32 length cap.
[[nodiscard]] core::Result<std::string> encodeNip19(const Nip19Entity& entity);

} // namespace hoststudio::nostr
