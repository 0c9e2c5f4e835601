// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/cloud/FallbackIngestProvider.hpp"

#include "LoopbackPort.hpp"
#include "ScriptedIngestProvider.hpp"
#include "hoststudio/cloud/CloudError.hpp"
#include "hoststudio/cloud/CloudinaryIngestProvider.hpp"
#include "hoststudio/cloud/CustomRtmpIngestProvider.hpp"
#include "hoststudio/net/NetworkThread.hpp"

#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <future>

namespace hoststudio::cloud {
namespace {

using testing::ScriptedIngestProvider;

core::Result<IngestEndpoint> prepareNow(IngestProvider& provider, const IngestRequest& request)
{
    std::promise<core::Result<IngestEndpoint>> promise;
    provider.prepare(request,
                     [&promise](core::Result<IngestEndpoint> endpoint) { promise.set_value(std::move(endpoint)); });
    auto future = promise.get_future();
    EXPECT_EQ(future.wait_for(std::chrono::seconds(30)), std::future_status::ready);
    return future.get();
}

struct Pair {
    std::shared_ptr<ScriptedIngestProvider> primary = std::make_shared<ScriptedIngestProvider>("cloudinary");
    std::shared_ptr<ScriptedIngestProvider> secondary = std::make_shared<ScriptedIngestProvider>("backend");
    FallbackIngestProvider fallback{primary, secondary};
};

TEST(FallbackIngestProvider, PrimaryThatWorksIsUsed)
{
    Pair pair;
    pair.primary->prepareScript.emplace_back(testing::endpointFor("cloudinary", "s1"));
    auto endpoint = prepareNow(pair.fallback, {"event-1", "Title"});
    ASSERT_TRUE(endpoint.ok());
    EXPECT_EQ(endpoint->provider, "cloudinary");
    EXPECT_FALSE(endpoint->fellBackFrom);
    EXPECT_FALSE(endpoint->fallbackReason);
    EXPECT_EQ(pair.secondary->prepares, 0);
    EXPECT_EQ(pair.fallback.name(), "cloudinary, else backend");
}

TEST(FallbackIngestProvider, FailingPrimaryFallsBackAndSaysWhy)
{
    Pair pair;
    pair.primary->prepareScript.emplace_back(core::Error{CloudErrc::invalidCredentials, "HTTP 401: bad key"});
    pair.secondary->prepareScript.emplace_back(testing::endpointFor("backend", "b1"));
    auto endpoint = prepareNow(pair.fallback, {"event-1", "Title"});
    ASSERT_TRUE(endpoint.ok()) << endpoint.error().describe();
    EXPECT_EQ(endpoint->provider, "backend");
    EXPECT_EQ(endpoint->fellBackFrom, "cloudinary");
    ASSERT_TRUE(endpoint->fallbackReason);
    EXPECT_NE(endpoint->fallbackReason->find("HTTP 401: bad key"), std::string::npos);
    EXPECT_EQ(pair.secondary->lastRequest.eventId, "event-1");

    // What follows goes to the provider that made the endpoint.
    pair.fallback.start(endpoint.value(), [](core::Status) {});
    pair.fallback.stop(endpoint.value(), [](core::Status) {});
    EXPECT_EQ(pair.secondary->started, std::vector<std::string>{"b1"});
    EXPECT_EQ(pair.secondary->stopped, std::vector<std::string>{"b1"});
    EXPECT_TRUE(pair.primary->started.empty());
}

TEST(FallbackIngestProvider, BothFailingGivesBothReasons)
{
    Pair pair;
    pair.primary->prepareScript.emplace_back(core::Error{CloudErrc::serverError, "HTTP 503"});
    pair.secondary->prepareScript.emplace_back(core::Error{CloudErrc::unreachable, "connection refused"});
    auto endpoint = prepareNow(pair.fallback, {"event-1", "Title"});
    ASSERT_FALSE(endpoint.ok());
    EXPECT_EQ(endpoint.error(), CloudErrc::unreachable);
    EXPECT_NE(endpoint.error().detail().find("HTTP 503"), std::string::npos) << endpoint.error().detail();
    EXPECT_NE(endpoint.error().detail().find("connection refused"), std::string::npos);
    EXPECT_NE(endpoint.error().detail().find("backend failed too"), std::string::npos);
}

TEST(FallbackIngestProvider, CancelledPrimaryDoesNotFallBack)
{
    Pair pair;
    pair.primary->prepareScript.emplace_back(core::Error{CloudErrc::cancelled, "cancelled"});
    auto endpoint = prepareNow(pair.fallback, {"event-1", "Title"});
    ASSERT_FALSE(endpoint.ok());
    EXPECT_EQ(endpoint.error(), CloudErrc::cancelled);
    EXPECT_EQ(pair.secondary->prepares, 0);
    pair.fallback.cancel();
    EXPECT_EQ(pair.primary->cancels, 1);
    EXPECT_EQ(pair.secondary->cancels, 1);
}

TEST(FallbackIngestProvider, StatusOfThePrimarysEndpointAsksThePrimary)
{
    Pair pair;
    pair.primary->statusScript.emplace_back(IngestStatus{IngestState::live, "active"});
    std::optional<core::Result<IngestStatus>> status;
    pair.fallback.status(testing::endpointFor("cloudinary", "s1"),
                         [&status](core::Result<IngestStatus> value) { status = std::move(value); });
    ASSERT_TRUE(status && status->ok());
    EXPECT_EQ((*status)->state, IngestState::live);
    EXPECT_EQ(pair.primary->statusCallCount(), 1);
    EXPECT_EQ(pair.secondary->statusCallCount(), 0);
}

// The real pair: Cloudinary (whose API cannot be reached) first, the custom RTMP server second.
TEST(FallbackIngestProvider, UnreachableCloudinaryFallsBackToCustomRtmp)
{
    QTemporaryDir directory;
    ASSERT_TRUE(directory.isValid());
    net::NetworkThread network;
    CloudinaryClientSettings settings;
    settings.apiBaseUrl = "http://127.0.0.1:" + std::to_string(hoststudio::testing::unusedLoopbackPort());
    settings.maxAttempts = 1;
    auto credentials = CloudinaryCredentials::fromParts("demo", "123456789012345", "unit-test-secret-value");
    ASSERT_TRUE(credentials.ok());
    auto client = CloudinaryClient::create(network, std::move(credentials.value()), settings);
    ASSERT_TRUE(client.ok());
    auto cloudinary = std::make_shared<CloudinaryIngestProvider>(
        std::shared_ptr<CloudinaryClient>(std::move(client.value())),
        std::make_shared<CloudinaryStreamMemory>(directory.filePath(QStringLiteral("streams.json"))));
    auto custom = CustomRtmpIngestProvider::create({"rtmp://127.0.0.1:1935/live", "fallback-key-0001", ""});
    ASSERT_TRUE(custom.ok());
    {
        FallbackIngestProvider fallback(cloudinary, std::shared_ptr<IngestProvider>(std::move(custom.value())));
        auto endpoint = prepareNow(fallback, {"event-1", "Town hall"});
        ASSERT_TRUE(endpoint.ok()) << endpoint.error().describe();
        EXPECT_EQ(endpoint->provider, "custom");
        EXPECT_EQ(endpoint->fellBackFrom, "cloudinary");
        ASSERT_TRUE(endpoint->fallbackReason);
        EXPECT_NE(endpoint->fallbackReason->find("could not be reached"), std::string::npos)
            << *endpoint->fallbackReason;
        EXPECT_EQ(endpoint->publishUrl(), "rtmp://127.0.0.1:1935/live/fallback-key-0001");
    }
    cloudinary.reset();
    network.stop();
}

} // namespace
} // namespace hoststudio::cloud
