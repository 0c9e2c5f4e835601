// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/ui/Theme.hpp"

#include <QApplication>
#include <QDBusConnection>
#include <QDBusMessage>
#include <QDBusVariant>
#include <QPalette>
#include <QStyle>
#include <QStyleFactory>

#include <optional>

namespace hoststudio::ui {

namespace {

constexpr int kPortalTimeoutMs = 300;

// org.freedesktop.appearance color-scheme: 0 no preference, 1 prefer dark, 2 prefer light.
std::optional<uint> portalColourScheme()
{
    QDBusConnection bus = QDBusConnection::sessionBus();
    if (!bus.isConnected()) {
        return std::nullopt;
    }
    QDBusMessage call = QDBusMessage::createMethodCall(
        QStringLiteral("org.freedesktop.portal.Desktop"), QStringLiteral("/org/freedesktop/portal/desktop"),
        QStringLiteral("org.freedesktop.portal.Settings"), QStringLiteral("Read"));
    call << QStringLiteral("org.freedesktop.appearance") << QStringLiteral("color-scheme");
    const QDBusMessage reply = bus.call(call, QDBus::Block, kPortalTimeoutMs);
    if (reply.type() != QDBusMessage::ReplyMessage || reply.arguments().isEmpty()) {
        return std::nullopt;
    }
    // The answer is a variant holding a variant holding the uint.
    QVariant value = reply.arguments().constFirst();
    while (value.canConvert<QDBusVariant>() && value.userType() == qMetaTypeId<QDBusVariant>()) {
        value = value.value<QDBusVariant>().variant();
    }
    bool ok = false;
    const uint scheme = value.toUInt(&ok);
    return ok ? std::optional<uint>(scheme) : std::nullopt;
}

QPalette darkPalette()
{
    QPalette palette;
    const QColor window(0x1f, 0x23, 0x2a);
    const QColor base(0x16, 0x19, 0x1e);
    const QColor text(0xe5, 0xe7, 0xeb);
    const QColor disabledText(0x6b, 0x72, 0x80);
    const QColor highlight(0x3b, 0x82, 0xf6);
    palette.setColor(QPalette::Window, window);
    palette.setColor(QPalette::WindowText, text);
    palette.setColor(QPalette::Base, base);
    palette.setColor(QPalette::AlternateBase, window);
    palette.setColor(QPalette::ToolTipBase, base);
    palette.setColor(QPalette::ToolTipText, text);
    palette.setColor(QPalette::PlaceholderText, disabledText);
    palette.setColor(QPalette::Text, text);
    palette.setColor(QPalette::Button, QColor(0x2b, 0x30, 0x38));
    palette.setColor(QPalette::ButtonText, text);
    palette.setColor(QPalette::BrightText, Qt::white);
    palette.setColor(QPalette::Link, highlight.lighter(130));
    palette.setColor(QPalette::Highlight, highlight);
    palette.setColor(QPalette::HighlightedText, Qt::white);
    for (const auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText}) {
        palette.setColor(QPalette::Disabled, role, disabledText);
    }
    return palette;
}

} // namespace

bool desktopPrefersDark()
{
    if (const auto scheme = portalColourScheme(); scheme && *scheme != 0) {
        return *scheme == 1;
    }
    // No portal answer: a platform theme that already gives a dark palette means a dark desktop.
    return QGuiApplication::palette().color(QPalette::Window).lightness() < 128;
}

Theme resolveTheme(const QString& setting)
{
    if (setting == QLatin1String("dark")) {
        return Theme::dark;
    }
    if (setting == QLatin1String("light")) {
        return Theme::light;
    }
    return desktopPrefersDark() ? Theme::dark : Theme::light;
}

void applyTheme(QApplication& application, Theme theme)
{
    if (QStyle* fusion = QStyleFactory::create(QStringLiteral("Fusion")); fusion != nullptr) {
        QApplication::setStyle(fusion);
    }
    application.setPalette(theme == Theme::dark ? darkPalette() : QApplication::style()->standardPalette());
}

} // namespace hoststudio::ui
