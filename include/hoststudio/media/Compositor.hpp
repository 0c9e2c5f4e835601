// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The compositor: one output picture (YUV 4:2:0, the encoder's size) per frame from up to two
// sources, by layout. Each source is scaled and converted once per frame straight into its place;
// a source without a picture shows the slate. Packed RGB pictures (the screen, cameras, the
// synthetic camera) are scaled with libyuv (bilinear, SIMD) and converted by
// convertPackedRgbToI420 — at exactly two thirds (a 1080p screen in a 720p stream) both in one pass
// by scaleTwoThirdsToI420; other formats go through libswscale (fast bilinear). Each source's
// context and buffers are made once per geometry, never per frame. On the packed paths without
// a general scaling (one to one, two thirds) the compositor keeps its last result: a picture it has
// drawn already is copied, and the next picture of a source that says which rows changed (the
// screen) converts only those rows.
//
//   screen: the main source full frame        camera: the second source full frame
//   pip:    the main source full frame, the second in a corner (corner, size, margin as settings)
//   side:   both side by side, each fitted into its half    slate: the slate only
// Pictures keep their aspect ratio (letterboxed on black).
//
// Thread safety: a Compositor is used by one thread (the encoder thread); the geometry functions
// are pure.

#include "hoststudio/core/Result.hpp"
#include "hoststudio/media/Sources.hpp"

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

struct AVFrame;

namespace hoststudio::media {

enum class Layout : std::uint8_t { screen, camera, pip, side, slate };
[[nodiscard]] core::Result<Layout> parseLayout(std::string_view text);
[[nodiscard]] const char* layoutName(Layout layout) noexcept;
// Whether the layout shows the second source (--camera).
[[nodiscard]] bool layoutUsesCamera(Layout layout) noexcept;
[[nodiscard]] bool layoutUsesMain(Layout layout) noexcept;

enum class PipCorner : std::uint8_t { topLeft, topRight, bottomLeft, bottomRight };
[[nodiscard]] core::Result<PipCorner> parsePipCorner(std::string_view text);

struct PipSettings {
    PipCorner corner = PipCorner::bottomRight;
    double size = 0.25;    // the picture-in-picture's width as a fraction of the output width (0.1–0.5)
    double margin = 0.025; // the gap to the edges as a fraction of the output width (0–0.1)
    [[nodiscard]] std::string validationError() const;
    friend bool operator==(const PipSettings&, const PipSettings&) = default;
};

struct Size {
    int width = 0;
    int height = 0;
};
struct Rect {
    int x = 0;
    int y = 0;
    int width = 0;
    int height = 0;
    friend bool operator==(const Rect&, const Rect&) = default;
};

enum class Slot : std::uint8_t { main, camera };
struct Placement {
    Slot slot = Slot::main;
    Rect rect;
};

// The largest rectangle of `source`'s aspect ratio inside `area`, centred; even coordinates and
// sizes (4:2:0). An empty source size fills the area.
[[nodiscard]] Rect fitInside(Size source, Rect area);
// Where each source goes, back to front. Sizes of 0×0 mean "no picture" (the slate, 16:9).
[[nodiscard]] std::vector<Placement> layoutPlacements(Layout layout, const PipSettings& pip, Size output, Size main,
                                                      Size camera);

// The slate (a placeholder for a missing source, and the `slate` layout): dark blue-grey with a
// lighter band across the middle. BT.709 limited-range YUV.
inline constexpr std::array<std::uint8_t, 3> kSlateYuv{40, 136, 124};
inline constexpr std::array<std::uint8_t, 3> kSlateBandYuv{110, 136, 124};

// The byte order of a packed 4-byte RGB pixel (the fourth byte is ignored): B,G,R,x (FFmpeg's
// BGR0/BGRA, libyuv's "ARGB": the X11 screen) or R,G,B,x (RGB0/RGBA: Qt's camera pictures).
enum class PackedOrder : std::uint8_t { bgrx, rgbx };

// One source's picture for a frame: the picture (null: the slate), its sequence from the source
// (0: unknown, never reused) and the rows that changed since the source's previous picture.
struct SlotPicture {
    const AVFrame* frame = nullptr;
    std::uint64_t sequence = 0;
    ChangedRows changed;
};

class Compositor {
public:
    Compositor(int width, int height, Layout layout, PipSettings pip);
    ~Compositor();
    Compositor(const Compositor&) = delete;
    Compositor& operator=(const Compositor&) = delete;

