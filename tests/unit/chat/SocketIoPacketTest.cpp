// SPDX-License-Identifier: GPL-2.0-or-later
// The Socket.IO v5 / Engine.IO v4 codec: the protocol documents' examples as known answers, round
// trips with binary attachments, and one refusal per defect.

#include "hoststudio/chat/SocketIoPacket.hpp"
#include "hoststudio/chat/ChatError.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace hoststudio::chat {
namespace {

using nlohmann::json;

json binaryOf(const std::string& bytes)
{
    return json::binary(std::vector<std::uint8_t>(bytes.begin(), bytes.end()));
}

// ---- Engine.IO ----------------------------------------------------------------------------------------

struct EngineCase {
    const char* text;
    EnginePacketType type;
    const char* data;
};

TEST(EnginePacket, ParsesEveryTypeAndEncodesItBack)
{
    const std::vector<EngineCase> cases{
        {R"(0{"sid":"abc"})", EnginePacketType::open, R"({"sid":"abc"})"},
        {"1", EnginePacketType::close, ""},
        {"2", EnginePacketType::ping, ""},
        {"3", EnginePacketType::pong, ""},
        {"2probe", EnginePacketType::ping, "probe"},
        {R"(42["hello"])", EnginePacketType::message, R"(2["hello"])"},
        {"5", EnginePacketType::upgrade, ""},
        {"6", EnginePacketType::noop, ""},
    };
    for (const EngineCase& entry : cases) {
        SCOPED_TRACE(entry.text);
        const core::Result<EnginePacket> packet = parseEnginePacket(entry.text);
        ASSERT_TRUE(packet.ok()) << packet.error().describe();
        EXPECT_EQ(packet->type, entry.type);
        EXPECT_EQ(packet->data, entry.data);
        EXPECT_EQ(encodeEnginePacket(*packet), entry.text);
    }
}

TEST(EnginePacket, RefusesEmptyAndUnknownTypes)
{
    for (const char* text : {"", "7", "9x", "a", "-1", " 2", "{}"}) {
        SCOPED_TRACE(text);
        const core::Result<EnginePacket> packet = parseEnginePacket(text);
        ASSERT_FALSE(packet.ok());
        EXPECT_EQ(packet.error(), ChatErrc::invalidPacket);
    }
}

TEST(EngineOpen, ParsesTheServerHandshake)
{
    const core::Result<EngineOpen> open = parseEngineOpen(
        R"({"sid":"lv_VI97HAXpY6yYWAAAC","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000})");
    ASSERT_TRUE(open.ok()) << open.error().describe();
    EXPECT_EQ(open->sid, "lv_VI97HAXpY6yYWAAAC");
    EXPECT_EQ(open->pingInterval, std::chrono::milliseconds{25000});
    EXPECT_EQ(open->pingTimeout, std::chrono::milliseconds{20000});
    EXPECT_EQ(open->maxPayload, 1000000U);
    EXPECT_EQ(open->upgrades, std::vector<std::string>{"websocket"});

    const core::Result<EngineOpen> back = parseEngineOpen(encodeEngineOpen(*open));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(back->sid, open->sid);
    EXPECT_EQ(back->maxPayload, open->maxPayload);
}

struct RefusalCase {
    const char* name;
    std::string text;
    ChatErrc expected;
};

