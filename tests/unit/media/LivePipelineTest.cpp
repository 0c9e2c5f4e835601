// SPDX-License-Identifier: GPL-2.0-or-later
// The pipeline without an ingest: validation, a recording-only run read back by libavformat, a
// refused first connect that fails at once, and a stop that never hangs on a silent server.
#include "hoststudio/media/LivePipeline.hpp"
#include "hoststudio/media/MediaError.hpp"

#include <gtest/gtest.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <mutex>

extern "C" {
#include <libavcodec/avcodec.h>
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

// What a recording holds: its streams' first timestamps, its first video packet, its length.
struct RecordingSummary {
    bool opened = false;
    double firstVideoSeconds = -1.0;
    double firstAudioSeconds = -1.0;
    bool firstVideoIsKey = false;
    int videoPackets = 0;
    double seconds = 0.0;
};

RecordingSummary summarize(const std::filesystem::path& file)
{
    RecordingSummary summary;
    AVFormatContext* input = nullptr;
    if (avformat_open_input(&input, file.c_str(), nullptr, nullptr) != 0) {
        return summary;
    }
    summary.opened = avformat_find_stream_info(input, nullptr) >= 0;
    summary.seconds = static_cast<double>(input->duration) / AV_TIME_BASE;
    AVPacket* packet = av_packet_alloc();
    while (av_read_frame(input, packet) >= 0) {
        const AVStream* stream = input->streams[packet->stream_index];
        const double at = static_cast<double>(packet->pts) * av_q2d(stream->time_base);
        if (stream->codecpar->codec_type == AVMEDIA_TYPE_VIDEO) {
            if (summary.videoPackets++ == 0) {
                summary.firstVideoSeconds = at;
                summary.firstVideoIsKey = (packet->flags & AV_PKT_FLAG_KEY) != 0;
            }
        } else if (summary.firstAudioSeconds < 0.0) {
            summary.firstAudioSeconds = at;
        }
        av_packet_unref(packet);
    }
    av_packet_free(&packet);
    avformat_close_input(&input);
    return summary;
}

// Waits up to two seconds for `done`.
template <typename Predicate> bool waitUpToTwoSeconds(Predicate done)
{
    const auto until = std::chrono::steady_clock::now() + 2s;
    while (!done()) {
        if (std::chrono::steady_clock::now() > until) {
            return false;
        }
        std::this_thread::sleep_for(10ms);
    }
    return true;
}

// A preview consumer that counts the frames it gets.
std::function<void(PreviewFrame)> countInto(std::atomic<int>& frames)
{
    return [&frames](const PreviewFrame&) { frames.fetch_add(1); };
}

std::filesystem::path temporaryRecording(const std::string& name)
{
    return std::filesystem::temp_directory_path() /
           ("hoststudio-studio-" + name + "-" + std::to_string(::getpid()) + ".mkv");
}

TEST(StudioPipeline, ComposesAndMixesBeforeAnyOutput)
{
    std::atomic<int> previewFrames{0};
    auto created = startStudio(smallConfig(), countInto(previewFrames));
    ASSERT_TRUE(created.ok()) << created.error().describe();
    LivePipeline& studio = **created;
    std::this_thread::sleep_for(1200ms);
    EXPECT_GE(previewFrames.load(), 8) << "the preview runs before Go Live";
    const SceneStats scene = studio.sampleScene();
    ASSERT_FALSE(scene.audio.empty());
    EXPECT_GT(scene.audio.front().peakDb, -20.0) << "the test tone's level is measured before Go Live";
    EXPECT_GT(scene.composeMsPerFrame, 0.0);
    const LiveStats stats = studio.sampleStats();
    EXPECT_EQ(stats.framesEncoded, 0U) << "nothing is encoded before Go Live";
    EXPECT_TRUE(stats.outputs.empty());
    EXPECT_FALSE(studio.isLive());
    studio.stop();
}

TEST(StudioPipeline, GoesLiveTwiceOnTheRunningSourcesAndKeepsComposingBetween)
{
    std::atomic<int> previewFrames{0};
    auto created = startStudio(smallConfig(), countInto(previewFrames));
    ASSERT_TRUE(created.ok()) << created.error().describe();
    LivePipeline& studio = **created;
    std::this_thread::sleep_for(700ms); // the preview runs a while first

    std::vector<std::filesystem::path> files;
    for (const char* name : {"first", "second"}) {
        files.push_back(temporaryRecording(name));
        BroadcastConfig outputs;
        outputs.recording = RecordingConfig{files.back().string()};
        EventLog events;
        ASSERT_TRUE(studio.goLive(outputs, events.callback()).ok());
        EXPECT_TRUE(studio.isLive());
        ASSERT_TRUE(events.waitFor(LiveEventKind::started, 5s));
        BroadcastConfig another;
        another.recording = RecordingConfig{temporaryRecording("refused").string()};
        EXPECT_FALSE(studio.goLive(another, {}).ok()) << "one go-live at a time";
        std::this_thread::sleep_for(1500ms);
        EXPECT_GE(studio.sampleStats().framesEncoded, 35U);
        studio.endLive();
        EXPECT_TRUE(events.waitFor(LiveEventKind::stopped, 0s));
        EXPECT_FALSE(studio.isLive());
        const int before = previewFrames.load();
        std::this_thread::sleep_for(500ms);
        EXPECT_GE(previewFrames.load(), before + 3) << "the preview goes on after the end";
    }
    studio.stop();

    for (const auto& file : files) {
        const RecordingSummary summary = summarize(file);
        ASSERT_TRUE(summary.opened) << file;
        EXPECT_TRUE(summary.firstVideoIsKey);
        // Each go-live's stream starts at 0 (the muxer moves both by the AAC priming, 21 ms), sound
        // and picture together.
        EXPECT_GE(summary.firstVideoSeconds, 0.0);
        EXPECT_LT(summary.firstVideoSeconds, 0.05);
        EXPECT_GE(summary.firstAudioSeconds, 0.0);
        EXPECT_LT(std::abs(summary.firstAudioSeconds - summary.firstVideoSeconds), 0.03);
        EXPECT_GT(summary.seconds, 1.3);
        EXPECT_LT(summary.seconds, 2.5);
        EXPECT_GE(summary.videoPackets, 35);
        std::filesystem::remove(file);
    }
}

TEST(StudioPipeline, RefusesAGoLiveItCannotTake)
{
    LiveConfig config = smallConfig();
    auto studio = LivePipeline::createStudio(config);
    ASSERT_TRUE(studio.ok());
    BroadcastConfig outputs;
    outputs.recording = RecordingConfig{temporaryRecording("unused").string()};
    EXPECT_FALSE((*studio)->goLive(outputs, {}).ok()) << "not started";
    (*studio)->start();
    EXPECT_FALSE((*studio)->goLive(BroadcastConfig{}, {}).ok()) << "no output";
    BroadcastConfig badUrl;
    badUrl.outputs.push_back(outputTo("http://example.com/live/key"));
    const core::Status refused = (*studio)->goLive(badUrl, {});
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error(), MediaErrc::invalidUrl);
    (*studio)->endLive(); // nothing to end: no effect
    (*studio)->stop();

    LiveConfig withOutput = smallConfig();
    withOutput.recording = RecordingConfig{temporaryRecording("plain").string()};
    auto plain = LivePipeline::create(withOutput, {});
    ASSERT_TRUE(plain.ok());
    EXPECT_FALSE((*plain)->goLive(outputs, {}).ok()) << "a pipeline made with its outputs takes no other";
}

