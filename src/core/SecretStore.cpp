// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/core/SecretStore.hpp"

#include "hoststudio/core/Log.hpp"
#include "hoststudio/core/SecretStoreBackend.hpp"
#include "hoststudio/core/Settings.hpp"

#include <QStandardPaths>

#include <algorithm>
#include <utility>

namespace hoststudio::core {

namespace {

const char* describeSecretError(SecretErrc value) noexcept
{
    switch (value) {
    case SecretErrc::invalidName: return "invalid secret name";
    case SecretErrc::invalidValue: return "invalid secret value";
    case SecretErrc::backendUnavailable: return "keyring unavailable";
    case SecretErrc::keyringFailed: return "keyring error";
    case SecretErrc::fileInsecure: return "secrets file is not private";
    case SecretErrc::fileCorrupt: return "secrets file is damaged";
    case SecretErrc::fileUnreadable: return "secrets file cannot be read";
    case SecretErrc::fileUnwritable: return "secrets file cannot be written";
    case SecretErrc::timedOut: return "keyring timed out";
    }
    return nullptr;
}

bool isLowerOrDigit(char character) noexcept
{
    return (character >= 'a' && character <= 'z') || (character >= '0' && character <= '9');
}

bool isNameCharacter(char character) noexcept
{
    return isLowerOrDigit(character) || (character >= 'A' && character <= 'Z') || character == '.' ||
           character == '_' || character == '-';
}

std::string nameText(std::string_view name)
{
    return std::string(name);
}

Status checkName(std::string_view name)
{
    if (!isValidSecretName(name)) {
        return {SecretErrc::invalidName,
                "\"" + nameText(name.substr(0, 80)) +
                    "\" is not a secret name: use group/name, e.g. nostr/nsec, cloudinary/apiSecret, ingest/streamKey"};
    }
    return {};
}

} // namespace

HOSTSTUDIO_DEFINE_ERROR_CATEGORY(SecretErrc, secretCategory, "hoststudio.secrets", describeSecretError)

QString secretBackendName(SecretBackendKind kind)
{
    return kind == SecretBackendKind::keyring ? QStringLiteral("keyring") : QStringLiteral("file");
}

Result<SecretBackendChoice> parseSecretBackendChoice(const QString& text)
{
    const QString choice = text.trimmed().toLower();
    if (choice == QLatin1String("auto") || choice.isEmpty()) {
        return SecretBackendChoice::automatic;
    }
    if (choice == QLatin1String("keyring")) {
        return SecretBackendChoice::keyring;
    }
    if (choice == QLatin1String("file")) {
        return SecretBackendChoice::file;
    }
    return {SecretErrc::invalidValue,
            "\"" + text.left(40).toStdString() + "\" is not a secrets backend: use auto, keyring or file"};
}

bool isValidSecretName(std::string_view name) noexcept
{
    constexpr std::size_t maximumLength = 128;
    const std::size_t slash = name.find('/');
    if (name.size() > maximumLength || slash == std::string_view::npos || slash == 0 || slash + 1 == name.size()) {
        return false;
    }
    const std::string_view group = name.substr(0, slash);
    const std::string_view rest = name.substr(slash + 1);
    return std::all_of(group.begin(), group.end(), isLowerOrDigit) &&
           std::all_of(rest.begin(), rest.end(), isNameCharacter);
}

void wipeSecret(std::string& text) noexcept
{
    volatile char* bytes = text.data();
    for (std::size_t index = 0; index < text.size(); ++index) {
        bytes[index] = '\0';
    }
    text.clear();
}

QString defaultSecretsFilePath()
{
    return QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation) +
           QStringLiteral("/HostStudio/secrets.json");
}

SecretStoreOptions SecretStoreOptions::fromSettings(const Settings& settings)
{
    SecretStoreOptions options;
    // The setting's value was validated against the choices when read.
    options.choice =
        parseSecretBackendChoice(settings.text(setting::secretsBackend)).valueOr(SecretBackendChoice::automatic);
    return options;
}

SecretStore::SecretStore(std::unique_ptr<SecretBackend> backend, SecretBackendKind kind, std::string reason)
    : backend_(std::move(backend)), kind_(kind), reason_(std::move(reason))
{}