TEST(EngineOpen, RefusesEveryDefect)
{
    const std::vector<RefusalCase> cases{
        {"not JSON", "{sid:1}", ChatErrc::invalidJson},
        {"not an object", R"(["sid"])", ChatErrc::invalidPacket},
        {"no sid", R"({"pingInterval":1,"pingTimeout":1,"maxPayload":1})", ChatErrc::invalidPacket},
        {"empty sid", R"({"sid":"","pingInterval":1,"pingTimeout":1,"maxPayload":1})", ChatErrc::invalidPacket},
        {"numeric sid", R"({"sid":5,"pingInterval":1,"pingTimeout":1,"maxPayload":1})", ChatErrc::invalidPacket},
        {"no pingInterval", R"({"sid":"a","pingTimeout":1,"maxPayload":1})", ChatErrc::invalidPacket},
        {"zero pingTimeout", R"({"sid":"a","pingInterval":1,"pingTimeout":0,"maxPayload":1})", ChatErrc::invalidPacket},
        {"negative interval", R"({"sid":"a","pingInterval":-5,"pingTimeout":1,"maxPayload":1})",
         ChatErrc::invalidPacket},
        {"fractional interval", R"({"sid":"a","pingInterval":2.5,"pingTimeout":1,"maxPayload":1})",
         ChatErrc::invalidPacket},
        {"string maxPayload", R"({"sid":"a","pingInterval":1,"pingTimeout":1,"maxPayload":"1"})",
         ChatErrc::invalidPacket},
        {"huge interval", R"({"sid":"a","pingInterval":99999999999,"pingTimeout":1,"maxPayload":1})",
         ChatErrc::invalidPacket},
        {"upgrades not array", R"({"sid":"a","pingInterval":1,"pingTimeout":1,"maxPayload":1,"upgrades":"ws"})",
         ChatErrc::invalidPacket},
        {"upgrades with number", R"({"sid":"a","pingInterval":1,"pingTimeout":1,"maxPayload":1,"upgrades":[1]})",
         ChatErrc::invalidPacket},
        {"invalid UTF-8", "{\"sid\":\"\xC3\x28\",\"pingInterval\":1,\"pingTimeout\":1,\"maxPayload\":1}",
         ChatErrc::invalidUtf8},
    };
    for (const RefusalCase& entry : cases) {
        SCOPED_TRACE(entry.name);
        const core::Result<EngineOpen> open = parseEngineOpen(entry.text);
        ASSERT_FALSE(open.ok());
        EXPECT_EQ(open.error(), entry.expected) << open.error().describe();
        EXPECT_FALSE(open.error().detail().empty());
    }
}

// ---- Socket.IO: known answers ------------------------------------------------------------------------------

struct KnownPacket {
    const char* text;
    SocketPacket packet;
};

TEST(SocketPacket, ParsesAndEncodesTheProtocolExamples)
{
    const std::vector<KnownPacket> cases{
        {"0", {SocketPacketType::connect, "/", std::nullopt, std::nullopt, 0}},
        {R"(0/admin,{"token":"123"})", {SocketPacketType::connect, "/admin", std::nullopt, json{{"token", "123"}}, 0}},
        {R"(0{"sid":"oSO0OpakMV_3jnilAAAA"})",
         {SocketPacketType::connect, "/", std::nullopt, json{{"sid", "oSO0OpakMV_3jnilAAAA"}}, 0}},
        {"1/admin,", {SocketPacketType::disconnect, "/admin", std::nullopt, std::nullopt, 0}},
        {"1", {SocketPacketType::disconnect, "/", std::nullopt, std::nullopt, 0}},
        {R"(2["hello",1])", {SocketPacketType::event, "/", std::nullopt, json::array({"hello", 1}), 0}},
        {R"(2/admin,456["project:delete",123])",
         {SocketPacketType::event, "/admin", 456, json::array({"project:delete", 123}), 0}},
        {R"(212["channel-message",{"channel":"general","content":"hi","sender":"x"}])",
         {SocketPacketType::event, "/", 12,
          json::array({"channel-message", {{"channel", "general"}, {"content", "hi"}, {"sender", "x"}}}), 0}},
        {"3/admin,456[]", {SocketPacketType::ack, "/admin", 456, json::array(), 0}},
        {R"(30["ok",{"n":2}])", {SocketPacketType::ack, "/", 0, json::array({"ok", {{"n", 2}}}), 0}},
        {R"(4{"message":"Not authorized"})",
         {SocketPacketType::connectError, "/", std::nullopt, json{{"message", "Not authorized"}}, 0}},
        {R"(4"refused")", {SocketPacketType::connectError, "/", std::nullopt, json("refused"), 0}},
        {R"(51-["hello",{"_placeholder":true,"num":0}])",
         {SocketPacketType::binaryEvent, "/", std::nullopt,
          json::array({"hello", {{"_placeholder", true}, {"num", 0}}}), 1}},
        {R"(61-/admin,456[{"_placeholder":true,"num":0}])",
         {SocketPacketType::binaryAck, "/admin", 456, json::array({{{"_placeholder", true}, {"num", 0}}}), 1}},
    };
    for (const KnownPacket& entry : cases) {
        SCOPED_TRACE(entry.text);
        const core::Result<SocketPacket> parsed = parseSocketPacket(entry.text);
        ASSERT_TRUE(parsed.ok()) << parsed.error().describe();
        EXPECT_EQ(parsed->type, entry.packet.type);
        EXPECT_EQ(parsed->nameSpace, entry.packet.nameSpace);
        EXPECT_EQ(parsed->ackId, entry.packet.ackId);
        EXPECT_EQ(parsed->payload, entry.packet.payload);
        EXPECT_EQ(parsed->attachmentCount, entry.packet.attachmentCount);
        if (entry.packet.attachmentCount == 0) {
            const core::Result<EncodedSocketPacket> encoded = encodeSocketPacket(entry.packet);
            ASSERT_TRUE(encoded.ok()) << encoded.error().describe();
            // "1/admin," is what socket.io sends; we write the comma whenever there is a namespace.
            EXPECT_EQ(encoded->text, entry.text);
            EXPECT_TRUE(encoded->attachments.empty());
        }
    }
}

