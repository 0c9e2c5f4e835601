// SPDX-License-Identifier: GPL-2.0-or-later
// NIP-53 live activities: the checklist tag sets for planned → live → ended, reproduction of the
// synthetic 30311 vectors, round trips, proofs, and strictly increasing created_at.

#include "hoststudio/nostr/LiveActivity.hpp"
#include "TestVectors.hpp"
#include "hoststudio/nostr/LiveActivityPublisher.hpp"
#include "hoststudio/nostr/Nip19.hpp"
#include "hoststudio/nostr/NostrError.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <iterator>

namespace hoststudio::nostr {
namespace {

using test::publicKeyThreeHex;
using test::secretKeyThreeHex;
SecretKey hostKey()
{
    return SecretKey::fromHex(secretKeyThreeHex).value();
}

// The planned activity behind the synthetic "going live" and "ended" vectors.
LiveActivity plannedVectorActivity()
{
    LiveActivity activity;
    activity.identifier = "stream-1700000000";
    activity.title = "Test stream \xE2\x80\x94 \xE2\x80\x9Cquotes\xE2\x80\x9D & emoji \xF0\x9F\x8E\xA5";
    activity.summary = "Line one\nLine two";
    activity.imageUrl = "https://example.invalid/thumb.jpg";
    activity.hashtags = {"gaming", "cpp"};
    activity.relays = {"wss://relay.example.invalid", "wss://nos.lol"};
    activity.currentParticipants = 0;
    activity.setHost(std::string(publicKeyThreeHex), "wss://relay.example.invalid");
    return activity;
}

nlohmann::json syntheticVector(std::string_view namePrefix)
{
    const nlohmann::json file = test::readJsonVectors("nostr-events.json");
    for (const nlohmann::json& entry : file["synthetic"]) {
        if (entry["name"].get<std::string>().starts_with(namePrefix)) {
            return entry["event"];
        }
    }
    return nullptr;
}

std::vector<std::string> tagNames(const Event& event)
{
    std::vector<std::string> names;
    for (const Tag& tag : event.tags) {
        names.push_back(tag.at(0));
    }
    return names;
}

TEST(LiveActivity, GoingLiveReproducesTheSyntheticVectorExactly)
{
    LiveActivity activity = plannedVectorActivity();
    ASSERT_TRUE(activity.goLive(1700000000, "https://example.invalid/live/index.m3u8").ok());
    LiveActivityPublisher publisher;
    const auto event = publisher.signNextVersion(activity, hostKey(), 1700000000, AuxRandomness{});
    ASSERT_TRUE(event.ok()) << event.error().describe();
    const nlohmann::json expected = syntheticVector("NIP-53 kind 30311 going live");
    ASSERT_FALSE(expected.is_null());
    EXPECT_EQ(event->toJsonValue(), expected);
}

TEST(LiveActivity, EndingReproducesTheSyntheticVectorExactly)
{
    LiveActivity activity = plannedVectorActivity();
    ASSERT_TRUE(activity.goLive(1700000000, "https://example.invalid/live/index.m3u8").ok());
    LiveActivityPublisher publisher;
    ASSERT_TRUE(publisher.signNextVersion(activity, hostKey(), 1700000000, AuxRandomness{}).ok());
    ASSERT_TRUE(activity.end(1700003600, "https://example.invalid/vod.mp4").ok());
    const auto event = publisher.signNextVersion(activity, hostKey(), 1700003600, AuxRandomness{});
    ASSERT_TRUE(event.ok()) << event.error().describe();
    const nlohmann::json expected = syntheticVector("NIP-53 kind 30311 ended");
    ASSERT_FALSE(expected.is_null());
    EXPECT_EQ(event->toJsonValue(), expected);
}

TEST(LiveActivity, TagSetsFollowTheChecklistThroughEveryStatus)
{
    LiveActivity activity = plannedVectorActivity();
    activity.startsAtUnixSeconds = 1700000500; // a scheduled start
    const auto planned = activity.toEventTemplate(1699990000);
    ASSERT_TRUE(planned.ok()) << planned.error().describe();
    const Event plannedEvent{"", "", 0, planned->kind, planned->tags, planned->content, ""};
    EXPECT_EQ(tagNames(plannedEvent), (std::vector<std::string>{"d", "title", "summary", "image", "starts", "status",
                                                                "current_participants", "t", "t", "p", "relays"}));
    EXPECT_EQ(plannedEvent.firstTagValue("status"), "planned");

    ASSERT_TRUE(activity.goLive(1700000000, "https://cdn.example.invalid/h/index.m3u8").ok());
    const auto live = activity.toEventTemplate(1700000000);
    ASSERT_TRUE(live.ok());
    const Event liveEvent{"", "", 0, live->kind, live->tags, live->content, ""};
    EXPECT_EQ(tagNames(liveEvent),
              (std::vector<std::string>{"d", "title", "summary", "image", "streaming", "starts", "status",
                                        "current_participants", "t", "t", "p", "relays"}));
    EXPECT_EQ(liveEvent.firstTagValue("status"), "live");
    EXPECT_EQ(liveEvent.firstTagValue("starts"), "1700000000"); // starts moves when the status changes
    EXPECT_FALSE(liveEvent.firstTagValue("ends").has_value());
    EXPECT_EQ(liveEvent.content, "");
    EXPECT_EQ(live->kind, 30311);

    ASSERT_TRUE(activity.end(1700007200, std::nullopt).ok());
    const auto endedWithoutRecording = activity.toEventTemplate(1700007200);
    ASSERT_TRUE(endedWithoutRecording.ok());
    const Event endedEvent{"", "", 0, 30311, endedWithoutRecording->tags, "", ""};
    EXPECT_EQ(tagNames(endedEvent), (std::vector<std::string>{"d", "title", "summary", "image", "starts", "ends",
                                                              "status", "t", "t", "p", "relays"}));
    EXPECT_EQ(endedEvent.firstTagValue("ends"), "1700007200");
    EXPECT_EQ(endedEvent.firstTagValue("status"), "ended");
}

struct TransitionCase {
    std::string name;
    LiveStatus from;
    bool goLive; // else end
    bool allowed;
};

class LiveStatusTransitionTest : public ::testing::TestWithParam<TransitionCase> {};

TEST_P(LiveStatusTransitionTest, OnlyPlannedLiveEndedIsAllowed)
{
    LiveActivity activity = plannedVectorActivity();
    if (GetParam().from != LiveStatus::planned) {
        ASSERT_TRUE(activity.goLive(100, "https://x.invalid/a.m3u8").ok());
    }
    if (GetParam().from == LiveStatus::ended) {
        ASSERT_TRUE(activity.end(200, std::nullopt).ok());
    }
    const core::Status result =
        GetParam().goLive ? activity.goLive(300, "https://x.invalid/b.m3u8") : activity.end(300, std::nullopt);
    EXPECT_EQ(result.ok(), GetParam().allowed);
    if (!GetParam().allowed) {
        EXPECT_EQ(result.error(), NostrErrc::invalidStatusTransition);
        EXPECT_EQ(activity.status, GetParam().from); // unchanged
    }
}

INSTANTIATE_TEST_SUITE_P(LiveActivity, LiveStatusTransitionTest,
                         ::testing::Values(TransitionCase{"plannedToLive", LiveStatus::planned, true, true},
                                           TransitionCase{"liveToEnded", LiveStatus::live, false, true},
                                           TransitionCase{"plannedToEndedCancels", LiveStatus::planned, false, true},
                                           TransitionCase{"liveToLive", LiveStatus::live, true, false},
                                           TransitionCase{"endedToLive", LiveStatus::ended, true, false},
                                           TransitionCase{"endedToEnded", LiveStatus::ended, false, false}),
                         [](const auto& paramInfo) { return paramInfo.param.name; });

struct ChecklistViolation {
    std::string name;
    std::function<void(LiveActivity&)> breakIt;
    std::string detailFragment;
};

class LiveChecklistTest : public ::testing::TestWithParam<ChecklistViolation> {};

TEST_P(LiveChecklistTest, PublishingIsRefused)
{
    LiveActivity activity = plannedVectorActivity();
    ASSERT_TRUE(activity.goLive(1700000000, "https://example.invalid/live/index.m3u8").ok());
    GetParam().breakIt(activity);
    const auto eventTemplate = activity.toEventTemplate(1700000000);
    ASSERT_FALSE(eventTemplate.ok());
    EXPECT_EQ(eventTemplate.error(), NostrErrc::invalidLiveActivity);
    EXPECT_NE(eventTemplate.error().detail().find(GetParam().detailFragment), std::string::npos)
        << eventTemplate.error().detail();
}

INSTANTIATE_TEST_SUITE_P(
    LiveActivity, LiveChecklistTest,
    ::testing::Values(
        ChecklistViolation{"noIdentifier", [](LiveActivity& activity) { activity.identifier.clear(); }, "identifier"},
        ChecklistViolation{"liveWithEnds", [](LiveActivity& activity) { activity.endsAtUnixSeconds = 1700009999; },
                           "live with ends"},
        ChecklistViolation{"liveWithoutStarts", [](LiveActivity& activity) { activity.startsAtUnixSeconds.reset(); },
                           "live without starts"},
        ChecklistViolation{"liveWithoutHls",
                           [](LiveActivity& activity) { activity.streamingUrl = "rtmp://example.invalid/live"; },
                           "HLS"},
        ChecklistViolation{"liveWithoutRelays", [](LiveActivity& activity) { activity.relays.clear(); },
                           "without relays"},
        ChecklistViolation{"noHost", [](LiveActivity& activity) { activity.participants.clear(); }, "role Host"},
        ChecklistViolation{"badParticipantKey",
                           [](LiveActivity& activity) {
                               activity.participants.push_back({"ABC", "", "Speaker", ""});
                           },
                           "participant pubkey"}),
    [](const auto& paramInfo) { return paramInfo.param.name; });

TEST(LiveActivity, HostIsFirstAndRelaysKeepPrimaryFirst)
{
    LiveActivity activity = plannedVectorActivity();
    const std::string speaker(64, 'a');
    // A speaker added before the host is set again must still come after the host.
    activity.participants.insert(activity.participants.begin(), LiveParticipant{speaker, "", "Speaker", ""});
    activity.relays = {"wss://primary.invalid", "wss://b.invalid", "wss://c.invalid"};
    ASSERT_TRUE(activity.goLive(10, "https://x.invalid/index.m3u8").ok());
    const auto eventTemplate = activity.toEventTemplate(10);
    ASSERT_TRUE(eventTemplate.ok());
    std::vector<Tag> participantTags;
    std::copy_if(eventTemplate->tags.begin(), eventTemplate->tags.end(), std::back_inserter(participantTags),
                 [](const Tag& tag) { return tag[0] == "p"; });
    ASSERT_EQ(participantTags.size(), 2U);
    EXPECT_EQ(participantTags[0], (Tag{"p", std::string(publicKeyThreeHex), "wss://relay.example.invalid", "Host"}));
    EXPECT_EQ(participantTags[1], (Tag{"p", speaker, "", "Speaker"}));
    const auto relaysTag = std::find_if(eventTemplate->tags.begin(), eventTemplate->tags.end(),
                                        [](const Tag& tag) { return tag[0] == "relays"; });
    ASSERT_NE(relaysTag, eventTemplate->tags.end());
    EXPECT_EQ(*relaysTag, (Tag{"relays", "wss://primary.invalid", "wss://b.invalid", "wss://c.invalid"}));
}

TEST(LiveActivity, SetHostReplacesThePreviousHost)
{
    LiveActivity activity = plannedVectorActivity();
    activity.setHost(std::string(64, 'b'), "wss://r.invalid");
    ASSERT_EQ(activity.participants.size(), 1U);
    EXPECT_EQ(activity.participants[0].publicKeyHex, std::string(64, 'b'));
    EXPECT_EQ(activity.host()->publicKeyHex, std::string(64, 'b'));
}

TEST(LiveActivity, BuildSerializeParseRoundTrip)
{
    LiveActivity activity = plannedVectorActivity();
    activity.totalParticipants = 42;
    activity.pinnedEventId = std::string(64, 'c');
    activity.otherTags = {{"goal", std::string(64, 'd')}, {"content-warning", "loud"}};
    const SecretKey speakerKey = SecretKey::fromHex(std::string(63, '0') + "5").value();
    const std::string speakerHex = speakerKey.publicKey().value().toHex();
    const std::string address = liveActivityAddress(publicKeyThreeHex, activity.identifier);
    const auto proof = makeParticipantProof(speakerKey, address, AuxRandomness{});
    ASSERT_TRUE(proof.ok());
    activity.participants.push_back({speakerHex, "wss://speaker.invalid", "Speaker", proof->toHex()});
    ASSERT_TRUE(activity.goLive(1700000000, "https://example.invalid/live/index.m3u8").ok());

    LiveActivityPublisher publisher;
    const auto event = publisher.signNextVersion(activity, hostKey(), 1700000001);
    ASSERT_TRUE(event.ok()) << event.error().describe();
    const auto json = event->toJson();
    ASSERT_TRUE(json.ok());
    const auto parsedEvent = parseEvent(json.value());
    ASSERT_TRUE(parsedEvent.ok());
    ASSERT_TRUE(verify(parsedEvent.value()).ok());
    const auto parsed = LiveActivity::fromEvent(parsedEvent.value());
    ASSERT_TRUE(parsed.ok()) << parsed.error().describe();
    EXPECT_EQ(parsed.value(), activity);

    // The proof verifies against the a tag, and only against it.
    const PublicKey author = PublicKey::fromHex(parsedEvent->pubkey).value();
    EXPECT_EQ(parsed->aTag(author), address);
    EXPECT_TRUE(verifyParticipantProof(parsed->participants[1], parsed->aTag(author)));
    EXPECT_FALSE(verifyParticipantProof(parsed->participants[1], address + "x"));
    EXPECT_FALSE(verifyParticipantProof(parsed->participants[0], address)); // host gave none
}

TEST(LiveActivity, AddressAndNaddr)
{
    const LiveActivity activity = plannedVectorActivity();
    const PublicKey author = hostKey().publicKey().value();
    EXPECT_EQ(activity.aTag(author), "30311:" + std::string(publicKeyThreeHex) + ":stream-1700000000");
    const auto naddr = activity.naddr(author);
    ASSERT_TRUE(naddr.ok());
    const auto decoded = decodeNip19(naddr.value());
    ASSERT_TRUE(decoded.ok());
    const auto& address = std::get<NaddrEntity>(decoded.value());
    EXPECT_EQ(address.identifier, "stream-1700000000");
    EXPECT_EQ(address.kind, 30311U);
    EXPECT_EQ(address.author, author.bytes());
    EXPECT_EQ(address.relays, activity.relays);
}

TEST(LiveActivity, LookupFilterNamesAuthorAndD)
{
    LiveActivity activity = plannedVectorActivity();
    ASSERT_TRUE(activity.goLive(1700000000, "https://example.invalid/live/index.m3u8").ok());
    const PublicKey author = hostKey().publicKey().value();
    const Filter filter = activity.lookupFilter(author);
    EXPECT_EQ(filter.toJson().value(), R"({"#d":["stream-1700000000"],"authors":[")" + std::string(publicKeyThreeHex) +
                                           R"("],"kinds":[30311]})");
    const auto event = sign(activity.toEventTemplate(1700000000).value(), hostKey());
    ASSERT_TRUE(event.ok());
    EXPECT_TRUE(filter.matches(event.value()));
    // The same d from another author is not ours.
    const auto impostor = sign(activity.toEventTemplate(1700000000).value(), SecretKey::generate().value());
    ASSERT_TRUE(impostor.ok());
    EXPECT_FALSE(filter.matches(impostor.value()));
}

