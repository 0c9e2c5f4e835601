// SPDX-License-Identifier: GPL-2.0-or-later
// The relay pool against real relays on 127.0.0.1: the stack's relay (HOSTSTUDIO_STACK_DIR's
// stack.env names HOSTSTUDIO_RELAY_URL), extra tests/peers/relay.mjs relays (one with NIP-42 on),
// fake-relay.mjs (rejects everything / answers only NOTICE), a port where nothing listens and a
// TCP server that accepts but never answers. Every process a test starts is stopped by pid.

#include "ChildProcess.hpp"
#include "hoststudio/net/HttpClient.hpp"
#include "hoststudio/net/NetworkThread.hpp"
#include "hoststudio/nostr/LiveActivity.hpp"
#include "hoststudio/nostr/RelayInformation.hpp"
#include "hoststudio/nostr/RelayPool.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <random>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace hoststudio::nostr {
namespace {

using namespace std::chrono_literals;

std::string scratchDirectory()
{
    const char* tmp = std::getenv("TMPDIR"); // NOLINT(concurrency-mt-unsafe): read before any thread starts
    std::string pattern = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/hoststudio-pool-XXXXXX";
    std::filesystem::create_directories(std::filesystem::path(pattern).parent_path());
    std::vector<char> buffer(pattern.begin(), pattern.end());
    buffer.push_back('\0');
    if (::mkdtemp(buffer.data()) == nullptr) {
        return {};
    }
    return buffer.data();
}

std::string randomToken()
{
    std::random_device device;
    return std::to_string(device()) + std::to_string(device());
}

std::int64_t nowSeconds()
{
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// A node process whose stdout goes to a log file; ready when a line "listening on ws://…:PORT" shows.
class NodeProcess {
public:
    static std::unique_ptr<NodeProcess> start(const std::vector<std::string>& arguments, std::string& why)
    {
        std::unique_ptr<NodeProcess> process(new NodeProcess());
        process->directory_ = scratchDirectory();
        if (process->directory_.empty()) {
            why = "mkdtemp failed";
            return nullptr;
        }
        std::vector<std::string> argv{HOSTSTUDIO_NODE_EXECUTABLE};
        argv.insert(argv.end(), arguments.begin(), arguments.end());
        process->child_ = hoststudio::testing::ChildProcess::start(argv, process->directory_ + "/out.log", why);
        if (!process->child_) {
            return nullptr;
        }
        const std::optional<std::string> port =
            process->child_->waitForOutput(std::regex("listening on ws://127\\.0\\.0\\.1:([0-9]+)"), 20s);
        if (!port) {
            why = "no 'listening on' line from node";
            return nullptr;
        }
        process->port = static_cast<std::uint16_t>(std::stoi(*port));
        return process;
    }

    ~NodeProcess()
    {
        child_.reset(); // stopped before its files go
        std::error_code ignored;
        std::filesystem::remove_all(directory_, ignored);
    }
    NodeProcess(const NodeProcess&) = delete;
    NodeProcess& operator=(const NodeProcess&) = delete;
    NodeProcess(NodeProcess&&) = delete;
    NodeProcess& operator=(NodeProcess&&) = delete;

    [[nodiscard]] std::string url() const { return "ws://127.0.0.1:" + std::to_string(port); }

    std::uint16_t port = 0;

private:
    NodeProcess() = default;
    std::string directory_;
    std::unique_ptr<hoststudio::testing::ChildProcess> child_;
};

std::unique_ptr<NodeProcess> startRelay(bool auth, std::string& why)
{
    std::vector<std::string> arguments{
        HOSTSTUDIO_RELAY_SCRIPT, "--host", "127.0.0.1", "--port", "0", "--db", ":memory:"};
    if (auth) {
        arguments.emplace_back("--auth");
    }
    return NodeProcess::start(arguments, why);
}

// A listening socket that the kernel completes handshakes on, but nobody ever reads or answers.
class SilentTcpServer {
public:
    SilentTcpServer()
    {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        address.sin_port = 0;
        if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
            ::listen(fd_, 16) != 0) {
            return;
        }
        socklen_t length = sizeof address;
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length);
        port = ntohs(address.sin_port);
    }
    ~SilentTcpServer()
    {
        if (fd_ >= 0) {
            ::close(fd_);
        }
    }
    SilentTcpServer(const SilentTcpServer&) = delete;
    SilentTcpServer& operator=(const SilentTcpServer&) = delete;
    SilentTcpServer(SilentTcpServer&&) = delete;
    SilentTcpServer& operator=(SilentTcpServer&&) = delete;

