// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The studio's settings: QSettings underneath, every key declared once in definitions() with its
// type, default and limits. The defaults are the "embedded default" setup: the local stack that
// `scripts/dev run` starts (RTMP ingest with HLS, a Nostr relay, the chat server) on its default ports.
//
// A value that is missing, of the wrong type or out of range reads as the default (and is logged
// once); writing such a value is refused with an error. Secrets (nsec, API secret, stream keys)
// never go here: they live in the keyring or the private secrets file (SecretStore.hpp).
//
// Thread safety: one Settings object per thread (QSettings is reentrant, not thread-safe).

#include "hoststudio/core/ReconnectPolicy.hpp"
#include "hoststudio/core/Result.hpp"

#include <QString>
#include <QStringList>
#include <QVariant>

#include <memory>
#include <optional>
#include <string_view>
#include <vector>

class QSettings;

namespace hoststudio::core {

enum class SettingType { text, integer, boolean, textList };

struct SettingDefinition {
    std::string_view key; // "group/name"
    SettingType type = SettingType::text;
    QVariant defaultValue;
    std::string_view description;
    qint64 minimum = 0;  // integers only
    qint64 maximum = 0;  // integers only
    QStringList choices; // text only; empty = any text
};

namespace setting {
inline constexpr std::string_view ingestProvider = "ingest/provider";
inline constexpr std::string_view ingestRtmpUrl = "ingest/rtmpUrl";
inline constexpr std::string_view ingestRtmpsUrl = "ingest/rtmpsUrl";
inline constexpr std::string_view ingestHlsBaseUrl = "ingest/hlsBaseUrl";
inline constexpr std::string_view tlsExtraCaFile = "tls/extraCaFile";
inline constexpr std::string_view nostrRelays = "nostr/relays";
inline constexpr std::string_view chatUrl = "chat/url";
inline constexpr std::string_view backendUrl = "backend/url";
inline constexpr std::string_view cloudinaryApiBaseUrl = "cloudinary/apiBaseUrl";
inline constexpr std::string_view cloudinaryCloudName = "cloudinary/cloudName";
inline constexpr std::string_view cloudinaryApiKey = "cloudinary/apiKey";
inline constexpr std::string_view videoPreset = "video/preset";
inline constexpr std::string_view videoBitrateKbps = "video/bitrateKbps";
inline constexpr std::string_view audioBitrateKbps = "audio/bitrateKbps";
inline constexpr std::string_view recordingEnabled = "recording/enabled";
inline constexpr std::string_view recordingDirectory = "recording/directory";
inline constexpr std::string_view reconnectEnabled = "reconnect/enabled";
inline constexpr std::string_view reconnectInitialDelayMs = "reconnect/initialDelayMs";
inline constexpr std::string_view reconnectMaxDelayMs = "reconnect/maxDelayMs";
inline constexpr std::string_view reconnectMaxRetries = "reconnect/maxRetries";
inline constexpr std::string_view confirmEndStream = "ui/confirmEndStream";
inline constexpr std::string_view uiTheme = "ui/theme";
inline constexpr std::string_view logDirectory = "log/directory";
inline constexpr std::string_view secretsBackend = "secrets/backend";
} // namespace setting

class Settings {
public:
    // The host's own settings (~/.config/HostStudio/hoststudio.conf).
    [[nodiscard]] static Settings forUser();
    // An INI file given on the command line (`--config`); it must exist and parse.
    [[nodiscard]] static Result<Settings> openFile(const QString& iniPath);
    // An INI file that may not exist yet (created on the first sync()).
    [[nodiscard]] static Settings atPath(const QString& iniPath);

    Settings(Settings&&) noexcept;
    Settings& operator=(Settings&&) noexcept;
    ~Settings();

    // Every key, in display order. The one place defaults live.
    [[nodiscard]] static const std::vector<SettingDefinition>& definitions();
    [[nodiscard]] static const SettingDefinition* find(std::string_view key);

    [[nodiscard]] QString text(std::string_view key) const;
    [[nodiscard]] qint64 integer(std::string_view key) const;
    [[nodiscard]] bool flag(std::string_view key) const;
    [[nodiscard]] QStringList textList(std::string_view key) const;
    // The value as stored when valid, else the default.
    [[nodiscard]] QVariant value(std::string_view key) const;
    [[nodiscard]] bool isSetExplicitly(std::string_view key) const;

    // Refuses unknown keys, wrong types, out-of-range numbers and texts not among the choices.
    [[nodiscard]] Status set(std::string_view key, const QVariant& newValue);
    void reset(std::string_view key);
    // Writes to disk; reports a file that cannot be written.
    [[nodiscard]] Status sync();

    [[nodiscard]] QString filePath() const;
    [[nodiscard]] ReconnectConfig reconnectConfig() const;

private:
    explicit Settings(std::unique_ptr<QSettings> storage);
    [[nodiscard]] const SettingDefinition& definition(std::string_view key) const;
    [[nodiscard]] std::optional<QVariant> validated(const SettingDefinition& definition, const QVariant& raw) const;

    std::unique_ptr<QSettings> storage_;
};

} // namespace hoststudio::core
