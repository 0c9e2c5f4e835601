// SPDX-License-Identifier: GPL-2.0-or-later
// HttpClient against a real Node peer on 127.0.0.1 (http and https with a private CA).
#include "NetPeer.hpp"
#include "hoststudio/net/HttpClient.hpp"
#include "hoststudio/net/NetError.hpp"
#include "hoststudio/net/NetworkThread.hpp"

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <thread>
#include <vector>

namespace hoststudio::net {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

class HttpClientIntegration : public ::testing::Test {
protected:
    void SetUp() override
    {
        std::string why;
        peer_ = testing::NetPeer::start(why);
        ASSERT_TRUE(peer_) << why;
    }

    std::unique_ptr<HttpClient> makeClient(HttpClientSettings settings = HttpClientSettings::defaults())
    {
        if (settings.tls.extraCaFile.empty()) {
            settings.tls.extraCaFile = peer_->caFile();
        }
        auto client = HttpClient::create(thread_, std::move(settings));
        EXPECT_TRUE(client.ok()) << client.error().describe();
        return std::move(client).value();
    }

    static HttpRequest get(const std::string& url) { return HttpRequest::make(HttpMethod::get, url).withTimeout(10s); }

    std::unique_ptr<testing::NetPeer> peer_;
    NetworkThread thread_;
};

struct SchemeCase {
    const char* scheme;
    bool secure;
};

std::uint16_t portFor(const testing::NetPeer& peer, bool secure)
{
    return secure ? peer.httpsPort : peer.httpPort;
}

TEST_F(HttpClientIntegration, GetAndPostJsonRoundTrip)
{
    auto client = makeClient();
    for (const SchemeCase& row : {SchemeCase{"http", false}, SchemeCase{"https", true}}) {
        const auto port = portFor(*peer_, row.secure);
        const auto got = client->requestBlocking(get(peer_->url(row.scheme, port, "/json")));
        ASSERT_TRUE(got.ok()) << got.error().describe();
        EXPECT_EQ(got->status, 200);
        EXPECT_EQ(got->header("content-type"), "application/json");
        EXPECT_EQ(got->json().value(), (nlohmann::json{{"hello", "world"}, {"n", 42}})) << row.scheme;

        const auto posted =
            client->requestBlocking(HttpRequest::make(HttpMethod::post, peer_->url(row.scheme, port, "/json"))
                                        .withJsonBody(nlohmann::json{{"title", "Going live"}, {"viewers", 3}}));
        ASSERT_TRUE(posted.ok()) << posted.error().describe();
        EXPECT_EQ(posted->json().value()["received"]["title"], "Going live") << row.scheme;
    }
}

TEST_F(HttpClientIntegration, LocalhostByNameWithSni)
{
    auto client = makeClient();
    const auto got = client->requestBlocking(get("https://localhost:" + std::to_string(peer_->httpsPort) + "/json"));
    ASSERT_TRUE(got.ok()) << got.error().describe();
    EXPECT_EQ(got->status, 200);
}

TEST_F(HttpClientIntegration, KeepAliveReusesOneConnectionForManyRequests)
{
    auto client = makeClient();
    for (const SchemeCase& row : {SchemeCase{"http", false}, SchemeCase{"https", true}}) {
        const auto port = portFor(*peer_, row.secure);
        const auto before = client->requestBlocking(get(peer_->url(row.scheme, port, "/connections")));
        ASSERT_TRUE(before.ok()) << before.error().describe();
        constexpr int requests = 20;
        for (int index = 0; index < requests; ++index) {
            const auto got = client->requestBlocking(get(peer_->url(row.scheme, port, "/json")));
            ASSERT_TRUE(got.ok()) << got.error().describe();
        }
        const auto after = client->requestBlocking(get(peer_->url(row.scheme, port, "/connections")));
        ASSERT_TRUE(after.ok()) << after.error().describe();
        EXPECT_EQ(before->json().value()["connections"], 1) << row.scheme;
        EXPECT_EQ(after->json().value()["connections"], 1)
            << row.scheme << ": " << requests + 2 << " requests should share one TCP connection";
    }
}

TEST_F(HttpClientIntegration, AServerThatClosedAnIdleConnectionDoesNotFailTheNextRequest)
{
    auto client = makeClient();
    for (const SchemeCase& row : {SchemeCase{"http", false}, SchemeCase{"https", true}}) {
        const auto port = portFor(*peer_, row.secure);
        for (HttpMethod method : {HttpMethod::get, HttpMethod::post}) {
            const auto first = client->requestBlocking(get(peer_->url(row.scheme, port, "/close-after")));
            ASSERT_TRUE(first.ok()) << first.error().describe();
            std::this_thread::sleep_for(300ms); // the server closes the kept-alive connection meanwhile
            const auto second = client->requestBlocking(HttpRequest::make(method, peer_->url(row.scheme, port, "/json"))
                                                            .withJsonBody(nlohmann::json{{"n", 1}}));
            ASSERT_TRUE(second.ok()) << row.scheme << " " << httpMethodName(method) << ": "
                                     << second.error().describe();
            EXPECT_EQ(second->status, 200);
        }
    }
}

// The server drops a request on a kept-alive connection without a byte of answer (as one does
// that closes an idle connection just as the request leaves): an idempotent request is retried once
// on a fresh connection, a POST is not (it may have been acted on).
TEST_F(HttpClientIntegration, IdempotentRequestIsRetriedOnceOnAFreshConnection)
{
    auto client = makeClient();
    for (const SchemeCase& row : {SchemeCase{"http", false}, SchemeCase{"https", true}}) {
        const auto port = portFor(*peer_, row.secure);
        ASSERT_TRUE(client->requestBlocking(get(peer_->url(row.scheme, port, "/drop-next"))).ok());
        const auto retried = client->requestBlocking(get(peer_->url(row.scheme, port, "/json")));
        ASSERT_TRUE(retried.ok()) << row.scheme << ": " << retried.error().describe();
        EXPECT_EQ(retried->status, 200);

        ASSERT_TRUE(client->requestBlocking(get(peer_->url(row.scheme, port, "/drop-next"))).ok());
        const auto posted = client->requestBlocking(
            HttpRequest::make(HttpMethod::post, peer_->url(row.scheme, port, "/json")).withJsonBody({{"n", 1}}));
        ASSERT_FALSE(posted.ok()) << row.scheme;
        EXPECT_EQ(posted.error(), NetErrc::connectionClosed) << posted.error().describe();
    }
}

TEST_F(HttpClientIntegration, NeverAnsweringServerTimesOutWithinTheTimeout)
{
    auto client = makeClient();
    for (const SchemeCase& row : {SchemeCase{"http", false}, SchemeCase{"https", true}}) {
        const auto started = Clock::now();
        const auto got = client->requestBlocking(
            HttpRequest::make(HttpMethod::get, peer_->url(row.scheme, portFor(*peer_, row.secure), "/never"))
                .withTimeout(700ms));
        const auto elapsed = Clock::now() - started;
        ASSERT_FALSE(got.ok());
        EXPECT_EQ(got.error(), NetErrc::timedOut) << got.error().describe();
        EXPECT_GE(elapsed, 690ms) << row.scheme;
        EXPECT_LT(elapsed, 700ms + 500ms) << row.scheme << ": the timeout plus a small margin";
    }
}

TEST_F(HttpClientIntegration, OversizedBodyIsRefused)
{
    HttpClientSettings settings;
    settings.maxResponseBytes = 1024 * 1024;
    auto client = makeClient(settings);
    struct Case {
        std::string path;
        bool ok;
    };
    const std::vector<Case> rows{
        {"/huge?bytes=1048576", true},
        {"/huge?bytes=1048577", false},
        {"/huge-chunked?bytes=1048576", true},
        {"/huge-chunked?bytes=3000000", false},
    };
    for (const SchemeCase& scheme : {SchemeCase{"http", false}, SchemeCase{"https", true}}) {
        for (const Case& row : rows) {
            const auto got =
                client->requestBlocking(get(peer_->url(scheme.scheme, portFor(*peer_, scheme.secure), row.path)));
            EXPECT_EQ(got.ok(), row.ok) << scheme.scheme << row.path;
            if (got.ok()) {
                EXPECT_EQ(got->body.size(), 1048576U);
            } else {
                EXPECT_EQ(got.error(), NetErrc::messageTooLarge) << got.error().describe();
            }
        }
    }
    // The default cap is 8 MiB.
    auto defaults = makeClient();
    const auto got = defaults->requestBlocking(get(peer_->url("http", peer_->httpPort, "/huge?bytes=9000000")));
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(got.error(), NetErrc::messageTooLarge);
}

TEST_F(HttpClientIntegration, TruncatedBodyIsReportedAsClosed)
{
    auto client = makeClient();
    const auto got = client->requestBlocking(get(peer_->url("http", peer_->httpPort, "/truncated")));
    ASSERT_FALSE(got.ok());
    EXPECT_TRUE(got.error() == NetErrc::connectionClosed || got.error() == NetErrc::protocolError)
        << got.error().describe();
}

TEST_F(HttpClientIntegration, SelfSignedCertificateIsRefusedWithTheReason)
{
    auto client = makeClient();
    const auto got = client->requestBlocking(get(peer_->url("https", peer_->selfSignedPort, "/json")));
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(got.error(), NetErrc::certificateRejected) << got.error().describe();
    EXPECT_NE(got.error().detail().find("certificate rejected: self-signed certificate (https://127.0.0.1:"),
              std::string::npos)
        << got.error().detail();
}

TEST_F(HttpClientIntegration, HostNameMismatchIsRefusedWithTheReason)
{
    auto client = makeClient(); // the CA is trusted; the certificate names other.invalid
    struct Case {
        std::string host;
        std::string reason; // OpenSSL's words
    };
    for (const Case& row : {Case{"localhost", "certificate rejected: hostname mismatch (https://localhost:"},
                            Case{"127.0.0.1", "certificate rejected: IP address mismatch (https://127.0.0.1:"}}) {
        const auto got =
            client->requestBlocking(get("https://" + row.host + ":" + std::to_string(peer_->wrongHostPort) + "/json"));
        ASSERT_FALSE(got.ok());
        EXPECT_EQ(got.error(), NetErrc::certificateRejected) << got.error().describe();
        EXPECT_NE(got.error().detail().find(row.reason), std::string::npos) << got.error().detail();
    }
}

TEST_F(HttpClientIntegration, PrivateCaWorksOnlyWhenConfiguredExplicitly)
{
    const std::string url = peer_->url("https", peer_->httpsPort, "/json");
    HttpClientSettings systemStoreOnly;
    systemStoreOnly.tls.extraCaFile = "";
    auto unconfigured = HttpClient::create(thread_, systemStoreOnly).value();
    const auto refused = unconfigured->requestBlocking(get(url));
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error(), NetErrc::certificateRejected) << refused.error().describe();
    EXPECT_NE(refused.error().detail().find("unable to get local issuer certificate"), std::string::npos)
        << refused.error().detail();

