// SPDX-License-Identifier: GPL-2.0-or-later
// BackendClient against the real backend peer (tests/peers/livestream-backend.mjs): each test suite
// starts its own peer on a free port (its fault hooks and event log stay private), and one test
// talks to the stack's backend (HOSTSTUDIO_STACK_DIR's stack.env names HOSTSTUDIO_BACKEND_URL).
// Real media is broadcast with send-media.mjs (Socket.IO, ffmpeg). Every process a test starts is
// stopped by pid.

#include "ChildProcess.hpp"
#include "LoopbackPort.hpp"
#include "Scratch.hpp"
#include "hoststudio/cloud/BackendClient.hpp"
#include "hoststudio/cloud/BackendIngestProvider.hpp"
#include "hoststudio/cloud/CloudError.hpp"
#include "hoststudio/net/HttpClient.hpp"
#include "hoststudio/net/NetworkThread.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <memory>
#include <random>
#include <regex>
#include <string>
#include <vector>

namespace hoststudio::cloud {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

const std::string kPubkey = "3bf0c63fcb93463407af97a5e5ee64fa883d107ef9e558472c4eb9aaaefa459d";

std::string uniqueId(const std::string& prefix)
{
    std::random_device device;
    return prefix + "-" + std::to_string(::getpid()) + "-" + std::to_string(device() % 1000000);
}

std::string stackBackendUrl()
{
    const char* directory = std::getenv("HOSTSTUDIO_STACK_DIR"); // NOLINT(concurrency-mt-unsafe)
    std::ifstream env(std::string(directory != nullptr ? directory : HOSTSTUDIO_DEFAULT_STACK_DIR) + "/stack.env");
    std::string line;
    const std::string key = "HOSTSTUDIO_BACKEND_URL=";
    while (std::getline(env, line)) {
        if (line.rfind(key, 0) == 0) {
            return line.substr(key.size());
        }
    }
    return {};
}

// The backend peer on a free port, with a short idle timeout; stopped and cleaned up with the object.
class BackendPeer {
public:
    static std::unique_ptr<BackendPeer> start(std::string& why)
    {
        std::unique_ptr<BackendPeer> peer(new BackendPeer());
        peer->directory_ = hoststudio::testing::scratchDirectory("backend");
        if (peer->directory_.empty()) {
            why = "mkdtemp failed";
            return nullptr;
        }
        peer->child_ = hoststudio::testing::ChildProcess::start(
            {HOSTSTUDIO_NODE_EXECUTABLE, HOSTSTUDIO_BACKEND_SCRIPT, "--host", "127.0.0.1", "--port", "0", "--data-dir",
             peer->directory_ + "/data", "--idle-timeout-ms", "5000"},
            peer->directory_ + "/out.log", why);
        if (!peer->child_) {
            return nullptr;
        }
        const auto url = peer->child_->waitForOutput(std::regex("listening on (http://127\\.0\\.0\\.1:[0-9]+)"), 20s);
        if (!url) {
            why = "no 'listening on' line from the backend peer";
            return nullptr;
        }
        peer->url = *url;
        return peer;
    }
    ~BackendPeer()
    {
        child_.reset();
        std::error_code ignored;
        std::filesystem::remove_all(directory_, ignored);
    }
    BackendPeer(const BackendPeer&) = delete;
    BackendPeer& operator=(const BackendPeer&) = delete;
    BackendPeer(BackendPeer&&) = delete;
    BackendPeer& operator=(BackendPeer&&) = delete;

    std::string url;

private:
    BackendPeer() = default;
    std::string directory_;
    std::unique_ptr<hoststudio::testing::ChildProcess> child_;
};

class BackendClientTest : public ::testing::Test {
protected:
    static void SetUpTestSuite()
    {
        std::string why;
        peer_ = BackendPeer::start(why).release();
        ASSERT_NE(peer_, nullptr) << why;
    }
    static void TearDownTestSuite()
    {
        delete peer_;
        peer_ = nullptr;
    }

    void SetUp() override
    {
        ASSERT_NE(peer_, nullptr);
        http_ = net::HttpClient::create(thread_, net::HttpClientSettings::defaults()).value();
        ASSERT_TRUE(
            http_->requestBlocking(net::HttpRequest::make(net::HttpMethod::delete_, peer_->url + "/__faults")).ok());
    }