TEST(SocketPacket, AcceptsANamespaceThatEndsThePacket)
{
    const core::Result<SocketPacket> parsed = parseSocketPacket("0/admin");
    ASSERT_TRUE(parsed.ok()) << parsed.error().describe();
    EXPECT_EQ(parsed->nameSpace, "/admin");
    EXPECT_FALSE(parsed->payload.has_value());
}

TEST(SocketPacket, AcceptsANumericEventName)
{
    const core::Result<SocketPacket> parsed = parseSocketPacket("2[42,\"x\"]");
    ASSERT_TRUE(parsed.ok()) << parsed.error().describe();
}

// ---- Socket.IO: binary -----------------------------------------------------------------------------------------

TEST(SocketPacket, BinaryValuesBecomePlaceholdersAndComeBack)
{
    std::string first(300000, '\0');
    for (std::size_t index = 0; index < first.size(); ++index) {
        first[index] = static_cast<char>(index * 7U % 256U);
    }
    const std::string second = std::string("\x00\xFF\x80 binary", 10);
    const json payload = json::array(
        {"stream-data", {{"streamKey", "abc"}, {"chunk", binaryOf(first)}, {"more", json::array({binaryOf(second)})}}});
    const SocketPacket packet{SocketPacketType::event, "/", 7, payload, 0};

    const core::Result<EncodedSocketPacket> encoded = encodeSocketPacket(packet);
    ASSERT_TRUE(encoded.ok()) << encoded.error().describe();
    EXPECT_EQ(
        encoded->text,
        R"(52-7["stream-data",{"chunk":{"_placeholder":true,"num":0},"more":[{"_placeholder":true,"num":1}],"streamKey":"abc"}])");
    ASSERT_EQ(encoded->attachments.size(), 2U);
    EXPECT_EQ(encoded->attachments[0], first);
    EXPECT_EQ(encoded->attachments[1], second);

    core::Result<SocketPacket> parsed = parseSocketPacket(encoded->text);
    ASSERT_TRUE(parsed.ok()) << parsed.error().describe();
    EXPECT_EQ(parsed->type, SocketPacketType::binaryEvent);
    EXPECT_EQ(parsed->attachmentCount, 2U);
    SocketPacket rebuilt = parsed.value();
    const core::Status status = reconstructBinary(rebuilt, encoded->attachments);
    ASSERT_TRUE(status.ok()) << status.error().describe();
    EXPECT_EQ(rebuilt.type, SocketPacketType::event);
    EXPECT_EQ(rebuilt.payload, payload);
    EXPECT_EQ(rebuilt.ackId, 7U);
}

TEST(SocketPacket, AnAckWithBinaryBecomesABinaryAck)
{
    const SocketPacket packet{SocketPacketType::ack, "/", 3, json::array({binaryOf("xyz")}), 0};
    const core::Result<EncodedSocketPacket> encoded = encodeSocketPacket(packet);
    ASSERT_TRUE(encoded.ok()) << encoded.error().describe();
    EXPECT_EQ(encoded->text, R"(61-3[{"_placeholder":true,"num":0}])");
    EXPECT_EQ(encoded->attachments, std::vector<std::string>{"xyz"});
}

TEST(SocketPacket, PlaceholdersInAPlainEventStayJson)
{
    // Only BINARY_* packets carry attachments; socket.io leaves such objects alone elsewhere.
    const core::Result<SocketPacket> parsed = parseSocketPacket(R"(2["x",{"_placeholder":true,"num":0}])");
    ASSERT_TRUE(parsed.ok());
    SocketPacket packet = parsed.value();
    const core::Status status = reconstructBinary(packet, {});
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.error(), ChatErrc::invalidPacket);
}

