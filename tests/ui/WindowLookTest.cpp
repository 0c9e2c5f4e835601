// SPDX-License-Identifier: GPL-2.0-or-later
// The window's look and memory: the light and dark palettes, the health history graph, and the
// size and layout kept between runs.
#include "hoststudio/core/Settings.hpp"
#include "hoststudio/ui/HealthGraph.hpp"
#include "hoststudio/ui/MainWindow.hpp"
#include "hoststudio/ui/Theme.hpp"

#include <QApplication>
#include <QFile>
#include <QPalette>
#include <QTemporaryDir>
#include <QTest>

#include <gtest/gtest.h>

namespace hoststudio::ui {
namespace {

TEST(Theme, AnExplicitChoiceWinsOverTheDesktop)
{
    EXPECT_EQ(resolveTheme(QStringLiteral("dark")), Theme::dark);
    EXPECT_EQ(resolveTheme(QStringLiteral("light")), Theme::light);
    const Theme automatic = resolveTheme(QStringLiteral("auto"));
    EXPECT_EQ(automatic, desktopPrefersDark() ? Theme::dark : Theme::light);
}

TEST(Theme, TheDarkPaletteIsDarkAndReadable)
{
    auto* application = qobject_cast<QApplication*>(QCoreApplication::instance());
    ASSERT_NE(application, nullptr);
    const QPalette before = QApplication::palette();
    applyTheme(*application, Theme::dark);
    const QPalette dark = QApplication::palette();
    EXPECT_LT(dark.color(QPalette::Window).lightness(), 60);
    EXPECT_GT(dark.color(QPalette::WindowText).lightness(), 200);
    EXPECT_GT(dark.color(QPalette::Text).lightness() - dark.color(QPalette::Base).lightness(), 150);
    applyTheme(*application, Theme::light);
    EXPECT_GT(QApplication::palette().color(QPalette::Window).lightness(), 180);
    application->setPalette(before);
}

TEST(HealthGraph, KeepsTwoMinutesAndThePeak)
{
    HealthGraph graph;
    for (int second = 0; second < 200; ++second) {
        graph.addSample(second == 150 ? 4000.0 : 2500.0, 30.0);
    }
    EXPECT_EQ(graph.sampleCount(), HealthGraph::kSamples);
    EXPECT_DOUBLE_EQ(graph.peakBitrateKbps(), 4000.0);
    EXPECT_TRUE(graph.toolTip().contains(QStringLiteral("2500 kbps")));
    graph.resize(graph.sizeHint());
    EXPECT_FALSE(graph.grab().isNull());
    graph.clear();
    EXPECT_EQ(graph.sampleCount(), 0U);
}

TEST(WindowState, SizeAndLayoutComeBackOnTheNextStart)
{
    QTemporaryDir directory;
    const QByteArray previous = qgetenv("XDG_CONFIG_HOME");
    qputenv("XDG_CONFIG_HOME", directory.filePath(QStringLiteral("config")).toLocal8Bit());
    core::Settings settings = core::Settings::atPath(directory.filePath(QStringLiteral("hoststudio.ini")));
    {
        MainWindow window(settings);
        window.show();
        ASSERT_TRUE(QTest::qWaitForWindowExposed(&window));
        window.resize(1111, 677);
        QTest::qWait(50);
        window.close();
    }
    EXPECT_TRUE(QFile::exists(MainWindow::windowStatePath())) << MainWindow::windowStatePath().toStdString();
    MainWindow again(settings);
    EXPECT_EQ(again.size(), QSize(1111, 677));
    qputenv("XDG_CONFIG_HOME", previous);
}

} // namespace
} // namespace hoststudio::ui
