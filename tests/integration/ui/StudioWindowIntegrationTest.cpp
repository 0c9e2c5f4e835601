// SPDX-License-Identifier: GPL-2.0-or-later
// The studio window on the local stack (nginx-rtmp, relay, backend), as a host uses it: type a
// title, pick the test pattern and the microphone (PulseAudio's 440 Hz sine source, started by
// window_test.sh), click Go Live, watch every step turn done and the meter move, the stream
// arrives and plays from the shown HLS URL (ffprobe), the URL copied to the clipboard reads back
// the same, the relay holds the live event (nostr-tools); a viewer's NIP-53 chat message shows in
// the dock and the host's reply from it is a verified 1311 on the relay; End, confirmed, turns the
// event `ended`. Go Live against an ingest nobody listens on: the step that failed, the reason
// and what to check, nothing left on the relay. The stream lost while live (a proxy between the
// studio and nginx goes down): the countdown to the next attempt shows, and once the proxy is back
// Retry now reconnects at once instead of waiting the attempt out. Runs under the X server of
// DISPLAY (Xvfb in scripts/dev test).
#include "../../ui/ToastText.hpp"
#include "LoopbackPort.hpp"
#include "hoststudio/app/WindowSession.hpp"
#include "hoststudio/core/Settings.hpp"
#include "hoststudio/nostr/Keys.hpp"
#include "hoststudio/ui/MainWindow.hpp"
#include "hoststudio/ui/StatusBadge.hpp"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QProcess>
#include <QProgressBar>
#include <QPushButton>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QToolButton>
#include <QUrl>

#include <gtest/gtest.h>

#include <cstdlib>
#include <optional>

namespace hoststudio {
namespace {

QString environment(const char* name)
{
    return QString::fromLocal8Bit(qgetenv(name));
}

// node query-activity.mjs RELAY AUTHOR D → the newest 30311 and whether nostr-tools verifies it;
// nullopt when the relay answered that it has none.
std::optional<QJsonObject> findActivity(const QString& relay, const QString& author, const QString& identifier)
{
    QProcess node;
    node.start(QStringLiteral(HOSTSTUDIO_NODE_EXECUTABLE),
               {QStringLiteral(HOSTSTUDIO_QUERY_ACTIVITY_SCRIPT), relay, author, identifier});
    const bool finished = node.waitForFinished(20000);
    const QString errors = QString::fromUtf8(node.readAllStandardError());
    if (finished && node.exitCode() == 1 && errors.contains(QStringLiteral("has no such activity"))) {
        return std::nullopt;
    }
    if (!finished || node.exitCode() != 0) {
        ADD_FAILURE() << "query-activity failed: " << errors.toStdString();
        return QJsonObject{};
    }
    return QJsonDocument::fromJson(node.readAllStandardOutput()).object();
}

QJsonObject queryActivity(const QString& relay, const QString& author, const QString& identifier)
{
    auto found = findActivity(relay, author, identifier);
    if (!found) {
        ADD_FAILURE() << "the relay has no activity " << identifier.toStdString();
        return {};
    }
    return *found;
}

// node chathub-viewer.mjs ARGS…: exit status 0 when the viewer did what it was asked.
bool viewer(const QStringList& arguments, QString* output = nullptr)
{
    QProcess node;
    node.start(QStringLiteral(HOSTSTUDIO_NODE_EXECUTABLE),
               QStringList{QStringLiteral(HOSTSTUDIO_CHAT_VIEWER_SCRIPT)} + arguments);
    const bool finished = node.waitForFinished(20000);
    const QString text = QString::fromUtf8(node.readAllStandardOutput() + node.readAllStandardError());
    if (output != nullptr) {
        *output = text;
    }
    return finished && node.exitStatus() == QProcess::NormalExit && node.exitCode() == 0;
}

QString tagValue(const QJsonObject& event, const QString& name)
{
    for (const auto& tag : event.value(QStringLiteral("tags")).toArray()) {
        const auto entries = tag.toArray();
        if (entries.size() >= 2 && entries.at(0).toString() == name) {
            return entries.at(1).toString();
        }
    }
    return {};
}

class StudioWindowIntegrationTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        const QString stackDir = environment("HOSTSTUDIO_STACK_DIR");
        ASSERT_FALSE(stackDir.isEmpty()) << "run under the ctest fixture `stack`";
        const QString stackConfig = QDir(stackDir).filePath(QStringLiteral("hoststudio.ini"));
        ASSERT_TRUE(QFile::exists(stackConfig)) << stackConfig.toStdString();
        ASSERT_TRUE(work_.isValid());
        const QString config = work_.filePath(QStringLiteral("hoststudio.ini"));
        ASSERT_TRUE(QFile::copy(stackConfig, config));
        QFile::setPermissions(config, QFile::ReadOwner | QFile::WriteOwner);
        // Private state: the crash journal, the key, the secrets of this test only.
        qputenv("XDG_STATE_HOME", work_.filePath(QStringLiteral("state")).toLocal8Bit());
        qputenv("XDG_CONFIG_HOME", work_.filePath(QStringLiteral("config")).toLocal8Bit());
        qputenv("XDG_DATA_HOME", work_.filePath(QStringLiteral("data")).toLocal8Bit());
        auto key = nostr::SecretKey::generate();
        ASSERT_TRUE(key.ok());
        hostHex_ = QString::fromStdString(key->publicKey().value().toHex());
        qputenv("HOSTSTUDIO_NOSTR_KEY", QByteArray::fromStdString(std::string(key->toHex().view())));