struct ReconstructCase {
    const char* name;
    const char* text;
    std::vector<std::string> attachments;
};

TEST(SocketPacket, ReconstructRefusesBadPlaceholdersAndCounts)
{
    const std::vector<ReconstructCase> cases{
        {"placeholder out of range", R"(51-["x",{"_placeholder":true,"num":1}])", {"a"}},
        {"negative placeholder", R"(51-["x",{"_placeholder":true,"num":-1}])", {"a"}},
        {"fractional placeholder", R"(51-["x",{"_placeholder":true,"num":0.5}])", {"a"}},
        {"string placeholder", R"(51-["x",{"_placeholder":true,"num":"0"}])", {"a"}},
        {"placeholder without num", R"(51-["x",{"_placeholder":true}])", {"a"}},
        {"huge placeholder", R"(51-["x",{"_placeholder":true,"num":18446744073709551615}])", {"a"}},
        {"fewer attachments than announced", R"(52-["x",{"_placeholder":true,"num":0}])", {"a"}},
        {"more attachments than announced", R"(51-["x",{"_placeholder":true,"num":0}])", {"a", "b"}},
    };
    for (const ReconstructCase& entry : cases) {
        SCOPED_TRACE(entry.name);
        core::Result<SocketPacket> parsed = parseSocketPacket(entry.text);
        ASSERT_TRUE(parsed.ok()) << parsed.error().describe();
        SocketPacket packet = parsed.value();
        const core::Status status = reconstructBinary(packet, entry.attachments);
        ASSERT_FALSE(status.ok());
        EXPECT_EQ(status.error(), ChatErrc::invalidPacket);
        EXPECT_FALSE(status.error().detail().empty());
    }
}

// ---- Socket.IO: refusals ----------------------------------------------------------------------------------------

TEST(SocketPacket, ParseRefusesEveryDefect)
{
    const std::vector<RefusalCase> cases{
        {"empty", "", ChatErrc::invalidPacket},
        {"non-numeric type", "x[\"a\"]", ChatErrc::invalidPacket},
        {"type 7", "7[\"a\"]", ChatErrc::invalidPacket},
        {"type 9", "9", ChatErrc::invalidPacket},
        {"binary without count", R"(5["a",{}])", ChatErrc::invalidPacket},
        {"binary count without dash", R"(51["a",{}])", ChatErrc::invalidPacket},
        {"binary count zero", R"(50-["a"])", ChatErrc::invalidPacket},
        {"binary count too large", R"(565-["a"])", ChatErrc::invalidPacket},
        {"binary count overflowing", "599999999999999999999999-[\"a\"]", ChatErrc::invalidPacket},
        {"binary count not digits", R"(5x-["a"])", ChatErrc::invalidPacket},
        {"binary count only", "51-", ChatErrc::invalidPacket},
        {"ack id overflowing", "29999999999999999999999[\"a\"]", ChatErrc::invalidPacket},
        {"bad JSON", R"(2["a",)", ChatErrc::invalidJson},
        {"trailing garbage", R"(2["a"]x)", ChatErrc::invalidJson},
        {"junk after the namespace", "2/admin,{", ChatErrc::invalidJson},
        {"NUL inside", std::string("2[\"a\"\0]", 7), ChatErrc::invalidJson},
        {"too deep", "2[\"a\"," + std::string(40, '[') + std::string(40, ']') + "]", ChatErrc::invalidJson},
        {"invalid UTF-8", "2[\"\xFF\"]", ChatErrc::invalidUtf8},
        {"overlong UTF-8", "2[\"\xC0\xAF\"]", ChatErrc::invalidUtf8},
        {"surrogate UTF-8", "2[\"\xED\xA0\x80\"]", ChatErrc::invalidUtf8},
        {"truncated UTF-8", "2[\"\xE2\x82", ChatErrc::invalidUtf8},
        {"lone surrogate escape", R"(2["\ud800"])", ChatErrc::invalidUtf8},
        {"invalid UTF-8 in the namespace", "0/\xFE,", ChatErrc::invalidUtf8},
        {"event without payload", "2", ChatErrc::invalidPacket},
        {"event with object", R"(2{"a":1})", ChatErrc::invalidPacket},
        {"event with empty array", "2[]", ChatErrc::invalidPacket},
        {"event name not a string", R"(2[{"a":1}])", ChatErrc::invalidPacket},
        {"reserved event name", R"(2["connect"])", ChatErrc::invalidPacket},
        {"reserved event name disconnect", R"(2["disconnect"])", ChatErrc::invalidPacket},
        {"ack without id", "3[]", ChatErrc::invalidPacket},
        {"ack with object", R"(31{"a":1})", ChatErrc::invalidPacket},
        {"ack without payload", "31", ChatErrc::invalidPacket},
        {"connect with array", "0[1]", ChatErrc::invalidPacket},
        {"connect with string", R"(0"x")", ChatErrc::invalidPacket},
        {"disconnect with payload", R"(1{"a":1})", ChatErrc::invalidPacket},
        {"connect error without payload", "4", ChatErrc::invalidPacket},
        {"connect error with number", "41", ChatErrc::invalidPacket},
        {"binary ack without id", R"(61-[{"_placeholder":true,"num":0}])", ChatErrc::invalidPacket},
    };
    for (const RefusalCase& entry : cases) {
        SCOPED_TRACE(entry.name);
        const core::Result<SocketPacket> parsed = parseSocketPacket(entry.text);
        ASSERT_FALSE(parsed.ok());
        EXPECT_EQ(parsed.error(), entry.expected) << parsed.error().describe();
        EXPECT_FALSE(parsed.error().detail().empty());
    }
}

