// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/cloud/CloudinaryStreamMemory.hpp"

#include "hoststudio/cloud/CloudError.hpp"
#include "hoststudio/core/Error.hpp"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <QStandardPaths>

#include <nlohmann/json.hpp>

namespace hoststudio::cloud {

using nlohmann::json;

QString CloudinaryStreamMemory::defaultFilePath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) +
           QStringLiteral("/cloudinary-streams.json");
}

CloudinaryStreamMemory::CloudinaryStreamMemory(QString filePath) : filePath_(std::move(filePath))
{}

core::Status CloudinaryStreamMemory::load()
{
    std::lock_guard lock(mutex_);
    loaded_ = false;
    return loadLocked();
}

core::Status CloudinaryStreamMemory::loadLocked()
{
    if (loaded_) {
        return {};
    }
    loaded_ = true;
    entries_.clear();
    QFile file(filePath_);
    if (!file.exists()) {
        return {};
    }
    const std::string where = "the stream memory " + filePath_.toStdString();
    if (!file.open(QIODevice::ReadOnly)) {
        return core::Error{core::CoreErrc::fileUnreadable,
                           where + " cannot be read (" + file.errorString().toStdString() + "): check its permissions"};
    }
    const QByteArray bytes = file.readAll();
    json document;
    try {
        document = json::parse(bytes.constData(), bytes.constData() + bytes.size());
    } catch (const json::exception&) {
        return core::Error{core::CoreErrc::fileUnreadable,
                           where + " is not JSON: it is ignored and rewritten on the next change"};
    }
    const auto streams = document.is_object() ? document.find("streams") : document.end();
    if (!document.is_object() || streams == document.end() || !streams->is_object()) {
        return core::Error{core::CoreErrc::fileUnreadable,
                           where + " has no \"streams\" object: it is ignored and rewritten on the next change"};
    }
    for (const auto& [eventId, value] : streams->items()) {
        if (!value.is_object()) {
            continue;
        }
        const auto id = value.find("stream_id");
        const auto cloud = value.find("cloud");
        if (id == value.end() || !id->is_string() || cloud == value.end() || !cloud->is_string()) {
            continue; // an unusable entry is skipped; the event gets a new stream
        }
        Entry entry;
        entry.streamId = id->get<std::string>();
        entry.cloud = cloud->get<std::string>();
        if (const auto updated = value.find("updated_at"); updated != value.end() && updated->is_number_integer()) {
            entry.updatedAtMs = updated->get<std::int64_t>();
        }
        entries_[eventId] = std::move(entry);
    }
    return {};
}

core::Status CloudinaryStreamMemory::saveLocked()
{
    json streams = json::object();
    for (const auto& [eventId, entry] : entries_) {
        streams[eventId] = {{"stream_id", entry.streamId}, {"cloud", entry.cloud}, {"updated_at", entry.updatedAtMs}};
    }
    const json document = {{"version", 1}, {"streams", streams}};
    const std::string text = document.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
    const QFileInfo info(filePath_);
    if (!QDir().mkpath(info.absolutePath())) {
        return core::Error{core::CoreErrc::fileUnwritable,
                           "cannot create the directory of the stream memory " + filePath_.toStdString()};
    }
    QSaveFile file(filePath_);
    if (!file.open(QIODevice::WriteOnly) ||
        file.write(text.data(), static_cast<qint64>(text.size())) != static_cast<qint64>(text.size()) ||
        !file.commit()) {
        return core::Error{core::CoreErrc::fileUnwritable, "cannot write the stream memory " + filePath_.toStdString() +
                                                               " (" + file.errorString().toStdString() + ")"};
    }
    return {};
}

std::optional<std::string> CloudinaryStreamMemory::streamFor(const std::string& cloud, const std::string& eventId)
{
    std::lock_guard lock(mutex_);
    if (core::Status loaded = loadLocked(); !loaded) {
        qCWarning(lcCloud).noquote() << QString::fromStdString(loaded.error().detail());
    }
    const auto found = entries_.find(eventId);
    if (found == entries_.end() || found->second.cloud != cloud) {
        return std::nullopt;
    }
    return found->second.streamId;
}

core::Status CloudinaryStreamMemory::remember(const std::string& cloud, const std::string& eventId,
                                              const std::string& streamId)
{
    std::lock_guard lock(mutex_);
    (void)loadLocked();
    entries_[eventId] = Entry{streamId, cloud, QDateTime::currentMSecsSinceEpoch()};
    return saveLocked();
}

core::Status CloudinaryStreamMemory::forget(const std::string& cloud, const std::string& eventId)
{
    std::lock_guard lock(mutex_);
    (void)loadLocked();
    const auto found = entries_.find(eventId);
    if (found == entries_.end() || found->second.cloud != cloud) {
        return {};
    }
    entries_.erase(found);
    return saveLocked();
}

} // namespace hoststudio::cloud
