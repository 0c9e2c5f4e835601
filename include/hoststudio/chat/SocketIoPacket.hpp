// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The wire format of Socket.IO 4 over a WebSocket: Engine.IO protocol v4 packets (one per
// WebSocket message) and the Socket.IO protocol v5 packets carried inside Engine.IO `message`s.
//
//   Engine.IO text frame:   <type digit><data>          0{"sid":…} open, 1 close, 2 ping, 3 pong,
//                                                       4<socket.io packet> message, 5 upgrade, 6 noop
//   Engine.IO binary frame: raw bytes (one binary attachment of the packet being reassembled)
//   Socket.IO packet:       <type>[<attachments>-][<namespace>,][<ack id>][<JSON payload>]
//
// Binary data inside a payload is held as nlohmann::json binary values. Encoding replaces each one,
// depth first, by {"_placeholder":true,"num":N} and returns the bytes as attachments (the packet
// becomes BINARY_EVENT / BINARY_ACK); reconstructBinary() does the reverse once the attachments
// have arrived.
//
// Every parser is strict and total: any defect (a type that is not a digit, an attachment count
// that is missing, zero or too big, a namespace without its comma, an ack id that overflows, bad
// JSON, invalid UTF-8, a payload of the wrong shape for its type, a placeholder out of range)
// becomes a ChatErrc with a detail that names it; nothing throws.
//
// Thread safety: value types and pure functions.

#include "hoststudio/core/Result.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hoststudio::chat {

// ---- Engine.IO v4 ---------------------------------------------------------------------------------

enum class EnginePacketType : std::uint8_t {
    open = 0,
    close = 1,
    ping = 2,
    pong = 3,
    message = 4,
    upgrade = 5,
    noop = 6
};

[[nodiscard]] std::string_view toString(EnginePacketType type) noexcept;

struct EnginePacket {
    EnginePacketType type = EnginePacketType::message;
    std::string data; // everything after the type digit

    friend bool operator==(const EnginePacket&, const EnginePacket&) = default;
};

// The data of the server's `open` packet.
struct EngineOpen {
    std::string sid;
    std::chrono::milliseconds pingInterval{25000};
    std::chrono::milliseconds pingTimeout{20000};
    std::size_t maxPayload = 1000000;
    std::vector<std::string> upgrades;
};

// invalidPacket for an empty frame or a type that is not 0–6.
[[nodiscard]] core::Result<EnginePacket> parseEnginePacket(std::string_view text);
[[nodiscard]] std::string encodeEnginePacket(const EnginePacket& packet);

// The JSON of an open packet: sid (non-empty string), pingInterval and pingTimeout (positive
// integers, ms), maxPayload (positive integer, bytes), upgrades (optional array of strings).
[[nodiscard]] core::Result<EngineOpen> parseEngineOpen(std::string_view data);
[[nodiscard]] std::string encodeEngineOpen(const EngineOpen& open);

// ---- Socket.IO v5 ---------------------------------------------------------------------------------

enum class SocketPacketType : std::uint8_t {
    connect = 0,
    disconnect = 1,
    event = 2,
    ack = 3,
    connectError = 4,
    binaryEvent = 5,
    binaryAck = 6,
};

[[nodiscard]] std::string_view toString(SocketPacketType type) noexcept;

// Most attachments one packet may announce; more is refused as a bad attachment count (every one
// of them may be as large as the message cap, and all are held until the packet is complete).
inline constexpr std::size_t maximumAttachmentsPerPacket = 64;

// Deeper than any payload of the real-time protocol needs.
inline constexpr std::size_t maximumPayloadNestingDepth = 32;

struct SocketPacket {
    SocketPacketType type = SocketPacketType::event;
    std::string nameSpace = "/";
    std::optional<std::uint64_t> ackId;
    std::optional<nlohmann::json> payload; // may hold binary values (see above)
    std::size_t attachmentCount = 0;       // from the header of a parsed BINARY_* packet

    friend bool operator==(const SocketPacket&, const SocketPacket&) = default;
};

// A packet ready for the wire: the Socket.IO text and, for binary packets, the attachments in order.
struct EncodedSocketPacket {
    std::string text;
    std::vector<std::string> attachments;
};

// Encodes `packet`; EVENT/ACK with binary values in the payload become BINARY_EVENT/BINARY_ACK.
// Refuses (invalidArgument) what the protocol cannot carry: a namespace not starting with '/' or
// containing ',', a payload of the wrong shape for the type, invalid UTF-8 in a string.
[[nodiscard]] core::Result<EncodedSocketPacket> encodeSocketPacket(const SocketPacket& packet);

// Parses the text of one Socket.IO packet (the data of an Engine.IO `message`). For BINARY_*
// packets the payload still holds the placeholders; attachmentCount says how many binary frames
// follow.
[[nodiscard]] core::Result<SocketPacket> parseSocketPacket(std::string_view text);

// Replaces every placeholder of a parsed BINARY_* packet by its attachment (a json binary value),
// and turns the type into EVENT / ACK. invalidPacket when the number of attachments differs from
// the announced count or a placeholder's num is not an integer in [0, attachments).
[[nodiscard]] core::Status reconstructBinary(SocketPacket& packet, const std::vector<std::string>& attachments);

// Event names the protocol reserves for itself; emitting one is refused.
[[nodiscard]] bool isReservedEventName(std::string_view name) noexcept;

// Guarded JSON: invalidUtf8 / invalidJson (never an exception), nesting limited as above.
[[nodiscard]] core::Result<nlohmann::json> parsePayloadJson(std::string_view text);
[[nodiscard]] core::Result<std::string> dumpPayloadJson(const nlohmann::json& value);

} // namespace hoststudio::chat
