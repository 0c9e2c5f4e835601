// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/core/SecretStoreBackend.hpp"

#include "hoststudio/core/Log.hpp"
#include "hoststudio/core/SecretStore.hpp"

#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <iterator>
#include <map>
#include <memory>
#include <string>
#include <system_error>
#include <utility>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace hoststudio::core {

namespace {

constexpr int kFileFormatVersion = 1;
// Far more than any set of keys and tokens; a larger file is not ours.
constexpr off_t kMaximumFileBytes = off_t{4} * 1024 * 1024;

std::string errnoText(int error)
{
    return std::error_code(error, std::generic_category()).message();
}

std::string pathText(const QString& path)
{
    return path.toStdString();
}

// The secrets held in memory; the values are wiped when it goes away.
class SecretMap {
public:
    SecretMap() = default;
    SecretMap(const SecretMap&) = delete;
    SecretMap& operator=(const SecretMap&) = delete;
    SecretMap(SecretMap&&) = default;
    SecretMap& operator=(SecretMap&&) = default;
    ~SecretMap()
    {
        for (auto& entry : entries) {
            wipeSecret(entry.second);
        }
    }

    std::map<std::string, std::string, std::less<>> entries;
};

// Closes a descriptor when it goes away.
class Descriptor {
public:
    explicit Descriptor(int descriptor) noexcept : descriptor_(descriptor) {}
    Descriptor(const Descriptor&) = delete;
    Descriptor& operator=(const Descriptor&) = delete;
    ~Descriptor()
    {
        if (descriptor_ >= 0) {
            ::close(descriptor_);
        }
    }
    [[nodiscard]] int get() const noexcept { return descriptor_; }
    [[nodiscard]] bool valid() const noexcept { return descriptor_ >= 0; }
    // Closes now and reports the error of close().
    [[nodiscard]] int closeNow() noexcept
    {
        const int result = ::close(descriptor_);
        descriptor_ = -1;
        return result == 0 ? 0 : errno;
    }

private:
    int descriptor_;
};

void wipeBytes(QByteArray& bytes)
{
    if (!bytes.isEmpty()) {
        bytes.fill('\0');
    }
    bytes.clear();
}

std::string corruptAdvice(const QString& path)
{
    return ": restore it from a backup, or move it away and store the secrets again with "
           "`hoststudio secret set NAME` (" +
           pathText(path) + ")";
}

Result<SecretMap> parseSecrets(const QByteArray& contents, const QString& path)
{
    QJsonParseError parseError{};
    const QJsonDocument document = QJsonDocument::fromJson(contents, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        return {SecretErrc::fileCorrupt, "the secrets file is not valid JSON (" +
                                             parseError.errorString().toStdString() + " at byte " +
                                             std::to_string(parseError.offset) + ")" + corruptAdvice(path)};
    }
    if (!document.isObject()) {
        return {SecretErrc::fileCorrupt, "the secrets file does not hold a JSON object" + corruptAdvice(path)};
    }
    const QJsonObject root = document.object();
    if (root.value(QStringLiteral("version")).toInt(-1) != kFileFormatVersion) {
        return {SecretErrc::fileCorrupt, "the secrets file has no \"version\": " + std::to_string(kFileFormatVersion) +
                                             " (it was not written by HostStudio, or by a newer one)" +
                                             corruptAdvice(path)};
    }
    const QJsonValue secrets = root.value(QStringLiteral("secrets"));
    if (!secrets.isObject()) {
        return {SecretErrc::fileCorrupt, "the secrets file has no \"secrets\" object" + corruptAdvice(path)};
    }
    SecretMap map;
    const QJsonObject entries = secrets.toObject();
    for (auto entry = entries.begin(); entry != entries.end(); ++entry) {
        const std::string name = entry.key().toStdString();
        if (!entry.value().isString() || !isValidSecretName(name)) {
            return {SecretErrc::fileCorrupt, "the secrets file holds an entry that is not a named text (\"" + name +
                                                 "\")" + corruptAdvice(path)};
        }
        std::string value = entry.value().toString().toStdString();
        SecretScrubber::registerSecret(value);
        map.entries.emplace(name, std::move(value));
    }
    return map;
}

// The file's secrets; an empty map when the file does not exist.
Result<SecretMap> loadSecrets(const QString& path, uid_t expectedOwner)
{
    const QByteArray nativePath = QFile::encodeName(path);
    const Descriptor file(::open(nativePath.constData(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW));
    if (!file.valid()) {
        const int error = errno;
        if (error == ENOENT) {
            return SecretMap{};
        }
        if (error == ELOOP) {
            return {SecretErrc::fileInsecure,
                    "the secrets file " + pathText(path) + " is a symbolic link; replace it by the file itself"};
        }
        return {SecretErrc::fileUnreadable,
                "the secrets file " + pathText(path) + " cannot be opened: " + errnoText(error)};
    }
    struct stat status {};
    if (::fstat(file.get(), &status) != 0) {
        return {SecretErrc::fileUnreadable, "the secrets file " + pathText(path) + ": " + errnoText(errno)};
    }
    if (!S_ISREG(status.st_mode)) {
        return {SecretErrc::fileInsecure, "the secrets file " + pathText(path) + " is not a regular file"};
    }
    if (status.st_uid != expectedOwner) {
        return {SecretErrc::fileInsecure, "the secrets file " + pathText(path) + " belongs to user id " +
                                              std::to_string(status.st_uid) + ", not to you (user id " +
                                              std::to_string(expectedOwner) +
                                              "); it is not used: move it away, then store the secrets again"};
    }
    if ((status.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
        char mode[8];
        std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(status.st_mode & 07777));
        return {SecretErrc::fileInsecure, "the secrets file " + pathText(path) + " has mode " + mode +
                                              ", so other users can read or change it; it is not used until you "
                                              "restrict it with: chmod 600 " +
                                              pathText(path)};
    }
    if (status.st_size > kMaximumFileBytes) {
        return {SecretErrc::fileCorrupt, "the secrets file is larger than " + std::to_string(kMaximumFileBytes) +
                                             " bytes" + corruptAdvice(path)};
    }
    QByteArray contents;
    contents.reserve(static_cast<qsizetype>(status.st_size) + 1);
    char buffer[4096];
    for (;;) {
        const ssize_t count = ::read(file.get(), buffer, sizeof buffer);
        if (count < 0 && errno == EINTR) {
            continue;
        }
        if (count < 0) {
            const int error = errno;
            wipeBytes(contents);
            return {SecretErrc::fileUnreadable, "the secrets file " + pathText(path) + ": " + errnoText(error)};
        }
        if (count == 0) {
            break;
        }
        contents.append(buffer, static_cast<qsizetype>(count));
        if (contents.size() > kMaximumFileBytes) {
            wipeBytes(contents);
            return {SecretErrc::fileCorrupt, "the secrets file grew beyond " + std::to_string(kMaximumFileBytes) +
                                                 " bytes while being read" + corruptAdvice(path)};
        }
    }
    std::fill(std::begin(buffer), std::end(buffer), '\0');
    auto secrets = parseSecrets(contents, path);
    wipeBytes(contents);
    return secrets;
}

Status ensureDirectory(const QString& directory)
{
    if (QFileInfo(directory).isDir()) {
        return {};
    }
    if (!QDir().mkpath(directory)) {
        return {SecretErrc::fileUnwritable,
                "the directory " + pathText(directory) + " cannot be created; check its parent's permissions"};
    }
    ::chmod(QFile::encodeName(directory).constData(), S_IRWXU);
    return {};
}

Status writeAll(int descriptor, const QByteArray& bytes)
{
    qsizetype offset = 0;
    while (offset < bytes.size()) {
        const ssize_t count =
            ::write(descriptor, bytes.constData() + offset, static_cast<std::size_t>(bytes.size() - offset));
        if (count < 0 && errno == EINTR) {
            continue;
        }
        if (count <= 0) {
            return {SecretErrc::fileUnwritable, errnoText(count < 0 ? errno : EIO)};
        }
        offset += count;
    }
    return {};
}

// Writes `secrets` to a temporary file next to `path` and renames it over `path`.
Status saveSecrets(const QString& path, const SecretMap& secrets)
{
    QJsonObject entries;
    for (const auto& [name, value] : secrets.entries) {
        entries.insert(QString::fromStdString(name), QString::fromStdString(value));
    }
    const QJsonObject root{{QStringLiteral("version"), kFileFormatVersion}, {QStringLiteral("secrets"), entries}};
    QByteArray contents = QJsonDocument(root).toJson(QJsonDocument::Indented);

    const QFileInfo target(path);
    QByteArray temporaryPath = QFile::encodeName(target.absolutePath() + QStringLiteral("/.") + target.fileName());
    temporaryPath += ".XXXXXX";
    Descriptor file(::mkostemp(temporaryPath.data(), O_CLOEXEC));
    if (!file.valid()) {
        const int error = errno;
        wipeBytes(contents);
        return {SecretErrc::fileUnwritable,
                "cannot create a temporary file next to the secrets file " + pathText(path) + ": " + errnoText(error)};
    }
    Status written =
        ::fchmod(file.get(), S_IRUSR | S_IWUSR) == 0 ? Status{} : Status{SecretErrc::fileUnwritable, errnoText(errno)};
    if (written.ok()) {
        written = writeAll(file.get(), contents);
    }
    wipeBytes(contents);
    if (written.ok() && ::fsync(file.get()) != 0) {
        written = Status{SecretErrc::fileUnwritable, errnoText(errno)};
    }
    if (const int closeError = file.closeNow(); written.ok() && closeError != 0) {
        written = Status{SecretErrc::fileUnwritable, errnoText(closeError)};
    }
    if (written.ok() && ::rename(temporaryPath.constData(), QFile::encodeName(path).constData()) != 0) {
        written = Status{SecretErrc::fileUnwritable, errnoText(errno)};
    }
    if (!written.ok()) {
        ::unlink(temporaryPath.constData());
        return {SecretErrc::fileUnwritable, "the secrets file " + pathText(path) +
                                                " cannot be written (it is unchanged): " + written.error().detail()};
    }
    // The rename itself is durable once the directory is synced.
    if (const Descriptor directory(
            ::open(QFile::encodeName(target.absolutePath()).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        directory.valid()) {
        ::fsync(directory.get());
    }
    return {};
}

// An exclusive lock on "<path>.lock" for one read-modify-write; released when it goes away.
class WriteLock {
public:
    static Result<std::unique_ptr<WriteLock>> acquire(const QString& path)
    {
        const QByteArray lockPath = QFile::encodeName(path) + ".lock";
        const int descriptor =
            ::open(lockPath.constData(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, S_IRUSR | S_IWUSR);
        if (descriptor < 0) {
            return {SecretErrc::fileUnwritable,
                    "cannot open the lock file " + lockPath.toStdString() + ": " + errnoText(errno)};
        }
        auto lock = std::unique_ptr<WriteLock>(new WriteLock(descriptor));
        while (::flock(descriptor, LOCK_EX) != 0) {
            if (errno != EINTR) {
                return {SecretErrc::fileUnwritable, "cannot lock " + lockPath.toStdString() + ": " + errnoText(errno)};
            }
        }
        return lock;
    }

private:
    explicit WriteLock(int descriptor) : file_(descriptor) {}
    Descriptor file_; // closing it releases the lock
};

} // namespace

FileSecretBackend::FileSecretBackend(QString filePath, std::optional<uid_t> expectedOwner)
    : filePath_(std::move(filePath)), expectedOwner_(expectedOwner.value_or(::geteuid()))
{}

Result<std::optional<std::string>> FileSecretBackend::read(std::string_view name)
{
    auto secrets = loadSecrets(filePath_, expectedOwner_);
    if (!secrets) {
        return secrets.error();
    }
    const auto found = secrets->entries.find(name);
    if (found == secrets->entries.end()) {
        return std::optional<std::string>{};
    }
    return std::optional<std::string>{found->second};
}

Status FileSecretBackend::write(std::string_view name, std::string_view value)
{
    if (Status directory = ensureDirectory(QFileInfo(filePath_).absolutePath()); !directory) {
        return directory;
    }
    auto lock = WriteLock::acquire(filePath_);
    if (!lock) {
        return lock.error();
    }
    auto secrets = loadSecrets(filePath_, expectedOwner_);
    if (!secrets) {
        return secrets.error();
    }
    auto& slot = secrets->entries[std::string(name)];
    wipeSecret(slot);
    slot.assign(value);
    return saveSecrets(filePath_, secrets.value());
}

Result<bool> FileSecretBackend::remove(std::string_view name)
{
    if (!QFileInfo::exists(filePath_)) {
        return false;
    }
    auto lock = WriteLock::acquire(filePath_);
    if (!lock) {
        return lock.error();
    }
    auto secrets = loadSecrets(filePath_, expectedOwner_);
    if (!secrets) {
        return secrets.error();
    }
    const auto found = secrets->entries.find(name);
    if (found == secrets->entries.end()) {
        return false;
    }
    wipeSecret(found->second);
    secrets->entries.erase(found);
    if (Status saved = saveSecrets(filePath_, secrets.value()); !saved) {
        return saved.error();
    }
    return true;
}

Result<std::vector<std::string>> FileSecretBackend::names()
{
    auto secrets = loadSecrets(filePath_, expectedOwner_);
    if (!secrets) {
        return secrets.error();
    }
    std::vector<std::string> result;
    result.reserve(secrets->entries.size());
    for (const auto& entry : secrets->entries) {
        result.push_back(entry.first);
    }
    return result;
}

} // namespace hoststudio::core
