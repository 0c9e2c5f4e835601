// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Go Live and End Stream: one explicit state machine over the ingest, the real-time channel, the
// media pipeline and the Nostr announcement, in the seed's order.
//
//   go live: 1 prepare and start the ingest → 2 connect the real-time channel → 3 announce the
//            stream (`start-stream`, when the media goes over the channel) → 4 start the media → 5 publish the live
//            event (NIP-53, the HLS URL as `streaming`) → 6 live
//            (when the media goes over the channel, step 4 lasts until the backend's HLS playlist
//            lists a segment: viewers can watch only then)
//   end:     stop the media (flush, bounded) → in parallel: `end-stream`, its `stream-ended`
//            awaited, then disconnect; stop the ingest; publish `ended` → ended
//
// The rules of failure:
//  - the ingest or the media failing (or timing out) stops Go Live and undoes what was started:
//    the ingest stopped, the channel's stream ended, and no live event is left behind (the live
//    event is only published after the media runs);
//  - the real-time channel or relays failing do not stop the stream: the session goes live
//    degraded, says why, and retries in the background (a channel that connects later is
//    announced then; a live event no relay accepted is published again);
//  - every step has a timeout; End is possible from any state, is idempotent, and bounds every
//    part to a short timeout, reporting what it could not clean up (`leftovers`).
//  - while live, the live event is published again every `republishInterval` and on every change
//    (title, viewer count; changes closer than `changeRepublishDelay` are merged), each version
//    newer than the last.
//  - the media lost for good (retries used up) ends the session, with the reason.
//  - while live, the ingest's status is asked every `ingestStatusPoll`: a stream the provider reports
//    idle or ended (it no longer receives the media) degrades the ingest part and says so; a report of
//    live again brings it back. A failed status check is shown but changes nothing else.
// A journal (SessionJournal) is written before each externally visible step; recover() ends a
// session that a crash left behind, from its journal.
//
// Owner and thread: one thread (the Qt main thread in the studio), the one the Scheduler runs
// tasks on. Parts complete on any thread; the controller posts every completion and event to its
// thread through the Scheduler and drops those that arrive after their step timed out or ended.
// The observer is called on the controller's thread after every change.

#include "hoststudio/cloud/IngestProvider.hpp"
#include "hoststudio/core/Result.hpp"
#include "hoststudio/nostr/LiveActivity.hpp"
#include "hoststudio/session/Parts.hpp"
#include "hoststudio/session/SessionJournal.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hoststudio::session {

enum class SessionState : std::uint8_t { idle, goingLive, live, ending, ended, failed };
[[nodiscard]] std::string_view toString(SessionState state) noexcept;

// The go-live steps, numbered as the host sees them ("3 of 6: announcing the stream").
enum class GoLiveStep : std::uint8_t {
    none = 0,
    prepareIngest = 1,
    connectChannel = 2,
    announceStream = 3,
    startMedia = 4,
    publishLive = 5,
    live = 6,
};
inline constexpr int kGoLiveStepCount = 6;
[[nodiscard]] std::string_view describe(GoLiveStep step) noexcept;

enum class PartHealth : std::uint8_t {
    notUsed,  // not configured for this session
    idle,     // not started
    working,  // a step is running
    ok,       // up
    degraded, // down or partly failed; retrying in the background
    failed,   // down for good
    stopped,  // ended cleanly
};
[[nodiscard]] std::string_view toString(PartHealth health) noexcept;

struct PartStatus {
    PartHealth health = PartHealth::idle;
    std::string detail; // what is happening, in words ("reconnecting in 4 s (attempt 2 of 25)")

    friend bool operator==(const PartStatus&, const PartStatus&) = default;
};

// The media waits before its next attempt to reach the ingest again.
struct MediaReconnect {
    std::chrono::steady_clock::time_point nextAttemptAt;
    int attempt = 0;     // the next attempt's number
    int maxAttempts = 0; // after which the stream is lost

