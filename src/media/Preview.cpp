// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/media/Preview.hpp"

#include "FfmpegSupport.hpp"
#include "hoststudio/media/MediaError.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <utility>

extern "C" {
#include <libavutil/frame.h>
#include <libswscale/swscale.h>
}

namespace hoststudio::media {

namespace {

constexpr int kMaxPreviewFps = 60;
constexpr int kMinPreviewWidth = 16;
constexpr int kMaxPreviewWidth = 3840;

} // namespace

std::string PreviewSettings::validationError() const
{
    if (fps < 1 || fps > kMaxPreviewFps) {
        return "the preview rate must be 1–60 frames per second";
    }
    if (width < kMinPreviewWidth || width > kMaxPreviewWidth) {
        return "the preview width must be 16–3840 pixels";
    }
    return {};
}

// The slot word: which holder is in the slot (0–2), and two flags.
constexpr unsigned kHolderMask = 3U;
constexpr unsigned kFresh = 4U;    // the holder in the slot has a frame nobody took yet
constexpr unsigned kStopping = 8U; // stop(): the preview thread ends, offer() refuses

struct FramePreview::Private {
    struct Holder {
        detail::FramePtr frame{av_frame_alloc()};
        std::int64_t frameIndex = 0;
        std::chrono::microseconds mediaTime{0};
    };
    // Owned by the producer, the slot or the preview thread, as FramePreview::slot_ says.
    std::array<Holder, 3> holders;
    // Preview thread: the scaler for the current geometry.
    SwsContext* scaler = nullptr;
    int sourceWidth = 0;
    int sourceHeight = 0;
    int sourceFormat = -1;
    int width = 0;
    int height = 0;

    Private() = default;
    Private(const Private&) = delete;
    Private& operator=(const Private&) = delete;
    ~Private() { sws_freeContext(scaler); }

