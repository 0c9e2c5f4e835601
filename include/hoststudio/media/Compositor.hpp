// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The compositor: one output picture (YUV 4:2:0, the encoder's size) per frame from up to two
// sources, by layout. Each source is scaled and converted once per frame straight into its place
// (libswscale, fast bilinear, one cached context per source geometry); a source without a picture
// shows the slate.
//
//   screen: the main source full frame        camera: the second source full frame
//   pip:    the main source full frame, the second in a corner (corner, size, margin as settings)
//   side:   both side by side, each fitted into its half    slate: the slate only
// Pictures keep their aspect ratio (letterboxed on black).
//
// Thread safety: a Compositor is used by one thread (the encoder thread); the geometry functions
// are pure.

#include "hoststudio/core/Result.hpp"

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

class Compositor {
public:
    Compositor(int width, int height, Layout layout, PipSettings pip);
    ~Compositor();
    Compositor(const Compositor&) = delete;
    Compositor& operator=(const Compositor&) = delete;

    [[nodiscard]] Layout layout() const noexcept { return layout_; }
    // Draws the output into `output` (YUV420P, width×height, writable). A null picture is the slate.
    void compose(AVFrame* output, const AVFrame* main, const AVFrame* camera);
    // Scaler contexts created so far (for tests: a steady picture size creates one, once).
    [[nodiscard]] int scalersCreated() const noexcept { return scalersCreated_; }

private:
    struct Scaler;
    void draw(AVFrame* output, const AVFrame* picture, Rect rect, int scalerIndex);

    int width_;
    int height_;
    Layout layout_;
    PipSettings pip_;
    std::array<std::unique_ptr<Scaler>, 2> scalers_;
    int scalersCreated_ = 0;
};

// Fills a rectangle of a YUV420P frame with the slate.
void drawSlate(AVFrame* output, Rect rect);
// Fills a rectangle of a YUV420P frame with one colour.
void fillRect(AVFrame* output, Rect rect, std::array<std::uint8_t, 3> yuv);

} // namespace hoststudio::media