TEST(LiveActivity, ParsesTheNip53ExampleShape)
{
    // The NIP's example (its id does not hash; the structure is what matters here).
    Event event;
    event.kind = 30311;
    event.pubkey = "1597246ac22f7d1375041054f2a4986bd971d8d196d7997e48973263ac9879ec";
    event.tags = {{"d", "demo-cf-stream"},
                  {"title", "Adult Swim Metalocalypse"},
                  {"summary", "Live stream from IPTV-ORG collection"},
                  {"streaming", "https://adultswim-vodlive.cdn.turner.com/live/metalocalypse/stream.m3u8"},
                  {"starts", "1687182672"},
                  {"status", "live"},
                  {"t", "animation"},
                  {"t", "iptv"},
                  {"image", "https://i.imgur.com/CaKq6Mt.png"}};
    const auto activity = LiveActivity::fromEvent(event);
    ASSERT_TRUE(activity.ok()) << activity.error().describe();
    EXPECT_EQ(activity->identifier, "demo-cf-stream");
    EXPECT_EQ(activity->status, LiveStatus::live);
    EXPECT_EQ(activity->startsAtUnixSeconds, 1687182672);
    EXPECT_EQ(activity->hashtags, (std::vector<std::string>{"animation", "iptv"}));
    EXPECT_EQ(activity->host(), nullptr);
}

