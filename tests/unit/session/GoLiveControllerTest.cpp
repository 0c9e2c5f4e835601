// SPDX-License-Identifier: GPL-2.0-or-later
// The Go Live controller's rules, on virtual time: the seed's order, what a failure of each part
// does, degradation and background retries, republishing, End from any state, recovery.
#include "SessionTestParts.hpp"

#include "hoststudio/media/MediaError.hpp"
#include "hoststudio/nostr/LiveActivityPublisher.hpp"
#include "hoststudio/session/GoLiveController.hpp"
#include "hoststudio/session/SessionError.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>

#include <unistd.h>

namespace hoststudio::session {
namespace {

using namespace std::chrono_literals;
using testing::Answer;

class GoLiveControllerTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        directory =
            std::filesystem::temp_directory_path() / ("hoststudio-session-test-" + std::to_string(::getpid()) + "-" +
                                                      ::testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::remove_all(directory);
        journal = std::make_unique<SessionJournal>(directory / "session.json");
    }
    void TearDown() override
    {
        controller.reset();
        std::filesystem::remove_all(directory);
    }

    GoLiveController& make(bool withChannel = true, SessionTimeouts timeouts = {},
                           AnnouncerPart* announcerPart = nullptr, PlaybackCheck* playbackCheck = nullptr)
    {
        controller = std::make_unique<GoLiveController>(
            GoLiveController::Parts{ingest, media, announcerPart != nullptr ? *announcerPart : announcer,
                                    withChannel ? &channel : nullptr, playbackCheck},
            scheduler, journal.get(), timeouts);
        controller->setObserver([this](const SessionSnapshot& snapshot) {
            if (!snapshot.stepText.empty() && (steps.empty() || steps.back() != snapshot.stepText)) {
                steps.push_back(snapshot.stepText);
            }
            states.push_back(snapshot.state);
        });
        return *controller;
    }

    static GoLiveRequest request()
    {
        GoLiveRequest request;
        request.activity.identifier = "event-42";
        request.activity.title = "Quarterly town hall";
        request.activity.relays = {"ws://127.0.0.1:7447", "ws://127.0.0.1:7448"};
        request.recordingPath = "/recordings/event-42.mkv";
        return request;
    }

    // Every relay of request() refuses (or cannot be reached).
    void refuseEveryRelay()
    {
        announcer.relayAccepts = {{"ws://127.0.0.1:7447", false}, {"ws://127.0.0.1:7448", false}};
    }

    // Live, degraded: the stream runs while no relay takes the live event.
    void goLiveWhileEveryRelayRefuses()
    {
        refuseEveryRelay();
        make();
        goLive();
        EXPECT_EQ(controller->snapshot().state, SessionState::live);
        EXPECT_TRUE(controller->snapshot().degraded);
        EXPECT_EQ(controller->snapshot().nostr.health, PartHealth::degraded);
    }

    void goLive()
    {
        ASSERT_TRUE(controller->goLive(request()));
        scheduler.drain();
    }

    [[nodiscard]] bool logged(const std::string& call) const
    {
        return std::find(log.begin(), log.end(), call) != log.end();
    }
    [[nodiscard]] long indexOf(const std::string& call) const
    {
        return std::distance(log.begin(), std::find(log.begin(), log.end(), call));
    }
    [[nodiscard]] std::optional<JournalRecord> journalRecord() const
    {
        auto read = journal->read();
        EXPECT_TRUE(read.ok());
        return read.ok() ? *read : std::nullopt;
    }

