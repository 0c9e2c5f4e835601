// SPDX-License-Identifier: GPL-2.0-or-later
// ChatHub without a network: fake relay and backend links drive it. The merged timeline's order,
// dedupe (several relays, the host's own echoes), the host's signed 1311 and its delivery states,
// the send token bucket on a fake clock, the bounded history and the coalesced update queue,
// profiles from kind 0, refusals (invalid UTF-8 with a log line, other activities and rooms), the
// display truncation, and a producer thread racing the consumer (these run under ThreadSanitizer
// with the rest of chat_tests). The plain-text rendering is in ChatHubDisplayTest.cpp.

#include "hoststudio/chat/ChatHub.hpp"
#include "hoststudio/chat/ChatError.hpp"
#include "hoststudio/nostr/ChatMessage.hpp"
#include "hoststudio/nostr/NostrError.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <limits>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace hoststudio::chat {
namespace {

using namespace std::chrono_literals;

class FakeNostrLink final : public NostrChatLink {
public:
    struct Subscription {
        std::vector<nostr::Filter> filters;
        nostr::SubscriptionHandlers handlers;
        bool open = true;
    };

    core::Result<nostr::SubscriptionId> subscribe(std::vector<nostr::Filter> filters,
                                                  nostr::SubscriptionHandlers handlers) override
    {
        const std::lock_guard lock(mutex);
        const std::string id = "sub" + std::to_string(subscriptions.size());
        subscriptions.emplace(id, Subscription{std::move(filters), std::move(handlers), true});
        order.push_back(id);
        return id;
    }
    void close(const nostr::SubscriptionId& subscription) override
    {
        const std::lock_guard lock(mutex);
        subscriptions.at(subscription).open = false;
    }
    void publish(const nostr::Event& event, std::function<void(std::vector<nostr::PublishOutcome>)> onDone) override
    {
        const std::lock_guard lock(mutex);
        published.push_back(event);
        callbacks.push_back(std::move(onDone));
    }

    // The open subscriptions whose first filter asks for `kind`.
    std::vector<std::string> openOfKind(nostr::EventKind kind)
    {
        const std::lock_guard lock(mutex);
        std::vector<std::string> result;
        for (const std::string& id : order) {
            const Subscription& subscription = subscriptions.at(id);
            if (subscription.open && subscription.filters.front().kinds &&
                subscription.filters.front().kinds->front() == kind) {
                result.push_back(id);
            }
        }
        return result;
    }
    void deliver(const std::string& subscription, const nostr::Event& event)
    {
        nostr::SubscriptionHandlers handlers;
        {
            const std::lock_guard lock(mutex);
            handlers = subscriptions.at(subscription).handlers;
        }
        handlers.onEvent(event, "ws://relay");
    }
    void endOfStored(const std::string& subscription)
    {
        nostr::SubscriptionHandlers handlers;
        {
            const std::lock_guard lock(mutex);
            handlers = subscriptions.at(subscription).handlers;
        }
        handlers.onAllEose(false);
    }