TEST(LiveActivity, HostIsFoundByRoleInAnyCaseElseFirstP)
{
    Event event;
    event.kind = 30311;
    event.tags = {{"d", "x"}, {"p", std::string(64, 'a'), "", "Speaker"}, {"p", std::string(64, 'b'), "", "host"}};
    const auto byRole = LiveActivity::fromEvent(event);
    ASSERT_TRUE(byRole.ok());
    EXPECT_EQ(byRole->host()->publicKeyHex, std::string(64, 'b'));
    event.tags[2][3] = "Participant";
    const auto byPosition = LiveActivity::fromEvent(event);
    ASSERT_TRUE(byPosition.ok());
    EXPECT_EQ(byPosition->host()->publicKeyHex, std::string(64, 'a'));
}

struct BadActivityCase {
    std::string name;
    EventKind kind;
    Tags tags;
    std::string detailFragment;
};

class BadLiveActivityTest : public ::testing::TestWithParam<BadActivityCase> {};

TEST_P(BadLiveActivityTest, IsRefused)
{
    Event event;
    event.kind = GetParam().kind;
    event.tags = GetParam().tags;
    const auto activity = LiveActivity::fromEvent(event);
    ASSERT_FALSE(activity.ok());
    EXPECT_EQ(activity.error(), NostrErrc::invalidLiveActivity);
    EXPECT_NE(activity.error().detail().find(GetParam().detailFragment), std::string::npos)
        << activity.error().detail();
}