    std::uint16_t port = 0;

private:
    int fd_ = -1;
};

// A loopback port nobody listens on (bound, then released).
std::uint16_t deadPort()
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    (void)::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
    socklen_t length = sizeof address;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    ::close(fd);
    return ntohs(address.sin_port);
}

std::string stackRelayUrl()
{
    // The stack fixture's, by default. NOLINTNEXTLINE(concurrency-mt-unsafe): nobody sets it
    const char* directory = std::getenv("HOSTSTUDIO_STACK_DIR");
    if (directory == nullptr || *directory == '\0') {
        directory = HOSTSTUDIO_DEFAULT_STACK_DIR;
    }
    std::ifstream env(std::string(directory) + "/stack.env");
    std::string line;
    while (std::getline(env, line)) {
        const std::string key = "HOSTSTUDIO_RELAY_URL=";
        if (line.rfind(key, 0) == 0) {
            return line.substr(key.size());
        }
    }
    return {};
}

class RelayPoolIntegrationTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        relayUrl = stackRelayUrl();
        if (relayUrl.empty()) {
            GTEST_SKIP() << "no stack relay (HOSTSTUDIO_STACK_DIR/stack.env)";
        }
        key = SecretKey::generate().value();
        publicKey = key.publicKey().value();
    }

    LiveActivity activity(const std::string& identifier) const
    {
        LiveActivity live;
        live.identifier = identifier;
        live.title = "Pool test " + identifier;
        live.summary = "relay pool integration test";
        live.relays = {relayUrl};
        live.setHost(publicKey.toHex(), relayUrl);
        return live;
    }

    Event signedVersion(const LiveActivity& live, std::int64_t createdAt) const
    {
        const auto eventTemplate = live.toEventTemplate(createdAt);
        EXPECT_TRUE(eventTemplate.ok()) << (eventTemplate ? "" : eventTemplate.error().describe());
        return sign(eventTemplate.value(), key).value();
    }

    std::string relayUrl;
    net::NetworkThread network;
    SecretKey key = SecretKey::generate().value();
    PublicKey publicKey = SecretKey::generate().value().publicKey().value();
};

TEST_F(RelayPoolIntegrationTest, ConnectsAndReportsTheState)
{
    auto pool = RelayPool::create(network, {relayUrl}).value();
    ASSERT_TRUE(pool->waitUntilSettled(10s));
    const auto statuses = pool->relayStatuses();
    ASSERT_EQ(statuses.size(), 1U);
    EXPECT_EQ(statuses[0].state, RelayConnectionState::connected);
    EXPECT_FALSE(statuses[0].lastError.isError());
}

TEST_F(RelayPoolIntegrationTest, FetchesNip11Limits)
{
    auto http = net::HttpClient::create(network, net::HttpClientSettings::defaults()).value();
    const auto information = fetchRelayInformation(*http, relayUrl, 10s);
    ASSERT_TRUE(information.ok()) << information.error().describe();
    EXPECT_TRUE(information->supportsNip(1));
    ASSERT_TRUE(information->limitation.maxMessageLength.has_value());
    EXPECT_GT(*information->limitation.maxMessageLength, 0U);
}

