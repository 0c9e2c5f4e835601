// SPDX-License-Identifier: GPL-2.0-or-later
// libFuzzer target: Engine.IO v4 and Socket.IO v5 packets as they arrive from a server.
// Properties: parsing never crashes or throws; an Engine.IO packet encodes back to its input; an
// open handshake that parses re-parses from its encoding to the same values; a Socket.IO packet
// that parses encodes, and its encoding parses to the same packet; a binary packet reassembled
// with attachments encodes and re-parses with the placeholders substituted again.

#include "../FuzzSupport.hpp"

#include "hoststudio/chat/SocketIoPacket.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace hoststudio::chat;

using hoststudio::fuzz::failProperty;

void checkEngine(std::string_view text)
{
    const auto packet = parseEnginePacket(text);
    if (!packet) {
        return;
    }
    if (encodeEnginePacket(*packet) != text) {
        failProperty("an Engine.IO packet does not encode back to its input");
    }
    if (packet->type == EnginePacketType::open) {
        const auto open = parseEngineOpen(packet->data);
        if (!open) {
            return;
        }
        const auto again = parseEngineOpen(encodeEngineOpen(*open));
        if (!again || again->sid != open->sid || again->pingInterval != open->pingInterval ||
            again->pingTimeout != open->pingTimeout || again->maxPayload != open->maxPayload ||
            again->upgrades != open->upgrades) {
            failProperty("an Engine.IO open packet does not survive its encoding");
        }
    }
}

void checkSocket(std::string_view text)
{
    auto parsed = parseSocketPacket(text);
    if (!parsed) {
        return;
    }
    SocketPacket packet = parsed.value();
    if (packet.attachmentCount == 0) {
        const auto encoded = encodeSocketPacket(packet);
        if (!encoded || !encoded->attachments.empty()) {
            failProperty("a parsed Socket.IO packet does not encode");
        }
        const auto again = parseSocketPacket(encoded->text);
        if (!again || !(again.value() == packet)) {
            failProperty("a Socket.IO packet does not survive its encoding");
        }
        return;
    }
    std::vector<std::string> attachments;
    for (std::size_t index = 0; index < packet.attachmentCount; ++index) {
        attachments.emplace_back(index % 3, static_cast<char>(index));
    }
    if (!reconstructBinary(packet, attachments)) {
        return;
    }
    const auto encoded = encodeSocketPacket(packet);
    if (!encoded) {
        failProperty("a reassembled binary packet does not encode");
    }
    auto again = parseSocketPacket(encoded->text);
    if (!again) {
        failProperty("the encoding of a reassembled binary packet does not parse");
    }
    SocketPacket rebuilt = again.value();
    if (rebuilt.attachmentCount > 0) {
        if (!reconstructBinary(rebuilt, encoded->attachments) || !(rebuilt.payload == packet.payload)) {
            failProperty("a binary packet does not survive its encoding");
        }
    } else if (!(rebuilt.payload == packet.payload)) {
        failProperty("a binary packet without placeholders changed in its encoding");
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    checkEngine(text);
    checkSocket(text);
    if (!text.empty() && text.front() == '4') {
        checkSocket(text.substr(1)); // the Socket.IO packet inside an Engine.IO message
    }
    return 0;
}
