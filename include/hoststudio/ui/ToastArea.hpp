// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Toasts: short notices stacked in a corner of the window, newest at the bottom, each with its
// level's colour, the title, what to do, and a close button. Good news goes away after a few
// seconds, warnings after longer, errors stay until closed; at most four are shown (the oldest
// goes). Text is plain text, never markup.
//
// Owner: the Qt main thread.

#include "hoststudio/ui/SessionNotices.hpp"

#include <QWidget>

namespace hoststudio::ui {

class ToastArea : public QWidget {
    Q_OBJECT
public:
    explicit ToastArea(QWidget* parent);

    void show(const Notice& notice);
    // The toasts shown now, oldest first.
    [[nodiscard]] QList<QWidget*> toasts() const;

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void place();
};

} // namespace hoststudio::ui
