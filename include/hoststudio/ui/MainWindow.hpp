// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The studio window: the event, sources and preview, the Go Live button with the seed's steps,
// the status badges and health line, the URLs to share, and the chat dock.
//
// Owner: the Qt main thread. Reads settings once at construction (a copy of the values it shows).

#include <QMainWindow>

#include <vector>

class QLabel;
class QListWidget;
class QPushButton;

namespace hoststudio::core {
class Settings;
}

namespace hoststudio::ui {

class StatusBadge;
class UrlsPanel;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(const core::Settings& settings, QWidget* parent = nullptr);
    ~MainWindow() override;

    // The seed's go-live steps, in order, as the progress list shows them.
    [[nodiscard]] static QStringList goLiveStepNames();

private:
    QWidget* buildHeader();
    QWidget* buildLeftColumn();
    QWidget* buildCentre(const core::Settings& settings);
    void buildChatDock();
    void buildStatusBar(const core::Settings& settings);

    QLabel* eventTitle_ = nullptr;
    QLabel* liveTimer_ = nullptr;
    QPushButton* goLiveButton_ = nullptr;
    QListWidget* stepList_ = nullptr;
    UrlsPanel* urlsPanel_ = nullptr;
    std::vector<StatusBadge*> badges_;
};

} // namespace hoststudio::ui
