// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/media/Compositor.hpp"

#include "hoststudio/media/MediaError.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <optional>

#include <libyuv/convert_argb.h>
#include <libyuv/scale_argb.h>

extern "C" {
#include <libavutil/frame.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>
}

namespace hoststudio::media {

namespace {

constexpr std::array<std::uint8_t, 3> kBlackYuv{16, 128, 128};

int evenDown(int value)
{
    return std::max(2, value & ~1);
}

// Packed RGB formats the compositor scales with libyuv and converts itself; anything else goes
// through libswscale.
struct PackedFormat {
    PackedOrder order = PackedOrder::bgrx;
    int bytesPerPixel = 4; // 3: expanded to 4 bytes (B,G,R,x) first
    bool redFirst = false; // a 3-byte format's order: R,G,B (FFmpeg's RGB24) or B,G,R
};

std::optional<PackedFormat> packedFormatOf(int format)
{
    switch (static_cast<AVPixelFormat>(format)) {
    case AV_PIX_FMT_BGR0:
    case AV_PIX_FMT_BGRA: return PackedFormat{PackedOrder::bgrx, 4, false};
    case AV_PIX_FMT_RGB0:
    case AV_PIX_FMT_RGBA: return PackedFormat{PackedOrder::rgbx, 4, true};
    case AV_PIX_FMT_RGB24: return PackedFormat{PackedOrder::bgrx, 3, true};
    case AV_PIX_FMT_BGR24: return PackedFormat{PackedOrder::bgrx, 3, false};
    default: return std::nullopt;
    }
}

} // namespace

core::Result<Layout> parseLayout(std::string_view text)
{
    if (text == "screen") {
        return Layout::screen;
    }
    if (text == "camera") {
        return Layout::camera;
    }
    if (text == "pip") {
        return Layout::pip;
    }
    if (text == "side") {
        return Layout::side;
    }
    if (text == "slate") {
        return Layout::slate;
    }
    return core::Error{MediaErrc::invalidSettings,
                       "unknown layout '" + std::string(text) + "': use screen, camera, pip, side or slate"};
}

const char* layoutName(Layout layout) noexcept
{
    switch (layout) {
    case Layout::screen: return "screen";
    case Layout::camera: return "camera";
    case Layout::pip: return "pip";
    case Layout::side: return "side";
    case Layout::slate: return "slate";
    }
    return "unknown";
}

bool layoutUsesCamera(Layout layout) noexcept
{
    return layout == Layout::camera || layout == Layout::pip || layout == Layout::side;
}

bool layoutUsesMain(Layout layout) noexcept
{
    return layout == Layout::screen || layout == Layout::pip || layout == Layout::side;
}

core::Result<PipCorner> parsePipCorner(std::string_view text)
{
    if (text == "top-left") {
        return PipCorner::topLeft;
    }
    if (text == "top-right") {
        return PipCorner::topRight;
    }
    if (text == "bottom-left") {
        return PipCorner::bottomLeft;
    }
    if (text == "bottom-right") {
        return PipCorner::bottomRight;
    }
    return core::Error{MediaErrc::invalidSettings, "unknown picture-in-picture corner '" + std::string(text) +
                                                       "': use top-left, top-right, bottom-left or bottom-right"};
}

std::string PipSettings::validationError() const
{
    if (!(size >= 0.1 && size <= 0.5)) {
        return "the picture-in-picture size must be 0.1–0.5 (a fraction of the output width)";
    }
    if (!(margin >= 0.0 && margin <= 0.1)) {
        return "the picture-in-picture margin must be 0–0.1 (a fraction of the output width)";
    }
    return {};
}

Rect fitInside(Size source, Rect area)
{
    if (source.width <= 0 || source.height <= 0) {
        return area;
    }
    int width = area.width;
    int height = area.height;
    if (std::int64_t{source.width} * area.height >= std::int64_t{source.height} * area.width) {
        height = static_cast<int>(std::int64_t{area.width} * source.height / source.width);
    } else {
        width = static_cast<int>(std::int64_t{area.height} * source.width / source.height);
    }
    width = std::min(evenDown(width), area.width);
    height = std::min(evenDown(height), area.height);
    return Rect{area.x + ((area.width - width) / 2 & ~1), area.y + ((area.height - height) / 2 & ~1), width, height};
}

std::vector<Placement> layoutPlacements(Layout layout, const PipSettings& pip, Size output, Size main, Size camera)
{
    const Rect full{0, 0, output.width, output.height};
    std::vector<Placement> placements;
    switch (layout) {
    case Layout::screen: placements.push_back({Slot::main, fitInside(main, full)}); break;
    case Layout::camera: placements.push_back({Slot::camera, fitInside(camera, full)}); break;
    case Layout::pip: {
        placements.push_back({Slot::main, fitInside(main, full)});
        const Size shape = camera.width > 0 && camera.height > 0 ? camera : Size{16, 9};
        const int width = evenDown(static_cast<int>(std::lround(output.width * pip.size)));
        const int height = std::min(evenDown(static_cast<int>(std::int64_t{width} * shape.height / shape.width)),
                                    evenDown(output.height / 2));
        const int margin = static_cast<int>(std::lround(output.width * pip.margin)) & ~1;
        const bool left = pip.corner == PipCorner::topLeft || pip.corner == PipCorner::bottomLeft;
        const bool top = pip.corner == PipCorner::topLeft || pip.corner == PipCorner::topRight;
        const Rect box{left ? margin : (output.width - margin - width) & ~1,
                       top ? margin : (output.height - margin - height) & ~1, width, height};
        placements.push_back({Slot::camera, fitInside(camera, box)});
        break;
    }
    case Layout::side: {
        const int half = evenDown(output.width / 2);
        placements.push_back({Slot::main, fitInside(main, Rect{0, 0, half, output.height})});
        placements.push_back({Slot::camera, fitInside(camera, Rect{half, 0, output.width - half, output.height})});
        break;
    }
    case Layout::slate: break;
    }
    return placements;
}

void fillRect(AVFrame* output, Rect rect, std::array<std::uint8_t, 3> yuv)
{
    for (int row = 0; row < rect.height; ++row) {
        std::memset(output->data[0] + static_cast<std::ptrdiff_t>(rect.y + row) * output->linesize[0] + rect.x, yuv[0],
                    static_cast<std::size_t>(rect.width));
    }
    for (int plane = 1; plane < 3; ++plane) {
        for (int row = 0; row < rect.height / 2; ++row) {
            std::memset(output->data[plane] + static_cast<std::ptrdiff_t>(rect.y / 2 + row) * output->linesize[plane] +
                            rect.x / 2,
                        yuv[static_cast<std::size_t>(plane)], static_cast<std::size_t>(rect.width / 2));
        }
    }
}

void drawSlate(AVFrame* output, Rect rect)
{
    fillRect(output, rect, kSlateYuv);
    const int band = std::max(2, (rect.height / 6) & ~1);
    fillRect(output, Rect{rect.x, rect.y + ((rect.height - band) / 2 & ~1), rect.width, band}, kSlateBandYuv);
}

struct Compositor::Scaler {
    SwsContext* context = nullptr;      // the libswscale path
    std::optional<PackedFormat> packed; // the packed-RGB path (libyuv scaling, own conversion)
    std::vector<std::uint8_t> expanded; // packed path: a 3-byte picture as 4-byte pixels
    std::vector<std::uint8_t> scaled;   // packed path: the picture at the rectangle's size
    std::vector<std::uint8_t> rows;     // packed path at two thirds: the scaled rows of one row pair
    bool twoThirds = false;             // packed path: scaled and converted in one pass
    // Packed pictures one to one or at two thirds: the last result (I420, the rectangle's size:
    // Y, then U, then V) and the sequence of the picture it shows (0: none).
    bool keepsResult = false;
    std::vector<std::uint8_t> result;
    std::uint64_t resultSequence = 0;
    bool wholeLastTime = false; // the last picture changed everywhere
    bool ready = false;         // false: no way to draw this picture (the slate)
    int sourceWidth = 0;
    int sourceHeight = 0;
    int sourceFormat = -1;
    int sourceColorspace = -1;
    int sourceRange = -1;
    int width = 0;
    int height = 0;
    ~Scaler() { sws_freeContext(context); }
};

Compositor::Compositor(int width, int height, Layout layout, PipSettings pip)
    : width_(width), height_(height), layout_(layout), pip_(pip)
{}

Compositor::~Compositor() = default;

void Compositor::compose(AVFrame* output, const SlotPicture& main, const SlotPicture& camera)
{
    const Rect full{0, 0, width_, height_};
    if (layout_ == Layout::slate) {
        drawSlate(output, full);
        return;
    }
    const auto sizeOf = [](const AVFrame* picture) {
        return picture == nullptr ? Size{} : Size{picture->width, picture->height};
    };
    const std::vector<Placement> placements =
        layoutPlacements(layout_, pip_, Size{width_, height_}, sizeOf(main.frame), sizeOf(camera.frame));
    if (placements.empty() || !(placements.front().rect == full)) {
        fillRect(output, full, kBlackYuv);
    }
    for (const Placement& placement : placements) {
        const SlotPicture& slot = placement.slot == Slot::main ? main : camera;
        if (slot.frame == nullptr) {
            drawSlate(output, placement.rect);
        } else {
            draw(output, slot, placement.rect, placement.slot == Slot::main ? 0 : 1);
        }
    }
}

void Compositor::draw(AVFrame* output, const SlotPicture& slot, Rect rect, int scalerIndex)
{
    const AVFrame* picture = slot.frame;
    auto& scaler = scalers_[static_cast<std::size_t>(scalerIndex)];
    if (!scaler) {
        scaler = std::make_unique<Scaler>();
    }
    const int colorspace = picture->colorspace == AVCOL_SPC_BT709 ? SWS_CS_ITU709 : SWS_CS_DEFAULT;
    const int range = picture->color_range == AVCOL_RANGE_JPEG ? 1 : 0;
    if (scaler->sourceWidth != picture->width || scaler->sourceHeight != picture->height ||
        scaler->sourceFormat != picture->format || scaler->sourceColorspace != colorspace ||
        scaler->sourceRange != range || scaler->width != rect.width || scaler->height != rect.height) {
        prepare(*scaler, picture, rect, colorspace, range);
    }
    if (!scaler->ready) {
        drawSlate(output, rect);
        return;
    }
    std::uint8_t* destination[4] = {
        output->data[0] + static_cast<std::ptrdiff_t>(rect.y) * output->linesize[0] + rect.x,
        output->data[1] + static_cast<std::ptrdiff_t>(rect.y / 2) * output->linesize[1] + rect.x / 2,
        output->data[2] + static_cast<std::ptrdiff_t>(rect.y / 2) * output->linesize[2] + rect.x / 2,
        nullptr,
    };
    const int strides[4] = {output->linesize[0], output->linesize[1], output->linesize[2], 0};
    if (!scaler->packed) {
        sws_scale(scaler->context, picture->data, picture->linesize, 0, picture->height, destination, strides);
        return;
    }
    // Packed RGB: as 4-byte pixels, scaled to the rectangle (libyuv, SIMD; our own at two thirds),
    // converted into place.
    if (scaler->keepsResult) {
        drawKept(*scaler, slot, rect, destination, strides);
        return;
    }
    const PackedPixels packed = packedPixels(*scaler, picture);
    const int scaledStride = rect.width * 4;
    libyuv::ARGBScale(packed.pixels, packed.stride, picture->width, picture->height, scaler->scaled.data(),
                      scaledStride, rect.width, rect.height, libyuv::kFilterBilinear);
    convertPackedRgbToI420(scaler->scaled.data(), scaledStride, packed.order, rect.width, rect.height, destination,
                           strides);
}

Compositor::PackedPixels Compositor::packedPixels(Scaler& scaler, const AVFrame* picture)
{
    if (scaler.packed->bytesPerPixel == 4) {
        return {picture->data[0], picture->linesize[0], scaler.packed->order};
    }
    const int expandedStride = picture->width * 4;
    if (scaler.packed->redFirst) {
        libyuv::RAWToARGB(picture->data[0], picture->linesize[0], scaler.expanded.data(), expandedStride,
                          picture->width, picture->height);
    } else {
        libyuv::RGB24ToARGB(picture->data[0], picture->linesize[0], scaler.expanded.data(), expandedStride,
                            picture->width, picture->height);
    }
    return {scaler.expanded.data(), expandedStride, PackedOrder::bgrx};
}

void Compositor::drawKept(Scaler& scaler, const SlotPicture& slot, Rect rect, std::uint8_t* const destination[3],
                          const int strides[3])
{
    const int chromaWidth = rect.width / 2;
    const int chromaHeight = rect.height / 2;
    const std::size_t lumaBytes = static_cast<std::size_t>(rect.width) * static_cast<std::size_t>(rect.height);
    const std::size_t chromaBytes = static_cast<std::size_t>(chromaWidth) * static_cast<std::size_t>(chromaHeight);
    std::uint8_t* const kept[3] = {scaler.result.data(), scaler.result.data() + lumaBytes,
                                   scaler.result.data() + lumaBytes + chromaBytes};
    const int keptStrides[3] = {rect.width, chromaWidth, chromaWidth};
    const bool keptValid = scaler.resultSequence != 0;
    if (slot.sequence == 0 || !keptValid || slot.sequence != scaler.resultSequence) {
        const int height = slot.frame->height;
        const bool follows = slot.sequence != 0 && keptValid && slot.sequence == scaler.resultSequence + 1;
        const ChangedRows changed = follows ? slot.changed : ChangedRows{};
        const PackedPixels packed = packedPixels(scaler, slot.frame); // only when something is converted
        if (changed.covers(height)) {
            const bool saysWhole = slot.changed.covers(height);
            if (slot.sequence == 0 || (saysWhole && scaler.wholeLastTime)) {
                // Moving pictures (changed everywhere twice running): straight into the output.
                convertRows(scaler, packed, rect, 0, rect.height, destination, strides);
                scaler.resultSequence = 0;
                return;
            }
            convertRows(scaler, packed, rect, 0, rect.height, kept, keptStrides);
            scaler.wholeLastTime = saysWhole;
        } else {
            // Only the changed rows, as output rows (even; at two thirds, whole 3-row groups).
            const int top = std::clamp(changed.top, 0, height);
            const int bottom = std::clamp(changed.bottom, top, height);
            const int outTop = scaler.twoThirds ? top / 3 * 2 : top & ~1;
            const int outBottom = std::min(scaler.twoThirds ? (bottom + 2) / 3 * 2 : (bottom + 1) & ~1, rect.height);
            if (outBottom > outTop) {
                convertRows(scaler, packed, rect, outTop, outBottom, kept, keptStrides);
            }
            scaler.wholeLastTime = false;
        }
        scaler.resultSequence = slot.sequence;
    }
    for (int row = 0; row < rect.height; ++row) {
        std::memcpy(destination[0] + static_cast<std::ptrdiff_t>(row) * strides[0],
                    kept[0] + static_cast<std::ptrdiff_t>(row) * keptStrides[0], static_cast<std::size_t>(rect.width));
    }
    for (int plane = 1; plane < 3; ++plane) {
        for (int row = 0; row < chromaHeight; ++row) {
            std::memcpy(destination[plane] + static_cast<std::ptrdiff_t>(row) * strides[plane],
                        kept[plane] + static_cast<std::ptrdiff_t>(row) * keptStrides[plane],
                        static_cast<std::size_t>(chromaWidth));
        }
    }
}

void Compositor::convertRows(Scaler& scaler, const PackedPixels& packed, Rect rect, int top, int bottom,
                             std::uint8_t* const planes[3], const int strides[3])
{
    const int sourceTop = scaler.twoThirds ? top / 2 * 3 : top;
    const int sourceRows = scaler.twoThirds ? (bottom - top) / 2 * 3 : bottom - top;
    const std::uint8_t* source = packed.pixels + static_cast<std::ptrdiff_t>(sourceTop) * packed.stride;
    std::uint8_t* const band[3] = {planes[0] + static_cast<std::ptrdiff_t>(top) * strides[0],
                                   planes[1] + static_cast<std::ptrdiff_t>(top / 2) * strides[1],
                                   planes[2] + static_cast<std::ptrdiff_t>(top / 2) * strides[2]};
    if (scaler.twoThirds) {
        // The common 1080p screen in a 720p stream: the source read once, the scaled rows in the cache.
        scaleTwoThirdsToI420(source, packed.stride, packed.order, rect.width, bottom - top, band, strides, scaler.rows);
    } else {
        convertPackedRgbToI420(source, packed.stride, packed.order, rect.width, bottom - top, band, strides);
    }
    rowsConverted_ += static_cast<std::uint64_t>(sourceRows);
}

void Compositor::prepare(Scaler& scaler, const AVFrame* picture, Rect rect, int colorspace, int range)
{
    sws_freeContext(scaler.context);
    scaler.context = nullptr;
    scaler.sourceWidth = picture->width;
    scaler.sourceHeight = picture->height;
    scaler.sourceFormat = picture->format;
    scaler.sourceColorspace = colorspace;
    scaler.sourceRange = range;
    scaler.width = rect.width;
    scaler.height = rect.height;
    scaler.packed = packedFormatOf(picture->format);
    scaler.ready = false;
    if (picture->width <= 0 || picture->height <= 0 || rect.width <= 0 || rect.height <= 0) {
        qCWarning(lcMedia) << "a picture of" << picture->width << "x" << picture->height << "into" << rect.width << "x"
                           << rect.height << ": showing the slate";
        return;
    }
    if (scaler.packed) {
        // Buffers sized once per geometry: no allocation per frame.
        const auto pixelBytes = [](int width, int height) {
            return static_cast<std::size_t>(width) * static_cast<std::size_t>(height) * 4;
        };
        scaler.expanded.assign(scaler.packed->bytesPerPixel == 3 ? pixelBytes(picture->width, picture->height) : 0, 0);
        scaler.twoThirds = scalesTwoThirds(picture->width, picture->height, rect.width, rect.height);
        const bool scales = picture->width != rect.width || picture->height != rect.height;
        scaler.scaled.assign(scales && !scaler.twoThirds ? pixelBytes(rect.width, rect.height) : 0, 0);
        scaler.keepsResult = scaler.twoThirds || !scales;
        scaler.result.assign(scaler.keepsResult ? pixelBytes(rect.width, rect.height) * 3 / 8 : 0, 0);
        scaler.resultSequence = 0;
        scaler.wholeLastTime = false;
        scaler.ready = true;
        ++scalersCreated_;
        return;
    }
    scaler.expanded = {};
    scaler.scaled = {};
    scaler.twoThirds = false;
    scaler.keepsResult = false;
    scaler.result = {};
    scaler.resultSequence = 0;
    scaler.context =
        sws_getContext(picture->width, picture->height, static_cast<AVPixelFormat>(picture->format), rect.width,
                       rect.height, AV_PIX_FMT_YUV420P, SWS_FAST_BILINEAR, nullptr, nullptr, nullptr);
    if (scaler.context == nullptr) {
        qCWarning(lcMedia) << "no scaler from" << av_get_pix_fmt_name(static_cast<AVPixelFormat>(picture->format))
                           << picture->width << "x" << picture->height << ": showing the slate";
        return;
    }
    ++scalersCreated_;
    const bool rgbSource =
        (av_pix_fmt_desc_get(static_cast<AVPixelFormat>(picture->format))->flags & AV_PIX_FMT_FLAG_RGB) != 0;
    sws_setColorspaceDetails(scaler.context, sws_getCoefficients(colorspace), rgbSource ? 1 : range,
                             sws_getCoefficients(SWS_CS_ITU709), 0, 0, 1 << 16, 1 << 16);
    scaler.ready = true;
}

} // namespace hoststudio::media