    // Converts `frame` to RGB888 at most `maxWidth` wide; false when it cannot be converted.
    bool convert(const AVFrame* frame, int maxWidth, PreviewFrame& out)
    {
        if (frame->width <= 0 || frame->height <= 0) {
            return false;
        }
        if (scaler == nullptr || sourceWidth != frame->width || sourceHeight != frame->height ||
            sourceFormat != frame->format) {
            sws_freeContext(scaler);
            sourceWidth = frame->width;
            sourceHeight = frame->height;
            sourceFormat = frame->format;
            width = std::min(maxWidth, frame->width);
            height =
                std::max(1, static_cast<int>(std::lround(static_cast<double>(width) * frame->height / frame->width)));
            scaler = sws_getContext(frame->width, frame->height, static_cast<AVPixelFormat>(frame->format), width,
                                    height, AV_PIX_FMT_RGB24, SWS_BILINEAR, nullptr, nullptr, nullptr);
            if (scaler == nullptr) {
                qCWarning(lcMedia) << "preview: no scaler for" << frame->width << "x" << frame->height << "format"
                                   << frame->format;
                return false;
            }
            // The compositor's output: BT.709, limited range; the preview: full-range RGB.
            const int* coefficients = sws_getCoefficients(SWS_CS_ITU709);
            sws_setColorspaceDetails(scaler, coefficients, 0, coefficients, 1, 0, 1 << 16, 1 << 16);
        }
        if (scaler == nullptr) {
            return false;
        }
        out.width = width;
        out.height = height;
        out.stride = (width * 3 + 15) & ~15; // QImage wants 32-bit aligned rows; 16 suits the scaler
        out.rgb.assign(static_cast<std::size_t>(out.stride) * static_cast<std::size_t>(height), 0);
        std::uint8_t* destination[4] = {out.rgb.data(), nullptr, nullptr, nullptr};
        const int strides[4] = {out.stride, 0, 0, 0};
        return sws_scale(scaler, frame->data, frame->linesize, 0, frame->height, destination, strides) == height;
    }
};

core::Result<std::shared_ptr<FramePreview>> FramePreview::create(PreviewSettings settings, Consumer consumer)
{
    if (std::string problem = settings.validationError(); !problem.empty()) {
        return core::Error{MediaErrc::invalidSettings, std::move(problem)};
    }
    if (!consumer) {
        return core::Error{MediaErrc::invalidSettings, "the preview needs a consumer for its frames"};
    }
    std::shared_ptr<FramePreview> preview(new FramePreview(settings, std::move(consumer)));
    for (const Private::Holder& holder : preview->private_->holders) {
        if (!holder.frame) {
            return core::Error{MediaErrc::encoderFailed, "preview: out of memory"};
        }
    }
    preview->thread_ = std::thread([raw = preview.get()] { raw->run(); });
    return preview;
}

FramePreview::FramePreview(PreviewSettings settings, Consumer consumer)
    : settings_(settings), consumer_(std::move(consumer)), private_(std::make_unique<Private>())
{}

FramePreview::~FramePreview()
{
    stop();
}

bool FramePreview::offer(const AVFrame* frame, std::int64_t frameIndex, std::chrono::microseconds mediaTime)
{
    if (frame == nullptr) {
        return false;
    }
    const std::int64_t slot = std::max<std::int64_t>(0, mediaTime.count()) * settings_.fps / 1000000;
    if (slot < nextSlot_) {
        return false;
    }
    Private::Holder& mine = private_->holders[static_cast<std::size_t>(producerHolder_)];
    av_frame_unref(mine.frame.get());
    if (av_frame_ref(mine.frame.get(), frame) < 0) {
        return false;
    }
    mine.frameIndex = frameIndex;
    mine.mediaTime = mediaTime;
    // Put the filled holder in the slot and take back what was there: one atomic exchange.
    unsigned previous = slot_.load();
    do {
        if ((previous & kStopping) != 0) {
            av_frame_unref(mine.frame.get());
            return false;
        }
    } while (!slot_.compare_exchange_weak(previous, static_cast<unsigned>(producerHolder_) | kFresh));
    producerHolder_ = static_cast<int>(previous & kHolderMask);
    if ((previous & kFresh) != 0) {
        // The consumer was too slow for the frame that waited there: dropped, released now.
        dropped_.fetch_add(1);
        av_frame_unref(private_->holders[static_cast<std::size_t>(producerHolder_)].frame.get());
    }
    handedOff_.fetch_add(1);
    nextSlot_ = slot + 1;
    slot_.notify_one();
    return true;
}

void FramePreview::stop()
{
    slot_.fetch_or(kStopping);
    slot_.notify_all();
    if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) {
        thread_.join();
    }
}

PreviewStats FramePreview::stats() const noexcept
{
    return PreviewStats{handedOff_.load(), delivered_.load(), dropped_.load()};
}

void FramePreview::run()
{
    for (;;) {
        // Wait for a fresh frame in the slot (or stop), then swap the own holder in for it.
        unsigned current = slot_.load();
        do {
            while ((current & (kFresh | kStopping)) == 0) {
                slot_.wait(current);
                current = slot_.load();
            }
            if ((current & kStopping) != 0) {
                return;
            }
        } while (!slot_.compare_exchange_weak(current, static_cast<unsigned>(consumerHolder_)));
        consumerHolder_ = static_cast<int>(current & kHolderMask);
        Private::Holder& holder = private_->holders[static_cast<std::size_t>(consumerHolder_)];
        PreviewFrame picture;
        const bool converted = private_->convert(holder.frame.get(), settings_.width, picture);
        // The encoder may write into its frame again without copying it.
        av_frame_unref(holder.frame.get());
        if (!converted) {
            continue;
        }
        picture.frameIndex = holder.frameIndex;
        picture.mediaTime = holder.mediaTime;
        delivered_.fetch_add(1);
        consumer_(std::move(picture));
    }
}

} // namespace hoststudio::media