        auto opened = core::Settings::openFile(config);
        ASSERT_TRUE(opened.ok()) << opened.error().describe();
        settings_ = std::make_unique<core::Settings>(std::move(*opened));
        ASSERT_TRUE(settings_->set(core::setting::ingestProvider, QStringLiteral("custom")).ok());
        ASSERT_TRUE(settings_->set(core::setting::confirmEndStream, true).ok());
        ASSERT_TRUE(settings_->sync().ok());
        relay_ = settings_->textList(core::setting::nostrRelays).value(0);
        ASSERT_FALSE(relay_.isEmpty());

        window_ = std::make_unique<ui::MainWindow>(*settings_, app::makeWindowSessionFactory(*settings_));
        window_->show();
        ASSERT_TRUE(QTest::qWaitForWindowExposed(window_.get()));
    }

    void TearDown() override
    {
        window_.reset();
        qunsetenv("HOSTSTUDIO_NOSTR_KEY");
    }

    template <typename T> T* child(const char* objectName)
    {
        T* found = window_->findChild<T*>(QLatin1String(objectName));
        EXPECT_NE(found, nullptr) << "no " << objectName;
        return found;
    }

    QTemporaryDir work_;
    std::unique_ptr<core::Settings> settings_;
    std::unique_ptr<ui::MainWindow> window_;
    QString hostHex_;
    QString relay_;
};

