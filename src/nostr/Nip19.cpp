// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/nostr/Nip19.hpp"

#include "Utf8.hpp"
#include "hoststudio/nostr/Bech32.hpp"
#include "hoststudio/nostr/NostrError.hpp"

#include <openssl/crypto.h>

#include <algorithm>
#include <cstddef>
#include <span>

namespace hoststudio::nostr {

namespace {

enum class TlvType : std::uint8_t {
    special = 0,
    relay = 1,
    author = 2,
    kind = 3,
};

constexpr std::size_t maximumTlvValueLength = 255;

struct TlvRecord {
    std::uint8_t type = 0;
    std::span<const std::uint8_t> value;
};

core::Result<std::vector<TlvRecord>> splitTlvRecords(std::span<const std::uint8_t> bytes)
{
    std::vector<TlvRecord> records;
    std::size_t offset = 0;
    while (offset < bytes.size()) {
        if (bytes.size() - offset < 2) {
            return {NostrErrc::invalidTlv, "truncated record header at byte " + std::to_string(offset)};
        }
        const std::uint8_t type = bytes[offset];
        const std::size_t length = bytes[offset + 1];
        offset += 2;
        if (bytes.size() - offset < length) {
            return {NostrErrc::invalidTlv, "record of type " + std::to_string(type) + " claims " +
                                               std::to_string(length) + " bytes, only " +
                                               std::to_string(bytes.size() - offset) + " left"};
        }
        records.push_back(TlvRecord{type, bytes.subspan(offset, length)});
        offset += length;
    }
    return records;
}

Bytes32 toBytes32(std::span<const std::uint8_t> value) noexcept
{
    Bytes32 bytes{};
    std::copy_n(value.begin(), bytes.size(), bytes.begin());
    return bytes;
}

core::Result<Bytes32> requireBytes32(const TlvRecord& record, std::string_view name)
{
    if (record.value.size() != 32) {
        return {NostrErrc::invalidTlv, std::string(name) + " record (type " + std::to_string(record.type) + ") is " +
                                           std::to_string(record.value.size()) + " bytes, expected 32"};
    }
    return toBytes32(record.value);
}

core::Result<std::uint32_t> requireKind(const TlvRecord& record)
{
    if (record.value.size() != 4) {
        return {NostrErrc::invalidTlv,
                "kind record (type 3) is " + std::to_string(record.value.size()) + " bytes, expected 4"};
    }
    return (static_cast<std::uint32_t>(record.value[0]) << 24U) | (static_cast<std::uint32_t>(record.value[1]) << 16U) |
           (static_cast<std::uint32_t>(record.value[2]) << 8U) | static_cast<std::uint32_t>(record.value[3]);
}

core::Result<std::string> requireUtf8(const TlvRecord& record, std::string_view name)
{
    std::string text(record.value.begin(), record.value.end());
    if (!detail::isValidUtf8(text)) {
        return {NostrErrc::invalidTlv,
                std::string(name) + " record (type " + std::to_string(record.type) + ") is not valid UTF-8"};
    }
    return text;
}

// The fields every TLV form shares, collected in one pass.
struct TlvFields {
    std::optional<TlvRecord> special;
    std::vector<std::string> relays;
    std::optional<Bytes32> author;
    std::optional<std::uint32_t> kind;
};

// `withAuthorAndKind`: whether types 2 and 3 mean something for this form (not for nprofile).
core::Result<TlvFields> collectTlvFields(std::span<const std::uint8_t> bytes, bool withAuthorAndKind)
{
    auto records = splitTlvRecords(bytes);
    if (!records) {
        return records.error();
    }
    TlvFields fields;
    for (const TlvRecord& record : records.value()) {
        switch (record.type) {
        case static_cast<std::uint8_t>(TlvType::special):
            if (!fields.special) {
                fields.special = record;
            }
            break;
        case static_cast<std::uint8_t>(TlvType::relay): {
            auto relay = requireUtf8(record, "relay");
            if (!relay) {
                return relay.error();
            }
            fields.relays.push_back(std::move(relay).value());
            break;
        }
        case static_cast<std::uint8_t>(TlvType::author): {
            if (!withAuthorAndKind) {
                break;
            }
            auto author = requireBytes32(record, "author");
            if (!author) {
                return author.error();
            }
            if (!fields.author) {
                fields.author = author.value();
            }
            break;
        }
        case static_cast<std::uint8_t>(TlvType::kind): {
            if (!withAuthorAndKind) {
                break;
            }
            auto kind = requireKind(record);
            if (!kind) {
                return kind.error();
            }
            if (!fields.kind) {
                fields.kind = kind.value();
            }
            break;
        }
        default: break; // unknown types are ignored (NIP-19)
        }
    }
    if (!fields.special) {
        return {NostrErrc::invalidTlv, "missing the special record (type 0)"};
    }
    return fields;
}

void appendRecord(std::vector<std::uint8_t>& output, TlvType type, std::span<const std::uint8_t> value)
{
    output.push_back(static_cast<std::uint8_t>(type));
    output.push_back(static_cast<std::uint8_t>(value.size()));
    output.insert(output.end(), value.begin(), value.end());
}

core::Status appendTextRecord(std::vector<std::uint8_t>& output, TlvType type, std::string_view text,
                              std::string_view name)
{
    if (text.size() > maximumTlvValueLength) {
        return {NostrErrc::invalidTlv,
                std::string(name) + " is " + std::to_string(text.size()) + " bytes, a TLV value holds at most 255"};
    }
    if (!detail::isValidUtf8(text)) {
        return {NostrErrc::invalidTlv, std::string(name) + " is not valid UTF-8"};
    }
    const auto* data = reinterpret_cast<const std::uint8_t*>(text.data());
    appendRecord(output, type, std::span<const std::uint8_t>(data, text.size()));
    return {};
}

core::Status appendRelays(std::vector<std::uint8_t>& output, const std::vector<std::string>& relays)
{
    for (const std::string& relay : relays) {
        if (auto status = appendTextRecord(output, TlvType::relay, relay, "relay URL"); !status) {
            return status;
        }
    }
    return {};
}

void appendKind(std::vector<std::uint8_t>& output, std::uint32_t kind)
{
    const std::array<std::uint8_t, 4> bigEndian{
        static_cast<std::uint8_t>(kind >> 24U), static_cast<std::uint8_t>((kind >> 16U) & 0xffU),
        static_cast<std::uint8_t>((kind >> 8U) & 0xffU), static_cast<std::uint8_t>(kind & 0xffU)};
    appendRecord(output, TlvType::kind, bigEndian);
}

core::Result<std::string> encodePayload(std::string_view humanReadablePart, std::span<const std::uint8_t> payload)
{
    const std::vector<std::uint8_t> groups = bytesToFiveBitGroups(payload);
    return encodeBech32(humanReadablePart, groups);
}

core::Result<std::vector<std::uint8_t>> encodeTlvPayload(const Nip19Entity& entity)
{
    std::vector<std::uint8_t> payload;
    if (const auto* profile = std::get_if<NprofileEntity>(&entity)) {
        appendRecord(payload, TlvType::special, profile->publicKey);
        if (auto status = appendRelays(payload, profile->relays); !status) {
            return status.error();
        }
    } else if (const auto* event = std::get_if<NeventEntity>(&entity)) {
        appendRecord(payload, TlvType::special, event->eventId);
        if (auto status = appendRelays(payload, event->relays); !status) {
            return status.error();
        }
        if (event->author) {
            appendRecord(payload, TlvType::author, *event->author);
        }
        if (event->kind) {
            appendKind(payload, *event->kind);
        }
    } else if (const auto* address = std::get_if<NaddrEntity>(&entity)) {
        if (auto status = appendTextRecord(payload, TlvType::special, address->identifier, "identifier"); !status) {
            return status.error();
        }
        if (auto status = appendRelays(payload, address->relays); !status) {
            return status.error();
        }
        appendRecord(payload, TlvType::author, address->author);
        appendKind(payload, address->kind);
    }
    return payload;
}

} // namespace

NsecEntity::~NsecEntity()
{
    OPENSSL_cleanse(secretKey.data(), secretKey.size());
}

std::string_view humanReadablePartOf(const Nip19Entity& entity) noexcept
{
    struct Visitor {
        std::string_view operator()(const NpubEntity&) const noexcept { return "npub"; }
        std::string_view operator()(const NsecEntity&) const noexcept { return "nsec"; }
        std::string_view operator()(const NoteEntity&) const noexcept { return "note"; }
        std::string_view operator()(const NprofileEntity&) const noexcept { return "nprofile"; }
        std::string_view operator()(const NeventEntity&) const noexcept { return "nevent"; }
        std::string_view operator()(const NaddrEntity&) const noexcept { return "naddr"; }
    };
    return std::visit(Visitor{}, entity);
}

core::Result<Nip19Entity> decodeNip19(std::string_view text)
{
    auto bech32 = decodeBech32(text);
    if (!bech32) {
        return bech32.error();
    }
    auto payload = fiveBitGroupsToBytes(bech32.value().fiveBitGroups);
    if (!payload) {
        return payload.error();
    }
    const std::string& prefix = bech32.value().humanReadablePart;
    std::vector<std::uint8_t>& bytes = payload.value();

    if (prefix == "npub" || prefix == "nsec" || prefix == "note") {
        if (bytes.size() != 32) {
            const std::size_t size = bytes.size();
            OPENSSL_cleanse(bytes.data(), bytes.size());
            return {NostrErrc::invalidBech32, prefix + " payload is " + std::to_string(size) + " bytes, expected 32"};
        }
        Bytes32 value = toBytes32(bytes);
        if (prefix == "npub") {
            return Nip19Entity{NpubEntity{value}};
        }
        if (prefix == "note") {
            return Nip19Entity{NoteEntity{value}};
        }
        Nip19Entity secret{std::in_place_type<NsecEntity>, value};
        // Best effort: no copy of the secret outlives this function except the entity.
        OPENSSL_cleanse(value.data(), value.size());
        OPENSSL_cleanse(bytes.data(), bytes.size());
        std::vector<std::uint8_t>& groups = bech32.value().fiveBitGroups;
        OPENSSL_cleanse(groups.data(), groups.size());
        return secret;
    }
    if (prefix == "nprofile") {
        auto fields = collectTlvFields(bytes, false);
        if (!fields) {
            return fields.error();
        }
        auto publicKey = requireBytes32(*fields.value().special, "pubkey");
        if (!publicKey) {
            return publicKey.error();
        }
        return Nip19Entity{NprofileEntity{publicKey.value(), std::move(fields.value().relays)}};
    }
    if (prefix == "nevent") {
        auto fields = collectTlvFields(bytes, true);
        if (!fields) {
            return fields.error();
        }
        auto eventId = requireBytes32(*fields.value().special, "event id");
        if (!eventId) {
            return eventId.error();
        }
        return Nip19Entity{NeventEntity{eventId.value(), std::move(fields.value().relays), fields.value().author,
                                        fields.value().kind}};
    }
    if (prefix == "naddr") {
        auto fields = collectTlvFields(bytes, true);
        if (!fields) {
            return fields.error();
        }
        auto identifier = requireUtf8(*fields.value().special, "identifier");
        if (!identifier) {
            return identifier.error();
        }
        if (!fields.value().author) {
            return {NostrErrc::invalidTlv, "naddr without an author record (type 2)"};
        }
        if (!fields.value().kind) {
            return {NostrErrc::invalidTlv, "naddr without a kind record (type 3)"};
        }
        return Nip19Entity{NaddrEntity{std::move(identifier).value(), *fields.value().author, *fields.value().kind,
                                       std::move(fields.value().relays)}};
    }
    return {NostrErrc::invalidBech32, "unknown NIP-19 prefix \"" + prefix + "\""};
}

core::Result<std::string> encodeNip19(const Nip19Entity& entity)
{
    const std::string_view prefix = humanReadablePartOf(entity);
    if (const auto* publicKey = std::get_if<NpubEntity>(&entity)) {
        return encodePayload(prefix, publicKey->publicKey);
    }
    if (const auto* secretKey = std::get_if<NsecEntity>(&entity)) {
        return encodePayload(prefix, secretKey->secretKey);
    }
    if (const auto* note = std::get_if<NoteEntity>(&entity)) {
        return encodePayload(prefix, note->eventId);
    }
    auto payload = encodeTlvPayload(entity);
    if (!payload) {
        return payload.error();
    }
    return encodePayload(prefix, payload.value());
}

} // namespace hoststudio::nostr
