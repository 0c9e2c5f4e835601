// SPDX-License-Identifier: GPL-2.0-or-later
// The relay pool against real relays on 127.0.0.1: the stack's relay (HOSTSTUDIO_STACK_DIR's
// stack.env names HOSTSTUDIO_RELAY_URL), extra tests/peers/relay.mjs relays (one with NIP-42 on),
// fake-relay.mjs (accepts or rejects everything / answers only NOTICE, no NIP-11), relays that
// advertise small NIP-11 limits, relays behind TLS (wss://) with certificates made by
// make-test-certs.sh, a port where nothing listens and a TCP server that accepts but never
// answers. Every process a test starts is stopped by pid.

#include "ChildProcess.hpp"
#include "LoopbackPort.hpp"
#include "Scratch.hpp"
#include "hoststudio/net/HttpClient.hpp"
#include "hoststudio/net/NetError.hpp"
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

#include <algorithm>
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

// A node process whose stdout goes to a log file; ready when a line "listening on ws[s]://…:PORT" shows.
class NodeProcess {
public:
    static std::unique_ptr<NodeProcess> start(const std::vector<std::string>& arguments, std::string& why)
    {
        std::unique_ptr<NodeProcess> process(new NodeProcess());
        process->directory_ = hoststudio::testing::scratchDirectory("pool");
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
            process->child_->waitForOutput(std::regex("listening on wss?://127\\.0\\.0\\.1:([0-9]+)"), 20s);
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

    [[nodiscard]] std::string url() const { return scheme + "://127.0.0.1:" + std::to_string(port); }

    std::uint16_t port = 0;
    std::string scheme = "ws";

private:
    NodeProcess() = default;
    std::string directory_;
    std::unique_ptr<hoststudio::testing::ChildProcess> child_;
};

std::unique_ptr<NodeProcess> startRelay(bool auth, std::string& why, const std::vector<std::string>& options = {})
{
    std::vector<std::string> arguments{
        HOSTSTUDIO_RELAY_SCRIPT, "--host", "127.0.0.1", "--port", "0", "--db", ":memory:"};
    if (auth) {
        arguments.emplace_back("--auth");
    }
    arguments.insert(arguments.end(), options.begin(), options.end());
    return NodeProcess::start(arguments, why);
}

// ca.pem, server.pem (127.0.0.1, localhost), other.pem (other.invalid) and their keys, made fresh by
// make-test-certs.sh into a scratch directory that goes with the object.
class TestCertificates {
public:
    static std::unique_ptr<TestCertificates> make(std::string& why)
    {
        std::unique_ptr<TestCertificates> certificates(new TestCertificates());
        certificates->directory = hoststudio::testing::scratchDirectory("pool");
        if (certificates->directory.empty()) {
            why = "mkdtemp failed";
            return nullptr;
        }
        const std::string command = std::string("'") + HOSTSTUDIO_BASH_EXECUTABLE + "' '" + HOSTSTUDIO_CERT_SCRIPT +
                                    "' '" + certificates->directory + "'";
        if (std::system(command.c_str()) != 0) { // NOLINT(concurrency-mt-unsafe,cert-env33-c)
            why = "make-test-certs.sh failed: " + command;
            return nullptr;
        }
        return certificates;
    }
    ~TestCertificates()
    {
        std::error_code ignored;
        std::filesystem::remove_all(directory, ignored);
    }
    TestCertificates(const TestCertificates&) = delete;
    TestCertificates& operator=(const TestCertificates&) = delete;
    TestCertificates(TestCertificates&&) = delete;
    TestCertificates& operator=(TestCertificates&&) = delete;

    [[nodiscard]] std::string file(const std::string& name) const { return directory + "/" + name; }

    std::string directory;

private:
    TestCertificates() = default;
};

// relay.mjs behind TLS with the certificate `name` (server or other) of `certificates`.
std::unique_ptr<NodeProcess> startTlsRelay(const TestCertificates& certificates, const std::string& name,
                                           std::string& why)
{
    auto relay =
        startRelay(false, why,
                   {"--tls-cert", certificates.file(name + ".pem"), "--tls-key", certificates.file(name + "-key.pem")});
    if (relay) {
        relay->scheme = "wss";
    }
    return relay;
}

// Waits until `done` holds (checked every 20 ms) or the timeout passed; returns `done`'s last value.
template <typename Predicate> bool eventually(Predicate done, std::chrono::milliseconds timeout = 10s)
{
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done()) {
        if (std::chrono::steady_clock::now() >= deadline) {
            return done();
        }
        std::this_thread::sleep_for(20ms);
    }
    return true;
}

