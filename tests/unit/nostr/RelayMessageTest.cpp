// SPDX-License-Identifier: GPL-2.0-or-later
// NIP-01/NIP-42 frames: parse and serialize every message, refuse malformed and oversized frames.

#include "hoststudio/nostr/RelayMessage.hpp"
#include "TestVectors.hpp"
#include "hoststudio/nostr/NostrError.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace hoststudio::nostr {
namespace {

using test::secretKeyThreeHex;
Event exampleEvent()
{
    return sign(EventTemplate{1700000000, 1, {{"t", "x"}}, "hi \"there\"\n"},
                SecretKey::fromHex(secretKeyThreeHex).value(), AuxRandomness{})
        .value();
}

std::string eventJson()
{
    return exampleEvent().toJson().value();
}

// ---- round trips --------------------------------------------------------------------------------

TEST(ClientMessage, EventRoundTrip)
{
    const std::string text = "[\"EVENT\"," + eventJson() + "]";
    const auto message = parseClientMessage(text);
    ASSERT_TRUE(message.ok()) << message.error().describe();
    ASSERT_TRUE(std::holds_alternative<ClientEventMessage>(message.value()));
    EXPECT_EQ(std::get<ClientEventMessage>(message.value()).event, exampleEvent());
    EXPECT_EQ(serializeMessage(message.value()).value(), text);
}

TEST(ClientMessage, RequestRoundTrip)
{
    const std::string text =
        R"(["REQ","live-chat",{"#a":["30311:f9308a019258c31049344f85f89d5229b531c845836f99b08601f113bce036f9:d"],"kinds":[1311,9735],"limit":200,"since":1700000000},{"authors":["f9308a019258c31049344f85f89d5229b531c845836f99b08601f113bce036f9"],"ids":["9560462663421aa1f41a817b052e43987b465cca609fe3b642d5f792e4c939b6"],"until":1700000001}])";
    const auto message = parseClientMessage(text);
    ASSERT_TRUE(message.ok()) << message.error().describe();
    const auto& request = std::get<ClientRequestMessage>(message.value());
    EXPECT_EQ(request.subscriptionId, "live-chat");
    ASSERT_EQ(request.filters.size(), 2U);
    EXPECT_EQ(request.filters[0].kinds, (std::vector<EventKind>{1311, 9735}));
    EXPECT_EQ(request.filters[0].limit, 200U);
    EXPECT_EQ(request.filters[0].sinceUnixSeconds, 1700000000);
    EXPECT_EQ(request.filters[1].untilUnixSeconds, 1700000001);
    EXPECT_EQ(serializeMessage(message.value()).value(), text);
}

TEST(ClientMessage, CloseRoundTrip)
{
    const auto message = parseClientMessage(R"(["CLOSE","sub1"])");
    ASSERT_TRUE(message.ok());
    EXPECT_EQ(std::get<ClientCloseMessage>(message.value()).subscriptionId, "sub1");
    EXPECT_EQ(serializeMessage(message.value()).value(), R"(["CLOSE","sub1"])");
}

TEST(ClientMessage, AuthEventIsBuiltSignedAndRoundTrips)
{
    const EventTemplate eventTemplate = makeAuthEventTemplate("wss://relay.invalid/", "challenge-123", 1700000000);
    EXPECT_EQ(eventTemplate.kind, 22242);
    EXPECT_EQ(eventTemplate.tags, (Tags{{"relay", "wss://relay.invalid/"}, {"challenge", "challenge-123"}}));
    EXPECT_EQ(eventTemplate.content, "");
    const auto event = sign(eventTemplate, SecretKey::fromHex(secretKeyThreeHex).value());
    ASSERT_TRUE(event.ok());
    const ClientMessage auth = ClientAuthMessage{event.value()};
    const auto text = serializeMessage(auth);
    ASSERT_TRUE(text.ok());
    const auto parsed = parseClientMessage(text.value());
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(parsed.value(), auth);
    EXPECT_TRUE(verify(std::get<ClientAuthMessage>(parsed.value()).event).ok());
}

TEST(RelayMessage, EventRoundTrip)
{
    const std::string text = "[\"EVENT\",\"sub\"," + eventJson() + "]";
    const auto message = parseRelayMessage(text);
    ASSERT_TRUE(message.ok()) << message.error().describe();
    const auto& event = std::get<RelayEventMessage>(message.value());
    EXPECT_EQ(event.subscriptionId, "sub");
    EXPECT_EQ(event.event, exampleEvent());
    EXPECT_EQ(serializeMessage(message.value()).value(), text);
}

struct OkCase {
    std::string name;
    std::string text;
    bool accepted;
    ReasonPrefix prefix;
    std::string reasonText;
};

class RelayOkTest : public ::testing::TestWithParam<OkCase> {};

TEST_P(RelayOkTest, SplitsTheMachineReadablePrefix)
{
    const auto message = parseRelayMessage(GetParam().text);
    ASSERT_TRUE(message.ok()) << message.error().describe();
    const auto& ok = std::get<RelayOkMessage>(message.value());
    EXPECT_EQ(ok.eventId, std::string(64, 'a'));
    EXPECT_EQ(ok.accepted, GetParam().accepted);
    EXPECT_EQ(ok.reason().prefix, GetParam().prefix);
    EXPECT_EQ(ok.reason().text, GetParam().reasonText);
    EXPECT_EQ(serializeMessage(message.value()).value(), GetParam().text);
}

std::string okText(bool accepted, const std::string& message)
{
    return nlohmann::json::array({"OK", std::string(64, 'a'), accepted, message}).dump();
}

INSTANTIATE_TEST_SUITE_P(
    RelayMessage, RelayOkTest,
    ::testing::Values(
        OkCase{"acceptedEmpty", okText(true, ""), true, ReasonPrefix::none, ""},
        OkCase{"acceptedDuplicate", okText(true, "duplicate: already have this event"), true, ReasonPrefix::duplicate,
               "already have this event"},
        OkCase{"pow", okText(false, "pow: difficulty 25<30"), false, ReasonPrefix::proofOfWork, "difficulty 25<30"},
        OkCase{"blocked", okText(false, "blocked: you are banned"), false, ReasonPrefix::blocked, "you are banned"},
        OkCase{"rateLimited", okText(false, "rate-limited: slow down"), false, ReasonPrefix::rateLimited, "slow down"},
        OkCase{"invalid", okText(false, "invalid: bad signature"), false, ReasonPrefix::invalid, "bad signature"},
        OkCase{"restricted", okText(false, "restricted: not allowed"), false, ReasonPrefix::restricted, "not allowed"},
        OkCase{"mute", okText(false, "mute: no one listens"), false, ReasonPrefix::mute, "no one listens"},
        OkCase{"error", okText(false, "error: could not save"), false, ReasonPrefix::error, "could not save"},
        OkCase{"authRequired", okText(false, "auth-required: please authenticate"), false, ReasonPrefix::authRequired,
               "please authenticate"},
        OkCase{"noSpaceAfterColon", okText(false, "blocked:x"), false, ReasonPrefix::blocked, "x"},
        OkCase{"unknownPrefix", okText(false, "weird: thing"), false, ReasonPrefix::none, "weird: thing"}),
    [](const auto& paramInfo) { return paramInfo.param.name; });

TEST(RelayMessage, EoseClosedNoticeAuthRoundTrip)
{
    for (const std::string text : {R"(["EOSE","sub"])", R"(["CLOSED","sub","auth-required: log in"])",
                                   R"(["NOTICE","hello \"world\""])", R"(["AUTH","challenge-xyz"])"}) {
        const auto message = parseRelayMessage(text);
        ASSERT_TRUE(message.ok()) << text << ": " << message.error().describe();
        EXPECT_EQ(serializeMessage(message.value()).value(), text);
    }
    const auto closed = parseRelayMessage(R"(["CLOSED","sub","auth-required: log in"])");
    EXPECT_EQ(std::get<RelayClosedMessage>(closed.value()).reason().prefix, ReasonPrefix::authRequired);
    const auto auth = parseRelayMessage(R"(["AUTH","challenge-xyz"])");
    EXPECT_EQ(std::get<RelayAuthChallengeMessage>(auth.value()).challenge, "challenge-xyz");
}

