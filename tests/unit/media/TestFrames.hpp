// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Pictures for the media tests: an owned AVFrame, a fresh one of a size and format, and a solid
// RGB24 one (full range, as RGB captures are).

extern "C" {
#include <libavutil/frame.h>
}

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <memory>

namespace hoststudio::media::test_frames {

struct FrameFree {
    void operator()(AVFrame* frame) const noexcept { av_frame_free(&frame); }
};
using Frame = std::unique_ptr<AVFrame, FrameFree>;

inline Frame makeFrame(int width, int height, AVPixelFormat format)
{
    Frame frame(av_frame_alloc());
    frame->width = width;
    frame->height = height;
    frame->format = format;
    EXPECT_EQ(av_frame_get_buffer(frame.get(), 0), 0);
    return frame;
}

inline Frame solidRgb(int width, int height, std::uint8_t red, std::uint8_t green, std::uint8_t blue)
{
    Frame frame = makeFrame(width, height, AV_PIX_FMT_RGB24);
    frame->color_range = AVCOL_RANGE_JPEG;
    for (int row = 0; row < height; ++row) {
        std::uint8_t* line = frame->data[0] + static_cast<std::ptrdiff_t>(row) * frame->linesize[0];
        for (int x = 0; x < width; ++x) {
            line[3 * x] = red;
            line[3 * x + 1] = green;
            line[3 * x + 2] = blue;
        }
    }
    return frame;
}

} // namespace hoststudio::media::test_frames
