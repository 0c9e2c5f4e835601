// SPDX-License-Identifier: GPL-2.0-or-later
// The audio timeline (timed writes, live appends, gaps as silence), the mixer (gain, mute, a
// silent track without sources, levels, its fixed latency), the mix's true-peak limiter (the
// ceiling against an independent 8x meter, bit-exact below it, release, chunking, stereo link) and
// the placeholder timing of SignalWatch driven by an injected clock.
#include "hoststudio/media/AudioMixer.hpp"
#include "hoststudio/media/LivePipeline.hpp"
#include "hoststudio/media/MediaError.hpp"
#include "hoststudio/media/Sources.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <string>
#include <utility>
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

// A recorded stereo signal, read at its own positions (silence outside).
class BufferSource final : public AudioSource {
public:
    BufferSource(std::vector<float> left, std::vector<float> right) : left_(std::move(left)), right_(std::move(right))
    {}
    [[nodiscard]] std::string describe() const override { return "buffer"; }
    int read(std::int64_t position, float* left, float* right, int count) override
    {
        for (int index = 0; index < count; ++index) {
            const std::int64_t at = position + index;
            const bool inside = at >= 0 && at < static_cast<std::int64_t>(left_.size());
            left[index] = inside ? left_[static_cast<std::size_t>(at)] : 0.0F;
            right[index] = inside ? right_[static_cast<std::size_t>(at)] : 0.0F;
        }
        return count;
    }

private:
    std::vector<float> left_;
    std::vector<float> right_;
};

constexpr int kRate = kMixSampleRate;
constexpr double kCeiling = 0.891251; // -1 dBFS

std::vector<float> sine(double frequencyHz, double amplitude, int count, double phaseRadians = 0.0)
{
    std::vector<float> samples(static_cast<std::size_t>(count));
    for (int index = 0; index < count; ++index) {
        samples[static_cast<std::size_t>(index)] = static_cast<float>(
            amplitude * std::sin(2.0 * std::numbers::pi * frequencyHz * index / kRate + phaseRadians));
    }
    return samples;
}

// Noise shaped like speech: low-passed, in syllables of about 4 per second, scaled to the given peak.
std::vector<float> speechLikeNoise(double peakAmplitude, int count, std::uint32_t seed)
{
    std::vector<float> samples(static_cast<std::size_t>(count));
    std::uint32_t state = seed;
    double smoothed = 0.0;
    double largest = 0.0;
    std::vector<double> raw(samples.size());
    for (int index = 0; index < count; ++index) {
        state = state * 1664525U + 1013904223U;
        const double white = static_cast<double>(state) / 4294967296.0 * 2.0 - 1.0;
        smoothed += 0.3 * (white - smoothed);
        const double syllable = std::fabs(std::sin(std::numbers::pi * 4.0 * index / kRate));
        raw[static_cast<std::size_t>(index)] = smoothed * syllable;
        largest = std::max(largest, std::fabs(raw[static_cast<std::size_t>(index)]));
    }
    for (std::size_t index = 0; index < samples.size(); ++index) {
        samples[index] = static_cast<float>(raw[index] * peakAmplitude / largest);
    }
    return samples;
}

std::vector<float> concatenate(std::vector<float> first, const std::vector<float>& second)
{
    first.insert(first.end(), second.begin(), second.end());
    return first;
}

std::vector<float> sum(std::vector<float> first, const std::vector<float>& second)
{
    for (std::size_t index = 0; index < first.size() && index < second.size(); ++index) {
        first[index] += second[index];
    }
    return first;
}

struct Stereo {
    std::vector<float> left;
    std::vector<float> right;
};

// `count` samples of the mixer's output, mixed `chunk` samples at a time.
Stereo runMixer(AudioMixer& mixer, int count, int chunk)
{
    Stereo output{std::vector<float>(static_cast<std::size_t>(count)),
                  std::vector<float>(static_cast<std::size_t>(count))};
    for (int position = 0; position < count; position += chunk) {
        const int length = std::min(chunk, count - position);
        mixer.mix(position, output.left.data() + position, output.right.data() + position, length);
    }
    return output;
}

// The input as the mixer's output should carry it: kLatencySamples later.
float delayed(const std::vector<float>& input, std::size_t index)
{
    const auto latency = static_cast<std::size_t>(AudioMixer::kLatencySamples);
    return index >= latency && index - latency < input.size() ? input[index - latency] : 0.0F;
}