// Collects what one subscription delivers.
struct Collected {
    std::mutex mutex;
    std::vector<Event> events;
    std::vector<std::string> closedReasons;
    std::atomic<bool> allEose{false};
    std::atomic<bool> allEoseTimedOut{false};

    SubscriptionHandlers handlers()
    {
        SubscriptionHandlers result;
        result.onEvent = [this](const Event& event, const std::string&) {
            const std::lock_guard lock(mutex);
            events.push_back(event);
        };
        result.onClosed = [this](const std::string&, const Reason& reason) {
            const std::lock_guard lock(mutex);
            closedReasons.push_back(reason.text);
        };
        result.onAllEose = [this](bool timedOut) {
            allEoseTimedOut = timedOut;
            allEose = true;
        };
        return result;
    }
    bool has(const std::string& id)
    {
        const std::lock_guard lock(mutex);
        return std::any_of(events.begin(), events.end(), [&](const Event& event) { return event.id == id; });
    }
};

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
    RelayPoolSettings settings;
    settings.fetchRelayInformation = false; // the relay's own answer, not the NIP-11 hint
    auto pool = RelayPool::create(network, {authRelay->url()}, settings).value();
    const Event note = sign(EventTemplate{nowSeconds(), eventKinds::textNote, {}, "no key"}, key).value();
    const auto outcomes = pool->publishAndWait(note, 10s);
    ASSERT_EQ(outcomes.size(), 1U);
    EXPECT_EQ(outcomes[0].kind, PublishOutcomeKind::rejected);
    EXPECT_EQ(outcomes[0].prefix, ReasonPrefix::authRequired);
}

