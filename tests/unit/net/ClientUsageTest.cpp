// SPDX-License-Identifier: GPL-2.0-or-later
// What the clients say before any server is involved: bad URLs, wrong schemes, wrong threads,
// nothing listening. (Real servers: tests/integration/net.)
#include "hoststudio/net/HttpClient.hpp"
#include "hoststudio/net/NetError.hpp"
#include "hoststudio/net/NetworkThread.hpp"
#include "hoststudio/net/Url.hpp"
#include "hoststudio/net/WebSocketClient.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <gtest/gtest.h>

#include <future>
#include <memory>
#include <vector>

namespace hoststudio::net {
namespace {

using namespace std::chrono_literals;

// A loopback port with nothing listening: bound, then closed.
std::uint16_t closedPort()
{
    boost::asio::io_context ioContext;
    boost::asio::ip::tcp::acceptor acceptor(ioContext, {boost::asio::ip::make_address("127.0.0.1"), 0});
    return acceptor.local_endpoint().port();
}

struct RequestErrorCase {
    std::string url;
    NetErrc expected;
    const char* detailFragment;
};

TEST(HttpClientUsage, ReportsBadRequestsThroughTheCallback)
{
    NetworkThread thread;
    auto client = HttpClient::create(thread, HttpClientSettings::defaults());
    ASSERT_TRUE(client.ok());
    const std::string port = std::to_string(closedPort());
    const std::vector<RequestErrorCase> rows{
        {"not-a-url", NetErrc::invalidUrl, "missing scheme"},
        {"http://user:hunter22@/x", NetErrc::invalidUrl, "missing host"},
        {"wss://127.0.0.1/", NetErrc::unsupportedScheme, "http:// or https://"},
        {"http://127.0.0.1:" + port + "/", NetErrc::connectFailed, "127.0.0.1"},
        {"https://user:hunter22@127.0.0.1:" + port + "/", NetErrc::connectFailed, "https://127.0.0.1"},
        {"http://name.invalid/", NetErrc::resolveFailed, "name.invalid"},
    };
    for (const RequestErrorCase& row : rows) {
        const core::Result<HttpResponse> response =
            client.value()->requestBlocking(HttpRequest::make(HttpMethod::get, row.url).withTimeout(10s));
        ASSERT_FALSE(response.ok()) << row.url;
        EXPECT_EQ(response.error(), row.expected) << response.error().describe();
        EXPECT_NE(response.error().detail().find(row.detailFragment), std::string::npos) << response.error().detail();
        EXPECT_EQ(response.error().detail().find("hunter22"), std::string::npos) << "a password leaked";
    }
}

TEST(HttpClientUsage, BlockingOnTheNetworkThreadIsRefused)
{
    NetworkThread thread;
    auto client = HttpClient::create(thread, HttpClientSettings::defaults()).value();
    std::promise<core::Result<HttpResponse>> result;
    thread.post(
        [&] { result.set_value(client->requestBlocking(HttpRequest::make(HttpMethod::get, "http://127.0.0.1:1/"))); });
    auto future = result.get_future();
    ASSERT_EQ(future.wait_for(5s), std::future_status::ready);
    EXPECT_EQ(future.get().error(), NetErrc::wrongThread);
}

TEST(HttpClientUsage, EachCallbackIsCalledOnceOnTheNetworkThreadEvenWhenStopping)
{
    auto thread = std::make_unique<NetworkThread>();
    auto client = HttpClient::create(*thread, HttpClientSettings::defaults()).value();
    std::atomic<int> calls{0};
    std::atomic<int> offThread{0};
    for (int index = 0; index < 20; ++index) {
        client->request(HttpRequest::make(HttpMethod::get, "http://127.0.0.1:" + std::to_string(closedPort()) + "/"),
                        [&](const core::Result<HttpResponse>&) {
                            ++calls;
                            offThread += thread->isCurrentThread() ? 0 : 1;
                        });
    }
    client->cancelAll();
    thread->stop();
    EXPECT_EQ(calls.load(), 20);
    EXPECT_EQ(offThread.load(), 0);
}

// A listener whose accept queue is full drops new SYNs, so a connect never completes: the connect
// timeout must end it, well before the request's own timeout.
TEST(HttpClientUsage, ConnectTimeoutEndsAConnectThatNeverCompletes)
{
    boost::asio::io_context ioContext;
    boost::asio::ip::tcp::acceptor listener(ioContext);
    const boost::asio::ip::tcp::endpoint any{boost::asio::ip::make_address("127.0.0.1"), 0};
    listener.open(any.protocol());
    listener.bind(any);
    listener.listen(0);
    const auto endpoint = listener.local_endpoint();
    std::vector<std::unique_ptr<boost::asio::ip::tcp::socket>> fillers;
    for (int index = 0; index < 4; ++index) {
        auto socket = std::make_unique<boost::asio::ip::tcp::socket>(ioContext);
        socket->open(endpoint.protocol());
        // Initiating starts the non-blocking connect; ioContext never runs, so nothing waits for it.
        socket->async_connect(endpoint, [](const boost::system::error_code&) {});
        fillers.push_back(std::move(socket));
    }

    NetworkThread thread;
    HttpClientSettings settings;
    settings.connectTimeout = 400ms;
    auto client = HttpClient::create(thread, settings).value();
    const auto started = std::chrono::steady_clock::now();
    const auto response = client->requestBlocking(
        HttpRequest::make(HttpMethod::get, "http://127.0.0.1:" + std::to_string(endpoint.port()) + "/")
            .withTimeout(10s));
    const auto elapsed = std::chrono::steady_clock::now() - started;
    ASSERT_FALSE(response.ok());
    EXPECT_EQ(response.error(), NetErrc::timedOut) << response.error().describe();
    EXPECT_NE(response.error().detail().find("connecting"), std::string::npos) << response.error().detail();
    EXPECT_GE(elapsed, 390ms);
    EXPECT_LT(elapsed, 400ms + 600ms);
}

TEST(HttpClientUsage, HeaderInjectionIsRefusedBeforeConnecting)
{
    NetworkThread thread;
    auto client = HttpClient::create(thread, HttpClientSettings::defaults()).value();
    const auto response = client->requestBlocking(
        HttpRequest::make(HttpMethod::get, "http://127.0.0.1:1/").withHeader("X-A", "1\r\nX-Injected: 2"));
    ASSERT_FALSE(response.ok());
    EXPECT_EQ(response.error(), core::CoreErrc::invalidArgument) << response.error().describe();
}

TEST(WebSocketClientUsage, SendBeforeConnectIsRefused)
{
    NetworkThread thread;
    auto socket = WebSocketClient::create(thread, WebSocketSettings::defaults()).value();
    EXPECT_EQ(socket->state(), WebSocketState::idle);
    EXPECT_EQ(socket->send("hello").error(), NetErrc::notConnected);
}

TEST(WebSocketClientUsage, ConnectFailuresReachOnConnectedOnly)
{
    NetworkThread thread;
    const std::string port = std::to_string(closedPort());
    const std::vector<RequestErrorCase> rows{
        {"ws://", NetErrc::invalidUrl, "missing host"},
        {"https://127.0.0.1/", NetErrc::unsupportedScheme, "ws:// or wss://"},
        {"ws://127.0.0.1:" + port + "/", NetErrc::connectFailed, "ws://127.0.0.1"},
        {"wss://me:hunter22@127.0.0.1:" + port + "/", NetErrc::connectFailed, "wss://127.0.0.1"},
    };
    for (const RequestErrorCase& row : rows) {
        auto socket = WebSocketClient::create(thread, WebSocketSettings::defaults()).value();
        std::promise<core::Status> connected;
        std::atomic<int> closedCalls{0};
        socket->connect(row.url, {.onConnected = [&](core::Status status) { connected.set_value(status); },
                                  .onMessage = {},
                                  .onClosed = [&](const core::Error&) { ++closedCalls; }});
        auto future = connected.get_future();
        ASSERT_EQ(future.wait_for(10s), std::future_status::ready) << row.url;
        const core::Status status = future.get();
        ASSERT_FALSE(status.ok()) << row.url;
        EXPECT_EQ(status.error(), row.expected) << status.error().describe();
        EXPECT_NE(status.error().detail().find(row.detailFragment), std::string::npos) << status.error().detail();
        EXPECT_EQ(status.error().detail().find("hunter22"), std::string::npos);
        EXPECT_EQ(closedCalls.load(), 0);
        EXPECT_EQ(socket->state(), WebSocketState::closed);
    }
}

TEST(UrlRedaction, AnInvalidUrlIsQuotedWithoutItsUserInfo)
{
    const auto url = Url::parse("rtmp://key:secret123@host:99999/live");
    ASSERT_FALSE(url.ok());
    EXPECT_EQ(url.error().detail().find("secret123"), std::string::npos) << url.error().detail();
    EXPECT_NE(url.error().detail().find("rtmp://***@host:99999/live"), std::string::npos) << url.error().detail();
}

} // namespace
} // namespace hoststudio::net
