// SPDX-License-Identifier: GPL-2.0-or-later
// NIP-01 events: every vector of nostr-events.json (serialization byte for byte, id, signature),
// and strict parsing of bad input.

#include "hoststudio/nostr/Event.hpp"
#include "TestVectors.hpp"
#include "hoststudio/nostr/Hex.hpp"
#include "hoststudio/nostr/NostrError.hpp"

#include <gtest/gtest.h>

#include <cctype>

namespace hoststudio::nostr {
namespace {

using test::secretKeyThreeHex;
struct EventVector {
    std::string name;
    nlohmann::json data;
    bool synthetic = false;
};

std::vector<EventVector> loadEventVectors()
{
    const nlohmann::json file = test::readJsonVectors("nostr-events.json");
    std::vector<EventVector> vectors;
    for (const char* section : {"real", "synthetic"}) {
        if (!file.is_object() || !file.contains(section)) {
            continue;
        }
        std::size_t index = 0;
        for (const nlohmann::json& entry : file[section]) {
            const std::string label = entry.contains("name")
                                          ? entry["name"].get<std::string>()
                                          : "kind" + std::to_string(entry["event"]["kind"].get<int>());
            vectors.push_back({std::string(section) + std::to_string(index++) + "_" + label, entry,
                               std::string(section) == "synthetic"});
        }
    }
    return vectors;
}

class EventVectorTest : public ::testing::TestWithParam<EventVector> {};

TEST_P(EventVectorTest, SerializationIdAndSignatureMatch)
{
    const nlohmann::json& vector = GetParam().data;
    const auto event = parseEvent(vector["event"].dump());
    ASSERT_TRUE(event.ok()) << event.error().describe();

    const auto serialized = event->serialize();
    ASSERT_TRUE(serialized.ok());
    EXPECT_EQ(serialized.value(), vector["serialized"].get<std::string>());
    if (vector.contains("serialized_utf8_hex")) {
        const std::string& text = serialized.value();
        EXPECT_EQ(toHex(std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size())),
                  vector["serialized_utf8_hex"].get<std::string>());
    }
    const auto computedId = event->computeId();
    ASSERT_TRUE(computedId.ok());
    EXPECT_EQ(computedId.value(), event->id);

    const auto verified = verify(event.value());
    EXPECT_TRUE(verified.ok()) << (verified.ok() ? "" : verified.error().describe());

    if (GetParam().synthetic) {
        const auto secretKey = SecretKey::fromHex(vector["secret_key"].get<std::string>());
        ASSERT_TRUE(secretKey.ok());
        const auto auxRandomness = fromHexFixed<32>(vector["aux_rand"].get<std::string>());
        ASSERT_TRUE(auxRandomness.ok());
        const EventTemplate eventTemplate{event->createdAtUnixSeconds, event->kind, event->tags, event->content};
        const auto resigned = sign(eventTemplate, secretKey.value(), auxRandomness.value());
        ASSERT_TRUE(resigned.ok()) << resigned.error().describe();
        EXPECT_EQ(resigned.value(), event.value());
        EXPECT_EQ(resigned->sig, vector["event"]["sig"].get<std::string>());
    }

