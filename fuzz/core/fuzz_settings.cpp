// SPDX-License-Identifier: GPL-2.0-or-later
// libFuzzer target: a settings file (hoststudio.ini, or any file given with --config) as written by
// hand or by another program, read through core::Settings.
// Properties: opening never crashes; every declared key reads as a valid value or its default, and
// that value is accepted when written back; the reconnect policy derived from it is in its limits;
// every log line the reading produces goes through the scrubbing formatter.

#include "../FuzzSupport.hpp"
#include "DropLog.hpp"

#include "hoststudio/core/Log.hpp"
#include "hoststudio/core/Settings.hpp"

#include <QByteArray>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QString>
#include <QTemporaryDir>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace {

using namespace hoststudio::core;

using hoststudio::fuzz::failProperty;

using hoststudio::fuzz::formatAndDrop;

QTemporaryDir& scratch()
{
    // Every input is written, read and synced back: on tmpfs when there is one, a disk is slow.
    static QTemporaryDir directory(QDir(QStringLiteral("/dev/shm")).exists()
                                       ? QStringLiteral("/dev/shm/hoststudio-fuzz-settings-XXXXXX")
                                       : QDir::tempPath() + QStringLiteral("/hoststudio-fuzz-settings-XXXXXX"));
    if (!directory.isValid()) {
        failProperty("no temporary directory for the settings files");
    }
    return directory;
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/)
{
    qInstallMessageHandler(formatAndDrop);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    // One file name for every input (a new name each time would grow QSettings' file cache, and
    // libFuzzer would take that for a leak), with a new modification time each time so that
    // QSettings really reads every input instead of its cached copy.
    static qint64 counter = 0;
    const QString path = scratch().filePath(QStringLiteral("input.ini"));
    {
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
            failProperty("cannot write the settings file");
        }
        file.write(reinterpret_cast<const char*>(data), static_cast<qint64>(size));
        file.setFileTime(QDateTime::fromSecsSinceEpoch(++counter, Qt::UTC), QFileDevice::FileModificationTime);
    }
    {
        auto opened = Settings::openFile(path);
        if (opened) {
            Settings& settings = *opened;
            for (const SettingDefinition& definition : Settings::definitions()) {
                (void)settings.isSetExplicitly(definition.key);
                switch (definition.type) {
                case SettingType::text: (void)settings.text(definition.key); break;
                case SettingType::integer: {
                    const qint64 number = settings.integer(definition.key);
                    if (number < definition.minimum || number > definition.maximum) {
                        failProperty("an integer setting reads outside its limits");
                    }
                    break;
                }
                case SettingType::boolean: (void)settings.flag(definition.key); break;
                case SettingType::textList: (void)settings.textList(definition.key); break;
                }
                const QVariant value = settings.value(definition.key);
                if (!settings.set(definition.key, value)) {
                    failProperty("a value read from the settings is refused when written back");
                }
            }
            (void)settings.reconnectConfig();
        } else {
            (void)opened.error().describe();
        }
    }
    QFile::remove(path);
    return 0;
}
