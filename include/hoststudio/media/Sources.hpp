// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Media sources: what the compositor and the audio mixer pull from, on the encoder thread, on the
// output clock (the pipeline's steady-clock start; media time = time since it).
//
//  - A VideoSource hands out its latest picture (any size, any pixel format) with a sequence number
//    that grows with every new picture. Sources that capture on their own thread (file, screen,
//    camera) only publish; they never make the encoder wait.
//  - An AudioSource writes into an AudioTimeline: 48 kHz stereo planar float placed on the output's
//    sample timeline, either appended as it arrives (a device) or at the position its timestamps
//    say (a file), so that audio and video of one file stay together however long it loops.
//  - SignalWatch turns "is the source still delivering" into what to show: the picture, the last
//    picture held for a moment, then the slate. It reads the time it is given (an injected clock).
//
// Thread safety: VideoSource::latest / AudioSource::read are called by the encoder thread only;
// start()/stop() by the pipeline's owner. AudioTimeline is safe for one writer and one reader.

#include "hoststudio/core/Result.hpp"

#include <chrono>
#include <cstdint>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct AVFrame;

namespace hoststudio::media {

using SteadyClock = std::chrono::steady_clock;

inline constexpr int kMixSampleRate = 48000;

// The rows [top, bottom) of a picture that may differ from the source's previous picture (the
// one of sequence - 1); an empty band: the same picture again. A source that cannot tell says
// "everything" (the default).
struct ChangedRows {
    int top = 0;
    int bottom = std::numeric_limits<int>::max();
    [[nodiscard]] static constexpr ChangedRows none() noexcept { return {0, 0}; }
    [[nodiscard]] constexpr bool empty() const noexcept { return bottom <= top; }
    [[nodiscard]] constexpr bool covers(int height) const noexcept { return top <= 0 && bottom >= height; }
    friend constexpr bool operator==(const ChangedRows&, const ChangedRows&) = default;
};

struct VideoSample {
    std::shared_ptr<const AVFrame> frame; // null: nothing delivered yet
    std::uint64_t sequence = 0;           // 0 with no frame; grows with every new picture
    ChangedRows changed;                  // what differs from picture sequence - 1
};

class VideoSource {
public:
    virtual ~VideoSource() = default;
    [[nodiscard]] virtual std::string describe() const = 0;
    // Starts capturing/decoding; the output clock started (or starts) at `clockStart`.
    virtual void start(SteadyClock::time_point clockStart) { (void)clockStart; }
    virtual void stop() {}
    // The latest picture for output media time `mediaTime`.
    [[nodiscard]] virtual VideoSample latest(std::chrono::microseconds mediaTime) = 0;
    // A source able to draw straight into a YUV 4:2:0 picture of exactly that size (the test
    // pattern) does it here and returns true: no copy, no conversion.
    virtual bool renderInto(std::uint8_t* const planes[3], const int strides[3], int width, int height,
                            std::int64_t frameIndex)
    {
        (void)planes, (void)strides, (void)width, (void)height, (void)frameIndex;
        return false;
    }
};

// Samples on the output's timeline (position 0 = the first sample the encoder takes). Holds up to
// `capacity`; what lies before the reader's present is dropped, gaps read as silence.
class AudioTimeline {
public:
    explicit AudioTimeline(std::chrono::milliseconds capacity = std::chrono::milliseconds(2000),
                           std::chrono::milliseconds maxLiveLatency = std::chrono::milliseconds(200));

    // A live device: after what it wrote before; when the reader has passed that point, a little
    // ahead of the reader's present; when it is further ahead of the reader than the latency cap
    // (maxLiveLatency, or twice the largest chunk the device delivered: some deliver in long
    // periods), moved back near it.
    void append(const float* left, const float* right, int count);
    // A timed source: at its position on the output timeline.
    void writeAt(std::int64_t position, const float* left, const float* right, int count);
    // Reads [position, position + count); returns how many samples had data (the rest are zero).
    int read(std::int64_t position, float* left, float* right, int count);
    // The reader's present (the end of the last read).
    [[nodiscard]] std::int64_t readPosition() const;

private:
    void writeLocked(std::int64_t position, const float* left, const float* right, int count);

