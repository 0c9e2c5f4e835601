// SPDX-License-Identifier: GPL-2.0-or-later
// WebSocketClient against a real Node peer (the `ws` package) on 127.0.0.1, ws and wss.
#include "NetPeer.hpp"
#include "hoststudio/net/NetError.hpp"
#include "hoststudio/net/NetworkThread.hpp"
#include "hoststudio/net/WebSocketClient.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace hoststudio::net {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// What the handlers saw, for the test thread to wait on.
class Events {
public:
    WebSocketHandlers handlers(NetworkThread& thread)
    {
        return {
            .onConnected =
                [this, &thread](core::Status status) {
                    record([&] {
                        connected = std::move(status);
                        ++connectedCalls;
                        offThread += thread.isCurrentThread() ? 0 : 1;
                    });
                },
            .onMessage = [this](WebSocketMessage message) { record([&] { messages.push_back(std::move(message)); }); },
            .onClosed =
                [this, &thread](const core::Error& error) {
                    record([&] {
                        closed.push_back(error);
                        offThread += thread.isCurrentThread() ? 0 : 1;
                    });
                },
        };
    }

    template <typename Predicate> bool waitFor(Predicate predicate, std::chrono::milliseconds timeout = 10s)
    {
        std::unique_lock lock(mutex);
        return changed.wait_for(lock, timeout, [&] { return predicate(); });
    }

    bool waitConnected()
    {
        return waitFor([this] { return connected.has_value(); });
    }
    bool waitMessages(std::size_t count)
    {
        return waitFor([this, count] { return messages.size() >= count; });
    }
    bool waitClosed(std::chrono::milliseconds timeout = 10s)
    {
        return waitFor([this] { return !closed.empty(); }, timeout);
    }

    std::mutex mutex;
    std::condition_variable changed;
    std::optional<core::Status> connected; // guarded by mutex, as everything below
    int connectedCalls = 0;
    int offThread = 0;
    std::vector<WebSocketMessage> messages;
    std::vector<core::Error> closed;

private:
    template <typename Function> void record(Function function)
    {
        {
            const std::lock_guard lock(mutex);
            function();
        }
        changed.notify_all();
    }
};

class WebSocketClientIntegration : public ::testing::Test {
protected:
    void SetUp() override
    {
        std::string why;
        peer_ = testing::NetPeer::start(why);
        ASSERT_TRUE(peer_) << why;
    }

    std::unique_ptr<WebSocketClient> connect(const std::string& url, Events& events,
                                             WebSocketSettings settings = WebSocketSettings::defaults())
    {
        if (settings.tls.extraCaFile.empty()) {
            settings.tls.extraCaFile = peer_->caFile();
        }
        auto client = WebSocketClient::create(thread_, std::move(settings));
        EXPECT_TRUE(client.ok());
        client.value()->connect(url, events.handlers(thread_));
        EXPECT_TRUE(events.waitConnected()) << url;
        return std::move(client).value();
    }

    std::string wsUrl(bool secure, const std::string& path) const
    {
        return peer_->url(secure ? "wss" : "ws", secure ? peer_->httpsPort : peer_->httpPort, path);
    }

    std::unique_ptr<testing::NetPeer> peer_;
    NetworkThread thread_;
};

TEST_F(WebSocketClientIntegration, EchoesTextAndBinaryThenClosesCleanly)
{
    for (const bool secure : {false, true}) {
        Events events;
        auto socket = connect(wsUrl(secure, "/ws"), events);
        ASSERT_TRUE(events.connected->ok()) << events.connected->error().describe();
        EXPECT_EQ(socket->state(), WebSocketState::open);

        const std::string binary{"\x00\x01\xfe\xff", 4};
        ASSERT_TRUE(socket->send("hello, chat").ok());
        ASSERT_TRUE(socket->send(binary, WebSocketMessageType::binary).ok());
        ASSERT_TRUE(socket->send(std::string(200000, 'z')).ok());
        ASSERT_TRUE(events.waitMessages(3));
        {
            const std::lock_guard lock(events.mutex);
            EXPECT_EQ(events.messages[0].type, WebSocketMessageType::text);
            EXPECT_EQ(events.messages[0].data, "hello, chat");
            EXPECT_EQ(events.messages[1].type, WebSocketMessageType::binary);
            EXPECT_EQ(events.messages[1].data, binary);
            EXPECT_EQ(events.messages[2].data.size(), 200000U);
        }
        socket->close();
        ASSERT_TRUE(events.waitClosed());
        std::this_thread::sleep_for(200ms);
        socket->close(); // a second close does nothing
        std::this_thread::sleep_for(100ms);
        const std::lock_guard lock(events.mutex);
        ASSERT_EQ(events.closed.size(), 1U);
        EXPECT_FALSE(events.closed[0].isError()) << events.closed[0].describe();
        EXPECT_EQ(events.connectedCalls, 1);
        EXPECT_EQ(events.offThread, 0) << "handlers run on the network thread";
        EXPECT_EQ(socket->state(), WebSocketState::closed);
    }
}