struct EncodeRefusalCase {
    const char* name;
    SocketPacket packet;
    ChatErrc expected;
};

TEST(SocketPacket, EncodeRefusesWhatTheProtocolCannotCarry)
{
    const std::vector<EncodeRefusalCase> cases{
        {"namespace without slash",
         {SocketPacketType::connect, "admin", std::nullopt, std::nullopt, 0},
         ChatErrc::invalidArgument},
        {"namespace with comma",
         {SocketPacketType::connect, "/a,b", std::nullopt, std::nullopt, 0},
         ChatErrc::invalidArgument},
        {"empty namespace", {SocketPacketType::connect, "", std::nullopt, std::nullopt, 0}, ChatErrc::invalidArgument},
        {"event without payload",
         {SocketPacketType::event, "/", std::nullopt, std::nullopt, 0},
         ChatErrc::invalidArgument},
        {"event with reserved name",
         {SocketPacketType::event, "/", std::nullopt, json::array({"connect"}), 0},
         ChatErrc::invalidArgument},
        {"ack without id", {SocketPacketType::ack, "/", std::nullopt, json::array(), 0}, ChatErrc::invalidArgument},
        {"connect with binary",
         {SocketPacketType::connect, "/", std::nullopt, json{{"b", binaryOf("x")}}, 0},
         ChatErrc::invalidArgument},
        {"invalid UTF-8 string",
         {SocketPacketType::event, "/", std::nullopt, json::array({"x", "\xFF"}), 0},
         ChatErrc::invalidUtf8},
        {"ack id too large",
         {SocketPacketType::ack, "/", std::uint64_t{1} << 60U, json::array(), 0},
         ChatErrc::invalidArgument},
    };
    for (const EncodeRefusalCase& entry : cases) {
        SCOPED_TRACE(entry.name);
        const core::Result<EncodedSocketPacket> encoded = encodeSocketPacket(entry.packet);
        ASSERT_FALSE(encoded.ok());
        EXPECT_EQ(encoded.error(), entry.expected) << encoded.error().describe();
    }
}

TEST(SocketPacket, EncodeRefusesTooManyAttachments)
{
    json arguments = json::array({"many"});
    for (std::size_t index = 0; index <= maximumAttachmentsPerPacket; ++index) {
        arguments.push_back(binaryOf("x"));
    }
    const core::Result<EncodedSocketPacket> encoded =
        encodeSocketPacket({SocketPacketType::event, "/", std::nullopt, arguments, 0});
    ASSERT_FALSE(encoded.ok());
    EXPECT_EQ(encoded.error(), ChatErrc::invalidArgument);
}

TEST(SocketPacket, ReservedNames)
{
    for (const char* name :
         {"connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener"}) {
        EXPECT_TRUE(isReservedEventName(name)) << name;
    }
    for (const char* name : {"stream-data", "Connect", "", "message"}) {
        EXPECT_FALSE(isReservedEventName(name)) << name;
    }
}

} // namespace
} // namespace hoststudio::chat
