// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Test doubles of the parts the Go Live controller drives, and a scheduler on virtual time. Each
// part records its calls in one shared log and answers through a per-call behaviour the test sets:
// at once (success or an error), or never (held, so the test answers later or lets it time out).

#include "hoststudio/cloud/IngestProvider.hpp"
#include "hoststudio/session/Parts.hpp"

#include <deque>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace hoststudio::session::testing {

class VirtualScheduler final : public Scheduler {
public:
    TimerId schedule(std::chrono::milliseconds delay, std::function<void()> task) override
    {
        const TimerId id = nextId_++;
        timers_.emplace(id, Timer{nowMs_ + delay.count(), std::move(task)});
        return id;
    }
    void cancel(TimerId timer) override { timers_.erase(timer); }
    void post(std::function<void()> task) override { posted_.push_back(std::move(task)); }
    [[nodiscard]] std::int64_t nowUnixSeconds() const override { return 1'700'000'000 + nowMs_ / 1000; }

    // Runs every posted task (and those they post).
    void drain()
    {
        while (!posted_.empty()) {
            auto task = std::move(posted_.front());
            posted_.pop_front();
            task();
        }
    }
    // Moves virtual time forward, firing due timers in order.
    void advance(std::chrono::milliseconds by)
    {
        const std::int64_t end = nowMs_ + by.count();
        drain();
        while (true) {
            auto next = timers_.end();
            for (auto it = timers_.begin(); it != timers_.end(); ++it) {
                if (it->second.dueMs <= end && (next == timers_.end() || it->second.dueMs < next->second.dueMs)) {
                    next = it;
                }
            }
            if (next == timers_.end()) {
                break;
            }
            nowMs_ = next->second.dueMs;
            auto task = std::move(next->second.task);
            timers_.erase(next);
            task();
            drain();
        }
        nowMs_ = end;
    }
    [[nodiscard]] std::int64_t nowMs() const noexcept { return nowMs_; }
    [[nodiscard]] std::size_t timerCount() const noexcept { return timers_.size(); }

private:
    struct Timer {
        std::int64_t dueMs;
        std::function<void()> task;
    };
    std::int64_t nowMs_ = 0;
    TimerId nextId_ = 1;
    std::map<TimerId, Timer> timers_;
    std::deque<std::function<void()>> posted_;
};

using CallLog = std::vector<std::string>;

// How a part answers a call: `succeed`, `failWith(…)` or `hold` (kept in `held` for the test).
enum class Answer { succeed, fail, hold };

struct FakeIngest final : cloud::IngestProvider {
    explicit FakeIngest(CallLog& callLog) : log(callLog) {}
    CallLog& log;
    Answer prepareAnswer = Answer::succeed;
    Answer startAnswer = Answer::succeed;
    Answer stopAnswer = Answer::succeed;
    std::vector<EndpointCallback> heldPrepares;
    std::vector<DoneCallback> heldDones;
    std::vector<cloud::IngestEndpoint> stopped;
    int cancels = 0;
    Answer statusAnswer = Answer::succeed;
    cloud::IngestStatus reportedStatus{cloud::IngestState::live, "active"};
    std::vector<StatusCallback> heldStatuses;
    int statusCalls = 0;
    cloud::IngestEndpoint endpoint = [] {
        cloud::IngestEndpoint e;
        e.provider = "cloudinary";
        e.streamId = "0123456789abcdef0123456789abcdef";
        e.ingestUrl = "rtmp://127.0.0.1:1935/live";
        e.streamKey = "stream-key-secret";
        e.hlsPlaybackUrl = "http://127.0.0.1:8080/hls/stream.m3u8";
        e.archiveUrl = "https://example.invalid/archive.mp4";
        return e;
    }();

    [[nodiscard]] std::string name() const override { return "cloudinary"; }
    void prepare(const cloud::IngestRequest& request, EndpointCallback done) override
    {
        log.push_back("ingest.prepare " + request.eventId);
        if (prepareAnswer == Answer::succeed) {
            done(endpoint);
        } else if (prepareAnswer == Answer::fail) {
            done(core::Error{std::make_error_code(std::errc::connection_refused), "401: check the API key"});
        } else {
            heldPrepares.push_back(std::move(done));
        }
    }
    void start(const cloud::IngestEndpoint&, DoneCallback done) override
    {
        log.push_back("ingest.start");
        answer(startAnswer, std::move(done));
    }
    void stop(const cloud::IngestEndpoint& stoppedEndpoint, DoneCallback done) override
    {
        log.push_back("ingest.stop " + stoppedEndpoint.streamId);
        stopped.push_back(stoppedEndpoint);
        answer(stopAnswer, std::move(done));
    }
    void status(const cloud::IngestEndpoint&, StatusCallback done) override
    {
        ++statusCalls;
        if (statusAnswer == Answer::succeed) {
            done(reportedStatus);
        } else if (statusAnswer == Answer::fail) {
            done(core::Error{std::make_error_code(std::errc::connection_refused), "503 from the status API"});
        } else {
            heldStatuses.push_back(std::move(done));
        }
    }
    void cancel() override { ++cancels; }

