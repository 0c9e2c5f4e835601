// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The studio window: the event, sources and preview, the Go Live button with the seed's steps,
// the status badges and health line, the URLs to share, and the chat dock.
//
// Owner: the Qt main thread. Reads the settings at construction and after the Settings dialog saves.

#include "hoststudio/ui/StudioSession.hpp"

#include <QElapsedTimer>
#include <QImage>

#include <QMainWindow>
#include <filesystem>
#include <functional>

#include <memory>
#include <string>
#include <vector>

class QComboBox;
class QLabel;
class QToolButton;
class QLineEdit;
class QListWidget;
class QPushButton;
class QTimer;

namespace hoststudio::core {
class Settings;
}
namespace hoststudio::session {
struct SessionSnapshot;
}

namespace hoststudio::ui {

class ChatPanel;
class HealthGraph;
class SourcesPanel;
class StatusBadge;
class ToastArea;
class UrlsPanel;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    // Without a session factory the window shows everything but cannot go live.
    // `settings` must outlive the window; the Settings dialog writes to it.
    explicit MainWindow(core::Settings& settings, QWidget* parent = nullptr);
    MainWindow(core::Settings& settings, StudioSessionFactory sessionFactory, QWidget* parent = nullptr);
    ~MainWindow() override;

    // The seed's go-live steps, in order, as the progress list shows them.
    [[nodiscard]] static QStringList goLiveStepNames();

    // Looks for a session a crash left behind (its journal at `journalPath`) and offers to end it
    // properly: the live event marked ended, the ingest stopped. A session still running in another
    // process is pointed out instead. The application calls it once the window shows.
    void offerRecovery(const std::filesystem::path& journalPath);

    // Where "My events" fetches the host's own live events from (without one the picker is hidden).
    void setHostEventsLister(HostEventsLister lister);

    // Whether the host has a Nostr key where a session looks for one. When it says no, Go Live first
    // offers to make one or take the host's own (FirstKeyDialog), then goes on. Without it the
    // window assumes a key.
    void setNostrKeyCheck(std::function<bool()> hasKey);
    // Runs the picked sources from now on (the preview and the meters before Go Live); a Go Live
    // takes them over. Without a factory the preview starts with the stream.
    void setStudioFactory(StudioFactory factory);
    // The studio running now (null: none, or its sources could not be opened).
    [[nodiscard]] std::shared_ptr<media::LivePipeline> studio() const { return studio_; }

    // The live event's `d` the next Go Live uses (a new one per "New event", or the opened naddr's).
    [[nodiscard]] const std::string& eventId() const noexcept { return eventId_; }

    // Where the window keeps its size, position and dock layout between runs (not a setting).
    [[nodiscard]] static QString windowStatePath();

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    QWidget* buildHeader();
    QWidget* buildLeftColumn();
    QWidget* buildCentre();
    void buildChatDock();
    void buildStatusBar();
    void openSettings();
    void refreshDevices();
    void restoreWindowState();
    void saveWindowState() const;
    void applySettings(); // the values the window keeps: confirmation, recording, relay badges

    // Event panel.
    void newEvent();
    void openEvent();
    void updateGoLiveAvailability();
    void fetchMyEvents();
    void pickMyEvent(int index);

    // Go Live / End (MainWindowSession.cpp).
    void onGoLiveClicked();
    void goLive();
    void endStream();
    void showSnapshot(const session::SessionSnapshot& snapshot);
    void showSteps(const session::SessionSnapshot& snapshot);
    void showBadges(const session::SessionSnapshot& snapshot);
    void showHealth();
    void showLiveTime();
    void showReconnect(); // the countdown to the media's next reconnect attempt, and "Retry now"
    void showPreview(const QImage& image);
    void showLevels(); // the meter, from the studio (or the session's pipeline)
    // The picked scene's sources started again for the preview (not while a session runs).
    void restartStudio();
    // The picked sources and layout into the running studio, live or not (a cut; what both scenes
    // use keeps running); without a studio, one is started.
    void applyPickedScene();
    [[nodiscard]] std::function<void(media::PreviewFrame frame)> previewConsumer();

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    core::Settings& settings_;
    StudioSessionFactory sessionFactory_;
    std::function<bool()> hasNostrKey_;
    StudioFactory studioFactory_;
    std::shared_ptr<media::LivePipeline> studio_;
    std::unique_ptr<StudioSession> session_;
    bool confirmEnd_ = true;
    QString recordingFolder_;
    std::string eventId_;
    std::filesystem::path journalPath_; // where a crashed session's journal is looked for

    QLabel* eventTitle_ = nullptr;
    QLineEdit* titleInput_ = nullptr;
    QLineEdit* summaryInput_ = nullptr;
    QLineEdit* imageInput_ = nullptr;
    QLineEdit* hashtagsInput_ = nullptr;
    QLineEdit* naddrInput_ = nullptr;
    QComboBox* myEvents_ = nullptr;
    QToolButton* refreshEvents_ = nullptr;
    HostEventsLister hostEventsLister_;
    std::vector<nostr::LiveActivity> hostEvents_;
    QLabel* eventStatus_ = nullptr;
    QLabel* liveTimer_ = nullptr;
    QLabel* viewerCount_ = nullptr;
    QLabel* reconnectCountdown_ = nullptr;
    QPushButton* retryNowButton_ = nullptr;
    QPushButton* goLiveButton_ = nullptr;
    QListWidget* stepList_ = nullptr;
    UrlsPanel* urlsPanel_ = nullptr;
    QLabel* healthLabel_ = nullptr;
    QLabel* preview_ = nullptr;
    ChatPanel* chatPanel_ = nullptr;
    SourcesPanel* sourcesPanel_ = nullptr;
    QImage previewImage_; // the last preview frame, scaled to the label on resize
    HealthGraph* healthGraph_ = nullptr;
    QWidget* relayBadges_ = nullptr; // the relay badges' row in the status bar
    ToastArea* toasts_ = nullptr;
    std::unique_ptr<session::SessionSnapshot> previous_; // the last snapshot shown, for the notices
    QTimer* ticker_ = nullptr;                           // once a second while a session runs: timer and health
    QTimer* meterTicker_ = nullptr;                      // ten times a second: the meter
    QTimer* studioRestart_ = nullptr;                    // the picked scene applied once the picking settles
    QElapsedTimer liveSince_;
    std::vector<StatusBadge*> badges_;
    std::vector<QString> relayUrls_; // in the order of the relay badges
};

} // namespace hoststudio::ui