TEST_F(RelayPoolIntegrationTest, WithoutAKeyTheNip11AuthRequiredHintSendsNothing)
{
    std::string why;
    auto authRelay = startRelay(true, why);
    ASSERT_TRUE(authRelay) << why;
    auto pool = RelayPool::create(network, {authRelay->url()}).value();
    const Event note = sign(EventTemplate{nowSeconds(), eventKinds::textNote, {}, "no key"}, key).value();
    const auto outcomes = pool->publishAndWait(note, 10s);
    ASSERT_EQ(outcomes.size(), 1U);
    EXPECT_EQ(outcomes[0].kind, PublishOutcomeKind::notSent) << outcomes[0].reason;
    EXPECT_NE(outcomes[0].reason.find("auth_required"), std::string::npos) << outcomes[0].reason;
    const RelayStatus status = pool->relayStatuses()[0];
    ASSERT_TRUE(status.information.has_value());
    EXPECT_TRUE(status.information->limitation.authRequired);
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
    const std::string nowhere = "ws://127.0.0.1:" + std::to_string(hoststudio::testing::unusedLoopbackPort());
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

// ---- NIP-11 limits ----

TEST_F(RelayPoolIntegrationTest, AnEventAboveMaxMessageLengthIsNotSentAndTheConnectionStays)
{
    std::string why;
    auto small = startRelay(false, why, {"--max-message-length", "4096"});
    ASSERT_TRUE(small) << why;
    auto pool = RelayPool::create(network, {small->url()}).value();
    const Event big = sign(EventTemplate{nowSeconds(), eventKinds::textNote, {}, std::string(8000, 'x')}, key).value();
    auto outcomes = pool->publishAndWait(big, 10s);
    ASSERT_EQ(outcomes.size(), 1U);
    EXPECT_EQ(outcomes[0].kind, PublishOutcomeKind::notSent) << toString(outcomes[0].kind) << " " << outcomes[0].reason;
    EXPECT_NE(outcomes[0].reason.find("max_message_length is 4096"), std::string::npos) << outcomes[0].reason;

    const RelayStatus status = pool->relayStatuses()[0];
    ASSERT_TRUE(status.information.has_value()) << status.informationError.describe();
    EXPECT_EQ(status.information->limitation.maxMessageLength, 4096U);

    // The connection was not dropped: a small event goes through on it.
    const Event note = sign(EventTemplate{nowSeconds(), eventKinds::textNote, {}, "small"}, key).value();
    outcomes = pool->publishAndWait(note, 10s);
    EXPECT_EQ(outcomes[0].kind, PublishOutcomeKind::accepted) << outcomes[0].reason;
    EXPECT_EQ(pool->relayStatuses()[0].state, RelayConnectionState::connected);
    EXPECT_EQ(pool->relayStatuses()[0].reconnects, 0);
}

TEST_F(RelayPoolIntegrationTest, SubscriptionsBeyondMaxSubscriptionsWaitForAFreeSlot)
{
    // The relay keeps 2 subscriptions per connection and silently drops the oldest for a third.
    std::string why;
    auto relay = startRelay(false, why, {"--max-subscriptions", "2"});
    ASSERT_TRUE(relay) << why;
    auto pool = RelayPool::create(network, {relay->url()}).value();
    ASSERT_TRUE(pool->waitUntilSettled(10s));
    const std::string token = randomToken();
    auto filterFor = [&](const std::string& tag) {
        Filter filter;
        filter.authors = std::vector<std::string>{publicKey.toHex()};
        filter.tagValues['t'] = {tag + token};
        return filter;
    };
    Collected first;
    Collected second;
    Collected third;
    const auto firstId = pool->subscribe({filterFor("first")}, first.handlers(), 10s);
    const auto secondId = pool->subscribe({filterFor("second")}, second.handlers(), 10s);
    ASSERT_TRUE(firstId.ok() && secondId.ok());
    ASSERT_TRUE(eventually([&] { return first.allEose && second.allEose; }));
    const auto thirdId = pool->subscribe({filterFor("third")}, third.handlers(), 20s);
    ASSERT_TRUE(thirdId.ok());
    ASSERT_TRUE(eventually([&] { return pool->relayStatuses()[0].waitingSubscriptions == 1U; }));
    EXPECT_EQ(pool->relayStatuses()[0].openSubscriptions, 2U);
    EXPECT_FALSE(third.allEose);

    // The first subscription is still alive on the relay (it was not pushed out by the third).
    const Event forFirst =
        sign(EventTemplate{nowSeconds(), eventKinds::textNote, {{"t", "first" + token}}, "one"}, key).value();
    ASSERT_EQ(pool->publishAndWait(forFirst, 10s)[0].kind, PublishOutcomeKind::accepted);
    EXPECT_TRUE(eventually([&] { return first.has(forFirst.id); }));

    // Closing the second frees a slot: the third's REQ goes out and it works.
    pool->close(secondId.value());
    ASSERT_TRUE(eventually([&] { return third.allEose.load(); }));
    EXPECT_FALSE(third.allEoseTimedOut);
    EXPECT_EQ(pool->relayStatuses()[0].waitingSubscriptions, 0U);
    const Event forThird =
        sign(EventTemplate{nowSeconds(), eventKinds::textNote, {{"t", "third" + token}}, "three"}, key).value();
    ASSERT_EQ(pool->publishAndWait(forThird, 10s)[0].kind, PublishOutcomeKind::accepted);
    EXPECT_TRUE(eventually([&] { return third.has(forThird.id); }));
    const Event forFirstAgain =
        sign(EventTemplate{nowSeconds(), eventKinds::textNote, {{"t", "first" + token}}, "again"}, key).value();
    ASSERT_EQ(pool->publishAndWait(forFirstAgain, 10s)[0].kind, PublishOutcomeKind::accepted);
    EXPECT_TRUE(eventually([&] { return first.has(forFirstAgain.id); }));
    pool->close(firstId.value());
    pool->close(thirdId.value());
}

TEST_F(RelayPoolIntegrationTest, LimitsAreLoweredToMaxLimitAndTooManyFiltersAreNotSent)
{
    std::string why;
    auto relay = startRelay(false, why, {"--max-filters", "2", "--max-limit", "2"});
    ASSERT_TRUE(relay) << why;
    auto pool = RelayPool::create(network, {relay->url()}).value();
    const std::string tag = "limit-" + randomToken();
    for (int index = 0; index < 3; ++index) {
        const Event note = sign(EventTemplate{nowSeconds() - index,
                                              eventKinds::textNote,
                                              {{"t", tag}},
                                              "note " + std::to_string(index)},
                                key)
                               .value();
        ASSERT_EQ(pool->publishAndWait(note, 10s)[0].kind, PublishOutcomeKind::accepted);
    }
    // The relay refuses a filter asking for more than 2 (CLOSED "invalid:"); the pool asks for 2.
    Filter filter;
    filter.tagValues['t'] = {tag};
    filter.limit = 10;
    auto found = pool->query({filter}, 10s);
    ASSERT_TRUE(found.ok());
    EXPECT_EQ(found->size(), 2U);

    Collected tooMany;
    Filter other = filter;
    other.kinds = std::vector<EventKind>{eventKinds::textNote};
    Filter third = filter;
    third.authors = std::vector<std::string>{publicKey.toHex()};
    ASSERT_TRUE(pool->subscribe({filter, other, third}, tooMany.handlers(), 10s).ok());
    ASSERT_TRUE(eventually([&] { return tooMany.allEose.load(); }));
    EXPECT_FALSE(tooMany.allEoseTimedOut);
    const std::lock_guard lock(tooMany.mutex);
    ASSERT_EQ(tooMany.closedReasons.size(), 1U);
    EXPECT_NE(tooMany.closedReasons[0].find("not sent: the REQ has 3 filters"), std::string::npos)
        << tooMany.closedReasons[0];
    EXPECT_NE(tooMany.closedReasons[0].find("max_filters is 2"), std::string::npos) << tooMany.closedReasons[0];
}

TEST_F(RelayPoolIntegrationTest, ARelayWithoutNip11IsUsedAtOnce)
{
    std::string why;
    auto noDocument = NodeProcess::start({HOSTSTUDIO_FAKE_RELAY_SCRIPT, "--mode", "accept", "--nip11", "none"}, why);
    ASSERT_TRUE(noDocument) << why;
    RelayPoolSettings settings;
    settings.relayInformationWait = 8s; // were the pool to wait for a document, this would show
    auto pool = RelayPool::create(network, {noDocument->url()}, settings).value();
    const Event note = sign(EventTemplate{nowSeconds(), eventKinds::textNote, {}, "no NIP-11"}, key).value();
    const auto started = std::chrono::steady_clock::now();
    const auto outcomes = pool->publishAndWait(note, 10s);
    EXPECT_LT(std::chrono::steady_clock::now() - started, 4s);
    EXPECT_EQ(outcomes[0].kind, PublishOutcomeKind::accepted) << outcomes[0].reason;
    const RelayStatus status = pool->relayStatuses()[0];
    EXPECT_FALSE(status.information.has_value());
    EXPECT_NE(status.informationError.describe().find("HTTP 404"), std::string::npos)
        << status.informationError.describe();
}

TEST_F(RelayPoolIntegrationTest, ASilentNip11FetchDelaysSendingAtMostTheWait)
{
    std::string why;
    auto silent = NodeProcess::start({HOSTSTUDIO_FAKE_RELAY_SCRIPT, "--mode", "accept", "--nip11", "hang"}, why);
    ASSERT_TRUE(silent) << why;
    RelayPoolSettings settings;
    settings.relayInformationWait = 1s;
    settings.relayInformationTimeout = 30s;
    auto pool = RelayPool::create(network, {silent->url()}, settings).value();
    const Event note = sign(EventTemplate{nowSeconds(), eventKinds::textNote, {}, "NIP-11 hangs"}, key).value();
    const auto started = std::chrono::steady_clock::now();
    const auto outcomes = pool->publishAndWait(note, 10s);
    EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
    EXPECT_EQ(outcomes[0].kind, PublishOutcomeKind::accepted) << outcomes[0].reason;
    EXPECT_FALSE(pool->relayStatuses()[0].information.has_value());
}

// ---- wss:// ----

TEST_F(RelayPoolIntegrationTest, PublishesAndSubscribesOverWssWithThePrivateCa)
{
    std::string why;
    auto certificates = TestCertificates::make(why);
    ASSERT_TRUE(certificates) << why;
    auto relay = startTlsRelay(*certificates, "server", why);
    ASSERT_TRUE(relay) << why;
    ASSERT_EQ(relay->url().rfind("wss://127.0.0.1:", 0), 0U) << relay->url();
    RelayPoolSettings settings;
    settings.webSocket.tls.extraCaFile = certificates->file("ca.pem");
    auto pool = RelayPool::create(network, {relay->url()}, settings).value();

    Collected live;
    Filter filter;
    filter.authors = std::vector<std::string>{publicKey.toHex()};
    const auto subscription = pool->subscribe({filter}, live.handlers(), 10s);
    ASSERT_TRUE(subscription.ok());
    ASSERT_TRUE(eventually([&] { return live.allEose.load(); }));
    EXPECT_FALSE(live.allEoseTimedOut);

    const Event note = sign(EventTemplate{nowSeconds(), eventKinds::textNote, {}, "over TLS"}, key).value();
    const auto outcomes = pool->publishAndWait(note, 10s);
    ASSERT_EQ(outcomes.size(), 1U);
    EXPECT_EQ(outcomes[0].kind, PublishOutcomeKind::accepted)
        << toString(outcomes[0].kind) << " " << outcomes[0].reason;
    EXPECT_TRUE(eventually([&] { return live.has(note.id); }));
    pool->close(subscription.value());

    auto found = pool->query({filter}, 10s);
    ASSERT_TRUE(found.ok());
    ASSERT_EQ(found->size(), 1U);
    EXPECT_EQ(found->front(), note);
    const RelayStatus status = pool->relayStatuses()[0];
    EXPECT_EQ(status.state, RelayConnectionState::connected);
    ASSERT_TRUE(status.information.has_value()) << status.informationError.describe(); // NIP-11 over https
    EXPECT_EQ(status.information->name, "HostStudio test relay");
}

TEST_F(RelayPoolIntegrationTest, RefusesAWssRelayWhoseCaIsNotTrusted)
{
    std::string why;
    auto certificates = TestCertificates::make(why);
    ASSERT_TRUE(certificates) << why;
    auto relay = startTlsRelay(*certificates, "server", why);
    ASSERT_TRUE(relay) << why;
    auto pool = RelayPool::create(network, {relay->url()}).value(); // no extra CA: only the system's
    ASSERT_TRUE(pool->waitUntilSettled(10s));
    const RelayStatus status = pool->relayStatuses()[0];
    EXPECT_EQ(status.state, RelayConnectionState::failed);
    EXPECT_EQ(status.lastError, net::NetErrc::certificateRejected) << status.lastError.describe();
    EXPECT_NE(status.lastError.describe().find("certificate"), std::string::npos) << status.lastError.describe();
    EXPECT_NE(status.lastError.describe().find(relay->url()), std::string::npos) << status.lastError.describe();

    const Event note = sign(EventTemplate{nowSeconds(), eventKinds::textNote, {}, "untrusted"}, key).value();
    const auto outcomes = pool->publishAndWait(note, 5s);
    EXPECT_EQ(outcomes[0].kind, PublishOutcomeKind::unreachable);
    EXPECT_NE(outcomes[0].reason.find("certificate"), std::string::npos) << outcomes[0].reason;
    std::printf("  untrusted CA: %s\n", outcomes[0].reason.c_str());
}

TEST_F(RelayPoolIntegrationTest, RefusesAWssRelayWhoseCertificateNamesAnotherHost)
{
    std::string why;
    auto certificates = TestCertificates::make(why);
    ASSERT_TRUE(certificates) << why;
    auto relay = startTlsRelay(*certificates, "other", why); // a certificate for other.invalid
    ASSERT_TRUE(relay) << why;
    RelayPoolSettings settings;
    settings.webSocket.tls.extraCaFile = certificates->file("ca.pem"); // the CA is trusted
    auto pool = RelayPool::create(network, {relay->url()}, settings).value();
    ASSERT_TRUE(pool->waitUntilSettled(10s));
    const RelayStatus status = pool->relayStatuses()[0];
    EXPECT_EQ(status.state, RelayConnectionState::failed);
    EXPECT_EQ(status.lastError, net::NetErrc::certificateRejected) << status.lastError.describe();
    const Event note = sign(EventTemplate{nowSeconds(), eventKinds::textNote, {}, "wrong host"}, key).value();
    const auto outcomes = pool->publishAndWait(note, 5s);
    EXPECT_EQ(outcomes[0].kind, PublishOutcomeKind::unreachable);
    EXPECT_NE(outcomes[0].reason.find("certificate"), std::string::npos) << outcomes[0].reason;
    std::printf("  wrong host: %s\n", outcomes[0].reason.c_str());
}

} // namespace
} // namespace hoststudio::nostr