    std::mutex mutex;
    std::map<std::string, Subscription> subscriptions;
    std::vector<std::string> order;
    std::vector<nostr::Event> published;
    std::vector<std::function<void(std::vector<nostr::PublishOutcome>)>> callbacks;
};

class FakeBackendLink final : public BackendChatLink {
public:
    core::Status sendChannelMessage(const ChannelMessage& message) override
    {
        sent.push_back(message);
        if (failWith) {
            return *failWith;
        }
        return {};
    }
    std::vector<ChannelMessage> sent;
    std::optional<core::Error> failWith;
};

nostr::SecretKey keyFromByte(std::uint8_t byte)
{
    std::array<std::uint8_t, 32> bytes{};
    bytes.fill(byte);
    return nostr::SecretKey::fromBytes(bytes).value();
}

class ChatHubTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        host = keyFromByte(7);
        viewer = keyFromByte(9);
        other = keyFromByte(11);
        address = "30311:" + host->publicKey()->toHex() + ":live-1";
        settings.activityAddress = address;
        settings.relayHint = "ws://127.0.0.1:7447";
        settings.hostKey = *host;
        settings.steadyClock = [this] { return steadyNow; };
        settings.unixMillisClock = [this] { return unixNowMs; };
    }

    std::unique_ptr<ChatHub> makeHub(bool withNostr = true, bool withBackend = true)
    {
        auto hub = ChatHub::create(settings, withNostr ? &nostrLink : nullptr, withBackend ? &backendLink : nullptr);
        EXPECT_TRUE(hub.ok()) << hub.error().describe();
        EXPECT_TRUE(hub.value()->start().ok());
        return std::move(hub.value());
    }

    nostr::Event chat(const nostr::SecretKey& author, std::int64_t createdAt, const std::string& content,
                      const std::string& activity = {})
    {
        nostr::ChatMessage message;
        message.activityAddress = activity.empty() ? address : activity;
        message.relayHint = "ws://relay";
        message.content = content;
        return nostr::sign(message.toEventTemplate(createdAt).value(), author).value();
    }

    static nostr::Event profile(const nostr::SecretKey& author, std::int64_t createdAt, const std::string& content)
    {
        return nostr::sign(nostr::EventTemplate{createdAt, nostr::eventKinds::metadata, {}, content}, author).value();
    }

    std::string chatSubscription() { return nostrLink.openOfKind(nostr::eventKinds::liveChatMessage).at(0); }

    std::optional<nostr::SecretKey> host;
    std::optional<nostr::SecretKey> viewer;
    std::optional<nostr::SecretKey> other;
    std::string address;
    ChatHubSettings settings;
    FakeNostrLink nostrLink;
    FakeBackendLink backendLink;
    std::chrono::steady_clock::time_point steadyNow{std::chrono::hours(1)};
    std::int64_t unixNowMs = 1'700'000'000'000;
};

std::vector<std::string> texts(const std::vector<ChatEntry>& entries)
{
    std::vector<std::string> result;
    for (const ChatEntry& entry : entries) {
        result.push_back(entry.text);
    }
    return result;
}

TEST_F(ChatHubTest, CreateRefusesWhatCannotWork)
{
    EXPECT_EQ(ChatHub::create(settings, nullptr, nullptr).error(), ChatErrc::invalidArgument);
    ChatHubSettings bad = settings;
    bad.activityAddress = "30311:live-1"; // the web studio's mistake: no pubkey
    const auto noPubkey = ChatHub::create(bad, &nostrLink, nullptr);
    ASSERT_FALSE(noPubkey.ok());
    EXPECT_NE(noPubkey.error().detail().find("30311:<64 lower-case hex>:<d>"), std::string::npos);
    bad = settings;
    bad.hostKey = *other;
    EXPECT_EQ(ChatHub::create(bad, &nostrLink, nullptr).error(), ChatErrc::invalidArgument);
    bad = settings;
    bad.historyCapacity = 0;
    EXPECT_EQ(ChatHub::create(bad, &nostrLink, nullptr).error(), ChatErrc::invalidArgument);
    bad = settings;
    bad.sendBurst = 0;
    EXPECT_EQ(ChatHub::create(bad, nullptr, &backendLink).error(), ChatErrc::invalidArgument);
}

TEST_F(ChatHubTest, SubscribesTheActivityChatByATag)
{
    auto hub = makeHub();
    const auto subscriptions = nostrLink.openOfKind(nostr::eventKinds::liveChatMessage);
    ASSERT_EQ(subscriptions.size(), 1U);
    EXPECT_EQ(nostrLink.subscriptions.at(subscriptions[0]).filters.at(0), nostr::chatMessagesFilter(address));
    hub->stop();
    EXPECT_TRUE(nostrLink.openOfKind(nostr::eventKinds::liveChatMessage).empty());
}

