// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Small wrappers over FFmpeg's C macros and ownership rules, for the media module's own use
// (not installed): error texts, owning pointers, the interrupt callback, and the log bridge that
// keeps the last error line of the calling thread (libavformat says *why* only in its log).
//
// Thread safety: the log bridge is process-wide and installed once; lastFfmpegLogError() is per thread.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/error.h>
#include <libavutil/frame.h>
}

namespace hoststudio::media::detail {

// AVERROR(e) without the old-style cast in callers.
[[nodiscard]] int averror(int posixError) noexcept;
[[nodiscard]] int averrorEof() noexcept;
[[nodiscard]] std::string ffmpegErrorText(int code);

// Routes FFmpeg's log into the hoststudio.media category (once per process) and remembers the
// last error-level line of each thread.
void installFfmpegLogBridge();
[[nodiscard]] std::string lastFfmpegLogError();
void clearFfmpegLogError();

struct PacketDeleter {
    void operator()(AVPacket* packet) const noexcept { av_packet_free(&packet); }
};
struct FrameDeleter {
    void operator()(AVFrame* frame) const noexcept { av_frame_free(&frame); }
};
struct CodecContextDeleter {
    void operator()(AVCodecContext* context) const noexcept { avcodec_free_context(&context); }
};
struct CodecParametersDeleter {
    void operator()(AVCodecParameters* parameters) const noexcept { avcodec_parameters_free(&parameters); }
};
using PacketPtr = std::unique_ptr<AVPacket, PacketDeleter>;
using FramePtr = std::unique_ptr<AVFrame, FrameDeleter>;
using CodecContextPtr = std::unique_ptr<AVCodecContext, CodecContextDeleter>;
using CodecParametersPtr = std::unique_ptr<AVCodecParameters, CodecParametersDeleter>;

// The interrupt callback of one muxer: aborts blocking I/O on stop or when the current operation's
// deadline has passed. Owner: the output; fields are atomics (read by libavformat on the same thread,
// written by stop() from another).
struct InterruptState {
    std::atomic<bool>* stopRequested = nullptr;
    std::atomic<std::int64_t> deadlineNs{0}; // steady clock; 0 = none
    std::atomic<bool> timedOut{false};

    void armFor(std::chrono::milliseconds timeout) noexcept;
    void disarm() noexcept { deadlineNs.store(0); }
};
[[nodiscard]] AVIOInterruptCB interruptCallbackFor(InterruptState& state) noexcept;

// Opens an output (avformat context + AVIO + header) for `format` to `url` with the two streams
// described by the codec parameters. Options are consumed by avio_open2/avformat_write_header.
struct StreamDescription {
    const AVCodecParameters* video = nullptr;
    const AVCodecParameters* audio = nullptr;
    AVRational videoTimeBase{1, 30};
    AVRational audioTimeBase{1, 48000};
    AVRational videoFrameRate{30, 1};
};

struct MuxerDeleter {
    void operator()(AVFormatContext* context) const noexcept;
};
using MuxerPtr = std::unique_ptr<AVFormatContext, MuxerDeleter>;

} // namespace hoststudio::media::detail
