// SPDX-License-Identifier: GPL-2.0-or-later
// CloudinaryIngestProvider, the status poller and the fallback wrapper against the real stand-in:
// one stream per event across sessions, a deleted stream made again, idle -> active seen by polling,
// and a rejected Cloudinary account falling back to the custom RTMP server.

#include "CloudinaryFake.hpp"
#include "Scratch.hpp"
#include "hoststudio/cloud/CloudError.hpp"
#include "hoststudio/cloud/CloudinaryIngestProvider.hpp"
#include "hoststudio/cloud/CustomRtmpIngestProvider.hpp"
#include "hoststudio/cloud/FallbackIngestProvider.hpp"
#include "hoststudio/cloud/StatusPoller.hpp"
#include "hoststudio/net/NetworkThread.hpp"

#include <QString>

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <future>
#include <mutex>

namespace hoststudio::cloud {
namespace {

using namespace std::chrono_literals;
using testing::CloudinaryFake;

template <typename T> T waitFor(std::future<T> future)
{
    EXPECT_EQ(future.wait_for(30s), std::future_status::ready);
    return future.get();
}

class CloudinaryProviderTest : public ::testing::Test {
protected:
    void start(const std::vector<std::string>& fakeArguments = {}, const char* secret = testing::kApiSecret)
    {
        std::string why;
        fake_ = CloudinaryFake::start(why, fakeArguments);
        ASSERT_TRUE(fake_) << why;
        directory_ = hoststudio::testing::scratchDirectory("cloud");
        ASSERT_FALSE(directory_.empty());
        memoryPath_ = QString::fromStdString(directory_ + "/streams.json");
        client_ = makeClient(secret);
        ASSERT_TRUE(client_);
    }

    std::shared_ptr<CloudinaryClient> makeClient(const char* secret)
    {
        CloudinaryClientSettings settings;
        settings.apiBaseUrl = fake_->baseUrl();
        settings.requestTimeout = 3000ms;
        settings.maxAttempts = 1;
        auto credentials = CloudinaryCredentials::fromParts(testing::kCloud, testing::kApiKey, secret);
        auto created = CloudinaryClient::create(network_, std::move(credentials.value()), settings);
        if (!created) {
            return nullptr;
        }
        return std::shared_ptr<CloudinaryClient>(std::move(created.value()));
    }

    // A provider as a new session would make it: a fresh memory object over the same file.
    std::shared_ptr<CloudinaryIngestProvider> provider()
    {
        return std::make_shared<CloudinaryIngestProvider>(client_,
                                                          std::make_shared<CloudinaryStreamMemory>(memoryPath_));
    }

    static core::Result<IngestEndpoint> prepare(IngestProvider& provider, const IngestRequest& request)
    {
        std::promise<core::Result<IngestEndpoint>> promise;
        provider.prepare(request,
                         [&promise](core::Result<IngestEndpoint> endpoint) { promise.set_value(std::move(endpoint)); });
        return waitFor(promise.get_future());
    }

    static core::Status run(IngestProvider& provider, const IngestEndpoint& endpoint, bool start)
    {
        std::promise<core::Status> promise;
        auto done = [&promise](core::Status status) { promise.set_value(std::move(status)); };
        if (start) {
            provider.start(endpoint, done);
        } else {
            provider.stop(endpoint, done);
        }
        return waitFor(promise.get_future());
    }

    void TearDown() override
    {
        client_.reset();
        network_.stop();
        fake_.reset();
        std::error_code ignored;
        if (!directory_.empty()) {
            std::filesystem::remove_all(directory_, ignored);
        }
    }

    net::NetworkThread network_;
    std::unique_ptr<CloudinaryFake> fake_;
    std::shared_ptr<CloudinaryClient> client_;
    std::string directory_;
    QString memoryPath_;
};

TEST_F(CloudinaryProviderTest, OneStreamPerEventAcrossSessions)
{
    start();
    auto first = prepare(*provider(), {"event-1", "Town hall"});
    ASSERT_TRUE(first.ok()) << first.error().describe();
    EXPECT_EQ(first->provider, "cloudinary");
    EXPECT_FALSE(first->streamKey.empty());
    EXPECT_EQ(first->publishUrl(), first->ingestUrl + "/" + first->streamKey);
    ASSERT_TRUE(first->hlsPlaybackUrl);
    EXPECT_NE(first->playerPageUrl->find("live_stream_" + first->streamId + "_hls"), std::string::npos);
    ASSERT_TRUE(first->archiveUrl);
    EXPECT_EQ(client_->getStreamBlocking(first->streamId)->name, "Town hall");

    auto again = prepare(*provider(), {"event-1", "Town hall"});
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->streamId, first->streamId);
    EXPECT_EQ(again->streamKey, first->streamKey);