// The true peak, measured independently of the limiter's detector: the signal zero-stuffed to 8x and
// low-passed by a long Blackman-windowed sinc (64 input samples either side), evaluated as the sum
// over the input samples of each of the 8 phases. Silence before the recording (as it is: the mixer
// starts silent); points near its end are not measured, because the signal goes on past the cut.
double truePeak8x(const std::vector<float>& samples)
{
    constexpr int factor = 8;
    constexpr int reach = 64;
    std::vector<std::vector<double>> kernels(factor, std::vector<double>(std::size_t{2} * reach));
    for (int phase = 0; phase < factor; ++phase) {
        double total = 0.0;
        for (int tap = 0; tap < 2 * reach; ++tap) {
            // The distance from the interpolated point to the input sample this tap weighs.
            const double distance = static_cast<double>(phase) / factor + reach - 1 - tap;
            const double sinc =
                distance == 0.0 ? 1.0 : std::sin(std::numbers::pi * distance) / (std::numbers::pi * distance);
            const double window = 0.42 + 0.5 * std::cos(std::numbers::pi * distance / reach) +
                                  0.08 * std::cos(2.0 * std::numbers::pi * distance / reach);
            kernels[static_cast<std::size_t>(phase)][static_cast<std::size_t>(tap)] = sinc * window;
            total += sinc * window;
        }
        for (double& weight : kernels[static_cast<std::size_t>(phase)]) {
            weight /= total;
        }
    }
    const auto size = static_cast<std::int64_t>(samples.size());
    double peak = 0.0;
    for (std::int64_t index = 0; index + reach < size; ++index) {
        const std::int64_t first = index - reach + 1;
        for (const auto& kernel : kernels) {
            double value = 0.0;
            for (std::int64_t at = std::max<std::int64_t>(0, first); at <= index + reach; ++at) {
                value += kernel[static_cast<std::size_t>(at - first)] *
                         static_cast<double>(samples[static_cast<std::size_t>(at)]);
            }
            peak = std::max(peak, std::fabs(value));
        }
    }
    return peak;
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

TEST(AudioMixer, GainMuteAndLimiting)
{
    ConstantSource quarter(0.25F);
    ConstantSource half(0.5F);
    AudioMixer mixer;
    const int first = mixer.addInput(&quarter, 1.0F);
    const int second = mixer.addInput(&half, 0.5F);
    // Each chunk's own samples come out kLatencySamples later: read them there.
    constexpr int late = AudioMixer::kLatencySamples + 10;
    std::vector<float> left(256);
    std::vector<float> right(256);
    mixer.mix(0, left.data(), right.data(), 256);
    EXPECT_EQ(left[10], 0.0F);         // the latency: silence first
    EXPECT_FLOAT_EQ(left[late], 0.5F); // 0.25 + 0.5 × 0.5
    EXPECT_FLOAT_EQ(right[late], -0.5F);

    mixer.setMuted(second, true);
    mixer.mix(256, left.data(), right.data(), 256);
    EXPECT_FLOAT_EQ(left[late], 0.25F);

    mixer.setMuted(second, false);
    mixer.setGain(second, 4.0F);
    mixer.mix(512, left.data(), right.data(), 256);
    // 2.25 is limited to the ceiling (no longer clipped to 1): loud, never above -1 dBFS, the same
    // gain on both channels.
    for (int index = late; index < 256; ++index) {
        ASSERT_LE(std::fabs(left[static_cast<std::size_t>(index)]), 0.891251F);
        ASSERT_GT(left[static_cast<std::size_t>(index)], 0.5F);
        ASSERT_EQ(right[static_cast<std::size_t>(index)], -left[static_cast<std::size_t>(index)]);
    }

    mixer.setMuted(first, true);
    mixer.setMuted(second, true);
    mixer.mix(768, left.data(), right.data(), 256);
    EXPECT_GT(left[10], 0.5F); // the tail of the loud chunk
    EXPECT_EQ(left[late], 0.0F);
    EXPECT_EQ(mixer.limiterClampCount(), 0);
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
    // Muted: the source's own level still shows (the host sees the microphone works), the mix is
    // silent once the samples mixed before the mute (the limiter's latency) are out.
    mixer.setMuted(input, true);
    mixer.mix(480, left.data(), right.data(), 480);
    levels = mixer.takeLevels();
    EXPECT_TRUE(levels[0].muted);
    EXPECT_NEAR(levels[0].peakDb, 20.0 * std::log10(0.5), 0.01);
    EXPECT_NEAR(levels[1].peakDb, 20.0 * std::log10(0.5), 0.01); // the latency's tail
    mixer.mix(960, left.data(), right.data(), 480);
    levels = mixer.takeLevels();
    EXPECT_EQ(levels[1].peakDb, -120.0);
    // Nothing mixed since: floor.
    levels = mixer.takeLevels();
    EXPECT_EQ(levels[0].rmsDb, -120.0);
}

TEST(AudioMixerLimiter, LoudMixesStayUnderTheTruePeakCeilingWithoutClipping)
{
    struct Case {
        const char* name;
        double firstHz;
        double secondHz;
    };
    // Two inputs at 0 dBFS each: +6 dBFS summed. At 11 kHz the peaks between the samples are up to
    // 0.7 dB above the samples themselves; at 15 kHz the first crests after the onset lie between
    // the 4x oversampled points too.
    const Case cases[] = {{"1 kHz", 1000.0, 1000.0},
                          {"11 kHz", 11000.0, 11000.0},
                          {"1 kHz + 11 kHz", 1000.0, 11000.0},
                          {"15 kHz", 15000.0, 15000.0}};
    constexpr int count = 2 * kRate;
    for (const Case& test : cases) {
        SCOPED_TRACE(test.name);
        BufferSource first(sine(test.firstHz, 1.0, count), sine(test.firstHz, 1.0, count, 1.0));
        BufferSource second(sine(test.secondHz, 1.0, count, 0.3), sine(test.secondHz, 1.0, count, 1.3));
        AudioMixer mixer;
        mixer.addInput(&first);
        mixer.addInput(&second);
        const Stereo output = runMixer(mixer, count, 1024);

        const double tolerance = std::pow(10.0, 0.1 / 20.0); // 0.1 dB
        for (const auto* channel : {&output.left, &output.right}) {
            const double truePeak = truePeak8x(*channel);
            EXPECT_LE(truePeak, kCeiling * tolerance) << amplitudeToDb(truePeak) << " dBFS";
            EXPECT_GE(truePeak, kCeiling * std::pow(10.0, -0.5 / 20.0)) << "limited, not attenuated";
            EXPECT_EQ(
                std::count_if(channel->begin(), channel->end(), [](float sample) { return std::fabs(sample) >= 1.0F; }),
                0);
        }
        EXPECT_EQ(mixer.limiterClampCount(), 0);
    }
}

TEST(AudioMixerLimiter, AMixBelowTheCeilingPassesUnchangedButDelayed)
{
    struct Case {
        const char* name;
        std::vector<float> left;
        std::vector<float> right;
    };
    constexpr int count = kRate;
    const Case cases[] = {
        {"-6 dBFS sine at 1 kHz", sine(1000.0, 0.5, count), sine(1000.0, 0.5, count, 2.0)},
        {"-6 dBFS sine at 11 kHz", sine(11000.0, 0.5, count), sine(11000.0, 0.5, count, 2.0)},
        {"speech-like noise at -12 dBFS", speechLikeNoise(0.25, count, 1), speechLikeNoise(0.25, count, 2)},
    };
    for (const Case& test : cases) {
        SCOPED_TRACE(test.name);
        BufferSource source(test.left, test.right);
        AudioMixer mixer;
        mixer.addInput(&source);
        const Stereo output = runMixer(mixer, count, 1024);
        for (std::size_t index = 0; index < output.left.size(); ++index) {
            ASSERT_NEAR(output.left[index], delayed(test.left, index), 1e-6) << index;
            ASSERT_NEAR(output.right[index], delayed(test.right, index), 1e-6) << index;
        }
    }
}

TEST(AudioMixerLimiter, AfterABurstTheGainReturnsSmoothlyWithinASecond)
{
    constexpr int burst = kRate / 4;
    constexpr int after = 3 * kRate / 2;
    const auto input = concatenate(sine(1000.0, 2.0, burst), sine(440.0, 0.1, after));
    BufferSource source(input, input);
    AudioMixer mixer;
    mixer.addInput(&source);
    const Stereo output = runMixer(mixer, burst + after, 1024);

    // The gain applied to the input sample at `index` (where the input is not near a zero crossing).
    const auto gainAt = [&](int index) {
        const auto at = static_cast<std::size_t>(index) + AudioMixer::kLatencySamples;
        return static_cast<double>(output.left[at]) / static_cast<double>(input[static_cast<std::size_t>(index)]);
    };
    EXPECT_NEAR(gainAt(burst / 2 + 12), kCeiling / 2.0, 0.01); // a crest of the burst, limited
    // Release: no jump back to full level (that would pump), a steady rise instead.
    double previous = 0.0;
    int rising = 0;
    for (int index = burst; index < burst + kRate; ++index) {
        if (std::fabs(input[static_cast<std::size_t>(index)]) < 0.05F) {
            continue;
        }
        const double gain = gainAt(index);
        ASSERT_GE(gain, previous - 1e-5) << index;
        ASSERT_LE(gain, 1.0 + 1e-5) << index;
        rising += gain > previous ? 1 : 0;
        previous = gain;
    }
    EXPECT_GT(rising, 100);
    EXPECT_LT(gainAt(burst + kRate / 50 + 3), 0.9); // 20 ms after the burst: still releasing
    // Within a second the quiet tone is back to bit-exact.
    for (std::size_t index = burst + kRate + AudioMixer::kLatencySamples; index < output.left.size(); ++index) {
        ASSERT_NEAR(output.left[index], delayed(input, index), 1e-6) << index;
        ASSERT_NEAR(output.right[index], delayed(input, index), 1e-6) << index;
    }
}

TEST(AudioMixerLimiter, TheOutputDoesNotDependOnHowTheStreamIsCut)
{
    constexpr int part = kRate / 8;
    const auto loud = sum(sine(1000.0, 1.5, part), sine(11000.0, 0.8, part));
    const auto left =
        concatenate(concatenate(concatenate(loud, sine(300.0, 0.2, part)), speechLikeNoise(1.8, part, 3)), loud);
    const auto right = concatenate(concatenate(speechLikeNoise(0.3, 2 * part, 4), loud), sine(5000.0, 0.1, part));
    const auto count = static_cast<int>(left.size());
    const auto mixWithChunks = [&](int chunk) {
        BufferSource source(left, right);
        AudioMixer mixer;
        mixer.addInput(&source);
        return runMixer(mixer, count, chunk);
    };
    const Stereo reference = mixWithChunks(1024);
    for (const int chunk : {333, 1}) {
        SCOPED_TRACE(chunk);
        const Stereo cut = mixWithChunks(chunk);
        EXPECT_EQ(cut.left, reference.left);
        EXPECT_EQ(cut.right, reference.right);
    }
    EXPECT_LT(*std::min_element(reference.left.begin(), reference.left.end()), -0.8F); // it was limiting
}

TEST(AudioMixerLimiter, TheMixMeterShowsTheLimitedLevelAndInputsTheirOwn)
{
    constexpr int count = kRate / 2;
    const auto loud = sine(1000.0, 2.0, count); // +6 dBFS
    BufferSource source(loud, loud);
    AudioMixer mixer;
    mixer.addInput(&source);
    (void)runMixer(mixer, count, 1024);
    const auto levels = mixer.takeLevels();
    ASSERT_EQ(levels.size(), 2U);
    EXPECT_NEAR(levels[0].peakDb, 20.0 * std::log10(2.0), 0.01);
    EXPECT_EQ(levels[1].source, "mix");
    EXPECT_LE(levels[1].peakDb, -1.0 + 1e-4);
    EXPECT_GE(levels[1].peakDb, -1.5);
    EXPECT_LT(levels[1].rmsDb, levels[0].rmsDb - 6.0);
}

TEST(AudioMixerLimiter, BothChannelsGetTheSameGain)
{
    constexpr int count = kRate / 2;
    const auto loudLeft = sine(1000.0, 2.0, count);
    const auto quietRight = sine(700.0, 0.1, count);
    BufferSource source(loudLeft, quietRight);
    AudioMixer mixer;
    mixer.addInput(&source);
    const Stereo output = runMixer(mixer, count, 1024);
    int compared = 0;
    for (std::size_t index = AudioMixer::kLatencySamples; index < output.left.size(); ++index) {
        const float inLeft = delayed(loudLeft, index);
        const float inRight = delayed(quietRight, index);
        if (std::fabs(inLeft) < 0.01F || std::fabs(inRight) < 0.01F) {
            continue;
        }
        const double gainLeft = static_cast<double>(output.left[index]) / static_cast<double>(inLeft);
        const double gainRight = static_cast<double>(output.right[index]) / static_cast<double>(inRight);
        ASSERT_NEAR(gainRight, gainLeft, 1e-5) << index;
        ++compared;
    }
    EXPECT_GT(compared, count / 2);
    // The quiet right channel is turned down with the left (at most the left's gain of about 0.45).
    const double rightPeak = std::fabs(*std::max_element(output.right.begin(), output.right.end(),
                                                         [](float a, float b) { return std::fabs(a) < std::fabs(b); }));
    EXPECT_LT(rightPeak, 0.1 * kCeiling / 2.0 + 1e-3);
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