TEST_F(ChatHubTest, MergesBothSourcesInTimeOrderKeepingArrivalOrderForEqualTimes)
{
    auto hub = makeHub();
    unixNowMs = 5'000;
    hub->addBackendMessage({"general", "backend at 5 s", "alice"});
    hub->addNostrEvent(chat(*viewer, 5, "nostr at 5 s"));
    hub->addNostrEvent(chat(*viewer, 3, "nostr at 3 s"));
    unixNowMs = 4'000;
    hub->addBackendMessage({"general", "backend at 4 s", "bob"});
    const auto entries = hub->snapshot();
    EXPECT_EQ(texts(entries),
              (std::vector<std::string>{"nostr at 3 s", "backend at 4 s", "backend at 5 s", "nostr at 5 s"}));
    EXPECT_EQ(entries[1].source, ChatSource::backend);
    EXPECT_EQ(entries[1].author, "bob");
    EXPECT_EQ(entries[1].timeMs, 4000);
    EXPECT_EQ(entries[0].source, ChatSource::nostr);
    EXPECT_EQ(entries[0].author, viewer->publicKey()->toNpub());
    EXPECT_EQ(entries[0].authorPubkey, viewer->publicKey()->toHex());
    EXPECT_EQ(entries[0].timeMs, 3000);
    EXPECT_EQ(entries[0].id.size(), 64U);
    // A clock far off does not overflow: it sorts last.
    hub->addNostrEvent(chat(*viewer, std::numeric_limits<std::int64_t>::max(), "from the far future"));
    EXPECT_EQ(hub->snapshot().back().text, "from the far future");
}

TEST_F(ChatHubTest, TheSameEventFromSeveralRelaysIsShownOnce)
{
    auto hub = makeHub();
    const nostr::Event event = chat(*viewer, 10, "hello");
    hub->addNostrEvent(event);
    hub->addNostrEvent(event);
    nostrLink.deliver(chatSubscription(), event);
    EXPECT_EQ(hub->snapshot().size(), 1U);
    EXPECT_EQ(hub->stats().duplicates, 2U);
}

TEST_F(ChatHubTest, RefusesOtherActivitiesKindsAndRooms)
{
    auto hub = makeHub();
    hub->addNostrEvent(chat(*viewer, 10, "elsewhere", "30311:" + other->publicKey()->toHex() + ":live-1"));
    hub->addNostrEvent(
        nostr::sign(nostr::EventTemplate{10, nostr::eventKinds::textNote, {{"a", address}}, "note"}, *viewer).value());
    hub->addBackendMessage({"another-room", "hi", "alice"});
    hub->addBackendMessage({"general", "", "alice"});
    EXPECT_TRUE(hub->snapshot().empty());
    EXPECT_EQ(hub->stats().rejectedOther, 4U);
    hub->addBackendMessage({"general", "no sender", ""});
    ASSERT_EQ(hub->snapshot().size(), 1U);
    EXPECT_EQ(hub->snapshot()[0].author, "anonymous");
}

std::mutex capturedMutex;
std::vector<std::string> captured;
void captureMessages(QtMsgType /*type*/, const QMessageLogContext& /*context*/, const QString& message)
{
    const std::lock_guard lock(capturedMutex);
    captured.push_back(message.toStdString());
}

TEST_F(ChatHubTest, InvalidUtf8IsRefusedWithALogLine)
{
    auto hub = makeHub();
    {
        const std::lock_guard lock(capturedMutex);
        captured.clear();
    }
    const QtMessageHandler previous = qInstallMessageHandler(captureMessages);
    hub->addBackendMessage({"general", std::string("caf\xC3(", 5), "alice"});
    hub->addBackendMessage({"general", "fine", std::string("\xED\xA0\x80", 3)}); // a surrogate as sender
    nostr::Event event = chat(*viewer, 10, "placeholder");
    event.content = std::string("\xF8\x88\x80\x80\x80", 5); // the pool delivers what the relay sent
    hub->addNostrEvent(event);
    qInstallMessageHandler(previous);
    EXPECT_TRUE(hub->snapshot().empty());
    EXPECT_EQ(hub->stats().rejectedUtf8, 3U);
    const std::lock_guard lock(capturedMutex);
    ASSERT_EQ(captured.size(), 3U);
    for (const std::string& line : captured) {
        EXPECT_NE(line.find("not UTF-8"), std::string::npos) << line;
    }

    const auto refused = hub->send(std::string("\xC0\xAF", 2)); // overlong '/'
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error(), ChatErrc::invalidUtf8);
}

