// SPDX-License-Identifier: GPL-2.0-or-later
// The pipeline without an ingest: validation, a recording-only run read back by libavformat, a
// refused first connect that fails at once, and a stop that never hangs on a silent server.
#include "hoststudio/media/LivePipeline.hpp"
#include "hoststudio/media/MediaError.hpp"

#include <gtest/gtest.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <mutex>

extern "C" {
#include <libavformat/avformat.h>
}

namespace hoststudio::media {
namespace {

using namespace std::chrono_literals;

class EventLog {
public:
    LivePipeline::EventCallback callback()
    {
        return [this](const LiveEvent& event) {
            const std::lock_guard lock(mutex_);
            events_.push_back(event);
            changed_.notify_all();
        };
    }
    std::optional<LiveEvent> waitFor(LiveEventKind kind, std::chrono::milliseconds timeout)
    {
        std::unique_lock lock(mutex_);
        std::optional<LiveEvent> found;
        changed_.wait_for(lock, timeout, [&] {
            for (const LiveEvent& event : events_) {
                if (event.kind == kind) {
                    found = event;
                    return true;
                }
            }
            return false;
        });
        return found;
    }

private:
    std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<LiveEvent> events_;
};

// A TCP socket on 127.0.0.1 that listens but never speaks; or, closed, a port nobody listens on.
class LoopbackSocket {
public:
    explicit LoopbackSocket(bool listening)
    {
        descriptor_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ::bind(descriptor_, reinterpret_cast<sockaddr*>(&address), sizeof address); // NOLINT
        socklen_t length = sizeof address;
        ::getsockname(descriptor_, reinterpret_cast<sockaddr*>(&address), &length); // NOLINT
        port_ = ntohs(address.sin_port);
        if (listening) {
            ::listen(descriptor_, 4);
        } else {
            ::close(descriptor_);
            descriptor_ = -1;
        }
    }
    ~LoopbackSocket()
    {
        if (descriptor_ >= 0) {
            ::close(descriptor_);
        }
    }
    LoopbackSocket(const LoopbackSocket&) = delete;
    LoopbackSocket& operator=(const LoopbackSocket&) = delete;
    [[nodiscard]] std::string url() const
    {
        return "rtmp://127.0.0.1:" + std::to_string(port_) + "/live/unit-test-key";
    }

private:
    int descriptor_ = -1;
    std::uint16_t port_ = 0;
};

NetworkOutputConfig outputTo(std::string url)
{
    NetworkOutputConfig output;
    output.url = std::move(url);
    return output;
}

LiveConfig smallConfig()
{
    LiveConfig config;
    config.encoder.width = 640;
    config.encoder.height = 360;
    config.encoder.videoBitrateKbps = 800;
    config.encoder.x264Preset = "ultrafast";
    return config;
}

TEST(LivePipeline, RejectsInvalidConfigurations)
{
    LiveConfig noOutput = smallConfig();
    auto created = LivePipeline::create(noOutput, {});
    ASSERT_FALSE(created.ok());
    EXPECT_EQ(created.error(), MediaErrc::invalidSettings);

    LiveConfig badUrl = smallConfig();
    badUrl.outputs.push_back(outputTo("http://example.com/live/key"));
    created = LivePipeline::create(badUrl, {});
    ASSERT_FALSE(created.ok());
    EXPECT_EQ(created.error(), MediaErrc::invalidUrl);

    LiveConfig badSize = smallConfig();
    badSize.encoder.width = 641;
    badSize.recording = RecordingConfig{"unused.mkv"};
    created = LivePipeline::create(badSize, {});
    ASSERT_FALSE(created.ok());
    EXPECT_EQ(created.error(), MediaErrc::invalidSettings);
}

TEST(LivePipeline, RecordsAPlayableMatroskaFile)
{
    const std::filesystem::path file =
        std::filesystem::temp_directory_path() / ("hoststudio-media-test-" + std::to_string(::getpid()) + ".mkv");
    LiveConfig config = smallConfig();
    config.recording = RecordingConfig{file.string()};
    EventLog events;
    auto created = LivePipeline::create(config, events.callback());
    ASSERT_TRUE(created.ok()) << created.error().describe();
    LivePipeline& pipeline = **created;
    pipeline.start();
    ASSERT_TRUE(events.waitFor(LiveEventKind::started, 5s));
    std::this_thread::sleep_for(2s);
    const LiveStats stats = pipeline.sampleStats();
    pipeline.stop();
    EXPECT_TRUE(events.waitFor(LiveEventKind::stopped, 0s));
    EXPECT_GE(stats.framesEncoded, 50U);
    EXPECT_GT(stats.recording.bytesWritten, 0U);

    AVFormatContext* input = nullptr;
    ASSERT_EQ(avformat_open_input(&input, file.c_str(), nullptr, nullptr), 0);
    ASSERT_GE(avformat_find_stream_info(input, nullptr), 0);
    ASSERT_EQ(input->nb_streams, 2U);
    EXPECT_EQ(input->streams[0]->codecpar->codec_id, AV_CODEC_ID_H264);
    EXPECT_EQ(input->streams[0]->codecpar->width, 640);
    EXPECT_EQ(input->streams[1]->codecpar->codec_id, AV_CODEC_ID_AAC);
    EXPECT_EQ(input->streams[1]->codecpar->sample_rate, 48000);
    EXPECT_EQ(input->streams[1]->codecpar->ch_layout.nb_channels, 2);
    const double seconds = static_cast<double>(input->duration) / AV_TIME_BASE;
    EXPECT_GT(seconds, 1.7);
    EXPECT_LT(seconds, 2.8);
    avformat_close_input(&input);
    std::filesystem::remove(file);
}

// Reads a Matroska byte stream with libavformat: the codecs of its streams and its video packets.
struct ParsedStream {
    bool opened = false;
    std::vector<AVCodecID> codecs;
    int videoPackets = 0;
    bool firstVideoIsKey = false;
};

ParsedStream parseMatroska(const std::vector<std::uint8_t>& bytes)
{
    const std::filesystem::path file =
        std::filesystem::temp_directory_path() / ("hoststudio-chunks-" + std::to_string(::getpid()) + ".mkv");
    {
        std::FILE* out = std::fopen(file.c_str(), "wb");
        std::fwrite(bytes.data(), 1, bytes.size(), out);
        std::fclose(out);
    }
    ParsedStream parsed;
    AVFormatContext* input = nullptr;
    if (avformat_open_input(&input, file.c_str(), nullptr, nullptr) == 0) {
        parsed.opened = true;
        for (unsigned index = 0; index < input->nb_streams; ++index) {
            parsed.codecs.push_back(input->streams[index]->codecpar->codec_id);
        }
        AVPacket* packet = av_packet_alloc();
        while (av_read_frame(input, packet) >= 0) {
            if (input->streams[packet->stream_index]->codecpar->codec_type == AVMEDIA_TYPE_VIDEO) {
                if (parsed.videoPackets == 0) {
                    parsed.firstVideoIsKey = (packet->flags & AV_PKT_FLAG_KEY) != 0;
                }
                ++parsed.videoPackets;
            }
            av_packet_unref(packet);
        }
        av_packet_free(&packet);
        avformat_close_input(&input);
    }
    std::filesystem::remove(file);
    return parsed;
}

TEST(LivePipeline, ChunkStreamStartsEveryRestartWithAHeaderAndAKeyframe)
{
    std::mutex mutex;
    std::vector<std::vector<std::uint8_t>> streams;     // one byte stream per (re)start
    std::vector<std::vector<std::uint8_t>> firstChunks; // the chunk that starts each of them
    int headers = 0;
    LiveConfig config = smallConfig();
    config.encoder.keyframeIntervalSeconds = 1;
    ChunkStreamConfig chunks;
    chunks.clusterDuration = 250ms;
    chunks.onChunk = [&](std::span<const std::uint8_t> bytes, bool header) {
        const std::lock_guard lock(mutex);
        if (header) {
            ++headers;
            streams.emplace_back();
            firstChunks.emplace_back(bytes.begin(), bytes.end());
        }
        ASSERT_FALSE(streams.empty()) << "a media chunk before any header";
        streams.back().insert(streams.back().end(), bytes.begin(), bytes.end());
    };
    config.chunkStream = chunks;
    EventLog events;
    auto created = LivePipeline::create(config, events.callback());
    ASSERT_TRUE(created.ok()) << created.error().describe();
    (*created)->start();
    ASSERT_TRUE(events.waitFor(LiveEventKind::started, 5s));
    std::this_thread::sleep_for(1500ms);
    (*created)->restartChunkStream(); // as after the channel reconnected
    std::this_thread::sleep_for(1800ms);
    (*created)->stop();

    const std::lock_guard lock(mutex);
    ASSERT_EQ(headers, 2);
    for (const auto& bytes : streams) {
        const ParsedStream parsed = parseMatroska(bytes);
        ASSERT_TRUE(parsed.opened);
        ASSERT_EQ(parsed.codecs.size(), 2U);
        EXPECT_EQ(parsed.codecs[0], AV_CODEC_ID_H264);
        EXPECT_EQ(parsed.codecs[1], AV_CODEC_ID_AAC);
        EXPECT_TRUE(parsed.firstVideoIsKey);
        EXPECT_GT(parsed.videoPackets, 15);
    }
    // Regression (the seed backend never started its encoder): the first chunk of a stream is not
    // the header alone but header and media, over the backend's 1000-byte gate, playable by itself.
    for (const auto& first : firstChunks) {
        EXPECT_GT(first.size(), 1000U);
        const ParsedStream parsed = parseMatroska(first);
        ASSERT_TRUE(parsed.opened);
        EXPECT_EQ(parsed.codecs.size(), 2U);
        EXPECT_TRUE(parsed.firstVideoIsKey);
        EXPECT_GE(parsed.videoPackets, 1);
    }
}

TEST(LivePipeline, RefusedFirstConnectFailsAtOnceWithoutRetry)
{
    const LoopbackSocket closedPort(false);
    LiveConfig config = smallConfig();
    config.outputs.push_back(outputTo(closedPort.url()));
    EventLog events;
    auto created = LivePipeline::create(config, events.callback());
    ASSERT_TRUE(created.ok());
    const auto start = std::chrono::steady_clock::now();
    (*created)->start();
    const auto failed = events.waitFor(LiveEventKind::startFailed, 5s);
    ASSERT_TRUE(failed.has_value());
    EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
    EXPECT_EQ(failed->error, MediaErrc::connectFailed);
    EXPECT_NE(failed->error.detail().find("refused"), std::string::npos) << failed->error.detail();
    EXPECT_EQ(failed->error.detail().find("unit-test-key"), std::string::npos) << "the key is masked";
    EXPECT_FALSE(events.waitFor(LiveEventKind::outputReconnecting, 0s));
    (*created)->stop();
}

TEST(LivePipeline, StopDuringASilentHandshakeReturnsAtOnce)
{
    const LoopbackSocket silent(true);
    LiveConfig config = smallConfig();
    config.outputs.push_back(outputTo(silent.url()));
    config.outputs.back().connectTimeout = 60s;
    EventLog events;
    auto created = LivePipeline::create(config, events.callback());
    ASSERT_TRUE(created.ok());
    (*created)->start();
    std::this_thread::sleep_for(500ms);
    const auto start = std::chrono::steady_clock::now();
    (*created)->stop();
    EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
    EXPECT_FALSE(events.waitFor(LiveEventKind::started, 0s));
}

TEST(LivePipeline, ConnectTimeoutEndsASilentHandshake)
{
    const LoopbackSocket silent(true);
    LiveConfig config = smallConfig();
    config.outputs.push_back(outputTo(silent.url()));
    config.outputs.back().connectTimeout = 700ms;
    EventLog events;
    auto created = LivePipeline::create(config, events.callback());
    ASSERT_TRUE(created.ok());
    (*created)->start();
    const auto failed = events.waitFor(LiveEventKind::startFailed, 5s);
    ASSERT_TRUE(failed.has_value());
    EXPECT_EQ(failed->error, MediaErrc::connectFailed);
    EXPECT_NE(failed->error.detail().find("timed out"), std::string::npos) << failed->error.detail();
    (*created)->stop();
}

} // namespace
} // namespace hoststudio::media