TEST(StudioPipeline, AFailedConnectEndsTheGoLiveAndTheStudioGoesOn)
{
    const LoopbackSocket closedPort(false);
    std::atomic<int> previewFrames{0};
    auto created = startStudio(smallConfig(), countInto(previewFrames));
    ASSERT_TRUE(created.ok());
    LivePipeline& studio = **created;
    BroadcastConfig outputs;
    outputs.outputs.push_back(outputTo(closedPort.url()));
    EventLog events;
    ASSERT_TRUE(studio.goLive(outputs, events.callback()).ok());
    const auto failed = events.waitFor(LiveEventKind::startFailed, 5s);
    ASSERT_TRUE(failed.has_value());
    EXPECT_EQ(failed->error, MediaErrc::connectFailed);
    studio.endLive();
    EXPECT_TRUE(events.waitFor(LiveEventKind::stopped, 0s));
    const int before = previewFrames.load();
    std::this_thread::sleep_for(400ms);
    EXPECT_GE(previewFrames.load(), before + 2);

    const LoopbackSocket silent(true);
    BroadcastConfig hanging;
    hanging.outputs.push_back(outputTo(silent.url()));
    hanging.outputs.back().connectTimeout = 60s;
    EventLog second;
    ASSERT_TRUE(studio.goLive(hanging, second.callback()).ok());
    std::this_thread::sleep_for(300ms);
    const auto start = std::chrono::steady_clock::now();
    studio.endLive();
    EXPECT_LT(std::chrono::steady_clock::now() - start, 1s) << "an end while connecting does not wait";
    EXPECT_FALSE(second.waitFor(LiveEventKind::startFailed, 0s)) << "an end while connecting is no failure";
    studio.stop();
}

