// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// A small pill that shows one part's state (ingest, real-time channel, a relay, recording) by colour
// and by word, so it reads without colour too.
//
// Owner: the Qt main thread.

#include <QLabel>

namespace hoststudio::ui {

enum class BadgeState { idle, connecting, healthy, degraded, failed };

class StatusBadge : public QLabel {
    Q_OBJECT
public:
    StatusBadge(const QString& partName, QWidget* parent = nullptr);

    void setState(BadgeState state, const QString& detail = {});
    [[nodiscard]] BadgeState state() const noexcept { return state_; }
    [[nodiscard]] const QString& partName() const noexcept { return partName_; }

private:
    QString partName_;
    BadgeState state_ = BadgeState::idle;
};

} // namespace hoststudio::ui