TEST_F(WebSocketClientIntegration, OversizedIncomingMessageClosesWithMessageTooLarge)
{
    for (const bool secure : {false, true}) {
        Events events;
        WebSocketSettings settings;
        settings.maxIncomingMessageBytes = 4096;
        auto socket = connect(wsUrl(secure, "/ws"), events, settings);
        ASSERT_TRUE(events.connected->ok());
        ASSERT_TRUE(socket->send("big:4096").ok());
        ASSERT_TRUE(events.waitMessages(1)) << "exactly the cap is fine";
        ASSERT_TRUE(socket->send("big:4097").ok());
        ASSERT_TRUE(events.waitClosed());
        std::this_thread::sleep_for(200ms);
        const std::lock_guard lock(events.mutex);
        ASSERT_EQ(events.closed.size(), 1U);
        EXPECT_EQ(events.closed[0], NetErrc::messageTooLarge) << events.closed[0].describe();
        EXPECT_EQ(events.messages.size(), 1U);
    }
}

TEST_F(WebSocketClientIntegration, ServerCloseIsReportedOnceWithCodeAndReason)
{
    for (const bool secure : {false, true}) {
        Events events;
        auto socket = connect(wsUrl(secure, "/ws"), events);
        ASSERT_TRUE(events.connected->ok());
        ASSERT_TRUE(socket->send("close:4000:stream ended").ok());
        ASSERT_TRUE(events.waitClosed());
        socket->close();
        std::this_thread::sleep_for(300ms);
        const std::lock_guard lock(events.mutex);
        ASSERT_EQ(events.closed.size(), 1U);
        EXPECT_EQ(events.closed[0], NetErrc::connectionClosed);
        EXPECT_NE(events.closed[0].detail().find("code 4000, \"stream ended\""), std::string::npos)
            << events.closed[0].detail();
        EXPECT_EQ(socket->send("after").error(), NetErrc::notConnected);
    }
}

TEST_F(WebSocketClientIntegration, DroppedConnectionIsReportedOnce)
{
    Events events;
    auto socket = connect(wsUrl(false, "/ws"), events);
    ASSERT_TRUE(events.connected->ok());
    ASSERT_TRUE(socket->send("drop").ok());
    ASSERT_TRUE(events.waitClosed());
    std::this_thread::sleep_for(200ms);
    const std::lock_guard lock(events.mutex);
    ASSERT_EQ(events.closed.size(), 1U);
    EXPECT_EQ(events.closed[0], NetErrc::connectionClosed) << events.closed[0].describe();
}

TEST_F(WebSocketClientIntegration, CertificateProblemsAreRefusedWithTheReason)
{
    struct Case {
        std::uint16_t port;
        bool configureCa;
        const char* reason;
    };
    const std::vector<Case> rows{
        {peer_->selfSignedPort, true, "certificate rejected: self-signed certificate (wss://127.0.0.1:"},
        {peer_->wrongHostPort, true, "certificate rejected: IP address mismatch"},
        {peer_->httpsPort, false, "certificate rejected: unable to get local issuer certificate"},
    };
    for (const Case& row : rows) {
        Events events;
        WebSocketSettings settings;
        settings.tls.extraCaFile = row.configureCa ? peer_->caFile() : "";
        auto client = WebSocketClient::create(thread_, settings).value();
        client->connect(peer_->url("wss", row.port, "/ws"), events.handlers(thread_));
        ASSERT_TRUE(events.waitConnected());
        std::this_thread::sleep_for(100ms);
        const std::lock_guard lock(events.mutex);
        ASSERT_FALSE(events.connected->ok());
        EXPECT_EQ(events.connected->error(), NetErrc::certificateRejected) << events.connected->error().describe();
        EXPECT_NE(events.connected->error().detail().find(row.reason), std::string::npos)
            << events.connected->error().detail();
        EXPECT_TRUE(events.closed.empty()) << "a failed connect is reported once, by onConnected";
    }
}