// The recording's video timestamps (seconds) and its first audio channel, decoded.
struct DecodedRecording {
    std::vector<double> videoTimes;
    std::vector<float> left;
    int sampleRate = 0;
};

DecodedRecording decodeRecording(const std::filesystem::path& file)
{
    DecodedRecording decoded;
    AVFormatContext* input = nullptr;
    if (avformat_open_input(&input, file.c_str(), nullptr, nullptr) != 0) {
        return decoded;
    }
    (void)avformat_find_stream_info(input, nullptr);
    const int audioIndex = av_find_best_stream(input, AVMEDIA_TYPE_AUDIO, -1, -1, nullptr, 0);
    const AVCodec* codec = avcodec_find_decoder(input->streams[audioIndex]->codecpar->codec_id);
    AVCodecContext* context = avcodec_alloc_context3(codec);
    (void)avcodec_parameters_to_context(context, input->streams[audioIndex]->codecpar);
    (void)avcodec_open2(context, codec, nullptr);
    decoded.sampleRate = context->sample_rate;
    AVPacket* packet = av_packet_alloc();
    AVFrame* frame = av_frame_alloc();
    const auto drain = [&] {
        while (avcodec_receive_frame(context, frame) == 0) {
            const auto* samples = reinterpret_cast<const float*>(frame->extended_data[0]); // NOLINT
            decoded.left.insert(decoded.left.end(), samples, samples + frame->nb_samples);
        }
    };
    while (av_read_frame(input, packet) >= 0) {
        const AVStream* stream = input->streams[packet->stream_index];
        if (stream->codecpar->codec_type == AVMEDIA_TYPE_VIDEO) {
            decoded.videoTimes.push_back(static_cast<double>(packet->pts) * av_q2d(stream->time_base));
        } else if (packet->stream_index == audioIndex && avcodec_send_packet(context, packet) == 0) {
            drain();
        }
        av_packet_unref(packet);
    }
    (void)avcodec_send_packet(context, nullptr);
    drain();
    av_frame_free(&frame);
    av_packet_free(&packet);
    avcodec_free_context(&context);
    avformat_close_input(&input);
    std::sort(decoded.videoTimes.begin(), decoded.videoTimes.end());
    return decoded;
}

// The newest preview frame's centre pixel (RGB), kept as frames come.
struct CentrePixel {
    std::mutex mutex;
    std::array<int, 3> rgb{};
    std::atomic<int> frames{0};
    std::array<int, 3> take()
    {
        const std::lock_guard lock(mutex);
        return rgb;
    }
};

// A one-colour PPM picture for an image source.
std::filesystem::path writePicture(const std::string& name, std::array<unsigned char, 3> rgb)
{
    const std::filesystem::path image = temporaryRecording(name).replace_extension(".ppm");
    std::FILE* out = std::fopen(image.c_str(), "wb");
    if (out == nullptr) {
        return {};
    }
    std::fputs("P6\n320 180\n255\n", out);
    for (int pixel = 0; pixel < 320 * 180; ++pixel) {
        std::fwrite(rgb.data(), 1, rgb.size(), out);
    }
    std::fclose(out);
    return image;
}

