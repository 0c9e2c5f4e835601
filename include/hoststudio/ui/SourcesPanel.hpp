// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// What the host shows: the main source (the screen, or the test pattern), the camera, the
// microphone (with its level meter and a mute that acts at once while live), and the layout —
// screen, camera, screen with the camera in a corner, side by side. Picking a camera while the
// layout shows only the screen switches to picture-in-picture, so the presentation case is one
// click; layouts that need a camera are disabled without one. Devices come from the capture
// device list and can be refreshed (hot-plug).
//
// Owner: the Qt main thread.

#include "hoststudio/media/AudioMixer.hpp"
#include "hoststudio/media/LivePipeline.hpp"
#include "hoststudio/media/Sources.hpp"

#include <QGroupBox>

#include <optional>
#include <vector>

class QButtonGroup;
class QComboBox;
class QLabel;
class QProgressBar;
class QToolButton;

namespace hoststudio::ui {

class SourcesPanel : public QGroupBox {
    Q_OBJECT
public:
    explicit SourcesPanel(QWidget* parent = nullptr);

    // Fills the pickers, keeping what was picked when it is still there.
    void setDevices(const std::vector<media::CaptureDevice>& devices);
    // The scene the next Go Live uses.
    [[nodiscard]] media::SceneConfig scene() const;
    [[nodiscard]] bool microphoneMuted() const;
    // The microphone's level (peak, dBFS) for the meter; nullopt: no microphone signal.
    void showLevel(const std::optional<media::AudioLevel>& level);
    // Fixed sources cannot be picked (the mute and the meter still work): while live without a
    // studio to switch the scene in.
    void setSourcesFixed(bool fixed);

signals:
    void microphoneMutedChanged(bool muted);
    // A source, the microphone or the layout was picked (not sent while live).
    void sceneChanged();
    void refreshRequested();

private:
    void updateLayouts();

    QComboBox* mainSource_ = nullptr;
    QComboBox* camera_ = nullptr;
    QComboBox* microphone_ = nullptr;
    QButtonGroup* layouts_ = nullptr;
    QToolButton* mute_ = nullptr;
    QProgressBar* level_ = nullptr;
    QToolButton* refresh_ = nullptr;
};

} // namespace hoststudio::ui