TEST_F(WebSocketClientIntegration, UpgradeThatNeverAnswersTimesOut)
{
    Events events;
    WebSocketSettings settings;
    settings.connectTimeout = 700ms;
    const auto started = Clock::now();
    auto socket = connect(wsUrl(true, "/ws-hang"), events, settings);
    const auto elapsed = Clock::now() - started;
    ASSERT_FALSE(events.connected->ok());
    EXPECT_EQ(events.connected->error(), NetErrc::timedOut) << events.connected->error().describe();
    EXPECT_GE(elapsed, 650ms);
    EXPECT_LT(elapsed, 700ms + 500ms);
}

TEST_F(WebSocketClientIntegration, UpgradeRefusedNamesTheStatus)
{
    Events events;
    auto socket = connect(wsUrl(false, "/nowhere"), events);
    ASSERT_FALSE(events.connected->ok());
    EXPECT_EQ(events.connected->error(), NetErrc::httpStatus) << events.connected->error().describe();
    EXPECT_NE(events.connected->error().detail().find("404"), std::string::npos);
}

TEST_F(WebSocketClientIntegration, KeepAlivePingsKeepAQuietConnectionOpen)
{
    Events events;
    WebSocketSettings settings;
    settings.idleTimeout = 800ms; // we ping after 400 ms of silence; the peer pings us every 300 ms
    auto socket = connect(wsUrl(true, "/ws?ping=300"), events, settings);
    ASSERT_TRUE(events.connected->ok());
    EXPECT_FALSE(events.waitClosed(2500ms)) << "pings in both directions keep it open";
    ASSERT_TRUE(socket->send("still here").ok());
    ASSERT_TRUE(events.waitMessages(1));
    socket->close();
    ASSERT_TRUE(events.waitClosed());
    const std::lock_guard lock(events.mutex);
    EXPECT_FALSE(events.closed[0].isError()) << events.closed[0].describe();
}

TEST_F(WebSocketClientIntegration, SilentPeerHitsTheIdleTimeout)
{
    Events events;
    WebSocketSettings settings;
    settings.idleTimeout = 800ms; // the peer neither sends nor answers our pings
    auto socket = connect(wsUrl(false, "/ws-silent"), events, settings);
    ASSERT_TRUE(events.connected->ok());
    const auto opened = Clock::now();
    ASSERT_TRUE(events.waitClosed(5s));
    EXPECT_LT(Clock::now() - opened, 800ms * 2 + 500ms);
    const std::lock_guard lock(events.mutex);
    ASSERT_EQ(events.closed.size(), 1U);
    EXPECT_EQ(events.closed[0], NetErrc::timedOut) << events.closed[0].describe();
}

TEST_F(WebSocketClientIntegration, SlowPeerFillsTheSendQueueAndIsRefused)
{
    Events events;
    WebSocketSettings settings;
    settings.maxQueuedOutgoingBytes = 1024 * 1024;
    auto socket = connect(wsUrl(false, "/ws"), events, settings);
    ASSERT_TRUE(events.connected->ok());
    ASSERT_TRUE(socket->send("pause").ok()); // the peer stops reading
    std::this_thread::sleep_for(200ms);
    const std::string chunk(64 * 1024, 'q');
    std::optional<core::Error> refusal;
    std::size_t sentBytes = 0;
    const auto started = Clock::now();
    while (!refusal && Clock::now() - started < 20s) {
        const core::Status sent = socket->send(chunk);
        if (sent.ok()) {
            sentBytes += chunk.size();
        } else {
            refusal = sent.error();
        }
    }
    ASSERT_TRUE(refusal.has_value()) << sentBytes << " bytes accepted and never refused";
    EXPECT_EQ(*refusal, NetErrc::sendQueueFull) << refusal->describe();
    EXPECT_LE(socket->queuedOutgoingBytes(), settings.maxQueuedOutgoingBytes);
    EXPECT_EQ(socket->state(), WebSocketState::open) << "refusing a message does not end the session";
}

TEST_F(WebSocketClientIntegration, DestroyingAnOpenClientCallsNoHandlerAfterwards)
{
    Events events;
    auto socket = connect(wsUrl(true, "/ws?ping=50"), events);
    ASSERT_TRUE(events.connected->ok());
    for (int index = 0; index < 50; ++index) {
        (void)socket->send("message " + std::to_string(index));
    }
    socket.reset();
    std::size_t seen = 0;
    {
        const std::lock_guard lock(events.mutex);
        seen = events.messages.size() + events.closed.size();
    }
    std::this_thread::sleep_for(300ms);
    const std::lock_guard lock(events.mutex);
    EXPECT_EQ(events.messages.size() + events.closed.size(), seen);
}

} // namespace
} // namespace hoststudio::net