INSTANTIATE_TEST_SUITE_P(
    LiveActivity, BadLiveActivityTest,
    ::testing::Values(
        BadActivityCase{"wrongKind", 1, {{"d", "x"}}, "expected 30311"},
        BadActivityCase{"missingD", 30311, {{"title", "x"}}, "missing d"},
        BadActivityCase{"unknownStatus", 30311, {{"d", "x"}, {"status", "paused"}}, "unknown status"},
        BadActivityCase{"startsNotNumber", 30311, {{"d", "x"}, {"starts", "soon"}}, "\"starts\""},
        BadActivityCase{"endsNegative", 30311, {{"d", "x"}, {"ends", "-5"}}, "\"ends\""},
        BadActivityCase{
            "participantsNotNumber", 30311, {{"d", "x"}, {"current_participants", "1e3"}}, "current_participants"},
        BadActivityCase{"pubkeyNotHex", 30311, {{"d", "x"}, {"p", "npub1xyz"}}, "p tag pubkey"},
        BadActivityCase{"proofNotHex", 30311, {{"d", "x"}, {"p", std::string(64, 'a'), "", "Host", "zz"}}, "proof"}),
    [](const auto& paramInfo) { return paramInfo.param.name; });

// ---- created_at strictly increasing -------------------------------------------------------------