// ---- malformed frames ---------------------------------------------------------------------------

enum class Direction {
    toRelay,
    toClient,
};

struct MalformedCase {
    std::string name;
    Direction direction;
    std::string text;
    NostrErrc expectedCode;
    std::string detailFragment;
};

class MalformedFrameTest : public ::testing::TestWithParam<MalformedCase> {};

TEST_P(MalformedFrameTest, IsAnErrorWithTheRightCode)
{
    const MalformedCase& frame = GetParam();
    const core::Error error = frame.direction == Direction::toRelay ? test::errorOf(parseClientMessage(frame.text))
                                                                    : test::errorOf(parseRelayMessage(frame.text));
    EXPECT_EQ(error, frame.expectedCode) << error.describe();
    EXPECT_NE(error.detail().find(frame.detailFragment), std::string::npos) << error.detail();
}

std::vector<MalformedCase> malformedCases()
{
    const std::string event = eventJson();
    std::string badUtf8Event = "[\"EVENT\"," + event + "]";
    badUtf8Event.replace(badUtf8Event.find("hi "), 3, "h\xC3\x28");
    std::string badUtf8Tag = "[\"EVENT\",\"s\"," + event + "]";
    badUtf8Tag.replace(badUtf8Tag.find("[\"t\",\"x\"]"), 9, "[\"t\",\"\xF8\x88\x80\x80\x80\"]");
    nlohmann::json missingSig = nlohmann::json::parse(event);
    missingSig.erase("sig");
    using enum Direction;
    return {
        {"notJson", toClient, "hello", NostrErrc::invalidRelayMessage, "not JSON"},
        {"truncatedJson", toClient, R"(["EOSE","sub")", NostrErrc::invalidRelayMessage, "not JSON"},
        {"emptyText", toRelay, "", NostrErrc::invalidRelayMessage, "not JSON"},
        {"object", toClient, R"({"EOSE":"sub"})", NostrErrc::invalidRelayMessage, "not a JSON array"},
        {"emptyArray", toClient, "[]", NostrErrc::invalidRelayMessage, "empty array"},
        {"verbNotString", toClient, R"([1,"sub"])", NostrErrc::invalidRelayMessage, "verb is not a string"},
        {"unknownRelayVerb", toClient, R"(["HELLO","x"])", NostrErrc::invalidRelayMessage, "unknown relay verb"},
        {"unknownClientVerb", toRelay, R"(["EOSE","x"])", NostrErrc::invalidRelayMessage, "unknown client verb"},
        {"lowerCaseVerb", toClient, R"(["eose","x"])", NostrErrc::invalidRelayMessage, "unknown relay verb"},
        {"eoseArity", toClient, R"(["EOSE"])", NostrErrc::invalidRelayMessage, "expected 2"},
        {"eoseExtra", toClient, R"(["EOSE","a","b"])", NostrErrc::invalidRelayMessage, "expected 2"},
        {"okArity", toClient, "[\"OK\",\"" + std::string(64, 'a') + "\",true]", NostrErrc::invalidRelayMessage,
         "expected 4"},
        {"okIdNotHex", toClient, R"(["OK","xyz",true,""])", NostrErrc::invalidRelayMessage, "event id"},
        {"okFlagString", toClient, "[\"OK\",\"" + std::string(64, 'a') + "\",\"true\",\"\"]",
         NostrErrc::invalidRelayMessage, "not a boolean"},
        {"okMessageNull", toClient, "[\"OK\",\"" + std::string(64, 'a') + "\",false,null]",
         NostrErrc::invalidRelayMessage, "message is not a string"},
        {"closedArity", toClient, R"(["CLOSED","sub"])", NostrErrc::invalidRelayMessage, "expected 3"},
        {"noticeNumber", toClient, R"(["NOTICE",5])", NostrErrc::invalidRelayMessage, "not a string"},
        {"authChallengeObject", toClient, R"(["AUTH",{}])", NostrErrc::invalidRelayMessage, "challenge"},
        {"relayEventArity", toClient, "[\"EVENT\"," + event + "]", NostrErrc::invalidRelayMessage, "expected 3"},
        {"relayEventNotObject", toClient, R"(["EVENT","sub","{}"])", NostrErrc::invalidRelayMessage,
         "not a JSON object"},
        {"relayEventMissingSig", toClient, "[\"EVENT\",\"sub\"," + missingSig.dump() + "]", NostrErrc::invalidEvent,
         "missing field \"sig\""},
        {"subscriptionIdEmpty", toClient, R"(["EOSE",""])", NostrErrc::invalidRelayMessage, "expected 1-64"},
        {"subscriptionIdTooLong", toRelay, "[\"CLOSE\",\"" + std::string(65, 's') + "\"]",
         NostrErrc::invalidRelayMessage, "expected 1-64"},
        {"subscriptionIdNumber", toRelay, R"(["CLOSE",7])", NostrErrc::invalidRelayMessage, "subscription id"},
        {"reqWithoutFilter", toRelay, R"(["REQ","sub"])", NostrErrc::invalidRelayMessage, "at least one filter"},
        {"reqFilterNotObject", toRelay, R"(["REQ","sub",[]])", NostrErrc::invalidRelayMessage, "not a JSON object"},
        {"reqKindsNotArray", toRelay, R"(["REQ","sub",{"kinds":1}])", NostrErrc::invalidRelayMessage,
         "\"kinds\" is not an array"},
        {"reqKindNegative", toRelay, R"(["REQ","sub",{"kinds":[-1]}])", NostrErrc::invalidRelayMessage, "negative"},
        {"reqKindTooLarge", toRelay, R"(["REQ","sub",{"kinds":[70000]}])", NostrErrc::invalidRelayMessage,
         "above 65535"},
        {"reqSinceFloat", toRelay, R"(["REQ","sub",{"since":1.5}])", NostrErrc::invalidRelayMessage, "not an integer"},
        {"reqAuthorNotHex", toRelay, R"(["REQ","sub",{"authors":["abc"]}])", NostrErrc::invalidRelayMessage,
         "64 lower-case hex"},
        {"reqTagValueNumber", toRelay, R"(["REQ","sub",{"#e":[1]}])", NostrErrc::invalidRelayMessage, "non-string"},
        {"clientEventArity", toRelay, "[\"EVENT\"," + event + ",1]", NostrErrc::invalidRelayMessage, "expected 2"},
        {"clientEventString", toRelay, R"(["EVENT","x"])", NostrErrc::invalidRelayMessage, "not a JSON object"},
        {"clientAuthString", toRelay, R"(["AUTH","challenge"])", NostrErrc::invalidRelayMessage, "not a JSON object"},
        {"invalidUtf8InContent", toRelay, badUtf8Event, NostrErrc::invalidUtf8, "invalid UTF-8"},
        {"invalidUtf8InTag", toClient, badUtf8Tag, NostrErrc::invalidUtf8, "invalid UTF-8"},
        {"invalidUtf8InNotice", toClient, "[\"NOTICE\",\"\xC0\x80\"]", NostrErrc::invalidUtf8, "invalid UTF-8"},
        {"loneSurrogateEscape", toClient, R"(["NOTICE","\udc00"])", NostrErrc::invalidUtf8, "surrogate"},
        {"deepNesting", toClient, "[\"NOTICE\"," + std::string(5000, '[') + std::string(5000, ']') + "]",
         NostrErrc::invalidRelayMessage, "nested deeper"},
        {"nulByteAfterFrame", toClient, std::string("[\"EOSE\",\"a\"]\0junk", 17), NostrErrc::invalidRelayMessage,
         "NUL byte"},
        {"nulByteInString", toClient, std::string("[\"NOTICE\",\"a\0b\"]", 16), NostrErrc::invalidRelayMessage,
         "NUL byte"},
    };
}

INSTANTIATE_TEST_SUITE_P(RelayMessage, MalformedFrameTest, ::testing::ValuesIn(malformedCases()),
                         [](const auto& paramInfo) { return paramInfo.param.name; });

TEST(RelayMessage, OversizedFramesAreRefusedBeforeParsing)
{
    // Not even JSON: the size check must come first.
    const std::string oversized(2000, '[');
    const auto relayMessage = parseRelayMessage(oversized, 1000);
    ASSERT_FALSE(relayMessage.ok());
    EXPECT_EQ(relayMessage.error(), NostrErrc::messageTooLarge);
    EXPECT_NE(relayMessage.error().detail().find("2000 bytes, limit 1000"), std::string::npos);
    const auto clientMessage = parseClientMessage(oversized, 1000);
    ASSERT_FALSE(clientMessage.ok());
    EXPECT_EQ(clientMessage.error(), NostrErrc::messageTooLarge);
    // Exactly at the limit is fine.
    const std::string eose = R"(["EOSE","sub"])";
    EXPECT_TRUE(parseRelayMessage(eose, eose.size()).ok());
    EXPECT_FALSE(parseRelayMessage(eose, eose.size() - 1).ok());
}

TEST(RelayMessage, SerializeRefusesBadSubscriptionIdsAndEmptyRequests)
{
    EXPECT_EQ(test::errorOf(serializeMessage(ClientMessage{ClientRequestMessage{"sub", {}}})),
              NostrErrc::invalidRelayMessage);
    EXPECT_EQ(test::errorOf(serializeMessage(ClientMessage{ClientCloseMessage{""}})), NostrErrc::invalidRelayMessage);
    EXPECT_EQ(test::errorOf(serializeMessage(RelayMessage{RelayEndOfStoredEventsMessage{std::string(65, 'x')}})),
              NostrErrc::invalidRelayMessage);
    EXPECT_EQ(test::errorOf(serializeMessage(RelayMessage{RelayNoticeMessage{"\xFF"}})), NostrErrc::invalidUtf8);
}

// ---- filters ------------------------------------------------------------------------------------

struct FilterCase {
    std::string name;
    std::string filterJson;
    bool matches;
};

class FilterMatchTest : public ::testing::TestWithParam<FilterCase> {};

TEST_P(FilterMatchTest, MatchesAsNip01Says)
{
    const auto filter = Filter::parse(GetParam().filterJson);
    ASSERT_TRUE(filter.ok()) << filter.error().describe();
    EXPECT_EQ(filter->matches(exampleEvent()), GetParam().matches);
    // And the filter survives a JSON round trip.
    const auto again = Filter::parse(filter->toJson().value());
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again.value(), filter.value());
}

