// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The parts the Go Live controller drives, as the controller sees them. The ingest is
// cloud::IngestProvider itself; the media pipeline, the real-time channel and the Nostr announcer
// are narrow interfaces here, implemented by adapters over media::LivePipeline, chat's backend
// channel and nostr::RelayPool, so that the controller's rules are tested on their own.
//
// Every call completes exactly once through its callback, on any thread: the controller posts each
// completion to its own thread before acting on it. Part events (a drop, a viewer count) may arrive
// on any thread too, through the listener the controller installs with setListener().
//
// Owner: the GoLiveController's owner creates the parts and keeps them alive longer than the
// controller.

#include "hoststudio/core/Result.hpp"
#include "hoststudio/nostr/LiveActivity.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace hoststudio::session {

using DoneCallback = std::function<void(core::Status)>;

// Timers on the controller's thread. Production: QTimer; tests: virtual time.
class Scheduler {
public:
    using TimerId = std::uint64_t;
    virtual ~Scheduler() = default;
    // Runs `task` on the controller's thread after `delay`, unless cancelled first.
    virtual TimerId schedule(std::chrono::milliseconds delay, std::function<void()> task) = 0;
    virtual void cancel(TimerId timer) = 0;
    // Runs `task` on the controller's thread as soon as possible (from any thread).
    virtual void post(std::function<void()> task) = 0;
    // Unix time in seconds (the NIP-53 `starts`/`ends` and created_at).
    [[nodiscard]] virtual std::int64_t nowUnixSeconds() const = 0;
};

// What the media part reports while it runs.
struct MediaEvent {
    enum class Kind : std::uint8_t {
        outputDropped,      // the connection to the ingest was lost; reconnecting follows
        outputReconnecting, // `attempt` of `maxAttempts` in `retryDelay`
        outputReconnected,
        outputFailed,    // retries used up: the stream is lost
        recordingFailed, // the local recording stopped; the stream goes on
    };
    Kind kind = Kind::outputDropped;
    core::Error error;
    int attempt = 0;
    int maxAttempts = 0;
    std::chrono::milliseconds retryDelay{0};
};

struct MediaStartRequest {
    // rtmp(s)://host/app/KEY (a secret: registered with the scrubber by the ingest provider); empty
    // when the media goes over the real-time channel instead (the seed backend's `stream-data`).
    std::string publishUrl;
    bool overChannel = false;
    std::optional<std::string> recordingPath;
};

class MediaPart {
public:
    using EventCallback = std::function<void(const MediaEvent&)>;
    virtual ~MediaPart() = default;
    virtual void setListener(EventCallback onEvent) = 0;
    // Completes when the first connection to the ingest is up and encoding runs, or with why not.
    virtual void start(const MediaStartRequest& request, DoneCallback done) = 0;
    // Stops encoding and flushes what is queued; completes when everything is closed.
    virtual void stop(DoneCallback done) = 0;
    // Ends a running stop's flush at once (called when End must not wait any longer).
    virtual void abort() = 0;
    // Ends a wait before the next reconnect attempt now (the host's "retry now"); nothing when
    // the media is not waiting to reconnect.
    virtual void retryNow() = 0;
};

// The seed backend's real-time channel (Socket.IO).
struct ChannelEvent {
    enum class Kind : std::uint8_t {
        dropped,       // the connection was lost; the channel reconnects by itself
        reconnected,   // back, and the stream re-announced
        streamStarted, // the server confirmed the stream (`stream-started`)
        streamError,   // `stream-error`
        streamEnded,   // `stream-ended` (deduplicated by the channel)
        viewerCount,   // `viewerCount`
    };
    Kind kind = Kind::dropped;
    std::string message;
    int viewerCount = 0;
};

struct AnnounceRequest {
    std::string streamKey; // the stream id: the NIP-53 `d`
    std::string userIdHex; // the host's public key
};

class ChannelPart {
public:
    using EventCallback = std::function<void(const ChannelEvent&)>;
    virtual ~ChannelPart() = default;
    virtual void setListener(EventCallback onEvent) = 0;
    virtual void connect(DoneCallback done) = 0;
    // `start-stream`: completes when sent (the server does not acknowledge it; `streamStarted` follows
    // after the first media).
    virtual void announce(const AnnounceRequest& request, DoneCallback done) = 0;
    // `end-stream`: completes when sent.
    virtual void endStream(DoneCallback done) = 0;
    virtual void disconnect() = 0;
};

// What an HLS playback URL serves now.
struct PlaylistState {
    int httpStatus = 0;
    int segmentCount = 0; // media segments the playlist lists (0 for a master playlist or a stub)
    int variantCount = 0; // variant streams of a master playlist
    bool ended = false;   // #EXT-X-ENDLIST

    // Something a viewer can play: a 200 with a segment or a variant, not ended.
    [[nodiscard]] bool playable() const noexcept
    {
        return httpStatus == 200 && (segmentCount > 0 || variantCount > 0) && !ended;
    }
};

// Fetches an HLS playback URL: whether the stream can be watched yet.
class PlaybackCheck {
public:
    using Callback = std::function<void(core::Result<PlaylistState>)>;
    virtual ~PlaybackCheck() = default;
    // Completes once with what the URL served (any HTTP status), or why it could not be fetched.
    virtual void check(const std::string& url, Callback done) = 0;
};

// One relay's answer to a publish.
struct RelayOutcome {
    std::string relay;
    bool accepted = false;
    std::string message; // the relay's reason, or why it could not be reached

    friend bool operator==(const RelayOutcome&, const RelayOutcome&) = default;
};

struct PublishReport {
    std::vector<RelayOutcome> relays;
    std::string eventId;
    std::int64_t createdAt = 0;

    [[nodiscard]] int acceptedCount() const noexcept
    {
        int count = 0;
        for (const RelayOutcome& outcome : relays) {
            count += outcome.accepted ? 1 : 0;
        }
        return count;
    }
};

// Signs each version of the live activity with the host's key (created_at strictly increasing) and
// publishes it to the activity's relays.
class AnnouncerPart {
public:
    using PublishCallback = std::function<void(core::Result<PublishReport>)>;
    virtual ~AnnouncerPart() = default;
    [[nodiscard]] virtual std::string hostPublicKeyHex() const = 0;
    virtual void publish(const nostr::LiveActivity& activity, PublishCallback done) = 0;
    // The created_at of the last version signed (kept in the journal for a later recovery).
    [[nodiscard]] virtual std::optional<std::int64_t> lastCreatedAt() const = 0;
    // After a restart: the created_at of the last version published before it, so that the next
    // version is newer still.
    virtual void noteLastCreatedAt(std::int64_t createdAt) = 0;
};

} // namespace hoststudio::session
