// SPDX-License-Identifier: GPL-2.0-or-later
// `hoststudio status`: the configuration in use, as one JSON line.
#include "hoststudio/app/Verb.hpp"
#include "hoststudio/core/Settings.hpp"
#include "hoststudio/core/Version.hpp"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

namespace hoststudio::app {

int runStatusVerb(VerbContext& context)
{
    QJsonObject values;
    for (const core::SettingDefinition& entry : core::Settings::definitions()) {
        values.insert(QString::fromUtf8(entry.key.data(), static_cast<qsizetype>(entry.key.size())),
                      QJsonValue::fromVariant(context.settings.value(entry.key)));
    }
    const QJsonObject line{
        {QStringLiteral("event"), QStringLiteral("status")},
        {QStringLiteral("version"), QLatin1String(core::kVersion)},
        {QStringLiteral("state"), QStringLiteral("idle")},
        {QStringLiteral("settingsFile"), context.settings.filePath()},
        {QStringLiteral("settings"), values},
    };
    context.out << QJsonDocument(line).toJson(QJsonDocument::Compact) << Qt::endl;
    return kExitOk;
}

} // namespace hoststudio::app
