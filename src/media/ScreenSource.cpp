// SPDX-License-Identifier: GPL-2.0-or-later
// The X11 screen as a source, through libavdevice's x11grab: the whole screen or a region, with or
// without the cursor, grabbed at the output frame rate on the capture thread; the encoder thread
// takes the latest picture. A grab that fails mid-stream ends the capture (the compositor then
// holds the last picture and shows the slate); it never stops the output.
//
// Threads: the capture thread (started by start(), joined by stop()/the destructor), which grabs a
// little before each output frame is due on the output clock; latest() on the encoder thread; the
// latest picture is guarded by a mutex.
#include "FfmpegSupport.hpp"
#include "ScreenChanges.hpp"
#include "SourceInternals.hpp"

#include "hoststudio/media/MediaError.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <thread>

extern "C" {
#include <libavdevice/avdevice.h>
#include <libavutil/dict.h>
}

namespace hoststudio::media::detail {

namespace {

constexpr int kGrabPacingMultiple = 4;

int interruptIfStopping(void* opaque)
{
    return static_cast<std::atomic<bool>*>(opaque)->load() ? 1 : 0;
}

struct InputDeleter {
    void operator()(AVFormatContext* context) const noexcept { avformat_close_input(&context); }
};
using InputPtr = std::unique_ptr<AVFormatContext, InputDeleter>;

core::Result<std::string> resolveDisplay(const std::string& requested)
{
    if (!requested.empty()) {
        return requested;
    }
    const char* display = std::getenv("DISPLAY"); // NOLINT(concurrency-mt-unsafe)
    if (display != nullptr && *display != '\0') {
        return std::string(display);
    }
    const char* wayland = std::getenv("WAYLAND_DISPLAY"); // NOLINT(concurrency-mt-unsafe)
    if (wayland != nullptr && *wayland != '\0') {
        return core::Error{MediaErrc::deviceUnavailable,
                           "screen capture: this is a Wayland session without DISPLAY, and X11 capture is unavailable "
                           "there; run the studio under XWayland (DISPLAY set) or share a file or camera instead"};
    }
    return core::Error{MediaErrc::deviceUnavailable,
                       "screen capture: no X11 display; set DISPLAY (e.g. DISPLAY=:0) or pass --display"};
}

core::Result<InputPtr> openGrab(const std::string& display, const ScreenCaptureOptions& options,
                                std::atomic<bool>* stopping)
{
    avdevice_register_all();
    const AVInputFormat* format = av_find_input_format("x11grab");
    if (format == nullptr) {
        return core::Error{MediaErrc::deviceUnavailable, "screen capture: this FFmpeg has no x11grab device"};
    }
    std::string url = display;
    AVDictionary* settings = nullptr;
    // The source paces the grabs itself (just before each output frame); x11grab's own pacing, at
    // a multiple of the rate, never holds a grab back.
    av_dict_set(&settings, "framerate", std::to_string(options.fps * kGrabPacingMultiple).c_str(), 0);
    av_dict_set(&settings, "draw_mouse", options.drawCursor ? "1" : "0", 0);
    if (options.window != 0) {
        av_dict_set(&settings, "window_id", std::to_string(options.window).c_str(), 0);
    }
    if (options.region) {
        const ScreenRegion& region = *options.region;
        url += "+" + std::to_string(region.x) + "," + std::to_string(region.y);
        av_dict_set(&settings, "video_size",
                    (std::to_string(region.width) + "x" + std::to_string(region.height)).c_str(), 0);
    }
    AVFormatContext* raw = avformat_alloc_context();
    if (raw == nullptr) {
        av_dict_free(&settings);
        return core::Error{MediaErrc::deviceUnavailable, "out of memory"};
    }
    if (stopping != nullptr) {
        raw->interrupt_callback = AVIOInterruptCB{&interruptIfStopping, stopping};
    }
    clearFfmpegLogError();
    const int result = avformat_open_input(&raw, url.c_str(), format, &settings);
    av_dict_free(&settings);
    if (result < 0) {
        std::string why = lastFfmpegLogError();
        if (why.empty()) {
            why = ffmpegErrorText(result);
        }
        if (options.window != 0) {
            why += " (check the window id: xwininfo shows it)";
        }
        return core::Error{MediaErrc::deviceUnavailable, "screen capture of X11 display " + display + ": " + why};
    }
    return InputPtr(raw);
}

class ScreenSource final : public VideoSource {
public:
    ScreenSource(std::string display, int fps, InputPtr input, CodecContextPtr decoder,
                 std::unique_ptr<ScreenChanges> changes)
        : display_(std::move(display)), period_(std::chrono::nanoseconds(1000000000 / std::max(1, fps))),
          input_(std::move(input)), decoder_(std::move(decoder)), changes_(std::move(changes))
    {}
    ~ScreenSource() override { stop(); }
    [[nodiscard]] std::string describe() const override { return "screen " + display_; }

