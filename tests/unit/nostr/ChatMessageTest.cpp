// SPDX-License-Identifier: GPL-2.0-or-later
// NIP-53 live chat (kind 1311): the exact a tag, replies, the synthetic vector, refusals.

#include "hoststudio/nostr/ChatMessage.hpp"
#include "TestVectors.hpp"
#include "hoststudio/nostr/Filter.hpp"
#include "hoststudio/nostr/LiveActivity.hpp"
#include "hoststudio/nostr/NostrError.hpp"

#include <gtest/gtest.h>

namespace hoststudio::nostr {
namespace {

using test::publicKeyThreeHex;
using test::secretKeyThreeHex;
TEST(ChatMessage, ReproducesTheSyntheticVectorExactly)
{
    ChatMessage message;
    message.activityAddress = liveActivityAddress(publicKeyThreeHex, "stream-1700000000");
    message.relayHint = "wss://relay.example.invalid";
    message.content = "gm chat \xF0\x9F\x91\x8B \"hi\" \\o/";
    const auto eventTemplate = message.toEventTemplate(1700000100);
    ASSERT_TRUE(eventTemplate.ok());
    EXPECT_EQ(eventTemplate->tags, (Tags{{"a", "30311:" + std::string(publicKeyThreeHex) + ":stream-1700000000",
                                          "wss://relay.example.invalid", "root"}}));
    const auto event = sign(eventTemplate.value(), SecretKey::fromHex(secretKeyThreeHex).value(), AuxRandomness{});
    ASSERT_TRUE(event.ok());

    const nlohmann::json file = test::readJsonVectors("nostr-events.json");
    nlohmann::json expected;
    for (const nlohmann::json& entry : file["synthetic"]) {
        if (entry["name"].get<std::string>().starts_with("NIP-53 kind 1311")) {
            expected = entry["event"];
        }
    }
    ASSERT_FALSE(expected.is_null());
    EXPECT_EQ(event->toJsonValue(), expected);
}

TEST(ChatMessage, ReplyRoundTripAndSubscriptionFilterMatches)
{
    ChatMessage message;
    message.activityAddress = liveActivityAddress(publicKeyThreeHex, "d1");
    message.content = "reply";
    message.replyToEventId = std::string(64, 'e');
    message.replyRelayHint = "wss://r.invalid";
    const auto eventTemplate = message.toEventTemplate(5);
    ASSERT_TRUE(eventTemplate.ok());
    EXPECT_EQ(eventTemplate->tags.at(1), (Tag{"e", std::string(64, 'e'), "wss://r.invalid"}));
    const auto event = sign(eventTemplate.value(), SecretKey::fromHex(secretKeyThreeHex).value());
    ASSERT_TRUE(event.ok());
    const auto parsed = ChatMessage::fromEvent(event.value());
    ASSERT_TRUE(parsed.ok()) << parsed.error().describe();
    EXPECT_EQ(parsed.value(), message);

    Filter chatFilter = chatMessagesFilter(message.activityAddress);
    EXPECT_EQ(chatFilter.toJson().value(), R"({"#a":[")" + message.activityAddress + R"("],"kinds":[1311]})");
    EXPECT_TRUE(chatFilter.matches(event.value()));
    chatFilter.tagValues['a'] = {liveActivityAddress(publicKeyThreeHex, "other")};
    EXPECT_FALSE(chatFilter.matches(event.value()));
}

TEST(ChatMessage, ParsesTheNip53ExampleChatEvent)
{
    Event event;
    event.kind = 1311;
    event.tags = {
        {"a", "30311:1597246ac22f7d1375041054f2a4986bd971d8d196d7997e48973263ac9879ec:demo-cf-stream", "", "root"}};
    event.content = "Zaps to live streams is beautiful.";
    const auto message = ChatMessage::fromEvent(event);
    ASSERT_TRUE(message.ok());
    EXPECT_EQ(message->activityAddress,
              "30311:1597246ac22f7d1375041054f2a4986bd971d8d196d7997e48973263ac9879ec:demo-cf-stream");
    EXPECT_EQ(message->relayHint, "");
    EXPECT_TRUE(message->replyToEventId.empty());
}

struct BadChatCase {
    std::string name;
    EventKind kind;
    Tags tags;
};

class BadChatMessageTest : public ::testing::TestWithParam<BadChatCase> {};

TEST_P(BadChatMessageTest, IsRefused)
{
    Event event;
    event.kind = GetParam().kind;
    event.tags = GetParam().tags;
    const auto message = ChatMessage::fromEvent(event);
    ASSERT_FALSE(message.ok());
    EXPECT_EQ(message.error(), NostrErrc::invalidChatMessage);
}

INSTANTIATE_TEST_SUITE_P(
    ChatMessage, BadChatMessageTest,
    ::testing::Values(BadChatCase{"wrongKind", 1, {{"a", "30311:" + std::string(64, 'a') + ":d"}}},
                      BadChatCase{"noATag", 1311, {{"p", std::string(64, 'a')}}},
                      BadChatCase{"aTagOfAnotherKind", 1311, {{"a", "30023:" + std::string(64, 'a') + ":d"}}},
                      BadChatCase{"aTagWithShortPubkey", 1311, {{"a", "30311:abcd:d"}}},
                      BadChatCase{
                          "replyIdNotHex", 1311, {{"a", "30311:" + std::string(64, 'a') + ":d"}, {"e", "xyz"}}}),
    [](const auto& paramInfo) { return paramInfo.param.name; });

TEST(ChatMessage, BuildRefusesABadAddress)
{
    ChatMessage message;
    message.activityAddress = "30311:nothex:d";
    const auto eventTemplate = message.toEventTemplate(1);
    ASSERT_FALSE(eventTemplate.ok());
    EXPECT_EQ(eventTemplate.error(), NostrErrc::invalidChatMessage);
}

} // namespace
} // namespace hoststudio::nostr
