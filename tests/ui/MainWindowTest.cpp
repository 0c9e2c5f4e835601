// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/ui/MainWindow.hpp"
#include "hoststudio/core/Settings.hpp"
#include "hoststudio/ui/StatusBadge.hpp"
#include "hoststudio/ui/UrlsPanel.hpp"

#include <QApplication>
#include <QClipboard>
#include <QDir>
#include <QDockWidget>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

#include <gtest/gtest.h>

namespace hoststudio::ui {
namespace {

class MainWindowTest : public testing::Test {
protected:
    void SetUp() override
    {
        settingsPath_ = directory_.filePath(QStringLiteral("hoststudio.ini"));
        settings_ = std::make_unique<core::Settings>(core::Settings::atPath(settingsPath_));
        core::Settings& settings = *settings_;
        ASSERT_TRUE(settings.set(core::setting::ingestRtmpUrl, QStringLiteral("rtmp://127.0.0.1:21935/live")).ok());
        ASSERT_TRUE(settings
                        .set(core::setting::nostrRelays,
                             QStringList{QStringLiteral("ws://127.0.0.1:27447"), QStringLiteral("wss://relay.example")})
                        .ok());
        ASSERT_TRUE(settings.sync().ok());
        window_ = std::make_unique<MainWindow>(settings);
        window_->show();
        ASSERT_TRUE(QTest::qWaitForWindowExposed(window_.get()));
    }

    template <typename T> T* child(const char* objectName)
    {
        T* found = window_->findChild<T*>(QLatin1String(objectName));
        EXPECT_NE(found, nullptr) << "no " << objectName;
        return found;
    }

    QTemporaryDir directory_;
    QString settingsPath_;
    std::unique_ptr<core::Settings> settings_;
    std::unique_ptr<MainWindow> window_;
};

TEST_F(MainWindowTest, ShowsEveryRegionOfTheStudio)
{
    for (const char* region : {"header", "eventPanel", "sourcesPanel", "stepsPanel", "preview", "urlsPanel", "chatDock",
                               "statusBar", "goLiveButton", "liveTimer", "healthLabel"}) {
        QWidget* widget = window_->findChild<QWidget*>(QLatin1String(region));
        ASSERT_NE(widget, nullptr) << region;
        EXPECT_TRUE(widget->isVisible()) << region;
        EXPECT_GT(widget->width(), 0) << region;
    }
    EXPECT_TRUE(window_->windowTitle().startsWith(QStringLiteral("HostStudio")));
    // The icon is an SVG resource: it renders only when Qt's SVG plugin is installed.
    EXPECT_FALSE(window_->windowIcon().pixmap(64, 64).isNull());
}

TEST_F(MainWindowTest, ListsTheSeedsSixStepsInOrder)
{
    auto* steps = child<QListWidget>("goLiveSteps");
    ASSERT_NE(steps, nullptr);
    ASSERT_EQ(steps->count(), 6);
    EXPECT_TRUE(steps->item(0)->text().contains(QStringLiteral("1 of 6: Start the ingest")));
    EXPECT_TRUE(steps->item(4)->text().contains(QStringLiteral("Publish the live event on Nostr")));
    EXPECT_TRUE(steps->item(5)->text().contains(QStringLiteral("6 of 6: Live")));
}

TEST_F(MainWindowTest, HasABadgePerPartAndPerRelay)
{
    for (const char* name : {"ingestBadge", "channelBadge", "relayBadge0", "relayBadge1", "recordingBadge"}) {
        auto* badge = child<StatusBadge>(name);
        ASSERT_NE(badge, nullptr);
        EXPECT_EQ(badge->state(), BadgeState::idle) << name;
        EXPECT_TRUE(badge->text().contains(QStringLiteral("off"))) << name;
    }
    EXPECT_EQ(child<StatusBadge>("relayBadge1")->toolTip(), QStringLiteral("wss://relay.example"));
}

TEST_F(MainWindowTest, CopyPutsTheIngestServerOnTheClipboardAndConfirms)
{
    auto* field = child<QLineEdit>("ingestField");
    ASSERT_NE(field, nullptr);
    EXPECT_EQ(field->text(), QStringLiteral("rtmp://127.0.0.1:21935/live"));
    QApplication::clipboard()->setText(QStringLiteral("before"));
    auto* panel = child<UrlsPanel>("urlsPanel");
    QSignalSpy copied(panel, &UrlsPanel::copied);
    QTest::mouseClick(child<QToolButton>("copyIngestButton"), Qt::LeftButton);
    ASSERT_EQ(copied.count(), 1);
    EXPECT_EQ(QApplication::clipboard()->text(), QStringLiteral("rtmp://127.0.0.1:21935/live"));
    EXPECT_TRUE(window_->statusBar()->currentMessage().contains(QStringLiteral("copied")));
}

TEST_F(MainWindowTest, CopyButtonsWithNothingToCopyAreDisabled)
{
    EXPECT_FALSE(child<QToolButton>("copyPlaybackButton")->isEnabled());
    EXPECT_FALSE(child<QToolButton>("copyNaddrButton")->isEnabled());
    EXPECT_FALSE(child<QToolButton>("revealStreamKeyButton")->isEnabled());
}

TEST_F(MainWindowTest, StreamKeyStaysHiddenUntilRevealed)
{
    auto* panel = child<UrlsPanel>("urlsPanel");
    panel->setStreamKey(QStringLiteral("live_secret_key_1234"));
    auto* field = child<QLineEdit>("streamKeyField");
    auto* reveal = child<QToolButton>("revealStreamKeyButton");
    EXPECT_EQ(field->echoMode(), QLineEdit::Password);
    EXPECT_FALSE(field->displayText().contains(QStringLiteral("secret")));
    QTest::mouseClick(reveal, Qt::LeftButton);
    EXPECT_EQ(field->echoMode(), QLineEdit::Normal);
    QTest::mouseClick(reveal, Qt::LeftButton);
    EXPECT_EQ(field->echoMode(), QLineEdit::Password);
}

TEST_F(MainWindowTest, FitsA720pScreenAndSavesAScreenshot)
{
    EXPECT_LE(window_->minimumSizeHint().width(), 1280);
    EXPECT_LE(window_->minimumSizeHint().height(), 720);
    const QByteArray directory = qgetenv("HOSTSTUDIO_SCREENSHOT_DIR");
    if (!directory.isEmpty()) {
        QDir().mkpath(QString::fromLocal8Bit(directory));
        const QPixmap shot = window_->grab();
        EXPECT_FALSE(shot.isNull());
        EXPECT_TRUE(shot.save(QDir(QString::fromLocal8Bit(directory)).filePath(QStringLiteral("main-window.png"))));
    }
}

} // namespace
} // namespace hoststudio::ui
