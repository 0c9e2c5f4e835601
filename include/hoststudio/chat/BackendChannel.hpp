// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// BackendChannel: the seed livestream backend's real-time protocol on top of SocketIoClient.
//
//   auto channel = BackendChannel::create(network, SocketIoSettings::defaults()).value();
//   BackendChannelHandlers handlers;
//   handlers.onStreamStarted = [](const std::string& streamKey) { ... };   // the server confirmed
//   handlers.onReconnected = [] { ... };   // restart the muxer: the next chunk must carry a header
//   channel->connect("http://127.0.0.1:5050", std::move(handlers));
//   channel->startStream(streamKey, hostPubkeyHex);       // once connected
//   channel->sendStreamData(webmBytes);                    // first chunk with the container header
//   channel->endStream();
//
// Out: start-stream {userId, streamKey}, stream-data {streamKey, chunk: binary}, end-stream
// {streamKey, userId}, join-stream {streamKey, userId}, channel-message {channel, content, sender}.
// In: stream-started, stream-error, stream-ended (reported once per announced stream, however
// often the server repeats it), viewer-joined / viewer-left / viewer-count / stream-joined (a
// viewer count), stream-segments-updated, channel-message, channel-join; streaming-url and
// playback-url are accepted and logged; unknown events and events whose payload is not of the
// documented shape are logged and ignored.
//
// Stream state: idle → announced (start-stream sent) → confirmed (stream-started for our key)
// → ended (stream-ended, end-stream's answer) or failed (stream-error while announced). A
// stream-error after the stream ended is part of the seed backend's normal end (it kills its
// encoder and reports the kill): it is logged, not reported.
//
// Pacing the media: the seed backend sets a stream up asynchronously after start-stream and drops
// the chunks that arrive before it is done (with them the container header), and it writes each
// chunk to its input file asynchronously, so chunks that arrive back to back can land out of order.
// So a chunk given to sendStreamData() within `setupGrace` of a start-stream (unless the server
// confirmed the stream first), or within kMinimumChunkInterval of the last one sent, is held, and
// what is held goes out as one chunk when that time has come (a timer on the network thread);
// endStream() sends what is held first. The
// connection state is SocketIoClient's. After a reconnect the channel announces the stream again
// (start-stream; the state goes back to announced until the server confirms once more) and joins
// the streams it watched again (join-stream), then calls onReconnected.
//
// Owner: any thread; destroy it before its NetworkThread, and not from inside one of its
// callbacks. Thread safety: every public method may be called from any thread; the stream state
// is guarded by an internal mutex. Every callback runs on the network thread (posted there by
// SocketIoClient), one at a time, without that mutex held.

#include "hoststudio/chat/SocketIoClient.hpp"
#include "hoststudio/core/Result.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace hoststudio::net {
class NetworkThread;
} // namespace hoststudio::net

namespace hoststudio::chat {

enum class BackendStreamState { idle, announced, confirmed, ended, failed };

[[nodiscard]] std::string_view toString(BackendStreamState state) noexcept;

struct ChannelMessage {
    std::string channel;
    std::string content;
    std::string sender; // empty when the server sent null
};

struct BackendChannelHandlers {
    std::function<void(core::Status)> onConnected;
    std::function<void(SocketIoState)> onConnectionStateChanged;
    std::function<void()> onReconnected; // the stream was announced again (if there was one)
    std::function<void(const core::Error&)> onDisconnected;
    std::function<void(const std::string& streamKey)> onStreamStarted;
    std::function<void(const core::Error& error)> onStreamError; // streamRejected, the server's words
    std::function<void(const std::string& streamKey)> onStreamEnded;
    std::function<void(const std::string& streamKey, std::int64_t viewerCount)> onViewerCount;
    std::function<void(const std::string& streamKey, std::int64_t segmentCount)> onSegmentsUpdated;
    std::function<void(const ChannelMessage& message)> onChannelMessage;
    std::function<void(const std::string& channel, const std::string& nickname)> onChannelJoin;
};

class BackendChannel {
public:
    // The errors of SocketIoClient::create.
    [[nodiscard]] static core::Result<std::unique_ptr<BackendChannel>> create(net::NetworkThread& thread,
                                                                              SocketIoSettings settings);
    ~BackendChannel();
    BackendChannel(const BackendChannel&) = delete;
    BackendChannel& operator=(const BackendChannel&) = delete;
    BackendChannel(BackendChannel&&) = delete;
    BackendChannel& operator=(BackendChannel&&) = delete;

    void connect(const std::string& url, BackendChannelHandlers handlers);

    // How long after a start-stream the backend may still be setting the stream up (see above).
    // The seed backend's setup (a directory, a stub playlist, a file watch) took 2-31 ms here.
    static constexpr std::chrono::milliseconds kSetupGrace{500};
    static constexpr std::chrono::milliseconds kMinimumChunkInterval{100};
    static constexpr std::size_t kMaximumJoinedChunkBytes = std::size_t{512} * 1024;

    // invalidArgument for a stream key the backend refuses (1–128 of A–Z a–z 0–9 . _ ~ -, not
    // starting with '.') or an empty user id; notConnected; the errors of emitEvent.
    [[nodiscard]] core::Status startStream(std::string streamKey, std::string userId);
    // notConnected unless a stream is announced or confirmed; messageTooLarge above the cap. Within
    // the setup grace the chunk is held (see above) and the call succeeds.
    [[nodiscard]] core::Status sendStreamData(std::string_view chunk);
    [[nodiscard]] core::Status endStream();
    [[nodiscard]] core::Status joinStream(std::string streamKey, std::string userId);
    [[nodiscard]] core::Status sendChannelMessage(const ChannelMessage& message);
    void close();

    [[nodiscard]] SocketIoState connectionState() const;
    [[nodiscard]] BackendStreamState streamState() const;
    [[nodiscard]] std::string streamKey() const;

private:
    BackendChannel(net::NetworkThread& network, std::unique_ptr<SocketIoClient> client);

    void onEvent(const SocketIoEvent& event);
    void onReconnected();
    void markAnnounced();         // mutex_ held
    core::Status sendHeldChunk(); // mutex_ held
    void scheduleFlush();         // mutex_ held
    void flushHeld();             // on the network thread, from the flush timer

    // The flush timer's way back to the channel: cleared by the destructor, which waits for a
    // flush in progress (lock order: FlushGuard::mutex, then mutex_).
    struct FlushGuard {
        std::mutex mutex;
        BackendChannel* owner = nullptr;
    };
    net::NetworkThread& network_;
    std::shared_ptr<FlushGuard> flushGuard_ = std::make_shared<FlushGuard>();
    bool flushScheduled_ = false; // guarded by mutex_

    std::chrono::steady_clock::time_point nextChunkAt_; // guarded by mutex_: no chunk sent before
    std::vector<std::uint8_t> heldChunk_;               // guarded by mutex_
    bool endSent_ = false;                              // guarded by mutex_: end-stream sent

    mutable std::mutex mutex_;
    BackendChannelHandlers handlers_;                           // guarded by mutex_
    BackendStreamState streamState_ = BackendStreamState::idle; // guarded by mutex_
    std::string streamKey_;                                     // guarded by mutex_
    std::string userId_;                                        // guarded by mutex_
    bool endReported_ = false;                                  // guarded by mutex_
    std::set<std::pair<std::string, std::string>> watched_;     // (streamKey, userId), guarded by mutex_
    std::unique_ptr<SocketIoClient> client_;                    // destroyed first (see the destructor)
};

} // namespace hoststudio::chat
