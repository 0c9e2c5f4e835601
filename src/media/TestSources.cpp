// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/media/TestSources.hpp"

#include <array>
#include <cmath>
#include <cstring>
#include <numbers>

namespace hoststudio::media {

namespace {

struct Bar {
    std::uint8_t y, u, v;
};

// 75 % SMPTE-style bars in BT.709 limited range: white, yellow, cyan, green, magenta, red, blue.
constexpr std::array<Bar, 7> kBars{{
    {180, 128, 128},
    {168, 44, 136},
    {145, 147, 44},
    {133, 63, 52},
    {63, 193, 204},
    {51, 109, 212},
    {28, 212, 120},
}};

constexpr int kScrollPixelsPerFrame = 4;
constexpr int kSquareSize = 64;

} // namespace

TestPattern::TestPattern(int width, int height) : width_(width), height_(height)
{
    const std::size_t rowLength = 2 * static_cast<std::size_t>(width_);
    lumaRow_.resize(rowLength);
    blueRow_.resize(rowLength / 2);
    redRow_.resize(rowLength / 2);
    for (std::size_t x = 0; x < rowLength; ++x) {
        const std::size_t bar =
            (x % static_cast<std::size_t>(width_)) * kBars.size() / static_cast<std::size_t>(width_);
        lumaRow_[x] = kBars[bar].y;
        if (x % 2 == 0) {
            blueRow_[x / 2] = kBars[bar].u;
            redRow_[x / 2] = kBars[bar].v;
        }
    }
}

void TestPattern::render(Yuv420Picture picture, std::uint32_t frameCounter, std::uint64_t captureTimeMs) const
{
    const auto widthBytes = static_cast<std::size_t>(width_);
    const auto chromaBytes = static_cast<std::size_t>(width_ / 2);
    const auto scroll = static_cast<std::size_t>((static_cast<std::uint64_t>(frameCounter) * kScrollPixelsPerFrame) %
                                                 static_cast<std::uint64_t>(width_)) &
                        ~std::size_t{1};
    for (int row = 0; row < height_; ++row) {
        std::memcpy(picture.planes[0] + row * picture.strides[0], lumaRow_.data() + scroll, widthBytes);
    }
    for (int row = 0; row < height_ / 2; ++row) {
        std::memcpy(picture.planes[1] + row * picture.strides[1], blueRow_.data() + scroll / 2, chromaBytes);
        std::memcpy(picture.planes[2] + row * picture.strides[2], redRow_.data() + scroll / 2, chromaBytes);
    }

    // A white square bouncing along the lower half.
    const int travel = width_ - kSquareSize;
    if (travel > 0 && height_ > 2 * kSquareSize) {
        const int position = static_cast<int>((frameCounter * 8U) % static_cast<unsigned>(2 * travel));
        const int x = position < travel ? position : 2 * travel - position;
        const int y = height_ - 2 * kSquareSize;
        for (int row = 0; row < kSquareSize; ++row) {
            std::memset(picture.planes[0] + (y + row) * picture.strides[0] + x, 235, kSquareSize);
        }
        for (int row = 0; row < kSquareSize / 2; ++row) {
            std::memset(picture.planes[1] + (y / 2 + row) * picture.strides[1] + x / 2, 128, kSquareSize / 2);
            std::memset(picture.planes[2] + (y / 2 + row) * picture.strides[2] + x / 2, 128, kSquareSize / 2);
        }
    }

    const StampArea area = timestampStampArea(width_, height_);
    for (int row = 0; row < area.height / 2; ++row) {
        std::memset(picture.planes[1] + row * picture.strides[1], 128, static_cast<std::size_t>(area.width / 2));
        std::memset(picture.planes[2] + row * picture.strides[2], 128, static_cast<std::size_t>(area.width / 2));
    }
    burnTimestamp({picture.planes[0], picture.strides[0], width_, height_}, {frameCounter, captureTimeMs});
}

TestTone::TestTone(int sampleRate, int channels, double frequencyHz, float amplitude)
    : channels_(channels), phaseStep_(2.0 * std::numbers::pi * frequencyHz / static_cast<double>(sampleRate)),
      amplitude_(amplitude)
{}

void TestTone::fill(float* const* channelPlanes, int sampleCount)
{
    for (int index = 0; index < sampleCount; ++index) {
        const float value = amplitude_ * static_cast<float>(std::sin(phase_));
        for (int channel = 0; channel < channels_; ++channel) {
            channelPlanes[channel][index] = value;
        }
        phase_ += phaseStep_;
        if (phase_ >= 2.0 * std::numbers::pi) {
            phase_ -= 2.0 * std::numbers::pi;
        }
    }
    samplesSoFar_ += sampleCount;
}

} // namespace hoststudio::media
