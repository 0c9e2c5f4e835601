// SPDX-License-Identifier: GPL-2.0-or-later
// The audio timeline (timed writes, live appends, gaps as silence), the mixer (gain, mute,
// clipping, a silent track without sources, levels) and the placeholder timing of SignalWatch
// driven by an injected clock.
#include "hoststudio/media/AudioMixer.hpp"
#include "hoststudio/media/LivePipeline.hpp"
#include "hoststudio/media/MediaError.hpp"
#include "hoststudio/media/Sources.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

extern "C" {
#include <libavutil/frame.h>
}

namespace hoststudio::media {
namespace {

using namespace std::chrono_literals;

std::vector<float> constant(int count, float value)
{
    return std::vector<float>(static_cast<std::size_t>(count), value);
}

class ConstantSource final : public AudioSource {
public:
    explicit ConstantSource(float value) : value_(value) {}
    [[nodiscard]] std::string describe() const override { return "constant"; }
    int read(std::int64_t /*position*/, float* left, float* right, int count) override
    {
        for (int index = 0; index < count; ++index) {
            left[index] = value_;
            right[index] = -value_;
        }
        return count;
    }

private:
    float value_;
};

TEST(AudioTimeline, TimedWritesLandAtTheirPositionAndGapsAreSilent)
{
    AudioTimeline timeline;
    const auto ones = constant(100, 1.0F);
    const auto twos = constant(100, 2.0F);
    timeline.writeAt(100, ones.data(), ones.data(), 100);
    timeline.writeAt(300, twos.data(), twos.data(), 100);
    std::vector<float> left(400);
    std::vector<float> right(400);
    EXPECT_EQ(timeline.read(0, left.data(), right.data(), 400), 300); // 100..400 hold data (a zeroed gap)
    EXPECT_EQ(left[50], 0.0F);
    EXPECT_EQ(left[150], 1.0F);
    EXPECT_EQ(left[250], 0.0F);
    EXPECT_EQ(right[350], 2.0F);
    EXPECT_EQ(timeline.readPosition(), 400);
    // Written before the reader's present: dropped.
    timeline.writeAt(300, twos.data(), twos.data(), 100);
    EXPECT_EQ(timeline.read(400, left.data(), right.data(), 100), 0);
    EXPECT_EQ(left[0], 0.0F);
}

TEST(AudioTimeline, LiveAppendsFollowTheReaderWithBoundedLatency)
{
    AudioTimeline timeline(2000ms, 200ms); // 9600 samples of latency at most
    const auto ones = constant(480, 1.0F);
    timeline.append(ones.data(), ones.data(), 480);
    std::vector<float> left(4800);
    std::vector<float> right(4800);
    // The first append starts a little ahead of the reader (50 ms = 2400 samples).
    EXPECT_EQ(timeline.read(0, left.data(), right.data(), 4800), 480);
    EXPECT_EQ(left[2399], 0.0F);
    EXPECT_EQ(left[2400], 1.0F);
    // An underrun: the next append starts ahead of the reader's new present, not in the past.
    timeline.append(ones.data(), ones.data(), 480);
    EXPECT_EQ(timeline.read(4800, left.data(), right.data(), 4800), 480);
    EXPECT_EQ(left[2400], 1.0F);
    // A device faster than the output: once more than 200 ms ahead, moved back near the reader.
    for (int chunk = 0; chunk < 40; ++chunk) {
        timeline.append(ones.data(), ones.data(), 480);
    }
    const int real = timeline.read(9600, left.data(), right.data(), 4800);
    EXPECT_GT(real, 0);
    EXPECT_LE(real, 4800);
}

TEST(AudioMixer, WithoutSourcesTheTrackIsSilent)
{
    AudioMixer mixer;
    std::vector<float> left(1024, 0.5F);
    std::vector<float> right(1024, 0.5F);
    mixer.mix(0, left.data(), right.data(), 1024);
    for (std::size_t index = 0; index < left.size(); ++index) {
        ASSERT_EQ(left[index], 0.0F);
        ASSERT_EQ(right[index], 0.0F);
    }
    const auto levels = mixer.takeLevels();
    ASSERT_EQ(levels.size(), 1U);
    EXPECT_EQ(levels[0].source, "mix");
    EXPECT_EQ(levels[0].peakDb, -120.0);
}

TEST(AudioMixer, GainMuteAndClipping)
{
    ConstantSource quarter(0.25F);
    ConstantSource half(0.5F);
    AudioMixer mixer;
    const int first = mixer.addInput(&quarter, 1.0F);
    const int second = mixer.addInput(&half, 0.5F);
    std::vector<float> left(256);
    std::vector<float> right(256);
    mixer.mix(0, left.data(), right.data(), 256);
    EXPECT_FLOAT_EQ(left[10], 0.5F); // 0.25 + 0.5 × 0.5
    EXPECT_FLOAT_EQ(right[10], -0.5F);

    mixer.setMuted(second, true);
    mixer.mix(256, left.data(), right.data(), 256);
    EXPECT_FLOAT_EQ(left[10], 0.25F);

    mixer.setMuted(second, false);
    mixer.setGain(second, 4.0F);
    mixer.mix(512, left.data(), right.data(), 256);
    EXPECT_FLOAT_EQ(left[10], 1.0F); // 2.25 clipped
    EXPECT_FLOAT_EQ(right[10], -1.0F);

    mixer.setMuted(first, true);
    mixer.setMuted(second, true);
    mixer.mix(768, left.data(), right.data(), 256);
    EXPECT_EQ(left[10], 0.0F);
}

TEST(AudioMixer, LevelsPerSourceAndOfTheMix)
{
    ConstantSource half(0.5F);
    AudioMixer mixer;
    const int input = mixer.addInput(&half, 1.0F);
    std::vector<float> left(480);
    std::vector<float> right(480);
    mixer.mix(0, left.data(), right.data(), 480);
    auto levels = mixer.takeLevels();
    ASSERT_EQ(levels.size(), 2U);
    EXPECT_NEAR(levels[0].peakDb, 20.0 * std::log10(0.5), 0.01);
    EXPECT_NEAR(levels[0].rmsDb, 20.0 * std::log10(0.5), 0.01);
    EXPECT_NEAR(levels[1].peakDb, 20.0 * std::log10(0.5), 0.01);
    // Muted: the source's own level still shows (the host sees the microphone works), the mix is silent.
    mixer.setMuted(input, true);
    mixer.mix(480, left.data(), right.data(), 480);
    levels = mixer.takeLevels();
    EXPECT_TRUE(levels[0].muted);
    EXPECT_NEAR(levels[0].peakDb, 20.0 * std::log10(0.5), 0.01);
    EXPECT_EQ(levels[1].peakDb, -120.0);
    // Nothing mixed since: floor.
    levels = mixer.takeLevels();
    EXPECT_EQ(levels[0].rmsDb, -120.0);
}

TEST(SignalWatch, HoldsTheLastPictureThenShowsTheSlate)
{
    SignalWatch watch(1000ms, 33ms);
    const SteadyClock::time_point start{};
    EXPECT_EQ(watch.update(0, start), SignalState::waiting);
    EXPECT_EQ(watch.update(1, start + 10ms), SignalState::live);
    EXPECT_EQ(watch.update(2, start + 43ms), SignalState::live);
    // The source stops at sequence 2.
    EXPECT_EQ(watch.update(2, start + 100ms), SignalState::live); // within three frame intervals
    EXPECT_EQ(watch.update(2, start + 200ms), SignalState::holding);
    EXPECT_EQ(watch.update(2, start + 1042ms), SignalState::holding);
    EXPECT_EQ(watch.update(2, start + 1043ms), SignalState::lost);
    EXPECT_EQ(watch.update(2, start + 60s), SignalState::lost);
    // It comes back.
    EXPECT_EQ(watch.update(3, start + 61s), SignalState::live);
}

TEST(SourceSpecs, ParsingAndClearErrors)
{
    EXPECT_EQ(SourceSpec::parse("screen")->kind, SourceKind::screen);
    EXPECT_EQ(SourceSpec::parse("synthetic-camera")->kind, SourceKind::syntheticCamera);
    const auto file = SourceSpec::parse("file:/tmp/a b.mp4");
    ASSERT_TRUE(file);
    EXPECT_EQ(file->kind, SourceKind::file);
    EXPECT_EQ(file->argument, "/tmp/a b.mp4");
    EXPECT_EQ(SourceSpec::parse("camera:video0")->argument, "video0");
    EXPECT_EQ(SourceSpec::parse("camera")->argument, "");
    EXPECT_FALSE(SourceSpec::parse("file:"));
    const auto unknown = SourceSpec::parse("webcam");
    ASSERT_FALSE(unknown);
    EXPECT_NE(unknown.error().detail().find("synthetic-camera"), std::string::npos);

    const auto region = ScreenRegion::parse("640x480+10+20");
    ASSERT_TRUE(region);
    EXPECT_EQ(region->width, 640);
    EXPECT_EQ(region->x, 10);
    EXPECT_EQ(region->y, 20);
    EXPECT_TRUE(ScreenRegion::parse("1280x720"));
    EXPECT_FALSE(ScreenRegion::parse("1280x"));
    EXPECT_FALSE(ScreenRegion::parse("8x8+0+0"));
    EXPECT_FALSE(ScreenRegion::parse("640x480+1"));
}

TEST(Sources, OpeningBadSourcesSaysWhatToDo)
{
    ScreenCaptureOptions screen;
    screen.display = ":250"; // no X server there
    const auto missingFile = openSource(*SourceSpec::parse("file:/nonexistent/clip.mp4"), 1280, 720, screen, {});
    ASSERT_FALSE(missingFile);
    EXPECT_NE(missingFile.error().detail().find("check the path"), std::string::npos);
    const auto missingImage = openSource(*SourceSpec::parse("image:/nonexistent/slate.png"), 1280, 720, screen, {});
    ASSERT_FALSE(missingImage);
    const auto noDisplay = openSource(*SourceSpec::parse("screen"), 1280, 720, screen, {});
    ASSERT_FALSE(noDisplay);
    EXPECT_NE(noDisplay.error().detail().find(":250"), std::string::npos);
}

TEST(Sources, WindowIdsAndOneCaptureAreaAtATime)
{
    EXPECT_EQ(parseWindowId("42").valueOr(0), 42U);
    EXPECT_EQ(parseWindowId("0x1e00007").valueOr(0), 0x1e00007U);
    for (const char* bad : {"0", "", "0x", "abc", "12abc", "-5", "0x1ffffffff"}) {
        SCOPED_TRACE(bad);
        const auto id = parseWindowId(bad);
        ASSERT_FALSE(id);
        EXPECT_NE(id.error().detail().find("xwininfo"), std::string::npos);
    }
    ScreenCaptureOptions screen;
    screen.display = ":250"; // refused before any connection
    screen.region = ScreenRegion{0, 0, 640, 360};
    screen.monitor = "HDMI-1";
    const auto both = openSource(*SourceSpec::parse("screen"), 1280, 720, screen, {});
    ASSERT_FALSE(both);
    EXPECT_NE(both.error().detail().find("choose one of a region, a monitor and a window"), std::string::npos);
}

TEST(Sources, SyntheticCameraHasItsKnownColourAndMoves)
{
    auto opened = openSource(*SourceSpec::parse("synthetic-camera"), 1280, 720, {}, {});
    ASSERT_TRUE(opened);
    const VideoSample first = opened->video->latest(0us);
    ASSERT_TRUE(first.frame);
    // Away from the bar (which starts off-picture at time 0), the known colour.
    const std::uint8_t* pixel = first.frame->data[0] + 100 * first.frame->linesize[0] + 3 * 320;
    EXPECT_EQ(pixel[0], kSyntheticCameraRgb[0]);
    EXPECT_EQ(pixel[1], kSyntheticCameraRgb[1]);
    EXPECT_EQ(pixel[2], kSyntheticCameraRgb[2]);
    const VideoSample later = opened->video->latest(1000000us);
    EXPECT_GT(later.sequence, first.sequence);
}

TEST(Scene, TheLayoutAndSourcesAreCheckedBeforeAnythingStarts)
{
    LiveConfig config;
    config.recording = RecordingConfig{"/tmp/unused.mkv"};
    config.scene.layout = Layout::pip;
    auto created = LivePipeline::create(config, {});
    ASSERT_FALSE(created);
    EXPECT_EQ(created.error(), MediaErrc::invalidSettings);
    EXPECT_NE(created.error().detail().find("--camera"), std::string::npos);

    config.scene.camera = "webcam";
    created = LivePipeline::create(config, {});
    ASSERT_FALSE(created);
    EXPECT_EQ(created.error(), MediaErrc::unsupportedSource);

    config.scene.camera = "synthetic-camera";
    config.scene.pip.size = 0.9;
    created = LivePipeline::create(config, {});
    ASSERT_FALSE(created);
    EXPECT_EQ(created.error(), MediaErrc::invalidSettings);

    config.scene.pip.size = 0.25;
    created = LivePipeline::create(config, {});
    EXPECT_TRUE(created);
}

TEST(Sources, TestPatternDrawsStraightIntoAFrameOfItsSize)
{
    auto opened = openSource(*SourceSpec::parse("testpattern"), 320, 180, {}, {});
    ASSERT_TRUE(opened);
    ASSERT_TRUE(opened->audio); // the tone
    std::vector<std::uint8_t> luma(320 * 180);
    std::vector<std::uint8_t> blue(160 * 90);
    std::vector<std::uint8_t> red(160 * 90);
    std::uint8_t* const planes[3] = {luma.data(), blue.data(), red.data()};
    const int strides[3] = {320, 160, 160};
    EXPECT_TRUE(opened->video->renderInto(planes, strides, 320, 180, 0));
    EXPECT_FALSE(opened->video->renderInto(planes, strides, 640, 360, 0));
    std::vector<float> left(1024);
    std::vector<float> right(1024);
    EXPECT_EQ(opened->audio->read(0, left.data(), right.data(), 1024), 1024);
    float peak = 0.0F;
    for (float sample : left) {
        peak = std::max(peak, std::fabs(sample));
    }
    EXPECT_NEAR(peak, 0.25F, 0.01F);
}

} // namespace
} // namespace hoststudio::media