    friend bool operator==(const MediaReconnect&, const MediaReconnect&) = default;
};

struct SessionSnapshot {
    SessionState state = SessionState::idle;
    GoLiveStep step = GoLiveStep::none;
    GoLiveStep failedStep = GoLiveStep::none; // the step Go Live failed in (the step itself is reset)
    std::string stepText;                     // "3 of 6: announcing the stream"
    PartStatus ingest;
    PartStatus channel;
    PartStatus media;
    PartStatus recording;
    PartStatus nostr;
    std::vector<RelayOutcome> relays; // the last publish's answer per relay
    bool degraded = false;            // live, but a part is down (see the parts' details)
    core::Error error;                // why Go Live failed or the session ended early
    std::string provider;
    std::optional<std::string> hlsPlaybackUrl;
    std::optional<std::string> playerPageUrl;
    std::optional<std::string> archiveUrl;
    std::string ingestServer;                // rtmp(s)://host[:port]/app; empty when the media goes over the channel
    std::string streamKey;                   // secret: for the host to reveal and copy; never logged
    std::optional<MediaReconnect> reconnect; // set while the media waits to reconnect (the countdown)
    std::string naddr;
    int viewerCount = 0;
    // The count is of viewers who joined so far, not of those watching now (the seed backend's
    // channel counts joins and never counts down).
    bool viewerCountJoinedSoFar = false;
    std::vector<std::string> leftovers; // what End could not clean up
};

struct SessionTimeouts {
    std::chrono::milliseconds prepareIngest{30000}; // create or reuse, then start (each)
    std::chrono::milliseconds connectChannel{10000};
    std::chrono::milliseconds announceStream{10000};
    std::chrono::milliseconds startMedia{20000};
    std::chrono::milliseconds publish{10000};
    std::chrono::milliseconds endMedia{4000}; // then the flush is aborted
    std::chrono::milliseconds endPart{3000};  // end-stream, ingest stop, `ended`: each, in parallel
    std::chrono::milliseconds republishInterval{60000};
    std::chrono::milliseconds changeRepublishDelay{5000};
    std::chrono::milliseconds backgroundRetry{15000};  // channel connect, unaccepted publish
    std::chrono::milliseconds ingestStatusPoll{10000}; // the provider's view of the stream while live
    // Go Live over the real-time channel (the seed backend makes the HLS itself): how long to wait
    // for its playlist to list a segment, and how often to look.
    std::chrono::milliseconds awaitPlayback{30000};
    std::chrono::milliseconds playbackPoll{500};
};

struct GoLiveRequest {
    nostr::LiveActivity activity; // the draft: identifier (`d`), title, summary, image, tags, relays
    std::optional<std::string> recordingPath;
};

class GoLiveController {
public:
    struct Parts {
        cloud::IngestProvider& ingest;
        MediaPart& media;
        AnnouncerPart& announcer;
        ChannelPart* channel = nullptr; // null: no real-time channel in this session
        // Reads the HLS playlist when the ingest makes the HLS from media sent over the channel:
        // the session is live only once it lists a segment. Null: not waited for.
        PlaybackCheck* playback = nullptr;
    };
    using Observer = std::function<void(const SessionSnapshot&)>;

    // `journal` may be null (no crash recovery, e.g. in a one-off CLI run with --no-journal).
    GoLiveController(Parts parts, Scheduler& scheduler, const SessionJournal* journal, SessionTimeouts timeouts = {});
    ~GoLiveController();
    GoLiveController(const GoLiveController&) = delete;
    GoLiveController& operator=(const GoLiveController&) = delete;
    GoLiveController(GoLiveController&&) = delete;
    GoLiveController& operator=(GoLiveController&&) = delete;

    void setObserver(Observer observer);

