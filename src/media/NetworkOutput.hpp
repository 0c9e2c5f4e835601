// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// One RTMP/RTMPS destination: its SendQueue and its sender thread (connect, send, reconnect).
// Internal to the media module.
//
// Threads: constructed, started, finished and joined by the pipeline's owner/encoder thread; the
// sender thread owns the muxer. Shared fields are atomics or guarded by `mutex_`.

#include "FfmpegSupport.hpp"

#include "hoststudio/core/ReconnectPolicy.hpp"
#include "hoststudio/media/LivePipeline.hpp"
#include "hoststudio/media/StreamTarget.hpp"

#include <atomic>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

namespace hoststudio::media::detail {

class NetworkOutput {
public:
    NetworkOutput(int index, NetworkOutputConfig config, StreamTarget target, std::chrono::milliseconds flushTimeout,
                  LivePipeline::EventCallback onEvent);
    ~NetworkOutput();
    NetworkOutput(const NetworkOutput&) = delete;
    NetworkOutput& operator=(const NetworkOutput&) = delete;

    // Starts the sender thread; its first connect's outcome arrives in the returned future.
    std::future<core::Status> start(const StreamDescription& streams);
    void push(const MediaPacket& packet) { queue_.push(packet); }
    // Send what is queued (for at most the flush timeout), then close; cancels a reconnect wait.
    void finish();
    // Abort every blocking operation at once.
    void abort();
    void join();
    void retryNow();

    [[nodiscard]] OutputStats stats() const;
    [[nodiscard]] std::uint64_t bytesSent() const noexcept { return bytesSent_.load(); }

private:
    void run(std::promise<core::Status> firstConnect);
    core::Status connect();
    void disconnect(bool writeTrailer);
    core::Status send(const MediaPacket& packet);
    // Waits `delay`; false when finishing/aborted meanwhile.
    bool waitBeforeRetry(std::chrono::milliseconds delay);
    void setError(const core::Error& error);
    void report(LiveEvent event) const;

    const int index_;
    const NetworkOutputConfig config_;
    const StreamTarget target_;
    const std::chrono::milliseconds flushTimeout_;
    const LivePipeline::EventCallback onEvent_;
    StreamDescription streams_; // set before the thread starts
    SendQueue queue_;
    core::ReconnectPolicy policy_;       // sender thread only
    MuxerPtr muxer_;                     // sender thread only
    std::int64_t timestampOffsetUs_ = 0; // sender thread only
    bool waitingForKeyframe_ = false;    // sender thread only
    InterruptState interrupt_;
    std::atomic<bool> abortIo_{false};
    std::atomic<bool> finishing_{false};
    std::atomic<std::int64_t> finishDeadlineNs_{0};
    std::atomic<std::uint64_t> bytesSent_{0};
    std::atomic<OutputState> state_{OutputState::connecting};
    std::atomic<int> reconnectAttempt_{0};
    std::atomic<std::int64_t> nextAttemptAtNs_{0};
    std::atomic<int> reconnects_{0};
    mutable std::mutex mutex_;
    std::condition_variable wakeup_;
    bool retryNowRequested_ = false; // guarded by mutex_
    std::string lastError_;          // guarded by mutex_
    std::thread thread_;
};

} // namespace hoststudio::media::detail
