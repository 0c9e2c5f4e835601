// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/chat/SocketIoPacket.hpp"

#include "hoststudio/chat/ChatError.hpp"
#include "hoststudio/nostr/JsonText.hpp"
#include "hoststudio/nostr/NostrError.hpp"

#include <array>
#include <limits>
#include <utility>

namespace hoststudio::chat {

namespace {

constexpr std::uint64_t maximumAckId = (std::uint64_t{1} << 53U) - 1; // what a JavaScript number holds exactly

// The byte offset of the first sequence that is not UTF-8 (RFC 3629: no overlong forms, no
// surrogates, nothing above U+10FFFF), or nullopt.
std::optional<std::size_t> firstInvalidUtf8(std::string_view text) noexcept
{
    std::size_t index = 0;
    while (index < text.size()) {
        const auto lead = static_cast<unsigned char>(text[index]);
        if (lead < 0x80U) {
            ++index;
            continue;
        }
        std::size_t length = 0;
        unsigned char low = 0x80U;
        unsigned char high = 0xBFU;
        if (lead >= 0xC2U && lead <= 0xDFU) {
            length = 2;
        } else if (lead >= 0xE0U && lead <= 0xEFU) {
            length = 3;
            if (lead == 0xE0U) {
                low = 0xA0U;
            } else if (lead == 0xEDU) {
                high = 0x9FU;
            }
        } else if (lead >= 0xF0U && lead <= 0xF4U) {
            length = 4;
            if (lead == 0xF0U) {
                low = 0x90U;
            } else if (lead == 0xF4U) {
                high = 0x8FU;
            }
        } else {
            return index;
        }
        if (index + length > text.size()) {
            return index;
        }
        for (std::size_t offset = 1; offset < length; ++offset) {
            const auto next = static_cast<unsigned char>(text[index + offset]);
            const unsigned char minimum = offset == 1 ? low : 0x80U;
            const unsigned char maximum = offset == 1 ? high : 0xBFU;
            if (next < minimum || next > maximum) {
                return index;
            }
        }
        index += length;
    }
    return std::nullopt;
}

bool isDigit(char character) noexcept
{
    return character >= '0' && character <= '9';
}

core::Error mapJsonError(const core::Error& error)
{
    if (error == nostr::NostrErrc::invalidUtf8) {
        return {ChatErrc::invalidUtf8, error.detail()};
    }
    return {ChatErrc::invalidJson, error.detail()};
}

} // namespace

std::string_view toString(EnginePacketType type) noexcept
{
    switch (type) {
    case EnginePacketType::open: return "open";
    case EnginePacketType::close: return "close";
    case EnginePacketType::ping: return "ping";
    case EnginePacketType::pong: return "pong";
    case EnginePacketType::message: return "message";
    case EnginePacketType::upgrade: return "upgrade";
    case EnginePacketType::noop: return "noop";
    }
    return "unknown";
}

namespace {

bool isBinaryType(SocketPacketType type) noexcept
{
    return type == SocketPacketType::binaryEvent || type == SocketPacketType::binaryAck;
}

bool isPlaceholder(const nlohmann::json& value) noexcept
{
    if (!value.is_object()) {
        return false;
    }
    const auto marker = value.find("_placeholder");
    return marker != value.end() && marker->is_boolean() && marker->get<bool>();
}

// Whether the payload is of the shape its packet type requires; the reason when not.
std::optional<std::string> payloadShapeError(SocketPacketType type, const std::optional<nlohmann::json>& payload,
                                             const std::optional<std::uint64_t>& ackId)
{
    const std::string name(toString(type));
    switch (type) {
    case SocketPacketType::connect:
        if (payload && !payload->is_object()) {
            return name + " carries an object (the auth data) or nothing";
        }
        return std::nullopt;
    case SocketPacketType::disconnect:
        if (payload) {
            return name + " carries no payload";
        }
        return std::nullopt;
    case SocketPacketType::connectError:
        if (!payload || !(payload->is_object() || payload->is_string())) {
            return name + " carries an object or a string";
        }
        return std::nullopt;
    case SocketPacketType::event:
    case SocketPacketType::binaryEvent: {
        if (!payload || !payload->is_array() || payload->empty()) {
            return name + " carries a non-empty array [name, arguments…]";
        }
        const nlohmann::json& first = payload->front();
        if (first.is_string()) {
            if (isReservedEventName(first.get_ref<const std::string&>())) {
                return name + " uses the reserved event name \"" + first.get<std::string>() + "\"";
            }
        } else if (!first.is_number_integer() && !first.is_number_unsigned()) {
            return name + " starts with the event name, a string";
        }
        return std::nullopt;
    }
    case SocketPacketType::ack:
    case SocketPacketType::binaryAck:
        if (!ackId) {
            return name + " needs an ack id";
        }
        if (!payload || !payload->is_array()) {
            return name + " carries an array of arguments";
        }
        return std::nullopt;
    }
    return "unknown packet type";
}

void extractBinary(nlohmann::json& value, std::vector<std::string>& attachments)
{
    if (value.is_binary()) {
        const nlohmann::json::binary_t& bytes = value.get_binary();
        std::string data(bytes.begin(), bytes.end());
        const std::size_t number = attachments.size();
        attachments.push_back(std::move(data));
        value = nlohmann::json{{"_placeholder", true}, {"num", number}};
        return;
    }
    if (value.is_array() || value.is_object()) {
        for (nlohmann::json& child : value) {
            extractBinary(child, attachments);
        }
    }
}

core::Status insertBinary(nlohmann::json& value, const std::vector<std::string>& attachments)
{
    if (isPlaceholder(value)) {
        const auto number = value.find("num");
        if (number == value.end() || !(number->is_number_unsigned() || number->is_number_integer())) {
            return core::Error{ChatErrc::invalidPacket, "a binary placeholder without an integer \"num\""};
        }
        const bool negative = !number->is_number_unsigned();
        const std::uint64_t index = negative ? 0 : number->get<std::uint64_t>();
        if (negative || index >= attachments.size()) {
            return core::Error{ChatErrc::invalidPacket, "binary placeholder " + number->dump() +
                                                            " is out of range (the packet has " +
                                                            std::to_string(attachments.size()) + " attachments)"};
        }
        const std::string& bytes = attachments[static_cast<std::size_t>(index)];
        value = nlohmann::json::binary(std::vector<std::uint8_t>(bytes.begin(), bytes.end()));
        return {};
    }
    if (value.is_array() || value.is_object()) {
        for (nlohmann::json& child : value) {
            if (core::Status inserted = insertBinary(child, attachments); !inserted) {
                return inserted;
            }
        }
    }
    return {};
}

bool containsBinary(const nlohmann::json& value)
{
    if (value.is_binary()) {
        return true;
    }
    if (value.is_array() || value.is_object()) {
        for (const nlohmann::json& child : value) {
            if (containsBinary(child)) {
                return true;
            }
        }
    }
    return false;
}

} // namespace

// ---- Engine.IO ----------------------------------------------------------------------------------------

core::Result<EnginePacket> parseEnginePacket(std::string_view text)
{
    if (text.empty()) {
        return core::Error{ChatErrc::invalidPacket, "an empty Engine.IO packet"};
    }
    const char type = text.front();
    if (type < '0' || type > '6') {
        return core::Error{ChatErrc::invalidPacket,
                           "Engine.IO packet type '" + std::string(1, type) + "' is not a digit 0-6"};
    }
    return EnginePacket{static_cast<EnginePacketType>(type - '0'), std::string(text.substr(1))};
}

std::string encodeEnginePacket(const EnginePacket& packet)
{
    std::string text;
    text.reserve(packet.data.size() + 1);
    text.push_back(static_cast<char>('0' + static_cast<int>(packet.type)));
    text += packet.data;
    return text;
}

core::Result<EngineOpen> parseEngineOpen(std::string_view data)
{
    core::Result<nlohmann::json> parsed = parsePayloadJson(data);
    if (!parsed) {
        return parsed.error().withContext("Engine.IO open packet");
    }
    const nlohmann::json& json = parsed.value();
    if (!json.is_object()) {
        return core::Error{ChatErrc::invalidPacket, "the Engine.IO open packet is not a JSON object"};
    }
    EngineOpen open;
    const auto sid = json.find("sid");
    if (sid == json.end() || !sid->is_string() || sid->get_ref<const std::string&>().empty()) {
        return core::Error{ChatErrc::invalidPacket, "the Engine.IO open packet has no \"sid\" string"};
    }
    open.sid = sid->get<std::string>();
    const auto positive = [&json](const char* key) -> std::optional<std::uint64_t> {
        const auto field = json.find(key);
        if (field == json.end() || !field->is_number_unsigned() || field->get<std::uint64_t>() == 0 ||
            field->get<std::uint64_t>() > std::uint64_t{std::numeric_limits<std::uint32_t>::max()}) {
            return std::nullopt;
        }
        return field->get<std::uint64_t>();
    };
    const std::optional<std::uint64_t> pingInterval = positive("pingInterval");
    const std::optional<std::uint64_t> pingTimeout = positive("pingTimeout");
    const std::optional<std::uint64_t> maxPayload = positive("maxPayload");
    if (!pingInterval || !pingTimeout) {
        return core::Error{ChatErrc::invalidPacket,
                           "the Engine.IO open packet needs positive integers \"pingInterval\" and \"pingTimeout\""};
    }
    if (!maxPayload) {
        return core::Error{ChatErrc::invalidPacket,
                           "the Engine.IO open packet needs a positive integer \"maxPayload\""};
    }
    open.pingInterval = std::chrono::milliseconds{static_cast<std::int64_t>(*pingInterval)};
    open.pingTimeout = std::chrono::milliseconds{static_cast<std::int64_t>(*pingTimeout)};
    open.maxPayload = static_cast<std::size_t>(*maxPayload);
    if (const auto upgrades = json.find("upgrades"); upgrades != json.end()) {
        if (!upgrades->is_array()) {
            return core::Error{ChatErrc::invalidPacket, "\"upgrades\" of the Engine.IO open packet is not an array"};
        }
        for (const nlohmann::json& upgrade : *upgrades) {
            if (!upgrade.is_string()) {
                return core::Error{ChatErrc::invalidPacket,
                                   "\"upgrades\" of the Engine.IO open packet holds a non-string"};
            }
            open.upgrades.push_back(upgrade.get<std::string>());
        }
    }
    return open;
}

std::string encodeEngineOpen(const EngineOpen& open)
{
    nlohmann::json json{{"sid", open.sid},
                        {"upgrades", open.upgrades},
                        {"pingInterval", open.pingInterval.count()},
                        {"pingTimeout", open.pingTimeout.count()},
                        {"maxPayload", open.maxPayload}};
    return dumpPayloadJson(json).valueOr("{}");
}

// ---- Socket.IO ----------------------------------------------------------------------------------------

std::string_view toString(SocketPacketType type) noexcept
{
    switch (type) {
    case SocketPacketType::connect: return "CONNECT";
    case SocketPacketType::disconnect: return "DISCONNECT";
    case SocketPacketType::event: return "EVENT";
    case SocketPacketType::ack: return "ACK";
    case SocketPacketType::connectError: return "CONNECT_ERROR";
    case SocketPacketType::binaryEvent: return "BINARY_EVENT";
    case SocketPacketType::binaryAck: return "BINARY_ACK";
    }
    return "UNKNOWN";
}

bool isReservedEventName(std::string_view name) noexcept
{
    static constexpr std::array<std::string_view, 6> reserved{"connect",       "connect_error", "disconnect",
                                                              "disconnecting", "newListener",   "removeListener"};
    for (const std::string_view candidate : reserved) {
        if (candidate == name) {
            return true;
        }
    }
    return false;
}

core::Result<nlohmann::json> parsePayloadJson(std::string_view text)
{
    static_assert(maximumPayloadNestingDepth == nostr::maximumJsonNestingDepth);
    core::Result<nlohmann::json> parsed = nostr::parseJsonText(text);
    if (!parsed) {
        return mapJsonError(parsed.error());
    }
    return parsed;
}

core::Result<std::string> dumpPayloadJson(const nlohmann::json& value)
{
    core::Result<std::string> dumped = nostr::dumpJsonText(value);
    if (!dumped) {
        return mapJsonError(dumped.error());
    }
    return dumped;
}

core::Result<EncodedSocketPacket> encodeSocketPacket(const SocketPacket& packet)
{
    if (packet.nameSpace.empty() || packet.nameSpace.front() != '/' ||
        packet.nameSpace.find(',') != std::string::npos) {
        return core::Error{ChatErrc::invalidArgument,
                           "a namespace starts with '/' and has no ',' (\"" + packet.nameSpace + "\")"};
    }
    if (const auto offset = firstInvalidUtf8(packet.nameSpace)) {
        return core::Error{ChatErrc::invalidUtf8, "the namespace is not UTF-8 at byte " + std::to_string(*offset)};
    }
    if (packet.ackId && *packet.ackId > maximumAckId) {
        return core::Error{ChatErrc::invalidArgument, "ack id " + std::to_string(*packet.ackId) + " is too large"};
    }
    EncodedSocketPacket encoded;
    std::optional<nlohmann::json> payload = packet.payload;
    SocketPacketType type = packet.type;
    if (payload && containsBinary(*payload)) {
        if (type == SocketPacketType::event) {
            type = SocketPacketType::binaryEvent;
        } else if (type == SocketPacketType::ack) {
            type = SocketPacketType::binaryAck;
        } else if (!isBinaryType(type)) {
            return core::Error{ChatErrc::invalidArgument,
                               std::string(toString(type)) + " cannot carry binary data (only events and acks)"};
        }
        extractBinary(*payload, encoded.attachments);
    }
    if (isBinaryType(type) && encoded.attachments.empty()) {
        type = type == SocketPacketType::binaryEvent ? SocketPacketType::event : SocketPacketType::ack;
    }
    if (encoded.attachments.size() > maximumAttachmentsPerPacket) {
        return core::Error{ChatErrc::invalidArgument, "more than " + std::to_string(maximumAttachmentsPerPacket) +
                                                          " binary attachments in one packet"};
    }
    if (const std::optional<std::string> shapeError = payloadShapeError(type, payload, packet.ackId)) {
        return core::Error{ChatErrc::invalidArgument, *shapeError};
    }
    std::string& text = encoded.text;
    text.push_back(static_cast<char>('0' + static_cast<int>(type)));
    if (isBinaryType(type)) {
        text += std::to_string(encoded.attachments.size());
        text.push_back('-');
    }
    if (packet.nameSpace != "/") {
        text += packet.nameSpace;
        text.push_back(',');
    }
    if (packet.ackId) {
        text += std::to_string(*packet.ackId);
    }
    if (payload) {
        core::Result<std::string> json = dumpPayloadJson(*payload);
        if (!json) {
            return json.error().withContext(std::string(toString(type)) + " payload");
        }
        text += json.value();
    }
    return encoded;
}

core::Result<SocketPacket> parseSocketPacket(std::string_view text)
{
    if (text.empty()) {
        return core::Error{ChatErrc::invalidPacket, "an empty Socket.IO packet"};
    }
    if (const auto offset = firstInvalidUtf8(text)) {
        return core::Error{ChatErrc::invalidUtf8, "Socket.IO packet is not UTF-8 at byte " + std::to_string(*offset)};
    }
    const char typeCharacter = text.front();
    if (typeCharacter < '0' || typeCharacter > '6') {
        return core::Error{ChatErrc::invalidPacket,
                           "Socket.IO packet type '" + std::string(1, typeCharacter) + "' is not a digit 0-6"};
    }
    SocketPacket packet;
    packet.type = static_cast<SocketPacketType>(typeCharacter - '0');
    std::size_t position = 1;

    if (isBinaryType(packet.type)) {
        const std::size_t start = position;
        std::uint64_t count = 0;
        while (position < text.size() && isDigit(text[position])) {
            count = count * 10 + static_cast<std::uint64_t>(text[position] - '0');
            if (count > maximumAttachmentsPerPacket) {
                return core::Error{ChatErrc::invalidPacket,
                                   "bad attachment count: more than " + std::to_string(maximumAttachmentsPerPacket)};
            }
            ++position;
        }
        if (position == start || position >= text.size() || text[position] != '-') {
            return core::Error{ChatErrc::invalidPacket, "bad attachment count: " + std::string(toString(packet.type)) +
                                                            " needs <count>- after its type"};
        }
        if (count == 0) {
            return core::Error{ChatErrc::invalidPacket,
                               "bad attachment count: " + std::string(toString(packet.type)) + " announces 0"};
        }
        packet.attachmentCount = static_cast<std::size_t>(count);
        ++position; // '-'
    }

    if (position < text.size() && text[position] == '/') {
        const std::size_t comma = text.find(',', position);
        const std::size_t end = comma == std::string_view::npos ? text.size() : comma;
        packet.nameSpace = std::string(text.substr(position, end - position));
        position = comma == std::string_view::npos ? text.size() : comma + 1;
    }

    if (position < text.size() && isDigit(text[position])) {
        std::uint64_t id = 0;
        while (position < text.size() && isDigit(text[position])) {
            id = id * 10 + static_cast<std::uint64_t>(text[position] - '0');
            if (id > maximumAckId) {
                return core::Error{ChatErrc::invalidPacket, "the ack id is too large"};
            }
            ++position;
        }
        packet.ackId = id;
    }

    if (position < text.size()) {
        core::Result<nlohmann::json> payload = parsePayloadJson(text.substr(position));
        if (!payload) {
            return payload.error().withContext(std::string(toString(packet.type)) + " payload");
        }
        packet.payload = std::move(payload).value();
    }
    if (const std::optional<std::string> shapeError = payloadShapeError(packet.type, packet.payload, packet.ackId)) {
        return core::Error{ChatErrc::invalidPacket, *shapeError};
    }
    return packet;
}

core::Status reconstructBinary(SocketPacket& packet, const std::vector<std::string>& attachments)
{
    if (!isBinaryType(packet.type)) {
        return core::Error{ChatErrc::invalidPacket, std::string(toString(packet.type)) + " has no attachments"};
    }
    if (attachments.size() != packet.attachmentCount) {
        return core::Error{ChatErrc::invalidPacket, "bad attachment count: announced " +
                                                        std::to_string(packet.attachmentCount) + ", got " +
                                                        std::to_string(attachments.size())};
    }
    if (packet.payload) {
        nlohmann::json payload = *packet.payload;
        if (core::Status inserted = insertBinary(payload, attachments); !inserted) {
            return inserted;
        }
        packet.payload = std::move(payload);
    }
    packet.type = packet.type == SocketPacketType::binaryEvent ? SocketPacketType::event : SocketPacketType::ack;
    packet.attachmentCount = 0;
    return {};
}

} // namespace hoststudio::chat
