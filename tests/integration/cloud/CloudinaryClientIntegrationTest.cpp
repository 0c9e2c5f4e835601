// SPDX-License-Identifier: GPL-2.0-or-later
// CloudinaryClient against the real stand-in of the Live Streaming API (cloudinary-fake.mjs on a
// free 127.0.0.1 port, one per test): every operation, every error mapping, every injected fault,
// retries counted from the fake's own request list, and no API secret in any log line or error.

#include "CloudinaryFake.hpp"
#include "LoopbackPort.hpp"
#include "hoststudio/cloud/CloudError.hpp"
#include "hoststudio/cloud/CloudinaryClient.hpp"
#include "hoststudio/net/NetworkThread.hpp"

#include <QByteArray>

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <mutex>
#include <string>
#include <vector>

namespace hoststudio::cloud {
namespace {

using namespace std::chrono_literals;
using testing::CloudinaryFake;

class CloudinaryClientTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        std::string why;
        fake_ = CloudinaryFake::start(why);
        ASSERT_TRUE(fake_) << why;
        settings_.apiBaseUrl = fake_->baseUrl();
        settings_.requestTimeout = 2000ms;
        settings_.maxAttempts = 3;
        settings_.initialBackoff = 50ms;
        settings_.maxBackoff = 200ms;
        settings_.maxRateLimitWait = 5000ms;
        settings_.onRetry = [this](const RetryNotice& notice) {
            std::lock_guard lock(mutex_);
            retries_.push_back(notice);
        };
    }

    void TearDown() override
    {
        client_.reset();
        network_.stop();
        // The secret (and the Authorization header made from it) never reached a log line.
        const std::string basic =
            QByteArray(std::string(testing::kApiKey).append(":").append(testing::kApiSecret).c_str())
                .toBase64()
                .toStdString();
        const std::vector<std::string> lines = logs_.lines();
        EXPECT_FALSE(lines.empty()); // the capture works: every client logs at least its creation
        for (const std::string& line : lines) {
            EXPECT_EQ(line.find(testing::kApiSecret), std::string::npos) << line;
            EXPECT_EQ(line.find(basic), std::string::npos) << line;
        }
        fake_.reset();
    }

    CloudinaryClient& client(const char* secret = testing::kApiSecret)
    {
        auto credentials = CloudinaryCredentials::fromParts(testing::kCloud, testing::kApiKey, secret);
        EXPECT_TRUE(credentials.ok());
        auto created = CloudinaryClient::create(network_, std::move(credentials.value()), settings_);
        EXPECT_TRUE(created.ok()) << created.error().describe();
        client_ = std::move(created.value());
        return *client_;
    }

    // API requests the fake received since the last call.
    std::size_t newRequests()
    {
        const std::size_t total = fake_->requests().size();
        const std::size_t fresh = total - seen_;
        seen_ = total;
        return fresh;
    }

    static void expectClearError(const core::Error& error, CloudErrc code, const std::string& fragment)
    {
        EXPECT_EQ(error, code) << error.describe();
        EXPECT_NE(error.detail().find(fragment), std::string::npos) << error.detail();
        EXPECT_EQ(error.detail().find(testing::kApiSecret), std::string::npos) << error.detail();
    }

    testing::LogCapture logs_;
    std::unique_ptr<CloudinaryFake> fake_;
    net::NetworkThread network_;
    CloudinaryClientSettings settings_;
    std::unique_ptr<CloudinaryClient> client_;
    std::mutex mutex_;
    std::vector<RetryNotice> retries_;
    std::size_t seen_ = 0;
};

