// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// CloudinaryStreamMemory: which Cloudinary live stream belongs to which live event, so every
// session of an event reuses the same stream (same stream key, same playback URL). A small JSON
// file: {"version":1,"streams":{"<event id>":{"stream_id":"…","cloud":"…","updated_at":<ms>}}}
// (a stream remembered for another cloud does not count),
// written atomically on every change. No secret goes in it (stream keys are fetched again).
// A missing file is an empty memory; an unreadable or malformed one is reported by load() and
// then treated as empty (the next change rewrites it).
//
// Thread safety: every method may be called from any thread (one mutex).

#include "hoststudio/core/Result.hpp"

#include <QString>

#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace hoststudio::cloud {

class CloudinaryStreamMemory {
public:
    // The default place: <AppDataLocation>/cloudinary-streams.json.
    [[nodiscard]] static QString defaultFilePath();

    explicit CloudinaryStreamMemory(QString filePath);

    // Reads the file (done once by the first lookup too). An error names the file and the fault.
    [[nodiscard]] core::Status load();

    [[nodiscard]] std::optional<std::string> streamFor(const std::string& cloud, const std::string& eventId);
    [[nodiscard]] core::Status remember(const std::string& cloud, const std::string& eventId,
                                        const std::string& streamId);
    [[nodiscard]] core::Status forget(const std::string& cloud, const std::string& eventId);

    [[nodiscard]] const QString& filePath() const noexcept { return filePath_; }

private:
    struct Entry {
        std::string streamId;
        std::string cloud;
        std::int64_t updatedAtMs = 0;
    };
    core::Status loadLocked();
    core::Status saveLocked();

    QString filePath_;
    std::mutex mutex_;
    bool loaded_ = false;
    std::map<std::string, Entry> entries_; // by event id
};

} // namespace hoststudio::cloud