    void start(SteadyClock::time_point clockStart) override
    {
        if (!thread_.joinable() && !stopping_.load()) {
            thread_ = std::thread([this, clockStart] { run(clockStart); });
        }
    }
    void stop() override
    {
        {
            const std::lock_guard lock(wakeMutex_);
            stopping_.store(true);
        }
        wake_.notify_all();
        if (thread_.joinable()) {
            thread_.join();
        }
    }

    VideoSample latest(std::chrono::microseconds /*mediaTime*/) override
    {
        const std::lock_guard lock(mutex_);
        return {latest_, sequence_, changed_};
    }

private:
    // Each grab a little before an output frame is due: the picture is fresh when the compositor
    // takes it (lower latency), and still in the processor's cache. A grab that ran late skips to
    // the next frame's slot rather than grabbing twice in a row.
    void run(SteadyClock::time_point clockStart)
    {
        PacketPtr packet(av_packet_alloc());
        FramePtr frame(av_frame_alloc());
        SteadyClock::time_point next = clockStart - period_ / kGrabLeadDivisor;
        while (!stopping_.load()) {
            const auto now = SteadyClock::now();
            if (next < now) {
                next += period_ * ((now - next) / period_ + 1);
            }
            {
                std::unique_lock lock(wakeMutex_);
                if (wake_.wait_until(lock, next, [this] { return stopping_.load(); })) {
                    return;
                }
            }
            next += period_;
            const int result = av_read_frame(input_.get(), packet.get());
            if (result < 0) {
                if (!stopping_.load()) {
                    qCWarning(lcMedia) << "screen capture ended:" << ffmpegErrorText(result).c_str();
                }
                return;
            }
            // Right after the grab: what the X server changed since the one before (one packet, one grab).
            const ChangedRows changed = changes_ ? changes_->afterGrab() : ChangedRows{};
            bool published = false;
            if (avcodec_send_packet(decoder_.get(), packet.get()) >= 0) {
                while (avcodec_receive_frame(decoder_.get(), frame.get()) >= 0) {
                    AVFrame* copy = av_frame_clone(frame.get());
                    av_frame_unref(frame.get());
                    if (copy != nullptr) {
                        copy->color_range = AVCOL_RANGE_JPEG;
                        const std::lock_guard lock(mutex_);
                        latest_ = makeSharedFrame(copy);
                        ++sequence_;
                        // After a grab that was not published, its changes are not in this band.
                        changed_ = lostOne_ ? ChangedRows{} : changed;
                        lostOne_ = false;
                        published = true;
                    }
                }
            }
            lostOne_ = lostOne_ || !published;
            av_packet_unref(packet.get());
        }
    }

    // How long before an output frame is due its grab starts: a sixth of a frame (5.6 ms at 30 fps).
    static constexpr int kGrabLeadDivisor = 6;

