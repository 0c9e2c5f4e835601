// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/media/Sources.hpp"

#include "FfmpegSupport.hpp"
#include "SourceInternals.hpp"

#include "hoststudio/media/MediaError.hpp"
#include "hoststudio/media/TestSources.hpp"

#include <charconv>
#include <cstring>
#include <vector>

extern "C" {
#include <libavutil/imgutils.h>
}

namespace hoststudio::media {

namespace detail {

std::shared_ptr<AVFrame> makeSharedFrame(AVFrame* frame)
{
    return {frame, [](AVFrame* done) { av_frame_free(&done); }};
}

std::shared_ptr<AVFrame> allocatePicture(int width, int height, int pixelFormat)
{
    AVFrame* frame = av_frame_alloc();
    if (frame == nullptr) {
        return nullptr;
    }
    frame->width = width;
    frame->height = height;
    frame->format = pixelFormat;
    if (av_frame_get_buffer(frame, 0) < 0) {
        av_frame_free(&frame);
        return nullptr;
    }
    return makeSharedFrame(frame);
}

} // namespace detail

namespace {

std::uint64_t wallClockMs()
{
    return static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count());
}

constexpr int kSyntheticFps = 30;

// The test pattern as a source: drawn straight into the output when it fills it, else into its own
// picture at the output size.
class TestPatternSource final : public VideoSource {
public:
    TestPatternSource(int width, int height) : pattern_(width, height), width_(width), height_(height) {}
    [[nodiscard]] std::string describe() const override { return "testpattern"; }

    bool renderInto(std::uint8_t* const planes[3], const int strides[3], int width, int height,
                    std::int64_t frameIndex) override
    {
        if (width != width_ || height != height_) {
            return false;
        }
        Yuv420Picture picture;
        for (std::size_t plane = 0; plane < 3; ++plane) {
            picture.planes[plane] = planes[plane];
            picture.strides[plane] = strides[plane];
        }
        picture.width = width;
        picture.height = height;
        pattern_.render(picture, static_cast<std::uint32_t>(frameIndex), wallClockMs());
        return true;
    }

    VideoSample latest(std::chrono::microseconds mediaTime) override
    {
        if (!frame_) {
            frame_ = detail::allocatePicture(width_, height_, AV_PIX_FMT_YUV420P);
            if (!frame_) {
                return {};
            }
        }
        const int strides[3] = {frame_->linesize[0], frame_->linesize[1], frame_->linesize[2]};
        renderInto(frame_->data, strides, width_, height_, mediaTime.count() * kSyntheticFps / 1000000);
        return {frame_, ++sequence_, {}};
    }

private:
    TestPattern pattern_;
    int width_;
    int height_;
    std::shared_ptr<AVFrame> frame_;
    std::uint64_t sequence_ = 0;
};

// A moving pattern of a known colour (kSyntheticCameraRgb, a lighter bar sweeping across), 640×360
// packed RGB: stands in for a camera in tests and exercises the conversion path.
class SyntheticCameraSource final : public VideoSource {
public:
    static constexpr int kWidth = 640;
    static constexpr int kHeight = 360;
    static constexpr int kBarWidth = 40;

    [[nodiscard]] std::string describe() const override { return "synthetic-camera"; }