TEST_F(StudioWindowIntegrationTest, GoLiveFromTheWindowStreamsAnnouncesAndEnds)
{
    QTest::keyClicks(child<QLineEdit>("eventTitleInput"), QStringLiteral("Window town hall"));
    auto* mainSource = child<QComboBox>("screenPicker");
    mainSource->setCurrentIndex(mainSource->findData(QStringLiteral("testpattern")));
    auto* microphone = child<QComboBox>("microphonePicker");
    const int defaultMicrophone = microphone->findData(QStringLiteral("default"));
    ASSERT_GE(defaultMicrophone, 0) << "no microphone listed (window_test.sh starts PulseAudio's sine source)";
    microphone->setCurrentIndex(defaultMicrophone);
    auto* button = child<QPushButton>("goLiveButton");
    ASSERT_TRUE(button->isEnabled());
    QTest::mouseClick(button, Qt::LeftButton);
    ASSERT_TRUE(QTest::qWaitFor([&] { return button->text() == QStringLiteral("End Stream"); }, 40000))
        << "not live: " << window_->statusBar()->currentMessage().toStdString();

    auto* steps = child<QListWidget>("goLiveSteps");
    for (int index = 0; index < steps->count(); ++index) {
        EXPECT_EQ(steps->item(index)->data(Qt::UserRole).toString(), QStringLiteral("done"))
            << steps->item(index)->text().toStdString();
    }
    EXPECT_EQ(child<ui::StatusBadge>("ingestBadge")->state(), ui::BadgeState::healthy);
    // The relay's answer to the live event may come just after the stream is live.
    auto* relayBadge = child<ui::StatusBadge>("relayBadge0");
    EXPECT_TRUE(QTest::qWaitFor([&] { return relayBadge->state() == ui::BadgeState::healthy; }, 10000))
        << relayBadge->toolTip().toStdString();

    // The microphone's tone moves the meter.
    auto* meter = child<QProgressBar>("micLevel");
    EXPECT_TRUE(QTest::qWaitFor([&] { return meter->value() > 20; }, 10000)) << "meter at " << meter->value();

    // The stream plays from the URL the window shows.
    const QString playback = child<QLineEdit>("playbackField")->text();
    ASSERT_TRUE(playback.startsWith(QStringLiteral("http://127.0.0.1:"))) << playback.toStdString();
    bool plays = false;
    QString probeOutput;
    for (int attempt = 0; attempt < 40 && !plays; ++attempt) {
        QProcess probe;
        probe.start(QStringLiteral("ffprobe"),
                    {QStringLiteral("-v"), QStringLiteral("error"), QStringLiteral("-show_entries"),
                     QStringLiteral("stream=codec_name"), QStringLiteral("-of"), QStringLiteral("csv=p=0"), playback});
        probe.waitForFinished(15000);
        probeOutput = QString::fromUtf8(probe.readAllStandardOutput() + probe.readAllStandardError());
        plays = probe.exitCode() == 0 && probeOutput.contains(QStringLiteral("h264"));
        if (!plays) {
            QTest::qWait(500);
        }
    }
    EXPECT_TRUE(plays) << playback.toStdString() << ": " << probeOutput.toStdString();

    // Copy, then read it back from the clipboard.
    QApplication::clipboard()->setText(QStringLiteral("before"));
    QTest::mouseClick(child<QToolButton>("copyPlaybackButton"), Qt::LeftButton);
    EXPECT_EQ(QApplication::clipboard()->text(), playback);

    // The relay holds the live event with that URL.
    const QString identifier = QString::fromStdString(window_->eventId());
    QJsonObject live = queryActivity(relay_, hostHex_, identifier);
    EXPECT_TRUE(live.value(QStringLiteral("valid")).toBool());
    const QJsonObject liveEvent = live.value(QStringLiteral("event")).toObject();
    EXPECT_EQ(tagValue(liveEvent, QStringLiteral("status")), QStringLiteral("live"));
    EXPECT_EQ(tagValue(liveEvent, QStringLiteral("streaming")), playback);
    EXPECT_EQ(tagValue(liveEvent, QStringLiteral("title")), QStringLiteral("Window town hall"));

    // A viewer's chat message shows in the dock; the host's reply is a verified 1311 with the a tag.
    const QString aTag = QStringLiteral("30311:%1:%2").arg(hostHex_, identifier);
    QString said;
    ASSERT_TRUE(viewer(
        {QStringLiteral("nostr-say"), relay_, aTag, QStringLiteral("hello window"), QStringLiteral("Window Viewer")},
        &said))
        << said.toStdString();
    auto* timeline = child<QListWidget>("chatTimeline");
    const auto shows = [&](const QString& text) {
        for (int row = 0; row < timeline->count(); ++row) {
            if (timeline->item(row)->text().contains(text)) {
                return true;
            }
        }
        return false;
    };
    EXPECT_TRUE(QTest::qWaitFor([&] { return shows(QStringLiteral("hello window")); }, 15000));
    EXPECT_TRUE(QTest::qWaitFor([&] { return shows(QStringLiteral("Window Viewer")); }, 15000))
        << "the author is named by the viewer's profile";
    auto* chatInput = child<QLineEdit>("chatInput");
    ASSERT_TRUE(chatInput->isEnabled());
    QTest::keyClicks(chatInput, QStringLiteral("thanks from the window"));
    QTest::keyClick(chatInput, Qt::Key_Return);
    EXPECT_TRUE(QTest::qWaitFor([&] { return shows(QStringLiteral("✓")); }, 15000)) << "the reply's delivery";
    QString verified;
    EXPECT_TRUE(viewer(
        {QStringLiteral("nostr-verify"), relay_, aTag, hostHex_, QStringLiteral("thanks from the window")}, &verified))
        << verified.toStdString();

    const QByteArray screenshotDir = qgetenv("HOSTSTUDIO_SCREENSHOT_DIR");
    if (!screenshotDir.isEmpty()) {
        QDir().mkpath(QString::fromLocal8Bit(screenshotDir));
        QTest::qWait(1200); // the health line's first refresh
        window_->grab().save(QDir(QString::fromLocal8Bit(screenshotDir)).filePath(QStringLiteral("live-window.png")));
    }

    // End Stream, confirmed: the event turns `ended`.
    QTimer::singleShot(200, [] {
        auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
        if (box != nullptr) {
            box->button(QMessageBox::Yes)->click();
        }
    });
    QTest::mouseClick(button, Qt::LeftButton);
    ASSERT_TRUE(QTest::qWaitFor([&] { return button->text() == QStringLiteral("Go Live"); }, 15000))
        << window_->statusBar()->currentMessage().toStdString();
    EXPECT_TRUE(window_->statusBar()->currentMessage().contains(QStringLiteral("ended cleanly")))
        << window_->statusBar()->currentMessage().toStdString();
    const QJsonObject ended = queryActivity(relay_, hostHex_, identifier).value(QStringLiteral("event")).toObject();
    EXPECT_EQ(tagValue(ended, QStringLiteral("status")), QStringLiteral("ended"));
    EXPECT_TRUE(tagValue(ended, QStringLiteral("streaming")).isEmpty());

    // "My events" finds it on the relay, ended, ready to be continued.
    window_->setHostEventsLister(app::makeHostEventsLister(*settings_));
    QTest::mouseClick(child<QToolButton>("refreshEventsButton"), Qt::LeftButton);
    auto* picker = child<QComboBox>("myEventsPicker");
    ASSERT_TRUE(QTest::qWaitFor([&] { return picker->count() > 0; }, 15000))
        << child<QLabel>("eventStatus")->text().toStdString();
    EXPECT_EQ(picker->itemText(0), QStringLiteral("Window town hall (ended)"));
}