    // Starts the go-live sequence. alreadyLive unless idle, ended or failed; an invalid draft or an
    // unwritable journal fails here, before anything is started.
    [[nodiscard]] core::Status goLive(GoLiveRequest request);
    // Ends the session from any state; a second call while ending, or when nothing runs, does nothing.
    void end();
    // Ends what the journal of a crashed session says was started: stops the ingest and the
    // channel's stream, publishes `ended`. The controller must be idle.
    [[nodiscard]] core::Status recover(const JournalRecord& record);
    // While the media waits to reconnect to the ingest: the next attempt now ("retry now").
    void retryNow();
    // A new title while live: published at once (within changeRepublishDelay).
    void setTitle(std::string title);

    [[nodiscard]] const SessionSnapshot& snapshot() const noexcept { return snapshot_; }

private:
    using OperationId = std::uint64_t;
    using Handler = std::function<void()>;

    // Step plumbing: an operation completes once, on this thread, unless it timed out or was abandoned.
    OperationId beginOperation(std::chrono::milliseconds timeout, Handler onTimeout);
    bool finishOperation(OperationId operation); // false when already finished, timed out or abandoned
    void abandonOperations();
    template <typename Value>
    std::function<void(Value)> completion(OperationId operation, std::function<void(Value)> handler);
    void postEvent(Handler handler);

    void setStep(GoLiveStep step);
    void notify();
    void writeJournal();
    void failGoLive(core::Error error);

    void stepPrepareIngest();
    void stepStartIngest();
    void stepConnectChannel();
    void stepAnnounceStream();
    void stepStartMedia();
    void stepAwaitPlayback();
    void pollPlayback();
    void stepPublishLive();
    void enterLive();
    void announceOnChannel(const Handler& then);
    [[nodiscard]] bool mediaOverChannel() const; // the ingest is the channel (not an RTMP server)

    void publishActivity(bool duringEnd);
    void noteEndedNotPublished(const std::string& why);
    void scheduleRepublish(std::chrono::milliseconds delay);
    void scheduleBackgroundChannelConnect();
    void scheduleIngestStatusPoll();
    void onIngestStatus(const core::Result<cloud::IngestStatus>& status);

    void onMediaEvent(const MediaEvent& event);
    void onChannelEvent(const ChannelEvent& event);

    void beginEnd(std::optional<core::Error> reason);
    void endAfterMedia();
    void finishChannelEnd(const std::string& detail);
    void endPartDone();
    void finishEnd();

    Parts parts_;
    Scheduler& scheduler_;
    const SessionJournal* journal_;
    SessionTimeouts timeouts_;
    Observer observer_;
    std::shared_ptr<int> alive_ = std::make_shared<int>(0); // completions posted after destruction see it gone

    SessionSnapshot snapshot_;
    JournalRecord journalRecord_;
    nostr::LiveActivity activity_;
    std::optional<cloud::IngestEndpoint> endpoint_;
    std::optional<std::string> recordingPath_;

    OperationId nextOperation_ = 1;
    std::map<OperationId, Scheduler::TimerId> pendingOperations_;
    std::optional<Scheduler::TimerId> republishTimer_;
    std::optional<Scheduler::TimerId> channelRetryTimer_;
    std::optional<Scheduler::TimerId> ingestPollTimer_;
    std::optional<Scheduler::TimerId> playbackPollTimer_;
    std::optional<OperationId> playbackWait_;        // step 4 waits for the backend's first segment
    std::optional<OperationId> channelEndOperation_; // End waits for the server's `stream-ended`
    bool ingestPollOutstanding_ = false;
    bool channelConnected_ = false;
    bool channelStreamStarted_ = false; // the server said `stream-started` in this Go Live
    bool publishing_ = false;           // a publish of the activity is outstanding
    bool republishWanted_ = false;      // a change arrived while publishing
    bool changeRepublishPending_ = false;
    std::optional<core::Error> endReason_;
    int endPartsOutstanding_ = 0;
};

} // namespace hoststudio::session