    testing::VirtualScheduler scheduler;
    testing::CallLog log;
    testing::FakeIngest ingest{log};
    testing::FakeMedia media{log};
    testing::FakeChannel channel{log};
    testing::FakeAnnouncer announcer{log};
    testing::FakePlayback playback{log};
    std::filesystem::path directory;
    std::unique_ptr<SessionJournal> journal;
    std::unique_ptr<GoLiveController> controller;
    std::vector<std::string> steps;
    std::vector<SessionState> states;
};

TEST_F(GoLiveControllerTest, GoesLiveInTheSeedOrder)
{
    make();
    goLive();
    const SessionSnapshot& snapshot = controller->snapshot();
    EXPECT_EQ(snapshot.state, SessionState::live);
    EXPECT_FALSE(snapshot.degraded);
    EXPECT_EQ(log, (testing::CallLog{"ingest.prepare event-42", "ingest.start", "channel.connect", "media.start",
                                     "nostr.publish live"}))
        << "an RTMP ingest gets no start-stream on the channel";
    EXPECT_EQ(steps,
              (std::vector<std::string>{"1 of 6: preparing the ingest", "2 of 6: connecting the real-time channel",
                                        "3 of 6: announcing the stream", "4 of 6: starting the media",
                                        "5 of 6: publishing the live event", "6 of 6: live"}));
    ASSERT_EQ(media.starts.size(), 1U);
    EXPECT_EQ(media.starts[0].publishUrl, "rtmp://127.0.0.1:1935/live/stream-key-secret");
    EXPECT_EQ(media.starts[0].recordingPath, "/recordings/event-42.mkv");
    ASSERT_EQ(announcer.published.size(), 1U);
    const nostr::LiveActivity& live = announcer.published[0];
    EXPECT_EQ(live.status, nostr::LiveStatus::live);
    EXPECT_EQ(live.streamingUrl, "http://127.0.0.1:8080/hls/stream.m3u8");
    EXPECT_EQ(live.startsAtUnixSeconds, scheduler.nowUnixSeconds());
    ASSERT_NE(live.host(), nullptr);
    EXPECT_EQ(live.host()->publicKeyHex, announcer.publicKeyHex);
    EXPECT_EQ(snapshot.ingest.health, PartHealth::ok);
    EXPECT_EQ(snapshot.channel.health, PartHealth::ok);
    EXPECT_EQ(snapshot.media.health, PartHealth::ok);
    EXPECT_EQ(snapshot.recording.health, PartHealth::ok);
    EXPECT_EQ(snapshot.nostr.health, PartHealth::ok);
    EXPECT_EQ(snapshot.hlsPlaybackUrl, "http://127.0.0.1:8080/hls/stream.m3u8");
    EXPECT_EQ(snapshot.ingestServer, "rtmp://127.0.0.1:1935/live");
    EXPECT_EQ(snapshot.streamKey, "stream-key-secret");
    EXPECT_EQ(snapshot.naddr.rfind("naddr1", 0), 0U);

    const auto record = journalRecord();
    ASSERT_TRUE(record);
    EXPECT_EQ(record->phase, JournalPhase::live);
    EXPECT_TRUE(record->ingestStarted && record->mediaStarted && record->livePublished);
    EXPECT_FALSE(record->channelAnnounced);
    EXPECT_EQ(record->streamId, ingest.endpoint.streamId);
    EXPECT_EQ(record->lastCreatedAt, announcer.last);
    EXPECT_EQ(record->processId, static_cast<std::int64_t>(::getpid()));
    EXPECT_EQ(record->toJson().dump().find("stream-key-secret"), std::string::npos) << "no secret in the journal";
}

TEST_F(GoLiveControllerTest, AnIngestThatIsTheChannelGetsTheMediaOverIt)
{
    ingest.endpoint.provider = "backend";
    ingest.endpoint.ingestUrl = "http://127.0.0.1:3001";
    ingest.endpoint.streamKey = "event-42";
    make();
    goLive();
    EXPECT_EQ(controller->snapshot().state, SessionState::live);
    ASSERT_EQ(media.starts.size(), 1U);
    EXPECT_TRUE(media.starts[0].overChannel);
    EXPECT_TRUE(media.starts[0].publishUrl.empty());
    EXPECT_LT(indexOf("channel.announce event-42"), indexOf("media.start")) << "announced before the media";
    EXPECT_EQ(channel.announced.at(0).userIdHex, announcer.publicKeyHex);
    controller->end();
    scheduler.drain();
    EXPECT_LT(indexOf("channel.endStream"), indexOf("channel.disconnect"));
}

// The seed backend's case: the media goes over the channel and the backend makes the HLS.
class BackendIngestTest : public GoLiveControllerTest {
protected:
    void SetUp() override
    {
        GoLiveControllerTest::SetUp();
        ingest.endpoint.provider = "backend";
        ingest.endpoint.ingestUrl = "ws://127.0.0.1:3001/socket.io/?EIO=4&transport=websocket";
        ingest.endpoint.streamKey = "event-42";
        ingest.endpoint.hlsPlaybackUrl = "http://127.0.0.1:3001/livestream/event-42/stream.m3u8";
    }
    static SessionTimeouts timeouts()
    {
        SessionTimeouts timeouts;
        timeouts.awaitPlayback = 10s;
        timeouts.playbackPoll = 500ms;
        return timeouts;
    }
};

TEST_F(BackendIngestTest, StartingUntilTheBackendsPlaylistListsASegment)
{
    playback.answers = {core::Result<PlaylistState>(
                            core::Error{std::make_error_code(std::errc::connection_refused), "connection refused"}),
                        PlaylistState{404, 0, 0, false}, testing::FakePlayback::withSegments(0),
                        testing::FakePlayback::withSegments(0), testing::FakePlayback::withSegments(1)};
    make(true, timeouts(), nullptr, &playback);
    goLive();
    // Media flows, but the backend has made no video yet: not live, nothing announced on Nostr.
    EXPECT_EQ(controller->snapshot().state, SessionState::goingLive);
    EXPECT_EQ(controller->snapshot().stepText, "4 of 6: starting the media: waiting for backend to make video");
    EXPECT_EQ(controller->snapshot().media.health, PartHealth::working);
    EXPECT_FALSE(logged("nostr.publish live"));
    channel.raise(ChannelEvent{ChannelEvent::Kind::streamStarted, "event-42", 0});
    scheduler.advance(1000ms);
    EXPECT_EQ(controller->snapshot().state, SessionState::goingLive) << "stream-started alone is no video";
    EXPECT_NE(controller->snapshot().media.detail.find("its encoder started"), std::string::npos)
        << controller->snapshot().media.detail;
    scheduler.advance(1000ms);
    EXPECT_EQ(controller->snapshot().state, SessionState::live);
    EXPECT_EQ(playback.checks, 5);
    EXPECT_TRUE(logged("playback.check http://127.0.0.1:3001/livestream/event-42/stream.m3u8"));
    EXPECT_LT(indexOf("media.start"), indexOf("nostr.publish live"));
    EXPECT_EQ(announcer.published.size(), 1U);
}

TEST_F(BackendIngestTest, NoVideoWithinTheBoundFailsGoLiveAndUndoesIt)
{
    make(true, timeouts(), nullptr, &playback);
    goLive();
    scheduler.advance(9900ms);
    EXPECT_EQ(controller->snapshot().state, SessionState::goingLive);
    scheduler.advance(200ms);
    EXPECT_EQ(controller->snapshot().state, SessionState::failed);
    EXPECT_EQ(controller->snapshot().error, SessionErrc::stepTimedOut);
    EXPECT_NE(controller->snapshot().error.detail().find("made no video"), std::string::npos);
    EXPECT_FALSE(logged("nostr.publish live"));
    EXPECT_TRUE(logged("channel.endStream"));
    EXPECT_TRUE(logged("ingest.stop " + ingest.endpoint.streamId));
    const int checks = playback.checks;
    scheduler.advance(5s);
    EXPECT_EQ(playback.checks, checks) << "no more polling after the failure";
}

TEST_F(BackendIngestTest, AStreamErrorWhileWaitingFailsGoLiveWithTheServersWords)
{
    make(true, timeouts(), nullptr, &playback);
    goLive();
    channel.raise(ChannelEvent{ChannelEvent::Kind::streamError, "ffmpeg exited with code 1", 0});
    scheduler.drain();
    EXPECT_EQ(controller->snapshot().state, SessionState::failed);
    EXPECT_NE(controller->snapshot().error.detail().find("ffmpeg exited with code 1"), std::string::npos);
    EXPECT_FALSE(logged("nostr.publish live"));
}

TEST_F(BackendIngestTest, EndWaitsForStreamEndedBeforeItDisconnects)
{
    playback.last = testing::FakePlayback::withSegments(2);
    channel.confirmEnd = false;
    make(true, timeouts(), nullptr, &playback);
    goLive();
    ASSERT_EQ(controller->snapshot().state, SessionState::live);
    controller->end();
    scheduler.advance(1000ms);
    EXPECT_TRUE(logged("channel.endStream"));
    EXPECT_FALSE(logged("channel.disconnect")) << "a disconnect sent with end-stream loses it at the backend";
    EXPECT_EQ(controller->snapshot().state, SessionState::ending);
    channel.raise(ChannelEvent{ChannelEvent::Kind::streamEnded, "event-42", 0});
    // The backend kills its encoder and says so: part of its normal end, not a failure.
    channel.raise(ChannelEvent{ChannelEvent::Kind::streamError, "ffmpeg was killed with signal SIGKILL", 0});
    scheduler.drain();
    EXPECT_TRUE(logged("channel.disconnect"));
    EXPECT_EQ(controller->snapshot().state, SessionState::ended);
    EXPECT_EQ(controller->snapshot().channel.health, PartHealth::stopped);
    EXPECT_EQ(controller->snapshot().channel.detail, "stream ended by the server, disconnected");
    EXPECT_TRUE(controller->snapshot().leftovers.empty());
}

TEST_F(BackendIngestTest, AnUnconfirmedEndDisconnectsAfterTheBound)
{
    playback.last = testing::FakePlayback::withSegments(2);
    channel.confirmEnd = false;
    make(true, timeouts(), nullptr, &playback);
    goLive();
    controller->end();
    scheduler.advance(2900ms);
    EXPECT_FALSE(logged("channel.disconnect"));
    scheduler.advance(200ms);
    EXPECT_TRUE(logged("channel.disconnect"));
    EXPECT_EQ(controller->snapshot().state, SessionState::ended);
    EXPECT_NE(controller->snapshot().channel.detail.find("did not confirm the end"), std::string::npos);
}

TEST_F(BackendIngestTest, ActiveWithoutVideoWhileLiveIsNotHealthyAndViewersAreJoinsSoFar)
{
    playback.last = testing::FakePlayback::withSegments(1);
    SessionTimeouts limits = timeouts();
    limits.ingestStatusPoll = 10s;
    make(true, limits, nullptr, &playback);
    goLive();
    ASSERT_EQ(controller->snapshot().state, SessionState::live);
    ingest.reportedStatus = cloud::IngestStatus{cloud::IngestState::starting, "active"};
    scheduler.advance(10s);
    EXPECT_EQ(controller->snapshot().ingest.health, PartHealth::degraded);
    EXPECT_NE(controller->snapshot().ingest.detail.find("serves no video"), std::string::npos);
    EXPECT_TRUE(controller->snapshot().degraded);
    ingest.reportedStatus = cloud::IngestStatus{cloud::IngestState::live, "active, HLS with media"};
    scheduler.advance(10s);
    EXPECT_EQ(controller->snapshot().ingest.health, PartHealth::ok);

    EXPECT_FALSE(controller->snapshot().viewerCountJoinedSoFar);
    channel.raise(ChannelEvent{ChannelEvent::Kind::viewerCount, {}, 3});
    scheduler.drain();
    EXPECT_EQ(controller->snapshot().viewerCount, 3);
    EXPECT_TRUE(controller->snapshot().viewerCountJoinedSoFar);
}

TEST_F(GoLiveControllerTest, AnIngestThatIsTheChannelFailsWhenTheChannelIsDown)
{
    ingest.endpoint.provider = "backend";
    ingest.endpoint.ingestUrl = "http://127.0.0.1:3001";
    channel.connectAnswer = Answer::fail;
    make();
    goLive();
    EXPECT_EQ(controller->snapshot().state, SessionState::failed);
    EXPECT_EQ(controller->snapshot().error, SessionErrc::mediaFailed);
    EXPECT_NE(controller->snapshot().error.detail().find("start the backend"), std::string::npos);
    EXPECT_FALSE(logged("media.start"));
    EXPECT_TRUE(logged("ingest.stop " + ingest.endpoint.streamId));
}

TEST_F(GoLiveControllerTest, WithoutAChannelTheChannelStepsAreSkipped)
{
    make(/*withChannel=*/false);
    goLive();
    EXPECT_EQ(controller->snapshot().state, SessionState::live);
    EXPECT_EQ(controller->snapshot().channel.health, PartHealth::notUsed);
    EXPECT_FALSE(logged("channel.connect"));
    EXPECT_FALSE(controller->snapshot().degraded);
}

TEST_F(GoLiveControllerTest, AnIngestThatFailsStopsGoLiveAndLeavesNothing)
{
    ingest.prepareAnswer = Answer::fail;
    make();
    goLive();
    const SessionSnapshot& snapshot = controller->snapshot();
    EXPECT_EQ(snapshot.state, SessionState::failed);
    EXPECT_EQ(snapshot.error, SessionErrc::ingestFailed);
    EXPECT_NE(snapshot.error.detail().find("check the API key"), std::string::npos);
    EXPECT_EQ(snapshot.error.detail().rfind("cloudinary could not prepare the stream: ", 0), 0U)
        << snapshot.error.detail();
    EXPECT_EQ(log, (testing::CallLog{"ingest.prepare event-42"}));
    EXPECT_FALSE(journalRecord()) << "a clean failure removes the journal";
}

TEST_F(GoLiveControllerTest, AnIngestThatFailsToStartIsStoppedAgain)
{
    ingest.startAnswer = Answer::fail;
    make();
    goLive();
    EXPECT_EQ(controller->snapshot().state, SessionState::failed);
    EXPECT_TRUE(logged("ingest.stop " + ingest.endpoint.streamId));
    EXPECT_FALSE(logged("media.start"));
    EXPECT_FALSE(logged("nostr.publish live"));
}

TEST_F(GoLiveControllerTest, MediaThatFailsUndoesIngestAndChannelAndPublishesNothing)
{
    media.startAnswer = Answer::fail;
    make();
    goLive();
    const SessionSnapshot& snapshot = controller->snapshot();
    EXPECT_EQ(snapshot.state, SessionState::failed);
    EXPECT_EQ(snapshot.error, SessionErrc::ingestUnreachable);
    EXPECT_NE(snapshot.error.detail().find("the media could not reach the ingest at rtmp://127.0.0.1:1935/live: "),
              std::string::npos)
        << snapshot.error.detail();
    EXPECT_NE(snapshot.error.detail().find("check the ingest address"), std::string::npos) << "says what to do";
    EXPECT_EQ(snapshot.error.detail().find("stream-key-secret"), std::string::npos) << "never the stream key";
    EXPECT_TRUE(logged("channel.disconnect"));
    EXPECT_TRUE(logged("ingest.stop " + ingest.endpoint.streamId));
    EXPECT_TRUE(announcer.published.empty()) << "no live event may be left behind";
    EXPECT_TRUE(snapshot.leftovers.empty());
    EXPECT_FALSE(journalRecord());
}

TEST_F(GoLiveControllerTest, AMissingDeviceIsNotBlamedOnTheIngest)
{
    make();
    media.startAnswer = testing::Answer::fail;
    media.startFailure = core::Error{media::MediaErrc::deviceUnavailable, "no microphone 'default'"};
    goLive();
    const SessionSnapshot& snapshot = controller->snapshot();
    ASSERT_EQ(snapshot.state, SessionState::failed);
    EXPECT_EQ(snapshot.failedStep, GoLiveStep::startMedia) << "the step it failed in is kept";
    EXPECT_NE(snapshot.error.detail().find("check the sources and devices"), std::string::npos)
        << snapshot.error.detail();
    EXPECT_EQ(snapshot.error.detail().find("could not reach the ingest"), std::string::npos) << snapshot.error.detail();
    EXPECT_EQ(snapshot.error, SessionErrc::mediaFailed);
    EXPECT_TRUE(logged("ingest.stop 0123456789abcdef0123456789abcdef")) << "what was started is undone";
}

TEST_F(GoLiveControllerTest, AHangingStepTimesOut)
{
    media.startAnswer = Answer::hold;
    make();
    goLive();
    EXPECT_EQ(controller->snapshot().state, SessionState::goingLive);
    scheduler.advance(19s);
    EXPECT_EQ(controller->snapshot().state, SessionState::goingLive);
    scheduler.advance(1s);
    EXPECT_EQ(controller->snapshot().state, SessionState::failed);
    EXPECT_EQ(controller->snapshot().error, SessionErrc::stepTimedOut);
    EXPECT_GE(media.aborts, 1);
    // The answer that comes after the timeout changes nothing.
    media.held.front()({});
    scheduler.drain();
    EXPECT_EQ(controller->snapshot().state, SessionState::failed);
    EXPECT_TRUE(announcer.published.empty());
}

TEST_F(GoLiveControllerTest, AnIngestThatNeverAnswersTimesOutAndIsCancelled)
{
    ingest.prepareAnswer = Answer::hold;
    make();
    goLive();
    scheduler.advance(30s);
    EXPECT_EQ(controller->snapshot().state, SessionState::failed);
    EXPECT_EQ(controller->snapshot().error, SessionErrc::stepTimedOut);
    EXPECT_GE(ingest.cancels, 1);
    ingest.heldPrepares.front()(ingest.endpoint);
    scheduler.drain();
    EXPECT_FALSE(logged("ingest.start"));
}

TEST_F(GoLiveControllerTest, AChannelThatIsDownGoesLiveDegradedAndConnectsLater)
{
    channel.connectAnswer = Answer::fail;
    make();
    goLive();
    const SessionSnapshot& snapshot = controller->snapshot();
    EXPECT_EQ(snapshot.state, SessionState::live);
    EXPECT_TRUE(snapshot.degraded);
    EXPECT_EQ(snapshot.channel.health, PartHealth::degraded);
    EXPECT_NE(snapshot.channel.detail.find("retrying"), std::string::npos);
    EXPECT_TRUE(logged("media.start"));

    channel.connectAnswer = Answer::succeed;
    scheduler.advance(15s);
    EXPECT_EQ(std::count(log.begin(), log.end(), "channel.connect"), 2) << "connected again in the background";
    EXPECT_EQ(controller->snapshot().channel.health, PartHealth::ok);
    EXPECT_FALSE(controller->snapshot().degraded);
}

TEST_F(GoLiveControllerTest, AChannelThatNeverAnswersDoesNotHoldGoLive)
{
    channel.connectAnswer = Answer::hold;
    make();
    goLive();
    scheduler.advance(10s);
    EXPECT_EQ(controller->snapshot().state, SessionState::live);
    EXPECT_TRUE(controller->snapshot().degraded);
}

TEST_F(GoLiveControllerTest, RelaysThatRefuseLeaveTheStreamLiveAndArePublishedToAgain)
{
    goLiveWhileEveryRelayRefuses();
    EXPECT_NE(controller->snapshot().nostr.detail.find("blocked: not allowed"), std::string::npos);
    announcer.relayAccepts.clear();
    scheduler.advance(15s);
    EXPECT_EQ(announcer.published.size(), 2U);
    EXPECT_EQ(controller->snapshot().nostr.health, PartHealth::ok);
    EXPECT_FALSE(controller->snapshot().degraded);
}

TEST_F(GoLiveControllerTest, OneRelayRefusingIsReportedByName)
{
    announcer.relayAccepts = {{"ws://127.0.0.1:7448", false}};
    make();
    goLive();
    EXPECT_EQ(controller->snapshot().nostr.health, PartHealth::degraded);
    EXPECT_NE(controller->snapshot().nostr.detail.find("1 of 2"), std::string::npos);
    EXPECT_NE(controller->snapshot().nostr.detail.find("7448"), std::string::npos);
    ASSERT_EQ(controller->snapshot().relays.size(), 2U);
    EXPECT_TRUE(controller->snapshot().relays[0].accepted);
}

TEST_F(GoLiveControllerTest, TheLiveEventIsPublishedAgainEveryMinute)
{
    make();
    goLive();
    scheduler.advance(59s);
    EXPECT_EQ(announcer.published.size(), 1U);
    scheduler.advance(1s);
    EXPECT_EQ(announcer.published.size(), 2U);
    scheduler.advance(120s);
    EXPECT_EQ(announcer.published.size(), 4U);
    EXPECT_EQ(journalRecord()->lastCreatedAt, announcer.last) << "the journal follows the newest version";
}

TEST_F(GoLiveControllerTest, ViewerCountChangesAreMergedIntoOneVersion)
{
    make();
    goLive();
    for (int viewers : {1, 2, 3, 5}) {
        channel.raise(ChannelEvent{ChannelEvent::Kind::viewerCount, {}, viewers});
        scheduler.advance(1s);
    }
    EXPECT_EQ(controller->snapshot().viewerCount, 5);
    scheduler.advance(1s);
    ASSERT_EQ(announcer.published.size(), 2U);
    EXPECT_EQ(announcer.published.back().currentParticipants, 5U);
}

TEST_F(GoLiveControllerTest, ANewTitleIsPublishedAtOnce)
{
    make();
    goLive();
    controller->setTitle("Town hall, part two");
    scheduler.advance(0s);
    ASSERT_EQ(announcer.published.size(), 2U);
    EXPECT_EQ(announcer.published.back().title, "Town hall, part two");
}

TEST_F(GoLiveControllerTest, MediaReconnectsAreShownWithTheirSchedule)
{
    make();
    goLive();
    media.raise(MediaEvent{MediaEvent::Kind::outputReconnecting, {}, 2, 25, 4000ms});
    scheduler.drain();
    EXPECT_EQ(controller->snapshot().media.detail, "reconnecting in 4 s (attempt 2 of 25)");
    EXPECT_TRUE(controller->snapshot().degraded);
    ASSERT_TRUE(controller->snapshot().reconnect);
    EXPECT_EQ(controller->snapshot().reconnect->attempt, 2);
    EXPECT_EQ(controller->snapshot().reconnect->maxAttempts, 25);
    const auto left = controller->snapshot().reconnect->nextAttemptAt - std::chrono::steady_clock::now();
    EXPECT_GT(left, 3s);
    EXPECT_LE(left, 4s);
    media.raise(MediaEvent{MediaEvent::Kind::outputReconnected, {}, 0, 0, 0ms});
    scheduler.drain();
    EXPECT_EQ(controller->snapshot().media.health, PartHealth::ok);
    EXPECT_FALSE(controller->snapshot().degraded);
    EXPECT_FALSE(controller->snapshot().reconnect);
}

TEST_F(GoLiveControllerTest, RetryNowEndsTheMediasWaitOnlyWhileItWaits)
{
    make();
    goLive();
    controller->retryNow();
    EXPECT_EQ(media.retries, 0) << "nothing waits to reconnect";
    media.raise(MediaEvent{MediaEvent::Kind::outputReconnecting, {}, 3, 25, 20000ms});
    scheduler.drain();
    controller->retryNow();
    EXPECT_EQ(media.retries, 1);
    ASSERT_TRUE(controller->snapshot().reconnect);
    EXPECT_LE(controller->snapshot().reconnect->nextAttemptAt, std::chrono::steady_clock::now());
    EXPECT_EQ(controller->snapshot().media.detail, "reconnecting now (attempt 3 of 25, asked by the host)");
    // The attempt failed: the next wait is announced, and ending clears it.
    media.raise(MediaEvent{MediaEvent::Kind::outputReconnecting, {}, 4, 25, 20000ms});
    scheduler.drain();
    EXPECT_EQ(controller->snapshot().reconnect->attempt, 4);
    controller->end();
    scheduler.drain();
    EXPECT_FALSE(controller->snapshot().reconnect);
    controller->retryNow();
    EXPECT_EQ(media.retries, 1) << "nothing to retry once ended";
}

TEST_F(GoLiveControllerTest, EndRunsTheEndSequenceAndRemovesTheJournal)
{
    make();
    goLive();
    log.clear();
    controller->end();
    scheduler.drain();
    const SessionSnapshot& snapshot = controller->snapshot();
    EXPECT_EQ(snapshot.state, SessionState::ended);
    EXPECT_TRUE(snapshot.leftovers.empty());
    EXPECT_EQ(log.front(), "media.stop");
    EXPECT_TRUE(logged("channel.disconnect"));
    EXPECT_TRUE(logged("ingest.stop " + ingest.endpoint.streamId));
    EXPECT_TRUE(logged("nostr.publish ended"));
    const nostr::LiveActivity& ended = announcer.published.back();
    EXPECT_EQ(ended.status, nostr::LiveStatus::ended);
    EXPECT_TRUE(ended.streamingUrl.empty());
    EXPECT_EQ(ended.endsAtUnixSeconds, scheduler.nowUnixSeconds());
    EXPECT_EQ(ended.recordingUrl, "https://example.invalid/archive.mp4");
    EXPECT_EQ(snapshot.media.health, PartHealth::stopped);
    EXPECT_EQ(snapshot.ingest.health, PartHealth::stopped);
    EXPECT_FALSE(journalRecord());

    log.clear();
    controller->end();
    scheduler.advance(60s);
    EXPECT_TRUE(log.empty()) << "End is idempotent and nothing runs after it";
}

TEST_F(GoLiveControllerTest, EndIsBoundedWhenNoPartAnswers)
{
    make();
    goLive();
    media.stopAnswer = Answer::hold;
    channel.endAnswer = Answer::hold;
    ingest.stopAnswer = Answer::hold;
    announcer.answer = Answer::hold;
    const std::int64_t started = scheduler.nowMs();
    controller->end();
    scheduler.advance(4s);
    EXPECT_GE(media.aborts, 1) << "the flush is cut after endMedia";
    scheduler.advance(3s);
    const SessionSnapshot& snapshot = controller->snapshot();
    EXPECT_EQ(snapshot.state, SessionState::ended);
    EXPECT_LE(scheduler.nowMs() - started, 7000);
    ASSERT_EQ(snapshot.leftovers.size(), 2U);
    EXPECT_TRUE(logged("channel.disconnect"));
    const auto record = journalRecord();
    ASSERT_TRUE(record) << "leftovers keep the journal for a later recovery";
    EXPECT_EQ(record->leftovers, snapshot.leftovers);
    EXPECT_EQ(record->phase, JournalPhase::ending);
}

TEST_F(GoLiveControllerTest, EndWhileGoingLiveUndoesOnlyWhatStarted)
{
    media.startAnswer = Answer::hold;
    make();
    goLive();
    controller->end();
    scheduler.drain();
    EXPECT_EQ(controller->snapshot().state, SessionState::ended);
    EXPECT_TRUE(logged("media.stop"));
    EXPECT_TRUE(logged("ingest.stop " + ingest.endpoint.streamId));
    EXPECT_TRUE(announcer.published.empty()) << "nothing was announced, so no `ended` either";
}

TEST_F(GoLiveControllerTest, LosingTheMediaForGoodEndsTheSessionWithTheReason)
{
    make();
    goLive();
    media.raise(MediaEvent{MediaEvent::Kind::outputFailed,
                           core::Error{std::make_error_code(std::errc::timed_out), "25 attempts"}, 0, 0, 0ms});
    scheduler.drain();
    const SessionSnapshot& snapshot = controller->snapshot();
    EXPECT_EQ(snapshot.state, SessionState::failed);
    EXPECT_EQ(snapshot.error, SessionErrc::mediaFailed);
    EXPECT_NE(snapshot.error.detail().find("25 attempts"), std::string::npos);
    EXPECT_EQ(announcer.published.back().status, nostr::LiveStatus::ended);
    EXPECT_TRUE(logged("ingest.stop " + ingest.endpoint.streamId));
}

TEST_F(GoLiveControllerTest, ARecordingThatFailsLeavesTheStreamLive)
{
    make();
    goLive();
    media.raise(MediaEvent{MediaEvent::Kind::recordingFailed,
                           core::Error{std::make_error_code(std::errc::no_space_on_device), "disk full"}, 0, 0, 0ms});
    scheduler.drain();
    EXPECT_EQ(controller->snapshot().state, SessionState::live);
    EXPECT_EQ(controller->snapshot().recording.health, PartHealth::failed);
    EXPECT_TRUE(controller->snapshot().degraded);
}

TEST_F(GoLiveControllerTest, GoLiveIsRefusedWhileLiveAndForAnInvalidRequest)
{
    make();
    GoLiveRequest noRelays = request();
    noRelays.activity.relays.clear();
    EXPECT_EQ(controller->goLive(noRelays).error(), SessionErrc::invalidRequest);
    goLive();
    EXPECT_EQ(controller->goLive(request()).error(), SessionErrc::alreadyLive);
}

TEST_F(GoLiveControllerTest, AnUnwritableJournalStopsGoLiveBeforeAnythingStarts)
{
    std::filesystem::create_directories(directory);
    journal = std::make_unique<SessionJournal>(directory / "not-a-directory" / "session.json");
    {
        std::ofstream(directory / "not-a-directory") << "x";
    }
    make();
    const core::Status started = controller->goLive(request());
    EXPECT_EQ(started.error(), SessionErrc::journalUnwritable);
    EXPECT_TRUE(log.empty());
}

TEST_F(GoLiveControllerTest, RecoverEndsWhatACrashedSessionLeftBehind)
{
    make();
    goLive();
    const JournalRecord crashed = *journalRecord();
    controller.reset(); // the process is gone; a new one starts
    log.clear();
    announcer.published.clear();
    const std::int64_t lastBeforeCrash = *crashed.lastCreatedAt;
    make();
    ASSERT_TRUE(controller->recover(crashed));
    scheduler.drain();
    EXPECT_EQ(controller->snapshot().state, SessionState::ended);
    EXPECT_EQ(announcer.noted, lastBeforeCrash);
    EXPECT_TRUE(logged("ingest.stop " + crashed.streamId));
    EXPECT_FALSE(logged("media.stop")) << "the media died with the process";
    ASSERT_EQ(announcer.published.size(), 1U);
    const nostr::LiveActivity& ended = announcer.published[0];
    EXPECT_EQ(ended.status, nostr::LiveStatus::ended);
    EXPECT_EQ(ended.identifier, "event-42");
    EXPECT_EQ(ended.title, "Quarterly town hall");
    EXPECT_TRUE(ended.streamingUrl.empty());
    EXPECT_FALSE(journalRecord());
}

// Regression: with every relay unreachable the session ended with its journal kept, recover then
// failed on "the activity has already ended" and kept it again, and no later session could start.
TEST_F(GoLiveControllerTest, WithNoRelayReachableTheSessionIsLiveDegradedAndEndsWithoutLeftovers)
{
    goLiveWhileEveryRelayRefuses();
    EXPECT_FALSE(journalRecord()->liveAccepted);
    controller->end();
    scheduler.drain();
    EXPECT_EQ(controller->snapshot().state, SessionState::ended);
    EXPECT_TRUE(controller->snapshot().leftovers.empty());
    EXPECT_NE(controller->snapshot().nostr.detail.find("no relay had the live event"), std::string::npos)
        << controller->snapshot().nostr.detail;
    EXPECT_FALSE(journalRecord()) << "nothing is left to recover: the next session starts";
}

TEST_F(GoLiveControllerTest, AnEndedThatReachedNoRelayAfterALiveThatDidIsKeptAndRecoverPublishesItAgain)
{
    make();
    goLive();
    ASSERT_TRUE(journalRecord()->liveAccepted);
    refuseEveryRelay();
    controller->end();
    scheduler.drain();
    EXPECT_EQ(controller->snapshot().state, SessionState::ended);
    ASSERT_EQ(controller->snapshot().leftovers.size(), 1U);
    const JournalRecord kept = *journalRecord();
    controller.reset();
    log.clear();
    announcer.published.clear();
    announcer.relayAccepts.clear(); // the relays are back
    make();
    ASSERT_TRUE(controller->recover(kept));
    scheduler.drain();
    EXPECT_EQ(controller->snapshot().state, SessionState::ended);
    ASSERT_EQ(announcer.published.size(), 1U);
    EXPECT_EQ(announcer.published[0].status, nostr::LiveStatus::ended);
    EXPECT_TRUE(controller->snapshot().leftovers.empty());
    EXPECT_FALSE(journalRecord());
}

TEST_F(GoLiveControllerTest, RecoverOfASessionWhoseLiveEventNoRelayTookClearsTheJournal)
{
    refuseEveryRelay();
    make();
    goLive();
    const JournalRecord crashed = *journalRecord();
    ASSERT_TRUE(crashed.livePublished);
    ASSERT_FALSE(crashed.liveAccepted);
    controller.reset();
    make();
    ASSERT_TRUE(controller->recover(crashed));
    scheduler.drain();
    EXPECT_EQ(controller->snapshot().state, SessionState::ended);
    EXPECT_TRUE(controller->snapshot().leftovers.empty());
    EXPECT_FALSE(journalRecord());
}

// --- ingest status while live ------------------------------------------------------------------

TEST_F(GoLiveControllerTest, TheIngestStatusIsPolledWhileLiveAndAStreamThatIsGoneShows)
{
    make();
    goLive();
    EXPECT_EQ(ingest.statusCalls, 0) << "no status check before the first interval";
    scheduler.advance(10s);
    EXPECT_EQ(ingest.statusCalls, 1);
    EXPECT_EQ(controller->snapshot().ingest.health, PartHealth::ok);
    EXPECT_EQ(controller->snapshot().ingest.detail, "cloudinary reports the stream as active");

    ingest.reportedStatus = cloud::IngestStatus{cloud::IngestState::idle, "idle"};
    scheduler.advance(10s);
    EXPECT_EQ(ingest.statusCalls, 2);
    const SessionSnapshot& gone = controller->snapshot();
    EXPECT_EQ(gone.state, SessionState::live) << "the media may still arrive: the stream is not ended for it";
    EXPECT_EQ(gone.ingest.health, PartHealth::degraded);
    EXPECT_NE(gone.ingest.detail.find("reports the stream as idle"), std::string::npos) << gone.ingest.detail;
    EXPECT_NE(gone.ingest.detail.find("checking again in 10 s"), std::string::npos) << gone.ingest.detail;
    EXPECT_TRUE(gone.degraded);

    ingest.reportedStatus = cloud::IngestStatus{cloud::IngestState::ended, "stopped"};
    scheduler.advance(10s);
    EXPECT_NE(controller->snapshot().ingest.detail.find("as stopped"), std::string::npos);

    ingest.reportedStatus = cloud::IngestStatus{cloud::IngestState::live, "active"};
    scheduler.advance(10s);
    EXPECT_EQ(controller->snapshot().ingest.health, PartHealth::ok);
    EXPECT_FALSE(controller->snapshot().degraded);
}

TEST_F(GoLiveControllerTest, TheIngestStatusIntervalIsConfigurable)
{
    SessionTimeouts timeouts;
    timeouts.ingestStatusPoll = 2s;
    make(true, timeouts);
    goLive();
    scheduler.advance(9s);
    EXPECT_EQ(ingest.statusCalls, 4);
}

TEST_F(GoLiveControllerTest, AFailedStatusCheckIsShownAndPollingGoesOn)
{
    ingest.statusAnswer = Answer::fail;
    make();
    goLive();
    scheduler.advance(10s);
    const SessionSnapshot& snapshot = controller->snapshot();
    EXPECT_EQ(snapshot.ingest.health, PartHealth::ok) << "an API hiccup says nothing about the stream";
    EXPECT_NE(snapshot.ingest.detail.find("status check failed: "), std::string::npos) << snapshot.ingest.detail;
    EXPECT_NE(snapshot.ingest.detail.find("503 from the status API"), std::string::npos) << snapshot.ingest.detail;
    EXPECT_FALSE(snapshot.degraded);
    scheduler.advance(10s);
    EXPECT_EQ(ingest.statusCalls, 2);
}

TEST_F(GoLiveControllerTest, AStatusCheckThatHangsTimesOutAndPollingGoesOn)
{
    ingest.statusAnswer = Answer::hold;
    make();
    goLive();
    scheduler.advance(20s);
    EXPECT_EQ(ingest.statusCalls, 1) << "one check at a time";
    EXPECT_NE(controller->snapshot().ingest.detail.find("no answer within 10 s"), std::string::npos)
        << controller->snapshot().ingest.detail;
    scheduler.advance(10s);
    EXPECT_EQ(ingest.statusCalls, 2);
    ingest.heldStatuses.front()(cloud::IngestStatus{cloud::IngestState::idle, "idle"});
    scheduler.drain();
    EXPECT_EQ(controller->snapshot().ingest.health, PartHealth::ok) << "a late answer is dropped";
}

TEST_F(GoLiveControllerTest, AnIngestWithoutStatusKeepsItsState)
{
    ingest.reportedStatus = cloud::IngestStatus{cloud::IngestState::unknown, "an RTMP server reports no status"};
    make();
    goLive();
    const PartStatus before = controller->snapshot().ingest;
    scheduler.advance(30s);
    EXPECT_EQ(ingest.statusCalls, 3);
    EXPECT_EQ(controller->snapshot().ingest, before);
}

TEST_F(GoLiveControllerTest, NoStatusIsAskedAfterEnd)
{
    make();
    goLive();
    scheduler.advance(10s);
    controller->end();
    scheduler.advance(120s);
    EXPECT_EQ(ingest.statusCalls, 1);
    EXPECT_EQ(scheduler.timerCount(), 0U) << "no timer of the session is left";
}

// --- republishing -------------------------------------------------------------------------------

TEST_F(GoLiveControllerTest, TheRepublishIntervalIsConfigurable)
{
    SessionTimeouts timeouts;
    timeouts.republishInterval = 2s;
    make(true, timeouts);
    goLive();
    scheduler.advance(6s);
    EXPECT_EQ(announcer.published.size(), 4U);
}

TEST_F(GoLiveControllerTest, AChangeWhileAPublishIsOutstandingIsPublishedAfterIt)
{
    make();
    goLive();
    announcer.answer = Answer::hold;
    controller->setTitle("New title");
    scheduler.advance(0s);
    ASSERT_EQ(announcer.published.size(), 2U);
    controller->setTitle("Newer title");
    scheduler.advance(0s);
    EXPECT_EQ(announcer.published.size(), 2U) << "one publish at a time";
    announcer.answer = Answer::succeed;
    PublishReport report;
    report.createdAt = 1'700'000'100;
    report.relays = {RelayOutcome{"ws://127.0.0.1:7447", true, ""}, RelayOutcome{"ws://127.0.0.1:7448", true, ""}};
    announcer.held.front()(report);
    scheduler.advance(5s);
    ASSERT_EQ(announcer.published.size(), 3U);
    EXPECT_EQ(announcer.published.back().title, "Newer title");
}

// An announcer that signs each version as RelayAnnouncer does (nostr::LiveActivityPublisher), on a
// clock that does not move: every version must still be newer than the one before.
struct SigningAnnouncer final : AnnouncerPart {
    nostr::SecretKey key =
        nostr::SecretKey::fromHex("0000000000000000000000000000000000000000000000000000000000000003").value();
    nostr::LiveActivityPublisher publisher;
    std::int64_t clock = 1'700'000'000;
    std::vector<nostr::Event> events;

