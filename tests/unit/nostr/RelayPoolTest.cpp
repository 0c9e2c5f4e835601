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

// ---- NIP-11 limits ----

Event noteWith(std::string content, Tags tags = {})
{
    const SecretKey key =
        SecretKey::fromHex("0000000000000000000000000000000000000000000000000000000000000003").value();
    return sign(EventTemplate{1700000000, eventKinds::textNote, std::move(tags), std::move(content)}, key).value();
}

TEST(RelayLimitsTest, NoLimitsRefuseNothing)
{
    const RelayLimitation none;
    EXPECT_FALSE(eventRefusal(none, noteWith(std::string(100000, 'x')), 200000, false).has_value());
    EXPECT_FALSE(requestRefusal(none, 50, 200000, false).has_value());
}

TEST(RelayLimitsTest, AFrameAboveMaxMessageLengthIsRefusedWithBothSizes)
{
    RelayLimitation limits;
    limits.maxMessageLength = 4096;
    const Event event = noteWith("small");
    EXPECT_FALSE(eventRefusal(limits, event, 4096, false).has_value()); // exactly the limit is fine
    const auto refusal = eventRefusal(limits, event, 4097, false);
    ASSERT_TRUE(refusal.has_value());
    EXPECT_NE(refusal->find("4097 bytes"), std::string::npos) << *refusal;
    EXPECT_NE(refusal->find("max_message_length is 4096"), std::string::npos) << *refusal;

    const auto request = requestRefusal(limits, 1, 5000, false);
    ASSERT_TRUE(request.has_value());
    EXPECT_NE(request->find("REQ is 5000 bytes"), std::string::npos) << *request;
    EXPECT_FALSE(requestRefusal(limits, 1, 100, false).has_value());
}

TEST(RelayLimitsTest, ContentLengthTagsAndFilterCounts)
{
    RelayLimitation limits;
    limits.maxContentLength = 10;
    limits.maxEventTags = 1;
    limits.maxFilters = 2;
    EXPECT_FALSE(eventRefusal(limits, noteWith("0123456789", {{"t", "a"}}), 200, false).has_value());
    const auto content = eventRefusal(limits, noteWith("0123456789A"), 200, false);
    ASSERT_TRUE(content.has_value());
    EXPECT_NE(content->find("max_content_length is 10"), std::string::npos) << *content;
    const auto tags = eventRefusal(limits, noteWith("x", {{"t", "a"}, {"t", "b"}}), 200, false);
    ASSERT_TRUE(tags.has_value());
    EXPECT_NE(tags->find("max_event_tags is 1"), std::string::npos) << *tags;
    EXPECT_FALSE(requestRefusal(limits, 2, 100, false).has_value());
    const auto filters = requestRefusal(limits, 3, 100, false);
    ASSERT_TRUE(filters.has_value());
    EXPECT_NE(filters->find("3 filters"), std::string::npos) << *filters;
    EXPECT_NE(filters->find("max_filters is 2"), std::string::npos) << *filters;
}

TEST(RelayLimitsTest, AuthRequiredRefusesOnlyWithoutAKey)
{
    RelayLimitation limits;
    limits.authRequired = true;
    const Event event = noteWith("x");
    EXPECT_FALSE(eventRefusal(limits, event, 200, true).has_value());
    EXPECT_FALSE(requestRefusal(limits, 1, 100, true).has_value());
    const auto refusal = eventRefusal(limits, event, 200, false);
    ASSERT_TRUE(refusal.has_value());
    EXPECT_NE(refusal->find("auth_required"), std::string::npos) << *refusal;
    EXPECT_TRUE(requestRefusal(limits, 1, 100, false).has_value());
}