TEST_F(CloudinaryClientTest, EveryStreamOperation)
{
    CloudinaryClient& api = client();
    auto created = api.createStreamBlocking({"Town hall", 120, 3600});
    ASSERT_TRUE(created.ok()) << created.error().describe();
    EXPECT_EQ(created->name, "Town hall");
    EXPECT_EQ(created->statusText, "idle");
    EXPECT_EQ(created->idleTimeoutSeconds, 120);
    EXPECT_EQ(created->maxRuntimeSeconds, 3600);
    ASSERT_TRUE(created->publishUrl());
    ASSERT_TRUE(created->hlsPlaybackUrl());
    const std::string id = created->id;

    auto listed = api.listStreamsBlocking();
    ASSERT_TRUE(listed.ok());
    ASSERT_EQ(listed->size(), 1U);
    EXPECT_EQ(listed->front().id, id);

    auto fetched = api.getStreamBlocking(id);
    ASSERT_TRUE(fetched.ok());
    EXPECT_EQ(fetched->streamKey, created->streamKey); // keys are permanent

    auto updated = api.updateStreamBlocking(id, {"Renamed", std::nullopt, 7200});
    ASSERT_TRUE(updated.ok());
    EXPECT_EQ(updated->name, "Renamed");
    EXPECT_EQ(updated->maxRuntimeSeconds, 7200);
    EXPECT_EQ(updated->idleTimeoutSeconds, 120);

    auto activated = api.activateStreamBlocking(id);
    ASSERT_TRUE(activated.ok());
    EXPECT_FALSE(activated->empty());
    EXPECT_EQ(api.getStreamBlocking(id)->status(), StreamStatus::active);
    ASSERT_TRUE(api.idleStreamBlocking(id).ok());
    EXPECT_EQ(api.getStreamBlocking(id)->status(), StreamStatus::idle);

    auto deleted = api.deleteStreamBlocking(id);
    ASSERT_TRUE(deleted.ok());
    EXPECT_EQ(*deleted, "Live stream deleted");
    auto gone = api.getStreamBlocking(id);
    ASSERT_FALSE(gone.ok());
    expectClearError(gone.error(), CloudErrc::streamNotFound, "create a new one");

    // Each call was exactly one authorised request on the documented path.
    const auto requests = fake_->requests();
    ASSERT_EQ(requests.size(), 10U);
    EXPECT_EQ(requests.at(0).at("method"), "POST");
    EXPECT_EQ(requests.at(0).at("path"), "/v2/video/testcloud/live_streams");
    EXPECT_EQ(requests.at(4).at("path"), "/v2/video/testcloud/live_streams/" + id + "/activate");
    for (const auto& request : requests) {
        EXPECT_TRUE(request.at("authorised").get<bool>()) << request.dump();
    }
}

TEST_F(CloudinaryClientTest, EveryOutputOperation)
{
    CloudinaryClient& api = client();
    auto stream = api.createStreamBlocking({});
    ASSERT_TRUE(stream.ok());
    auto outputs = api.listOutputsBlocking(stream->id);
    ASSERT_TRUE(outputs.ok());
    ASSERT_EQ(outputs->size(), 2U); // the default hls and archive outputs
    OutputOptions restream;
    restream.type = "rtmp";
    restream.name = "youtube";
    restream.uri = "rtmp://a.rtmp.youtube.com/live2";
    restream.streamKey = "abcd-efgh-ijkl";
    auto created = api.createOutputBlocking(stream->id, restream);
    ASSERT_TRUE(created.ok()) << created.error().describe();
    EXPECT_EQ(created->type, "rtmp");
    EXPECT_EQ(created->uri, "rtmp://a.rtmp.youtube.com/live2");
    auto fetched = api.getOutputBlocking(stream->id, created->id);
    ASSERT_TRUE(fetched.ok());
    EXPECT_EQ(fetched->name, "youtube");
    OutputOptions rename;
    rename.name = "youtube main";
    auto updated = api.updateOutputBlocking(stream->id, created->id, rename);
    ASSERT_TRUE(updated.ok());
    EXPECT_EQ(updated->name, "youtube main");
    EXPECT_EQ(api.listOutputsBlocking(stream->id)->size(), 3U);
    ASSERT_TRUE(api.deleteOutputBlocking(stream->id, created->id).ok());
    EXPECT_EQ(api.listOutputsBlocking(stream->id)->size(), 2U);
    auto missing = api.getOutputBlocking(stream->id, created->id);
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error(), CloudErrc::streamNotFound);
    // An output needs a type; nothing is sent without one.
    newRequests();
    auto untyped = api.createOutputBlocking(stream->id, OutputOptions{});
    ASSERT_FALSE(untyped.ok());
    EXPECT_EQ(untyped.error(), CloudErrc::requestRejected);
    EXPECT_EQ(newRequests(), 0U);
}

TEST_F(CloudinaryClientTest, RejectsIdsThatWouldChangeThePath)
{
    CloudinaryClient& api = client();
    for (const std::string bad : {"", "../other", "abc?x=1", "a/b", "with space"}) {
        auto result = api.getStreamBlocking(bad);
        ASSERT_FALSE(result.ok()) << bad;
        expectClearError(result.error(), CloudErrc::requestRejected, "hoststudio ingest list");
    }
    EXPECT_EQ(newRequests(), 0U);
}