    std::string display_;
    std::chrono::nanoseconds period_;
    InputPtr input_;
    CodecContextPtr decoder_;
    std::atomic<bool> stopping_{false};
    std::mutex wakeMutex_; // with wake_: the capture thread's wait for its next grab, ended by stop()
    std::condition_variable wake_;
    std::thread thread_;
    std::mutex mutex_;
    std::unique_ptr<ScreenChanges> changes_; // capture thread; null: every picture changed
    std::shared_ptr<const AVFrame> latest_;  // guarded by mutex_
    std::uint64_t sequence_ = 0;             // guarded by mutex_
    ChangedRows changed_;                    // guarded by mutex_
    bool lostOne_ = false;                   // capture thread: the last grab was not published
};

// A monitor by name as the region it covers; at most one of region, monitor and window.
core::Result<ScreenCaptureOptions> resolveArea(const std::string& display, ScreenCaptureOptions options)
{
    const int chosen = (options.region ? 1 : 0) + (options.monitor.empty() ? 0 : 1) + (options.window != 0 ? 1 : 0);
    if (chosen > 1) {
        return core::Error{MediaErrc::invalidSettings,
                           "screen capture: choose one of a region, a monitor and a window, not several"};
    }
    if (options.monitor.empty()) {
        return options;
    }
    auto monitors = listScreenMonitors(display);
    if (!monitors) {
        return monitors.error();
    }
    std::string names;
    for (const ScreenMonitor& monitor : *monitors) {
        if (monitor.name == options.monitor) {
            options.region = monitor.area;
            return options;
        }
        names += (names.empty() ? "" : ", ") + monitor.name + " (" + std::to_string(monitor.area.width) + "x" +
                 std::to_string(monitor.area.height) + "+" + std::to_string(monitor.area.x) + "+" +
                 std::to_string(monitor.area.y) + ")";
    }
    return core::Error{MediaErrc::deviceUnavailable,
                       "screen capture: no monitor '" + options.monitor + "' on X11 display " + display +
                           (names.empty() ? std::string("; it names no monitors (capture the whole screen or a region)")
                                          : "; its monitors: " + names)};
}

} // namespace

core::Result<OpenedSource> openScreenSource(const ScreenCaptureOptions& requested)
{
    auto display = resolveDisplay(requested.display);
    if (!display) {
        return display.error();
    }
    auto resolved = resolveArea(*display, requested);
    if (!resolved) {
        return resolved.error();
    }
    const ScreenCaptureOptions& options = *resolved;
    auto input = openGrab(*display, options, nullptr);
    if (!input) {
        return input.error();
    }
    AVFormatContext* context = input->get();
    if (context->nb_streams < 1) {
        return core::Error{MediaErrc::deviceUnavailable, "screen capture: x11grab gave no stream"};
    }
    const AVCodecParameters* parameters = context->streams[0]->codecpar;
    const AVCodec* codec = avcodec_find_decoder(parameters->codec_id);
    CodecContextPtr decoder(codec == nullptr ? nullptr : avcodec_alloc_context3(codec));
    if (!decoder || avcodec_parameters_to_context(decoder.get(), parameters) < 0 ||
        avcodec_open2(decoder.get(), codec, nullptr) < 0) {
        return core::Error{MediaErrc::deviceUnavailable, "screen capture: cannot decode x11grab's pictures"};
    }
    OpenedSource opened;
    opened.video = std::make_unique<ScreenSource>(
        *display, options.fps, std::move(*input), std::move(decoder),
        ScreenChanges::open(*display, options.region, options.drawCursor, options.window));
    return opened;
}

core::Result<std::pair<int, int>> probeScreen(const std::string& requested)
{
    auto display = resolveDisplay(requested);
    if (!display) {
        return display.error();
    }
    ScreenCaptureOptions options;
    options.fps = 1;
    auto input = openGrab(*display, options, nullptr);
    if (!input) {
        return input.error();
    }
    const AVCodecParameters* parameters = (*input)->streams[0]->codecpar;
    return std::pair<int, int>{parameters->width, parameters->height};
}

} // namespace hoststudio::media::detail
