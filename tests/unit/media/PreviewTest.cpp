// SPDX-License-Identifier: GPL-2.0-or-later
// Preview frames: settings checks, the rate on the media clock (counted over clock ticks, never
// wall time), a blocked consumer that never holds up the producer (frames are replaced, never
// queued, and the newest one arrives), the picture is the composed frame downscaled, and a live
// pipeline keeps encoding while its preview consumer is stuck.
#include "TestFrames.hpp"

#include "hoststudio/media/Preview.hpp"

#include "hoststudio/media/Compositor.hpp"
#include "hoststudio/media/LivePipeline.hpp"
#include "hoststudio/media/MediaError.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

extern "C" {
#include <libavutil/frame.h>
}

namespace hoststudio::media {
namespace {

using namespace std::chrono_literals;

using test_frames::Frame;
using test_frames::makeFrame;
using test_frames::solidRgb;

std::chrono::microseconds mediaTimeOf(std::int64_t frameIndex, int fps)
{
    return std::chrono::microseconds(frameIndex * 1000000 / fps);
}

// Collects what the consumer receives; optionally blocks in the first call until released.
class Collector {
public:
    explicit Collector(bool blockFirst = false) : blockFirst_(blockFirst) {}

    FramePreview::Consumer consumer()
    {
        return [this](PreviewFrame frame) {
            std::unique_lock lock(mutex_);
            frames_.push_back(std::move(frame));
            changed_.notify_all();
            if (blockFirst_ && frames_.size() == 1) {
                changed_.wait(lock, [this] { return released_; });
            }
        };
    }
    bool waitForCount(std::size_t count, std::chrono::milliseconds timeout = 10s)
    {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, timeout, [&] { return frames_.size() >= count; });
    }
    void release()
    {
        const std::lock_guard lock(mutex_);
        released_ = true;
        changed_.notify_all();
    }
    std::vector<PreviewFrame> frames()
    {
        const std::lock_guard lock(mutex_);
        return frames_;
    }

private:
    const bool blockFirst_;
    std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<PreviewFrame> frames_;
    bool released_ = false;
};

class ReleaseOnExit {
public:
    explicit ReleaseOnExit(Collector& collector) : collector_(collector) {}
    ReleaseOnExit(const ReleaseOnExit&) = delete;
    ReleaseOnExit& operator=(const ReleaseOnExit&) = delete;
    ~ReleaseOnExit() { collector_.release(); }

private:
    Collector& collector_;
};

TEST(PreviewSettings, BadValuesAreRefusedWithTheAcceptedRange)
{
    const auto consumer = [](PreviewFrame) {};
    for (const PreviewSettings settings :
         {PreviewSettings{0, 640}, PreviewSettings{61, 640}, PreviewSettings{10, 8}, PreviewSettings{10, 4000}}) {
        const auto created = FramePreview::create(settings, consumer);
        ASSERT_FALSE(created.ok());
        EXPECT_EQ(created.error(), MediaErrc::invalidSettings);
        EXPECT_NE(created.error().describe().find("must be"), std::string::npos) << created.error().describe();
    }
    const auto noConsumer = FramePreview::create(PreviewSettings{}, nullptr);
    ASSERT_FALSE(noConsumer.ok());
    EXPECT_EQ(noConsumer.error(), MediaErrc::invalidSettings);
    EXPECT_TRUE(FramePreview::create(PreviewSettings{}, consumer).ok());
}

TEST(FramePreview, TheRateFollowsTheMediaClock)
{
    struct Case {
        int outputFps;
        int previewFps;
        int ticks; // output frames offered
        std::uint64_t expected;
    };
    const Case cases[] = {
        {30, 10, 300, 100},                                       // every third frame
        {30, 7, 300, 70},                                         // not a divisor: 7 a second all the same
        {25, 10, 250, 100}, {60, 10, 600, 100}, {30, 60, 90, 90}, // faster than the output: every frame
    };
    const Frame frame = makeFrame(64, 36, AV_PIX_FMT_YUV420P);
    for (const Case& rate : cases) {
        SCOPED_TRACE(testing::Message() << rate.previewFps << " fps of " << rate.outputFps);
        Collector collector;
        auto created = FramePreview::create(PreviewSettings{rate.previewFps, 32}, collector.consumer());
        ASSERT_TRUE(created.ok()) << created.error().describe();
        FramePreview& preview = **created;
        std::uint64_t accepted = 0;
        for (int tick = 0; tick < rate.ticks; ++tick) {
            if (preview.offer(frame.get(), tick, mediaTimeOf(tick, rate.outputFps))) {
                ++accepted;
                // One at a time, so that none is replaced: every hand-off is counted as delivered.
                ASSERT_TRUE(collector.waitForCount(accepted));
            }
        }
        EXPECT_EQ(accepted, rate.expected);
        const PreviewStats stats = preview.stats();
        EXPECT_EQ(stats.handedOff, rate.expected);
        EXPECT_EQ(stats.delivered, rate.expected);
        EXPECT_EQ(stats.dropped, 0U);
        const std::vector<PreviewFrame> frames = collector.frames();
        ASSERT_EQ(frames.size(), rate.expected);
        EXPECT_EQ(frames.front().frameIndex, 0);
        // Delivered frames are spread evenly over the media time: each in its own 1/fps interval,
        // with none left out when the output is at least as fast as the preview.
        const auto intervalOf = [&](const PreviewFrame& delivered) {
            return delivered.mediaTime.count() * rate.previewFps / 1000000;
        };
        for (std::size_t index = 1; index < frames.size(); ++index) {
            if (rate.previewFps <= rate.outputFps) {
                EXPECT_EQ(intervalOf(frames[index]), intervalOf(frames[index - 1]) + 1);
            } else {
                EXPECT_GT(intervalOf(frames[index]), intervalOf(frames[index - 1]));
            }
        }
        // Nothing keeps a reference: the producer's frame is writable in place again.
        EXPECT_EQ(av_frame_is_writable(frame.get()), 1);
    }
}

TEST(FramePreview, ABlockedConsumerNeverHoldsUpTheProducer)
{
    constexpr int kOutputFps = 30;
    Collector collector(/*blockFirst=*/true);
    auto created = FramePreview::create(PreviewSettings{10, 32}, collector.consumer());
    ASSERT_TRUE(created.ok()) << created.error().describe();
    FramePreview& preview = **created;
    const Frame frame = makeFrame(64, 36, AV_PIX_FMT_YUV420P);
    ASSERT_TRUE(preview.offer(frame.get(), 0, mediaTimeOf(0, kOutputFps)));
    ASSERT_TRUE(collector.waitForCount(1)); // the consumer now blocks
    // The "encoder thread" offers ten seconds of frames while the consumer is stuck.
    auto producer = std::async(std::launch::async, [&] {
        int accepted = 0;
        for (int tick = 1; tick < 300; ++tick) {
            accepted += preview.offer(frame.get(), tick, mediaTimeOf(tick, kOutputFps)) ? 1 : 0;
        }
        return accepted;
    });
    const std::future_status status = producer.wait_for(30s);
    const PreviewStats whileBlocked = preview.stats();
    collector.release();
    ASSERT_EQ(status, std::future_status::ready) << "offer() waited for a blocked consumer";
    EXPECT_EQ(producer.get(), 99);
    EXPECT_EQ(whileBlocked.handedOff, 100U);
    EXPECT_EQ(whileBlocked.delivered, 1U);
    // Each frame replaced the one before it in the slot: 98 dropped, the newest (frame 297) waits.
    EXPECT_EQ(whileBlocked.dropped, 98U);
    ASSERT_TRUE(collector.waitForCount(2));
    preview.stop();
    const std::vector<PreviewFrame> frames = collector.frames();
    ASSERT_EQ(frames.size(), 2U);
    EXPECT_EQ(frames[0].frameIndex, 0);
    EXPECT_EQ(frames[1].frameIndex, 297);
    EXPECT_EQ(preview.stats().delivered, 2U);
    // After stop, offers are refused and nothing is held.
    EXPECT_FALSE(preview.offer(frame.get(), 300, mediaTimeOf(300, kOutputFps)));
    EXPECT_EQ(av_frame_is_writable(frame.get()), 1);
}

struct Rgb {
    int red, green, blue;
};
Rgb rgbAt(const PreviewFrame& frame, int x, int y)
{
    const std::uint8_t* pixel = frame.rgb.data() + static_cast<std::ptrdiff_t>(y) * frame.stride + x * 3;
    return {pixel[0], pixel[1], pixel[2]};
}
bool near(Rgb actual, Rgb expected, int tolerance = 12)
{
    return std::abs(actual.red - expected.red) <= tolerance && std::abs(actual.green - expected.green) <= tolerance &&
           std::abs(actual.blue - expected.blue) <= tolerance;
}

TEST(FramePreview, ThePictureIsTheComposedFrameDownscaled)
{
    const Rgb screenColour{32, 64, 192};
    const Rgb cameraColour{16, 176, 64};
    Compositor compositor(1280, 720, Layout::pip, PipSettings{});
    const Frame output = makeFrame(1280, 720, AV_PIX_FMT_YUV420P);
    const Frame screen = solidRgb(1920, 1080, 32, 64, 192);
    const Frame camera = solidRgb(640, 360, 16, 176, 64);
    compositor.compose(output.get(), screen.get(), camera.get());

    for (const int width : {640, 1920}) { // 1920: never more than the output's own width
        SCOPED_TRACE(width);
        Collector collector;
        auto created = FramePreview::create(PreviewSettings{10, width}, collector.consumer());
        ASSERT_TRUE(created.ok()) << created.error().describe();
        ASSERT_TRUE((*created)->offer(output.get(), 42, 1400ms));
        ASSERT_TRUE(collector.waitForCount(1));
        const PreviewFrame frame = collector.frames().front();
        const int expectedWidth = width == 640 ? 640 : 1280;
        const int scale = 1280 / expectedWidth;
        ASSERT_EQ(frame.width, expectedWidth);
        ASSERT_EQ(frame.height, 720 / scale);
        EXPECT_EQ(frame.stride % 4, 0);
        EXPECT_GE(frame.stride, frame.width * 3);
        EXPECT_EQ(frame.rgb.size(), static_cast<std::size_t>(frame.stride * frame.height));
        EXPECT_EQ(frame.frameIndex, 42);
        EXPECT_EQ(frame.mediaTime, 1400ms);
        // The camera's rectangle in the output: x 928–1247, y 508–687.
        EXPECT_TRUE(near(rgbAt(frame, 1000 / scale, 600 / scale), cameraColour));
        EXPECT_TRUE(near(rgbAt(frame, 1240 / scale, 680 / scale), cameraColour));
        EXPECT_TRUE(near(rgbAt(frame, 100 / scale, 100 / scale), screenColour));
        EXPECT_TRUE(near(rgbAt(frame, 900 / scale, 600 / scale), screenColour));
        EXPECT_TRUE(near(rgbAt(frame, 1270 / scale, 710 / scale), screenColour)); // the margin
    }
}

TEST(FramePreview, ALivePipelineKeepsEncodingWhileThePreviewConsumerIsStuck)
{
    const std::filesystem::path file =
        std::filesystem::temp_directory_path() / ("hoststudio-preview-test-" + std::to_string(::getpid()) + ".mkv");
    Collector collector(/*blockFirst=*/true);
    auto preview = FramePreview::create(PreviewSettings{10, 320}, collector.consumer());
    ASSERT_TRUE(preview.ok()) << preview.error().describe();
    // Whatever fails below, the consumer is released before the preview's thread is joined.
    const ReleaseOnExit releaseOnExit(collector);
    LiveConfig config;
    config.encoder.width = 640;
    config.encoder.height = 360;
    config.encoder.videoBitrateKbps = 800;
    config.encoder.x264Preset = "ultrafast";
    config.recording = RecordingConfig{file.string()};
    config.preview = *preview;
    std::mutex mutex;
    std::condition_variable changed;
    bool started = false;
    auto created = LivePipeline::create(config, [&](const LiveEvent& event) {
        const std::lock_guard lock(mutex);
        started = started || event.kind == LiveEventKind::started;
        changed.notify_all();
    });
    ASSERT_TRUE(created.ok()) << created.error().describe();
    LivePipeline& pipeline = **created;
    pipeline.start();
    {
        std::unique_lock lock(mutex);
        ASSERT_TRUE(changed.wait_for(lock, 10s, [&] { return started; }));
    }
    ASSERT_TRUE(collector.waitForCount(1)); // the consumer is stuck from the first frame on
    // Wait (on the encoder's own progress, not a fixed time) for 60 more frames to be encoded.
    const std::uint64_t handedOffAtFirst = (*preview)->stats().handedOff;
    const std::uint64_t encodedAtFirst = pipeline.sampleStats().framesEncoded;
    std::uint64_t encoded = 0;
    for (int wait = 0; wait < 200 && encoded < 60; ++wait) {
        std::this_thread::sleep_for(50ms);
        encoded = pipeline.sampleStats().framesEncoded - encodedAtFirst;
    }
    const PreviewStats stats = (*preview)->stats();
    pipeline.stop();
    collector.release();
    (*preview)->stop();
    EXPECT_GE(encoded, 60U);
    // The encoder kept handing frames off (about one in three) while the consumer was stuck.
    EXPECT_GE(stats.handedOff, handedOffAtFirst + 10);
    EXPECT_EQ(stats.delivered, 1U);
    const PreviewFrame first = collector.frames().front();
    EXPECT_EQ(first.width, 320);
    EXPECT_EQ(first.height, 180);
    std::filesystem::remove(file);
}

} // namespace
} // namespace hoststudio::media