TEST(LiveActivityPublisher, CreatedAtStrictlyIncreasesOnRapidUpdates)
{
    LiveActivity activity = plannedVectorActivity();
    ASSERT_TRUE(activity.goLive(1700000000, "https://example.invalid/live/index.m3u8").ok());
    LiveActivityPublisher publisher;
    std::int64_t previous = -1;
    // Ten updates within the same wall-clock second, then the clock moves back (NTP step).
    for (const std::int64_t now : {1700000000, 1700000000, 1700000000, 1700000000, 1700000000, 1700000000, 1700000000,
                                   1700000000, 1700000000, 1700000000, 1699999990}) {
        activity.currentParticipants = static_cast<std::uint64_t>(previous + 2);
        const auto event = publisher.signNextVersion(activity, hostKey(), now);
        ASSERT_TRUE(event.ok());
        EXPECT_GT(event->createdAtUnixSeconds, previous);
        EXPECT_TRUE(previous < 0 || event->createdAtUnixSeconds == previous + 1);
        previous = event->createdAtUnixSeconds;
    }
    // Once the clock is ahead again, the clock wins.
    const auto later = publisher.signNextVersion(activity, hostKey(), 1700000100);
    ASSERT_TRUE(later.ok());
    EXPECT_EQ(later->createdAtUnixSeconds, 1700000100);
}

TEST(LiveActivityPublisher, SeededWithThePersistedVersionAfterARestart)
{
    LiveActivity activity = plannedVectorActivity();
    ASSERT_TRUE(activity.goLive(1700000000, "https://example.invalid/live/index.m3u8").ok());
    LiveActivityPublisher publisher(1700000050);
    EXPECT_EQ(publisher.nextCreatedAt(1700000000), 1700000051);
    const auto event = publisher.signNextVersion(activity, hostKey(), 1700000000);
    ASSERT_TRUE(event.ok());
    EXPECT_EQ(event->createdAtUnixSeconds, 1700000051);
}

TEST(LiveActivityPublisher, AFailedVersionDoesNotConsumeAStamp)
{
    LiveActivity activity = plannedVectorActivity();
    ASSERT_TRUE(activity.goLive(1700000000, "https://example.invalid/live/index.m3u8").ok());
    LiveActivityPublisher publisher;
    ASSERT_TRUE(publisher.signNextVersion(activity, hostKey(), 1700000000).ok());
    LiveActivity broken = activity;
    broken.identifier.clear();
    EXPECT_FALSE(publisher.signNextVersion(broken, hostKey(), 1700000000).ok());
    EXPECT_EQ(publisher.lastCreatedAtUnixSeconds(), 1700000000);
}

} // namespace
} // namespace hoststudio::nostr