    std::unique_ptr<BackendClient> client(std::chrono::milliseconds timeout = 10s, std::string url = {})
    {
        BackendClientSettings settings;
        settings.baseUrl = url.empty() ? peer_->url + "/" : url; // a trailing slash is fine
        settings.requestTimeout = timeout;
        settings.nowMs = [] { return std::int64_t{1700000000123}; };
        auto created = BackendClient::create(thread_, settings);
        EXPECT_TRUE(created.ok()) << created.error().describe();
        return created.ok() ? std::move(created).value() : nullptr;
    }

    void injectFault(const json& fault)
    {
        const auto response = http_->requestBlocking(
            net::HttpRequest::make(net::HttpMethod::post, peer_->url + "/__faults").withJsonBody(fault));
        ASSERT_TRUE(response.ok() && response->status == 200);
    }

    // The HTTP requests the peer recorded for `path`.
    std::vector<json> recorded(const std::string& path)
    {
        const auto response =
            http_->requestBlocking(net::HttpRequest::make(net::HttpMethod::get, peer_->url + "/__events"));
        std::vector<json> found;
        if (!response.ok()) {
            return found;
        }
        for (const json& event : json::parse(response->body)) {
            if (event.value("kind", "") == "http" && event.value("path", "") == path) {
                found.push_back(event);
            }
        }
        return found;
    }