TEST_F(CloudinaryClientTest, WrongSecretIs401NotRetried)
{
    CloudinaryClient& api = client("a-wrong-secret-value");
    auto result = api.listStreamsBlocking();
    ASSERT_FALSE(result.ok());
    expectClearError(result.error(), CloudErrc::invalidCredentials, "API secret");
    EXPECT_EQ(result.error().detail().find("a-wrong-secret-value"), std::string::npos);
    EXPECT_EQ(newRequests(), 1U);
}

TEST_F(CloudinaryClientTest, ForbiddenIs403NotRetried)
{
    CloudinaryClient& api = client();
    ASSERT_TRUE(
        fake_->inject({{"mode", "status"}, {"status", 403}, {"message", "Live streaming not enabled"}, {"count", 5}}));
    auto result = api.listStreamsBlocking();
    ASSERT_FALSE(result.ok());
    expectClearError(result.error(), CloudErrc::forbidden, "Live streaming not enabled");
    EXPECT_NE(result.error().detail().find("permission"), std::string::npos);
    EXPECT_EQ(newRequests(), 1U);
}

TEST_F(CloudinaryClientTest, UnknownStreamIs404NotRetried)
{
    CloudinaryClient& api = client();
    auto result = api.deleteStreamBlocking("0123456789abcdef0123456789abcdef");
    ASSERT_FALSE(result.ok());
    expectClearError(result.error(), CloudErrc::streamNotFound, "not found");
    EXPECT_EQ(newRequests(), 1U);
    EXPECT_TRUE(retries_.empty());
}

TEST_F(CloudinaryClientTest, BadRequestIsRejectedNotRetried)
{
    CloudinaryClient& api = client();
    auto result = api.createStreamBlocking({std::nullopt, -5, std::nullopt});
    ASSERT_FALSE(result.ok());
    expectClearError(result.error(), CloudErrc::requestRejected, "idle_timeout_sec must be a positive integer");
    EXPECT_EQ(newRequests(), 1U);
}

TEST_F(CloudinaryClientTest, RateLimit429WaitsForTheReset)
{
    CloudinaryClient& api = client();
    ASSERT_TRUE(fake_->inject({{"mode", "rateLimit"}, {"resetSeconds", 1}, {"count", 1}}));
    auto result = api.listStreamsBlocking();
    ASSERT_TRUE(result.ok()) << result.error().describe();
    EXPECT_EQ(newRequests(), 2U);
    ASSERT_EQ(retries_.size(), 1U);
    EXPECT_EQ(retries_.front().error, CloudErrc::rateLimited);
    EXPECT_GE(retries_.front().delay, 1000ms); // the reset, not the 50 ms back-off
}

TEST_F(CloudinaryClientTest, RateLimit420WaitsForTheReset)
{
    CloudinaryClient& api = client();
    ASSERT_TRUE(fake_->inject({{"mode", "rateLimit420"}, {"resetSeconds", 1}, {"count", 1}}));
    auto result = api.createStreamBlocking({"after 420", std::nullopt, std::nullopt});
    ASSERT_TRUE(result.ok()) << result.error().describe();
    EXPECT_EQ(newRequests(), 2U);
    ASSERT_EQ(retries_.size(), 1U);
    EXPECT_GE(retries_.front().delay, 1000ms);
}

TEST_F(CloudinaryClientTest, RateLimitResetTooFarAwayIsReportedAtOnce)
{
    CloudinaryClient& api = client();
    ASSERT_TRUE(fake_->inject({{"mode", "rateLimit"}, {"resetSeconds", 90}, {"count", 1}}));
    auto result = api.listStreamsBlocking();
    ASSERT_FALSE(result.ok());
    expectClearError(result.error(), CloudErrc::rateLimited, "try again in ");
    EXPECT_NE(result.error().detail().find(" s"), std::string::npos);
    EXPECT_EQ(newRequests(), 1U);
}

