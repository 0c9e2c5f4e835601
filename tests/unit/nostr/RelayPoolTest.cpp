// SPDX-License-Identifier: GPL-2.0-or-later
// The relay pool's pure bookkeeping: OK classification, deduplication, EOSE tracking; and the
// pool's behaviour without any reachable relay.

#include "hoststudio/nostr/RelayPool.hpp"
#include "hoststudio/net/NetworkThread.hpp"
#include "hoststudio/nostr/RelayBookkeeping.hpp"
#include "hoststudio/nostr/RelayInformation.hpp"

#include <gtest/gtest.h>

#include <chrono>

namespace hoststudio::nostr {
namespace {

using namespace std::chrono_literals;

TEST(PublishOutcomeTest, OkTrueIsAccepted)
{
    const PublishOutcome outcome = classifyOk("ws://a", RelayOkMessage{"id", true, ""});
    EXPECT_EQ(outcome.kind, PublishOutcomeKind::accepted);
    EXPECT_EQ(outcome.relayUrl, "ws://a");
    EXPECT_TRUE(outcome.succeeded());
}

TEST(PublishOutcomeTest, OkTrueWithDuplicatePrefixIsDuplicate)
{
    const PublishOutcome outcome = classifyOk("ws://a", RelayOkMessage{"id", true, "duplicate: already have it"});
    EXPECT_EQ(outcome.kind, PublishOutcomeKind::duplicate);
    EXPECT_EQ(outcome.prefix, ReasonPrefix::duplicate);
    EXPECT_EQ(outcome.reason, "already have it");
    EXPECT_TRUE(outcome.succeeded());
}

TEST(PublishOutcomeTest, OkFalseIsRejectedWithPrefixAndReason)
{
    struct Case {
        const char* message;
        ReasonPrefix prefix;
        const char* reason;
    };
    for (const Case& c : {Case{"blocked: you are banned", ReasonPrefix::blocked, "you are banned"},
                          Case{"rate-limited: slow down", ReasonPrefix::rateLimited, "slow down"},
                          Case{"auth-required: sign in", ReasonPrefix::authRequired, "sign in"},
                          Case{"invalid: bad sig", ReasonPrefix::invalid, "bad sig"},
                          Case{"something odd", ReasonPrefix::none, "something odd"}}) {
        const PublishOutcome outcome = classifyOk("ws://a", RelayOkMessage{"id", false, c.message});
        EXPECT_EQ(outcome.kind, PublishOutcomeKind::rejected) << c.message;
        EXPECT_EQ(outcome.prefix, c.prefix) << c.message;
        EXPECT_EQ(outcome.reason, c.reason) << c.message;
        EXPECT_FALSE(outcome.succeeded());
    }
}

TEST(PublishOutcomeTest, OkFalseWithDuplicatePrefixIsStillRejected)
{
    const PublishOutcome outcome = classifyOk("ws://a", RelayOkMessage{"id", false, "duplicate: no"});
    EXPECT_EQ(outcome.kind, PublishOutcomeKind::rejected);
    EXPECT_EQ(outcome.prefix, ReasonPrefix::duplicate);
}

TEST(PublishOutcomeTest, KindNames)
{
    EXPECT_EQ(toString(PublishOutcomeKind::accepted), "accepted");
    EXPECT_EQ(toString(PublishOutcomeKind::duplicate), "duplicate");
    EXPECT_EQ(toString(PublishOutcomeKind::rejected), "rejected");
    EXPECT_EQ(toString(PublishOutcomeKind::timedOut), "timedOut");
    EXPECT_EQ(toString(PublishOutcomeKind::unreachable), "unreachable");
}

TEST(EventDeduplicatorTest, DeliversEachIdOnce)
{
    EventDeduplicator deduplicator;
    EXPECT_TRUE(deduplicator.firstSighting("a"));
    EXPECT_FALSE(deduplicator.firstSighting("a"));
    EXPECT_TRUE(deduplicator.firstSighting("b"));
    EXPECT_FALSE(deduplicator.firstSighting("b"));
    EXPECT_EQ(deduplicator.size(), 2U);
}

TEST(EventDeduplicatorTest, ForgetsTheOldestBeyondCapacity)
{
    EventDeduplicator deduplicator(2);
    EXPECT_TRUE(deduplicator.firstSighting("a"));
    EXPECT_TRUE(deduplicator.firstSighting("b"));
    EXPECT_TRUE(deduplicator.firstSighting("c")); // forgets "a"
    EXPECT_EQ(deduplicator.size(), 2U);
    EXPECT_FALSE(deduplicator.firstSighting("c"));
    EXPECT_TRUE(deduplicator.firstSighting("a"));
}

TEST(EoseTrackerTest, CompletesOnceWhenEveryRelayIsDone)
{
    EoseTracker tracker({"ws://a", "ws://b", "ws://c"});
    EXPECT_FALSE(tracker.allDone());
    EXPECT_FALSE(tracker.markDone("ws://a"));
    EXPECT_FALSE(tracker.markDone("ws://a")); // repeated EOSE
    EXPECT_FALSE(tracker.markDone("ws://unknown"));
    EXPECT_FALSE(tracker.markDone("ws://c"));
    EXPECT_EQ(tracker.pending(), std::vector<std::string>{"ws://b"});
    EXPECT_TRUE(tracker.markDone("ws://b"));
    EXPECT_TRUE(tracker.allDone());
    EXPECT_FALSE(tracker.markDone("ws://b")); // reported once only
    EXPECT_TRUE(tracker.isDone("ws://a"));
}

TEST(EoseTrackerTest, DuplicateUrlsCountOnce)
{
    EoseTracker tracker({"ws://a", "ws://a"});
    EXPECT_TRUE(tracker.markDone("ws://a"));
}

TEST(RelayPoolTest, RefusesAnEmptyRelayList)
{
    net::NetworkThread network;
    auto pool = RelayPool::create(network, {});
    EXPECT_FALSE(pool.ok());
}

TEST(RelayPoolTest, ABadUrlFailsAndPublishReportsUnreachableAtOnce)
{
    net::NetworkThread network;
    auto pool = RelayPool::create(network, {"nope://x", "ws://"}).value();
    EXPECT_TRUE(pool->waitUntilSettled(5s));
    for (const RelayStatus& status : pool->relayStatuses()) {
        EXPECT_EQ(status.state, RelayConnectionState::failed) << status.url;
        EXPECT_TRUE(status.lastError.isError()) << status.url;
    }
    const SecretKey key = SecretKey::generate().value();
    const Event event = sign(EventTemplate{1700000000, eventKinds::textNote, {}, "hello"}, key).value();
    const auto started = std::chrono::steady_clock::now();
    const std::vector<PublishOutcome> outcomes = pool->publishAndWait(event, 5s);
    EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
    ASSERT_EQ(outcomes.size(), 2U);
    EXPECT_EQ(outcomes[0].relayUrl, "nope://x");
    EXPECT_EQ(outcomes[0].kind, PublishOutcomeKind::unreachable);
    EXPECT_EQ(outcomes[1].kind, PublishOutcomeKind::unreachable);

    auto events = pool->query({Filter{}}, 5s);
    ASSERT_TRUE(events.ok());
    EXPECT_TRUE(events->empty());
}

TEST(RelayInformationTest, ParsesLimitsAndNips)
{
    const auto information = parseRelayInformation(R"({"name":"r","software":"s","version":"1",
        "supported_nips":[1,11,42,"x"],"limitation":{"max_message_length":524288,"max_subscriptions":20,
        "max_content_length":"big","auth_required":true,"restricted_writes":true},"unknown":{}})");
    ASSERT_TRUE(information.ok());
    EXPECT_EQ(information->name, "r");
    EXPECT_TRUE(information->supportsNip(42));
    EXPECT_FALSE(information->supportsNip(50));
    EXPECT_EQ(information->limitation.maxMessageLength, 524288U);
    EXPECT_EQ(information->limitation.maxSubscriptions, 20U);
    EXPECT_FALSE(information->limitation.maxContentLength.has_value()); // wrong type: absent
    EXPECT_TRUE(information->limitation.authRequired);
    EXPECT_FALSE(information->limitation.paymentRequired);
}

TEST(RelayInformationTest, RefusesNonObjectsAndMapsUrls)
{
    EXPECT_FALSE(parseRelayInformation("[1]").ok());
    EXPECT_FALSE(parseRelayInformation("not json").ok());
    EXPECT_TRUE(parseRelayInformation("{}").ok());
    EXPECT_EQ(relayInformationUrl("ws://127.0.0.1:7447").value(), "http://127.0.0.1:7447");
    EXPECT_EQ(relayInformationUrl("wss://relay.example/path").value(), "https://relay.example/path");
    EXPECT_FALSE(relayInformationUrl("http://relay.example").ok());
}

} // namespace
} // namespace hoststudio::nostr