TEST(StudioPipeline, TenSceneSwitchesWhileLiveLeaveNoGapInThePictureOrTheSound)
{
    CentrePixel centre;
    auto preview = FramePreview::create(PreviewSettings{30, 640}, [&centre](PreviewFrame frame) {
        const std::size_t at = static_cast<std::size_t>(frame.height / 2 * frame.stride + frame.width / 2 * 3);
        const std::lock_guard lock(centre.mutex);
        centre.rgb = {frame.rgb[at], frame.rgb[at + 1], frame.rgb[at + 2]};
        centre.frames.fetch_add(1);
    });
    ASSERT_TRUE(preview.ok());
    LiveConfig config = smallConfig();
    config.encoder.x264Preset = "ultrafast";
    config.preview = *preview;
    auto created = LivePipeline::createStudio(config);
    ASSERT_TRUE(created.ok()) << created.error().describe();
    LivePipeline& studio = **created;
    studio.start();
    const std::filesystem::path file = temporaryRecording("switches");
    BroadcastConfig outputs;
    outputs.recording = RecordingConfig{file.string()};
    EventLog events;
    ASSERT_TRUE(studio.goLive(outputs, events.callback()).ok());
    ASSERT_TRUE(events.waitFor(LiveEventKind::started, 5s));

    // A second picture without sound, for a camera change.
    const std::filesystem::path image = writePicture("camera", {200, 40, 40});
    ASSERT_FALSE(image.empty());
    // The test pattern (and its tone) stays the main source throughout: its sound must not break.
    const auto scene = [](Layout layout, const std::string& camera, PipCorner corner = PipCorner::bottomRight) {
        SceneConfig next;
        next.source = "testpattern";
        next.camera = camera;
        next.layout = layout;
        next.pip.corner = corner;
        return next;
    };
    const std::vector<SceneConfig> switches{
        scene(Layout::slate, ""),
        scene(Layout::screen, ""),
        scene(Layout::pip, "synthetic-camera"),
        scene(Layout::pip, "synthetic-camera", PipCorner::topLeft),
        scene(Layout::camera, "synthetic-camera"),
        scene(Layout::side, "synthetic-camera"),
        scene(Layout::slate, "synthetic-camera"),
        scene(Layout::pip, "image:" + image.string(), PipCorner::topRight), // a camera change
        scene(Layout::screen, ""),
        scene(Layout::slate, ""),
    };
    bool sawSlate = false;
    bool sawBars = false;
    for (const SceneConfig& next : switches) {
        std::this_thread::sleep_for(300ms);
        ASSERT_TRUE(studio.setScene(next).ok()) << layoutName(next.layout);
        if (next.layout == Layout::slate || next.layout == Layout::screen) {
            // The picture of the new scene in the frames after the switch.
            const int seen = centre.frames.load();
            ASSERT_TRUE(waitUpToTwoSeconds([&] { return centre.frames.load() >= seen + 4; }));
            const auto rgb = centre.take();
            if (next.layout == Layout::slate) {
                sawSlate = true;
                EXPECT_LT(std::max({rgb[0], rgb[1], rgb[2]}), 140) << "the slate's band is grey-blue";
                EXPECT_LT(std::abs(rgb[0] - rgb[2]), 40) << "no bar colour on the slate";
            } else {
                sawBars = true;
                const bool saturated = std::max({rgb[0], rgb[1], rgb[2]}) - std::min({rgb[0], rgb[1], rgb[2]}) > 60 ||
                                       std::min({rgb[0], rgb[1], rgb[2]}) > 150;
                EXPECT_TRUE(saturated) << "a bar of the test pattern: " << rgb[0] << "," << rgb[1] << "," << rgb[2];
            }
        }
    }
    std::this_thread::sleep_for(300ms);
    EXPECT_FALSE(events.waitFor(LiveEventKind::startFailed, 0s));
    EXPECT_GE(studio.sampleStats().framesSkipped, 0U);
    studio.endLive();
    studio.stop();
    (*preview)->stop();
    EXPECT_TRUE(sawSlate);
    EXPECT_TRUE(sawBars);

    const DecodedRecording decoded = decodeRecording(file);
    std::filesystem::remove(file);
    std::filesystem::remove(image);
    ASSERT_GT(decoded.videoTimes.size(), 80U);
    double largestGap = 0.0;
    for (std::size_t index = 1; index < decoded.videoTimes.size(); ++index) {
        largestGap = std::max(largestGap, decoded.videoTimes[index] - decoded.videoTimes[index - 1]);
    }
    EXPECT_LE(largestGap, 1.5 / 30.0 + 1e-6) << "a video gap over 1.5 frame intervals";
    // The 440 Hz tone: as many zero crossings as its length says, and no jump between two samples
    // (a gap or a click); the first and last 50 ms (the encoder's priming and end) left out.
    ASSERT_EQ(decoded.sampleRate, 48000);
    const std::size_t skip = 2400;
    ASSERT_GT(decoded.left.size(), 4 * skip);
    int crossings = 0;
    float largestStep = 0.0F;
    for (std::size_t index = skip + 1; index < decoded.left.size() - skip; ++index) {
        if ((decoded.left[index - 1] < 0.0F) != (decoded.left[index] < 0.0F)) {
            ++crossings;
        }
        largestStep = std::max(largestStep, std::abs(decoded.left[index] - decoded.left[index - 1]));
    }
    const double seconds = static_cast<double>(decoded.left.size() - 2 * skip) / 48000.0;
    EXPECT_NEAR(crossings, 2.0 * 440.0 * seconds, 2.0 * 440.0 * seconds * 0.01);
    EXPECT_LT(largestStep, 0.05F) << "the tone jumped: a gap or a click";
}

