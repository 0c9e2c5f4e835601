// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/core/Settings.hpp"

#include "hoststudio/core/Log.hpp"

#include <QFileInfo>
#include <QSettings>

#include <algorithm>
#include <cstdlib>

namespace hoststudio::core {

namespace {

QString toQString(std::string_view text)
{
    return QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size()));
}

std::vector<SettingDefinition> makeDefinitions()
{
    using T = SettingType;
    return {
        {setting::ingestProvider,
         T::text,
         QStringLiteral("custom"),
         "Where the stream goes: custom (an RTMP server), cloudinary, or backend (the seed's backend)",
         0,
         0,
         {QStringLiteral("custom"), QStringLiteral("cloudinary"), QStringLiteral("backend")}},
        {setting::ingestRtmpUrl,
         T::text,
         QStringLiteral("rtmp://127.0.0.1:1935/live"),
         "RTMP ingest server of the custom provider (the stream key is appended)",
         0,
         0,
         {}},
        {setting::ingestRtmpsUrl,
         T::text,
         QStringLiteral("rtmps://127.0.0.1:1936/live"),
         "RTMPS ingest server of the custom provider",
         0,
         0,
         {}},
        {setting::ingestHlsBaseUrl,
         T::text,
         QStringLiteral("http://127.0.0.1:8080/hls"),
         "Where viewers play the custom provider's stream: <base>/<stream key>.m3u8",
         0,
         0,
         {}},
        {setting::tlsExtraCaFile,
         T::text,
         QString(),
         "A private certificate authority (PEM) to trust in addition to the system's; empty for none",
         0,
         0,
         {}},
        {setting::nostrRelays,
         T::textList,
         QStringList{QStringLiteral("ws://127.0.0.1:7447")},
         "Nostr relays the live event is published to, the primary first",
         0,
         0,
         {}},
        {setting::chatUrl,
         T::text,
         QStringLiteral("http://127.0.0.1:3001"),
         "The real-time channel (Socket.IO) for viewer chat",
         0,
         0,
         {}},
        {setting::backendUrl, T::text, QString(), "The seed backend's HTTP API; empty when none is used", 0, 0, {}},
        {setting::cloudinaryApiBaseUrl,
         T::text,
         QStringLiteral("https://api.cloudinary.com"),
         "Cloudinary API host",
         0,
         0,
         {}},
        {setting::cloudinaryCloudName, T::text, QString(), "Cloudinary cloud name", 0, 0, {}},
        {setting::cloudinaryApiKey,
         T::text,
         QString(),
         "Cloudinary API key (the API secret is kept in the keyring)",
         0,
         0,
         {}},
        {setting::videoPreset,
         T::text,
         QStringLiteral("720p30"),
         "Output preset",
         0,
         0,
         {QStringLiteral("720p30"), QStringLiteral("1080p30"), QStringLiteral("cloudinary")}},
        {setting::videoBitrateKbps, T::integer, 2500, "Video bitrate in kbit/s", 300, 20000, {}},
        {setting::audioBitrateKbps, T::integer, 128, "Audio bitrate in kbit/s", 64, 320, {}},
        {setting::recordingEnabled, T::boolean, false, "Record locally while streaming", 0, 0, {}},
        {setting::recordingDirectory, T::text, QString(), "Where recordings go; empty for the Videos folder", 0, 0, {}},
        {setting::reconnectEnabled, T::boolean, true, "Reconnect automatically after a drop", 0, 0, {}},
        {setting::reconnectInitialDelayMs, T::integer, 2000, "First reconnect delay in ms", 100, 600000, {}},
        {setting::reconnectMaxDelayMs, T::integer, 900000, "Longest reconnect delay in ms", 1000, 3600000, {}},
        {setting::reconnectMaxRetries, T::integer, 25, "Reconnect attempts before giving up", 0, 1000, {}},
        {setting::confirmEndStream, T::boolean, true, "Ask before ending the stream", 0, 0, {}},
        {setting::uiTheme,
         T::text,
         QStringLiteral("auto"),
         "The window's colours: auto (follow the desktop's light or dark preference), light, or dark",
         0,
         0,
         {QStringLiteral("auto"), QStringLiteral("light"), QStringLiteral("dark")}},
        {setting::logDirectory, T::text, QString(), "Where log files go; empty for the standard place", 0, 0, {}},
        {setting::secretsBackend,
         T::text,
         QStringLiteral("auto"),
         "Where secrets are kept: auto (the desktop keyring when a Secret Service answers, else a private file), "
         "keyring, or file",
         0,
         0,
         {QStringLiteral("auto"), QStringLiteral("keyring"), QStringLiteral("file")}},
    };
}

