// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The Matroska chunk stream: the encoded packets muxed as live Matroska (unknown sizes, no cues)
// into memory and handed out in chunks, for an ingest that takes the stream over a message channel
// (the seed backend's Socket.IO `stream-data`). Every (re)start begins a new stream from the next
// keyframe on. Its first chunk carries the container header together with at least the first whole
// cluster (never the header alone, and at least 4 KiB unless the stream ends first): the seed backend
// starts its encoder only when a stream's very first chunk is over 1000 bytes. Later chunks carry
// what was muxed since, one every `chunkInterval` at most. Internal to the media module.
//
// Threads: started/finished/joined by the pipeline's encoder thread; the chunk thread owns the
// muxer and calls the consumer's callback; restart() from any thread (an atomic flag).

#include "FfmpegSupport.hpp"

#include "hoststudio/media/LivePipeline.hpp"

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

namespace hoststudio::media::detail {

class ChunkStreamOutput {
public:
    ChunkStreamOutput(ChunkStreamConfig config, LivePipeline::EventCallback onEvent);
    ~ChunkStreamOutput();
    ChunkStreamOutput(const ChunkStreamOutput&) = delete;
    ChunkStreamOutput& operator=(const ChunkStreamOutput&) = delete;

    void start(const StreamDescription& streams);
    void push(const MediaPacket& packet) { queue_.push(packet); }
    void restart() noexcept { restartRequested_.store(true); }
    void finish();
    void join();

private:
    void run();
    core::Status open();
    void close();
    enum class DeliverRule : std::uint8_t { completeChunks, everything };
    void deliver(DeliverRule rule); // hands pending_ to the consumer when it makes a chunk
    static int writePacket(void* opaque, std::uint8_t* data, int size); // FFmpeg 5.1: non-const buffer

    const ChunkStreamConfig config_;
    const LivePipeline::EventCallback onEvent_;
    StreamDescription streams_; // set before the thread starts
    SendQueue queue_;
    MuxerPtr muxer_;                                     // chunk thread only
    std::vector<std::uint8_t> pending_;                  // chunk thread only: bytes written since the last delivery
    bool headerPending_ = false;                         // chunk thread only: pending_ starts with the container header
    std::chrono::steady_clock::time_point lastDelivery_; // chunk thread only
    std::int64_t timestampOffsetUs_ = 0;                 // chunk thread only
    std::atomic<bool> restartRequested_{false};
    std::atomic<bool> finishing_{false};
    std::thread thread_;
};

} // namespace hoststudio::media::detail
