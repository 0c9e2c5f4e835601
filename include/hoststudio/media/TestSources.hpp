// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Synthetic sources for headless streaming, tests and benchmarks: a moving test pattern with the
// frame counter and capture time burned in (TimestampCode.hpp), and a continuous sine tone. Both
// are pulled by the encoder thread on the output clock; neither has a clock of its own.
//
// Thread safety: owned and used by one thread (the encoder thread).

#include "hoststudio/media/TimestampCode.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace hoststudio::media {

// A YUV 4:2:0 planar picture (limited range, BT.709) to draw into.
struct Yuv420Picture {
    std::uint8_t* planes[3] = {nullptr, nullptr, nullptr};
    std::ptrdiff_t strides[3] = {0, 0, 0};
    int width = 0;
    int height = 0;
};

class TestPattern {
public:
    TestPattern(int width, int height);

    // Draws frame `frameCounter`: colour bars scrolling left by 4 px per frame, a white square
    // bouncing across, and the stamp in the top-left.
    void render(Yuv420Picture picture, std::uint32_t frameCounter, std::uint64_t captureTimeMs) const;

private:
    int width_;
    int height_;
    // Two periods of one row of the bars, per plane, so a scrolled row is one memcpy.
    std::vector<std::uint8_t> lumaRow_;
    std::vector<std::uint8_t> blueRow_;
    std::vector<std::uint8_t> redRow_;
};

class TestTone {
public:
    TestTone(int sampleRate, int channels, double frequencyHz = 440.0, float amplitude = 0.25F);

    // Writes the next `sampleCount` samples into each channel's plane (planar float).
    void fill(float* const* channelPlanes, int sampleCount);
    [[nodiscard]] std::int64_t samplesSoFar() const noexcept { return samplesSoFar_; }

private:
    int channels_;
    double phaseStep_;
    float amplitude_;
    double phase_ = 0.0;
    std::int64_t samplesSoFar_ = 0;
};

} // namespace hoststudio::media
