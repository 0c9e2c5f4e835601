// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The local recording: every packet, never dropped, into Matroska with a cluster at least every
// `clusterDuration` and each write flushed to the file, so a killed process leaves a file that
// players read up to its last cluster. Internal to the media module.
//
// Threads: open()/finish()/join() from the pipeline's encoder thread; the recorder thread owns the
// muxer; the FIFO is guarded by `mutex_`, the counters are atomics.

#include "FfmpegSupport.hpp"

#include "hoststudio/media/LivePipeline.hpp"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

namespace hoststudio::media::detail {

class Recorder {
public:
    Recorder(RecordingConfig config, LivePipeline::EventCallback onEvent);
    ~Recorder();
    Recorder(const Recorder&) = delete;
    Recorder& operator=(const Recorder&) = delete;

    // Creates the file and writes the header, then starts the thread.
    [[nodiscard]] core::Status open(const StreamDescription& streams);
    void push(const MediaPacket& packet);
    // Writes what is queued, the trailer, and ends the thread.
    void finish();
    void join();

    [[nodiscard]] RecordingStats stats() const;

private:
    void run();
    void fail(const core::Error& error);

    const RecordingConfig config_;
    const LivePipeline::EventCallback onEvent_;
    MuxerPtr muxer_; // recorder thread only after open()
    mutable std::mutex mutex_;
    std::condition_variable changed_;
    std::deque<MediaPacket> packets_; // guarded by mutex_
    bool finishing_ = false;          // guarded by mutex_
    std::string lastError_;           // guarded by mutex_
    std::atomic<bool> active_{false};
    std::atomic<std::uint64_t> bytesWritten_{0};
    std::atomic<std::int64_t> lastPtsUs_{0};
    std::thread thread_;
};

} // namespace hoststudio::media::detail