    auto configured = makeClient(); // extraCaFile = the peer's CA
    const auto accepted = configured->requestBlocking(get(url));
    ASSERT_TRUE(accepted.ok()) << accepted.error().describe();
    EXPECT_EQ(accepted->status, 200);
}

TEST_F(HttpClientIntegration, HeadersOnTheWireAndNoSecretInErrors)
{
    auto client = makeClient();
    const auto echoed = client->requestBlocking(
        get("http://streamer:s3cret-pass@127.0.0.1:" + std::to_string(peer_->httpPort) + "/echo")
            .withHeader("X-Trace", "42"));
    ASSERT_TRUE(echoed.ok()) << echoed.error().describe();
    const nlohmann::json echo = echoed->json().value();
    EXPECT_EQ(echo["headers"]["authorization"], basicAuthorization("streamer", "s3cret-pass"));
    EXPECT_EQ(echo["headers"]["user-agent"].get<std::string>().rfind("HostStudio/", 0), 0U);
    EXPECT_EQ(echo["headers"]["host"], "127.0.0.1:" + std::to_string(peer_->httpPort));
    EXPECT_EQ(echo["headers"]["x-trace"], "42");

    const auto failed = client->requestBlocking(
        HttpRequest::make(HttpMethod::get,
                          "https://streamer:s3cret-pass@127.0.0.1:" + std::to_string(peer_->selfSignedPort) + "/x")
            .withBasicAuth("streamer", "s3cret-pass"));
    ASSERT_FALSE(failed.ok());
    EXPECT_EQ(failed.error().describe().find("s3cret"), std::string::npos) << failed.error().describe();
}