SecretStore::SecretStore(SecretStore&&) noexcept = default;
SecretStore& SecretStore::operator=(SecretStore&&) noexcept = default;
SecretStore::~SecretStore() = default;

Result<SecretStore> SecretStore::open(const SecretStoreOptions& options)
{
    const QString filePath = options.filePath.isEmpty() ? defaultSecretsFilePath() : options.filePath;
    const auto fileStore = [&](std::string reason) {
        qCInfo(lcCore).noquote() << "secrets: using the private file" << filePath << "-"
                                 << QString::fromStdString(reason);
        return SecretStore(std::make_unique<FileSecretBackend>(filePath), SecretBackendKind::file, std::move(reason));
    };
    const auto keyringStore = [&](std::string reason) {
        qCInfo(lcCore).noquote() << "secrets: using the desktop keyring (service " + options.keyringService + ") -"
                                 << QString::fromStdString(reason);
        return SecretStore(std::make_unique<KeyringSecretBackend>(options.keyringService, options.keyringTimeout),
                           SecretBackendKind::keyring, std::move(reason));
    };

    if (options.choice == SecretBackendChoice::file) {
        return fileStore("the setting secrets/backend is file");
    }
    const SecretServiceProbe probe = probeSecretService(options.probeTimeout);
    qCDebug(lcCore).noquote() << "secrets: Secret Service probe:" << QString::fromStdString(probe.reason);
    if (options.choice == SecretBackendChoice::keyring) {
        if (!probe.answered) {
            return {SecretErrc::backendUnavailable,
                    "the setting secrets/backend is keyring, but " + probe.reason +
                        ": start the desktop keyring (e.g. gnome-keyring) or set secrets/backend to auto or file"};
        }
        return keyringStore("the setting secrets/backend is keyring and " + probe.reason);
    }
    if (probe.answered) {
        return keyringStore(probe.reason);
    }
    return fileStore(probe.reason);
}

QString SecretStore::location() const
{
    return backend_->location();
}

Result<std::optional<std::string>> SecretStore::read(std::string_view name)
{
    if (Status valid = checkName(name); !valid) {
        return valid.error();
    }
    auto value = backend_->read(name);
    if (!value) {
        qCWarning(lcCore).noquote() << "secrets: reading" << QString::fromStdString(nameText(name))
                                    << "failed:" << QString::fromStdString(value.error().describe());
        return value.error();
    }
    if (value->has_value()) {
        SecretScrubber::registerSecret(**value);
    }
    qCDebug(lcCore).noquote() << "secrets: read" << QString::fromStdString(nameText(name)) << "from the"
                              << backendName() << (value->has_value() ? "(found)" : "(not set)");
    return value;
}

Status SecretStore::write(std::string_view name, std::string_view value)
{
    if (Status valid = checkName(name); !valid) {
        return valid;
    }
    SecretScrubber::registerSecret(value);
    if (value.empty() || value.size() > kMaximumSecretBytes || value.find('\0') != std::string_view::npos) {
        return {SecretErrc::invalidValue, "the value of " + nameText(name) + " must be 1 to " +
                                              std::to_string(kMaximumSecretBytes) + " bytes of text without NUL bytes"};
    }
    Status written = backend_->write(name, value);
    if (!written) {
        qCWarning(lcCore).noquote() << "secrets: writing" << QString::fromStdString(nameText(name))
                                    << "failed:" << QString::fromStdString(written.error().describe());
        return written;
    }
    qCDebug(lcCore).noquote() << "secrets: stored" << QString::fromStdString(nameText(name)) << "in the"
                              << backendName();
    return written;
}

Result<bool> SecretStore::remove(std::string_view name)
{
    if (Status valid = checkName(name); !valid) {
        return valid.error();
    }
    auto removed = backend_->remove(name);
    if (removed) {
        qCDebug(lcCore).noquote() << "secrets: delete" << QString::fromStdString(nameText(name)) << "from the"
                                  << backendName() << (removed.value() ? "(deleted)" : "(was not set)");
    }
    return removed;
}

Result<std::vector<std::string>> SecretStore::names()
{
    return backend_->names();
}

} // namespace hoststudio::core
