// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The Matroska chunk stream: the encoded packets muxed as live Matroska (unknown sizes, no cues)
// into memory and handed out in chunks, for an ingest that takes the stream over a message channel
// (the seed backend's Socket.IO `stream-data`). Every (re)start begins a new stream: the container
// header first, then clusters from the next keyframe on. Internal to the media module.
//
// Threads: started/finished/joined by the pipeline's encoder thread; the chunk thread owns the
// muxer and calls the consumer's callback; restart() from any thread (an atomic flag).

#include "FfmpegSupport.hpp"

#include "hoststudio/media/LivePipeline.hpp"

#include <atomic>
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
    static int writePacket(void* opaque, std::uint8_t* data, int size); // FFmpeg 5.1: non-const buffer

    const ChunkStreamConfig config_;
    const LivePipeline::EventCallback onEvent_;
    StreamDescription streams_; // set before the thread starts
    SendQueue queue_;
    MuxerPtr muxer_;                     // chunk thread only
    std::vector<std::uint8_t> pending_;  // chunk thread only: bytes written since the last delivery
    std::int64_t timestampOffsetUs_ = 0; // chunk thread only
    std::atomic<bool> restartRequested_{false};
    std::atomic<bool> finishing_{false};
    std::thread thread_;
};

} // namespace hoststudio::media::detail
