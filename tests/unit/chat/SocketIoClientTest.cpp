// SPDX-License-Identifier: GPL-2.0-or-later
// SocketIoClient without a server: the Engine.IO URL it derives, the settings it refuses, and the
// refusals of emitEvent()/acknowledge() before any connection. The protocol against a real
// socket.io server is in tests/integration/chat.

#include "hoststudio/chat/SocketIoClient.hpp"
#include "hoststudio/chat/ChatError.hpp"
#include "hoststudio/net/NetworkThread.hpp"

#include <gtest/gtest.h>

#include <future>
#include <string>
#include <vector>

namespace hoststudio::chat {
namespace {

using namespace std::chrono_literals;

struct UrlCase {
    const char* url;
    const char* expected;
};

TEST(SocketIoClientUrl, DerivesTheWebSocketTransportUrl)
{
    const std::vector<UrlCase> cases{
        {"http://localhost:5050", "ws://localhost:5050/socket.io/?EIO=4&transport=websocket"},
        {"http://127.0.0.1:5050/", "ws://127.0.0.1:5050/socket.io/?EIO=4&transport=websocket"},
        {"https://chat.example.org", "wss://chat.example.org:443/socket.io/?EIO=4&transport=websocket"},
        {"ws://127.0.0.1:3001/admin", "ws://127.0.0.1:3001/socket.io/?EIO=4&transport=websocket"},
        {"wss://h.example:8443/?room=a", "wss://h.example:8443/socket.io/?EIO=4&transport=websocket&room=a"},
        {"http://[::1]:5050", "ws://[::1]:5050/socket.io/?EIO=4&transport=websocket"},
    };
    for (const UrlCase& entry : cases) {
        SCOPED_TRACE(entry.url);
        const core::Result<std::string> url = SocketIoClient::engineUrl(entry.url, "/socket.io/");
        ASSERT_TRUE(url.ok()) << url.error().describe();
        EXPECT_EQ(url.value(), entry.expected);
    }
}

TEST(SocketIoClientUrl, RefusesWhatIsNotASocketIoUrl)
{
    for (const char* url :
         {"", "localhost:5050", "ftp://host/", "rtmp://host/live", "http://user:pw@host/", "http://"}) {
        SCOPED_TRACE(url);
        const core::Result<std::string> engine = SocketIoClient::engineUrl(url, "/socket.io/");
        ASSERT_FALSE(engine.ok());
        EXPECT_EQ(engine.error(), ChatErrc::invalidArgument);
    }
}

TEST(SocketIoClientSettings, RefusesUnusableSettings)
{
    net::NetworkThread network;
    const auto refused = [&network](SocketIoSettings settings) {
        const auto client = SocketIoClient::create(network, std::move(settings));
        return !client.ok() && client.error() == ChatErrc::invalidArgument;
    };
    SocketIoSettings noSlash;
    noSlash.path = "socket.io";
    EXPECT_TRUE(refused(noSlash));
    SocketIoSettings query;
    query.path = "/socket.io/?x=1/";
    EXPECT_TRUE(refused(query));
    SocketIoSettings arrayAuth;
    arrayAuth.auth = nlohmann::json::array({1});
    EXPECT_TRUE(refused(arrayAuth));
    SocketIoSettings zeroTimeout;
    zeroTimeout.handshakeTimeout = 0ms;
    EXPECT_TRUE(refused(zeroTimeout));
    SocketIoSettings zeroAck;
    zeroAck.ackTimeout = 0ms;
    EXPECT_TRUE(refused(zeroAck));
    SocketIoSettings zeroCap;
    zeroCap.maxMessageBytes = 0;
    EXPECT_TRUE(refused(zeroCap));
    SocketIoSettings badReconnect;
    badReconnect.reconnect.maxRetries = -1;
    EXPECT_TRUE(refused(badReconnect));

    SocketIoSettings fine;
    fine.auth = nlohmann::json{{"token", "x"}};
    EXPECT_TRUE(SocketIoClient::create(network, fine).ok());
}

TEST(SocketIoClientRefusals, EmitBeforeConnectIsRefusedWithTheReason)
{
    net::NetworkThread network;
    auto client = SocketIoClient::create(network, SocketIoSettings::defaults()).value();
    EXPECT_EQ(client->state(), SocketIoState::disconnected);

    const core::Status notConnected = client->emitEvent("hello", nlohmann::json::array({1}));
    ASSERT_FALSE(notConnected.ok());
    EXPECT_EQ(notConnected.error(), ChatErrc::notConnected);

    for (const char* reserved : {"connect", "disconnect", "connect_error", ""}) {
        const core::Status status = client->emitEvent(reserved, nlohmann::json::array());
        ASSERT_FALSE(status.ok()) << reserved;
        EXPECT_EQ(status.error(), ChatErrc::invalidArgument) << reserved;
    }
    const core::Status notArray = client->emitEvent("hello", nlohmann::json{{"a", 1}});
    ASSERT_FALSE(notArray.ok());
    EXPECT_EQ(notArray.error(), ChatErrc::invalidArgument);

    SocketIoEvent noAck;
    noAck.name = "x";
    const core::Status ackless = client->acknowledge(noAck, nlohmann::json::array());
    ASSERT_FALSE(ackless.ok());
    EXPECT_EQ(ackless.error(), ChatErrc::invalidArgument);
    SocketIoEvent withAck;
    withAck.name = "x";
    withAck.ackId = 1;
    const core::Status stale = client->acknowledge(withAck, nlohmann::json::array());
    ASSERT_FALSE(stale.ok());
    EXPECT_EQ(stale.error(), ChatErrc::notConnected);
}

TEST(SocketIoClientRefusals, AnInvalidUrlIsReportedThroughOnConnected)
{
    net::NetworkThread network;
    auto client = SocketIoClient::create(network, SocketIoSettings::defaults()).value();
    std::promise<core::Status> connected;
    SocketIoHandlers handlers;
    handlers.onConnected = [&connected](core::Status status) { connected.set_value(std::move(status)); };
    client->connect("gopher://host/", std::move(handlers));
    std::future<core::Status> outcome = connected.get_future();
    ASSERT_EQ(outcome.wait_for(10s), std::future_status::ready);
    const core::Status status = outcome.get();
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.error(), ChatErrc::invalidArgument);
    EXPECT_EQ(client->state(), SocketIoState::disconnected);
}

TEST(SocketIoClientRefusals, ASecondConnectIsRefused)
{
    net::NetworkThread network;
    auto client = SocketIoClient::create(network, SocketIoSettings::defaults()).value();
    client->connect("gopher://host/", {});
    std::promise<core::Status> second;
    SocketIoHandlers handlers;
    handlers.onConnected = [&second](core::Status status) { second.set_value(std::move(status)); };
    client->connect("http://127.0.0.1:1/", std::move(handlers));
    std::future<core::Status> outcome = second.get_future();
    ASSERT_EQ(outcome.wait_for(10s), std::future_status::ready);
    const core::Status status = outcome.get();
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.error(), ChatErrc::invalidArgument);
}

} // namespace
} // namespace hoststudio::chat
