// SPDX-License-Identifier: GPL-2.0-or-later
// The compositor: layout geometry (fit, pip corners and size, side by side), pixels of a composed
// frame (each source lands in its place in its colour, a missing source shows the slate), the
// scaler cache (one context per steady geometry), and the packed-RGB path: BT.709 values of known
// colours, odd sizes, padded strides, the SIMD columns and the scalar rest alike, every packed
// format the same picture; the kept result (a still picture copied, only changed rows converted,
// the same frame as converting everything).
#include "TestFrames.hpp"

#include "hoststudio/media/Compositor.hpp"
#include "hoststudio/media/MediaError.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <memory>
#include <random>
#include <vector>

extern "C" {
#include <libavutil/frame.h>
#include <libavutil/pixdesc.h>
}

namespace hoststudio::media {
namespace {

using test_frames::Frame;
using test_frames::makeFrame;
using test_frames::solidRgb;

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

// Exact BT.709 limited range from full-range RGB.
struct ExactYuv {
    double y, u, v;
};
ExactYuv exactBt709(double red, double green, double blue)
{
    const double luma = 0.2126 * red + 0.7152 * green + 0.0722 * blue;
    return {16.0 + 219.0 * luma / 255.0, 128.0 + 224.0 * (blue - luma) / (1.8556 * 255.0),
            128.0 + 224.0 * (red - luma) / (1.5748 * 255.0)};
}

// A picture of packed 4-byte pixels with a padded stride.
struct PackedPicture {
    int width = 0;
    int height = 0;
    int stride = 0;
    std::vector<std::uint8_t> bytes;
    std::uint8_t* pixel(int x, int y) { return bytes.data() + static_cast<std::ptrdiff_t>(y) * stride + x * 4; }
};

// YUV 4:2:0 planes with padded strides and a guard value around the picture.
struct GuardedPlanes {
    static constexpr std::uint8_t kGuard = 0xA5;
    int width = 0;
    int height = 0;
    std::array<int, 3> strides{};
    std::array<std::vector<std::uint8_t>, 3> planes;
    GuardedPlanes(int pictureWidth, int pictureHeight) : width(pictureWidth), height(pictureHeight)
    {
        const int chromaWidth = (width + 1) / 2;
        const int chromaHeight = (height + 1) / 2;
        strides = {width + 13, chromaWidth + 7, chromaWidth + 7};
        planes[0].assign(static_cast<std::size_t>(strides[0] * (height + 1)), kGuard);
        planes[1].assign(static_cast<std::size_t>(strides[1] * (chromaHeight + 1)), kGuard);
        planes[2].assign(static_cast<std::size_t>(strides[2] * (chromaHeight + 1)), kGuard);
    }
    void convert(const PackedPicture& picture, PackedOrder order)
    {
        std::uint8_t* const pointers[3] = {planes[0].data(), planes[1].data(), planes[2].data()};
        convertPackedRgbToI420(picture.bytes.data(), picture.stride, order, picture.width, picture.height, pointers,
                               strides.data());
    }
    void scaleTwoThirds(const PackedPicture& picture, PackedOrder order, std::vector<std::uint8_t>& scratch)
    {
        std::uint8_t* const pointers[3] = {planes[0].data(), planes[1].data(), planes[2].data()};
        scaleTwoThirdsToI420(picture.bytes.data(), picture.stride, order, width, height, pointers, strides.data(),
                             scratch);
    }
    [[nodiscard]] int at(int plane, int x, int y) const
    {
        return planes[static_cast<std::size_t>(plane)]
                     [static_cast<std::size_t>(y * strides[static_cast<std::size_t>(plane)] + x)];
    }
    // Every byte outside the picture still holds the guard.
    [[nodiscard]] bool guardsIntact() const
    {
        for (int plane = 0; plane < 3; ++plane) {
            const int planeWidth = plane == 0 ? width : (width + 1) / 2;
            const int planeHeight = plane == 0 ? height : (height + 1) / 2;
            const int stride = strides[static_cast<std::size_t>(plane)];
            const auto& bytes = planes[static_cast<std::size_t>(plane)];
            for (int index = 0; index < static_cast<int>(bytes.size()); ++index) {
                const bool inside = index / stride < planeHeight && index % stride < planeWidth;
                if (!inside && bytes[static_cast<std::size_t>(index)] != kGuard) {
                    return false;
                }
            }
        }
        return true;
    }
};

struct Rgb {
    double red, green, blue;
};

// Whether `planes` hold the BT.709 conversion of the picture `rgb(x, y)` describes: each luma value
// within `lumaTolerance` of its pixel's, each chroma value within `chromaTolerance` of its (up to)
// 2×2 block's mean.
testing::AssertionResult holdsBt709Of(const GuardedPlanes& planes, const std::function<Rgb(int, int)>& rgb,
                                      double lumaTolerance, double chromaTolerance)
{
    for (int y = 0; y < planes.height; ++y) {
        for (int x = 0; x < planes.width; ++x) {
            const Rgb pixel = rgb(x, y);
            const double luma = exactBt709(pixel.red, pixel.green, pixel.blue).y;
            if (std::abs(planes.at(0, x, y) - luma) > lumaTolerance) {
                return testing::AssertionFailure()
                       << "luma at " << x << "," << y << ": " << planes.at(0, x, y) << " instead of " << luma;
            }
        }
    }
    for (int y = 0; y < planes.height; y += 2) {
        for (int x = 0; x < planes.width; x += 2) {
            Rgb mean{0, 0, 0};
            int count = 0;
            for (int row = y; row < std::min(y + 2, planes.height); ++row) {
                for (int column = x; column < std::min(x + 2, planes.width); ++column) {
                    const Rgb pixel = rgb(column, row);
                    mean = {mean.red + pixel.red, mean.green + pixel.green, mean.blue + pixel.blue};
                    ++count;
                }
            }
            const ExactYuv exact = exactBt709(mean.red / count, mean.green / count, mean.blue / count);
            if (std::abs(planes.at(1, x / 2, y / 2) - exact.u) > chromaTolerance ||
                std::abs(planes.at(2, x / 2, y / 2) - exact.v) > chromaTolerance) {
                return testing::AssertionFailure()
                       << "chroma at " << x << "," << y << ": " << planes.at(1, x / 2, y / 2) << ","
                       << planes.at(2, x / 2, y / 2) << " instead of " << exact.u << "," << exact.v;
            }
        }
    }
    return testing::AssertionSuccess();
}

TEST(PackedRgbConversion, KnownColoursGetTheirBt709Values)
{
    struct Case {
        std::uint8_t red, green, blue;
        int y, u, v;
    };
    // Values of exact BT.709 (limited range), rounded; one step of difference allowed.
    const Case cases[] = {
        {255, 255, 255, 235, 128, 128}, {0, 0, 0, 16, 128, 128},    {255, 0, 0, 63, 102, 240},
        {0, 255, 0, 173, 42, 26},       {0, 0, 255, 32, 240, 118},  {128, 128, 128, 126, 128, 128},
        {32, 64, 192, 73, 187, 109},    {16, 176, 64, 131, 95, 62},
    };
    for (const PackedOrder order : {PackedOrder::bgrx, PackedOrder::rgbx}) {
        for (const Case& colour : cases) {
            // 34×4: two SIMD groups of 16 columns and a scalar rest of 2.
            PackedPicture picture{34, 4, 34 * 4, {}};
            picture.bytes.resize(static_cast<std::size_t>(picture.stride * picture.height));
            for (int y = 0; y < picture.height; ++y) {
                for (int x = 0; x < picture.width; ++x) {
                    std::uint8_t* pixel = picture.pixel(x, y);
                    pixel[0] = order == PackedOrder::bgrx ? colour.blue : colour.red;
                    pixel[1] = colour.green;
                    pixel[2] = order == PackedOrder::bgrx ? colour.red : colour.blue;
                    pixel[3] = 0;
                }
            }
            GuardedPlanes planes(picture.width, picture.height);
            planes.convert(picture, order);
            for (const int x : {0, 15, 16, 31, 32, 33}) {
                SCOPED_TRACE(testing::Message() << "rgb " << int{colour.red} << "," << int{colour.green} << ","
                                                << int{colour.blue} << " column " << x);
                EXPECT_NEAR(planes.at(0, x, 3), colour.y, 1);
                EXPECT_NEAR(planes.at(1, x / 2, 1), colour.u, 1);
                EXPECT_NEAR(planes.at(2, x / 2, 1), colour.v, 1);
            }
            // Grey stays exactly neutral.
            if (colour.red == colour.green && colour.green == colour.blue) {
                EXPECT_EQ(planes.at(1, 0, 0), 128);
                EXPECT_EQ(planes.at(2, 0, 0), 128);
            }
        }
    }
}

TEST(PackedRgbConversion, OddSizesAndPaddedStridesMatchExactBt709)
{
    std::mt19937 random(20261124);
    std::uniform_int_distribution<int> byte(0, 255);
    // Widths around the SIMD groups (16 columns SSE2, 32 AVX2 where the processor has it: 50 is
    // one of each and a scalar rest), odd heights (a last row without a partner).
    for (const int width : {1, 2, 15, 16, 17, 37, 50, 64, 100}) {
        for (const int height : {1, 2, 3, 5}) {
            for (const PackedOrder order : {PackedOrder::bgrx, PackedOrder::rgbx}) {
                SCOPED_TRACE(testing::Message() << width << "x" << height);
                PackedPicture picture{width, height, width * 4 + 12, {}};
                picture.bytes.resize(static_cast<std::size_t>(picture.stride * height));
                for (std::uint8_t& value : picture.bytes) {
                    value = static_cast<std::uint8_t>(byte(random));
                }
                GuardedPlanes planes(width, height);
                planes.convert(picture, order);
                const int redAt = order == PackedOrder::bgrx ? 2 : 0;
                ASSERT_TRUE(holdsBt709Of(
                    planes,
                    [&](int x, int y) {
                        const std::uint8_t* pixel = picture.pixel(x, y);
                        return Rgb{static_cast<double>(pixel[redAt]), static_cast<double>(pixel[1]),
                                   static_cast<double>(pixel[2 - redAt])};
                    },
                    1.0, 1.5));
                EXPECT_TRUE(planes.guardsIntact());
            }
        }
    }
}

TEST(PackedRgbConversion, TwoThirdsIsWhenBothSidesAreExactlyTwoThirds)
{
    EXPECT_TRUE(scalesTwoThirds(1920, 1080, 1280, 720));
    EXPECT_TRUE(scalesTwoThirds(3, 3, 2, 2));
    EXPECT_FALSE(scalesTwoThirds(1920, 1080, 1280, 722)) << "one side only";
    EXPECT_FALSE(scalesTwoThirds(1920, 1200, 1280, 800 - 2));
    EXPECT_FALSE(scalesTwoThirds(1280, 720, 1280, 720)) << "no scaling";
    EXPECT_FALSE(scalesTwoThirds(3840, 2160, 1280, 720)) << "a third";
    EXPECT_FALSE(scalesTwoThirds(9, 6, 6, 4 + 1)) << "odd output";
    EXPECT_FALSE(scalesTwoThirds(0, 0, 0, 0));
}

TEST(PackedRgbConversion, TwoThirdsScaleIsBilinearAtTheOutputCentres)
{
    std::mt19937 random(20261124);
    std::uniform_int_distribution<int> byte(0, 255);
    std::vector<std::uint8_t> scratch; // reused across sizes, as the compositor does
    // Output widths around the SIMD groups (8 output pixels from 12) and their rests.
    for (const int width : {2, 4, 8, 10, 16, 18, 34}) {
        for (const int height : {2, 4, 6}) {
            for (const PackedOrder order : {PackedOrder::bgrx, PackedOrder::rgbx}) {
                SCOPED_TRACE(testing::Message() << width << "x" << height);
                const int sourceWidth = width * 3 / 2;
                const int sourceHeight = height * 3 / 2;
                PackedPicture picture{sourceWidth, sourceHeight, sourceWidth * 4 + 20, {}};
                picture.bytes.resize(static_cast<std::size_t>(picture.stride * sourceHeight));
                for (std::uint8_t& value : picture.bytes) {
                    value = static_cast<std::uint8_t>(byte(random));
                }
                GuardedPlanes planes(width, height);
                planes.scaleTwoThirds(picture, order, scratch);
                // Output pixel x of each group of two is 3/4 of source pixel 3·(x/2) (or +2) and 1/4 of
                // the middle one, the same for rows.
                const auto taps = [](int index, int& near, int& middle) {
                    near = index / 2 * 3 + (index % 2 == 0 ? 0 : 2);
                    middle = index / 2 * 3 + 1;
                };
                const auto scaled = [&](int x, int y, int channel) {
                    int nearX = 0;
                    int middleX = 0;
                    int nearY = 0;
                    int middleY = 0;
                    taps(x, nearX, middleX);
                    taps(y, nearY, middleY);
                    const auto value = [&](int column, int row) {
                        return static_cast<double>(picture.pixel(column, row)[channel]);
                    };
                    const double nearRow = 0.75 * value(nearX, nearY) + 0.25 * value(middleX, nearY);
                    const double middleRow = 0.75 * value(nearX, middleY) + 0.25 * value(middleX, middleY);
                    return 0.75 * nearRow + 0.25 * middleRow;
                };
                const int redAt = order == PackedOrder::bgrx ? 2 : 0;
                // Rounding: up to half a step per averaging (four of them) and one in the conversion.
                ASSERT_TRUE(holdsBt709Of(
                    planes,
                    [&](int x, int y) {
                        return Rgb{scaled(x, y, redAt), scaled(x, y, 1), scaled(x, y, 2 - redAt)};
                    },
                    2.5, 3.0));
                EXPECT_TRUE(planes.guardsIntact());
            }
        }
    }
}

// A picture whose left half is red and right half blue, in any packed format.
Frame splitPicture(int width, int height, AVPixelFormat format)
{
    Frame frame = makeFrame(width, height, format);
    frame->color_range = AVCOL_RANGE_JPEG;
    const bool threeBytes = format == AV_PIX_FMT_RGB24 || format == AV_PIX_FMT_BGR24;
    const bool redFirst = format == AV_PIX_FMT_RGB24 || format == AV_PIX_FMT_RGB0 || format == AV_PIX_FMT_RGBA;
    const int size = threeBytes ? 3 : 4;
    for (int y = 0; y < height; ++y) {
        std::uint8_t* line = frame->data[0] + static_cast<std::ptrdiff_t>(y) * frame->linesize[0];
        for (int x = 0; x < width; ++x) {
            const bool red = x < width / 2;
            std::uint8_t* pixel = line + static_cast<std::ptrdiff_t>(x) * size;
            pixel[redFirst ? 0 : 2] = red ? 230 : 20;
            pixel[1] = 30;
            pixel[redFirst ? 2 : 0] = red ? 20 : 230;
            if (size == 4) {
                pixel[3] = 255;
            }
        }
    }
    return frame;
}

bool isRed(Yuv p)
{
    return p.v > 200 && p.u < 128;
}

TEST(Compositor, EveryPackedFormatScalesToTheSamePlaceAndColour)
{
    for (const AVPixelFormat format :
         {AV_PIX_FMT_BGR0, AV_PIX_FMT_BGRA, AV_PIX_FMT_RGB0, AV_PIX_FMT_RGBA, AV_PIX_FMT_RGB24, AV_PIX_FMT_BGR24}) {
        SCOPED_TRACE(av_get_pix_fmt_name(format));
        // Scaled down (1920×1080 into 1280×720), and at its own size (no scaling).
        for (const Size source : {Size{1920, 1080}, Size{1280, 720}}) {
            Compositor compositor(1280, 720, Layout::screen, PipSettings{});
            const Frame output = makeFrame(1280, 720, AV_PIX_FMT_YUV420P);
            const Frame picture = splitPicture(source.width, source.height, format);
            compositor.compose(output.get(), picture.get(), nullptr);
            EXPECT_TRUE(isRed(pixel(output.get(), 10, 10)));
            EXPECT_TRUE(isRed(pixel(output.get(), 600, 700)));
            EXPECT_TRUE(isBlue(pixel(output.get(), 680, 10)));
            EXPECT_TRUE(isBlue(pixel(output.get(), 1270, 710)));
            EXPECT_EQ(compositor.scalersCreated(), 1);
        }
    }
}

TEST(Compositor, ScreenAndCameraPicturesInPictureAsTheyArrive)
{
    // The X11 screen's format (BGR0, full HD) and Qt's camera pictures (RGB0).
    Compositor compositor(1920, 1080, Layout::pip, PipSettings{});
    const Frame output = makeFrame(1920, 1080, AV_PIX_FMT_YUV420P);
    const Frame screen = splitPicture(1920, 1080, AV_PIX_FMT_BGR0);
    const Frame camera = makeFrame(640, 360, AV_PIX_FMT_RGB0);
    for (int y = 0; y < 360; ++y) {
        std::uint8_t* line = camera->data[0] + static_cast<std::ptrdiff_t>(y) * camera->linesize[0];
        for (int x = 0; x < 640; ++x) {
            line[4 * x] = 16;
            line[4 * x + 1] = 176;
            line[4 * x + 2] = 64;
            line[4 * x + 3] = 0;
        }
    }
    compositor.compose(output.get(), screen.get(), camera.get());
    // The camera: 480×270 at x 1392–1871, y 762–1031 (size 0.25, margin 0.025 of 1920).
    EXPECT_TRUE(isGreen(pixel(output.get(), 1400, 770)));
    EXPECT_TRUE(isGreen(pixel(output.get(), 1860, 1020)));
    EXPECT_TRUE(isBlue(pixel(output.get(), 1380, 770)));
    EXPECT_TRUE(isBlue(pixel(output.get(), 1400, 750)));
    EXPECT_TRUE(isRed(pixel(output.get(), 100, 1000)));
}

// Kept results: the packed paths one to one and at two thirds keep what they drew, so a still
// picture is copied and a picture that says which rows changed converts only those.

// A picture of noise (every row different), BGR0 as the X11 screen gives it.
Frame noisePicture(int width, int height, std::uint32_t seed)
{
    Frame frame = makeFrame(width, height, AV_PIX_FMT_BGR0);
    frame->color_range = AVCOL_RANGE_JPEG;
    std::mt19937 random(seed);
    for (int y = 0; y < height; ++y) {
        std::uint8_t* line = frame->data[0] + static_cast<std::ptrdiff_t>(y) * frame->linesize[0];
        for (int x = 0; x < width * 4; ++x) {
            line[x] = static_cast<std::uint8_t>(random());
        }
    }
    return frame;
}

// `picture` with rows [top, bottom) drawn over with other noise.
Frame withNewRows(const AVFrame* picture, int top, int bottom, std::uint32_t seed)
{
    Frame frame(av_frame_clone(picture));
    EXPECT_EQ(av_frame_make_writable(frame.get()), 0);
    std::mt19937 random(seed);
    for (int y = top; y < bottom; ++y) {
        std::uint8_t* line = frame->data[0] + static_cast<std::ptrdiff_t>(y) * frame->linesize[0];
        for (int x = 0; x < picture->width * 4; ++x) {
            line[x] = static_cast<std::uint8_t>(random());
        }
    }
    return frame;
}

// The frame a fresh compositor draws from the pictures, each converted whole.
Frame composedWhole(int width, int height, Layout layout, const AVFrame* main, const AVFrame* camera)
{
    Compositor fresh(width, height, layout, PipSettings{});
    Frame output = makeFrame(width, height, AV_PIX_FMT_YUV420P);
    fresh.compose(output.get(), main, camera);
    return output;
}

testing::AssertionResult sameFrame(const AVFrame* actual, const AVFrame* expected)
{
    for (int plane = 0; plane < 3; ++plane) {
        const int width = plane == 0 ? expected->width : expected->width / 2;
        const int height = plane == 0 ? expected->height : expected->height / 2;
        for (int y = 0; y < height; ++y) {
            const std::uint8_t* a = actual->data[plane] + static_cast<std::ptrdiff_t>(y) * actual->linesize[plane];
            const std::uint8_t* b = expected->data[plane] + static_cast<std::ptrdiff_t>(y) * expected->linesize[plane];
            for (int x = 0; x < width; ++x) {
                if (a[x] != b[x]) {
                    return testing::AssertionFailure() << "plane " << plane << " differs at (" << x << "," << y
                                                       << "): " << int{a[x]} << " instead of " << int{b[x]};
                }
            }
        }
    }
    return testing::AssertionSuccess();
}

TEST(CompositorKeptResult, ConvertingOnlyTheChangedRowsGivesTheWholeConversionsFrame)
{
    // Two thirds (a 1080p screen in 720p) and one to one, with the camera over the screen.
    for (const Size source : {Size{1920, 1080}, Size{1280, 720}}) {
        SCOPED_TRACE(source.width);
        Compositor compositor(1280, 720, Layout::pip, PipSettings{});
        const Frame output = makeFrame(1280, 720, AV_PIX_FMT_YUV420P);
        const Frame camera = solidRgb(640, 360, 16, 176, 64);
        Frame picture = noisePicture(source.width, source.height, 1);
        std::uint64_t sequence = 1;
        compositor.compose(output.get(), SlotPicture{picture.get(), sequence, {}}, SlotPicture{camera.get(), 0, {}});
        ASSERT_TRUE(sameFrame(output.get(), composedWhole(1280, 720, Layout::pip, picture.get(), camera.get()).get()));
        // Bands on and off the 2- and 3-row groups, at the top, the bottom and one row alone.
        const std::vector<std::pair<int, int>> bands{{0, 1}, {301, 302}, {100, 401}, {source.height - 1, source.height},
                                                     {7, 8}, {2, 5},     {500, 509}};
        for (const auto& [top, bottom] : bands) {
            SCOPED_TRACE(top);
            picture = withNewRows(picture.get(), top, bottom, static_cast<std::uint32_t>(sequence + 100));
            const std::uint64_t before = compositor.rowsConverted();
            compositor.compose(output.get(), SlotPicture{picture.get(), ++sequence, ChangedRows{top, bottom}},
                               SlotPicture{camera.get(), 0, {}});
            EXPECT_TRUE(
                sameFrame(output.get(), composedWhole(1280, 720, Layout::pip, picture.get(), camera.get()).get()));
            // The band's rows and at most the rest of their 2- or 3-row groups (and the camera's 360).
            EXPECT_LE(compositor.rowsConverted() - before, static_cast<std::uint64_t>(bottom - top + 4 + 360));
        }
    }
}

TEST(CompositorKeptResult, AStillPictureIsCopiedNotConvertedAgain)
{
    // The screen at two thirds, and a 3-byte still image (a slate) one to one.
    for (const bool screen : {true, false}) {
        SCOPED_TRACE(screen ? "screen" : "image");
        Compositor compositor(1280, 720, Layout::screen, PipSettings{});
        const Frame picture = screen ? noisePicture(1920, 1080, 2) : splitPicture(1280, 720, AV_PIX_FMT_RGB24);
        const auto rows = static_cast<std::uint64_t>(picture->height);
        const Frame expected = composedWhole(1280, 720, Layout::screen, picture.get(), nullptr);
        compositor.compose(makeFrame(1280, 720, AV_PIX_FMT_YUV420P).get(), SlotPicture{picture.get(), 1, {}}, {});
        EXPECT_EQ(compositor.rowsConverted(), rows);
        for (std::uint64_t sequence = 2; sequence < 6; ++sequence) {
            // A new output buffer each time, as the encoder's may be: the whole picture is there.
            const Frame output = makeFrame(1280, 720, AV_PIX_FMT_YUV420P);
            compositor.compose(output.get(), SlotPicture{picture.get(), sequence, ChangedRows::none()}, {});
            EXPECT_TRUE(sameFrame(output.get(), expected.get()));
        }
        // The same picture held (a source that stopped delivering): its sequence again.
        const Frame held = makeFrame(1280, 720, AV_PIX_FMT_YUV420P);
        compositor.compose(held.get(), SlotPicture{picture.get(), 5, {}}, {});
        EXPECT_TRUE(sameFrame(held.get(), expected.get()));
        EXPECT_EQ(compositor.rowsConverted(), rows);
    }
}

TEST(CompositorKeptResult, AMissedPictureMovingPicturesAndNoSequenceConvertEverything)
{
    Compositor compositor(1280, 720, Layout::screen, PipSettings{});
    const Frame output = makeFrame(1280, 720, AV_PIX_FMT_YUV420P);
    Frame picture = noisePicture(1920, 1080, 3);
    compositor.compose(output.get(), SlotPicture{picture.get(), 1, {}}, {});
    const auto composeAndCheck = [&](std::uint64_t sequence, ChangedRows changed, std::uint64_t rows) {
        const std::uint64_t before = compositor.rowsConverted();
        compositor.compose(output.get(), SlotPicture{picture.get(), sequence, changed}, {});
        EXPECT_TRUE(sameFrame(output.get(), composedWhole(1280, 720, Layout::screen, picture.get(), nullptr).get()));
        EXPECT_EQ(compositor.rowsConverted() - before, rows);
    };
    // Picture 2 (rows 0–99 changed) never reached the compositor; picture 3 says rows 600–609.
    picture = withNewRows(picture.get(), 0, 100, 10);
    picture = withNewRows(picture.get(), 600, 610, 11);
    composeAndCheck(3, ChangedRows{600, 610}, 1080);
    // Moving pictures: each changed everywhere, then still ones again.
    for (std::uint64_t sequence = 4; sequence < 8; ++sequence) {
        SCOPED_TRACE(sequence);
        picture = noisePicture(1920, 1080, static_cast<std::uint32_t>(sequence));
        composeAndCheck(sequence, {}, 1080);
    }
    composeAndCheck(8, ChangedRows::none(), 1080); // the last moving one was not kept
    composeAndCheck(9, ChangedRows::none(), 0);
    picture = withNewRows(picture.get(), 30, 33, 12);
    composeAndCheck(10, ChangedRows{30, 33}, 3);
    // Without a sequence nothing is kept: the same picture converted again.
    composeAndCheck(0, ChangedRows::none(), 1080);
    composeAndCheck(0, ChangedRows::none(), 1080);
}

} // namespace
} // namespace hoststudio::media