TEST_F(RelayPoolIntegrationTest, ANewerLiveActivityReplacesTheOlderAndEndedReplacesLive)
{
    auto pool = RelayPool::create(network, {relayUrl}).value();
    LiveActivity live = activity("pool-" + randomToken());
    const std::int64_t now = nowSeconds();
    ASSERT_TRUE(live.goLive(now - 20, "http://127.0.0.1/hls/test.m3u8").ok());

    const Event first = signedVersion(live, now - 20);
    auto outcomes = pool->publishAndWait(first, 10s);
    ASSERT_EQ(outcomes.size(), 1U);
    EXPECT_EQ(outcomes[0].kind, PublishOutcomeKind::accepted) << outcomes[0].reason;

    live.title += " (renamed)";
    const Event second = signedVersion(live, now - 10);
    outcomes = pool->publishAndWait(second, 10s);
    EXPECT_EQ(outcomes[0].kind, PublishOutcomeKind::accepted) << outcomes[0].reason;

    // The same event again: OK true with "duplicate:".
    outcomes = pool->publishAndWait(second, 10s);
    EXPECT_TRUE(outcomes[0].succeeded()) << outcomes[0].reason;

    auto found = pool->query({live.lookupFilter(publicKey)}, 10s);
    ASSERT_TRUE(found.ok());
    ASSERT_EQ(found->size(), 1U);
    EXPECT_EQ(found->front().id, second.id);

    ASSERT_TRUE(live.end(now - 5, std::nullopt).ok());
    const Event ended = signedVersion(live, now - 5);
    outcomes = pool->publishAndWait(ended, 10s);
    EXPECT_EQ(outcomes[0].kind, PublishOutcomeKind::accepted) << outcomes[0].reason;

    found = pool->query({live.lookupFilter(publicKey)}, 10s);
    ASSERT_TRUE(found.ok());
    ASSERT_EQ(found->size(), 1U);
    EXPECT_EQ(found->front().id, ended.id);
    const auto parsed = LiveActivity::fromEvent(found->front());
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(parsed->status, LiveStatus::ended);
}

TEST_F(RelayPoolIntegrationTest, ReceivesChatFromANostrToolsClientByATag)
{
    std::string why;
    auto second = startRelay(false, why);
    ASSERT_TRUE(second) << why;
    // Two relays holding the same subscription: the message arrives once.
    auto pool = RelayPool::create(network, {relayUrl, second->url()}).value();
    const LiveActivity live = activity("chat-" + randomToken());
    const std::string aTag = live.aTag(publicKey);

    std::mutex mutex;
    std::condition_variable arrived;
    std::vector<Event> events;
    std::atomic<bool> allEose{false};
    SubscriptionHandlers handlers;
    handlers.onEvent = [&](const Event& event, const std::string&) {
        {
            const std::lock_guard lock(mutex);
            events.push_back(event);
        }
        arrived.notify_all();
    };
    handlers.onAllEose = [&](bool timedOut) {
        EXPECT_FALSE(timedOut);
        allEose = true;
        arrived.notify_all();
    };
    Filter filter;
    filter.kinds = std::vector<EventKind>{eventKinds::liveChatMessage};
    filter.tagValues['a'] = {aTag};
    auto subscription = pool->subscribe({filter}, handlers, 10s);
    ASSERT_TRUE(subscription.ok());
    {
        std::unique_lock lock(mutex);
        ASSERT_TRUE(arrived.wait_for(lock, 10s, [&] { return allEose.load(); }));
    }

    for (const std::string& target : {relayUrl, second->url()}) {
        std::string command = std::string(HOSTSTUDIO_NODE_EXECUTABLE) + " '" + HOSTSTUDIO_SEND_CHAT_SCRIPT + "' '";
        command += target;
        command += "' '";
        command += aTag;
        command += "' 'hello from nostr-tools' > /dev/null";
        ASSERT_EQ(std::system(command.c_str()), 0) << command; // NOLINT(concurrency-mt-unsafe,cert-env33-c)
    }
    {
        std::unique_lock lock(mutex);
        ASSERT_TRUE(arrived.wait_for(lock, 10s, [&] { return events.size() >= 2; }));
    }
    std::this_thread::sleep_for(300ms);
    pool->close(subscription.value());
    const std::lock_guard lock(mutex);
    ASSERT_EQ(events.size(), 2U); // two distinct messages (fresh keys), each delivered once
    for (const Event& event : events) {
        EXPECT_EQ(event.kind, eventKinds::liveChatMessage);
        EXPECT_EQ(event.content, "hello from nostr-tools");
        EXPECT_EQ(event.firstTagValue("a"), aTag);
    }
}

