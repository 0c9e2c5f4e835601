// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The session journal: one small JSON file written before each externally visible step of going
// live (ingest prepared and started, stream announced, media started, live event published) and
// while ending. After a crash or a kill, the next start reads it and ends the session properly:
// `ended` published, the ingest idled, the recording named. A clean end removes it.
//
// It holds no secret: the stream key is left out (stopping an ingest needs only its id), and the
// live activity is kept as its public tags. Writes are atomic (a temporary file in the same
// directory, fsync, rename, fsync of the directory) and the file is private (mode 0600), so a crash
// mid-write leaves the previous version, never half of one.
//
// Thread safety: a value type over a path; one writer at a time (the session controller).

#include "hoststudio/core/Result.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hoststudio::session {

enum class JournalPhase : std::uint8_t { goingLive, live, ending };
[[nodiscard]] std::string_view toString(JournalPhase phase) noexcept;

struct JournalRecord {
    JournalPhase phase = JournalPhase::goingLive;
    std::string eventId; // the activity's `d`
    std::string hostPublicKeyHex;
    // The ingest, without its key.
    std::string provider;
    std::string streamId;
    std::string ingestUrl;
    std::optional<std::string> hlsPlaybackUrl;
    std::optional<std::string> playerPageUrl;
    std::optional<std::string> archiveUrl;
    // The live activity's tags as last signed (or about to be), and that version's created_at.
    nlohmann::json activityTags = nlohmann::json::array();
    std::optional<std::int64_t> lastCreatedAt;
    std::optional<std::string> recordingPath;
    // The process that runs the session (so that `hoststudio end` can ask it to end), when known,
    // and when it started (clock ticks after boot, /proc/PID/stat): a process id is reused once its
    // process is gone, so the two together name the studio's process.
    std::optional<std::int64_t> processId;
    std::optional<std::uint64_t> processStartTicks;
    // What was started, so that an end undoes exactly that.
    bool ingestPrepared = false;
    bool ingestStarted = false;
    bool channelAnnounced = false;
    bool mediaStarted = false;
    bool livePublished = false;
    // A relay accepted a version of the live event: only then can a relay show it as live, and
    // only then is an `ended` that reached no relay something left behind. (A journal without
    // the field, from an older version, counts as accepted when the event was published.)
    bool liveAccepted = false;
    // What an end could not clean up (kept for the next recovery).
    std::vector<std::string> leftovers;

    [[nodiscard]] nlohmann::json toJson() const;
    [[nodiscard]] static core::Result<JournalRecord> fromJson(const nlohmann::json& value);
    friend bool operator==(const JournalRecord&, const JournalRecord&) = default;
};

class SessionJournal {
public:
    explicit SessionJournal(std::filesystem::path file);

    [[nodiscard]] const std::filesystem::path& path() const noexcept { return file_; }
    // journalUnwritable with the path and the reason when the file cannot be replaced.
    [[nodiscard]] core::Status write(const JournalRecord& record) const;
    // nullopt when there is no journal; journalCorrupt (with the reason) when it cannot be read.
    [[nodiscard]] core::Result<std::optional<JournalRecord>> read() const;
    // Removes the journal (absent is fine).
    [[nodiscard]] core::Status remove() const;

    // Where the studio keeps it: $XDG_STATE_HOME/hoststudio/session.json (~/.local/state/…).
    [[nodiscard]] static std::filesystem::path defaultPath();

private:
    std::filesystem::path file_;
};

// Whether a process with this id exists (any process: see isSessionProcessRunning).
[[nodiscard]] bool isProcessRunning(std::int64_t processId) noexcept;

// When the process started, in clock ticks after boot (field 22 of /proc/PID/stat); nullopt when it
// does not exist or cannot be read.
[[nodiscard]] std::optional<std::uint64_t> processStartTicks(std::int64_t processId);

// Whether the process a journal names still runs the session: the id exists and it is the same
// process (the same start time; for a journal without one, a process called hoststudio). A session
// alive somewhere else must be ended there (`hoststudio end`), not recovered; a process that merely
// got the dead session's id must be left alone.
[[nodiscard]] bool isSessionProcessRunning(const JournalRecord& record);

} // namespace hoststudio::session