TEST_F(CloudinaryClientTest, ServerErrorsAreRetriedUntilTheyPass)
{
    CloudinaryClient& api = client();
    ASSERT_TRUE(fake_->inject({{"mode", "status500"}, {"count", 1}}));
    ASSERT_TRUE(fake_->inject({{"mode", "status503"}, {"count", 1}}));
    auto result = api.listStreamsBlocking();
    ASSERT_TRUE(result.ok()) << result.error().describe();
    EXPECT_EQ(newRequests(), 3U);
    ASSERT_EQ(retries_.size(), 2U);
    EXPECT_EQ(retries_.at(0).error, CloudErrc::serverError);
    EXPECT_LE(retries_.at(0).delay, retries_.at(1).delay); // backing off
}

TEST_F(CloudinaryClientTest, ServerErrorsGiveUpAfterTheLastAttempt)
{
    CloudinaryClient& api = client();
    ASSERT_TRUE(fake_->inject({{"mode", "status503"}, {"count", 10}}));
    auto result = api.getStreamBlocking("0123456789abcdef0123456789abcdef");
    ASSERT_FALSE(result.ok());
    expectClearError(result.error(), CloudErrc::serverError, "gave up after 3 attempts");
    EXPECT_NE(result.error().detail().find("Service unavailable"), std::string::npos);
    EXPECT_EQ(newRequests(), 3U);
}

TEST_F(CloudinaryClientTest, AnswerLaterThanTheTimeoutIsATimeout)
{
    settings_.requestTimeout = 400ms;
    settings_.maxAttempts = 2;
    CloudinaryClient& api = client();
    ASSERT_TRUE(fake_->inject({{"mode", "delay"}, {"delayMs", 3000}, {"count", 5}}));
    const auto began = std::chrono::steady_clock::now();
    auto result = api.listStreamsBlocking();
    const auto took = std::chrono::steady_clock::now() - began;
    ASSERT_FALSE(result.ok());
    expectClearError(result.error(), CloudErrc::timedOut, "check the network connection");
    EXPECT_EQ(newRequests(), 2U);
    // Bounded by the attempts' timeouts and back-off, far below the fake's 2 × 3 s.
    EXPECT_LT(took, 2500ms);
}

TEST_F(CloudinaryClientTest, HangingServerIsATimeoutAndACreateIsNotRepeated)
{
    settings_.requestTimeout = 400ms;
    CloudinaryClient& api = client();
    ASSERT_TRUE(fake_->inject({{"mode", "hang"}, {"count", 5}}));
    auto result = api.createStreamBlocking({"maybe twice", std::nullopt, std::nullopt});
    ASSERT_FALSE(result.ok());
    expectClearError(result.error(), CloudErrc::timedOut, "list the streams before creating another");
    EXPECT_EQ(newRequests(), 1U);
    // A read is repeated.
    auto read = api.listStreamsBlocking();
    ASSERT_FALSE(read.ok());
    EXPECT_EQ(read.error(), CloudErrc::timedOut);
    EXPECT_EQ(newRequests(), 3U);
}

TEST_F(CloudinaryClientTest, MalformedJsonIsRetriedThenReported)
{
    CloudinaryClient& api = client();
    ASSERT_TRUE(fake_->inject({{"mode", "malformed"}, {"count", 1}}));
    auto once = api.listStreamsBlocking();
    ASSERT_TRUE(once.ok()) << once.error().describe();
    EXPECT_EQ(newRequests(), 2U);

    ASSERT_TRUE(fake_->inject({{"mode", "malformed"}, {"count", 10}}));
    auto always = api.listStreamsBlocking();
    ASSERT_FALSE(always.ok());
    expectClearError(always.error(), CloudErrc::invalidResponse, "not JSON");
    EXPECT_NE(always.error().detail().find("cloudinary/apiBaseUrl"), std::string::npos);
    EXPECT_EQ(newRequests(), 3U);
}

TEST_F(CloudinaryClientTest, TruncatedBodyIsAClearError)
{
    CloudinaryClient& api = client();
    ASSERT_TRUE(fake_->inject({{"mode", "truncated"}, {"count", 10}}));
    auto result = api.getStreamBlocking("0123456789abcdef0123456789abcdef");
    ASSERT_FALSE(result.ok());
    EXPECT_TRUE(result.error() == CloudErrc::unreachable || result.error() == CloudErrc::invalidResponse)
        << result.error().describe();
    EXPECT_NE(result.error().detail().find("get live stream 0123456789abcdef0123456789abcdef"), std::string::npos);
    EXPECT_NE(result.error().detail().find("gave up after 3 attempts"), std::string::npos) << result.error().detail();
    EXPECT_EQ(newRequests(), 3U);
}