TEST_F(StudioWindowIntegrationTest, AnUnreachableIngestFailsItsStepAndSaysWhatToCheck)
{
    // An RTMP server address nobody listens on (a free port, taken and released).
    const std::uint16_t closed = hoststudio::testing::unusedLoopbackPort();
    ASSERT_NE(closed, 0);
    const QString ingest = QStringLiteral("rtmp://127.0.0.1:%1/live").arg(closed);
    ASSERT_TRUE(settings_->set(core::setting::ingestRtmpUrl, ingest).ok());
    ASSERT_TRUE(
        settings_->set(core::setting::ingestHlsBaseUrl, QStringLiteral("http://127.0.0.1:%1/hls").arg(closed)).ok());
    ASSERT_TRUE(settings_->sync().ok());

    QTest::keyClicks(child<QLineEdit>("eventTitleInput"), QStringLiteral("Nobody listens"));
    auto* mainSource = child<QComboBox>("screenPicker");
    mainSource->setCurrentIndex(mainSource->findData(QStringLiteral("testpattern")));
    auto* button = child<QPushButton>("goLiveButton");
    QElapsedTimer took;
    took.start();
    QTest::mouseClick(button, Qt::LeftButton);
    auto* steps = child<QListWidget>("goLiveSteps");
    ASSERT_TRUE(QTest::qWaitFor(
        [&] { return steps->item(3)->data(Qt::UserRole).toString() == QStringLiteral("failed"); }, 40000))
        << steps->item(3)->text().toStdString() << " / " << window_->statusBar()->currentMessage().toStdString();
    EXPECT_LT(took.elapsed(), 25000) << "a refused connection is not waited out";

    // The step list: the ingest was prepared and announced, the media step failed with the reason.
    for (int index = 0; index < 3; ++index) {
        EXPECT_EQ(steps->item(index)->data(Qt::UserRole).toString(), QStringLiteral("done"))
            << steps->item(index)->text().toStdString();
    }
    const QString failedStep = steps->item(3)->text();
    EXPECT_TRUE(failedStep.startsWith(QStringLiteral("✗"))) << failedStep.toStdString();
    EXPECT_TRUE(failedStep.contains(QStringLiteral("127.0.0.1:%1").arg(closed))) << failedStep.toStdString();
    EXPECT_TRUE(failedStep.contains(QStringLiteral("check the ingest address"))) << failedStep.toStdString();
    for (int index = 4; index < steps->count(); ++index) {
        EXPECT_EQ(steps->item(index)->data(Qt::UserRole).toString(), QStringLiteral("waiting"));
    }

    // The toast: the seed's "failed to start the stream", pointing at the ingest server, not the devices.
    const QString title = ui::newestToastText(*window_, "toastTitle");
    const QString advice = ui::newestToastText(*window_, "toastAdvice");
    EXPECT_TRUE(title.startsWith(QStringLiteral("Failed to start the stream"))) << title.toStdString();
    EXPECT_TRUE(advice.contains(QStringLiteral("ingest server"))) << advice.toStdString();
    EXPECT_FALSE(advice.contains(QStringLiteral("camera"))) << advice.toStdString();
    EXPECT_EQ(child<ui::StatusBadge>("ingestBadge")->state(), ui::BadgeState::idle) << "the ingest was undone";

    // Ready to try again; nothing announced on the relay.
    ASSERT_TRUE(
        QTest::qWaitFor([&] { return button->text() == QStringLiteral("Go Live") && button->isEnabled(); }, 5000));
    EXPECT_TRUE(child<QLineEdit>("eventTitleInput")->isEnabled());
    const auto announced = findActivity(relay_, hostHex_, QString::fromStdString(window_->eventId()));
    EXPECT_FALSE(announced.has_value()) << "a live event was left on the relay";
}

