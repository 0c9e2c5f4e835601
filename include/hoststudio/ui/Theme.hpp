// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The window's colours: a light or a dark palette on the Fusion style, "auto" following the
// desktop's preference (the XDG desktop portal's org.freedesktop.appearance color-scheme, else the
// platform theme's own palette being dark). High-DPI scaling is Qt's own (per-monitor, fractional
// factors passed through); the icons are SVG.
//
// Owner: the Qt main thread, after the QApplication exists.

#include <QString>

class QApplication;

namespace hoststudio::ui {

enum class Theme { light, dark };

// "light" / "dark" as given; "auto" (or anything else) asks the desktop.
[[nodiscard]] Theme resolveTheme(const QString& setting);
// True when the desktop prefers dark colours (portal answer, or a dark platform palette).
[[nodiscard]] bool desktopPrefersDark();
void applyTheme(QApplication& application, Theme theme);

} // namespace hoststudio::ui
