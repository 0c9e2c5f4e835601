// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/media/SendQueue.hpp"

#include <algorithm>

namespace hoststudio::media {

namespace {

// The nal_ref_idc of the first slice (type 1 or 5) NAL unit, or -1 when none was found.
int firstSliceReferenceIndicator(std::span<const std::uint8_t> data) noexcept
{
    const std::size_t size = data.size();
    const bool annexB = size >= 4 && data[0] == 0 && data[1] == 0 && (data[2] == 1 || (data[2] == 0 && data[3] == 1));
    if (annexB) {
        for (std::size_t index = 0; index + 3 < size; ++index) {
            if (data[index] == 0 && data[index + 1] == 0 && data[index + 2] == 1) {
                const std::uint8_t header = data[index + 3];
                const unsigned type = header & 0x1FU;
                if (type == 1U || type == 5U) {
                    return static_cast<int>((header >> 5U) & 0x3U);
                }
                index += 2;
            }
        }
        return -1;
    }
    // Length-prefixed (4-byte big-endian lengths).
    std::size_t offset = 0;
    while (offset + 5 <= size) {
        const std::size_t length = (std::size_t{data[offset]} << 24U) | (std::size_t{data[offset + 1]} << 16U) |
                                   (std::size_t{data[offset + 2]} << 8U) | std::size_t{data[offset + 3]};
        const std::uint8_t header = data[offset + 4];
        const unsigned type = header & 0x1FU;
        if (type == 1U || type == 5U) {
            return static_cast<int>((header >> 5U) & 0x3U);
        }
        if (length == 0 || length > size - offset - 4) {
            break;
        }
        offset += 4 + length;
    }
    return -1;
}

} // namespace

DropPriority h264DropPriority(std::span<const std::uint8_t> accessUnit, bool keyFlag, bool disposableFlag) noexcept
{
    if (keyFlag) {
        return DropPriority::keyframe;
    }
    if (disposableFlag || firstSliceReferenceIndicator(accessUnit) == 0) {
        return DropPriority::disposable;
    }
    return DropPriority::reference;
}

SendQueue::SendQueue(SendQueueLimits limits) : limits_(limits)
{}

void SendQueue::dropQueuedBelow(DropPriority priority)
{
    const auto kept = std::remove_if(packets_.begin(), packets_.end(), [&](const MediaPacket& packet) {
        const bool drop = packet.kind == StreamKind::video && packet.priority < priority;
        if (drop) {
            ++droppedVideoFrames_;
            bytes_ -= packet.sizeBytes;
        }
        return drop;
    });
    packets_.erase(kept, packets_.end());
    minimumPriority_ = std::max(minimumPriority_, priority);
}

void SendQueue::checkToDrop(DropPriority highestToDrop, std::chrono::microseconds threshold, bool updateCongestion)
{
    if (packets_.size() < limits_.minimumPacketsToCheck) {
        if (updateCongestion) {
            congestion_ = 0.0;
        }
        return;
    }
    const auto first = std::find_if(packets_.begin(), packets_.end(), [](const MediaPacket& packet) {
        return packet.kind == StreamKind::video && packet.priority != DropPriority::keyframe;
    });
    if (first == packets_.end()) {
        return;
    }
    const std::int64_t queuedUs = lastVideoDtsUs_ - first->dtsUs;
    if (updateCongestion) {
        congestion_ = static_cast<double>(queuedUs) / static_cast<double>(limits_.disposableDropThreshold.count());
    }
    if (queuedUs > threshold.count()) {
        dropQueuedBelow(highestToDrop);
    }
}

bool SendQueue::push(MediaPacket packet)
{
    {
        const std::lock_guard lock(mutex_);
        if (disconnected_) {
            // Nothing can be sent: keep only what starts at the newest keyframe.
            if (packet.isVideoKeyframe()) {
                for (const MediaPacket& queued : packets_) {
                    if (queued.kind == StreamKind::video) {
                        ++droppedVideoFrames_;
                    }
                }
                packets_.clear();
                bytes_ = 0;
            } else if (packets_.empty()) {
                if (packet.kind == StreamKind::video) {
                    ++droppedVideoFrames_;
                }
                return packet.kind == StreamKind::audio;
            }
        } else if (packet.kind == StreamKind::video) {
            checkToDrop(DropPriority::reference, limits_.disposableDropThreshold, true);
            checkToDrop(DropPriority::keyframe, limits_.referenceDropThreshold, false);
            if (packet.priority < minimumPriority_) {
                ++droppedVideoFrames_;
                return false;
            }
            minimumPriority_ = DropPriority::disposable;
        }
        if (packet.kind == StreamKind::video) {
            lastVideoDtsUs_ = packet.dtsUs;
        }
        bytes_ += packet.sizeBytes;
        packets_.push_back(std::move(packet));
    }
    changed_.notify_one();
    return true;
}

std::optional<MediaPacket> SendQueue::pop(std::chrono::milliseconds timeout)
{
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, timeout, [this] { return woken_ || (!packets_.empty() && !disconnected_); });
    if (woken_) {
        woken_ = false;
        return std::nullopt;
    }
    if (packets_.empty() || disconnected_) {
        return std::nullopt;
    }
    MediaPacket packet = std::move(packets_.front());
    packets_.pop_front();
    bytes_ -= packet.sizeBytes;
    return packet;
}

void SendQueue::wake()
{
    {
        const std::lock_guard lock(mutex_);
        woken_ = true;
    }
    changed_.notify_all();
}

void SendQueue::setDisconnected(bool disconnected)
{
    {
        const std::lock_guard lock(mutex_);
        disconnected_ = disconnected;
        if (disconnected) {
            // Keep from the newest queued keyframe on (or nothing, when none is queued).
            const auto newestKey = std::find_if(packets_.rbegin(), packets_.rend(),
                                                [](const MediaPacket& packet) { return packet.isVideoKeyframe(); });
            const auto keepFrom = newestKey == packets_.rend() ? packets_.end() : std::prev(newestKey.base());
            for (auto it = packets_.begin(); it != keepFrom; ++it) {
                if (it->kind == StreamKind::video) {
                    ++droppedVideoFrames_;
                }
                bytes_ -= it->sizeBytes;
            }
            packets_.erase(packets_.begin(), keepFrom);
            minimumPriority_ = DropPriority::disposable;
            congestion_ = 0.0;
        }
    }
    changed_.notify_all();
}

SendQueueSnapshot SendQueue::snapshot() const
{
    const std::lock_guard lock(mutex_);
    SendQueueSnapshot result;
    result.packets = packets_.size();
    result.bytes = bytes_;
    if (!packets_.empty()) {
        result.queuedDuration = std::chrono::microseconds(
            std::max<std::int64_t>(0, std::max(packets_.back().dtsUs, lastVideoDtsUs_) - packets_.front().dtsUs));
    }
    result.congestion = congestion_;
    result.droppedVideoFrames = droppedVideoFrames_;
    return result;
}

} // namespace hoststudio::media
