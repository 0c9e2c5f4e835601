// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The queue between the encoder and one network output, measured in media time, with OBS's
// frame-dropping rules (streaming-behaviour.md, "Congestion"):
//
// - checked on every video packet pushed while ≥ 5 packets are queued; queued duration = DTS of the
//   last video packet pushed − DTS of the first non-keyframe video packet still queued;
// - above 700 ms: drop the queued disposable (non-reference) video frames, and every incoming one
//   until a reference frame arrives;
// - above 900 ms: drop every queued non-keyframe video frame, and every incoming one until the next
//   keyframe;
// - audio and keyframes are never dropped; congestion = queued duration / 700 ms.
//
// While the output is disconnected (setDisconnected(true)) nothing can be sent: the queue keeps only
// the packets from the newest keyframe on, so the stream resumes on a keyframe.
//
// Thread safety: every member is guarded by one internal mutex; push() from the encoder thread
// (it never blocks on the network), pop() from the output's sender thread.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <span>

struct AVPacket;

namespace hoststudio::media {

enum class StreamKind : std::uint8_t { video, audio };

// OBS's NAL priorities: what a frame may be dropped for.
enum class DropPriority : std::uint8_t {
    disposable = 0, // no other frame references it (a non-reference B-frame)
    reference = 2,  // a P- or reference B-frame
    keyframe = 3,   // an IDR frame: never dropped
};

// One encoded packet as the outputs share it: timestamps in microseconds of media time, the
// payload reference-counted (each output references it again, no copy).
struct MediaPacket {
    StreamKind kind = StreamKind::video;
    DropPriority priority = DropPriority::reference;
    std::int64_t dtsUs = 0;
    std::int64_t ptsUs = 0;
    std::int64_t durationUs = 0;
    std::size_t sizeBytes = 0;
    std::shared_ptr<const AVPacket> payload; // null in tests

    [[nodiscard]] bool isVideoKeyframe() const noexcept
    {
        return kind == StreamKind::video && priority == DropPriority::keyframe;
    }
};

// The drop priority of an H.264 access unit in Annex B or length-prefixed form: keyframe when
// `keyFlag`, disposable when `disposableFlag` or when its first slice has nal_ref_idc 0, else reference.
[[nodiscard]] DropPriority h264DropPriority(std::span<const std::uint8_t> accessUnit, bool keyFlag,
                                            bool disposableFlag) noexcept;

struct SendQueueLimits {
    std::chrono::microseconds disposableDropThreshold{std::chrono::milliseconds(700)};
    std::chrono::microseconds referenceDropThreshold{std::chrono::milliseconds(900)};
    std::size_t minimumPacketsToCheck = 5;
};

struct SendQueueSnapshot {
    std::size_t packets = 0;
    std::size_t bytes = 0;
    std::chrono::microseconds queuedDuration{0}; // last DTS − first DTS of everything queued
    double congestion = 0.0;                     // OBS's: see above; 0 when < 5 packets
    std::uint64_t droppedVideoFrames = 0;        // since construction
};

class SendQueue {
public:
    explicit SendQueue(SendQueueLimits limits = {});

    // False when the packet was dropped (video only).
    bool push(MediaPacket packet);
    // The oldest packet; waits up to `timeout`; empty on timeout or after wake().
    [[nodiscard]] std::optional<MediaPacket> pop(std::chrono::milliseconds timeout);
    // Ends a pending pop() at once (stop, "retry now").
    void wake();
    void setDisconnected(bool disconnected);
    [[nodiscard]] SendQueueSnapshot snapshot() const;

private:
    void checkToDrop(DropPriority highestToDrop, std::chrono::microseconds threshold, bool updateCongestion);
    void dropQueuedBelow(DropPriority priority);

    const SendQueueLimits limits_;
    mutable std::mutex mutex_;
    std::condition_variable changed_;
    std::deque<MediaPacket> packets_;                         // guarded by mutex_
    std::size_t bytes_ = 0;                                   // guarded by mutex_
    DropPriority minimumPriority_ = DropPriority::disposable; // guarded by mutex_
    std::int64_t lastVideoDtsUs_ = 0;                         // guarded by mutex_
    double congestion_ = 0.0;                                 // guarded by mutex_
    std::uint64_t droppedVideoFrames_ = 0;                    // guarded by mutex_
    bool disconnected_ = false;                               // guarded by mutex_
    bool woken_ = false;                                      // guarded by mutex_
};

} // namespace hoststudio::media
