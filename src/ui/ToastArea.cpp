// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/ui/ToastArea.hpp"

#include <QEvent>
#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

namespace hoststudio::ui {

namespace {

constexpr int kMaximumToasts = 4;
constexpr int kWidth = 380;
constexpr int kMargin = 12;

struct Look {
    const char* border;
    int lifetimeMs; // 0: until closed
};

Look lookOf(NoticeLevel level)
{
    switch (level) {
    case NoticeLevel::info: return {"#16a34a", 6000};
    case NoticeLevel::warning: return {"#d97706", 15000};
    case NoticeLevel::error: return {"#dc2626", 0};
    }
    return {"#6b7280", 6000};
}

QLabel* plainLabel(const QString& text, const QString& objectName)
{
    auto* label = new QLabel(text);
    label->setObjectName(objectName);
    label->setTextFormat(Qt::PlainText);
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return label;
}

} // namespace

ToastArea::ToastArea(QWidget* parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("toastArea"));
    setAttribute(Qt::WA_TransparentForMouseEvents, false);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(6);
    layout->addStretch(1);
    parent->installEventFilter(this);
    setFixedWidth(kWidth);
    place();
    hide();
}

void ToastArea::show(const Notice& notice)
{
    const Look look = lookOf(notice.level);
    auto* toast = new QFrame(this);
    toast->setObjectName(QStringLiteral("toast"));
    toast->setProperty("level", static_cast<int>(notice.level));
    toast->setAutoFillBackground(true);
    toast->setStyleSheet(QStringLiteral("QFrame#toast { border: 1px solid %1; border-left: 5px solid %1; "
                                        "border-radius: 4px; background: palette(window); }")
                             .arg(QLatin1String(look.border)));
    auto* row = new QHBoxLayout(toast);
    auto* text = new QVBoxLayout;
    QLabel* title = plainLabel(notice.title, QStringLiteral("toastTitle"));
    QFont bold = title->font();
    bold.setBold(true);
    title->setFont(bold);
    text->addWidget(title);
    if (!notice.advice.isEmpty()) {
        text->addWidget(plainLabel(notice.advice, QStringLiteral("toastAdvice")));
    }
    row->addLayout(text, 1);
    auto* close = new QToolButton;
    close->setObjectName(QStringLiteral("toastClose"));
    close->setText(QStringLiteral("✕"));
    close->setToolTip(tr("Dismiss"));
    close->setAutoRaise(true);
    row->addWidget(close, 0, Qt::AlignTop);
    connect(close, &QToolButton::clicked, toast, &QObject::deleteLater);
    connect(toast, &QObject::destroyed, this, [this] { QTimer::singleShot(0, this, &ToastArea::place); });
    if (look.lifetimeMs > 0) {
        QTimer::singleShot(look.lifetimeMs, toast, &QObject::deleteLater);
    }
    static_cast<QVBoxLayout*>(layout())->addWidget(toast);
    const QList<QWidget*> shown = toasts();
    for (qsizetype index = 0; index + kMaximumToasts < shown.size(); ++index) {
        shown.at(index)->hide();
        shown.at(index)->deleteLater();
    }
    QWidget::show();
    raise();
    place();
}

QList<QWidget*> ToastArea::toasts() const
{
    QList<QWidget*> shown;
    for (QWidget* toast : findChildren<QWidget*>(QStringLiteral("toast"), Qt::FindDirectChildrenOnly)) {
        if (!toast->isHidden()) {
            shown.append(toast);
        }
    }
    return shown;
}

bool ToastArea::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == parent() && event->type() == QEvent::Resize) {
        place();
    }
    return QWidget::eventFilter(watched, event);
}

void ToastArea::place()
{
    auto* host = parentWidget();
    if (host == nullptr) {
        return;
    }
    if (toasts().isEmpty()) {
        hide();
        return;
    }
    adjustSize();
    const int height = std::min(sizeHint().height(), host->height() - 2 * kMargin);
    setGeometry(host->width() - kWidth - kMargin, host->height() - height - kMargin, kWidth, height);
}

} // namespace hoststudio::ui