TEST_F(RelayPoolIntegrationTest, DeduplicatesTheSameEventFromTwoRelays)
{
    std::string why;
    auto second = startRelay(false, why);
    ASSERT_TRUE(second) << why;
    auto pool = RelayPool::create(network, {relayUrl, second->url()}).value();
    const Event note =
        sign(EventTemplate{nowSeconds(), eventKinds::textNote, {{"t", "pool-" + randomToken()}}, "twice"}, key).value();
    const auto outcomes = pool->publishAndWait(note, 10s);
    ASSERT_EQ(outcomes.size(), 2U);
    EXPECT_TRUE(outcomes[0].succeeded()) << outcomes[0].reason;
    EXPECT_TRUE(outcomes[1].succeeded()) << outcomes[1].reason;
    Filter filter;
    filter.ids = std::vector<std::string>{note.id};
    auto found = pool->query({filter}, 10s);
    ASSERT_TRUE(found.ok());
    ASSERT_EQ(found->size(), 1U);
    EXPECT_EQ(found->front(), note);
}

TEST_F(RelayPoolIntegrationTest, AuthenticatesWithNip42AndResends)
{
    std::string why;
    auto authRelay = startRelay(true, why);
    ASSERT_TRUE(authRelay) << why;
    RelayPoolSettings settings;
    settings.authKey = key;
    auto pool = RelayPool::create(network, {authRelay->url()}, settings).value();
    const Event note = sign(EventTemplate{nowSeconds(), eventKinds::textNote, {}, "behind auth"}, key).value();
    const auto outcomes = pool->publishAndWait(note, 10s);
    ASSERT_EQ(outcomes.size(), 1U);
    EXPECT_EQ(outcomes[0].kind, PublishOutcomeKind::accepted)
        << toString(outcomes[0].kind) << " " << outcomes[0].reason;
    EXPECT_TRUE(pool->relayStatuses()[0].authenticated);

    Filter filter;
    filter.ids = std::vector<std::string>{note.id};
    auto found = pool->query({filter}, 10s);
    ASSERT_TRUE(found.ok());
    ASSERT_EQ(found->size(), 1U);
}

TEST_F(RelayPoolIntegrationTest, AuthenticatesASubscriptionThatWasClosedForAuth)
{
    std::string why;
    auto authRelay = startRelay(true, why);
    ASSERT_TRUE(authRelay) << why;
    RelayPoolSettings settings;
    settings.authKey = key;
    const Event note = sign(EventTemplate{nowSeconds(), eventKinds::textNote, {}, "read behind auth"}, key).value();
    {
        auto writer = RelayPool::create(network, {authRelay->url()}, settings).value();
        ASSERT_EQ(writer->publishAndWait(note, 10s)[0].kind, PublishOutcomeKind::accepted);
    }
    // A fresh pool sends its REQ as soon as the socket opens, before AUTH: CLOSED auth-required,
    // then AUTH, then the REQ again.
    auto reader = RelayPool::create(network, {authRelay->url()}, settings).value();
    Filter filter;
    filter.ids = std::vector<std::string>{note.id};
    auto found = reader->query({filter}, 10s);
    ASSERT_TRUE(found.ok());
    ASSERT_EQ(found->size(), 1U);
    EXPECT_EQ(found->front(), note);
}

TEST_F(RelayPoolIntegrationTest, DropsEventsWhoseIdOrSignatureDoNotVerify)
{
    std::string why;
    auto forger = NodeProcess::start({HOSTSTUDIO_FAKE_RELAY_SCRIPT, "--mode", "forge"}, why);
    ASSERT_TRUE(forger) << why;
    auto pool = RelayPool::create(network, {forger->url()}).value();
    Filter filter;
    filter.kinds = std::vector<EventKind>{eventKinds::textNote};
    auto found = pool->query({filter}, 10s);
    ASSERT_TRUE(found.ok());
    ASSERT_EQ(found->size(), 1U);
    EXPECT_EQ(found->front().content, "valid");
}