TEST_F(HttpClientIntegration, StatusIsAResponseNotAnError)
{
    auto client = makeClient();
    const auto got = client->requestBlocking(get(peer_->url("https", peer_->httpsPort, "/status?code=404")));
    ASSERT_TRUE(got.ok()) << got.error().describe();
    EXPECT_EQ(got->status, 404);
    EXPECT_FALSE(got->isSuccess());
}

TEST_F(HttpClientIntegration, CancelAllEndsOutstandingRequestsOnce)
{
    auto client = makeClient();
    std::vector<std::future<core::Result<HttpResponse>>> futures;
    for (int index = 0; index < 5; ++index) {
        auto promise = std::make_shared<std::promise<core::Result<HttpResponse>>>();
        futures.push_back(promise->get_future());
        client->request(get(peer_->url(index % 2 == 0 ? "http" : "https", portFor(*peer_, index % 2 != 0), "/never")),
                        [promise](core::Result<HttpResponse> result) { promise->set_value(std::move(result)); });
    }
    std::this_thread::sleep_for(300ms);
    const auto started = Clock::now();
    client->cancelAll();
    for (auto& future : futures) {
        ASSERT_EQ(future.wait_for(2s), std::future_status::ready);
        const auto result = future.get();
        ASSERT_FALSE(result.ok());
        EXPECT_EQ(result.error(), NetErrc::cancelled) << result.error().describe();
    }
    EXPECT_LT(Clock::now() - started, 1s);
}

} // namespace
} // namespace hoststudio::net