TEST(ChatHubUtf8, FindsTheFirstInvalidSequence)
{
    EXPECT_FALSE(firstInvalidUtf8("plain ascii"));
    EXPECT_FALSE(firstInvalidUtf8("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x8E\xA5 \xF4\x8F\xBF\xBF"));
    EXPECT_EQ(firstInvalidUtf8(std::string("ab\xC0\x80", 4)), 2U);       // overlong NUL
    EXPECT_EQ(firstInvalidUtf8(std::string("\xE0\x80\xAF", 3)), 0U);     // overlong '/'
    EXPECT_EQ(firstInvalidUtf8(std::string("x\xED\xA0\x80", 4)), 1U);    // surrogate
    EXPECT_EQ(firstInvalidUtf8(std::string("\xF4\x90\x80\x80", 4)), 0U); // above U+10FFFF
    EXPECT_EQ(firstInvalidUtf8(std::string("ok\xE2\x82", 4)), 2U);       // truncated
    EXPECT_EQ(firstInvalidUtf8(std::string("\x80", 1)), 0U);             // lone continuation
    EXPECT_EQ(firstInvalidUtf8(std::string("\xC3\x28", 2)), 0U);         // bad continuation
}

TEST(ChatHubDisplay, TruncatesAtACodePointBoundaryWithAnEllipsis)
{
    EXPECT_EQ(truncateForDisplay("short", 10), "short");
    EXPECT_EQ(truncateForDisplay("exactly10!", 10), "exactly10!");
    EXPECT_EQ(truncateForDisplay("abcdefghijkl", 5), "abcde\xE2\x80\xA6");
    // "é" is two bytes: a cut after 5 bytes of "ééé" lands inside the third one and backs up.
    EXPECT_EQ(truncateForDisplay("\xC3\xA9\xC3\xA9\xC3\xA9", 5), "\xC3\xA9\xC3\xA9\xE2\x80\xA6");
    EXPECT_EQ(truncateForDisplay("\xF0\x9F\x8E\xA5", 3), "\xE2\x80\xA6");
}

TEST_F(ChatHubTest, AHundredKilobyteMessageIsTruncatedForDisplay)
{
    auto hub = makeHub();
    std::string big;
    while (big.size() < 100 * 1024) {
        big += "\xE2\x82\xAC"; // three bytes each: the cut has to find a boundary
    }
    hub->addBackendMessage({"general", big, "alice"});
    hub->addNostrEvent(chat(*viewer, 10, big));
    const auto entries = hub->snapshot();
    ASSERT_EQ(entries.size(), 2U);
    for (const ChatEntry& entry : entries) {
        EXPECT_TRUE(entry.truncated);
        EXPECT_LE(entry.text.size(), settings.maxDisplayBytes + 3);
        EXPECT_GT(entry.text.size(), settings.maxDisplayBytes - 4);
        EXPECT_FALSE(firstInvalidUtf8(entry.text));
        EXPECT_EQ(entry.text.substr(entry.text.size() - 3), "\xE2\x80\xA6");
    }
}

