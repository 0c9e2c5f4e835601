// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/app/NostrKeySource.hpp"

#include "hoststudio/core/Log.hpp"
#include "hoststudio/core/Settings.hpp"

#include <QByteArray>
#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>

#include <openssl/crypto.h>

#include <cerrno>
#include <string>
#include <system_error>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace hoststudio::app {

namespace {

const char* describeNostrKeyError(NostrKeyErrc value) noexcept
{
    switch (value) {
    case NostrKeyErrc::notConfigured: return "no Nostr key configured";
    case NostrKeyErrc::fileUnreadable: return "key file cannot be read";
    case NostrKeyErrc::filePermissions: return "key file is readable by others";
    case NostrKeyErrc::invalidKey: return "not a Nostr secret key";
    case NostrKeyErrc::fileExists: return "key file already exists";
    case NostrKeyErrc::fileUnwritable: return "key file cannot be written";
    }
    return nullptr;
}

// A key file is one line; anything much larger is not one.
constexpr qint64 kMaximumKeyFileBytes = 4096;

std::string errnoText(int error)
{
    return std::error_code(error, std::generic_category()).message();
}

// Reads the whole file through one descriptor: the permissions checked are those of the file read.
core::Result<std::string> readSecretFile(const QString& path)
{
    const QByteArray nativePath = QFile::encodeName(path);
    const int descriptor = ::open(nativePath.constData(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (descriptor < 0) {
        const int error = errno;
        return {NostrKeyErrc::fileUnreadable,
                "the key file " + path.toStdString() + " cannot be opened: " + errnoText(error)};
    }
    struct stat status {};
    if (::fstat(descriptor, &status) != 0) {
        const int error = errno;
        ::close(descriptor);
        return {NostrKeyErrc::fileUnreadable, "the key file " + path.toStdString() + ": " + errnoText(error)};
    }
    if (!S_ISREG(status.st_mode)) {
        ::close(descriptor);
        return {NostrKeyErrc::fileUnreadable, "the key file " + path.toStdString() + " is not a regular file"};
    }
    if ((status.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
        ::close(descriptor);
        return {NostrKeyErrc::filePermissions,
                "the key file " + path.toStdString() +
                    " can be read or changed by other users; restrict it with: chmod 600 " + path.toStdString()};
    }
    if (status.st_size > kMaximumKeyFileBytes) {
        ::close(descriptor);
        return {NostrKeyErrc::invalidKey, "the key file " + path.toStdString() + " is larger than a key file can be (" +
                                              std::to_string(kMaximumKeyFileBytes) + " bytes at most)"};
    }
    std::string contents;
    char buffer[512];
    for (;;) {
        const ssize_t count = ::read(descriptor, buffer, sizeof buffer);
        if (count < 0) {
            if (errno == EINTR) {
                continue;
            }
            const int error = errno;
            ::close(descriptor);
            OPENSSL_cleanse(contents.data(), contents.size());
            OPENSSL_cleanse(buffer, sizeof buffer);
            return {NostrKeyErrc::fileUnreadable, "the key file " + path.toStdString() + ": " + errnoText(error)};
        }
        if (count == 0) {
            break;
        }
        contents.append(buffer, static_cast<std::size_t>(count));
        if (contents.size() > static_cast<std::size_t>(kMaximumKeyFileBytes)) {
            ::close(descriptor);
            OPENSSL_cleanse(contents.data(), contents.size());
            OPENSSL_cleanse(buffer, sizeof buffer);
            return {NostrKeyErrc::invalidKey, "the key file " + path.toStdString() + " is too large for a key file"};
        }
    }
    OPENSSL_cleanse(buffer, sizeof buffer);
    ::close(descriptor);
    return contents;
}

bool isSpace(char character) noexcept
{
    return character == ' ' || character == '\t' || character == '\n' || character == '\r' || character == '\v' ||
           character == '\f';
}

std::string_view trimmed(std::string_view text) noexcept
{
    while (!text.empty() && isSpace(text.front())) {
        text.remove_prefix(1);
    }
    while (!text.empty() && isSpace(text.back())) {
        text.remove_suffix(1);
    }
    return text;
}

void wipe(std::string& text) noexcept
{
    OPENSSL_cleanse(text.data(), text.size());
    text.clear();
}

} // namespace

HOSTSTUDIO_DEFINE_ERROR_CATEGORY(NostrKeyErrc, nostrKeyCategory, "hoststudio.app", describeNostrKeyError)

QString nostrKeyOriginName(NostrKeyOrigin origin)
{
    switch (origin) {
    case NostrKeyOrigin::keyFile: return QStringLiteral("key-file");
    case NostrKeyOrigin::environment: return QStringLiteral("environment");
    case NostrKeyOrigin::defaultFile: return QStringLiteral("default-file");
    case NostrKeyOrigin::secretStore: return QStringLiteral("secret-store");
    }
    return {};
}

QString defaultNostrKeyFilePath()
{
    return QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation) +
           QStringLiteral("/HostStudio/nostr.key");
}

std::function<core::Result<std::optional<std::string>>()>
nostrSecretStoreReader(const core::SecretStoreOptions& options)
{
    return [options]() -> core::Result<std::optional<std::string>> {
        auto store = core::SecretStore::open(options);
        if (!store) {
            return store.error();
        }
        return store->read(core::secretName::nostrNsec);
    };
}

NostrKeySources nostrKeySourcesFromEnvironment(const QString& keyFilePath)
{
    return nostrKeySourcesFromEnvironment(keyFilePath, core::Settings::forUser());
}

NostrKeySources nostrKeySourcesFromEnvironment(const QString& keyFilePath, const core::Settings& settings)
{
    NostrKeySources sources;
    sources.keyFilePath = keyFilePath;
    if (QByteArray value = qgetenv(kNostrKeyEnvironmentVariable); !value.isEmpty()) {
        core::SecretScrubber::registerSecret(
            std::string_view(value.constData(), static_cast<std::size_t>(value.size())));
        sources.environmentKey = QString::fromLocal8Bit(value);
        OPENSSL_cleanse(value.data(), static_cast<std::size_t>(value.size()));
    }
    sources.defaultFilePath = defaultNostrKeyFilePath();
    sources.secretStoreReader = nostrSecretStoreReader(core::SecretStoreOptions::fromSettings(settings));
    return sources;
}

core::Result<nostr::SecretKey> parseNostrSecretKeyText(std::string_view text)
{
    if (const std::string_view key = trimmed(text); !key.empty()) {
        core::SecretScrubber::registerSecret(key);
    }
    auto secretKey = nostr::SecretKey::fromText(text);
    if (!secretKey) {
        return {NostrKeyErrc::invalidKey, secretKey.error().detail()};
    }
    return secretKey;
}

core::Result<nostr::SecretKey> readNostrKeyFile(const QString& path)
{
    auto contents = readSecretFile(path);
    if (!contents) {
        return contents.error();
    }
    auto secretKey = parseNostrSecretKeyText(contents.value());
    wipe(contents.value());
    if (!secretKey) {
        return {NostrKeyErrc::invalidKey,
                "the key file " + path.toStdString() + " holds no usable key: " + secretKey.error().detail()};
    }
    return secretKey;
}

core::Result<LoadedNostrKey> loadNostrKey(const NostrKeySources& sources)
{
    if (!sources.keyFilePath.isEmpty()) {
        auto secretKey = readNostrKeyFile(sources.keyFilePath);
        if (!secretKey) {
            return secretKey.error();
        }
        return LoadedNostrKey{std::move(secretKey).value(), NostrKeyOrigin::keyFile};
    }
    if (sources.environmentKey.has_value() && !sources.environmentKey->isEmpty()) {
        std::string text = sources.environmentKey->toStdString();
        auto secretKey = parseNostrSecretKeyText(text);
        wipe(text);
        if (!secretKey) {
            return {NostrKeyErrc::invalidKey, std::string("the environment variable ") + kNostrKeyEnvironmentVariable +
                                                  " holds no usable key: " + secretKey.error().detail()};
        }
        return LoadedNostrKey{std::move(secretKey).value(), NostrKeyOrigin::environment};
    }
    if (!sources.defaultFilePath.isEmpty() && QFileInfo::exists(sources.defaultFilePath)) {
        auto secretKey = readNostrKeyFile(sources.defaultFilePath);
        if (!secretKey) {
            return secretKey.error();
        }
        return LoadedNostrKey{std::move(secretKey).value(), NostrKeyOrigin::defaultFile};
    }
    if (sources.secretStoreReader) {
        auto stored = sources.secretStoreReader();
        if (!stored) {
            return stored.error().withContext("reading the Nostr key (" + std::string(core::secretName::nostrNsec) +
                                              ") from the secret store");
        }
        if (stored->has_value()) {
            auto secretKey = parseNostrSecretKeyText(**stored);
            wipe(**stored);
            if (!secretKey) {
                return {NostrKeyErrc::invalidKey,
                        "the secret " + std::string(core::secretName::nostrNsec) +
                            " in the secret store holds no usable key: " + secretKey.error().detail() +
                            " (replace it with: hoststudio secret set nostr/nsec)"};
            }
            return LoadedNostrKey{std::move(secretKey).value(), NostrKeyOrigin::secretStore};
        }
    }
    return {NostrKeyErrc::notConfigured,
            "no Nostr key is configured: pass --key-file PATH (a file holding an nsec or 64 hex digits, mode 0600), "
            "or set the environment variable " +
                std::string(kNostrKeyEnvironmentVariable) + ", or create the default key file " +
                (sources.defaultFilePath.isEmpty() ? std::string("~/.config/HostStudio/nostr.key")
                                                   : sources.defaultFilePath.toStdString()) +
                " with: hoststudio nostr keygen --save, or store one in the desktop keyring (or the private "
                "secrets file) with: hoststudio secret set nostr/nsec"};
}

core::Status saveNostrKeyFile(const QString& path, const nostr::SecretKey& secretKey, bool overwrite)
{
    const QFileInfo target(path);
    const QString directory = target.absolutePath();
    if (!QDir().exists(directory)) {
        if (!QDir().mkpath(directory)) {
            return {NostrKeyErrc::fileUnwritable, "the directory " + directory.toStdString() + " cannot be created"};
        }
        ::chmod(QFile::encodeName(directory).constData(), S_IRWXU);
    }
    if (!overwrite && (target.exists() || target.isSymLink())) {
        return {NostrKeyErrc::fileExists, "the key file " + path.toStdString() +
                                              " already exists and was left untouched (add --force to replace it; the "
                                              "old key is then lost)"};
    }

    nostr::SecretString contents = secretKey.toNsec(); // wiped when it goes out of scope
    core::SecretScrubber::registerSecret(contents.view());
    contents.append("\n");

    // Without --force: create exclusively. With it: a private temporary file renamed over the old one.
    QByteArray writePath = QFile::encodeName(path);
    int descriptor = -1;
    if (overwrite) {
        writePath += ".XXXXXX";
        descriptor = ::mkostemp(writePath.data(), O_CLOEXEC);
    } else {
        descriptor =
            ::open(writePath.constData(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, S_IRUSR | S_IWUSR);
    }
    if (descriptor < 0) {
        const int error = errno;
        contents.clear();
        if (error == EEXIST) {
            return {NostrKeyErrc::fileExists,
                    "the key file " + path.toStdString() + " already exists (add --force to replace it)"};
        }
        return {NostrKeyErrc::fileUnwritable, "the key file " + path.toStdString() + ": " + errnoText(error)};
    }
    int failure = ::fchmod(descriptor, S_IRUSR | S_IWUSR) == 0 ? 0 : errno;
    std::size_t offset = 0;
    while (failure == 0 && offset < contents.size()) {
        const ssize_t count = ::write(descriptor, contents.c_str() + offset, contents.size() - offset);
        if (count < 0 && errno == EINTR) {
            continue;
        }
        if (count <= 0) {
            failure = count < 0 ? errno : EIO;
            break;
        }
        offset += static_cast<std::size_t>(count);
    }
    contents.clear();
    if (failure == 0 && ::fsync(descriptor) != 0) {
        failure = errno;
    }
    if (::close(descriptor) != 0 && failure == 0) {
        failure = errno;
    }
    if (failure == 0 && overwrite && ::rename(writePath.constData(), QFile::encodeName(path).constData()) != 0) {
        failure = errno;
    }
    if (failure != 0) {
        ::unlink(writePath.constData());
        return {NostrKeyErrc::fileUnwritable, "the key file " + path.toStdString() + ": " + errnoText(failure)};
    }
    return {};
}

} // namespace hoststudio::app
