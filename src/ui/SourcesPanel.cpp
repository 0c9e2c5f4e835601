// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/ui/SourcesPanel.hpp"
#include "hoststudio/ui/HostWords.hpp"

#include <QAbstractButton>
#include <QButtonGroup>
#include <QComboBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QProgressBar>
#include <QStandardItemModel>
#include <QToolButton>

#include <algorithm>
#include <cmath>

namespace hoststudio::ui {

namespace {

constexpr int kMeterFloorDb = -60;
// The main-source picker's value for one monitor of the screen: the prefix, then its name.
constexpr QLatin1String kMonitorPrefix("monitor:");

QComboBox* picker(const QString& objectName)
{
    auto* box = new QComboBox;
    box->setObjectName(objectName);
    // A pick of the host's (not the default) survives a refresh of the device list.
    QObject::connect(box, &QComboBox::activated, box, [box] { box->setProperty("picked", true); });
    box->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    return box;
}

// Refills `box` with (label, value) rows, keeping what the host picked when it is still offered.
void refill(QComboBox* box, const std::vector<std::pair<QString, QString>>& rows, const QString& preferred)
{
    const QString kept = box->property("picked").toBool() ? box->currentData().toString() : QString();
    box->clear();
    for (const auto& [label, value] : rows) {
        box->addItem(label, value);
    }
    int index = box->findData(kept.isEmpty() ? preferred : kept);
    if (index < 0) {
        index = box->findData(preferred);
    }
    box->setCurrentIndex(std::max(index, 0));
}

} // namespace

SourcesPanel::SourcesPanel(QWidget* parent) : QGroupBox(tr("Sources"), parent)
{
    setObjectName(QStringLiteral("sourcesPanel"));
    auto* form = new QFormLayout(this);
    mainSource_ = picker(QStringLiteral("screenPicker"));
    mainSource_->setToolTip(tr("What fills the picture: your screen, or the test pattern"));
    form->addRow(tr("Screen"), mainSource_);
    camera_ = picker(QStringLiteral("cameraPicker"));
    form->addRow(tr("Camera"), camera_);

    auto* microphoneRow = new QHBoxLayout;
    microphone_ = picker(QStringLiteral("microphonePicker"));
    mute_ = new QToolButton;
    mute_->setObjectName(QStringLiteral("muteButton"));
    mute_->setText(tr("Mute"));
    mute_->setCheckable(true);
    mute_->setToolTip(tr("Mute the microphone (Ctrl+Shift+M); acts at once while live"));
    mute_->setShortcut(QKeySequence(tr("Ctrl+Shift+M")));
    microphoneRow->addWidget(microphone_, 1);
    microphoneRow->addWidget(mute_);
    form->addRow(tr("Microphone"), microphoneRow);
    level_ = new QProgressBar;
    level_->setObjectName(QStringLiteral("micLevel"));
    level_->setRange(0, -kMeterFloorDb);
    level_->setValue(0);
    level_->setTextVisible(false);
    level_->setMaximumHeight(8);
    level_->setToolTip(tr("Microphone level (peak)"));
    form->addRow(QString(), level_);

    auto* layoutGrid = new QGridLayout;
    layouts_ = new QButtonGroup(this);
    layouts_->setExclusive(true);
    const std::array<std::pair<QString, media::Layout>, 4> choices{{{tr("Screen"), media::Layout::screen},
                                                                    {tr("Camera"), media::Layout::camera},
                                                                    {tr("Screen + camera"), media::Layout::pip},
                                                                    {tr("Side by side"), media::Layout::side}}};
    for (std::size_t index = 0; index < choices.size(); ++index) {
        auto* button = new QToolButton;
        button->setObjectName(QStringLiteral("layout_%1").arg(QLatin1String(media::layoutName(choices[index].second))));
        button->setText(choices[index].first);
        button->setCheckable(true);
        button->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
        layouts_->addButton(button, static_cast<int>(choices[index].second));
        layoutGrid->addWidget(button, static_cast<int>(index / 2), static_cast<int>(index % 2));
    }
    layouts_->button(static_cast<int>(media::Layout::screen))->setChecked(true);
    form->addRow(tr("Layout"), layoutGrid);

    refresh_ = new QToolButton;
    refresh_->setObjectName(QStringLiteral("refreshDevicesButton"));
    refresh_->setText(tr("Refresh devices"));
    refresh_->setToolTip(tr("Look again for cameras, microphones and screens (after plugging one in)"));
    form->addRow(QString(), refresh_);

    connect(mute_, &QToolButton::toggled, this, [this](bool muted) {
        mute_->setText(muted ? tr("Muted") : tr("Mute"));
        emit microphoneMutedChanged(muted);
    });
    connect(refresh_, &QToolButton::clicked, this, &SourcesPanel::refreshRequested);
    connect(camera_, &QComboBox::currentIndexChanged, this, [this] {
        // A camera picked for a screen-only picture: the presentation layout.
        const bool hasCamera = !camera_->currentData().toString().isEmpty();
        if (hasCamera && layouts_->checkedId() == static_cast<int>(media::Layout::screen)) {
            layouts_->button(static_cast<int>(media::Layout::pip))->setChecked(true);
        }
        updateLayouts();
    });
    for (QComboBox* box : {mainSource_, camera_, microphone_}) {
        connect(box, &QComboBox::currentIndexChanged, this, &SourcesPanel::sceneChanged);
    }
    connect(layouts_, &QButtonGroup::idToggled, this, [this](int /*id*/, bool checked) {
        if (checked) {
            emit sceneChanged();
        }
    });
    setDevices({});
}

void SourcesPanel::setDevices(const std::vector<media::CaptureDevice>& devices)
{
    std::vector<std::pair<QString, QString>> mains;
    std::vector<std::pair<QString, QString>> cameras{{tr("No camera"), QString()}};
    std::vector<std::pair<QString, QString>> microphones{{tr("No microphone"), QStringLiteral("none")},
                                                         {tr("Default microphone"), QStringLiteral("default")}};
    bool screenUsable = false;
    std::vector<std::pair<QString, QString>> monitors;
    for (const media::CaptureDevice& device : devices) {
        if (device.kind == "screen" && device.error.empty()) {
            screenUsable = true;
        } else if (device.kind == "monitor") {
            monitors.emplace_back(tr("Monitor %1 (%2×%3)").arg(fromStd(device.id)).arg(device.width).arg(device.height),
                                  kMonitorPrefix + fromStd(device.id));
        } else if (device.kind == "camera") {
            cameras.emplace_back(fromStd(device.name), QStringLiteral("camera:") + fromStd(device.id));
        } else if (device.kind == "microphone") {
            microphones.emplace_back(fromStd(device.name), fromStd(device.id));
        }
    }
    if (screenUsable) {
        mains.emplace_back(tr("Whole screen"), QStringLiteral("screen"));
        // One monitor is the whole screen; with several, each can be shared alone.
        if (monitors.size() > 1) {
            mains.insert(mains.end(), monitors.begin(), monitors.end());
        }
    }
    mains.emplace_back(tr("Test pattern"), QStringLiteral("testpattern"));
    cameras.emplace_back(tr("Synthetic camera (test)"), QStringLiteral("synthetic-camera"));
    refill(mainSource_, mains, screenUsable ? QStringLiteral("screen") : QStringLiteral("testpattern"));
    if (!screenUsable) {
        const auto screen = std::find_if(devices.begin(), devices.end(),
                                         [](const media::CaptureDevice& device) { return device.kind == "screen"; });
        mainSource_->setToolTip(screen != devices.end() && !screen->error.empty()
                                    ? tr("The screen cannot be captured: %1").arg(fromStd(screen->error))
                                    : tr("No screen to capture here: the test pattern fills the picture"));
    }
    refill(camera_, cameras, QString());
    // The default microphone only where there is one: going live with a missing one fails.
    refill(microphone_, microphones, microphones.size() > 2 ? QStringLiteral("default") : QStringLiteral("none"));
    updateLayouts();
}

void SourcesPanel::updateLayouts()
{
    const bool hasCamera = !camera_->currentData().toString().isEmpty();
    for (const media::Layout layout : {media::Layout::camera, media::Layout::pip, media::Layout::side}) {
        QAbstractButton* button = layouts_->button(static_cast<int>(layout));
        button->setEnabled(hasCamera && camera_->isEnabled());
        button->setToolTip(hasCamera ? QString() : tr("Pick a camera first"));
    }
    if (!hasCamera && layouts_->checkedId() != static_cast<int>(media::Layout::screen)) {
        layouts_->button(static_cast<int>(media::Layout::screen))->setChecked(true);
    }
}

media::SceneConfig SourcesPanel::scene() const
{
    media::SceneConfig scene;
    const QString main = mainSource_->currentData().toString();
    scene.source = main.toStdString();
    if (main.startsWith(kMonitorPrefix)) {
        scene.source = "screen";
        scene.screen.monitor = main.mid(kMonitorPrefix.size()).toStdString();
    }
    scene.camera = camera_->currentData().toString().toStdString();
    scene.microphone = microphone_->currentData().toString().toStdString();
    scene.microphoneMuted = mute_->isChecked();
    scene.layout = static_cast<media::Layout>(std::max(0, layouts_->checkedId()));
    return scene;
}

bool SourcesPanel::microphoneMuted() const
{
    return mute_->isChecked();
}

void SourcesPanel::showLevel(const std::optional<media::AudioLevel>& level)
{
    if (!level || level->muted) {
        level_->setValue(0);
        return;
    }
    const double db = std::clamp(level->peakDb, static_cast<double>(kMeterFloorDb), 0.0);
    level_->setValue(static_cast<int>(std::lround(db - kMeterFloorDb)));
    level_->setToolTip(
        tr("Microphone: peak %1 dBFS, RMS %2 dBFS").arg(level->peakDb, 0, 'f', 1).arg(level->rmsDb, 0, 'f', 1));
}

void SourcesPanel::setSourcesFixed(bool fixed)
{
    for (QWidget* widget : std::initializer_list<QWidget*>{mainSource_, camera_, microphone_, refresh_}) {
        widget->setEnabled(!fixed);
    }
    for (QAbstractButton* button : layouts_->buttons()) {
        button->setEnabled(!fixed);
    }
    if (!fixed) {
        updateLayouts();
    }
}

} // namespace hoststudio::ui
