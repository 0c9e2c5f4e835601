// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/session/GoLiveController.hpp"

#include "hoststudio/media/MediaError.hpp"

#include "hoststudio/nostr/Event.hpp"
#include "hoststudio/session/SessionError.hpp"

#include <QDebug>

#include <algorithm>
#include <utility>

#include <unistd.h>

namespace hoststudio::session {

namespace {

std::string seconds(std::chrono::milliseconds delay)
{
    return std::to_string((delay.count() + 500) / 1000) + " s";
}

// "attempt 2 of 25", as the media's reconnect details say it.
std::string attemptOf(int attempt, int maxAttempts)
{
    return "attempt " + std::to_string(attempt) + " of " + std::to_string(maxAttempts);
}

std::string relayList(const std::vector<RelayOutcome>& outcomes, bool accepted)
{
    std::string text;
    for (const RelayOutcome& outcome : outcomes) {
        if (outcome.accepted != accepted) {
            continue;
        }
        text +=
            (text.empty() ? "" : ", ") + outcome.relay + (outcome.message.empty() ? "" : " (" + outcome.message + ")");
    }
    return text;
}

} // namespace

std::string_view toString(SessionState state) noexcept
{
    switch (state) {
    case SessionState::idle: return "idle";
    case SessionState::goingLive: return "goingLive";
    case SessionState::live: return "live";
    case SessionState::ending: return "ending";
    case SessionState::ended: return "ended";
    case SessionState::failed: return "failed";
    }
    return "unknown";
}

std::string_view describe(GoLiveStep step) noexcept
{
    switch (step) {
    case GoLiveStep::none: return "";
    case GoLiveStep::prepareIngest: return "preparing the ingest";
    case GoLiveStep::connectChannel: return "connecting the real-time channel";
    case GoLiveStep::announceStream: return "announcing the stream";
    case GoLiveStep::startMedia: return "starting the media";
    case GoLiveStep::publishLive: return "publishing the live event";
    case GoLiveStep::live: return "live";
    }
    return "";
}

std::string_view toString(PartHealth health) noexcept
{
    switch (health) {
    case PartHealth::notUsed: return "notUsed";
    case PartHealth::idle: return "idle";
    case PartHealth::working: return "working";
    case PartHealth::ok: return "ok";
    case PartHealth::degraded: return "degraded";
    case PartHealth::failed: return "failed";
    case PartHealth::stopped: return "stopped";
    }
    return "unknown";
}

GoLiveController::GoLiveController(Parts parts, Scheduler& scheduler, const SessionJournal* journal,
                                   SessionTimeouts timeouts)
    : parts_(parts), scheduler_(scheduler), journal_(journal), timeouts_(timeouts)
{
    const std::weak_ptr<int> alive = alive_;
    parts_.media.setListener([this, alive](const MediaEvent& event) {
        scheduler_.post([this, alive, event] {
            if (alive.lock()) {
                onMediaEvent(event);
            }
        });
    });
    if (parts_.channel != nullptr) {
        parts_.channel->setListener([this, alive](const ChannelEvent& event) {
            scheduler_.post([this, alive, event] {
                if (alive.lock()) {
                    onChannelEvent(event);
                }
            });
        });
    }
}

GoLiveController::~GoLiveController()
{
    parts_.media.setListener({});
    if (parts_.channel != nullptr) {
        parts_.channel->setListener({});
    }
    abandonOperations();
    for (auto* timer : {&republishTimer_, &channelRetryTimer_, &ingestPollTimer_, &playbackPollTimer_}) {
        if (*timer) {
            scheduler_.cancel(**timer);
        }
    }
}

void GoLiveController::setObserver(Observer observer)
{
    observer_ = std::move(observer);
}

// ---------------------------------------------------------------------------------------------
// operations

GoLiveController::OperationId GoLiveController::beginOperation(std::chrono::milliseconds timeout, Handler onTimeout)
{
    const OperationId operation = nextOperation_++;
    const std::weak_ptr<int> alive = alive_;
    const Scheduler::TimerId timer =
        scheduler_.schedule(timeout, [this, alive, operation, onTimeout = std::move(onTimeout)] {
            if (!alive.lock()) {
                return;
            }
            const auto found = pendingOperations_.find(operation);
            if (found == pendingOperations_.end()) {
                return;
            }
            pendingOperations_.erase(found);
            onTimeout();
        });
    pendingOperations_.emplace(operation, timer);
    return operation;
}

bool GoLiveController::finishOperation(OperationId operation)
{
    const auto found = pendingOperations_.find(operation);
    if (found == pendingOperations_.end()) {
        return false;
    }
    scheduler_.cancel(found->second);
    pendingOperations_.erase(found);
    return true;
}

void GoLiveController::abandonOperations()
{
    for (const auto& [operation, timer] : pendingOperations_) {
        scheduler_.cancel(timer);
    }
    pendingOperations_.clear();
}

template <typename Value>
std::function<void(Value)> GoLiveController::completion(OperationId operation, std::function<void(Value)> handler)
{
    const std::weak_ptr<int> alive = alive_;
    return [this, alive, operation, handler = std::move(handler)](Value value) {
        scheduler_.post([this, alive, operation, handler, value = std::move(value)]() mutable {
            if (alive.lock() && finishOperation(operation)) {
                handler(std::move(value));
            }
        });
    };
}

void GoLiveController::postEvent(Handler handler)
{
    const std::weak_ptr<int> alive = alive_;
    scheduler_.post([alive, handler = std::move(handler)] {
        if (alive.lock()) {
            handler();
        }
    });
}

// ---------------------------------------------------------------------------------------------
// state

void GoLiveController::setStep(GoLiveStep step)
{
    snapshot_.step = step;
    snapshot_.stepText = step == GoLiveStep::none
                             ? std::string()
                             : std::to_string(static_cast<int>(step)) + " of " + std::to_string(kGoLiveStepCount) +
                                   ": " + std::string(describe(step));
    qCInfo(lcSession).noquote() << "go live:" << QString::fromStdString(snapshot_.stepText);
    notify();
}

void GoLiveController::notify()
{
    snapshot_.degraded =
        snapshot_.state == SessionState::live &&
        (snapshot_.ingest.health == PartHealth::degraded || snapshot_.channel.health == PartHealth::degraded ||
         snapshot_.nostr.health == PartHealth::degraded || snapshot_.media.health == PartHealth::degraded ||
         snapshot_.recording.health == PartHealth::failed);
    if (observer_) {
        observer_(snapshot_);
    }
}

void GoLiveController::writeJournal()
{
    if (journal_ == nullptr) {
        return;
    }
    journalRecord_.lastCreatedAt = parts_.announcer.lastCreatedAt();
    if (const core::Status written = journal_->write(journalRecord_); !written) {
        qCWarning(lcSession).noquote() << "session journal:" << QString::fromStdString(written.error().describe());
    }
}

// ---------------------------------------------------------------------------------------------
// going live

core::Status GoLiveController::goLive(GoLiveRequest request)
{
    if (snapshot_.state != SessionState::idle && snapshot_.state != SessionState::ended &&
        snapshot_.state != SessionState::failed) {
        return core::Error{SessionErrc::alreadyLive,
                           "a session is " + std::string(toString(snapshot_.state)) + ": end it first"};
    }
    if (request.activity.identifier.empty()) {
        return core::Error{SessionErrc::invalidRequest, "the live event has no identifier (`d` tag)"};
    }
    if (request.activity.relays.empty()) {
        return core::Error{SessionErrc::invalidRequest, "no Nostr relay is configured: add one in the settings"};
    }
    if (!nostr::PublicKey::fromHex(parts_.announcer.hostPublicKeyHex())) {
        return core::Error{SessionErrc::invalidRequest, "the host's Nostr key is not usable: check the key settings"};
    }
    activity_ = std::move(request.activity);
    activity_.status = nostr::LiveStatus::planned;
    activity_.setHost(parts_.announcer.hostPublicKeyHex(), activity_.relays.front());
    recordingPath_ = std::move(request.recordingPath);
    endpoint_.reset();
    channelConnected_ = false;
    channelStreamStarted_ = false;
    endReason_.reset();
    snapshot_ = SessionSnapshot{};
    snapshot_.state = SessionState::goingLive;
    snapshot_.channel.health = parts_.channel != nullptr ? PartHealth::idle : PartHealth::notUsed;
    snapshot_.recording.health = recordingPath_ ? PartHealth::idle : PartHealth::notUsed;
    const auto hostKey = nostr::PublicKey::fromHex(parts_.announcer.hostPublicKeyHex());
    if (!hostKey) {
        return core::Error{SessionErrc::invalidRequest,
                           "the host's Nostr key is not usable: " + hostKey.error().describe()};
    }
    if (const auto address = activity_.naddr(*hostKey); address) {
        snapshot_.naddr = *address;
    }

    journalRecord_ = JournalRecord{};
    journalRecord_.eventId = activity_.identifier;
    journalRecord_.hostPublicKeyHex = parts_.announcer.hostPublicKeyHex();
    journalRecord_.recordingPath = recordingPath_;
    journalRecord_.processId = static_cast<std::int64_t>(::getpid());
    journalRecord_.processStartTicks = processStartTicks(*journalRecord_.processId);
    if (journal_ != nullptr) {
        if (const core::Status written = journal_->write(journalRecord_); !written) {
            snapshot_.state = SessionState::failed;
            snapshot_.error = written.error();
            notify();
            return written.error();
        }
    }
    stepPrepareIngest();
    return {};
}

void GoLiveController::failGoLive(core::Error error)
{
    qCWarning(lcSession).noquote() << "go live failed:" << QString::fromStdString(error.describe());
    snapshot_.failedStep = snapshot_.step;
    beginEnd(std::move(error));
}

void GoLiveController::stepPrepareIngest()
{
    setStep(GoLiveStep::prepareIngest);
    snapshot_.ingest = {PartHealth::working, "creating or reusing the stream on " + parts_.ingest.name()};
    notify();
    journalRecord_.ingestPrepared = true;
    writeJournal();
    const OperationId operation = beginOperation(timeouts_.prepareIngest, [this] {
        parts_.ingest.cancel();
        snapshot_.ingest = {PartHealth::failed, "no answer within " + seconds(timeouts_.prepareIngest)};
        failGoLive(core::Error{SessionErrc::stepTimedOut, parts_.ingest.name() + " did not prepare the stream within " +
                                                              seconds(timeouts_.prepareIngest) +
                                                              ": check the connection and try again"});
    });
    parts_.ingest.prepare(
        cloud::IngestRequest{activity_.identifier, activity_.title},
        completion<core::Result<cloud::IngestEndpoint>>(operation, [this](core::Result<cloud::IngestEndpoint> result) {
            if (!result) {
                snapshot_.ingest = {PartHealth::failed, result.error().describe()};
                failGoLive(core::Error{SessionErrc::ingestFailed,
                                       parts_.ingest.name() +
                                           " could not prepare the stream: " + result.error().describe() +
                                           ": check its settings and that it is reachable, then go live again"});
                return;
            }
            endpoint_ = std::move(*result);
            snapshot_.provider = endpoint_->provider;
            snapshot_.hlsPlaybackUrl = endpoint_->hlsPlaybackUrl;
            snapshot_.playerPageUrl = endpoint_->playerPageUrl;
            snapshot_.archiveUrl = endpoint_->archiveUrl;
            snapshot_.ingestServer = endpoint_->ingestUrl;
            snapshot_.streamKey = endpoint_->streamKey;
            journalRecord_.provider = endpoint_->provider;
            journalRecord_.streamId = endpoint_->streamId;
            journalRecord_.ingestUrl = endpoint_->ingestUrl;
            journalRecord_.hlsPlaybackUrl = endpoint_->hlsPlaybackUrl;
            journalRecord_.playerPageUrl = endpoint_->playerPageUrl;
            journalRecord_.archiveUrl = endpoint_->archiveUrl;
            if (endpoint_->fellBackFrom) {
                snapshot_.ingest.detail = "using " + endpoint_->provider + " because " + *endpoint_->fellBackFrom +
                                          " failed: " + endpoint_->fallbackReason.value_or("unknown reason");
            }
            stepStartIngest();
        }));
}

void GoLiveController::stepStartIngest()
{
    journalRecord_.ingestStarted = true;
    writeJournal();
    const OperationId operation = beginOperation(timeouts_.prepareIngest, [this] {
        parts_.ingest.cancel();
        snapshot_.ingest = {PartHealth::failed, "no answer within " + seconds(timeouts_.prepareIngest)};
        failGoLive(core::Error{SessionErrc::stepTimedOut, parts_.ingest.name() + " did not start the stream within " +
                                                              seconds(timeouts_.prepareIngest) +
                                                              ": check the connection and try again"});
    });
    parts_.ingest.start(*endpoint_, completion<core::Status>(operation, [this](const core::Status& started) {
        if (!started) {
            snapshot_.ingest = {PartHealth::failed, started.error().describe()};
            failGoLive(core::Error{SessionErrc::ingestFailed,
                                   endpoint_->provider + " could not start the stream: " + started.error().describe() +
                                       ": check its settings and that it is reachable, then go live again"});
            return;
        }
        const std::string fallback =
            snapshot_.ingest.detail.rfind("using ", 0) == 0 ? " (" + snapshot_.ingest.detail + ")" : std::string();
        snapshot_.ingest = {PartHealth::ok, "stream ready on " + endpoint_->provider + fallback};
        stepConnectChannel();
    }));
}

void GoLiveController::stepConnectChannel()
{
    setStep(GoLiveStep::connectChannel);
    if (parts_.channel == nullptr) {
        stepAnnounceStream();
        return;
    }
    snapshot_.channel = {PartHealth::working, "connecting"};
    notify();
    const OperationId operation = beginOperation(timeouts_.connectChannel, [this] {
        snapshot_.channel = {PartHealth::degraded, "no connection within " + seconds(timeouts_.connectChannel) +
                                                       "; retrying in the background"};
        scheduleBackgroundChannelConnect();
        stepAnnounceStream();
    });
    parts_.channel->connect(completion<core::Status>(operation, [this](const core::Status& connected) {
        if (!connected) {
            snapshot_.channel = {PartHealth::degraded, connected.error().describe() + "; retrying in the background"};
            scheduleBackgroundChannelConnect();
        } else {
            channelConnected_ = true;
            snapshot_.channel = {PartHealth::ok, "connected"};
        }
        stepAnnounceStream();
    }));
}

void GoLiveController::announceOnChannel(const Handler& then)
{
    journalRecord_.channelAnnounced = true;
    writeJournal();
    const OperationId operation = beginOperation(timeouts_.announceStream, [this, then] {
        snapshot_.channel = {PartHealth::degraded,
                             "the stream was not announced within " + seconds(timeouts_.announceStream)};
        then();
    });
    parts_.channel->announce(AnnounceRequest{activity_.identifier, parts_.announcer.hostPublicKeyHex()},
                             completion<core::Status>(operation, [this, then](const core::Status& sent) {
                                 snapshot_.channel = sent ? PartStatus{PartHealth::ok, "stream announced"}
                                                          : PartStatus{PartHealth::degraded, sent.error().describe()};
                                 then();
                             }));
}

bool GoLiveController::mediaOverChannel() const
{
    return endpoint_ && endpoint_->ingestUrl.rfind("rtmp://", 0) != 0 && endpoint_->ingestUrl.rfind("rtmps://", 0) != 0;
}

void GoLiveController::stepAnnounceStream()
{
    setStep(GoLiveStep::announceStream);
    // `start-stream` announces media that will follow on the channel; an RTMP ingest gets none there.
    if (parts_.channel == nullptr || !channelConnected_ || !mediaOverChannel()) {
        stepStartMedia();
        return;
    }
    announceOnChannel([this] { stepStartMedia(); });
}

void GoLiveController::stepStartMedia()
{
    setStep(GoLiveStep::startMedia);
    snapshot_.media = {PartHealth::working, "connecting to the ingest"};
    if (recordingPath_) {
        snapshot_.recording = {PartHealth::working, *recordingPath_};
    }
    notify();
    const bool overChannel = mediaOverChannel();
    if (overChannel && (parts_.channel == nullptr || !channelConnected_)) {
        // Here the channel is the ingest: without it no media can reach the server.
        snapshot_.media = {PartHealth::failed, "the real-time channel is not connected"};
        failGoLive(core::Error{SessionErrc::mediaFailed,
                               endpoint_->provider + " takes the media over its real-time channel, which is not "
                                                     "connected: start the backend or pick another ingest"});
        return;
    }
    journalRecord_.mediaStarted = true;
    writeJournal();
    const OperationId operation = beginOperation(timeouts_.startMedia, [this] {
        parts_.media.abort();
        snapshot_.media = {PartHealth::failed, "not connected within " + seconds(timeouts_.startMedia)};
        failGoLive(core::Error{SessionErrc::stepTimedOut, "the media did not reach the ingest within " +
                                                              seconds(timeouts_.startMedia) +
                                                              ": check the ingest address and the network"});
    });
    MediaStartRequest request;
    // An ingest that is not an RTMP server (the seed backend) takes the media over the channel.
    request.overChannel = overChannel;
    if (!request.overChannel) {
        request.publishUrl = endpoint_->ingestUrl + "/" + endpoint_->streamKey;
    }
    request.recordingPath = recordingPath_;
    parts_.media.start(
        request, completion<core::Status>(operation, [this](const core::Status& started) {
            if (!started) {
                snapshot_.media = {PartHealth::failed, started.error().describe()};
                const core::Error& why = started.error();
                if (why == media::MediaErrc::deviceUnavailable || why == media::MediaErrc::unsupportedSource ||
                    why == media::MediaErrc::encoderUnavailable || why == media::MediaErrc::invalidSettings) {
                    // Nothing to do with the network: the sources or the encoder.
                    failGoLive(core::Error{SessionErrc::mediaFailed,
                                           "the media could not start: " + why.describe() +
                                               ": check the sources and devices (hoststudio devices lists them), "
                                               "then go live again"});
                    return;
                }
                if (mediaOverChannel()) {
                    failGoLive(core::Error{SessionErrc::mediaFailed,
                                           "the media could not start over the real-time channel: " + why.describe() +
                                               ": check that the backend runs, then go live again"});
                    return;
                }
                failGoLive(core::Error{SessionErrc::ingestUnreachable,
                                       "the media could not reach the ingest at " + endpoint_->ingestUrl + ": " +
                                           why.describe() +
                                           ": check the ingest address and that the server runs, then go live again"});
                return;
            }
            snapshot_.media = {PartHealth::ok, "streaming"};
            if (recordingPath_) {
                snapshot_.recording = {PartHealth::ok, *recordingPath_};
            }
            if (mediaOverChannel() && parts_.playback != nullptr && endpoint_->hlsPlaybackUrl) {
                stepAwaitPlayback();
                return;
            }
            stepPublishLive();
        }));
}

// The seed backend makes the HLS from our chunks with its own encoder, which starts only after the
// first chunk and needs a segment's time: until its playlist lists a segment no viewer could watch,
// so the session is not live and no live event is published.
void GoLiveController::stepAwaitPlayback()
{
    snapshot_.stepText += ": waiting for " + endpoint_->provider + " to make video";
    snapshot_.media = {PartHealth::working, "sending; waiting for " + endpoint_->provider + "'s first video segment"};
    notify();
    playbackWait_ = beginOperation(timeouts_.awaitPlayback, [this] {
        playbackWait_.reset();
        snapshot_.media = {PartHealth::failed, "no video segment within " + seconds(timeouts_.awaitPlayback)};
        failGoLive(core::Error{
            SessionErrc::stepTimedOut,
            endpoint_->provider + " made no video from the stream within " + seconds(timeouts_.awaitPlayback) + " (" +
                (channelStreamStarted_ ? "its encoder started, but " : "it never said its encoder started, and ") +
                "its playlist " + endpoint_->hlsPlaybackUrl.value_or("") +
                " lists no segment): check the backend's log and that its ffmpeg runs, then go live again"});
    });
    pollPlayback();
}

void GoLiveController::pollPlayback()
{
    if (!playbackWait_) {
        return;
    }
    const std::weak_ptr<int> alive = alive_;
    parts_.playback->check(*endpoint_->hlsPlaybackUrl, [this, alive](core::Result<PlaylistState> state) {
        if (!alive.lock()) {
            return; // a check cancelled after the controller was gone
        }
        scheduler_.post([this, alive, state = std::move(state)] {
            if (!alive.lock() || !playbackWait_) {
                return;
            }
            if (state && state->playable()) {
                finishOperation(*playbackWait_);
                playbackWait_.reset();
                snapshot_.media = {PartHealth::ok, "streaming; " + endpoint_->provider + " serves video"};
                qCInfo(lcSession) << "the backend's playlist lists" << state->segmentCount << "segments";
                stepPublishLive();
                return;
            }
            std::string seen;
            if (!state) {
                seen = "its playlist could not be read: " + state.error().describe();
            } else if (state->httpStatus != 200) {
                seen = "its playlist answers HTTP " + std::to_string(state->httpStatus);
            } else {
                seen = channelStreamStarted_ ? "its encoder started; no segment yet" : "no segment yet";
            }
            snapshot_.media.detail =
                "sending; waiting for " + endpoint_->provider + "'s first video segment (" + seen + ")";
            notify();
            playbackPollTimer_ = scheduler_.schedule(timeouts_.playbackPoll, [this, alive] {
                if (!alive.lock()) {
                    return;
                }
                playbackPollTimer_.reset();
                pollPlayback();
            });
        });
    });
}

void GoLiveController::stepPublishLive()
{
    setStep(GoLiveStep::publishLive);
    const std::int64_t now = scheduler_.nowUnixSeconds();
    const core::Status live = activity_.goLive(now, endpoint_->hlsPlaybackUrl.value_or(std::string()));
    if (!live || !activity_.validateForPublishing()) {
        const core::Error why = !live ? live.error() : activity_.validateForPublishing().error();
        snapshot_.nostr = {PartHealth::degraded,
                           "not announced on Nostr: " + why.describe() +
                               (endpoint_->hlsPlaybackUrl ? "" : " (the ingest gave no HLS playback URL)")};
        enterLive();
        return;
    }
    if (const auto event = activity_.toEventTemplate(now); event) {
        journalRecord_.activityTags = nlohmann::json(event->tags);
    }
    journalRecord_.livePublished = true;
    writeJournal();
    snapshot_.nostr = {PartHealth::working, "publishing to " + std::to_string(activity_.relays.size()) + " relays"};
    notify();
    publishActivity(false);
    enterLive();
}

void GoLiveController::enterLive()
{
    snapshot_.state = SessionState::live;
    journalRecord_.phase = JournalPhase::live;
    writeJournal();
    setStep(GoLiveStep::live);
    scheduleRepublish(timeouts_.republishInterval);
    scheduleIngestStatusPoll();
}

// ---------------------------------------------------------------------------------------------
// while live

void GoLiveController::publishActivity(bool duringEnd)
{
    if (publishing_ && !duringEnd) {
        republishWanted_ = true;
        return;
    }
    publishing_ = true;
    const auto timeout = duringEnd ? timeouts_.endPart : timeouts_.publish;
    const OperationId operation = beginOperation(timeout, [this, duringEnd, timeout] {
        publishing_ = false;
        if (duringEnd) {
            noteEndedNotPublished("no relay answered within " + seconds(timeout));
            endPartDone();
            return;
        }
        snapshot_.nostr = {PartHealth::degraded, "no relay answered within " + seconds(timeout) +
                                                     "; publishing again in " + seconds(timeouts_.backgroundRetry)};
        notify();
        scheduleRepublish(timeouts_.backgroundRetry);
    });
    parts_.announcer.publish(
        activity_,
        completion<core::Result<PublishReport>>(operation, [this, duringEnd](core::Result<PublishReport> report) {
            publishing_ = false;
            if (!report) {
                if (duringEnd) {
                    noteEndedNotPublished(report.error().describe());
                    endPartDone();
                    return;
                }
                snapshot_.nostr = {PartHealth::degraded, report.error().describe() + "; publishing again in " +
                                                             seconds(timeouts_.backgroundRetry)};
                notify();
                scheduleRepublish(timeouts_.backgroundRetry);
                return;
            }
            snapshot_.relays = report->relays;
            journalRecord_.lastCreatedAt = report->createdAt;
            const int accepted = report->acceptedCount();
            if (accepted > 0 && !duringEnd) {
                journalRecord_.liveAccepted = true;
            }
            const auto total = static_cast<int>(report->relays.size());
            if (duringEnd) {
                if (accepted == 0) {
                    noteEndedNotPublished("no relay accepted `ended` (" + relayList(report->relays, false) + ")");
                } else {
                    snapshot_.nostr = {PartHealth::stopped, "ended published to " + std::to_string(accepted) + " of " +
                                                                std::to_string(total) + " relays"};
                }
                endPartDone();
                return;
            }
            if (accepted == 0) {
                snapshot_.nostr = {PartHealth::degraded,
                                   "no relay accepted the live event (" + relayList(report->relays, false) +
                                       "); publishing again in " + seconds(timeouts_.backgroundRetry)};
                scheduleRepublish(timeouts_.backgroundRetry);
            } else if (accepted < total) {
                snapshot_.nostr = {PartHealth::degraded,
                                   "published to " + std::to_string(accepted) + " of " + std::to_string(total) +
                                       " relays; refused or unreachable: " + relayList(report->relays, false)};
            } else {
                snapshot_.nostr = {PartHealth::ok, "published to " + std::to_string(total) + " relays"};
            }
            writeJournal();
            notify();
            if (republishWanted_ && snapshot_.state == SessionState::live) {
                republishWanted_ = false;
                scheduleRepublish(timeouts_.changeRepublishDelay);
            }
        }));
}

void GoLiveController::noteEndedNotPublished(const std::string& why)
{
    if (!journalRecord_.liveAccepted) {
        // No relay ever took a live version, so none shows the event as live: nothing is left behind.
        snapshot_.nostr = {PartHealth::stopped,
                           "ended not published (" + why + "); no relay had the live event, so none shows it as live"};
        return;
    }
    snapshot_.nostr = {PartHealth::failed, "ended not published: " + why};
    snapshot_.leftovers.push_back("the live event may still show as live: " + why);
}

void GoLiveController::scheduleRepublish(std::chrono::milliseconds delay)
{
    if (snapshot_.state != SessionState::live && snapshot_.state != SessionState::goingLive) {
        return;
    }
    if (republishTimer_) {
        scheduler_.cancel(*republishTimer_);
    }
    const std::weak_ptr<int> alive = alive_;
    republishTimer_ = scheduler_.schedule(delay, [this, alive] {
        if (!alive.lock()) {
            return;
        }
        republishTimer_.reset();
        changeRepublishPending_ = false;
        if (snapshot_.state != SessionState::live || activity_.status != nostr::LiveStatus::live) {
            return;
        }
        publishActivity(false);
        scheduleRepublish(timeouts_.republishInterval);
    });
}

void GoLiveController::retryNow()
{
    if (snapshot_.state != SessionState::live || !snapshot_.reconnect) {
        return;
    }
    parts_.media.retryNow();
    snapshot_.reconnect->nextAttemptAt = std::chrono::steady_clock::now();
    snapshot_.media.detail = "reconnecting now (" +
                             attemptOf(snapshot_.reconnect->attempt, snapshot_.reconnect->maxAttempts) +
                             ", asked by the host)";
    notify();
}

void GoLiveController::setTitle(std::string title)
{
    if (title == activity_.title) {
        return;
    }
    activity_.title = std::move(title);
    if (snapshot_.state == SessionState::live && activity_.status == nostr::LiveStatus::live) {
        scheduleRepublish(std::chrono::milliseconds(0));
    }
}

void GoLiveController::scheduleBackgroundChannelConnect()
{
    if (parts_.channel == nullptr || channelRetryTimer_) {
        return;
    }
    const std::weak_ptr<int> alive = alive_;
    channelRetryTimer_ = scheduler_.schedule(timeouts_.backgroundRetry, [this, alive] {
        if (!alive.lock()) {
            return;
        }
        channelRetryTimer_.reset();
        if (snapshot_.state != SessionState::live && snapshot_.state != SessionState::goingLive) {
            return;
        }
        const OperationId operation = beginOperation(timeouts_.connectChannel, [this] {
            snapshot_.channel = {PartHealth::degraded,
                                 "still unreachable; retrying in " + seconds(timeouts_.backgroundRetry)};
            notify();
            scheduleBackgroundChannelConnect();
        });
        parts_.channel->connect(completion<core::Status>(operation, [this](const core::Status& connected) {
            if (!connected) {
                snapshot_.channel = {PartHealth::degraded, connected.error().describe() + "; retrying in " +
                                                               seconds(timeouts_.backgroundRetry)};
                notify();
                scheduleBackgroundChannelConnect();
                return;
            }
            channelConnected_ = true;
            snapshot_.channel = {PartHealth::ok, "reconnected: connected on a background retry"};
            qCInfo(lcSession) << "the real-time channel is connected (background retry)";
            notify();
            if (snapshot_.state == SessionState::live && mediaOverChannel()) {
                announceOnChannel([this] { notify(); });
            }
        }));
    });
}

void GoLiveController::scheduleIngestStatusPoll()
{
    if (ingestPollTimer_ || snapshot_.state != SessionState::live || !endpoint_) {
        return;
    }
    const std::weak_ptr<int> alive = alive_;
    ingestPollTimer_ = scheduler_.schedule(timeouts_.ingestStatusPoll, [this, alive] {
        if (!alive.lock()) {
            return;
        }
        ingestPollTimer_.reset();
        if (snapshot_.state != SessionState::live || !endpoint_ || ingestPollOutstanding_) {
            return;
        }
        ingestPollOutstanding_ = true;
        // A check that does not answer within one interval counts as failed; the next one follows.
        const OperationId operation = beginOperation(timeouts_.ingestStatusPoll, [this] {
            onIngestStatus(
                core::Error{SessionErrc::stepTimedOut, "no answer within " + seconds(timeouts_.ingestStatusPoll)});
        });
        parts_.ingest.status(*endpoint_, completion<core::Result<cloud::IngestStatus>>(
                                             operation, [this](const core::Result<cloud::IngestStatus>& status) {
                                                 onIngestStatus(status);
                                             }));
    });
}

void GoLiveController::onIngestStatus(const core::Result<cloud::IngestStatus>& status)
{
    ingestPollOutstanding_ = false;
    if (snapshot_.state != SessionState::live || !endpoint_) {
        return;
    }
    const std::string next = "; checking again in " + seconds(timeouts_.ingestStatusPoll);
    PartStatus part = snapshot_.ingest;
    if (!status) {
        // The provider's API did not answer: the stream itself may be fine, so only the detail says so.
        part.detail = "status check failed: " + status.error().describe() + next;
    } else {
        const std::string said =
            status->providerStatus.empty() ? std::string(cloud::toString(status->state)) : status->providerStatus;
        switch (status->state) {
        case cloud::IngestState::idle:
        case cloud::IngestState::ended:
            if (snapshot_.ingest.health != PartHealth::degraded) {
                qCWarning(lcSession).noquote() << "the ingest reports the stream as" << QString::fromStdString(said);
            }
            part = {PartHealth::degraded,
                    endpoint_->provider + " reports the stream as " + said + " (it is not receiving the media)" + next};
            break;
        case cloud::IngestState::live:
            part = {PartHealth::ok, endpoint_->provider + " reports the stream as " + said};
            break;
        case cloud::IngestState::starting:
            // Live, yet the provider has no video: viewers see nothing (the seed backend says
            // "active" for any started stream, with or without video).
            part = {PartHealth::degraded,
                    endpoint_->provider + " reports the stream as " + said + " but serves no video yet" + next};
            break;
        case cloud::IngestState::unknown:
            if (part.health == PartHealth::degraded) {
                part.detail = endpoint_->provider + " reports no usable status (" + said + ")" + next;
            }
            break;
        }
    }
    if (part != snapshot_.ingest) {
        snapshot_.ingest = std::move(part);
        notify();
    }
    scheduleIngestStatusPoll();
}

void GoLiveController::onMediaEvent(const MediaEvent& event)
{
    if (snapshot_.state != SessionState::live && snapshot_.state != SessionState::goingLive) {
        return;
    }
    if (event.kind != MediaEvent::Kind::recordingFailed) {
        snapshot_.reconnect.reset();
    }
    switch (event.kind) {
    case MediaEvent::Kind::outputDropped:
        snapshot_.media = {PartHealth::degraded, "connection to the ingest lost: " + event.error.describe()};
        break;
    case MediaEvent::Kind::outputReconnecting:
        snapshot_.media = {PartHealth::degraded, "reconnecting in " + seconds(event.retryDelay) + " (" +
                                                     attemptOf(event.attempt, event.maxAttempts) + ")"};
        snapshot_.reconnect =
            MediaReconnect{std::chrono::steady_clock::now() + event.retryDelay, event.attempt, event.maxAttempts};
        break;
    case MediaEvent::Kind::outputReconnected: snapshot_.media = {PartHealth::ok, "streaming (reconnected)"}; break;
    case MediaEvent::Kind::outputFailed:
        snapshot_.media = {PartHealth::failed, event.error.describe()};
        if (snapshot_.state == SessionState::live) {
            beginEnd(
                core::Error{SessionErrc::mediaFailed, "the stream to the ingest was lost: " + event.error.describe()});
            return;
        }
        break;
    case MediaEvent::Kind::recordingFailed: snapshot_.recording = {PartHealth::failed, event.error.describe()}; break;
    }
    notify();
}

void GoLiveController::onChannelEvent(const ChannelEvent& event)
{
    if (parts_.channel == nullptr) {
        return;
    }
    switch (event.kind) {
    case ChannelEvent::Kind::dropped:
        if (snapshot_.state == SessionState::live || snapshot_.state == SessionState::goingLive) {
            snapshot_.channel = {PartHealth::degraded, "connection lost; reconnecting"};
        }
        break;
    case ChannelEvent::Kind::reconnected: snapshot_.channel = {PartHealth::ok, "reconnected"}; break;
    case ChannelEvent::Kind::streamStarted:
        if (snapshot_.state != SessionState::live && snapshot_.state != SessionState::goingLive) {
            return;
        }
        channelStreamStarted_ = true;
        snapshot_.channel = {PartHealth::ok, "stream confirmed by the server"};
        break;
    case ChannelEvent::Kind::streamError:
        if (snapshot_.state != SessionState::live && snapshot_.state != SessionState::goingLive) {
            return; // during End: the seed backend reports killing its encoder
        }
        snapshot_.channel = {PartHealth::degraded, "the server reported: " + event.message};
        if (playbackWait_) {
            // The backend's encoder failed before it made any video: nothing will play.
            snapshot_.media = {PartHealth::failed, "the server reported: " + event.message};
            failGoLive(core::Error{SessionErrc::mediaFailed,
                                   endpoint_->provider + " could not make video from the stream: " + event.message +
                                       ": check the backend's log, then go live again"});
            return;
        }
        break;
    case ChannelEvent::Kind::streamEnded:
        if (snapshot_.state == SessionState::ending && channelEndOperation_ &&
            (event.message.empty() || event.message == activity_.identifier)) {
            finishChannelEnd("stream ended by the server, disconnected");
            return;
        }
        if (snapshot_.state == SessionState::live) {
            snapshot_.channel = {PartHealth::degraded, "the server ended its side of the stream"};
        }
        break;
    case ChannelEvent::Kind::viewerCount:
        snapshot_.viewerCountJoinedSoFar = true;
        if (event.viewerCount != snapshot_.viewerCount) {
            snapshot_.viewerCount = event.viewerCount;
            activity_.currentParticipants = static_cast<std::uint64_t>(std::max(0, event.viewerCount));
            if (snapshot_.state == SessionState::live && activity_.status == nostr::LiveStatus::live &&
                !changeRepublishPending_) {
                // Changes within changeRepublishDelay are merged into one version.
                changeRepublishPending_ = true;
                scheduleRepublish(timeouts_.changeRepublishDelay);
            }
        }
        break;
    }
    notify();
}

// ---------------------------------------------------------------------------------------------
// ending

void GoLiveController::end()
{
    if (snapshot_.state != SessionState::goingLive && snapshot_.state != SessionState::live) {
        return;
    }
    beginEnd(std::nullopt);
}

void GoLiveController::beginEnd(std::optional<core::Error> reason)
{
    if (snapshot_.state == SessionState::ending) {
        return;
    }
    endReason_ = std::move(reason);
    if (endReason_) {
        snapshot_.error = *endReason_;
    }
    if (snapshot_.step == GoLiveStep::prepareIngest) {
        parts_.ingest.cancel(); // its answer is no longer awaited
    }
    abandonOperations();
    playbackWait_.reset();
    channelEndOperation_.reset();
    publishing_ = false;
    republishWanted_ = false;
    changeRepublishPending_ = false;
    for (auto* timer : {&republishTimer_, &channelRetryTimer_, &ingestPollTimer_, &playbackPollTimer_}) {
        if (*timer) {
            scheduler_.cancel(**timer);
            timer->reset();
        }
    }
    ingestPollOutstanding_ = false;
    snapshot_.reconnect.reset();
    snapshot_.state = SessionState::ending;
    setStep(GoLiveStep::none);
    journalRecord_.phase = JournalPhase::ending;
    writeJournal();

    if (!journalRecord_.mediaStarted) {
        endAfterMedia();
        return;
    }
    snapshot_.media = {PartHealth::working, "sending what is still queued"};
    notify();
    const OperationId operation = beginOperation(timeouts_.endMedia, [this] {
        parts_.media.abort();
        snapshot_.media = {PartHealth::stopped,
                           "stopped (the rest of the queue was dropped after " + seconds(timeouts_.endMedia) + ")"};
        endAfterMedia();
    });
    parts_.media.stop(completion<core::Status>(operation, [this](const core::Status& stopped) {
        snapshot_.media = stopped ? PartStatus{PartHealth::stopped, "stopped"}
                                  : PartStatus{PartHealth::stopped, "stopped: " + stopped.error().describe()};
        endAfterMedia();
    }));
}

void GoLiveController::endAfterMedia()
{
    if (snapshot_.recording.health == PartHealth::ok || snapshot_.recording.health == PartHealth::working) {
        snapshot_.recording = {PartHealth::stopped, recordingPath_.value_or(std::string())};
    }
    endPartsOutstanding_ = 1; // released at the end of this function, so parts finishing at once do not finish early

    if (parts_.channel != nullptr && (journalRecord_.channelAnnounced || channelConnected_)) {
        if (journalRecord_.channelAnnounced && channelConnected_) {
            // `end-stream`, then its `stream-ended` awaited before the disconnect: the seed backend
            // drops an event that arrives together with the disconnect, and cleans a stream left
            // that way up only much later, without ending its playlist.
            ++endPartsOutstanding_;
            const OperationId operation = beginOperation(timeouts_.endPart, [this] {
                channelEndOperation_.reset();
                parts_.channel->disconnect();
                snapshot_.channel = {PartHealth::stopped, "disconnected (the server did not confirm the end within " +
                                                              seconds(timeouts_.endPart) + ")"};
                endPartDone();
            });
            channelEndOperation_ = operation;
            const std::weak_ptr<int> alive = alive_;
            parts_.channel->endStream([this, alive, operation](const core::Status& sent) {
                scheduler_.post([this, alive, operation, sent] {
                    if (alive.lock() && !sent && channelEndOperation_ == operation) {
                        finishChannelEnd("disconnected: " + sent.error().describe());
                    }
                });
            });
        } else {
            parts_.channel->disconnect();
            snapshot_.channel = {PartHealth::stopped, "disconnected"};
        }
    }

    if (journalRecord_.ingestStarted && endpoint_) {
        ++endPartsOutstanding_;
        snapshot_.ingest = {PartHealth::working, "stopping the stream on " + endpoint_->provider};
        const OperationId operation = beginOperation(timeouts_.endPart, [this] {
            parts_.ingest.cancel();
            snapshot_.ingest = {PartHealth::failed, "no answer within " + seconds(timeouts_.endPart)};
            snapshot_.leftovers.push_back("the " + endpoint_->provider + " stream " + endpoint_->streamId +
                                          " may still be active: stop it in the provider's console");
            endPartDone();
        });
        parts_.ingest.stop(*endpoint_, completion<core::Status>(operation, [this](const core::Status& stopped) {
            if (stopped) {
                snapshot_.ingest = {PartHealth::stopped, "stream stopped"};
            } else {
                snapshot_.ingest = {PartHealth::failed, stopped.error().describe()};
                snapshot_.leftovers.push_back("the " + endpoint_->provider + " stream " + endpoint_->streamId +
                                              " may still be active: " + stopped.error().describe());
            }
            endPartDone();
        }));
    }

    if (journalRecord_.livePublished) {
        ++endPartsOutstanding_;
        // A journal kept because `ended` reached no relay holds the ended version: publish it again.
        const core::Status ended =
            activity_.status == nostr::LiveStatus::ended
                ? core::Status{}
                : activity_.end(scheduler_.nowUnixSeconds(), endpoint_ ? endpoint_->archiveUrl : std::nullopt);
        if (!ended) {
            snapshot_.leftovers.push_back("the live event may still show as live: " + ended.error().describe());
            endPartDone();
        } else {
            if (const auto event = activity_.toEventTemplate(scheduler_.nowUnixSeconds()); event) {
                journalRecord_.activityTags = nlohmann::json(event->tags);
            }
            snapshot_.nostr = {PartHealth::working, "publishing ended"};
            publishActivity(true);
        }
    }
    notify();
    endPartDone();
}

void GoLiveController::finishChannelEnd(const std::string& detail)
{
    if (!channelEndOperation_ || !finishOperation(*channelEndOperation_)) {
        return;
    }
    channelEndOperation_.reset();
    parts_.channel->disconnect();
    snapshot_.channel = {PartHealth::stopped, detail};
    notify();
    endPartDone();
}

void GoLiveController::endPartDone()
{
    if (--endPartsOutstanding_ > 0) {
        return;
    }
    finishEnd();
}

void GoLiveController::finishEnd()
{
    abandonOperations();
    channelEndOperation_.reset();
    snapshot_.state = endReason_ ? SessionState::failed : SessionState::ended;
    if (journal_ != nullptr) {
        if (snapshot_.leftovers.empty()) {
            if (const core::Status removed = journal_->remove(); !removed) {
                qCWarning(lcSession).noquote() << QString::fromStdString(removed.error().describe());
            }
        } else {
            journalRecord_.leftovers = snapshot_.leftovers;
            writeJournal();
        }
    }
    qCInfo(lcSession).noquote() << "session" << QString::fromStdString(std::string(toString(snapshot_.state)))
                                << (snapshot_.leftovers.empty()
                                        ? QString()
                                        : QStringLiteral("; left behind: ") +
                                              QString::fromStdString(snapshot_.leftovers.front()));
    notify();
}

// ---------------------------------------------------------------------------------------------
// recovery

core::Status GoLiveController::recover(const JournalRecord& record)
{
    if (snapshot_.state == SessionState::goingLive || snapshot_.state == SessionState::live ||
        snapshot_.state == SessionState::ending) {
        return core::Error{SessionErrc::alreadyLive, "a session is running: end it first"};
    }
    snapshot_ = SessionSnapshot{};
    snapshot_.channel.health = PartHealth::notUsed;
    snapshot_.recording.health = PartHealth::notUsed;
    journalRecord_ = record;
    journalRecord_.leftovers.clear();
    journalRecord_.mediaStarted = false; // the process that ran it is gone
    channelConnected_ = false;
    recordingPath_ = record.recordingPath;
    endReason_.reset();
    endpoint_.reset();
    if (record.ingestStarted && !record.streamId.empty()) {
        cloud::IngestEndpoint endpoint;
        endpoint.provider = record.provider;
        endpoint.streamId = record.streamId;
        endpoint.ingestUrl = record.ingestUrl;
        endpoint.hlsPlaybackUrl = record.hlsPlaybackUrl;
        endpoint.playerPageUrl = record.playerPageUrl;
        endpoint.archiveUrl = record.archiveUrl;
        endpoint_ = std::move(endpoint);
        snapshot_.provider = record.provider;
    } else {
        journalRecord_.ingestStarted = false;
    }
    if (record.livePublished) {
        nostr::Event event;
        event.kind = 30311;
        event.pubkey = record.hostPublicKeyHex;
        event.createdAtUnixSeconds = record.lastCreatedAt.value_or(0);
        try {
            event.tags = record.activityTags.get<nostr::Tags>();
        } catch (const nlohmann::json::exception&) {
            return core::Error{SessionErrc::journalCorrupt, "the live event's tags cannot be read"};
        }
        auto activity = nostr::LiveActivity::fromEvent(event);
        if (!activity) {
            return core::Error{SessionErrc::journalCorrupt,
                               "the live event cannot be rebuilt: " + activity.error().describe()};
        }
        activity_ = std::move(*activity);
        if (record.lastCreatedAt) {
            parts_.announcer.noteLastCreatedAt(*record.lastCreatedAt);
        }
    }
    qCInfo(lcSession).noquote() << "recovering the session of event" << QString::fromStdString(record.eventId);
    snapshot_.state = SessionState::live; // so that beginEnd runs the end sequence
    beginEnd(std::nullopt);
    return {};
}

} // namespace hoststudio::session
