// SPDX-License-Identifier: GPL-2.0-or-later
// The compositor: layout geometry (fit, pip corners and size, side by side), pixels of a composed
// frame (each source lands in its place in its colour, a missing source shows the slate), and the
// scaler cache (one context per steady geometry).
#include "hoststudio/media/Compositor.hpp"
#include "hoststudio/media/MediaError.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>

extern "C" {
#include <libavutil/frame.h>
}

namespace hoststudio::media {
namespace {

struct FrameFree {
    void operator()(AVFrame* frame) const noexcept { av_frame_free(&frame); }
};
using Frame = std::unique_ptr<AVFrame, FrameFree>;

Frame makeFrame(int width, int height, AVPixelFormat format)
{
    Frame frame(av_frame_alloc());
    frame->width = width;
    frame->height = height;
    frame->format = format;
    EXPECT_EQ(av_frame_get_buffer(frame.get(), 0), 0);
    return frame;
}

Frame solidRgb(int width, int height, std::uint8_t red, std::uint8_t green, std::uint8_t blue)
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

struct Yuv {
    int y, u, v;
};
Yuv pixel(const AVFrame* frame, int x, int y)
{
    return {frame->data[0][static_cast<std::ptrdiff_t>(y) * frame->linesize[0] + x],
            frame->data[1][static_cast<std::ptrdiff_t>(y / 2) * frame->linesize[1] + x / 2],
            frame->data[2][static_cast<std::ptrdiff_t>(y / 2) * frame->linesize[2] + x / 2]};
}
// Blue dominates: U well above neutral; green: U and V well below neutral.
bool isBlue(Yuv p)
{
    return p.u > 170 && p.v < 140;
}
bool isGreen(Yuv p)
{
    return p.u < 110 && p.v < 110 && p.y > 90;
}
bool isSlate(Yuv p)
{
    return (std::abs(p.y - kSlateYuv[0]) <= 1 || std::abs(p.y - kSlateBandYuv[0]) <= 1) &&
           std::abs(p.u - kSlateYuv[1]) <= 1 && std::abs(p.v - kSlateYuv[2]) <= 1;
}

TEST(LayoutGeometry, FitKeepsTheAspectRatioCentredOnEvenPixels)
{
    EXPECT_EQ(fitInside({1280, 720}, {0, 0, 1280, 720}), (Rect{0, 0, 1280, 720}));
    // 4:3 into 16:9: pillarboxed.
    EXPECT_EQ(fitInside({640, 480}, {0, 0, 1280, 720}), (Rect{160, 0, 960, 720}));
    // 16:9 into a 640×720 half: letterboxed, offset inside the area.
    EXPECT_EQ(fitInside({1920, 1080}, {640, 0, 640, 720}), (Rect{640, 180, 640, 360}));
    // Odd sizes come out even.
    const Rect odd = fitInside({333, 333}, {0, 0, 101, 101});
    EXPECT_EQ(odd.width % 2, 0);
    EXPECT_EQ(odd.height % 2, 0);
    EXPECT_EQ(odd.x % 2, 0);
    // No source size: the whole area.
    EXPECT_EQ(fitInside({0, 0}, {2, 4, 100, 50}), (Rect{2, 4, 100, 50}));
}

TEST(LayoutGeometry, PipSitsInTheChosenCornerAtTheChosenSize)
{
    PipSettings pip;
    pip.size = 0.25;
    pip.margin = 0.025;
    const Size output{1280, 720};
    const Size screen{1280, 720};
    const Size camera{640, 360};
    pip.corner = PipCorner::bottomRight;
    auto placements = layoutPlacements(Layout::pip, pip, output, screen, camera);
    ASSERT_EQ(placements.size(), 2U);
    EXPECT_EQ(placements[0].slot, Slot::main);
    EXPECT_EQ(placements[0].rect, (Rect{0, 0, 1280, 720}));
    EXPECT_EQ(placements[1].slot, Slot::camera);
    EXPECT_EQ(placements[1].rect, (Rect{1280 - 32 - 320, 720 - 32 - 180, 320, 180}));

    pip.corner = PipCorner::topLeft;
    placements = layoutPlacements(Layout::pip, pip, output, screen, camera);
    EXPECT_EQ(placements[1].rect, (Rect{32, 32, 320, 180}));
    pip.corner = PipCorner::topRight;
    placements = layoutPlacements(Layout::pip, pip, output, screen, camera);
    EXPECT_EQ(placements[1].rect, (Rect{1280 - 32 - 320, 32, 320, 180}));
    pip.corner = PipCorner::bottomLeft;
    pip.size = 0.5;
    placements = layoutPlacements(Layout::pip, pip, output, screen, camera);
    EXPECT_EQ(placements[1].rect, (Rect{32, 720 - 32 - 360, 640, 360}));
}

TEST(LayoutGeometry, SideBySideSplitsTheFrameInHalves)
{
    const auto placements = layoutPlacements(Layout::side, {}, {1280, 720}, {1280, 720}, {640, 480});
    ASSERT_EQ(placements.size(), 2U);
    EXPECT_EQ(placements[0].rect, (Rect{0, 180, 640, 360}));
    EXPECT_EQ(placements[1].rect, (Rect{640, 120, 640, 480}));
}

TEST(LayoutGeometry, SingleSourceLayoutsAndTheSlate)
{
    auto placements = layoutPlacements(Layout::screen, {}, {1280, 720}, {1920, 1080}, {640, 360});
    ASSERT_EQ(placements.size(), 1U);
    EXPECT_EQ(placements[0].slot, Slot::main);
    placements = layoutPlacements(Layout::camera, {}, {1280, 720}, {1920, 1080}, {640, 480});
    ASSERT_EQ(placements.size(), 1U);
    EXPECT_EQ(placements[0].slot, Slot::camera);
    EXPECT_EQ(placements[0].rect, (Rect{160, 0, 960, 720}));
    EXPECT_TRUE(layoutPlacements(Layout::slate, {}, {1280, 720}, {}, {}).empty());
}

TEST(LayoutParsing, NamesAndBadInputs)
{
    EXPECT_EQ(*parseLayout("pip"), Layout::pip);
    EXPECT_EQ(*parseLayout("side"), Layout::side);
    EXPECT_FALSE(parseLayout("grid"));
    EXPECT_EQ(parseLayout("grid").error(), MediaErrc::invalidSettings);
    EXPECT_EQ(*parsePipCorner("top-left"), PipCorner::topLeft);
    EXPECT_FALSE(parsePipCorner("middle"));
    PipSettings pip;
    EXPECT_TRUE(pip.validationError().empty());
    pip.size = 0.9;
    EXPECT_FALSE(pip.validationError().empty());
    EXPECT_TRUE(layoutUsesCamera(Layout::pip));
    EXPECT_FALSE(layoutUsesCamera(Layout::screen));
}

TEST(Compositor, PipPutsEachSourceInItsPlace)
{
    Compositor compositor(1280, 720, Layout::pip, PipSettings{});
    const Frame output = makeFrame(1280, 720, AV_PIX_FMT_YUV420P);
    const Frame screen = solidRgb(1920, 1080, 32, 64, 192);
    const Frame camera = solidRgb(640, 360, 16, 176, 64);
    compositor.compose(output.get(), screen.get(), camera.get());
    // Camera rectangle: x 928–1247, y 508–687.
    EXPECT_TRUE(isGreen(pixel(output.get(), 1000, 600)));
    EXPECT_TRUE(isGreen(pixel(output.get(), 1240, 680)));
    EXPECT_TRUE(isBlue(pixel(output.get(), 100, 100)));
    EXPECT_TRUE(isBlue(pixel(output.get(), 900, 600)));  // left of the camera
    EXPECT_TRUE(isBlue(pixel(output.get(), 1000, 500))); // above it
    EXPECT_TRUE(isBlue(pixel(output.get(), 1260, 700))); // in the margin
}

TEST(Compositor, SideBySideAndAMissingSourceShowsTheSlate)
{
    Compositor compositor(1280, 720, Layout::side, PipSettings{});
    const Frame output = makeFrame(1280, 720, AV_PIX_FMT_YUV420P);
    const Frame screen = solidRgb(1280, 720, 32, 64, 192);
    compositor.compose(output.get(), screen.get(), nullptr);
    EXPECT_TRUE(isBlue(pixel(output.get(), 320, 360)));
    EXPECT_TRUE(isSlate(pixel(output.get(), 960, 360)));
    EXPECT_TRUE(isSlate(pixel(output.get(), 960, 200)));
    // Letterbox bars above the 16:9 left half are black.
    const Yuv bar = pixel(output.get(), 320, 50);
    EXPECT_EQ(bar.y, 16);
    EXPECT_EQ(bar.u, 128);
}

TEST(Compositor, SlateLayoutAndScalerCache)
{
    Compositor slate(640, 360, Layout::slate, PipSettings{});
    const Frame small = makeFrame(640, 360, AV_PIX_FMT_YUV420P);
    slate.compose(small.get(), nullptr, nullptr);
    EXPECT_TRUE(isSlate(pixel(small.get(), 10, 10)));
    EXPECT_EQ(pixel(small.get(), 320, 180).y, kSlateBandYuv[0]);
    EXPECT_EQ(pixel(small.get(), 320, 10).y, kSlateYuv[0]);

    Compositor compositor(640, 360, Layout::screen, PipSettings{});
    const Frame first = solidRgb(320, 180, 200, 0, 0);
    for (int frame = 0; frame < 5; ++frame) {
        compositor.compose(small.get(), first.get(), nullptr);
    }
    EXPECT_EQ(compositor.scalersCreated(), 1);
    const Frame bigger = solidRgb(1280, 720, 200, 0, 0);
    compositor.compose(small.get(), bigger.get(), nullptr);
    compositor.compose(small.get(), bigger.get(), nullptr);
    EXPECT_EQ(compositor.scalersCreated(), 2);
    EXPECT_GT(pixel(small.get(), 320, 180).v, 180); // red
}

} // namespace
} // namespace hoststudio::media