TEST(StudioPipeline, SwappedPicturesOfTheSameSizeShowTheNewOnes)
{
    // The preview's pixels a quarter in from the left and from the right, on the middle row.
    std::mutex mutex;
    std::array<int, 2> greens{};
    std::atomic<int> frames{0};
    auto preview = FramePreview::create(PreviewSettings{30, 640}, [&](PreviewFrame frame) {
        const auto green = [&frame](int x) {
            return static_cast<int>(frame.rgb[static_cast<std::size_t>(frame.height / 2 * frame.stride + x * 3 + 1)]);
        };
        const std::lock_guard lock(mutex);
        greens = {green(frame.width / 4), green(frame.width * 3 / 4)};
        frames.fetch_add(1);
    });
    ASSERT_TRUE(preview.ok());
    const auto take = [&] {
        const std::lock_guard lock(mutex);
        return greens;
    };
    const std::filesystem::path red = writePicture("red", {200, 30, 30});
    const std::filesystem::path green = writePicture("green", {30, 200, 30});
    LiveConfig config = smallConfig();
    config.preview = *preview;
    config.scene.source = "image:" + red.string();
    config.scene.camera = "image:" + green.string();
    config.scene.layout = Layout::side;
    auto created = LivePipeline::createStudio(config);
    ASSERT_TRUE(created.ok()) << created.error().describe();
    (*created)->start();
    ASSERT_TRUE(waitUpToTwoSeconds([&] { return frames.load() >= 3 && take()[0] < 90 && take()[1] > 150; }));
    // Swapped: each slot now shows the other (running, same-size) picture.
    SceneConfig swapped = config.scene;
    std::swap(swapped.source, swapped.camera);
    ASSERT_TRUE((*created)->setScene(swapped).ok());
    EXPECT_TRUE(waitUpToTwoSeconds([&] { return take()[0] > 150 && take()[1] < 90; }))
        << "the pictures after the swap, not the ones kept from before: " << take()[0] << ", " << take()[1];
    (*created)->stop();
    (*preview)->stop();
    EXPECT_FALSE((*created)->setScene(swapped).ok()) << "a stopped pipeline takes no scene";
    std::filesystem::remove(red);
    std::filesystem::remove(green);
}

} // namespace
} // namespace hoststudio::media