TEST_F(CloudinaryClientTest, WrongTypesAreAClearErrorNotRetried)
{
    CloudinaryClient& api = client();
    ASSERT_TRUE(fake_->inject({{"mode", "wrongTypes"}, {"count", 1}}));
    auto result = api.createStreamBlocking({});
    ASSERT_FALSE(result.ok());
    expectClearError(result.error(), CloudErrc::invalidResponse, "should be text, got number");
    EXPECT_EQ(newRequests(), 1U);
}

TEST_F(CloudinaryClientTest, UnreachableServerIsReportedAfterTheAttempts)
{
    settings_.apiBaseUrl = "http://127.0.0.1:" + std::to_string(hoststudio::testing::unusedLoopbackPort());
    CloudinaryClient& api = client();
    auto result = api.listStreamsBlocking();
    ASSERT_FALSE(result.ok());
    expectClearError(result.error(), CloudErrc::unreachable, "cloudinary/apiBaseUrl");
    EXPECT_EQ(retries_.size(), 2U);
}

TEST_F(CloudinaryClientTest, CancelEndsAHangingRequest)
{
    settings_.requestTimeout = 20000ms;
    CloudinaryClient& api = client();
    ASSERT_TRUE(fake_->inject({{"mode", "hang"}, {"count", 1}}));
    std::promise<core::Result<std::vector<LiveStream>>> promise;
    api.listStreams([&promise](core::Result<std::vector<LiveStream>> result) { promise.set_value(std::move(result)); });
    while (fake_->requests().empty()) {
        std::this_thread::sleep_for(10ms);
    }
    api.cancel();
    auto future = promise.get_future();
    ASSERT_EQ(future.wait_for(5s), std::future_status::ready);
    auto result = future.get();
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error(), CloudErrc::cancelled);
    // The client still works afterwards.
    EXPECT_TRUE(api.listStreamsBlocking().ok());
}

TEST_F(CloudinaryClientTest, DestructionStopsAPendingRetry)
{
    settings_.initialBackoff = 10000ms;
    settings_.maxBackoff = 10000ms;
    CloudinaryClient& api = client();
    ASSERT_TRUE(fake_->inject({{"mode", "status503"}, {"count", 5}}));
    std::promise<core::Result<std::vector<LiveStream>>> promise;
    api.listStreams([&promise](core::Result<std::vector<LiveStream>> result) { promise.set_value(std::move(result)); });
    for (int waited = 0; waited < 500; ++waited) {
        std::lock_guard lock(mutex_);
        if (!retries_.empty()) {
            break;
        }
        std::this_thread::sleep_for(10ms);
    }
    ASSERT_EQ(retries_.size(), 1U);
    client_.reset();
    auto future = promise.get_future();
    ASSERT_EQ(future.wait_for(5s), std::future_status::ready);
    auto result = future.get();
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error(), CloudErrc::cancelled);
    EXPECT_EQ(newRequests(), 1U); // the retry never went out
}

TEST_F(CloudinaryClientTest, AcceptsOnlySafeBaseUrls)
{
    auto credentials = CloudinaryCredentials::fromParts(testing::kCloud, testing::kApiKey, testing::kApiSecret);
    ASSERT_TRUE(credentials.ok());
    for (const char* bad :
         {"http://api.cloudinary.com", "ftp://127.0.0.1", "not a url", "https://k:s@api.cloudinary.com"}) {
        settings_.apiBaseUrl = bad;
        auto created = CloudinaryClient::create(network_, credentials.value(), settings_);
        ASSERT_FALSE(created.ok()) << bad;
        EXPECT_EQ(created.error(), CloudErrc::notConfigured);
        EXPECT_NE(created.error().detail().find("cloudinary/apiBaseUrl"), std::string::npos)
            << created.error().detail();
    }
    settings_.apiBaseUrl = "https://api.cloudinary.com/";
    auto created = CloudinaryClient::create(network_, credentials.value(), settings_);
    ASSERT_TRUE(created.ok());
    EXPECT_EQ(created.value()->endpointUrl(), "https://api.cloudinary.com/v2/video/testcloud/live_streams");
}

} // namespace
} // namespace hoststudio::cloud