std::optional<bool> parseBoolean(const QVariant& raw)
{
    if (raw.typeId() == QMetaType::Bool) {
        return raw.toBool();
    }
    const QString text = raw.toString().trimmed().toLower();
    if (text == QLatin1String("true") || text == QLatin1String("1") || text == QLatin1String("yes") ||
        text == QLatin1String("on")) {
        return true;
    }
    if (text == QLatin1String("false") || text == QLatin1String("0") || text == QLatin1String("no") ||
        text == QLatin1String("off")) {
        return false;
    }
    return std::nullopt;
}

} // namespace

Settings::Settings(std::unique_ptr<QSettings> storage) : storage_(std::move(storage))
{}
Settings::Settings(Settings&&) noexcept = default;
Settings& Settings::operator=(Settings&&) noexcept = default;
Settings::~Settings() = default;

Settings Settings::forUser()
{
    return Settings(std::make_unique<QSettings>(QSettings::IniFormat, QSettings::UserScope,
                                                QStringLiteral("HostStudio"), QStringLiteral("hoststudio")));
}

Result<Settings> Settings::openFile(const QString& iniPath)
{
    const QFileInfo info(iniPath);
    if (!info.exists()) {
        return Error{CoreErrc::settingsFileMissing, iniPath.toStdString()};
    }
    if (!info.isReadable() || !info.isFile()) {
        return Error{CoreErrc::fileUnreadable, iniPath.toStdString()};
    }
    auto storage = std::make_unique<QSettings>(iniPath, QSettings::IniFormat);
    if (storage->status() == QSettings::FormatError) {
        return Error{CoreErrc::settingsFileMalformed, iniPath.toStdString()};
    }
    return Settings(std::move(storage));
}

Settings Settings::atPath(const QString& iniPath)
{
    return Settings(std::make_unique<QSettings>(iniPath, QSettings::IniFormat));
}

const std::vector<SettingDefinition>& Settings::definitions()
{
    static const std::vector<SettingDefinition> all = makeDefinitions();
    return all;
}

const SettingDefinition* Settings::find(std::string_view key)
{
    const auto& all = definitions();
    const auto found = std::find_if(all.begin(), all.end(), [key](const auto& entry) { return entry.key == key; });
    return found == all.end() ? nullptr : &*found;
}

const SettingDefinition& Settings::definition(std::string_view key) const
{
    const SettingDefinition* found = find(key);
    if (found == nullptr) {
        // A key not in the table is a programming error, caught by the first test that reads it.
        qFatal("hoststudio: unknown setting key %.*s", static_cast<int>(key.size()), key.data());
    }
    return *found;
}