    auto other = prepare(*provider(), {"event-2", "Another"});
    ASSERT_TRUE(other.ok());
    EXPECT_NE(other->streamId, first->streamId);
    EXPECT_EQ(client_->listStreamsBlocking()->size(), 2U);
}

TEST_F(CloudinaryProviderTest, DeletedStreamIsMadeAgain)
{
    start();
    auto first = prepare(*provider(), {"event-1", "Town hall"});
    ASSERT_TRUE(first.ok());
    ASSERT_TRUE(client_->deleteStreamBlocking(first->streamId).ok());
    auto second = prepare(*provider(), {"event-1", "Town hall"});
    ASSERT_TRUE(second.ok()) << second.error().describe();
    EXPECT_NE(second->streamId, first->streamId);
    // The memory now holds the new stream.
    CloudinaryStreamMemory memory(memoryPath_);
    EXPECT_EQ(memory.streamFor(testing::kCloud, "event-1"), second->streamId);
    auto third = prepare(*provider(), {"event-1", "Town hall"});
    ASSERT_TRUE(third.ok());
    EXPECT_EQ(third->streamId, second->streamId);
}

TEST_F(CloudinaryProviderTest, StreamWithoutHlsOutputHasItsOutputsListed)
{
    start();
    auto first = prepare(*provider(), {"event-1", "Town hall"});
    ASSERT_TRUE(first.ok());
    auto outputs = client_->listOutputsBlocking(first->streamId);
    ASSERT_TRUE(outputs.ok());
    for (const LiveStreamOutput& output : outputs.value()) {
        if (output.type == "hls") {
            ASSERT_TRUE(client_->deleteOutputBlocking(first->streamId, output.id).ok());
        }
    }
    const std::size_t before = fake_->requests().size();
    auto again = prepare(*provider(), {"event-1", "Town hall"});
    ASSERT_TRUE(again.ok()) << again.error().describe();
    EXPECT_EQ(again->streamId, first->streamId);
    EXPECT_FALSE(again->hlsPlaybackUrl); // none exists any more, and nothing was made up
    EXPECT_TRUE(again->archiveUrl);
    const auto requests = fake_->requests();
    ASSERT_EQ(requests.size(), before + 2); // the stream, then its outputs
    EXPECT_EQ(requests.back().at("path"), "/v2/video/testcloud/live_streams/" + first->streamId + "/outputs");
}

TEST_F(CloudinaryProviderTest, OtherErrorsDoNotReplaceTheStream)
{
    start();
    auto first = prepare(*provider(), {"event-1", "Town hall"});
    ASSERT_TRUE(first.ok());
    ASSERT_TRUE(fake_->inject({{"mode", "status503"}, {"count", 1}}));
    auto failed = prepare(*provider(), {"event-1", "Town hall"});
    ASSERT_FALSE(failed.ok());
    EXPECT_EQ(failed.error(), CloudErrc::serverError);
    auto later = prepare(*provider(), {"event-1", "Town hall"});
    ASSERT_TRUE(later.ok());
    EXPECT_EQ(later->streamId, first->streamId);
    EXPECT_EQ(client_->listStreamsBlocking()->size(), 1U);
}

TEST_F(CloudinaryProviderTest, StartStopAndPolledStatus)
{
    start({"--activate-after-ms", "1500"}); // far longer than the longest poll interval
    auto ingest = provider();
    auto endpoint = prepare(*ingest, {"event-1", "Town hall"});
    ASSERT_TRUE(endpoint.ok());

    std::mutex mutex;
    std::condition_variable changed;
    std::vector<IngestStatus> seen;
    StatusPollerSettings settings;
    settings.initialInterval = 50ms;
    settings.maxInterval = 200ms;
    StatusPoller poller(*ingest, endpoint.value(), settings, [&](const IngestStatus& status) {
        std::lock_guard lock(mutex);
        seen.push_back(status);
        changed.notify_all();
    });
    poller.start();
    const auto waitForState = [&](IngestState state) {
        std::unique_lock lock(mutex);
        return changed.wait_for(lock, 20s, [&] { return !seen.empty() && seen.back().state == state; });
    };
    ASSERT_TRUE(waitForState(IngestState::idle));
    ASSERT_TRUE(run(*ingest, endpoint.value(), true).ok());
    ASSERT_TRUE(waitForState(IngestState::live));
    ASSERT_TRUE(run(*ingest, endpoint.value(), false).ok());
    ASSERT_TRUE(waitForState(IngestState::idle));
    poller.stop();
    std::lock_guard lock(mutex);
    // idle, then "activating" (starting), then active (live), then idle: each change once.
    ASSERT_EQ(seen.size(), 4U);
    EXPECT_EQ(seen.at(1).state, IngestState::starting);
    EXPECT_EQ(seen.at(1).providerStatus, "activating");
    EXPECT_EQ(seen.at(2).providerStatus, "active");
}

TEST_F(CloudinaryProviderTest, RejectedAccountFallsBackToCustomRtmp)
{
    start({}, "not-the-right-secret");
    auto custom = CustomRtmpIngestProvider::create({"rtmp://127.0.0.1:1935/live", "fallback-key-123", ""});
    ASSERT_TRUE(custom.ok());
    FallbackIngestProvider fallback(provider(), std::shared_ptr<IngestProvider>(std::move(custom.value())));
    auto endpoint = prepare(fallback, {"event-1", "Town hall"});
    ASSERT_TRUE(endpoint.ok()) << endpoint.error().describe();
    EXPECT_EQ(endpoint->provider, "custom");
    EXPECT_EQ(endpoint->fellBackFrom, "cloudinary");
    ASSERT_TRUE(endpoint->fallbackReason);
    EXPECT_NE(endpoint->fallbackReason->find("credentials rejected"), std::string::npos) << *endpoint->fallbackReason;
    EXPECT_EQ(endpoint->publishUrl(), "rtmp://127.0.0.1:1935/live/fallback-key-123");
    // start goes to the provider that made the endpoint: the custom one, which needs no server.
    const std::size_t before = fake_->requests().size();
    EXPECT_TRUE(run(fallback, endpoint.value(), true).ok());
    EXPECT_EQ(fake_->requests().size(), before);
}

} // namespace
} // namespace hoststudio::cloud
