// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// What the window's newest toast says, for the window tests.

#include "hoststudio/ui/ToastArea.hpp"

#include <QLabel>
#include <QWidget>

#include <gtest/gtest.h>

namespace hoststudio::ui {

// The text of one label ("toastTitle", "toastAdvice") of the newest toast in `window`; empty (and a
// test failure) when no toast is shown.
inline QString newestToastText(const QWidget& window, const char* label)
{
    const auto* area = window.findChild<ToastArea*>(QStringLiteral("toastArea"));
    const QList<QWidget*> shown = area != nullptr ? area->toasts() : QList<QWidget*>{};
    if (shown.isEmpty()) {
        ADD_FAILURE() << "no toast is shown";
        return {};
    }
    const auto* text = shown.back()->findChild<QLabel*>(QLatin1String(label));
    return text != nullptr ? text->text() : QString();
}

} // namespace hoststudio::ui
