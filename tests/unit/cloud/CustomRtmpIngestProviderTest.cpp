// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/cloud/CustomRtmpIngestProvider.hpp"

#include "hoststudio/cloud/CloudError.hpp"
#include "hoststudio/core/Log.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace hoststudio::cloud {
namespace {

struct BadSettingsCase {
    const char* name;
    CustomRtmpSettings settings;
    const char* fragment; // what the error must say
};

TEST(CustomRtmpIngestProvider, NamesWhatIsWrongWithTheSettings)
{
    const std::vector<BadSettingsCase> rows{
        {"no_url", {"", "key123", ""}, "set ingest/rtmpUrl"},
        {"not_a_url", {"live.example.com/app", "key123", ""}, "is not a URL"},
        {"http_scheme", {"http://live.example.com/app", "key123", ""}, "must start with rtmp:// or rtmps://"},
        {"srt_scheme", {"srt://live.example.com:9000/app", "key123", ""}, "must start with rtmp:// or rtmps://"},
        {"no_host", {"rtmp:///app", "key123", ""}, "is not a URL"},
        {"no_app", {"rtmp://live.example.com", "key123", ""}, "has no application path"},
        {"slash_only", {"rtmps://live.example.com:443/", "key123", ""}, "has no application path"},
        {"user_info", {"rtmp://user:pw@live.example.com/app", "key123", ""}, "user name or password"},
        {"query", {"rtmp://live.example.com/app?x=1", "key123", ""}, "without '?' or '#'"},
        {"bad_port", {"rtmp://live.example.com:99999/app", "key123", ""}, "is not a URL"},
        {"empty_key", {"rtmp://live.example.com/app", "", ""}, "stream key is empty"},
        {"key_with_space", {"rtmp://live.example.com/app", "abc def", ""}, "blanks, control characters or '/'"},
        {"key_with_slash", {"rtmp://live.example.com/app", "app/abc", ""}, "blanks, control characters or '/'"},
        {"key_with_newline", {"rtmp://live.example.com/app", "abc\n", ""}, "blanks, control characters or '/'"},
        {"bad_hls", {"rtmp://live.example.com/app", "key123", "ftp://x/hls"}, "ingest/hlsBaseUrl"},
    };
    for (const BadSettingsCase& row : rows) {
        const core::Status valid = CustomRtmpIngestProvider::validate(row.settings);
        ASSERT_FALSE(valid.ok()) << row.name;
        EXPECT_EQ(valid.error(), CloudErrc::invalidIngestUrl) << row.name;
        EXPECT_NE(valid.error().detail().find(row.fragment), std::string::npos)
            << row.name << ": " << valid.error().detail();
        EXPECT_FALSE(CustomRtmpIngestProvider::create(row.settings).ok()) << row.name;
    }
}

TEST(CustomRtmpIngestProvider, PreparesTheEndpointFromTheSettings)
{
    auto provider = CustomRtmpIngestProvider::create(
        {"rtmps://live.example.com:443/app/", "sk_live_0123456789", "https://cdn.example.com/hls/"});
    ASSERT_TRUE(provider.ok()) << provider.error().describe();
    EXPECT_EQ(provider.value()->name(), "custom");
    std::optional<core::Result<IngestEndpoint>> answer;
    provider.value()->prepare({"event-1", "Title"},
                              [&answer](core::Result<IngestEndpoint> endpoint) { answer = std::move(endpoint); });
    ASSERT_TRUE(answer.has_value()); // answered before returning
    ASSERT_TRUE(answer->ok());
    const IngestEndpoint& endpoint = answer->value();
    EXPECT_EQ(endpoint.provider, "custom");
    EXPECT_EQ(endpoint.ingestUrl, "rtmps://live.example.com:443/app");
    EXPECT_EQ(endpoint.streamKey, "sk_live_0123456789");
    EXPECT_EQ(endpoint.publishUrl(), "rtmps://live.example.com:443/app/sk_live_0123456789");
    EXPECT_EQ(endpoint.hlsPlaybackUrl, "https://cdn.example.com/hls/sk_live_0123456789.m3u8");
    EXPECT_FALSE(endpoint.fellBackFrom);
    // The key is a secret from now on.
    const QString scrubbed = core::SecretScrubber::scrub(QStringLiteral("pushing to key sk_live_0123456789"));
    EXPECT_FALSE(scrubbed.contains(QStringLiteral("sk_live_0123456789"))) << scrubbed.toStdString();

    std::optional<core::Result<IngestStatus>> status;
    provider.value()->status(endpoint, [&status](core::Result<IngestStatus> value) { status = std::move(value); });
    ASSERT_TRUE(status.has_value() && status->ok());
    EXPECT_EQ((*status)->state, IngestState::unknown);
    bool started = false;
    provider.value()->start(endpoint, [&started](core::Status done) { started = done.ok(); });
    EXPECT_TRUE(started);
}

TEST(CustomRtmpIngestProvider, NoHlsBaseNoPlaybackUrl)
{
    auto provider = CustomRtmpIngestProvider::create({"rtmp://127.0.0.1:1935/live", "abcdef123", ""});
    ASSERT_TRUE(provider.ok());
    std::optional<core::Result<IngestEndpoint>> answer;
    provider.value()->prepare({"e", ""},
                              [&answer](core::Result<IngestEndpoint> endpoint) { answer = std::move(endpoint); });
    ASSERT_TRUE(answer && answer->ok());
    EXPECT_FALSE((*answer)->hlsPlaybackUrl);
}

} // namespace
} // namespace hoststudio::cloud
