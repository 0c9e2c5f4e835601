// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/ui/StatusBadge.hpp"

namespace hoststudio::ui {

namespace {

struct BadgeLook {
    const char* colour;
    const char* word;
};

BadgeLook lookOf(BadgeState state)
{
    switch (state) {
    case BadgeState::idle: return {"#6b7280", QT_TRANSLATE_NOOP("StatusBadge", "off")};
    case BadgeState::connecting: return {"#d97706", QT_TRANSLATE_NOOP("StatusBadge", "connecting")};
    case BadgeState::healthy: return {"#16a34a", QT_TRANSLATE_NOOP("StatusBadge", "ok")};
    case BadgeState::degraded: return {"#ca8a04", QT_TRANSLATE_NOOP("StatusBadge", "degraded")};
    case BadgeState::failed: return {"#dc2626", QT_TRANSLATE_NOOP("StatusBadge", "failed")};
    }
    return {"#6b7280", "?"};
}

} // namespace

StatusBadge::StatusBadge(const QString& partName, QWidget* parent) : QLabel(parent), partName_(partName)
{
    setTextFormat(Qt::RichText);
    setState(BadgeState::idle);
}

void StatusBadge::setState(BadgeState state, const QString& detail)
{
    state_ = state;
    const BadgeLook look = lookOf(state);
    const QString word = tr(look.word);
    setText(QStringLiteral("<span style='color:%1'>&#9679;</span> %2: %3")
                .arg(QLatin1String(look.colour), partName_.toHtmlEscaped(), word));
    setToolTip(detail.isEmpty() ? QStringLiteral("%1: %2").arg(partName_, word) : detail);
    setAccessibleName(QStringLiteral("%1 %2").arg(partName_, word));
}

} // namespace hoststudio::ui
