// SPDX-License-Identifier: GPL-2.0-or-later
// The window driving a Go Live controller over test parts (on virtual time): the button, the step
// list, the badges, the URLs, End with and without confirmation, and failures shown with their reason.
#include "../unit/session/SessionTestParts.hpp"
#include "ToastText.hpp"

#include "hoststudio/core/SecretStore.hpp"
#include "hoststudio/core/Settings.hpp"
#include "hoststudio/media/MediaError.hpp"
#include "hoststudio/nostr/Nip19.hpp"
#include "hoststudio/session/GoLiveController.hpp"
#include "hoststudio/session/SessionError.hpp"
#include "hoststudio/session/SessionJournal.hpp"
#include "hoststudio/ui/FirstKeyDialog.hpp"
#include "hoststudio/ui/MainWindow.hpp"
#include "hoststudio/ui/StatusBadge.hpp"
#include "hoststudio/ui/ToastArea.hpp"
#include "hoststudio/ui/UrlsPanel.hpp"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QToolButton>

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace hoststudio::ui {
namespace {

using namespace std::chrono_literals;

const std::vector<std::string> kRelays{"ws://127.0.0.1:7447", "ws://127.0.0.1:7448"};

// A session whose parts are test doubles and whose time is virtual: the test advances it.
class FakeStudioSession final : public StudioSession {
public:
    explicit FakeStudioSession(const std::function<void(FakeStudioSession&)>& configure)
    {
        configure(*this);
        controller_ = std::make_unique<session::GoLiveController>(
            session::GoLiveController::Parts{ingest, media, announcer, nullptr}, scheduler, nullptr);
    }
    session::GoLiveController& controller() override { return *controller_; }
    [[nodiscard]] std::string providerName() const override { return ingest.name(); }
    [[nodiscard]] std::vector<std::string> relays() const override { return kRelays; }
    void setMicrophoneMuted(bool muted) override { mutes.push_back(muted); }
    std::vector<bool> mutes;
    std::optional<media::LiveStats> sampleStats() override
    {
        media::LiveStats stats;
        stats.fps = 30.0;
        stats.framesSkipped = 2;
        stats.cpuPercent = 41.0;
        media::OutputStats output;
        output.bitrateKbps = 2496.0;
        output.droppedFrames = 3;
        stats.outputs.push_back(output);
        return stats;
    }

    session::testing::VirtualScheduler scheduler;
    session::testing::CallLog log;
    session::testing::FakeIngest ingest{log};
    session::testing::FakeMedia media{log};
    session::testing::FakeAnnouncer announcer{log};

private:
    std::unique_ptr<session::GoLiveController> controller_;
};

class GoLiveWindowTest : public testing::Test {
protected:
    void open(bool confirmEnd = false)
    {
        settings_ = std::make_unique<core::Settings>(
            core::Settings::atPath(directory_.filePath(QStringLiteral("hoststudio.ini"))));
        core::Settings& settings = *settings_;
        ASSERT_TRUE(settings
                        .set(core::setting::nostrRelays,
                             QStringList{QString::fromStdString(kRelays[0]), QString::fromStdString(kRelays[1])})
                        .ok());
        ASSERT_TRUE(settings.set(core::setting::confirmEndStream, confirmEnd).ok());
        ASSERT_TRUE(settings.sync().ok());
        window_ = std::make_unique<MainWindow>(settings,
                                               [this](const StudioSessionRequest& request,
                                                      QString& notes) -> core::Result<std::unique_ptr<StudioSession>> {
                                                   requests_.push_back(request);
                                                   if (factoryError_) {
                                                       return *factoryError_;
                                                   }
                                                   notes = QStringLiteral("using the local stand-in's test account");
                                                   auto created = std::make_unique<FakeStudioSession>(configure_);
                                                   session_ = created.get();
                                                   return std::unique_ptr<StudioSession>(std::move(created));
                                               });
        window_->show();
        ASSERT_TRUE(QTest::qWaitForWindowExposed(window_.get()));
    }

    template <typename T> T* child(const char* objectName)
    {
        T* found = window_->findChild<T*>(QLatin1String(objectName));
        EXPECT_NE(found, nullptr) << "no " << objectName;
        return found;
    }
    QPushButton* button() { return child<QPushButton>("goLiveButton"); }
    // The text of one label ("toastTitle", "toastAdvice") of the newest toast; empty without a toast.
    QString lastToast(const char* label) { return newestToastText(*window_, label); }
    QString step(int index) { return child<QListWidget>("goLiveSteps")->item(index)->text(); }
    QString stepState(int index)
    {
        return child<QListWidget>("goLiveSteps")->item(index)->data(Qt::UserRole).toString();
    }
    void typeTitle(const QString& title) { QTest::keyClicks(child<QLineEdit>("eventTitleInput"), title); }
    void clickGoLive()
    {
        QTest::mouseClick(button(), Qt::LeftButton);
        if (session_ != nullptr) {
            session_->scheduler.drain();
        }
    }
    // Answers the next modal message box with `which` once it is shown.
    static void answerNextMessageBox(QMessageBox::StandardButton which)
    {
        QTimer::singleShot(0, [which] {
            auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
            ASSERT_NE(box, nullptr) << "no message box is shown";
            box->button(which)->click();
        });
    }

    QTemporaryDir directory_;
    std::unique_ptr<core::Settings> settings_;
    std::unique_ptr<MainWindow> window_;
    std::function<void(FakeStudioSession&)> configure_ = [](FakeStudioSession&) {};
    std::optional<core::Error> factoryError_;
    FakeStudioSession* session_ = nullptr;
    std::vector<StudioSessionRequest> requests_;
};

TEST_F(GoLiveWindowTest, GoLiveWaitsForATitle)
{
    open();
    EXPECT_FALSE(button()->isEnabled());
    typeTitle(QStringLiteral("Quarterly town hall"));
    EXPECT_TRUE(button()->isEnabled());
    EXPECT_EQ(child<QLabel>("eventTitle")->text(), QStringLiteral("Quarterly town hall"));
    child<QLineEdit>("eventTitleInput")->clear();
    EXPECT_FALSE(button()->isEnabled());
}

TEST_F(GoLiveWindowTest, OneClickRunsEveryStepAndShowsTheUrls)
{
    open();
    typeTitle(QStringLiteral("Quarterly town hall"));
    clickGoLive();
    ASSERT_NE(session_, nullptr);
    ASSERT_EQ(requests_.size(), 1U);
    EXPECT_FALSE(requests_[0].eventId.empty());
    EXPECT_EQ(session_->controller().snapshot().state, session::SessionState::live);
    for (int index = 0; index < 6; ++index) {
        EXPECT_EQ(stepState(index), QStringLiteral("done")) << step(index).toStdString();
        EXPECT_TRUE(step(index).startsWith(QStringLiteral("✓"))) << step(index).toStdString();
    }
    EXPECT_EQ(button()->text(), QStringLiteral("End Stream"));
    EXPECT_EQ(child<StatusBadge>("ingestBadge")->state(), BadgeState::healthy);
    EXPECT_EQ(child<StatusBadge>("relayBadge0")->state(), BadgeState::healthy);
    EXPECT_EQ(child<StatusBadge>("relayBadge1")->state(), BadgeState::healthy);
    EXPECT_FALSE(child<QLineEdit>("eventTitleInput")->isEnabled());

    // The playback URL is shown and copied as it is.
    EXPECT_EQ(child<QLineEdit>("playbackField")->text(),
              QString::fromStdString(*session_->ingest.endpoint.hlsPlaybackUrl));
    QApplication::clipboard()->setText(QStringLiteral("before"));
    QTest::mouseClick(child<QToolButton>("copyPlaybackButton"), Qt::LeftButton);
    EXPECT_EQ(QApplication::clipboard()->text(), QString::fromStdString(*session_->ingest.endpoint.hlsPlaybackUrl));
    EXPECT_TRUE(window_->statusBar()->currentMessage().contains(QStringLiteral("copied")));

    // The naddr shown names this host's event.
    const QString naddr = child<QLineEdit>("naddrField")->text();
    auto decoded = nostr::decodeNip19(naddr.toStdString());
    ASSERT_TRUE(decoded.ok()) << naddr.toStdString();
    const auto& address = std::get<nostr::NaddrEntity>(*decoded);
    EXPECT_EQ(address.identifier, requests_[0].eventId);
    EXPECT_EQ(address.kind, 30311U);

    // The ingest server is shown and copied; the stream key stays hidden until revealed.
    EXPECT_EQ(child<QLineEdit>("ingestField")->text(), QString::fromStdString(session_->ingest.endpoint.ingestUrl));
    QTest::mouseClick(child<QToolButton>("copyIngestButton"), Qt::LeftButton);
    EXPECT_EQ(QApplication::clipboard()->text(), QString::fromStdString(session_->ingest.endpoint.ingestUrl));
    auto* key = child<QLineEdit>("streamKeyField");
    EXPECT_EQ(key->text(), QString::fromStdString(session_->ingest.endpoint.streamKey));
    EXPECT_EQ(key->echoMode(), QLineEdit::Password);
    auto* reveal = child<QAbstractButton>("revealStreamKeyButton");
    ASSERT_TRUE(reveal->isEnabled());
    QTest::mouseClick(reveal, Qt::LeftButton);
    EXPECT_EQ(key->echoMode(), QLineEdit::Normal);
    QTest::mouseClick(reveal, Qt::LeftButton);
    EXPECT_EQ(key->echoMode(), QLineEdit::Password);
}

TEST_F(GoLiveWindowTest, TheReconnectCountdownShowsAndRetryNowEndsTheWait)
{
    open();
    typeTitle(QStringLiteral("Flaky link"));
    clickGoLive();
    ASSERT_NE(session_, nullptr);
    auto* countdown = child<QLabel>("reconnectCountdown");
    auto* retry = child<QPushButton>("retryNowButton");
    EXPECT_FALSE(countdown->isVisible());
    EXPECT_FALSE(retry->isVisible());

    session_->media.raise(session::MediaEvent{session::MediaEvent::Kind::outputReconnecting, {}, 2, 25, 30000ms});
    session_->scheduler.drain();
    ASSERT_TRUE(countdown->isVisible());
    ASSERT_TRUE(retry->isVisible());
    EXPECT_TRUE(countdown->text().contains(QStringLiteral("reconnecting in 30 s (attempt 2 of 25)")) ||
                countdown->text().contains(QStringLiteral("reconnecting in 29 s (attempt 2 of 25)")))
        << countdown->text().toStdString();
    // The countdown runs with the window's once-a-second refresh.
    EXPECT_TRUE(QTest::qWaitFor(
        [&] {
            return countdown->text().contains(QStringLiteral("reconnecting in 29 s")) ||
                   countdown->text().contains(QStringLiteral("reconnecting in 28 s"));
        },
        2500))
        << countdown->text().toStdString();

    QTest::mouseClick(retry, Qt::LeftButton);
    EXPECT_EQ(session_->media.retries, 1);
    EXPECT_TRUE(countdown->text().contains(QStringLiteral("reconnecting now (attempt 2 of 25)")))
        << countdown->text().toStdString();
    EXPECT_FALSE(retry->isEnabled()) << "one retry at a time";

    session_->media.raise(session::MediaEvent{session::MediaEvent::Kind::outputReconnected, {}, 0, 0, 0ms});
    session_->scheduler.drain();
    EXPECT_FALSE(countdown->isVisible());
    EXPECT_FALSE(retry->isVisible());
}

TEST_F(GoLiveWindowTest, TheEventsDetailsGoIntoTheLiveEvent)
{
    open();
    typeTitle(QStringLiteral("Detailed show"));
    QTest::keyClicks(child<QLineEdit>("eventSummaryInput"), QStringLiteral("Questions and answers"));
    QTest::keyClicks(child<QLineEdit>("eventImageInput"), QStringLiteral("https://example.org/poster.png"));
    QTest::keyClicks(child<QLineEdit>("eventHashtagsInput"), QStringLiteral("#Talk, nostr  live"));
    clickGoLive();
    ASSERT_NE(session_, nullptr);
    ASSERT_FALSE(session_->announcer.published.empty());
    const nostr::LiveActivity& published = session_->announcer.published.back();
    EXPECT_EQ(published.title, "Detailed show");
    EXPECT_EQ(published.summary, "Questions and answers");
    EXPECT_EQ(published.imageUrl, "https://example.org/poster.png");
    EXPECT_EQ(published.hashtags, (std::vector<std::string>{"talk", "nostr", "live"}));
}

TEST_F(GoLiveWindowTest, AnImageThatIsNotAWebAddressIsRefusedBeforeAnythingStarts)
{
    open();
    typeTitle(QStringLiteral("Bad image"));
    QTest::keyClicks(child<QLineEdit>("eventImageInput"), QStringLiteral("file:///etc/passwd"));
    clickGoLive();
    EXPECT_TRUE(requests_.empty());
    EXPECT_TRUE(lastToast("toastTitle").contains(QStringLiteral("image URL")));
}

TEST_F(GoLiveWindowTest, ContinuesOneOfTheHostsOwnEvents)
{
    open();
    EXPECT_FALSE(child<QComboBox>("myEventsPicker")->isVisible()) << "hidden without a lister";
    nostr::LiveActivity older;
    older.identifier = "spring-town-hall";
    older.title = "Spring town hall";
    older.summary = "Questions";
    older.hashtags = {"townhall", "nostr"};
    older.status = nostr::LiveStatus::ended;
    int fetches = 0;
    window_->setHostEventsLister([&](auto done) {
        ++fetches;
        done(std::vector<nostr::LiveActivity>{older});
    });
    auto* picker = child<QComboBox>("myEventsPicker");
    EXPECT_TRUE(picker->isVisible());
    QTest::mouseClick(child<QToolButton>("refreshEventsButton"), Qt::LeftButton);
    EXPECT_EQ(fetches, 1);
    ASSERT_EQ(picker->count(), 1);
    EXPECT_EQ(picker->itemText(0), QStringLiteral("Spring town hall (ended)"));
    picker->setCurrentIndex(0);
    emit picker->activated(0);
    EXPECT_EQ(window_->eventId(), "spring-town-hall");
    EXPECT_EQ(child<QLineEdit>("eventTitleInput")->text(), QStringLiteral("Spring town hall"));
    EXPECT_EQ(child<QLineEdit>("eventHashtagsInput")->text(), QStringLiteral("townhall, nostr"));
    clickGoLive();
    ASSERT_EQ(requests_.size(), 1U);
    EXPECT_EQ(requests_[0].eventId, "spring-town-hall");

    // A failed fetch says why.
    window_->setHostEventsLister([](auto done) {
        done(core::Error{std::make_error_code(std::errc::host_unreachable), "no relay answered"});
    });
    QTest::mouseClick(child<QToolButton>("refreshEventsButton"), Qt::LeftButton);
    EXPECT_TRUE(child<QLabel>("eventStatus")->text().contains(QStringLiteral("no relay answered")));
}

TEST_F(GoLiveWindowTest, ThePreviewShowsTheComposedPictureFromThePreviewThread)
{
    open();
    typeTitle(QStringLiteral("Preview"));
    clickGoLive();
    ASSERT_EQ(requests_.size(), 1U);
    ASSERT_TRUE(requests_[0].onPreviewFrame) << "the window asks for preview frames";
    media::PreviewFrame frame;
    frame.width = 64;
    frame.height = 36;
    frame.stride = 64 * 3;
    frame.rgb.assign(static_cast<std::size_t>(frame.stride * frame.height), 0);
    for (std::size_t pixel = 0; pixel < frame.rgb.size(); pixel += 3) {
        frame.rgb[pixel] = 220; // red
    }
    std::thread previewThread([deliver = requests_[0].onPreviewFrame, frame] { deliver(frame); });
    previewThread.join();
    auto* preview = child<QLabel>("preview");
    ASSERT_TRUE(QTest::qWaitFor([&] { return !preview->pixmap().isNull(); }, 5000));
    const QImage shown = preview->pixmap().toImage();
    const QColor centre = shown.pixelColor(shown.width() / 2, shown.height() / 2);
    EXPECT_GT(centre.red(), 200);
    EXPECT_LT(centre.green(), 30);
    EXPECT_LE(shown.width(), preview->width());
    EXPECT_LE(shown.height(), preview->height());
}

// Saves a picture of `widget` for the docs when HOSTSTUDIO_SCREENSHOT_DIR says where.
void saveScreenshot(QWidget& widget, const char* name)
{
    if (const QByteArray directory = qgetenv("HOSTSTUDIO_SCREENSHOT_DIR"); !directory.isEmpty()) {
        QDir().mkpath(QString::fromLocal8Bit(directory));
        EXPECT_TRUE(widget.grab().save(QDir(QString::fromLocal8Bit(directory)).filePath(QLatin1String(name))));
    }
}

// A studio factory over the real media pipeline (the test pattern and its tone, small), counting
// the studios it made and the preview frames they delivered.
struct CountingStudios {
    int made = 0;
    std::vector<media::SceneConfig> scenes;
    std::shared_ptr<std::atomic<int>> frames = std::make_shared<std::atomic<int>>(0);
    StudioFactory factory()
    {
        return [this](const media::SceneConfig& scene, std::function<void(media::PreviewFrame frame)> onFrame)
                   -> core::Result<std::shared_ptr<media::LivePipeline>> {
            ++made;
            scenes.push_back(scene);
            media::LiveConfig config;
            config.encoder.width = 640;
            config.encoder.height = 360;
            config.scene = scene;
            return media::startStudio(std::move(config),
                                      [frames = frames, onFrame = std::move(onFrame)](media::PreviewFrame frame) {
                                          frames->fetch_add(1);
                                          onFrame(std::move(frame));
                                      });
        };
    }
};

// How many of the test pattern's bar colours a row of the shown picture holds.
int barColoursIn(const QImage& image, int row)
{
    bool yellow = false, cyan = false, magenta = false, blue = false;
    for (int x = 0; x < image.width(); ++x) {
        const QColor colour = image.pixelColor(x, row);
        const bool r = colour.red() > 140, g = colour.green() > 140, b = colour.blue() > 140;
        const bool lowR = colour.red() < 90, lowG = colour.green() < 90, lowB = colour.blue() < 90;
        yellow = yellow || (r && g && lowB);
        cyan = cyan || (lowR && g && b);
        magenta = magenta || (r && lowG && b);
        blue = blue || (lowR && lowG && b);
    }
    return int{yellow} + int{cyan} + int{magenta} + int{blue};
}

TEST_F(GoLiveWindowTest, ThePreviewAndTheMeterRunBeforeGoLiveAndGoLiveTakesTheSourcesOver)
{
    open();
    // The test pattern and its tone (under a real X display the screen would be the default).
    auto* mainSource = child<QComboBox>("screenPicker");
    mainSource->setCurrentIndex(mainSource->findData(QStringLiteral("testpattern")));
    ASSERT_EQ(mainSource->currentData().toString(), QStringLiteral("testpattern"));
    CountingStudios studios;
    window_->setStudioFactory(studios.factory());
    ASSERT_EQ(studios.made, 1) << "the picked sources run from the start";
    ASSERT_NE(window_->studio(), nullptr);

    // Before any Go Live: the composed test pattern in the preview, the tone on the meter.
    auto* preview = child<QLabel>("preview");
    ASSERT_TRUE(QTest::qWaitFor([&] { return !preview->pixmap().isNull(); }, 5000)) << "no preview before Go Live";
    const QImage shown = preview->pixmap().toImage();
    EXPECT_EQ(barColoursIn(shown, shown.height() / 3), 4) << "the test pattern's bars are in the preview";
    auto* meter = child<QProgressBar>("micLevel");
    ASSERT_TRUE(QTest::qWaitFor([&] { return meter->value() > 0; }, 3000)) << "the meter moves before Go Live";
    EXPECT_TRUE(requests_.empty()) << "no session before Go Live";
    typeTitle(QStringLiteral("Preview first"));
    saveScreenshot(*window_, "preview.png");

    // Go Live takes the running studio over: nothing opened again, no second preview.
    clickGoLive();
    ASSERT_EQ(requests_.size(), 1U);
    EXPECT_EQ(requests_[0].studio, window_->studio());
    EXPECT_FALSE(requests_[0].onPreviewFrame) << "the studio's preview goes on";
    EXPECT_EQ(studios.made, 1);

    // While live the sources stay pickable: a camera picked is switched into the running studio.
    auto* camera = child<QComboBox>("cameraPicker");
    EXPECT_TRUE(camera->isEnabled()) << "with a studio the scene can change while live";
    const int synthetic = camera->findData(QStringLiteral("synthetic-camera"));
    ASSERT_GE(synthetic, 0);
    camera->setCurrentIndex(synthetic);
    const auto sourcesOfTheStudio = [this] { return window_->studio()->sampleScene().sources.size(); };
    ASSERT_TRUE(QTest::qWaitFor([&] { return sourcesOfTheStudio() == 2U; }, 3000)) << "the camera joins the scene";
    EXPECT_EQ(studios.made, 1) << "switched in the running studio, not a new one";
    EXPECT_EQ(button()->text(), QStringLiteral("End Stream"));

    // After the end the preview still follows the sources (not a frozen last frame).
    QTest::mouseClick(button(), Qt::LeftButton);
    session_->scheduler.drain();
    ASSERT_EQ(button()->text(), QStringLiteral("Go Live"));
    const int before = studios.frames->load();
    ASSERT_TRUE(QTest::qWaitFor([&] { return studios.frames->load() >= before + 5; }, 3000));
    EXPECT_GT(meter->value(), 0);
    EXPECT_EQ(sourcesOfTheStudio(), 2U);
}

TEST_F(GoLiveWindowTest, ASourceThatCannotOpenIsExplainedInThePreview)
{
    open();
    window_->setStudioFactory(
        [](const media::SceneConfig&,
           std::function<void(media::PreviewFrame)>) -> core::Result<std::shared_ptr<media::LivePipeline>> {
            return core::Error{media::MediaErrc::deviceUnavailable, "camera /dev/video7: no such device"};
        });
    EXPECT_EQ(window_->studio(), nullptr);
    const QString text = child<QLabel>("preview")->text();
    EXPECT_TRUE(text.startsWith(QStringLiteral("No preview: "))) << text.toStdString();
    EXPECT_TRUE(text.contains(QStringLiteral("/dev/video7"))) << text.toStdString();
    // Go Live still works: the session opens the sources itself.
    typeTitle(QStringLiteral("No studio"));
    clickGoLive();
    ASSERT_EQ(requests_.size(), 1U);
    EXPECT_EQ(requests_[0].studio, nullptr);
    EXPECT_TRUE(requests_[0].onPreviewFrame);
}

TEST_F(GoLiveWindowTest, TheSourcesPickedGoIntoTheSessionAndMuteActsWhileLive)
{
    open();
    auto* camera = child<QComboBox>("cameraPicker");
    const int synthetic = camera->findData(QStringLiteral("synthetic-camera"));
    ASSERT_GE(synthetic, 0);
    camera->setCurrentIndex(synthetic);
    typeTitle(QStringLiteral("Presentation"));
    clickGoLive();
    ASSERT_EQ(requests_.size(), 1U);
    ASSERT_TRUE(requests_[0].scene.has_value());
    EXPECT_EQ(requests_[0].scene->camera, "synthetic-camera");
    EXPECT_EQ(requests_[0].scene->layout, media::Layout::pip) << "a camera makes it a presentation";
    EXPECT_FALSE(camera->isEnabled()) << "the sources are fixed while live";
    auto* mute = child<QToolButton>("muteButton");
    EXPECT_TRUE(mute->isEnabled());
    QTest::mouseClick(mute, Qt::LeftButton);
    ASSERT_EQ(session_->mutes.size(), 1U);
    EXPECT_TRUE(session_->mutes[0]);
}

TEST_F(GoLiveWindowTest, WhileGoingLiveTheRunningStepShowsAndTheButtonCancels)
{
    configure_ = [](FakeStudioSession& session) { session.ingest.prepareAnswer = session::testing::Answer::hold; };
    open();
    typeTitle(QStringLiteral("Going live"));
    clickGoLive();
    ASSERT_NE(session_, nullptr);
    EXPECT_EQ(stepState(0), QStringLiteral("running"));
    EXPECT_TRUE(step(0).startsWith(QStringLiteral("●")));
    EXPECT_EQ(stepState(1), QStringLiteral("waiting"));
    EXPECT_EQ(button()->text(), QStringLiteral("Cancel"));
    if (const QByteArray directory = qgetenv("HOSTSTUDIO_SCREENSHOT_DIR"); !directory.isEmpty()) {
        QDir().mkpath(QString::fromLocal8Bit(directory));
        EXPECT_TRUE(
            window_->grab().save(QDir(QString::fromLocal8Bit(directory)).filePath(QStringLiteral("going-live.png"))));
    }
    clickGoLive(); // Cancel (no confirmation in this test's settings)
    session_->scheduler.advance(std::chrono::seconds(5));
    EXPECT_EQ(button()->text(), QStringLiteral("Go Live"));
}

TEST_F(GoLiveWindowTest, TheHealthLineShowsTheMediaStatistics)
{
    open();
    typeTitle(QStringLiteral("Health"));
    clickGoLive();
    QTest::qWait(1300); // one tick of the window's once-a-second refresh
    const QString health = child<QLabel>("healthLabel")->text();
    EXPECT_TRUE(health.contains(QStringLiteral("30.0 fps"))) << health.toStdString();
    EXPECT_TRUE(health.contains(QStringLiteral("2496 kbps"))) << health.toStdString();
    EXPECT_TRUE(health.contains(QStringLiteral("dropped 3"))) << health.toStdString();
    EXPECT_TRUE(health.contains(QStringLiteral("skipped 2"))) << health.toStdString();
}

TEST_F(GoLiveWindowTest, ARelayThatRefusesIsDegradedWithItsReason)
{
    configure_ = [](FakeStudioSession& session) { session.announcer.relayAccepts[kRelays[1]] = false; };
    open();
    typeTitle(QStringLiteral("Partly refused"));
    clickGoLive();
    EXPECT_EQ(child<StatusBadge>("relayBadge0")->state(), BadgeState::healthy);
    auto* refused = child<StatusBadge>("relayBadge1");
    EXPECT_EQ(refused->state(), BadgeState::degraded);
    EXPECT_TRUE(refused->toolTip().contains(QStringLiteral("blocked: not allowed")))
        << refused->toolTip().toStdString();
    EXPECT_TRUE(refused->toolTip().contains(QString::fromStdString(kRelays[1])));
}

TEST_F(GoLiveWindowTest, AnIngestFailureMarksItsStepAndSaysWhy)
{
    configure_ = [](FakeStudioSession& session) { session.ingest.prepareAnswer = session::testing::Answer::fail; };
    open();
    typeTitle(QStringLiteral("Bad credentials"));
    clickGoLive();
    EXPECT_EQ(stepState(0), QStringLiteral("failed"));
    EXPECT_TRUE(step(0).startsWith(QStringLiteral("✗")));
    EXPECT_TRUE(step(0).contains(QStringLiteral("401: check the API key"))) << step(0).toStdString();
    EXPECT_EQ(stepState(1), QStringLiteral("waiting"));
    EXPECT_EQ(button()->text(), QStringLiteral("Go Live"));
    EXPECT_TRUE(button()->isEnabled());
    EXPECT_TRUE(window_->statusBar()->currentMessage().contains(QStringLiteral("Go Live failed")));
    EXPECT_TRUE(child<QLineEdit>("eventTitleInput")->isEnabled());
    // A toast says what to do: the seed's "Failed to start" case.
    auto* toasts = child<ToastArea>("toastArea");
    ASSERT_FALSE(toasts->toasts().isEmpty());
    const QString title = lastToast("toastTitle");
    EXPECT_TRUE(title.startsWith(QStringLiteral("Failed to start the stream"))) << title.toStdString();
    EXPECT_TRUE(toasts->toasts().back()->isVisible());
    if (const QByteArray directory = qgetenv("HOSTSTUDIO_SCREENSHOT_DIR"); !directory.isEmpty()) {
        QDir().mkpath(QString::fromLocal8Bit(directory));
        EXPECT_TRUE(window_->grab().save(
            QDir(QString::fromLocal8Bit(directory)).filePath(QStringLiteral("go-live-failed.png"))));
    }
}

TEST_F(GoLiveWindowTest, EndWithoutConfirmationEndsCleanly)
{
    open(/*confirmEnd=*/false);
    typeTitle(QStringLiteral("Short show"));
    clickGoLive();
    ASSERT_EQ(button()->text(), QStringLiteral("End Stream"));
    clickGoLive();
    EXPECT_EQ(session_->controller().snapshot().state, session::SessionState::ended);
    EXPECT_EQ(button()->text(), QStringLiteral("Go Live"));
    EXPECT_TRUE(window_->statusBar()->currentMessage().contains(QStringLiteral("ended cleanly")))
        << window_->statusBar()->currentMessage().toStdString();
    EXPECT_EQ(session_->announcer.published.back().status, nostr::LiveStatus::ended);
}

TEST_F(GoLiveWindowTest, EndAsksFirstWhenConfirmationIsOn)
{
    open(/*confirmEnd=*/true);
    typeTitle(QStringLiteral("Careful show"));
    clickGoLive();
    answerNextMessageBox(QMessageBox::Cancel);
    clickGoLive();
    EXPECT_EQ(session_->controller().snapshot().state, session::SessionState::live) << "Cancel keeps the stream";
    answerNextMessageBox(QMessageBox::Yes);
    clickGoLive();
    EXPECT_EQ(session_->controller().snapshot().state, session::SessionState::ended);
}

TEST_F(GoLiveWindowTest, ASessionThatCannotBeBuiltIsExplained)
{
    factoryError_ = core::Error{std::make_error_code(std::errc::invalid_argument),
                                "the seed backend is not configured: set backend/url"};
    open();
    typeTitle(QStringLiteral("Misconfigured"));
    answerNextMessageBox(QMessageBox::Ok);
    clickGoLive();
    EXPECT_TRUE(window_->statusBar()->currentMessage().contains(QStringLiteral("set backend/url")));
    EXPECT_EQ(button()->text(), QStringLiteral("Go Live"));
}

// The secret store as the private file under a temporary XDG_CONFIG_HOME, for one test.
class PrivateSecretsFile {
public:
    PrivateSecretsFile(core::Settings& settings, const QTemporaryDir& directory) : previous_(qgetenv("XDG_CONFIG_HOME"))
    {
        qputenv("XDG_CONFIG_HOME", directory.filePath(QStringLiteral("config")).toLocal8Bit());
        EXPECT_TRUE(settings.set(core::setting::secretsBackend, QStringLiteral("file")).ok());
    }
    ~PrivateSecretsFile() { qputenv("XDG_CONFIG_HOME", previous_); }
    PrivateSecretsFile(const PrivateSecretsFile&) = delete;
    PrivateSecretsFile& operator=(const PrivateSecretsFile&) = delete;

private:
    QByteArray previous_;
};

// The window's words are sentences for a host, never a log line with the module's category name.
TEST_F(GoLiveWindowTest, AFailureIsShownAsASentenceWithoutTheLogsCategoryNames)
{
    factoryError_ = core::Error{session::SessionErrc::invalidRequest,
                                "no Nostr relay is configured: add one in the settings (hoststudio.core: invalid "
                                "setting value)"};
    open();
    typeTitle(QStringLiteral("Misconfigured"));
    QString shown;
    QTimer::singleShot(0, [&shown] {
        auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
        ASSERT_NE(box, nullptr);
        shown = box->text();
        box->button(QMessageBox::Ok)->click();
    });
    clickGoLive();
    EXPECT_EQ(shown.toStdString(), "No Nostr relay is configured: add one in the settings (invalid setting value)");
    EXPECT_FALSE(window_->statusBar()->currentMessage().contains(QStringLiteral("hoststudio.")));
}

// A first Go Live without a Nostr key: the window offers to make one (kept in the secret store, the
// backup reminder shown, the nsec copied on request) and then goes live; no command-line advice.
TEST_F(GoLiveWindowTest, AFirstGoLiveWithoutAKeyMakesOneInADialogAndGoesOn)
{
    open();
    const PrivateSecretsFile secrets(*settings_, directory_);
    bool hasKey = false;
    int checks = 0;
    window_->setNostrKeyCheck([&] {
        ++checks;
        return hasKey;
    });
    typeTitle(QStringLiteral("First stream"));
    QString npub;
    QString reminder;
    QString copied;
    QTimer::singleShot(0, [&] {
        auto* dialog = qobject_cast<FirstKeyDialog*>(QApplication::activeModalWidget());
        ASSERT_NE(dialog, nullptr) << "no key dialog";
        saveScreenshot(*dialog, "first-key.png");
        QTest::mouseClick(dialog->findChild<QPushButton*>(QStringLiteral("createKeyButton")), Qt::LeftButton);
        saveScreenshot(*dialog, "first-key-made.png");
        npub = dialog->findChild<QLabel*>(QStringLiteral("firstKeyNpub"))->text();
        reminder = dialog->findChild<QLabel*>(QStringLiteral("firstKeyBackupReminder"))->text();
        QTest::mouseClick(dialog->findChild<QPushButton*>(QStringLiteral("copyNsecButton")), Qt::LeftButton);
        copied = QApplication::clipboard()->text();
        QTest::mouseClick(dialog->findChild<QPushButton*>(QStringLiteral("continueButton")), Qt::LeftButton);
    });
    clickGoLive();
    EXPECT_EQ(checks, 1);
    ASSERT_TRUE(npub.contains(QStringLiteral("npub1"))) << npub.toStdString();
    EXPECT_TRUE(reminder.contains(QStringLiteral("Back up your secret key"))) << reminder.toStdString();
    EXPECT_TRUE(copied.startsWith(QStringLiteral("nsec1"))) << "the nsec copied on request";
    EXPECT_FALSE(npub.contains(copied)) << "the nsec is not shown";
    // Stored in the secret store, where sessions read it.
    auto store = core::SecretStore::open(core::SecretStoreOptions::fromSettings(*settings_));
    ASSERT_TRUE(store.ok()) << store.error().describe();
    auto stored = store->read(core::secretName::nostrNsec);
    ASSERT_TRUE(stored.ok() && stored->has_value());
    EXPECT_EQ(QString::fromStdString(**stored), copied);
    // And Go Live went on.
    ASSERT_EQ(requests_.size(), 1U);
    ASSERT_NE(session_, nullptr);
    EXPECT_EQ(session_->controller().snapshot().state, session::SessionState::live);
    QApplication::clipboard()->clear();
}

TEST_F(GoLiveWindowTest, AFirstGoLiveTakesThePastedKeyOrStopsWhenDeclined)
{
    open();
    const PrivateSecretsFile secrets(*settings_, directory_);
    window_->setNostrKeyCheck([] { return false; });
    typeTitle(QStringLiteral("First stream"));

    // Declined: nothing starts, and the window says why in a sentence.
    QTimer::singleShot(0, [] {
        auto* dialog = qobject_cast<FirstKeyDialog*>(QApplication::activeModalWidget());
        ASSERT_NE(dialog, nullptr);
        QTest::mouseClick(dialog->findChild<QPushButton*>(QStringLiteral("cancelKeyButton")), Qt::LeftButton);
    });
    clickGoLive();
    EXPECT_TRUE(requests_.empty());
    EXPECT_TRUE(window_->statusBar()->currentMessage().contains(QStringLiteral("a Nostr key is needed")));

    // A wrong paste is explained and the dialog stays; the right one is stored and Go Live goes on.
    const std::string nsec = "nsec1vl029mgpspedva04g90vltkh6fvh240zqtv9k0t9af8935ke9laqsnlfe5";
    QString complaint;
    QTimer::singleShot(0, [&] {
        auto* dialog = qobject_cast<FirstKeyDialog*>(QApplication::activeModalWidget());
        ASSERT_NE(dialog, nullptr);
        auto* field = dialog->findChild<QLineEdit*>(QStringLiteral("pasteKeyField"));
        EXPECT_EQ(field->echoMode(), QLineEdit::Password);
        QTest::keyClicks(field, QStringLiteral("npub1notasecret"));
        QTest::mouseClick(dialog->findChild<QPushButton*>(QStringLiteral("useKeyButton")), Qt::LeftButton);
        complaint = dialog->findChild<QLabel*>(QStringLiteral("firstKeyMessage"))->text();
        EXPECT_TRUE(dialog->isVisible());
        field->clear();
        QTest::keyClicks(field, QString::fromStdString(nsec));
        QTest::mouseClick(dialog->findChild<QPushButton*>(QStringLiteral("useKeyButton")), Qt::LeftButton);
    });
    clickGoLive();
    EXPECT_TRUE(complaint.contains(QStringLiteral("not a Nostr secret key"))) << complaint.toStdString();
    auto store = core::SecretStore::open(core::SecretStoreOptions::fromSettings(*settings_));
    ASSERT_TRUE(store.ok());
    auto stored = store->read(core::secretName::nostrNsec);
    ASSERT_TRUE(stored.ok() && stored->has_value());
    EXPECT_EQ(**stored, nsec);
    EXPECT_EQ(requests_.size(), 1U);
}

TEST_F(GoLiveWindowTest, OpensAnEventByItsNaddr)
{
    open();
    nostr::NaddrEntity address;
    address.identifier = "town-hall-2026";
    address.kind = 30311;
    address.author.fill(0x11);
    const std::string naddr = nostr::encodeNip19(address).value();
    QTest::keyClicks(child<QLineEdit>("naddrInput"), QString::fromStdString(naddr));
    QTest::mouseClick(child<QPushButton>("openEventButton"), Qt::LeftButton);
    EXPECT_EQ(window_->eventId(), "town-hall-2026");
    typeTitle(QStringLiteral("Town hall"));
    clickGoLive();
    ASSERT_EQ(requests_.size(), 1U);
    EXPECT_EQ(requests_[0].eventId, "town-hall-2026");

    // Not a live activity: refused with what to paste instead.
    address.kind = 1;
    child<QLineEdit>("naddrInput")->setEnabled(true);
    child<QLineEdit>("naddrInput")->setText(QString::fromStdString(nostr::encodeNip19(address).value()));
    QTest::mouseClick(child<QPushButton>("openEventButton"), Qt::LeftButton);
    EXPECT_TRUE(child<QLabel>("eventStatus")->text().contains(QStringLiteral("kind 30311")));
}

session::JournalRecord crashedRecord(std::optional<std::int64_t> processId)
{
    session::JournalRecord record;
    record.phase = session::JournalPhase::live;
    record.eventId = "crashed-show";
    record.hostPublicKeyHex = "79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798";
    record.provider = "cloudinary";
    record.streamId = "0123456789abcdef0123456789abcdef";
    record.ingestUrl = "rtmp://127.0.0.1:1935/live";
    record.hlsPlaybackUrl = "http://127.0.0.1:8080/hls/stream.m3u8";
    record.activityTags = nlohmann::json::array({{"d", "crashed-show"},
                                                 {"title", "Crashed show"},
                                                 {"streaming", "http://127.0.0.1:8080/hls/stream.m3u8"},
                                                 {"starts", "1700000000"},
                                                 {"status", "live"}});
    record.livePublished = true;
    record.lastCreatedAt = 1'700'000'000;
    record.processId = processId;
    record.ingestPrepared = true;
    record.ingestStarted = true;
    return record;
}

TEST_F(GoLiveWindowTest, OffersToEndWhatACrashLeftAndEndsIt)
{
    open();
    const std::filesystem::path journal = directory_.filePath(QStringLiteral("session.json")).toStdString();
    ASSERT_TRUE(session::SessionJournal(journal).write(crashedRecord(std::nullopt)).ok());
    answerNextMessageBox(QMessageBox::Yes);
    window_->offerRecovery(journal);
    ASSERT_NE(session_, nullptr) << "no session was built to end the crashed one";
    ASSERT_EQ(requests_.size(), 1U);
    EXPECT_TRUE(requests_[0].recovering);
    EXPECT_EQ(requests_[0].eventId, "crashed-show");
    EXPECT_EQ(requests_[0].provider, QStringLiteral("cloudinary"));
    session_->scheduler.advance(std::chrono::seconds(5));
    ASSERT_FALSE(session_->announcer.published.empty());
    EXPECT_EQ(session_->announcer.published.back().status, nostr::LiveStatus::ended);
    EXPECT_EQ(session_->ingest.stopped.size(), 1U);
    EXPECT_EQ(button()->text(), QStringLiteral("Go Live"));
}

TEST_F(GoLiveWindowTest, DecliningRecoveryLeavesItForLaterAndSaysHow)
{
    open();
    const std::filesystem::path journal = directory_.filePath(QStringLiteral("session.json")).toStdString();
    ASSERT_TRUE(session::SessionJournal(journal).write(crashedRecord(std::nullopt)).ok());
    answerNextMessageBox(QMessageBox::No);
    window_->offerRecovery(journal);
    EXPECT_TRUE(requests_.empty());
    EXPECT_TRUE(lastToast("toastAdvice").contains(QStringLiteral("hoststudio recover")));
    // Go Live does not overwrite the journal: it offers the recovery again first.
    typeTitle(QStringLiteral("Next show"));
    answerNextMessageBox(QMessageBox::No);
    clickGoLive();
    EXPECT_TRUE(requests_.empty());
    EXPECT_TRUE(session::SessionJournal(journal).read().value().has_value());
}

TEST_F(GoLiveWindowTest, ASessionRunningElsewhereIsPointedOutNotEnded)
{
    open();
    const std::filesystem::path journal = directory_.filePath(QStringLiteral("session.json")).toStdString();
    // pid 1 always runs: a journal naming it with its own start time stands for a live session.
    session::JournalRecord elsewhere = crashedRecord(std::int64_t{1});
    elsewhere.processStartTicks = session::processStartTicks(1);
    ASSERT_TRUE(elsewhere.processStartTicks.has_value());
    ASSERT_TRUE(session::SessionJournal(journal).write(elsewhere).ok());
    window_->offerRecovery(journal);
    EXPECT_TRUE(requests_.empty());
    EXPECT_TRUE(lastToast("toastAdvice").contains(QStringLiteral("hoststudio end")));
}

// Regression: a journal whose process is gone and whose id another process got was taken for a
// session running elsewhere (and `hoststudio end` signalled that other process).
TEST_F(GoLiveWindowTest, AProcessThatGotADeadSessionsIdIsNotTakenForIt)
{
    open();
    const std::filesystem::path journal = directory_.filePath(QStringLiteral("session.json")).toStdString();
    session::JournalRecord recycled = crashedRecord(std::int64_t{1});
    recycled.processStartTicks = session::processStartTicks(1).value_or(0) + 1; // pid 1, another start
    ASSERT_TRUE(session::SessionJournal(journal).write(recycled).ok());
    answerNextMessageBox(QMessageBox::No);
    window_->offerRecovery(journal);
    EXPECT_TRUE(lastToast("toastAdvice").contains(QStringLiteral("hoststudio recover")))
        << "offered to end it (declined here) instead of pointing at another process";
}

TEST_F(GoLiveWindowTest, AnUnreadableJournalIsReported)
{
    open();
    const QString path = directory_.filePath(QStringLiteral("session.json"));
    QFile file(path);
    ASSERT_TRUE(file.open(QIODevice::WriteOnly));
    file.write("{ not json");
    file.close();
    window_->offerRecovery(path.toStdString());
    EXPECT_TRUE(lastToast("toastTitle").contains(QStringLiteral("crash journal cannot be read")));
}

} // namespace
} // namespace hoststudio::ui
