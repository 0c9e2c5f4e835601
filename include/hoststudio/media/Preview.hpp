// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Preview frames for the window: the composed output picture at a reduced rate (default 10 fps,
// on the media clock), downscaled (default 640 pixels wide, the output's aspect ratio kept), as an
// RGB888 buffer that QImage(data, width, height, stride, QImage::Format_RGB888) wraps as it is.
//
// The encoder thread only hands off: offer() takes a reference to the composed frame (no copy, no
// conversion) into a single-slot mailbox and returns at once, whatever the consumer does. The
// preview's own thread takes the latest frame from the slot, converts it and calls the consumer.
// A frame that arrives while the previous one is still waiting replaces it (it is dropped, never
// queued), so a slow or blocked consumer costs the encoder nothing but the dropped frames.
// The mailbox is a triple buffer: three frame holders whose ownership moves by one atomic word
// (`slot_`: the holder in the slot, whether it is fresh, whether the preview stops), so neither
// side ever takes a lock the other holds.
//
// Thread safety: offer() is for one producer thread (the encoder thread); the consumer runs on the
// preview thread (it may block; it must not call stop() nor drop the last reference to the
// preview); stop(), stats() and the destructor on any other thread. `producerHolder_` belongs to
// the producer, `consumerHolder_` and the scaler to the preview thread; the counters are atomics.

#include "hoststudio/core/Result.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

struct AVFrame;

namespace hoststudio::media {

struct PreviewSettings {
    int fps = 10;    // preview frames per second of media time (1–60; above the output's rate: every frame)
    int width = 640; // the preview's width (16–3840; never more than the output's); the height keeps the aspect
    [[nodiscard]] std::string validationError() const;
};

struct PreviewFrame {
    int width = 0;
    int height = 0;
    int stride = 0;                // bytes a row
    std::vector<std::uint8_t> rgb; // RGB888, stride × height bytes
    std::int64_t frameIndex = 0;   // the output frame it shows
    std::chrono::microseconds mediaTime{0};
};

struct PreviewStats {
    std::uint64_t handedOff = 0; // frames the encoder thread put in the slot
    std::uint64_t delivered = 0; // frames the consumer received
    std::uint64_t dropped = 0;   // frames replaced in the slot before the preview thread took them
};

class FramePreview {
public:
    using Consumer = std::function<void(PreviewFrame frame)>;

    // Starts the preview thread. Errors: invalid settings, no consumer.
    [[nodiscard]] static core::Result<std::shared_ptr<FramePreview>> create(PreviewSettings settings,
                                                                            Consumer consumer);
    ~FramePreview();
    FramePreview(const FramePreview&) = delete;
    FramePreview& operator=(const FramePreview&) = delete;

    // Encoder thread: output frame `frameIndex` (YUV420P, BT.709 limited range) at `mediaTime`.
    // Hands it off when a preview frame is due (the first frame, then whenever the media time
    // enters a new 1/fps interval) and returns whether it did. Never waits for the consumer.
    bool offer(const AVFrame* frame, std::int64_t frameIndex, std::chrono::microseconds mediaTime);
    // Ends the preview thread (after the consumer call in progress returns). Idempotent.
    void stop();
    [[nodiscard]] PreviewStats stats() const noexcept;
    [[nodiscard]] const PreviewSettings& settings() const noexcept { return settings_; }

    struct Private; // conversion state and frame holders (libswscale, AVFrame)

private:
    FramePreview(PreviewSettings settings, Consumer consumer);
    void run();

    const PreviewSettings settings_;
    const Consumer consumer_;
    std::unique_ptr<Private> private_;
    std::int64_t nextSlot_ = 0;     // producer: the first 1/fps interval not yet handed off
    int producerHolder_ = 0;        // producer: the frame holder it fills
    int consumerHolder_ = 2;        // preview thread: the frame holder it converts
    std::atomic<unsigned> slot_{1}; // the holder in the slot | kFresh | kStopping (Preview.cpp)
    std::atomic<std::uint64_t> handedOff_{0};
    std::atomic<std::uint64_t> delivered_{0};
    std::atomic<std::uint64_t> dropped_{0};
    std::thread thread_;
};

} // namespace hoststudio::media