    VideoSample latest(std::chrono::microseconds mediaTime) override
    {
        if (!frame_) {
            frame_ = detail::allocatePicture(kWidth, kHeight, AV_PIX_FMT_RGB24);
            if (!frame_) {
                return {};
            }
            frame_->color_range = AVCOL_RANGE_JPEG;
        }
        const std::int64_t frameIndex = mediaTime.count() * kSyntheticFps / 1000000;
        const int barX = static_cast<int>((frameIndex * 8) % (kWidth + kBarWidth)) - kBarWidth;
        // One row, then copied down: every row is the same.
        row_.resize(std::size_t{3} * static_cast<std::size_t>(kWidth));
        for (int x = 0; x < kWidth; ++x) {
            const bool bar = x >= barX && x < barX + kBarWidth;
            const std::uint8_t* colour = bar ? kSyntheticCameraBarRgb : kSyntheticCameraRgb;
            std::memcpy(row_.data() + std::ptrdiff_t{3} * x, colour, 3);
        }
        for (int row = 0; row < kHeight; ++row) {
            std::memcpy(frame_->data[0] + static_cast<std::ptrdiff_t>(row) * frame_->linesize[0], row_.data(),
                        row_.size());
        }
        return {frame_, ++sequence_, {}};
    }

private:
    std::shared_ptr<AVFrame> frame_;
    std::vector<std::uint8_t> row_;
    std::uint64_t sequence_ = 0;
};

// A still picture (a slate, a logo): decoded once, delivered on every frame.
class ImageSource final : public VideoSource {
public:
    ImageSource(std::string path, std::shared_ptr<AVFrame> picture)
        : path_(std::move(path)), picture_(std::move(picture))
    {}
    [[nodiscard]] std::string describe() const override { return "image:" + path_; }
    VideoSample latest(std::chrono::microseconds /*mediaTime*/) override
    {
        // The same picture every time: after the first, nothing changed.
        const ChangedRows changed = sequence_ == 0 ? ChangedRows{} : ChangedRows::none();
        return {picture_, ++sequence_, changed};
    }

private:
    std::string path_;
    std::shared_ptr<AVFrame> picture_;
    std::uint64_t sequence_ = 0;
};

class TestToneSource final : public AudioSource {
public:
    TestToneSource() : tone_(kMixSampleRate, 2) {}
    [[nodiscard]] std::string describe() const override { return "testtone"; }
    int read(std::int64_t /*position*/, float* left, float* right, int count) override
    {
        float* planes[2] = {left, right};
        tone_.fill(planes, count);
        return count;
    }

private:
    TestTone tone_;
};

} // namespace

core::Result<SourceSpec> SourceSpec::parse(std::string_view text)
{
    SourceSpec spec;
    const auto argumentAfter = [&text](std::string_view prefix) { return std::string(text.substr(prefix.size())); };
    if (text == "testpattern") {
        spec.kind = SourceKind::testPattern;
    } else if (text == "synthetic-camera") {
        spec.kind = SourceKind::syntheticCamera;
    } else if (text == "screen") {
        spec.kind = SourceKind::screen;
    } else if (text == "camera" || text.starts_with("camera:")) {
        spec.kind = SourceKind::camera;
        spec.argument = text == "camera" ? std::string() : argumentAfter("camera:");
    } else if (text.starts_with("file:")) {
        spec.kind = SourceKind::file;
        spec.argument = argumentAfter("file:");
    } else if (text.starts_with("image:")) {
        spec.kind = SourceKind::image;
        spec.argument = argumentAfter("image:");
    } else {
        return core::Error{MediaErrc::unsupportedSource,
                           "unknown source '" + std::string(text) +
                               "': use screen, camera[:ID], file:PATH, image:PATH, synthetic-camera or testpattern"};
    }
    if ((spec.kind == SourceKind::file || spec.kind == SourceKind::image) && spec.argument.empty()) {
        return core::Error{MediaErrc::unsupportedSource, std::string(text) + " needs a path after the colon"};
    }
    return spec;
}

std::string SourceSpec::toString() const
{
    switch (kind) {
    case SourceKind::testPattern: return "testpattern";
    case SourceKind::syntheticCamera: return "synthetic-camera";
    case SourceKind::screen: return "screen";
    case SourceKind::camera: return argument.empty() ? "camera" : "camera:" + argument;
    case SourceKind::file: return "file:" + argument;
    case SourceKind::image: return "image:" + argument;
    }
    return "unknown";
}