    [[nodiscard]] std::string hostPublicKeyHex() const override { return key.publicKey().value().toHex(); }
    void publish(const nostr::LiveActivity& activity, PublishCallback done) override
    {
        auto event = publisher.signNextVersion(activity, key, clock);
        if (!event) {
            done(event.error());
            return;
        }
        events.push_back(*event);
        PublishReport report;
        report.createdAt = event->createdAtUnixSeconds;
        report.eventId = event->id;
        for (const std::string& relay : activity.relays) {
            report.relays.push_back(RelayOutcome{relay, true, ""});
        }
        done(report);
    }
    [[nodiscard]] std::optional<std::int64_t> lastCreatedAt() const override
    {
        return publisher.lastCreatedAtUnixSeconds();
    }
    void noteLastCreatedAt(std::int64_t createdAt) override { publisher = nostr::LiveActivityPublisher(createdAt); }
};

TEST_F(GoLiveControllerTest, EveryVersionIsNewerThanTheLastEvenWithinOneSecond)
{
    SigningAnnouncer signing;
    SessionTimeouts timeouts;
    timeouts.republishInterval = 1s;
    timeouts.changeRepublishDelay = 100ms;
    make(true, timeouts, &signing);
    goLive();
    controller->setTitle("Renamed");
    scheduler.advance(0s);
    channel.raise(ChannelEvent{ChannelEvent::Kind::viewerCount, {}, 7});
    scheduler.advance(200ms);
    scheduler.advance(2s); // two periodic versions
    controller->end();
    scheduler.drain();
    ASSERT_GE(signing.events.size(), 5U);
    for (std::size_t index = 1; index < signing.events.size(); ++index) {
        EXPECT_GT(signing.events[index].createdAtUnixSeconds, signing.events[index - 1].createdAtUnixSeconds)
            << "version " << index;
    }
    const auto tag = [](const nostr::Event& event, const std::string& name) {
        for (const auto& entry : event.tags) {
            if (!entry.empty() && entry[0] == name && entry.size() > 1) {
                return entry[1];
            }
        }
        return std::string();
    };
    EXPECT_EQ(tag(signing.events[1], "title"), "Renamed");
    EXPECT_EQ(tag(signing.events[2], "current_participants"), "7");
    EXPECT_EQ(tag(signing.events.back(), "status"), "ended");
}

} // namespace
} // namespace hoststudio::session