TEST(RelayLimitsTest, ClampsLimitsAboveMaxLimitOnly)
{
    Filter big;
    big.limit = 5000;
    Filter small;
    small.limit = 10;
    const Filter unlimited;
    RelayLimitation limits;
    EXPECT_EQ(clampToMaxLimit({big, small, unlimited}, limits), (std::vector<Filter>{big, small, unlimited}));
    limits.maxLimit = 500;
    const std::vector<Filter> clamped = clampToMaxLimit({big, small, unlimited}, limits);
    ASSERT_EQ(clamped.size(), 3U);
    EXPECT_EQ(clamped[0].limit, 500U);
    EXPECT_EQ(clamped[1].limit, 10U);
    EXPECT_FALSE(clamped[2].limit.has_value());
}

TEST(SubscriptionSlotsTest, WithoutALimitEverythingOpens)
{
    SubscriptionSlots slots;
    EXPECT_TRUE(slots.request("a"));
    EXPECT_TRUE(slots.request("b"));
    EXPECT_FALSE(slots.request("a")); // already open
    EXPECT_EQ(slots.openCount(), 2U);
    EXPECT_EQ(slots.waitingCount(), 0U);
}

TEST(SubscriptionSlotsTest, ExtraSubscriptionsWaitInOrderForAFreeSlot)
{
    SubscriptionSlots slots;
    slots.setLimit(2);
    EXPECT_TRUE(slots.request("a"));
    EXPECT_TRUE(slots.request("b"));
    EXPECT_FALSE(slots.request("c"));
    EXPECT_FALSE(slots.request("d"));
    EXPECT_TRUE(slots.isWaiting("c"));
    EXPECT_EQ(slots.openCount(), 2U);
    EXPECT_EQ(slots.waitingCount(), 2U);

    EXPECT_TRUE(slots.release("unknown").empty());
    EXPECT_TRUE(slots.release("d").empty()); // forgotten while waiting: frees nothing
    EXPECT_EQ(slots.waitingCount(), 1U);
    EXPECT_EQ(slots.release("a"), std::vector<std::string>{"c"});
    EXPECT_TRUE(slots.isOpen("c"));
    EXPECT_FALSE(slots.request("e")); // c took the slot
    EXPECT_EQ(slots.release("b"), std::vector<std::string>{"e"});
    EXPECT_EQ(slots.openCount(), 2U);
}

TEST(SubscriptionSlotsTest, RaisingTheLimitAdmitsWaitersAndResetForgetsAll)
{
    SubscriptionSlots slots;
    slots.setLimit(1);
    EXPECT_TRUE(slots.request("a"));
    EXPECT_FALSE(slots.request("b"));
    EXPECT_FALSE(slots.request("c"));
    slots.setLimit(std::nullopt);
    EXPECT_EQ(slots.admitWaiting(), (std::vector<std::string>{"b", "c"}));
    EXPECT_EQ(slots.openCount(), 3U);
    slots.reset();
    EXPECT_EQ(slots.openCount(), 0U);
    EXPECT_FALSE(slots.isOpen("a"));
    EXPECT_TRUE(slots.request("a"));
}

TEST(RelayInformationTest, ParsesMaxFiltersAndMaxLimit)
{
    const auto information =
        parseRelayInformation(R"({"limitation":{"max_filters":3,"max_limit":-1,"max_event_tags":100}})");
    ASSERT_TRUE(information.ok());
    EXPECT_EQ(information->limitation.maxFilters, 3U);
    EXPECT_FALSE(information->limitation.maxLimit.has_value()); // negative: absent
    EXPECT_EQ(information->limitation.maxEventTags, 100U);
}

TEST(RelayPoolTest, ABadUrlHasNoRelayInformationAndSaysWhy)
{
    net::NetworkThread network;
    auto pool = RelayPool::create(network, {"nope://x"}).value();
    EXPECT_TRUE(pool->waitUntilSettled(5s));
    const RelayStatus status = pool->relayStatuses()[0];
    EXPECT_FALSE(status.information.has_value());
    EXPECT_TRUE(status.informationError.isError());
    EXPECT_NE(status.informationError.describe().find("nope://x"), std::string::npos)
        << status.informationError.describe();
}

} // namespace
} // namespace hoststudio::nostr