core::Result<ScreenRegion> ScreenRegion::parse(std::string_view text)
{
    ScreenRegion region;
    const auto bad = [&text] {
        return core::Error{MediaErrc::invalidSettings, "invalid screen region '" + std::string(text) +
                                                           "': use WIDTHxHEIGHT+X+Y, e.g. 1280x720+0+0"};
    };
    const char* cursor = text.data();
    const char* end = text.data() + text.size();
    const auto number = [&cursor, end](int& value) {
        const auto [next, error] = std::from_chars(cursor, end, value);
        if (error != std::errc{} || next == cursor) {
            return false;
        }
        cursor = next;
        return true;
    };
    if (!number(region.width) || cursor == end || *cursor++ != 'x' || !number(region.height)) {
        return bad();
    }
    if (cursor != end) {
        if (*cursor++ != '+' || !number(region.x) || cursor == end || *cursor++ != '+' || !number(region.y) ||
            cursor != end) {
            return bad();
        }
    }
    if (region.width < 16 || region.height < 16 || region.x < 0 || region.y < 0) {
        return bad();
    }
    region.width &= ~1;
    region.height &= ~1;
    return region;
}

core::Result<OpenedSource> openSource(const SourceSpec& spec, int outputWidth, int outputHeight,
                                      const ScreenCaptureOptions& screen, const FileSourceOptions& file)
{
    detail::installFfmpegLogBridge();
    switch (spec.kind) {
    case SourceKind::testPattern: {
        OpenedSource opened;
        opened.video = std::make_unique<TestPatternSource>(outputWidth, outputHeight);
        opened.audio = makeTestToneSource();
        return opened;
    }
    case SourceKind::syntheticCamera: {
        OpenedSource opened;
        opened.video = std::make_unique<SyntheticCameraSource>();
        return opened;
    }
    case SourceKind::image: return detail::openImageSource(spec.argument);
    case SourceKind::file: return detail::openFileSource(spec.argument, file);
    case SourceKind::screen: return detail::openScreenSource(screen);
    case SourceKind::camera: return detail::openCameraSource(spec.argument);
    }
    return core::Error{MediaErrc::unsupportedSource, spec.toString()};
}

std::unique_ptr<AudioSource> makeTestToneSource()
{
    return std::make_unique<TestToneSource>();
}

namespace detail {

core::Result<OpenedSource> openImageSource(const std::string& path)
{
    AVFormatContext* input = nullptr;
    clearFfmpegLogError();
    int result = avformat_open_input(&input, path.c_str(), nullptr, nullptr);
    if (result < 0) {
        return core::Error{MediaErrc::unsupportedSource,
                           "cannot open image " + path + ": " + ffmpegErrorText(result) + " (give a PNG or JPEG file)"};
    }
    const std::unique_ptr<AVFormatContext, void (*)(AVFormatContext*)> owner(
        input, [](AVFormatContext* done) { avformat_close_input(&done); });
    const AVCodec* codec = nullptr;
    const int stream = av_find_best_stream(input, AVMEDIA_TYPE_VIDEO, -1, -1, &codec, 0);
    if (stream < 0 || codec == nullptr) {
        return core::Error{MediaErrc::unsupportedSource, path + " holds no picture"};
    }
    CodecContextPtr decoder(avcodec_alloc_context3(codec));
    if (!decoder || avcodec_parameters_to_context(decoder.get(), input->streams[stream]->codecpar) < 0 ||
        avcodec_open2(decoder.get(), codec, nullptr) < 0) {
        return core::Error{MediaErrc::unsupportedSource, "cannot decode " + path};
    }
    PacketPtr packet(av_packet_alloc());
    FramePtr frame(av_frame_alloc());
    while (av_read_frame(input, packet.get()) >= 0) {
        if (packet->stream_index == stream) {
            avcodec_send_packet(decoder.get(), packet.get());
        }
        av_packet_unref(packet.get());
        if (avcodec_receive_frame(decoder.get(), frame.get()) >= 0) {
            OpenedSource opened;
            opened.video = std::make_unique<ImageSource>(path, makeSharedFrame(frame.release()));
            return opened;
        }
    }
    avcodec_send_packet(decoder.get(), nullptr);
    if (avcodec_receive_frame(decoder.get(), frame.get()) >= 0) {
        OpenedSource opened;
        opened.video = std::make_unique<ImageSource>(path, makeSharedFrame(frame.release()));
        return opened;
    }
    return core::Error{MediaErrc::unsupportedSource, "no picture could be decoded from " + path};
}

} // namespace detail

} // namespace hoststudio::media