    void answer(Answer how, DoneCallback done)
    {
        if (how == Answer::succeed) {
            done({});
        } else if (how == Answer::fail) {
            done(core::Error{std::make_error_code(std::errc::io_error), "503 from the provider"});
        } else {
            heldDones.push_back(std::move(done));
        }
    }
};

struct FakeMedia final : MediaPart {
    explicit FakeMedia(CallLog& callLog) : log(callLog) {}
    CallLog& log;
    Answer startAnswer = Answer::succeed;
    Answer stopAnswer = Answer::succeed;
    core::Error startFailure{std::make_error_code(std::errc::connection_refused), "connection refused"};
    EventCallback listener;
    std::vector<DoneCallback> held;
    std::vector<MediaStartRequest> starts;
    int aborts = 0;
    int retries = 0;

    void setListener(EventCallback onEvent) override { listener = std::move(onEvent); }
    void start(const MediaStartRequest& request, DoneCallback done) override
    {
        log.push_back("media.start");
        starts.push_back(request);
        if (startAnswer == Answer::succeed) {
            done({});
        } else if (startAnswer == Answer::fail) {
            done(startFailure);
        } else {
            held.push_back(std::move(done));
        }
    }
    void stop(DoneCallback done) override
    {
        log.push_back("media.stop");
        if (stopAnswer == Answer::succeed) {
            done({});
        } else {
            held.push_back(std::move(done));
        }
    }
    void abort() override
    {
        log.push_back("media.abort");
        ++aborts;
    }
    void retryNow() override
    {
        log.push_back("media.retryNow");
        ++retries;
    }
    void raise(MediaEvent event) const { listener(event); }
};

struct FakeChannel final : ChannelPart {
    explicit FakeChannel(CallLog& callLog) : log(callLog) {}
    CallLog& log;
    Answer connectAnswer = Answer::succeed;
    Answer endAnswer = Answer::succeed;
    EventCallback listener;
    std::vector<DoneCallback> held;
    std::vector<AnnounceRequest> announced;

    void setListener(EventCallback onEvent) override { listener = std::move(onEvent); }
    void connect(DoneCallback done) override
    {
        log.push_back("channel.connect");
        if (connectAnswer == Answer::succeed) {
            done({});
        } else if (connectAnswer == Answer::fail) {
            done(core::Error{std::make_error_code(std::errc::connection_refused), "connection refused"});
        } else {
            held.push_back(std::move(done));
        }
    }
    void announce(const AnnounceRequest& request, DoneCallback done) override
    {
        log.push_back("channel.announce " + request.streamKey);
        announced.push_back(request);
        done({});
    }
    // Like the seed backend: `stream-ended` answers an `end-stream` (unless the test says not).
    bool confirmEnd = true;
    void endStream(DoneCallback done) override
    {
        log.push_back("channel.endStream");
        if (endAnswer == Answer::succeed) {
            done({});
            if (confirmEnd && listener) {
                listener(ChannelEvent{ChannelEvent::Kind::streamEnded,
                                      announced.empty() ? std::string() : announced.back().streamKey, 0});
            }
        } else {
            held.push_back(std::move(done));
        }
    }
    void disconnect() override { log.push_back("channel.disconnect"); }
    void raise(ChannelEvent event) const { listener(event); }
};

// Serves the playlist states in `answers` one per check (the last one again when they run out).
struct FakePlayback final : PlaybackCheck {
    explicit FakePlayback(CallLog& callLog) : log(callLog) {}
    CallLog& log;
    std::deque<core::Result<PlaylistState>> answers;
    core::Result<PlaylistState> last = PlaylistState{200, 0, 0, false};
    int checks = 0;

    void check(const std::string& url, Callback done) override
    {
        log.push_back("playback.check " + url);
        ++checks;
        if (!answers.empty()) {
            last = answers.front();
            answers.pop_front();
        }
        done(last);
    }
    static PlaylistState withSegments(int count) { return PlaylistState{200, count, 0, false}; }
};

struct FakeAnnouncer final : AnnouncerPart {
    explicit FakeAnnouncer(CallLog& callLog) : log(callLog) {}
    CallLog& log;
    std::string publicKeyHex = "79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798";
    Answer answer = Answer::succeed;
    std::map<std::string, bool> relayAccepts; // relay → accepted; absent: accepted
    std::vector<nostr::LiveActivity> published;
    std::vector<PublishCallback> held;
    std::optional<std::int64_t> last;
    std::optional<std::int64_t> noted;

    [[nodiscard]] std::string hostPublicKeyHex() const override { return publicKeyHex; }
    void publish(const nostr::LiveActivity& activity, PublishCallback done) override
    {
        log.push_back("nostr.publish " + std::string(nostr::toString(activity.status)));
        published.push_back(activity);
        if (answer == Answer::hold) {
            held.push_back(std::move(done));
            return;
        }
        if (answer == Answer::fail) {
            done(core::Error{std::make_error_code(std::errc::invalid_argument), "cannot sign"});
            return;
        }
        PublishReport report;
        last = last ? *last + 1 : 1'700'000'000;
        report.createdAt = *last;
        report.eventId = std::string(64, 'e');
        for (const std::string& relay : activity.relays) {
            const auto found = relayAccepts.find(relay);
            const bool accepted = found == relayAccepts.end() || found->second;
            report.relays.push_back(RelayOutcome{relay, accepted, accepted ? "" : "blocked: not allowed"});
        }
        done(report);
    }
    [[nodiscard]] std::optional<std::int64_t> lastCreatedAt() const override { return last; }
    void noteLastCreatedAt(std::int64_t createdAt) override { noted = createdAt; }
};

} // namespace hoststudio::session::testing