TEST_F(ChatHubTest, SendsASigned1311WithTheActivityATagAndAChannelMessage)
{
    auto hub = makeHub();
    unixNowMs = 1'700'000'123'456;
    const auto receipt = hub->send("Welcome <everyone>");
    ASSERT_TRUE(receipt.ok()) << receipt.error().describe();
    ASSERT_EQ(nostrLink.published.size(), 1U);
    const nostr::Event& event = nostrLink.published[0];
    EXPECT_TRUE(nostr::verify(event).ok());
    EXPECT_EQ(event.kind, nostr::eventKinds::liveChatMessage);
    EXPECT_EQ(event.pubkey, host->publicKey()->toHex());
    EXPECT_EQ(event.createdAtUnixSeconds, 1'700'000'123);
    EXPECT_EQ(event.content, "Welcome <everyone>");
    ASSERT_FALSE(event.tags.empty());
    EXPECT_EQ(event.tags[0], (nostr::Tag{"a", address, "ws://127.0.0.1:7447", "root"}));
    EXPECT_EQ(receipt->id, event.id);

    ASSERT_EQ(backendLink.sent.size(), 1U);
    EXPECT_EQ(backendLink.sent[0].channel, "general");
    EXPECT_EQ(backendLink.sent[0].content, "Welcome <everyone>");
    EXPECT_EQ(backendLink.sent[0].sender, "host");

    const auto entries = hub->snapshot();
    ASSERT_EQ(entries.size(), 1U);
    EXPECT_EQ(entries[0].source, ChatSource::host);
    EXPECT_EQ(entries[0].timeMs, unixNowMs);
    ASSERT_TRUE(entries[0].nostr);
    EXPECT_EQ(entries[0].nostr->state, DeliveryState::pending);
    ASSERT_TRUE(entries[0].backend);
    EXPECT_EQ(entries[0].backend->state, DeliveryState::sent);
    EXPECT_FALSE(entries[0].backend->echoed);
}

TEST_F(ChatHubTest, DeliveryStateIsPerDestination)
{
    auto hub = makeHub();
    ASSERT_TRUE(hub->send("first").ok());
    backendLink.failWith = core::Error(ChatErrc::notConnected, "the channel is down");
    ASSERT_TRUE(hub->send("second").ok());
    ASSERT_EQ(nostrLink.callbacks.size(), 2U);
    nostrLink.callbacks[0]({{"ws://a", nostr::PublishOutcomeKind::accepted, nostr::ReasonPrefix::none, ""},
                            {"ws://b", nostr::PublishOutcomeKind::duplicate, nostr::ReasonPrefix::duplicate, "have it"},
                            {"ws://c", nostr::PublishOutcomeKind::rejected, nostr::ReasonPrefix::blocked, "no chat"}});
    nostrLink.callbacks[1]({{"ws://a", nostr::PublishOutcomeKind::timedOut, nostr::ReasonPrefix::none, "no OK in 10 s"},
                            {"ws://b", nostr::PublishOutcomeKind::unreachable, nostr::ReasonPrefix::none, "refused"}});
    const auto entries = hub->snapshot();
    ASSERT_EQ(entries.size(), 2U);
    const Delivery& firstNostr = *entries[0].nostr;
    EXPECT_EQ(firstNostr.state, DeliveryState::sent);
    EXPECT_EQ(firstNostr.acceptedBy, 2);
    EXPECT_EQ(firstNostr.relayCount, 3);
    EXPECT_NE(firstNostr.reason.find("ws://c: rejected (no chat)"), std::string::npos) << firstNostr.reason;
    EXPECT_EQ(entries[0].backend->state, DeliveryState::sent);

    const Delivery& secondNostr = *entries[1].nostr;
    EXPECT_EQ(secondNostr.state, DeliveryState::failed);
    EXPECT_EQ(secondNostr.acceptedBy, 0);
    EXPECT_NE(secondNostr.reason.find("ws://a: timedOut (no OK in 10 s)"), std::string::npos) << secondNostr.reason;
    EXPECT_NE(secondNostr.reason.find("ws://b: unreachable"), std::string::npos);
    EXPECT_EQ(entries[1].backend->state, DeliveryState::failed);
    EXPECT_NE(entries[1].backend->reason.find("the channel is down"), std::string::npos);
}

TEST_F(ChatHubTest, APublishAnswerAfterTheHubIsGoneIsIgnored)
{
    int notifications = 0;
    {
        auto hub = makeHub();
        hub->setUpdateNotifier([&] { ++notifications; });
        ASSERT_TRUE(hub->send("bye").ok());
        (void)hub->takeUpdates();
    }
    const int before = notifications;
    ASSERT_EQ(nostrLink.callbacks.size(), 1U);
    // The pool answers up to its timeout after the send; the hub (and the view) may be gone.
    nostrLink.callbacks[0]({{"ws://a", nostr::PublishOutcomeKind::accepted, nostr::ReasonPrefix::none, ""}});
    EXPECT_EQ(notifications, before);
}

TEST_F(ChatHubTest, TheHostsEchoesMarkTheEntryInsteadOfAddingOne)
{
    auto hub = makeHub();
    ASSERT_TRUE(hub->send("same words").ok());
    const nostr::Event own = nostrLink.published.at(0);
    nostrLink.deliver(chatSubscription(), own);                // a relay sends it back
    hub->addBackendMessage({"general", "same words", "host"}); // the backend's room echo
    // A viewer who says the same thing is a message of its own, on either side.
    hub->addBackendMessage({"general", "same words", "alice"});
    hub->addNostrEvent(chat(*viewer, 1'700'000'000, "same words"));
    const auto entries = hub->snapshot();
    ASSERT_EQ(entries.size(), 3U);
    std::size_t hostEntries = 0;
    for (const ChatEntry& entry : entries) {
        if (entry.source == ChatSource::host) {
            ++hostEntries;
            EXPECT_TRUE(entry.nostr->echoed);
            EXPECT_TRUE(entry.backend->echoed);
            EXPECT_EQ(entry.backend->state, DeliveryState::sent);
        }
    }
    EXPECT_EQ(hostEntries, 1U);
    // A second echo of the backend message finds nothing pending: it is a new message then.
    hub->addBackendMessage({"general", "same words", "host"});
    EXPECT_EQ(hub->snapshot().size(), 4U);
}

TEST_F(ChatHubTest, SendingIsRateLimitedByATokenBucket)
{
    auto hub = makeHub(false, true);
    for (int index = 0; index < 5; ++index) {
        ASSERT_TRUE(hub->send("burst " + std::to_string(index)).ok()) << index;
    }
    EXPECT_EQ(hub->retryAfter(), 2000ms);
    const auto refused = hub->send("one too many");
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error(), ChatErrc::rateLimited);
    EXPECT_NE(refused.error().detail().find("the next can go in 2.0 s"), std::string::npos) << refused.error().detail();
    EXPECT_EQ(backendLink.sent.size(), 5U); // the refused one went nowhere
    steadyNow += 1500ms;
    EXPECT_EQ(hub->retryAfter(), 500ms);
    EXPECT_EQ(hub->send("still too soon").error(), ChatErrc::rateLimited);
    steadyNow += 500ms;
    EXPECT_EQ(hub->retryAfter(), 0ms);
    EXPECT_TRUE(hub->send("now").ok());
    EXPECT_EQ(hub->send("and not again").error(), ChatErrc::rateLimited);
    steadyNow += 60s; // the bucket refills to its burst, no further
    for (int index = 0; index < 5; ++index) {
        EXPECT_TRUE(hub->send("again " + std::to_string(index)).ok()) << index;
    }
    EXPECT_EQ(hub->send("sixth").error(), ChatErrc::rateLimited);
}

TEST_F(ChatHubTest, RefusesEmptyAndOversizedMessagesWithoutUsingATurn)
{
    auto hub = makeHub();
    EXPECT_EQ(hub->send("").error(), ChatErrc::invalidArgument);
    const auto tooBig = hub->send(std::string(settings.maxSendBytes + 1, 'x'));
    ASSERT_FALSE(tooBig.ok());
    EXPECT_EQ(tooBig.error(), ChatErrc::messageTooLarge);
    EXPECT_EQ(hub->retryAfter(), 0ms);
    EXPECT_TRUE(nostrLink.published.empty());
    EXPECT_TRUE(backendLink.sent.empty());
}

TEST_F(ChatHubTest, WithoutAHostKeyTheRelaysAreReadOnly)
{
    settings.hostKey.reset();
    auto hub = makeHub(true, false);
    const auto refused = hub->send("hello");
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error(), ChatErrc::notConnected);
    EXPECT_EQ(hub->retryAfter(), 0ms);
    auto both = makeHub(true, true);
    const auto receipt = both->send("hello");
    ASSERT_TRUE(receipt.ok());
    EXPECT_TRUE(nostrLink.published.empty());
    EXPECT_FALSE(both->snapshot().at(0).nostr);
    EXPECT_TRUE(both->snapshot().at(0).backend);
}

TEST_F(ChatHubTest, HistoryIsBoundedAndTheConsumerHearsOfRemovals)
{
    settings.historyCapacity = 3;
    auto hub = makeHub();
    for (int index = 0; index < 3; ++index) {
        unixNowMs = 1000 + index;
        hub->addBackendMessage({"general", "m" + std::to_string(index), "alice"});
    }
    const ChatUpdate first = hub->takeUpdates();
    EXPECT_EQ(texts(first.changed), (std::vector<std::string>{"m0", "m1", "m2"}));
    EXPECT_TRUE(first.removed.empty());
    for (int index = 3; index < 5; ++index) {
        unixNowMs = 1000 + index;
        hub->addBackendMessage({"general", "m" + std::to_string(index), "alice"});
    }
    EXPECT_EQ(texts(hub->snapshot()), (std::vector<std::string>{"m2", "m3", "m4"}));
    EXPECT_EQ(hub->stats().dropped, 2U);
    const ChatUpdate second = hub->takeUpdates();
    EXPECT_EQ(texts(second.changed), (std::vector<std::string>{"m3", "m4"}));
    EXPECT_EQ(second.removed, (std::vector<std::uint64_t>{first.changed[0].sequence, first.changed[1].sequence}));
    // An older message than everything kept is dropped at once.
    hub->addNostrEvent(chat(*viewer, 0, "ancient"));
    EXPECT_EQ(texts(hub->snapshot()), (std::vector<std::string>{"m2", "m3", "m4"}));
    const ChatUpdate third = hub->takeUpdates();
    EXPECT_TRUE(third.changed.empty());
    EXPECT_TRUE(third.removed.empty()); // never shown, so never removed
}

TEST_F(ChatHubTest, UpdatesAreCoalescedBatchedAndAnnouncedOnce)
{
    settings.historyCapacity = 50;
    settings.batchLimit = 20;
    auto hub = makeHub();
    int notifications = 0;
    hub->setUpdateNotifier([&] { ++notifications; });
    for (int index = 0; index < 500; ++index) {
        hub->addBackendMessage({"general", "storm " + std::to_string(index), "alice"});
    }
    EXPECT_EQ(notifications, 1); // one wake-up for the whole storm
    std::vector<ChatEntry> seen;
    int batches = 0;
    for (;;) {
        const ChatUpdate update = hub->takeUpdates();
        ++batches;
        EXPECT_LE(update.changed.size(), 20U);
        EXPECT_TRUE(update.removed.empty());
        seen.insert(seen.end(), update.changed.begin(), update.changed.end());
        if (!update.more) {
            break;
        }
    }
    EXPECT_EQ(batches, 3);
    EXPECT_EQ(notifications, 3); // and one more for each batch that left some behind
    ASSERT_EQ(seen.size(), 50U); // only what the history still holds
    EXPECT_EQ(seen.front().text, "storm 450");
    EXPECT_EQ(seen.back().text, "storm 499");
    hub->addBackendMessage({"general", "after", "alice"});
    EXPECT_EQ(notifications, 4);
}

TEST_F(ChatHubTest, AProfileNamesTheAuthorOnceItArrives)
{
    auto hub = makeHub();
    hub->addNostrEvent(chat(*viewer, 100, "first"));
    auto profiles = nostrLink.openOfKind(nostr::eventKinds::metadata);
    ASSERT_EQ(profiles.size(), 1U);
    const nostr::Filter& filter = nostrLink.subscriptions.at(profiles[0]).filters.at(0);
    EXPECT_EQ(filter.authors, (std::vector<std::string>{viewer->publicKey()->toHex()}));
    hub->addNostrEvent(chat(*viewer, 101, "second")); // a known author: no new request
    EXPECT_EQ(nostrLink.openOfKind(nostr::eventKinds::metadata), profiles);
    (void)hub->takeUpdates();

    nostrLink.deliver(profiles[0], profile(*viewer, 50, R"({"name":"vic","display_name":"Vic <b>the</b> Viewer"})"));
    const ChatUpdate update = hub->takeUpdates();
    ASSERT_EQ(update.changed.size(), 2U);
    for (const ChatEntry& entry : update.changed) {
        EXPECT_EQ(entry.author, "Vic <b>the</b> Viewer");
    }
    // An older version changes nothing; a newer one with only a name wins.
    nostrLink.deliver(profiles[0], profile(*viewer, 40, R"({"name":"old"})"));
    EXPECT_EQ(hub->snapshot().at(0).author, "Vic <b>the</b> Viewer");
    nostrLink.deliver(profiles[0], profile(*viewer, 60, "{\"name\":\"vic\\nnew\"}"));
    EXPECT_EQ(hub->snapshot().at(0).author, "vic new");
    // A profile nobody asked for is ignored; a broken one falls back to the npub.
    nostrLink.deliver(profiles[0], profile(*other, 70, R"({"name":"intruder"})"));
    EXPECT_EQ(hub->stats().profiles, 2U);
    hub->addNostrEvent(chat(*viewer, 102, "third"));
    EXPECT_EQ(hub->snapshot().at(2).author, "vic new"); // new entries get the known name

    // A new author while the first request still waits for EOSE: asked for after it.
    hub->addNostrEvent(chat(*other, 103, "other speaks"));
    EXPECT_EQ(nostrLink.openOfKind(nostr::eventKinds::metadata), profiles);
    nostrLink.endOfStored(profiles[0]);
    const auto next = nostrLink.openOfKind(nostr::eventKinds::metadata);
    ASSERT_EQ(next.size(), 1U); // the old one closed, one with both authors open
    EXPECT_NE(next[0], profiles[0]);
    EXPECT_EQ(nostrLink.subscriptions.at(next[0]).filters.at(0).authors->size(), 2U);
    nostrLink.deliver(next[0], profile(*other, 70, "not json"));
    EXPECT_EQ(hub->snapshot().at(3).author, other->publicKey()->toNpub());
    hub->stop();
    EXPECT_TRUE(nostrLink.openOfKind(nostr::eventKinds::metadata).empty());
    nostrLink.deliver(next[0], profile(*other, 80, R"({"name":"late"})")); // after stop(): ignored
    EXPECT_EQ(hub->snapshot().at(3).author, other->publicKey()->toNpub());
    // Started again: the chat and the known authors' profiles are asked for once more.
    ASSERT_TRUE(hub->start().ok());
    EXPECT_EQ(nostrLink.openOfKind(nostr::eventKinds::liveChatMessage).size(), 1U);
    const auto again = nostrLink.openOfKind(nostr::eventKinds::metadata);
    ASSERT_EQ(again.size(), 1U);
    EXPECT_EQ(nostrLink.subscriptions.at(again[0]).filters.at(0).authors->size(), 2U);
}

TEST_F(ChatHubTest, AStormFromAnotherThreadStaysBoundedForTheConsumer)
{
    settings.historyCapacity = 100;
    settings.batchLimit = 25;
    settings.steadyClock = [] { return std::chrono::steady_clock::now(); };
    settings.unixMillisClock = [] { return std::int64_t{1}; };
    auto hub = makeHub(false, true);
    std::atomic<int> wakeUps{0};
    hub->setUpdateNotifier([&] { ++wakeUps; });
    constexpr int total = 20000;
    std::atomic<bool> finished{false};
    std::thread producer([&] {
        for (int index = 0; index < total; ++index) {
            hub->addBackendMessage({"general", "m" + std::to_string(index), "alice"});
        }
        finished = true;
    });
    std::set<std::uint64_t> shown;
    std::size_t largestBatch = 0;
    for (;;) {
        const bool producerDone = finished.load();
        const ChatUpdate update = hub->takeUpdates();
        largestBatch = std::max(largestBatch, update.changed.size());
        for (const std::uint64_t gone : update.removed) {
            EXPECT_EQ(shown.erase(gone), 1U); // only what was shown is removed, once
        }
        for (const ChatEntry& entry : update.changed) {
            shown.insert(entry.sequence);
        }
        EXPECT_LE(shown.size(), 100U);
        if (producerDone && !update.more) {
            break;
        }
    }
    producer.join();
    EXPECT_LE(largestBatch, 25U);
    const auto entries = hub->snapshot();
    ASSERT_EQ(entries.size(), 100U);
    EXPECT_EQ(entries.back().text, "m19999");
    std::set<std::uint64_t> kept;
    for (const ChatEntry& entry : entries) {
        kept.insert(entry.sequence);
    }
    EXPECT_EQ(shown, kept); // the consumer's view ends equal to the hub's
    EXPECT_EQ(hub->stats().accepted, static_cast<std::uint64_t>(total));
    EXPECT_GE(wakeUps.load(), 1);
}

} // namespace
} // namespace hoststudio::chat