    mutable std::mutex mutex_;
    std::vector<float> left_;
    std::vector<float> right_;
    std::int64_t capacity_;
    std::int64_t maxLiveLatency_;
    std::int64_t validFrom_ = 0; // [validFrom_, validTo_) holds samples (zeros in written gaps)
    std::int64_t validTo_ = 0;
    std::int64_t readPosition_ = 0;
    std::int64_t appendPosition_ = -1; // -1: nothing appended yet
    std::int64_t largestAppend_ = 0;
};

class AudioSource {
public:
    virtual ~AudioSource() = default;
    [[nodiscard]] virtual std::string describe() const = 0;
    virtual void start(SteadyClock::time_point clockStart) { (void)clockStart; }
    virtual void stop() {}
    // Encoder thread: `count` samples at output position `position`; returns how many were real.
    virtual int read(std::int64_t position, float* left, float* right, int count) = 0;
};

// What to show for a source, from when it last delivered a new picture.
enum class SignalState : std::uint8_t {
    waiting, // nothing ever delivered: the slate
    live,    // a new picture within the hold time
    holding, // no new picture for a while, still under `hold`: the last picture stays
    lost,    // no new picture for `hold` or longer: the slate
};
[[nodiscard]] const char* signalStateName(SignalState state) noexcept;

class SignalWatch {
public:
    explicit SignalWatch(std::chrono::milliseconds hold = std::chrono::milliseconds(1000),
                         std::chrono::milliseconds frameInterval = std::chrono::milliseconds(34));
    // `sequence` is the source's latest (0: none); `now` is the caller's clock.
    SignalState update(std::uint64_t sequence, SteadyClock::time_point now);
    [[nodiscard]] SignalState state() const noexcept { return state_; }

private:
    std::chrono::milliseconds hold_;
    std::chrono::milliseconds frameInterval_;
    std::uint64_t lastSequence_ = 0;
    SteadyClock::time_point lastChange_{};
    SignalState state_ = SignalState::waiting;
};

// --- Source specifications -------------------------------------------------------------------

enum class SourceKind : std::uint8_t { testPattern, syntheticCamera, screen, camera, file, image };

// "testpattern", "synthetic-camera", "screen", "camera" / "camera:ID", "file:PATH", "image:PATH".
struct SourceSpec {
    SourceKind kind = SourceKind::testPattern;
    std::string argument; // the path, or the camera id ("" = the default camera)
    [[nodiscard]] static core::Result<SourceSpec> parse(std::string_view text);
    [[nodiscard]] std::string toString() const;
};

struct ScreenRegion {
    int x = 0;
    int y = 0;
    int width = 0;
    int height = 0;
    // "WxH+X+Y" (X11 geometry) or "WxH".
    [[nodiscard]] static core::Result<ScreenRegion> parse(std::string_view text);
};

struct ScreenCaptureOptions {
    std::string display;                // X11 display; empty: $DISPLAY
    std::optional<ScreenRegion> region; // none: the whole screen
    std::string monitor;                // a monitor's name (RandR): its part of the screen
    std::uint32_t window = 0;           // an X window's id: that window alone (0: none)
    bool drawCursor = true;
    int fps = 30; // the output frame rate
};

// A monitor of an X11 screen (RandR 1.5 monitors: one per connected output, or as configured).
struct ScreenMonitor {
    std::string name;
    ScreenRegion area;
    bool primary = false;
};
// The monitors of the screen at `display` (empty: $DISPLAY).
[[nodiscard]] core::Result<std::vector<ScreenMonitor>> listScreenMonitors(const std::string& display);
// An X window id as the user writes it: decimal or 0x… hexadecimal, not 0.
[[nodiscard]] core::Result<std::uint32_t> parseWindowId(std::string_view text);

struct FileSourceOptions {
    bool loop = true;
};

// Both halves of a source (a file has both; the synthetic ones one each).
struct OpenedSource {
    std::unique_ptr<VideoSource> video;
    std::unique_ptr<AudioSource> audio;
};

// Opens a source: files are probed, the screen connection and the camera are opened, so that a bad
// path, a missing display or a missing camera is an error here, before anything goes live.
[[nodiscard]] core::Result<OpenedSource> openSource(const SourceSpec& spec, int outputWidth, int outputHeight,
                                                    const ScreenCaptureOptions& screen, const FileSourceOptions& file);

// The continuous test tone as an audio source (440 Hz, -12 dBFS).
[[nodiscard]] std::unique_ptr<AudioSource> makeTestToneSource();

// The microphone through Qt Multimedia (QAudioSource). `device`: "default", or a device's id or
// description. Needs a QCoreApplication.
[[nodiscard]] core::Result<std::unique_ptr<AudioSource>> openMicrophone(const std::string& device);

// The synthetic camera's colours (RGB), for tests: the background and the moving bar.
inline constexpr std::uint8_t kSyntheticCameraRgb[3] = {16, 176, 64};
inline constexpr std::uint8_t kSyntheticCameraBarRgb[3] = {96, 224, 128};

// Capture devices, for `hoststudio devices` and the device pickers.
struct CaptureDevice {
    std::string kind; // "camera", "microphone", "screen", "monitor"
    std::string id;
    std::string name;
    bool isDefault = false;
    int x = 0; // monitors: where on the screen
    int y = 0;
    int width = 0; // screens and monitors
    int height = 0;
    std::string error; // a screen that cannot be captured, and why
};
[[nodiscard]] std::vector<CaptureDevice> listCaptureDevices(const std::string& display);

} // namespace hoststudio::media