    static BackendPeer* peer_;
    net::NetworkThread thread_;
    std::unique_ptr<net::HttpClient> http_;
};

BackendPeer* BackendClientTest::peer_ = nullptr;

TEST_F(BackendClientTest, Health)
{
    auto backend = client();
    const auto health = backend->healthBlocking();
    ASSERT_TRUE(health.ok()) << health.error().describe();
    EXPECT_TRUE(health->healthy());
    EXPECT_EQ(health->streamsDirectoryExists, true);
    EXPECT_TRUE(health->activeStreamCount.has_value());
    EXPECT_EQ(backend->baseUrl(), peer_->url) << "trailing slash trimmed";
}

TEST_F(BackendClientTest, StartSendsTheExactBodyThenPlaybackActiveStatusStop)
{
    auto backend = client();
    const std::string id = uniqueId("client");
    const auto started = backend->startBlocking(id, {kPubkey, std::string("Town hall"), std::string("Monthly")});
    ASSERT_TRUE(started.ok()) << started.error().describe();
    EXPECT_TRUE(started->created());
    EXPECT_EQ(started->streamId, id);
    EXPECT_EQ(started->playbackUrl, peer_->url + "/livestream/" + id + "/stream.m3u8");
    ASSERT_TRUE(started->ingestUrl.has_value());

    const auto requests = recorded("/livestream/" + id + "/start");
    ASSERT_EQ(requests.size(), 1U);
    EXPECT_EQ(json::parse(requests[0].at("body").get<std::string>()), (json{{"action", "start"},
                                                                            {"userId", kPubkey},
                                                                            {"timestamp", 1700000000123},
                                                                            {"title", "Town hall"},
                                                                            {"description", "Monthly"}}));

    const auto again = backend->startBlocking(id, {kPubkey, std::nullopt, std::nullopt});
    ASSERT_TRUE(again.ok());
    EXPECT_FALSE(again->created());
    EXPECT_EQ(again->statusText, "already_exists");

    const auto playback = backend->playbackBlocking(id);
    ASSERT_TRUE(playback.ok()) << playback.error().describe();
    EXPECT_EQ(playback->playbackUrl, started->playbackUrl);
    EXPECT_EQ(playback->statusText, "active");

    const auto active = backend->activeBlocking();
    ASSERT_TRUE(active.ok()) << active.error().describe();
    const auto listed = std::find_if(active->streams.begin(), active->streams.end(),
                                     [&](const BackendActiveStream& stream) { return stream.streamId == id; });
    ASSERT_NE(listed, active->streams.end());
    EXPECT_EQ(listed->userId, kPubkey);
    EXPECT_TRUE(listed->isActive);

    // Started over HTTP but nothing broadcast: the backend says "active", the client says no content.
    const auto status = backend->statusBlocking(id);
    ASSERT_TRUE(status.ok()) << status.error().describe();
    EXPECT_EQ(status->cloudinaryStatus, "active");
    EXPECT_FALSE(status->hasLiveContent());

    const auto stopped = backend->stopBlocking(id, kPubkey);
    ASSERT_TRUE(stopped.ok()) << stopped.error().describe();
    EXPECT_TRUE(stopped->wasRunning());
    const auto stopRequests = recorded("/livestream/" + id + "/stop");
    ASSERT_EQ(stopRequests.size(), 1U);
    EXPECT_EQ(json::parse(stopRequests[0].at("body").get<std::string>()),
              (json{{"action", "stop"}, {"userId", kPubkey}, {"timestamp", 1700000000123}}));
    // The seed backend answers "stopped" again for any stream it knows (its stop only sets a word).
    const auto stoppedAgain = backend->stopBlocking(id, kPubkey);
    ASSERT_TRUE(stoppedAgain.ok());
    EXPECT_EQ(stoppedAgain->statusText, "stopped");
    const auto afterStop = backend->statusBlocking(id);
    ASSERT_TRUE(afterStop.ok());
    EXPECT_EQ(afterStop->cloudinaryStatus, "inactive");
}

TEST_F(BackendClientTest, StatusOfAPolledIdIsNotLiveContent)
{
    auto backend = client();
    const auto status = backend->statusBlocking(uniqueId("never-started"));
    ASSERT_TRUE(status.ok()) << status.error().describe();
    EXPECT_FALSE(status->hasLiveContent()) << "the backend's overall.isActive is true here and means nothing";
    EXPECT_TRUE(status->manifestExists) << "asking creates a placeholder stream with a stub playlist";
    EXPECT_FALSE(status->hasVideoContent);
    EXPECT_EQ(status->cloudinaryStatus, "not_found");
}

TEST_F(BackendClientTest, StatusShowsRealHlsAfterABroadcast)
{
    const std::string id = uniqueId("broadcast");
    const std::string command = std::string("'") + HOSTSTUDIO_NODE_EXECUTABLE + "' '" + HOSTSTUDIO_SEND_MEDIA_SCRIPT +
                                "' --url '" + peer_->url + "' --stream '" + id + "' --segments 2 --end no";
    ASSERT_EQ(std::system(command.c_str()), 0) << command; // NOLINT(concurrency-mt-unsafe,cert-env33-c)
    auto backend = client();
    const auto status = backend->statusBlocking(id);
    ASSERT_TRUE(status.ok()) << status.error().describe();
    EXPECT_TRUE(status->hasLiveContent());
    EXPECT_TRUE(status->manifestExists);
    ASSERT_TRUE(status->manifestContent.has_value());
    EXPECT_EQ(status->manifestContent->rfind("#EXTM3U", 0), 0U);
    EXPECT_NE(std::find(status->files.begin(), status->files.end(), "stream.m3u8"), status->files.end());
}

TEST_F(BackendClientTest, UnknownStreamIsStreamNotFound)
{
    auto backend = client();
    const auto playback = backend->playbackBlocking(uniqueId("unknown"));
    ASSERT_FALSE(playback.ok());
    EXPECT_EQ(playback.error(), CloudErrc::streamNotFound);
    EXPECT_NE(playback.error().detail().find("Stream not found"), std::string::npos) << playback.error().detail();
}

TEST_F(BackendClientTest, ServerErrorCarriesItsMessage)
{
    injectFault({{"mode", "status500"}, {"message", "database is down"}});
    auto backend = client();
    const auto started = backend->startBlocking(uniqueId("fault"), {kPubkey, std::nullopt, std::nullopt});
    ASSERT_FALSE(started.ok());
    EXPECT_EQ(started.error(), CloudErrc::serverError);
    EXPECT_NE(started.error().detail().find("Internal server error: database is down"), std::string::npos)
        << started.error().detail();
    EXPECT_NE(started.error().detail().find("start stream"), std::string::npos) << "names the operation";
}

TEST_F(BackendClientTest, NoAnswerInTimeIsTimedOut)
{
    injectFault({{"mode", "hang"}});
    auto backend = client(1s);
    const auto health = backend->healthBlocking();
    ASSERT_FALSE(health.ok());
    EXPECT_EQ(health.error(), CloudErrc::timedOut) << health.error().describe();
    EXPECT_NE(health.error().detail().find("did not answer in time"), std::string::npos);
}

TEST_F(BackendClientTest, InvalidUserIdIsRefusedBeforeSending)
{
    auto backend = client();
    const std::string id = uniqueId("badkey");
    const auto started = backend->startBlocking(id, {"npub1notahexkey", std::nullopt, std::nullopt});
    ASSERT_FALSE(started.ok());
    EXPECT_EQ(started.error(), core::CoreErrc::invalidArgument);
    EXPECT_TRUE(recorded("/livestream/" + id + "/start").empty());
}

TEST_F(BackendClientTest, AsyncCallbackOnceOnTheNetworkThread)
{
    auto backend = client();
    std::promise<std::pair<bool, bool>> promise;
    auto future = promise.get_future();
    backend->health([this, &promise](core::Result<BackendHealth> health) {
        promise.set_value({health.ok() && health->healthy(), thread_.isCurrentThread()});
    });
    ASSERT_EQ(future.wait_for(10s), std::future_status::ready);
    const auto [healthy, onNetworkThread] = future.get();
    EXPECT_TRUE(healthy);
    EXPECT_TRUE(onNetworkThread);

    // An invalid request fails through the callback as well.
    std::promise<core::Error> failed;
    backend->stop("", kPubkey, [&failed](core::Result<BackendStopResult> stopped) {
        failed.set_value(stopped.ok() ? core::Error{} : stopped.error());
    });
    auto error = failed.get_future();
    ASSERT_EQ(error.wait_for(10s), std::future_status::ready);
    EXPECT_EQ(error.get(), core::CoreErrc::invalidArgument);
}

TEST_F(BackendClientTest, BackendDownIsAClearErrorQuickly)
{
    const std::string url = "http://127.0.0.1:" + std::to_string(hoststudio::testing::unusedLoopbackPort());
    auto backend = client(10s, url);
    const auto begin = std::chrono::steady_clock::now();
    const auto started = backend->startBlocking("down", {kPubkey, std::nullopt, std::nullopt});
    const auto took = std::chrono::steady_clock::now() - begin;
    ASSERT_FALSE(started.ok());
    EXPECT_EQ(started.error(), CloudErrc::unreachable);
    EXPECT_NE(started.error().detail().find("start the backend at " + url + " or pick another ingest"),
              std::string::npos)
        << started.error().detail();
    EXPECT_LT(took, 5s) << "a refused connection must not wait for the request timeout";
}

// Waits for an IngestProvider callback's result.
template <typename T> core::Result<T> await(const std::function<void(std::function<void(core::Result<T>)>)>& call)
{
    auto promise = std::make_shared<std::promise<core::Result<T>>>();
    auto future = promise->get_future();
    call([promise](core::Result<T> result) { promise->set_value(std::move(result)); });
    if (future.wait_for(30s) != std::future_status::ready) {
        return core::Error{core::CoreErrc::timedOut, "no callback in 30 s"};
    }
    return future.get();
}

core::Status awaitDone(const std::function<void(IngestProvider::DoneCallback)>& call)
{
    auto promise = std::make_shared<std::promise<core::Status>>();
    auto future = promise->get_future();
    call([promise](core::Status status) { promise->set_value(std::move(status)); });
    if (future.wait_for(30s) != std::future_status::ready) {
        return core::Error{core::CoreErrc::timedOut, "no callback in 30 s"};
    }
    return future.get();
}

TEST_F(BackendClientTest, IngestProviderFromPrepareToEnded)
{
    std::shared_ptr<BackendClient> shared = client();
    BackendIngestProvider provider(shared, BackendIngestSettings{kPubkey});
    EXPECT_EQ(provider.name(), "backend");
    const std::string id = uniqueId("provider");

    const auto endpoint = await<IngestEndpoint>([&](IngestProvider::EndpointCallback done) {
        provider.prepare({id, "Town hall"}, std::move(done));
    });
    ASSERT_TRUE(endpoint.ok()) << endpoint.error().describe();
    EXPECT_EQ(endpoint->provider, "backend");
    EXPECT_EQ(endpoint->hlsPlaybackUrl, peer_->url + "/livestream/" + id + "/stream.m3u8");
    EXPECT_EQ(endpoint->ingestUrl.rfind("ws://127.0.0.1:", 0), 0U) << endpoint->ingestUrl;

    const auto statusNow = [&] {
        return await<IngestStatus>(
            [&](IngestProvider::StatusCallback done) { provider.status(*endpoint, std::move(done)); });
    };
    auto status = statusNow();
    ASSERT_TRUE(status.ok()) << status.error().describe();
    EXPECT_EQ(status->state, IngestState::idle) << status->providerStatus;

    const core::Status started =
        awaitDone([&](IngestProvider::DoneCallback done) { provider.start(*endpoint, std::move(done)); });
    ASSERT_TRUE(started.ok()) << started.error().describe();
    const auto requests = recorded("/livestream/" + id + "/start");
    ASSERT_EQ(requests.size(), 1U);
    EXPECT_EQ(json::parse(requests[0].at("body").get<std::string>()).value("title", ""), "Town hall");
    status = statusNow();
    ASSERT_TRUE(status.ok());
    EXPECT_EQ(status->state, IngestState::starting) << "started, but no media yet: " << status->providerStatus;

    const std::string command = std::string("'") + HOSTSTUDIO_NODE_EXECUTABLE + "' '" + HOSTSTUDIO_SEND_MEDIA_SCRIPT +
                                "' --url '" + peer_->url + "' --stream '" + id + "' --segments 1 --end no";
    ASSERT_EQ(std::system(command.c_str()), 0) << command; // NOLINT(concurrency-mt-unsafe,cert-env33-c)
    status = statusNow();
    ASSERT_TRUE(status.ok());
    EXPECT_EQ(status->state, IngestState::live) << status->providerStatus;

    const core::Status stopped =
        awaitDone([&](IngestProvider::DoneCallback done) { provider.stop(*endpoint, std::move(done)); });
    ASSERT_TRUE(stopped.ok()) << stopped.error().describe();
    status = statusNow();
    ASSERT_TRUE(status.ok());
    EXPECT_EQ(status->state, IngestState::ended) << status->providerStatus;
}

TEST_F(BackendClientTest, IngestProviderFailsInPrepareWhenTheBackendIsDown)
{
    const std::string url = "http://127.0.0.1:" + std::to_string(hoststudio::testing::unusedLoopbackPort());
    std::shared_ptr<BackendClient> shared = client(10s, url);
    BackendIngestProvider provider(shared, BackendIngestSettings{kPubkey});
    const auto endpoint = await<IngestEndpoint>([&](IngestProvider::EndpointCallback done) {
        provider.prepare({"down", "Talk"}, std::move(done));
    });
    ASSERT_FALSE(endpoint.ok());
    EXPECT_EQ(endpoint.error(), CloudErrc::unreachable);
    EXPECT_NE(endpoint.error().detail().find("or pick another ingest"), std::string::npos);
}

TEST(BackendClientSettingsTest, UnusableUrlsAreNotConfigured)
{
    net::NetworkThread thread;
    for (const std::string& url : {std::string(), std::string("localhost:5050"), std::string("ws://127.0.0.1:1"),
                                   std::string("http://127.0.0.1:1/?x=1"), std::string("http://u:p@127.0.0.1:1")}) {
        BackendClientSettings settings;
        settings.baseUrl = url;
        const auto created = BackendClient::create(thread, settings);
        ASSERT_FALSE(created.ok()) << url;
        EXPECT_EQ(created.error(), CloudErrc::notConfigured) << url;
        EXPECT_FALSE(created.error().detail().empty());
    }
}

TEST(BackendClientStackTest, TheStacksBackendAnswers)
{
    const std::string url = stackBackendUrl();
    if (url.empty()) {
        GTEST_SKIP() << "no stack backend (HOSTSTUDIO_STACK_DIR/stack.env has no HOSTSTUDIO_BACKEND_URL)";
    }
    net::NetworkThread thread;
    BackendClientSettings settings;
    settings.baseUrl = url;
    auto backend = BackendClient::create(thread, settings).value();
    const auto health = backend->healthBlocking();
    ASSERT_TRUE(health.ok()) << health.error().describe();
    EXPECT_TRUE(health->healthy());
}

} // namespace
} // namespace hoststudio::cloud
