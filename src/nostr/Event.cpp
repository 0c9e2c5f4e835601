// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/nostr/Event.hpp"
#include "hoststudio/nostr/JsonText.hpp"

#include "hoststudio/nostr/Hex.hpp"
#include "hoststudio/nostr/NostrError.hpp"
#include "hoststudio/nostr/Sha256.hpp"

#include <nlohmann/json.hpp>

#include <limits>

namespace hoststudio::nostr {

namespace {

nlohmann::json tagsToJson(const Tags& tags)
{
    nlohmann::json array = nlohmann::json::array();
    for (const Tag& tag : tags) {
        array.push_back(tag);
    }
    return array;
}

core::Result<Sha256Digest> digestOf(const Event& event)
{
    auto serialized = event.serialize();
    if (!serialized) {
        return serialized.error();
    }
    return sha256(serialized.value());
}

core::Result<std::string> requireLowerHexField(const nlohmann::json& object, const char* name, std::size_t byteCount)
{
    const auto field = object.find(name);
    if (field == object.end()) {
        return {NostrErrc::invalidEvent, std::string("missing field \"") + name + "\""};
    }
    if (!field->is_string()) {
        return {NostrErrc::invalidEvent, std::string("\"") + name + "\" is not a string"};
    }
    const auto& text = field->get_ref<const std::string&>();
    if (!isLowerHex(text, byteCount)) {
        return {NostrErrc::invalidEvent,
                std::string("\"") + name + "\" is not " + std::to_string(byteCount * 2) + " lower-case hex digits"};
    }
    return text;
}

// A JSON integer in [minimum, maximum]; floats (even 1.0) are refused.
core::Result<std::int64_t> requireIntegerField(const nlohmann::json& object, const char* name, std::int64_t minimum,
                                               std::int64_t maximum)
{
    const auto field = object.find(name);
    if (field == object.end()) {
        return {NostrErrc::invalidEvent, std::string("missing field \"") + name + "\""};
    }
    if (!field->is_number_integer()) {
        return {NostrErrc::invalidEvent, std::string("\"") + name + "\" is not an integer"};
    }
    std::int64_t value = 0;
    if (field->is_number_unsigned()) {
        const auto unsignedValue = field->get<std::uint64_t>();
        if (unsignedValue > static_cast<std::uint64_t>(maximum)) {
            return {NostrErrc::invalidEvent, std::string("\"") + name + "\" is above " + std::to_string(maximum)};
        }
        value = static_cast<std::int64_t>(unsignedValue);
    } else {
        value = field->get<std::int64_t>();
    }
    if (value < minimum) {
        return {NostrErrc::invalidEvent, std::string("\"") + name + "\" is below " + std::to_string(minimum)};
    }
    if (value > maximum) {
        return {NostrErrc::invalidEvent, std::string("\"") + name + "\" is above " + std::to_string(maximum)};
    }
    return value;
}

core::Result<Tags> requireTags(const nlohmann::json& object)
{
    const auto field = object.find("tags");
    if (field == object.end()) {
        return {NostrErrc::invalidEvent, "missing field \"tags\""};
    }
    if (!field->is_array()) {
        return {NostrErrc::invalidEvent, "\"tags\" is not an array"};
    }
    Tags tags;
    tags.reserve(field->size());
    for (std::size_t tagIndex = 0; tagIndex < field->size(); ++tagIndex) {
        const nlohmann::json& tag = (*field)[tagIndex];
        if (!tag.is_array()) {
            return {NostrErrc::invalidEvent, "tags[" + std::to_string(tagIndex) + "] is not an array"};
        }
        Tag values;
        values.reserve(tag.size());
        for (std::size_t valueIndex = 0; valueIndex < tag.size(); ++valueIndex) {
            if (!tag[valueIndex].is_string()) {
                return {NostrErrc::invalidEvent,
                        "tags[" + std::to_string(tagIndex) + "][" + std::to_string(valueIndex) + "] is not a string"};
            }
            values.push_back(tag[valueIndex].get<std::string>());
        }
        tags.push_back(std::move(values));
    }
    return tags;
}

} // namespace

core::Result<std::string> Event::serialize() const
{
    nlohmann::json array = nlohmann::json::array();
    array.push_back(0);
    array.push_back(pubkey);
    array.push_back(createdAtUnixSeconds);
    array.push_back(kind);
    array.push_back(tagsToJson(tags));
    array.push_back(content);
    return dumpJsonText(array);
}

core::Result<std::string> Event::computeId() const
{
    auto digest = digestOf(*this);
    if (!digest) {
        return digest.error();
    }
    return toHex(digest.value());
}

nlohmann::json Event::toJsonValue() const
{
    nlohmann::json object = nlohmann::json::object();
    object["id"] = id;
    object["pubkey"] = pubkey;
    object["created_at"] = createdAtUnixSeconds;
    object["kind"] = kind;
    object["tags"] = tagsToJson(tags);
    object["content"] = content;
    object["sig"] = sig;
    return object;
}

core::Result<std::string> Event::toJson() const
{
    return dumpJsonText(toJsonValue());
}

std::optional<std::string> Event::firstTagValue(std::string_view name) const
{
    for (const Tag& tag : tags) {
        if (tag.size() >= 2 && tag[0] == name) {
            return tag[1];
        }
    }
    return std::nullopt;
}

core::Result<Event> sign(const EventTemplate& eventTemplate, const SecretKey& secretKey,
                         std::optional<AuxRandomness> auxRandomness)
{
    if (eventTemplate.createdAtUnixSeconds < 0) {
        return {NostrErrc::invalidEvent, "\"created_at\" is below 0"};
    }
    auto publicKey = secretKey.publicKey();
    if (!publicKey) {
        return publicKey.error();
    }
    Event event;
    event.pubkey = publicKey.value().toHex();
    event.createdAtUnixSeconds = eventTemplate.createdAtUnixSeconds;
    event.kind = eventTemplate.kind;
    event.tags = eventTemplate.tags;
    event.content = eventTemplate.content;
    auto digest = digestOf(event);
    if (!digest) {
        return digest.error();
    }
    auto signature = nostr::sign(secretKey, digest.value(), auxRandomness);
    if (!signature) {
        return signature.error();
    }
    event.id = toHex(digest.value());
    event.sig = signature.value().toHex();
    return event;
}

core::Status verify(const Event& event)
{
    // The wire form is lower case: an upper-case id or pubkey hashes differently from what
    // relays and other clients compute, so it must not pass here either.
    if (!isLowerHex(event.id, 32)) {
        return {NostrErrc::invalidEvent, "id is not 64 lower-case hex digits"};
    }
    if (!isLowerHex(event.pubkey, PublicKey::byteCount)) {
        return {NostrErrc::invalidEvent, "pubkey is not 64 lower-case hex digits"};
    }
    auto digest = digestOf(event);
    if (!digest) {
        return digest.error();
    }
    const std::string computedId = toHex(digest.value());
    if (computedId != event.id) {
        return {NostrErrc::invalidEvent, "id mismatch: stated " + event.id + ", computed " + computedId};
    }
    auto publicKey = PublicKey::fromHex(event.pubkey);
    if (!publicKey) {
        return publicKey.error();
    }
    if (!isLowerHex(event.sig, Signature::byteCount)) {
        return {NostrErrc::invalidSignature, "sig is not 128 lower-case hex digits"};
    }
    auto signature = Signature::fromHex(event.sig);
    if (!signature) {
        return signature.error();
    }
    if (!verify(publicKey.value(), digest.value(), signature.value())) {
        return {NostrErrc::invalidSignature, "BIP-340 signature does not verify for event " + event.id};
    }
    return {};
}

core::Result<Event> eventFromJsonValue(const nlohmann::json& value)
{
    if (!value.is_object()) {
        return {NostrErrc::invalidEvent, "event is not a JSON object"};
    }
    Event event;
    auto id = requireLowerHexField(value, "id", 32);
    if (!id) {
        return id.error();
    }
    event.id = std::move(id).value();
    auto pubkey = requireLowerHexField(value, "pubkey", 32);
    if (!pubkey) {
        return pubkey.error();
    }
    event.pubkey = std::move(pubkey).value();
    auto createdAt = requireIntegerField(value, "created_at", 0, std::numeric_limits<std::int64_t>::max());
    if (!createdAt) {
        return createdAt.error();
    }
    event.createdAtUnixSeconds = createdAt.value();
    auto kind = requireIntegerField(value, "kind", 0, std::numeric_limits<EventKind>::max());
    if (!kind) {
        return kind.error();
    }
    event.kind = static_cast<EventKind>(kind.value());
    auto tags = requireTags(value);
    if (!tags) {
        return tags.error();
    }
    event.tags = std::move(tags).value();
    const auto content = value.find("content");
    if (content == value.end()) {
        return {NostrErrc::invalidEvent, "missing field \"content\""};
    }
    if (!content->is_string()) {
        return {NostrErrc::invalidEvent, "\"content\" is not a string"};
    }
    event.content = content->get<std::string>();
    auto sig = requireLowerHexField(value, "sig", 64);
    if (!sig) {
        return sig.error();
    }
    event.sig = std::move(sig).value();
    return event;
}

core::Result<Event> parseEvent(std::string_view jsonText)
{
    auto value = parseJsonText(jsonText);
    if (!value) {
        return value.error();
    }
    return eventFromJsonValue(value.value());
}

} // namespace hoststudio::nostr