TEST_F(RelayPoolIntegrationTest, WithoutAKeyAnAuthRelayRejects)
{
    std::string why;
    auto authRelay = startRelay(true, why);
    ASSERT_TRUE(authRelay) << why;
    auto pool = RelayPool::create(network, {authRelay->url()}).value();
    const Event note = sign(EventTemplate{nowSeconds(), eventKinds::textNote, {}, "no key"}, key).value();
    const auto outcomes = pool->publishAndWait(note, 10s);
    ASSERT_EQ(outcomes.size(), 1U);
    EXPECT_EQ(outcomes[0].kind, PublishOutcomeKind::rejected);
    EXPECT_EQ(outcomes[0].prefix, ReasonPrefix::authRequired);
}

TEST_F(RelayPoolIntegrationTest, BadRelaysDoNotStallTheOthers)
{
    std::string why;
    auto rejecting = NodeProcess::start({HOSTSTUDIO_FAKE_RELAY_SCRIPT, "--mode", "reject"}, why);
    ASSERT_TRUE(rejecting) << why;
    auto noticeOnly = NodeProcess::start({HOSTSTUDIO_FAKE_RELAY_SCRIPT, "--mode", "notice"}, why);
    ASSERT_TRUE(noticeOnly) << why;
    SilentTcpServer silent;
    ASSERT_NE(silent.port, 0);
    const std::string nowhere = "ws://127.0.0.1:" + std::to_string(deadPort());
    const std::string silentUrl = "ws://127.0.0.1:" + std::to_string(silent.port);

    auto pool = RelayPool::create(network, {relayUrl, nowhere, silentUrl, rejecting->url(), noticeOnly->url()}).value();
    const Event note = sign(EventTemplate{nowSeconds(), eventKinds::textNote, {}, "mixed pool"}, key).value();
    const auto timeout = 3s;
    const auto started = std::chrono::steady_clock::now();
    const auto outcomes = pool->publishAndWait(note, timeout);
    const auto took = std::chrono::steady_clock::now() - started;
    ASSERT_EQ(outcomes.size(), 5U);
    EXPECT_EQ(outcomes[0].kind, PublishOutcomeKind::accepted) << outcomes[0].reason;
    EXPECT_EQ(outcomes[1].kind, PublishOutcomeKind::unreachable) << outcomes[1].reason;
    EXPECT_EQ(outcomes[2].kind, PublishOutcomeKind::timedOut) << outcomes[2].reason;
    EXPECT_EQ(outcomes[3].kind, PublishOutcomeKind::rejected) << outcomes[3].reason;
    EXPECT_EQ(outcomes[3].prefix, ReasonPrefix::blocked);
    EXPECT_EQ(outcomes[3].reason, "this relay refuses everything");
    EXPECT_EQ(outcomes[4].kind, PublishOutcomeKind::timedOut) << outcomes[4].reason;
    EXPECT_GE(took, timeout - 100ms);
    EXPECT_LT(took, timeout + 1500ms);
    for (std::size_t index = 0; index < outcomes.size(); ++index) {
        std::printf("  %-28s %-12s %s\n", outcomes[index].relayUrl.c_str(),
                    std::string(toString(outcomes[index].kind)).c_str(), outcomes[index].reason.c_str());
    }

    const auto statuses = pool->relayStatuses();
    EXPECT_EQ(statuses[0].state, RelayConnectionState::connected);
    EXPECT_EQ(statuses[1].state, RelayConnectionState::failed);
    EXPECT_TRUE(statuses[1].lastError.isError());
    EXPECT_EQ(statuses[2].state, RelayConnectionState::connecting);

    // Without the silent and notice-only relays, the answer comes as soon as all answered.
    auto quick = RelayPool::create(network, {relayUrl, nowhere, rejecting->url()}).value();
    const Event other = sign(EventTemplate{nowSeconds(), eventKinds::textNote, {}, "quick"}, key).value();
    const auto quickStart = std::chrono::steady_clock::now();
    const auto quickOutcomes = quick->publishAndWait(other, 10s);
    EXPECT_LT(std::chrono::steady_clock::now() - quickStart, 3s);
    EXPECT_EQ(quickOutcomes[0].kind, PublishOutcomeKind::accepted);
    EXPECT_EQ(quickOutcomes[1].kind, PublishOutcomeKind::unreachable);
    EXPECT_EQ(quickOutcomes[2].kind, PublishOutcomeKind::rejected);
}