    [[nodiscard]] Layout layout() const noexcept { return layout_; }
    // Draws the output into `output` (YUV420P, width×height, writable). A null picture is the slate.
    void compose(AVFrame* output, const SlotPicture& main, const SlotPicture& camera);
    // Pictures without a sequence: each one converted whole.
    void compose(AVFrame* output, const AVFrame* main, const AVFrame* camera)
    {
        compose(output, SlotPicture{main, 0, {}}, SlotPicture{camera, 0, {}});
    }
    // Scaler contexts created so far (for tests: a steady picture size creates one, once).
    [[nodiscard]] int scalersCreated() const noexcept { return scalersCreated_; }
    // Source rows the packed paths have converted so far (for tests: a picture that did not change
    // converts none).
    [[nodiscard]] std::uint64_t rowsConverted() const noexcept { return rowsConverted_; }

private:
    struct Scaler;
    // A packed picture as 4-byte pixels (a 3-byte one expanded into the scaler's buffer).
    struct PackedPixels {
        const std::uint8_t* pixels = nullptr;
        int stride = 0;
        PackedOrder order = PackedOrder::bgrx;
    };
    void draw(AVFrame* output, const SlotPicture& slot, Rect rect, int scalerIndex);
    static PackedPixels packedPixels(Scaler& scaler, const AVFrame* picture);
    // The packed paths keeping their last result (one to one, two thirds): copies it for the same
    // picture again, converts only the changed rows of the next one.
    void drawKept(Scaler& scaler, const SlotPicture& slot, Rect rect, std::uint8_t* const destination[3],
                  const int strides[3]);
    // Those paths: the rectangle's rows [top, bottom) (even) from the picture into `planes` (which
    // start at the rectangle's top-left).
    void convertRows(Scaler& scaler, const PackedPixels& packed, Rect rect, int top, int bottom,
                     std::uint8_t* const planes[3], const int strides[3]);
    // A new picture geometry or format: picks the path (packed RGB or libswscale) and sizes its buffers.
    void prepare(Scaler& scaler, const AVFrame* picture, Rect rect, int colorspace, int range);

    int width_;
    int height_;
    Layout layout_;
    PipSettings pip_;
    std::array<std::unique_ptr<Scaler>, 2> scalers_;
    int scalersCreated_ = 0;
    std::uint64_t rowsConverted_ = 0;
};

// Fills a rectangle of a YUV420P frame with the slate.
void drawSlate(AVFrame* output, Rect rect);
// Fills a rectangle of a YUV420P frame with one colour.
void fillRect(AVFrame* output, Rect rect, std::array<std::uint8_t, 3> yuv);

// Converts a packed RGB picture (full range, 4 bytes a pixel, `sourceStride` bytes a row) of
// width×height to YUV 4:2:0, BT.709 limited range, into `planes` (Y, U, V; `strides` bytes a row).
// Chroma is the mean of each 2×2 block; an odd last column or row uses what there is. SIMD (SSE2)
// where the machine has it, the same integer arithmetic otherwise: results differ from exact
// BT.709 by at most one step.
void convertPackedRgbToI420(const std::uint8_t* source, int sourceStride, PackedOrder order, int width, int height,
                            std::uint8_t* const planes[3], const int strides[3]);

// Whether a sourceWidth×sourceHeight picture goes into width×height (both even) at exactly two
// thirds: what scaleTwoThirdsToI420 does.
[[nodiscard]] bool scalesTwoThirds(int sourceWidth, int sourceHeight, int width, int height) noexcept;

// Scales a packed RGB picture of (3/2·width)×(3/2·height) to width×height (both even) and converts
// it as convertPackedRgbToI420 does, in one pass: each 3×3 source block gives 2×2 pixels, bilinear
// at their centres (weights 3/4 and 1/4, within one step of rounding). Reads the source once and
// keeps the scaled rows in `scratch` (a few tens of kilobytes, reused between calls).
void scaleTwoThirdsToI420(const std::uint8_t* source, int sourceStride, PackedOrder order, int width, int height,
                          std::uint8_t* const planes[3], const int strides[3], std::vector<std::uint8_t>& scratch);

} // namespace hoststudio::media