TEST_F(StudioWindowIntegrationTest, WhileTheStreamIsLostRetryNowReconnectsAtOnce)
{
    // The stack's nginx behind a proxy this test takes down and brings back (tcp_proxy.mjs).
    const QUrl ingest(settings_->text(core::setting::ingestRtmpUrl));
    ASSERT_GT(ingest.port(), 0) << ingest.toString().toStdString();
    QProcess proxy;
    proxy.setProcessChannelMode(QProcess::MergedChannels);
    proxy.start(QStringLiteral(HOSTSTUDIO_NODE_EXECUTABLE),
                {QStringLiteral(HOSTSTUDIO_TCP_PROXY_SCRIPT), QStringLiteral("0"), QString::number(ingest.port())});
    ASSERT_TRUE(proxy.waitForStarted(10000));
    QString said;
    ASSERT_TRUE(QTest::qWaitFor(
        [&] {
            said += QString::fromUtf8(proxy.readAll());
            return said.contains(QStringLiteral("ready "));
        },
        10000))
        << said.toStdString();
    const QString proxyPort = said.section(QStringLiteral("ready "), 1).section(QLatin1Char('\n'), 0, 0).trimmed();
    const auto command = [&proxy](const char* line) {
        proxy.write(line);
        proxy.write("\n");
        proxy.waitForBytesWritten(2000);
    };
    QUrl proxied = ingest;
    proxied.setPort(proxyPort.toInt());
    ASSERT_TRUE(settings_->set(core::setting::ingestRtmpUrl, proxied.toString()).ok());
    // A long first wait, so that only Retry now can bring the stream back within the test.
    ASSERT_TRUE(settings_->set(core::setting::reconnectInitialDelayMs, 60000).ok());
    ASSERT_TRUE(settings_->set(core::setting::reconnectMaxDelayMs, 60000).ok());
    ASSERT_TRUE(settings_->sync().ok());

    QTest::keyClicks(child<QLineEdit>("eventTitleInput"), QStringLiteral("Flaky link"));
    auto* mainSource = child<QComboBox>("screenPicker");
    mainSource->setCurrentIndex(mainSource->findData(QStringLiteral("testpattern")));
    auto* button = child<QPushButton>("goLiveButton");
    QTest::mouseClick(button, Qt::LeftButton);
    ASSERT_TRUE(QTest::qWaitFor([&] { return button->text() == QStringLiteral("End Stream"); }, 40000))
        << "not live: " << window_->statusBar()->currentMessage().toStdString();

    auto* countdown = child<QLabel>("reconnectCountdown");
    auto* retry = child<QPushButton>("retryNowButton");
    EXPECT_FALSE(retry->isVisible());
    command("down");
    ASSERT_TRUE(QTest::qWaitFor([&] { return retry->isVisible() && retry->isEnabled(); }, 20000))
        << "no reconnect countdown after the ingest went away";
    EXPECT_TRUE(countdown->text().contains(QStringLiteral("reconnecting in"))) << countdown->text().toStdString();
    EXPECT_TRUE(countdown->text().contains(QStringLiteral("attempt 1 of"))) << countdown->text().toStdString();
    EXPECT_EQ(button->text(), QStringLiteral("End Stream")) << "the session stays live while it reconnects";

    command("up");
    QElapsedTimer took;
    took.start();
    QTest::mouseClick(retry, Qt::LeftButton);
    ASSERT_TRUE(QTest::qWaitFor([&] { return !countdown->isVisible(); }, 15000))
        << "not reconnected after Retry now: " << countdown->text().toStdString();
    EXPECT_LT(took.elapsed(), 15000) << "reconnected by the click, not by the 60 s wait";
    EXPECT_EQ(button->text(), QStringLiteral("End Stream"));
    // A toast added while others show appears with the next turn of the event loop.
    EXPECT_TRUE(QTest::qWaitFor(
        [&] { return ui::newestToastText(*window_, "toastTitle") == QStringLiteral("Reconnected to the ingest"); },
        3000))
        << ui::newestToastText(*window_, "toastTitle").toStdString();

    QTimer::singleShot(200, [] { // End, confirmed
        if (auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget()); box != nullptr) {
            box->button(QMessageBox::Yes)->click();
        }
    });
    QTest::mouseClick(button, Qt::LeftButton);
    EXPECT_TRUE(QTest::qWaitFor([&] { return button->text() == QStringLiteral("Go Live"); }, 15000));
    proxy.closeWriteChannel();
    proxy.terminate();
    proxy.waitForFinished(5000);
}

} // namespace
} // namespace hoststudio

int main(int argc, char** argv)
{
    if (std::getenv("DISPLAY") == nullptr && std::getenv("QT_QPA_PLATFORM") == nullptr) {
        qputenv("QT_QPA_PLATFORM", "offscreen");
    }
    testing::InitGoogleTest(&argc, argv);
    QApplication application(argc, argv);
    return RUN_ALL_TESTS();
}