TEST_F(RelayPoolIntegrationTest, ReconnectsAfterADropAndResubscribes)
{
    std::string why;
    auto first = startRelay(false, why);
    ASSERT_TRUE(first) << why;
    const std::uint16_t port = first->port;
    RelayPoolSettings settings;
    settings.reconnect.initialDelay = 300ms;
    auto pool = RelayPool::create(network, {first->url()}, settings).value();
    ASSERT_TRUE(pool->waitUntilSettled(10s));

    std::mutex mutex;
    std::condition_variable arrived;
    std::vector<Event> events;
    SubscriptionHandlers handlers;
    handlers.onEvent = [&](const Event& event, const std::string&) {
        {
            const std::lock_guard lock(mutex);
            events.push_back(event);
        }
        arrived.notify_all();
    };
    Filter filter;
    filter.authors = std::vector<std::string>{publicKey.toHex()};
    auto subscription = pool->subscribe({filter}, handlers, 5s);
    ASSERT_TRUE(subscription.ok());

    first.reset(); // the relay goes away mid-session
    for (int attempt = 0; attempt < 100 && pool->relayStatuses()[0].state == RelayConnectionState::connected;
         ++attempt) {
        std::this_thread::sleep_for(50ms);
    }
    EXPECT_NE(pool->relayStatuses()[0].state, RelayConnectionState::connected);

    // The same port again, a fresh relay; the pool reconnects on its schedule and resubscribes.
    std::unique_ptr<NodeProcess> again;
    for (int attempt = 0; attempt < 20 && !again; ++attempt) {
        again = NodeProcess::start(
            {HOSTSTUDIO_RELAY_SCRIPT, "--host", "127.0.0.1", "--port", std::to_string(port), "--db", ":memory:"}, why);
        if (!again) {
            std::this_thread::sleep_for(200ms);
        }
    }
    ASSERT_TRUE(again) << why;
    for (int attempt = 0; attempt < 200 && pool->relayStatuses()[0].state != RelayConnectionState::connected;
         ++attempt) {
        std::this_thread::sleep_for(50ms);
    }
    ASSERT_EQ(pool->relayStatuses()[0].state, RelayConnectionState::connected);
    EXPECT_GE(pool->relayStatuses()[0].reconnects, 1);

    const Event note = sign(EventTemplate{nowSeconds(), eventKinds::textNote, {}, "after reconnect"}, key).value();
    const auto outcomes = pool->publishAndWait(note, 10s);
    EXPECT_EQ(outcomes[0].kind, PublishOutcomeKind::accepted) << outcomes[0].reason;
    std::unique_lock lock(mutex);
    ASSERT_TRUE(arrived.wait_for(lock, 10s, [&] { return !events.empty(); }));
    EXPECT_EQ(events.front().id, note.id);
}

TEST_F(RelayPoolIntegrationTest, AnOversizedFrameClosesTheConnection)
{
    RelayPoolSettings settings;
    settings.webSocket.maxIncomingMessageBytes = 2048;
    settings.reconnect.enabled = false;
    auto writer = RelayPool::create(network, {relayUrl}).value();
    const std::string tag = "big-" + randomToken();
    const Event big =
        sign(EventTemplate{nowSeconds(), eventKinds::textNote, {{"t", tag}}, std::string(8000, 'x')}, key).value();
    ASSERT_EQ(writer->publishAndWait(big, 10s)[0].kind, PublishOutcomeKind::accepted);

    auto reader = RelayPool::create(network, {relayUrl}, settings).value();
    Filter filter;
    filter.tagValues['t'] = {tag};
    auto found = reader->query({filter}, 5s);
    ASSERT_TRUE(found.ok());
    EXPECT_TRUE(found->empty());
    const auto status = reader->relayStatuses()[0];
    EXPECT_EQ(status.state, RelayConnectionState::disconnected);
    EXPECT_TRUE(status.lastError.isError());
    EXPECT_NE(status.lastError.describe().find("large"), std::string::npos) << status.lastError.describe();
}

} // namespace
} // namespace hoststudio::nostr
