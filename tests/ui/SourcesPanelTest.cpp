// SPDX-License-Identifier: GPL-2.0-or-later
// The sources panel: devices into pickers, the scene it builds, the one-click presentation, the
// layouts that need a camera, the mute and the meter.
#include "hoststudio/ui/SourcesPanel.hpp"

#include <QAbstractButton>
#include <QComboBox>
#include <QProgressBar>
#include <QSignalSpy>
#include <QTest>
#include <QToolButton>

#include <gtest/gtest.h>

namespace hoststudio::ui {
namespace {

std::vector<media::CaptureDevice> devices(bool screenWorks)
{
    media::CaptureDevice screen{
        "screen", ":0", "Screen :0", true, 0, 0, 1280, 720, screenWorks ? "" : "no X11 display"};
    media::CaptureDevice mic{"microphone", "sine_input", "Sine source", false, 0, 0, 0, 0, ""};
    media::CaptureDevice camera{"camera", "/dev/video0", "USB camera", true, 0, 0, 0, 0, ""};
    return {screen, mic, camera};
}

TEST(SourcesPanel, DevicesFillThePickersAndTheScreenIsTheDefault)
{
    SourcesPanel panel;
    panel.setDevices(devices(true));
    const media::SceneConfig scene = panel.scene();
    EXPECT_EQ(scene.source, "screen");
    EXPECT_EQ(scene.camera, "");
    EXPECT_EQ(scene.microphone, "default");
    EXPECT_EQ(scene.layout, media::Layout::screen);
    auto* cameras = panel.findChild<QComboBox*>(QStringLiteral("cameraPicker"));
    EXPECT_GE(cameras->findData(QStringLiteral("camera:/dev/video0")), 0);
    auto* microphones = panel.findChild<QComboBox*>(QStringLiteral("microphonePicker"));
    EXPECT_GE(microphones->findData(QStringLiteral("sine_input")), 0);
}

TEST(SourcesPanel, WithSeveralMonitorsEachCanBeSharedAlone)
{
    SourcesPanel panel;
    std::vector<media::CaptureDevice> listed = devices(true);
    auto* mains = panel.findChild<QComboBox*>(QStringLiteral("screenPicker"));
    ASSERT_NE(mains, nullptr);
    listed.push_back({"monitor", "screen", "monitor screen", true, 0, 0, 1280, 720, ""});
    panel.setDevices(listed);
    EXPECT_LT(mains->findData(QStringLiteral("monitor:screen")), 0) << "one monitor: the whole screen is it";
    listed.back() = {"monitor", "DP-1", "monitor DP-1", true, 0, 0, 1920, 1080, ""};
    listed.push_back({"monitor", "HDMI-1", "monitor HDMI-1", false, 1920, 0, 1280, 1024, ""});
    panel.setDevices(listed);
    const int hdmi = mains->findData(QStringLiteral("monitor:HDMI-1"));
    ASSERT_GE(hdmi, 0);
    EXPECT_EQ(mains->itemText(hdmi), QStringLiteral("Monitor HDMI-1 (1280×1024)"));
    EXPECT_TRUE(panel.scene().screen.monitor.empty()) << "the whole screen stays the default";
    mains->setCurrentIndex(hdmi);
    const media::SceneConfig scene = panel.scene();
    EXPECT_EQ(scene.source, "screen");
    EXPECT_EQ(scene.screen.monitor, "HDMI-1");
}

TEST(SourcesPanel, WithoutAScreenTheTestPatternFillsThePictureAndSaysWhy)
{
    SourcesPanel panel;
    panel.setDevices(devices(false));
    EXPECT_EQ(panel.scene().source, "testpattern");
    EXPECT_TRUE(panel.findChild<QComboBox*>(QStringLiteral("screenPicker"))
                    ->toolTip()
                    .contains(QStringLiteral("no X11 display")));
}

TEST(SourcesPanel, PickingACameraMakesItAPresentationAndCameraLayoutsNeedOne)
{
    SourcesPanel panel;
    panel.setDevices(devices(true));
    auto* pip = panel.findChild<QToolButton*>(QStringLiteral("layout_pip"));
    ASSERT_NE(pip, nullptr);
    EXPECT_FALSE(pip->isEnabled()) << "no camera picked yet";
    auto* cameras = panel.findChild<QComboBox*>(QStringLiteral("cameraPicker"));
    cameras->setCurrentIndex(cameras->findData(QStringLiteral("camera:/dev/video0")));
    EXPECT_EQ(panel.scene().layout, media::Layout::pip);
    EXPECT_EQ(panel.scene().camera, "camera:/dev/video0");
    QTest::mouseClick(panel.findChild<QToolButton*>(QStringLiteral("layout_side")), Qt::LeftButton);
    EXPECT_EQ(panel.scene().layout, media::Layout::side);
    cameras->setCurrentIndex(cameras->findData(QString()));
    EXPECT_EQ(panel.scene().layout, media::Layout::screen) << "back to the screen without a camera";
    EXPECT_FALSE(pip->isEnabled());
}

TEST(SourcesPanel, AHotPluggedDeviceAppearsAndThePickKeeps)
{
    SourcesPanel panel;
    panel.setDevices({});
    auto* microphones = panel.findChild<QComboBox*>(QStringLiteral("microphonePicker"));
    microphones->setCurrentIndex(microphones->findData(QStringLiteral("none")));
    emit microphones->activated(microphones->currentIndex()); // as a click does
    panel.setDevices(devices(true));
    EXPECT_EQ(panel.scene().source, "screen") << "the default follows the devices";
    EXPECT_EQ(panel.scene().microphone, "none") << "the host's pick survives a refresh";
    EXPECT_GE(microphones->findData(QStringLiteral("sine_input")), 0);
}

TEST(SourcesPanel, MuteAndMeter)
{
    SourcesPanel panel;
    QSignalSpy muted(&panel, &SourcesPanel::microphoneMutedChanged);
    QTest::mouseClick(panel.findChild<QToolButton*>(QStringLiteral("muteButton")), Qt::LeftButton);
    ASSERT_EQ(muted.count(), 1);
    EXPECT_TRUE(muted.at(0).at(0).toBool());
    EXPECT_TRUE(panel.scene().microphoneMuted);
    auto* meter = panel.findChild<QProgressBar*>(QStringLiteral("micLevel"));
    media::AudioLevel level;
    level.peakDb = -12.0;
    level.rmsDb = -18.0;
    panel.showLevel(level);
    EXPECT_EQ(meter->value(), 48);
    level.muted = true;
    panel.showLevel(level);
    EXPECT_EQ(meter->value(), 0);
    panel.showLevel(std::nullopt);
    EXPECT_EQ(meter->value(), 0);
}

} // namespace
} // namespace hoststudio::ui
