// SPDX-License-Identifier: GPL-2.0-or-later
// The notices a session change raises: the seed's three troubleshooting cases on a failed Go Live,
// degradation, relay refusals (once each), reconnects, the recording saved, leftovers after End.
#include "hoststudio/ui/SessionNotices.hpp"
#include "hoststudio/session/SessionError.hpp"
#include "hoststudio/ui/ToastArea.hpp"

#include <QLabel>
#include <QWidget>

#include <gtest/gtest.h>

namespace hoststudio::ui {
namespace {

using session::GoLiveStep;
using session::PartHealth;
using session::SessionSnapshot;
using session::SessionState;

SessionSnapshot failed(const char* why, GoLiveStep step, const char* provider = "cloudinary")
{
    SessionSnapshot snapshot;
    snapshot.failedStep = step;
    snapshot.state = SessionState::failed;
    snapshot.provider = provider;
    snapshot.error = core::Error{std::make_error_code(std::errc::permission_denied), why};
    return snapshot;
}

SessionSnapshot live()
{
    SessionSnapshot snapshot;
    snapshot.state = SessionState::live;
    snapshot.channel.health = PartHealth::ok;
    snapshot.media.health = PartHealth::ok;
    return snapshot;
}

TEST(SessionNotices, AnIngestFailureIsTheSeedsFailedToStartCase)
{
    SessionSnapshot going;
    going.state = SessionState::goingLive;
    const auto notices = noticesFor(going, failed("401 from Cloudinary", GoLiveStep::prepareIngest, ""), "cloudinary");
    ASSERT_EQ(notices.size(), 1U);
    EXPECT_EQ(notices[0].level, NoticeLevel::error);
    EXPECT_TRUE(notices[0].title.startsWith(QStringLiteral("Failed to start the stream")));
    EXPECT_TRUE(notices[0].title.contains(QStringLiteral("401 from Cloudinary")));
    EXPECT_TRUE(notices[0].advice.contains(QStringLiteral("Cloudinary credentials")));
    EXPECT_TRUE(notices[0].advice.contains(QStringLiteral("limits and billing")));
    const auto custom = noticesFor(going, failed("connection refused", GoLiveStep::prepareIngest, "custom"));
    EXPECT_TRUE(custom[0].advice.contains(QStringLiteral("ingest server")));
}

TEST(SessionNotices, ChannelAndMediaFailuresAreTheSeedsOtherTwoCases)
{
    SessionSnapshot going;
    going.state = SessionState::goingLive;
    const auto channel = noticesFor(going, failed("refused", GoLiveStep::connectChannel));
    ASSERT_EQ(channel.size(), 1U);
    EXPECT_TRUE(channel[0].title.startsWith(QStringLiteral("Real-time connection failed")));
    EXPECT_TRUE(channel[0].advice.contains(QStringLiteral("firewall")));
    const auto media = noticesFor(going, failed("no such device", GoLiveStep::startMedia));
    ASSERT_EQ(media.size(), 1U);
    EXPECT_TRUE(media[0].title.startsWith(QStringLiteral("The media stream is not working")));
    EXPECT_TRUE(media[0].advice.contains(QStringLiteral("permissions")));
}

TEST(SessionNotices, AMediaStartThatCannotReachTheIngestIsTheFailedToStartCase)
{
    SessionSnapshot going;
    going.state = SessionState::goingLive;
    for (const auto code : {session::SessionErrc::ingestUnreachable, session::SessionErrc::stepTimedOut}) {
        SessionSnapshot after = failed("", GoLiveStep::startMedia, "custom");
        after.error = core::Error{code, "the media could not reach the ingest at rtmp://127.0.0.1:1/live"};
        const auto notices = noticesFor(going, after);
        ASSERT_EQ(notices.size(), 1U);
        EXPECT_TRUE(notices[0].title.startsWith(QStringLiteral("Failed to start the stream")))
            << notices[0].title.toStdString();
        EXPECT_TRUE(notices[0].advice.contains(QStringLiteral("ingest server"))) << notices[0].advice.toStdString();
        EXPECT_FALSE(notices[0].advice.contains(QStringLiteral("camera")));
    }
}

TEST(SessionNotices, DegradationAndReconnectsAreToldOnceAtTheChange)
{
    SessionSnapshot degraded = live();
    degraded.channel = {PartHealth::degraded, "connection refused; retrying in 15 s"};
    auto notices = noticesFor(live(), degraded);
    ASSERT_EQ(notices.size(), 1U);
    EXPECT_EQ(notices[0].level, NoticeLevel::warning);
    EXPECT_TRUE(notices[0].title.contains(QStringLiteral("retrying in 15 s")));
    EXPECT_TRUE(noticesFor(degraded, degraded).empty()) << "not repeated";

    SessionSnapshot reconnecting = live();
    reconnecting.media = {PartHealth::degraded, "reconnecting in 4 s (attempt 2 of 25)"};
    notices = noticesFor(live(), reconnecting);
    ASSERT_EQ(notices.size(), 1U);
    EXPECT_TRUE(notices[0].title.contains(QStringLiteral("attempt 2 of 25")));
    notices = noticesFor(reconnecting, live());
    ASSERT_EQ(notices.size(), 1U);
    EXPECT_EQ(notices[0].title, QStringLiteral("Reconnected to the ingest"));
}

TEST(SessionNotices, ARelayRefusalIsToldOncePerRelay)
{
    SessionSnapshot refused = live();
    refused.relays = {{"wss://a.example", true, ""}, {"wss://b.example", false, "blocked: not on the allow list"}};
    auto notices = noticesFor(live(), refused);
    ASSERT_EQ(notices.size(), 1U);
    EXPECT_TRUE(notices[0].title.contains(QStringLiteral("wss://b.example")));
    EXPECT_TRUE(notices[0].title.contains(QStringLiteral("blocked: not on the allow list")));
    EXPECT_TRUE(noticesFor(refused, refused).empty());
}

TEST(SessionNotices, TheEndTellsWhereTheRecordingIsAndWhatWasLeft)
{
    SessionSnapshot ended;
    ended.state = SessionState::ended;
    ended.recording = {PartHealth::stopped, "/videos/show.mkv"};
    ended.leftovers = {"the ingest was not stopped (timeout)"};
    const auto notices = noticesFor(live(), ended);
    ASSERT_EQ(notices.size(), 2U);
    EXPECT_EQ(notices[0].title, QStringLiteral("Recording saved: /videos/show.mkv"));
    EXPECT_TRUE(notices[1].title.contains(QStringLiteral("the ingest was not stopped")));
    EXPECT_TRUE(notices[1].advice.contains(QStringLiteral("hoststudio recover")));
}

TEST(ToastArea, ShowsMarkupAsTextAndKeepsAtMostFour)
{
    QWidget host;
    host.resize(800, 600);
    ToastArea area(&host);
    area.show({NoticeLevel::warning, QStringLiteral("<b>bold</b> <img src=x>"), QStringLiteral("<i>advice</i>")});
    ASSERT_EQ(area.toasts().size(), 1);
    auto* title = area.toasts().at(0)->findChild<QLabel*>(QStringLiteral("toastTitle"));
    ASSERT_NE(title, nullptr);
    EXPECT_EQ(title->textFormat(), Qt::PlainText);
    EXPECT_EQ(title->text(), QStringLiteral("<b>bold</b> <img src=x>"));
    for (int index = 0; index < 5; ++index) {
        area.show({NoticeLevel::error, QStringLiteral("error %1").arg(index), {}});
    }
    const QList<QWidget*> shown = area.toasts();
    ASSERT_EQ(shown.size(), 4);
    EXPECT_EQ(shown.back()->findChild<QLabel*>(QStringLiteral("toastTitle"))->text(), QStringLiteral("error 4"));
}

} // namespace
} // namespace hoststudio::ui