    // toJson → parse gives the same event back.
    const auto json = event->toJson();
    ASSERT_TRUE(json.ok());
    const auto reparsed = parseEvent(json.value());
    ASSERT_TRUE(reparsed.ok());
    EXPECT_EQ(reparsed.value(), event.value());
}

INSTANTIATE_TEST_SUITE_P(NostrEvents, EventVectorTest, ::testing::ValuesIn(loadEventVectors()),
                         [](const ::testing::TestParamInfo<EventVector>& paramInfo) {
                             return test::testNameFrom(paramInfo.param.name);
                         });

TEST(EventVectors, AllVectorsAreLoaded)
{
    const auto vectors = loadEventVectors();
    EXPECT_EQ(vectors.size(), 20U); // 11 real + 9 synthetic
}

// ---- verification failures ----------------------------------------------------------------------

Event signedExample()
{
    const auto secretKey = SecretKey::fromHex(secretKeyThreeHex).value();
    return sign(EventTemplate{1700000000, eventKinds::textNote, {{"t", "x"}}, "hello"}, secretKey, AuxRandomness{})
        .value();
}

TEST(EventVerify, TamperedContentIsAnIdMismatch)
{
    Event event = signedExample();
    event.content = "hellO";
    const auto verified = verify(event);
    ASSERT_FALSE(verified.ok());
    EXPECT_EQ(verified.error(), NostrErrc::invalidEvent);
    EXPECT_NE(verified.error().detail().find("id mismatch"), std::string::npos);
}

TEST(EventVerify, TamperedSignatureDoesNotVerify)
{
    Event event = signedExample();
    event.sig[10] = event.sig[10] == '0' ? '1' : '0';
    const auto verified = verify(event);
    ASSERT_FALSE(verified.ok());
    EXPECT_EQ(verified.error(), NostrErrc::invalidSignature);
}

TEST(EventVerify, ForeignPubkeyDoesNotVerify)
{
    Event event = signedExample();
    event.pubkey = "3bf0c63fcb93463407af97a5e5ee64fa883d107ef9e558472c4eb9aaaefa459d";
    event.id = event.computeId().value();
    const auto verified = verify(event);
    ASSERT_FALSE(verified.ok());
    EXPECT_EQ(verified.error(), NostrErrc::invalidSignature);
}

TEST(EventVerify, UpperCaseIdOrPubkeyIsRefused)
{
    // Regression guard: hashing an upper-case pubkey gives an id other clients never compute.
    Event event = signedExample();
    for (char& character : event.pubkey) {
        character = static_cast<char>(std::toupper(static_cast<unsigned char>(character)));
    }
    const auto verified = verify(event);
    ASSERT_FALSE(verified.ok());
    EXPECT_EQ(verified.error(), NostrErrc::invalidEvent);
    EXPECT_NE(verified.error().detail().find("pubkey is not 64 lower-case"), std::string::npos);
}

TEST(EventSerialize, InvalidUtf8InContentIsAnError)
{
    Event event = signedExample();
    event.content = std::string("bad \xC3\x28 utf8");
    const auto serialized = event.serialize();
    ASSERT_FALSE(serialized.ok());
    EXPECT_EQ(serialized.error(), NostrErrc::invalidUtf8);
    EXPECT_FALSE(event.toJson().ok());
    EXPECT_FALSE(verify(event).ok());
}

TEST(EventSerialize, InvalidUtf8InATagIsAnError)
{
    const auto secretKey = SecretKey::fromHex(secretKeyThreeHex).value();
    const auto event = sign(EventTemplate{1, 1, {{"t", std::string("\xFF")}}, ""}, secretKey, AuxRandomness{});
    ASSERT_FALSE(event.ok());
    EXPECT_EQ(event.error(), NostrErrc::invalidUtf8);
}

// ---- strict parsing -----------------------------------------------------------------------------

nlohmann::json validEventJson()
{
    return nlohmann::json::parse(signedExample().toJson().value());
}

struct BadEventCase {
    std::string name;
    std::string text;
    NostrErrc expectedCode;
    std::string detailFragment;
};

std::string withField(const std::string& field, const nlohmann::json& value)
{
    nlohmann::json object = validEventJson();
    object[field] = value;
    return object.dump();
}

std::string withoutField(const std::string& field)
{
    nlohmann::json object = validEventJson();
    object.erase(field);
    return object.dump();
}

// Replaces the content by raw bytes (which nlohmann would refuse to write).
std::string withRawContent(const std::string& rawBytes)
{
    std::string text = withField("content", "@@CONTENT@@");
    text.replace(text.find("@@CONTENT@@"), 11, rawBytes);
    return text;
}

std::vector<BadEventCase> badEventCases()
{
    const std::string upperId = [] {
        std::string id = validEventJson()["id"].get<std::string>();
        for (char& character : id) {
            character = static_cast<char>(std::toupper(static_cast<unsigned char>(character)));
        }
        return id;
    }();
    std::vector<BadEventCase> cases{
        {"notJson", "{not json", NostrErrc::invalidJson, "parse error"},
        {"emptyInput", "", NostrErrc::invalidJson, "parse error"},
        {"trailingGarbage", validEventJson().dump() + "x", NostrErrc::invalidJson, "parse error"},
        {"array", "[]", NostrErrc::invalidEvent, "not a JSON object"},
        {"deepNesting", std::string(100, '[') + std::string(100, ']'), NostrErrc::invalidJson, "nested deeper"},
        {"invalidUtf8InContent", withRawContent("\xC3\x28"), NostrErrc::invalidUtf8, "invalid UTF-8"},
        {"overlongUtf8InContent", withRawContent("\xC0\xAF"), NostrErrc::invalidUtf8, "invalid UTF-8"},
        {"encodedSurrogateInContent", withRawContent("\xED\xA0\x80"), NostrErrc::invalidUtf8, "invalid UTF-8"},
        {"loneSurrogateEscape", withRawContent("\\ud800"), NostrErrc::invalidUtf8, "surrogate"},
        {"invalidUtf8InTag",
         [] {
             std::string text = withField("tags", nlohmann::json::array({nlohmann::json::array({"t", "@@TAG@@"})}));
             text.replace(text.find("@@TAG@@"), 7, "\xF5\x80\x80\x80");
             return text;
         }(),
         NostrErrc::invalidUtf8, "invalid UTF-8"},
    };
    for (const char* field : {"id", "pubkey", "created_at", "kind", "tags", "content", "sig"}) {
        cases.push_back({std::string("missing_") + field, withoutField(field), NostrErrc::invalidEvent,
                         std::string("missing field \"") + field + "\""});
    }
    const std::vector<BadEventCase> typeCases{
        {"idNotString", withField("id", 5), NostrErrc::invalidEvent, "\"id\" is not a string"},
        {"idUpperCase", withField("id", upperId), NostrErrc::invalidEvent, "\"id\" is not 64 lower-case hex"},
        {"idTooShort", withField("id", "abcd"), NostrErrc::invalidEvent, "\"id\" is not 64"},
        {"pubkeyTooLong", withField("pubkey", std::string(66, 'a')), NostrErrc::invalidEvent, "\"pubkey\" is not 64"},
        {"sigTooShort", withField("sig", std::string(127, 'a')), NostrErrc::invalidEvent, "\"sig\" is not 128"},
        {"sigNotHex", withField("sig", std::string(128, 'z')), NostrErrc::invalidEvent, "\"sig\" is not 128"},
        {"createdAtNegative", withField("created_at", -1), NostrErrc::invalidEvent, "\"created_at\" is below 0"},
        {"createdAtFloat", withField("created_at", 1.5), NostrErrc::invalidEvent, "\"created_at\" is not an integer"},
        {"createdAtString", withField("created_at", "1700000000"), NostrErrc::invalidEvent,
         "\"created_at\" is not an integer"},
        {"createdAtHuge", withField("created_at", 18446744073709551615ULL), NostrErrc::invalidEvent,
         "\"created_at\" is above"},
        {"kindNegative", withField("kind", -1), NostrErrc::invalidEvent, "\"kind\" is below 0"},
        {"kindTooLarge", withField("kind", 65536), NostrErrc::invalidEvent, "\"kind\" is above 65535"},
        {"kindFloat", withField("kind", 1.0), NostrErrc::invalidEvent, "\"kind\" is not an integer"},
        {"tagsNotArray", withField("tags", nlohmann::json::object()), NostrErrc::invalidEvent,
         "\"tags\" is not an array"},
        {"tagNotArray", withField("tags", nlohmann::json::array({"t"})), NostrErrc::invalidEvent,
         "tags[0] is not an array"},
        {"tagValueNotString",
         withField("tags",
                   nlohmann::json::array({nlohmann::json::array({"t", "ok"}), nlohmann::json::array({"t", 1})})),
         NostrErrc::invalidEvent, "tags[1][1] is not a string"},
        {"tagValueNull", withField("tags", nlohmann::json::array({nlohmann::json::array({"t", nullptr})})),
         NostrErrc::invalidEvent, "tags[0][1] is not a string"},
        {"contentNotString", withField("content", nlohmann::json::array()), NostrErrc::invalidEvent,
         "\"content\" is not a string"},
        {"contentNull", withField("content", nullptr), NostrErrc::invalidEvent, "\"content\" is not a string"},
    };
    cases.insert(cases.end(), typeCases.begin(), typeCases.end());
    return cases;
}

class BadEventTest : public ::testing::TestWithParam<BadEventCase> {};

TEST_P(BadEventTest, IsRefusedWithTheRightCodeAndDetail)
{
    const auto event = parseEvent(GetParam().text);
    ASSERT_FALSE(event.ok());
    EXPECT_EQ(event.error(), GetParam().expectedCode) << event.error().describe();
    EXPECT_NE(event.error().detail().find(GetParam().detailFragment), std::string::npos) << event.error().detail();
}

INSTANTIATE_TEST_SUITE_P(ParseEvent, BadEventTest, ::testing::ValuesIn(badEventCases()),
                         [](const auto& paramInfo) { return paramInfo.param.name; });

TEST(ParseEvent, EscapedControlCharactersAndUnicodeEscapesAreDecoded)
{
    nlohmann::json object = validEventJson();
    std::string text = object.dump();
    // "\u00e9" as an escape in the input must become the raw UTF-8 é in the content.
    text.replace(text.find("\"hello\""), 7, "\"h\\u00e9llo \\ud83c\\udfa5\"");
    const auto event = parseEvent(text);
    ASSERT_TRUE(event.ok()) << event.error().describe();
    EXPECT_EQ(event->content, "h\xC3\xA9llo \xF0\x9F\x8E\xA5");
}

TEST(ParseEvent, UnknownExtraFieldsAreIgnored)
{
    nlohmann::json object = validEventJson();
    object["seenOn"] = nlohmann::json::array({"wss://x"});
    const auto event = parseEvent(object.dump());
    ASSERT_TRUE(event.ok());
    EXPECT_TRUE(verify(event.value()).ok());
}

TEST(Event, FirstTagValue)
{
    const Event event = signedExample();
    EXPECT_EQ(event.firstTagValue("t"), std::optional<std::string>("x"));
    EXPECT_FALSE(event.firstTagValue("d").has_value());
}

} // namespace
} // namespace hoststudio::nostr