std::vector<FilterCase> filterCases()
{
    const Event event = exampleEvent();
    const std::string id = event.id;
    const std::string author = event.pubkey;
    return {
        {"empty", "{}", true},
        {"idMatches", R"({"ids":[")" + id + R"("]})", true},
        {"idOther", R"({"ids":[")" + std::string(64, '0') + R"("]})", false},
        {"emptyIdList", R"({"ids":[]})", false},
        {"authorMatches",
         R"({"authors":["0000000000000000000000000000000000000000000000000000000000000000",")" + author + R"("]})",
         true},
        {"kindMatches", R"({"kinds":[0,1]})", true},
        {"kindOther", R"({"kinds":[1311]})", false},
        {"sinceEqual", R"({"since":1700000000})", true},
        {"sinceAfter", R"({"since":1700000001})", false},
        {"untilEqual", R"({"until":1700000000})", true},
        {"untilBefore", R"({"until":1699999999})", false},
        {"tagMatches", R"({"#t":["y","x"]})", true},
        {"tagOther", R"({"#t":["y"]})", false},
        {"tagAbsent", R"({"#e":["x"]})", false},
        {"fieldsAnd", R"({"kinds":[1],"#t":["y"]})", false},
        {"limitIgnored", R"({"limit":0})", true},
        {"unknownKeysIgnored", R"({"search":"x","#multi":["x"]})", true},
    };
}

INSTANTIATE_TEST_SUITE_P(Filter, FilterMatchTest, ::testing::ValuesIn(filterCases()),
                         [](const auto& paramInfo) { return paramInfo.param.name; });

} // namespace
} // namespace hoststudio::nostr