std::optional<QVariant> Settings::validated(const SettingDefinition& entry, const QVariant& raw) const
{
    switch (entry.type) {
    case SettingType::text: {
        if (raw.typeId() == QMetaType::QStringList || raw.typeId() == QMetaType::QVariantList) {
            return std::nullopt; // "a, b" in an INI file: not one text
        }
        const QString text = raw.toString();
        if (!entry.choices.isEmpty() && !entry.choices.contains(text)) {
            return std::nullopt;
        }
        return QVariant(text);
    }
    case SettingType::integer: {
        bool isNumber = false;
        const qint64 number = raw.toString().trimmed().toLongLong(&isNumber);
        if (!isNumber || number < entry.minimum || number > entry.maximum) {
            return std::nullopt;
        }
        return QVariant(number);
    }
    case SettingType::boolean: {
        const std::optional<bool> parsed = parseBoolean(raw);
        return parsed ? std::optional<QVariant>(QVariant(*parsed)) : std::nullopt;
    }
    case SettingType::textList: {
        QStringList list = raw.typeId() == QMetaType::QString ? QStringList{raw.toString()} : raw.toStringList();
        for (QString& item : list) {
            item = item.trimmed();
        }
        list.removeAll(QString());
        return QVariant(list);
    }
    }
    return std::nullopt;
}

QVariant Settings::value(std::string_view key) const
{
    const SettingDefinition& entry = definition(key);
    const QString name = toQString(key);
    if (!storage_->contains(name)) {
        return entry.defaultValue;
    }
    const QVariant raw = storage_->value(name);
    if (std::optional<QVariant> valid = validated(entry, raw)) {
        return *valid;
    }
    qCWarning(lcCore).noquote() << "setting" << name << "in" << storage_->fileName() << "has an invalid value"
                                << raw.toString() << "- using the default" << entry.defaultValue.toString();
    return entry.defaultValue;
}

QString Settings::text(std::string_view key) const
{
    return value(key).toString();
}

qint64 Settings::integer(std::string_view key) const
{
    return value(key).toLongLong();
}

bool Settings::flag(std::string_view key) const
{
    return value(key).toBool();
}

QStringList Settings::textList(std::string_view key) const
{
    return value(key).toStringList();
}

bool Settings::isSetExplicitly(std::string_view key) const
{
    return storage_->contains(toQString(key));
}

Status Settings::set(std::string_view key, const QVariant& newValue)
{
    const SettingDefinition* entry = find(key);
    if (entry == nullptr) {
        return Error{CoreErrc::unknownSetting, std::string(key)};
    }
    std::optional<QVariant> valid = validated(*entry, newValue);
    if (!valid) {
        std::string expectation;
        switch (entry->type) {
        case SettingType::integer:
            expectation =
                "a whole number from " + std::to_string(entry->minimum) + " to " + std::to_string(entry->maximum);
            break;
        case SettingType::boolean: expectation = "true or false"; break;
        case SettingType::text:
            expectation = entry->choices.isEmpty()
                              ? "one text"
                              : "one of " + entry->choices.join(QStringLiteral(", ")).toStdString();
            break;
        case SettingType::textList: expectation = "a list of texts"; break;
        }
        return Error{CoreErrc::invalidSettingValue,
                     std::string(key) + " = '" + newValue.toString().toStdString() + "': expected " + expectation};
    }
    storage_->setValue(toQString(key), *valid);
    return {};
}

void Settings::reset(std::string_view key)
{
    static_cast<void>(definition(key));
    storage_->remove(toQString(key));
}

Status Settings::sync()
{
    storage_->sync();
    if (storage_->status() == QSettings::AccessError) {
        return Error{CoreErrc::settingsFileUnwritable, storage_->fileName().toStdString()};
    }
    return {};
}

QString Settings::filePath() const
{
    return storage_->fileName();
}

ReconnectConfig Settings::reconnectConfig() const
{
    ReconnectConfig config = ReconnectConfig::defaults();
    config.enabled = flag(setting::reconnectEnabled);
    config.initialDelay = std::chrono::milliseconds(integer(setting::reconnectInitialDelayMs));
    config.maxDelay = std::chrono::milliseconds(integer(setting::reconnectMaxDelayMs));
    config.maxRetries = static_cast<int>(integer(setting::reconnectMaxRetries));
    if (config.maxDelay < config.initialDelay) {
        config.maxDelay = config.initialDelay;
    }
    return config;
}

} // namespace hoststudio::core
