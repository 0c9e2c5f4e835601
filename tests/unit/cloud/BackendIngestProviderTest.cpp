// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/cloud/BackendIngestProvider.hpp"

#include "hoststudio/cloud/CloudError.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace hoststudio::cloud {
namespace {

TEST(BackendIngestProvider, EndpointOfANeverStartedEventIsTheBackendsOwnUrls)
{
    const auto endpoint = BackendIngestProvider::endpointFor("http://127.0.0.1:3001", "town hall", std::nullopt);
    ASSERT_TRUE(endpoint.ok()) << endpoint.error().describe();
    EXPECT_EQ(endpoint->provider, "backend");
    EXPECT_EQ(endpoint->streamId, "town hall");
    EXPECT_EQ(endpoint->streamKey, "town hall") << "the socket's streamKey is the event id";
    EXPECT_EQ(endpoint->ingestUrl, "ws://127.0.0.1:3001/socket.io/?EIO=4&transport=websocket");
    EXPECT_EQ(endpoint->hlsPlaybackUrl, "http://127.0.0.1:3001/livestream/town%20hall/stream.m3u8");
}

TEST(BackendIngestProvider, EndpointTakesThePlaybackAnswersUrlAndTlsBecomesWss)
{
    BackendPlayback playback;
    playback.playbackUrl = "https://cdn.example/live/x.m3u8";
    const auto endpoint = BackendIngestProvider::endpointFor("https://backend.example/api", "x", playback);
    ASSERT_TRUE(endpoint.ok());
    EXPECT_EQ(endpoint->ingestUrl, "wss://backend.example/api/socket.io/?EIO=4&transport=websocket");
    EXPECT_EQ(endpoint->hlsPlaybackUrl, "https://cdn.example/live/x.m3u8");

    playback.playbackUrl = "";
    EXPECT_EQ(BackendIngestProvider::endpointFor("http://b", "x", playback)->hlsPlaybackUrl,
              "http://b/livestream/x/stream.m3u8")
        << "an empty URL is no URL";
}

TEST(BackendIngestProvider, EndpointErrors)
{
    const auto noId = BackendIngestProvider::endpointFor("http://b", "", std::nullopt);
    ASSERT_FALSE(noId.ok());
    EXPECT_EQ(noId.error(), core::CoreErrc::invalidArgument);
    const auto badScheme = BackendIngestProvider::endpointFor("ftp://b", "x", std::nullopt);
    ASSERT_FALSE(badScheme.ok());
    EXPECT_EQ(badScheme.error(), CloudErrc::notConfigured);
}

struct StatusCase {
    const char* name;
    const char* cloudinaryStatus;
    bool manifestExists;
    bool hasVideoContent;
    IngestState expected;
};

TEST(BackendIngestProvider, StatusComesFromWhatExistsNotFromOverallIsActive)
{
    const std::vector<StatusCase> cases{
        {"merely polled", "not_found", false, false, IngestState::idle},
        {"started, nothing broadcast", "active", false, false, IngestState::starting},
        {"a manifest without media", "active", true, false, IngestState::starting},
        {"broadcasting", "active", true, true, IngestState::live},
        {"broadcast over the socket only", "not_found", true, true, IngestState::live},
        {"stopped (older versions)", "stopped", true, true, IngestState::ended},
        // Regression: the seed backend says "inactive" after /stop; it was shown as unknown.
        {"stopped: the seed backend's word", "inactive", true, false, IngestState::ended},
        {"stopped with content still listed", "inactive", true, true, IngestState::ended},
        {"something newer", "provisioning", false, false, IngestState::unknown},
        {"no cloudinary part", "", false, false, IngestState::unknown},
    };
    for (const StatusCase& c : cases) {
        BackendStreamStatus status;
        status.cloudinaryStatus = c.cloudinaryStatus;
        status.manifestExists = c.manifestExists;
        status.hasVideoContent = c.hasVideoContent;
        const IngestStatus result = BackendIngestProvider::statusOf(status);
        EXPECT_EQ(result.state, c.expected) << c.name << ": " << toString(result.state);
        EXPECT_FALSE(result.providerStatus.empty()) << c.name;
    }
}

} // namespace
} // namespace hoststudio::cloud
