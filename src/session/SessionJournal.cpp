// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/session/SessionJournal.hpp"

#include "hoststudio/session/SessionError.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

namespace hoststudio::session {

namespace {

constexpr int kJournalVersion = 1;
constexpr std::uintmax_t kMaximumJournalBytes = std::uintmax_t{1024} * 1024U;

std::string systemError(int error)
{
    return std::strerror(error); // NOLINT(concurrency-mt-unsafe): messages only
}

core::Error unwritable(const std::filesystem::path& file, std::string_view what, int error)
{
    return core::Error{SessionErrc::journalUnwritable, file.string() + ": " + std::string(what) + ": " +
                                                           systemError(error) +
                                                           " (free some space or fix the directory's permissions)"};
}

core::Error corrupt(const std::filesystem::path& file, std::string_view why)
{
    return core::Error{SessionErrc::journalCorrupt, file.string() + ": " + std::string(why)};
}

std::optional<JournalPhase> phaseFromString(std::string_view text)
{
    for (JournalPhase phase : {JournalPhase::goingLive, JournalPhase::live, JournalPhase::ending}) {
        if (toString(phase) == text) {
            return phase;
        }
    }
    return std::nullopt;
}

void putOptional(nlohmann::json& object, const char* name, const std::optional<std::string>& value)
{
    if (value) {
        object[name] = *value;
    }
}

// Reads an optional string member; a present member of another type is a defect.
core::Status takeOptional(const nlohmann::json& object, const char* name, std::optional<std::string>& out)
{
    const auto found = object.find(name);
    if (found == object.end() || found->is_null()) {
        return {};
    }
    if (!found->is_string()) {
        return core::Error{SessionErrc::journalCorrupt, std::string("'") + name + "' is not a string"};
    }
    out = found->get<std::string>();
    return {};
}

core::Status takeString(const nlohmann::json& object, const char* name, std::string& out)
{
    std::optional<std::string> value;
    if (auto status = takeOptional(object, name, value); !status) {
        return status;
    }
    out = value.value_or(std::string());
    return {};
}

core::Status takeFlag(const nlohmann::json& steps, const char* name, bool& out)
{
    const auto found = steps.find(name);
    if (found == steps.end()) {
        out = false;
        return {};
    }
    if (!found->is_boolean()) {
        return core::Error{SessionErrc::journalCorrupt, std::string("'steps.") + name + "' is not true or false"};
    }
    out = found->get<bool>();
    return {};
}

int syncDirectory(const std::filesystem::path& directory)
{
    const int descriptor = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); // NOLINT
    if (descriptor < 0) {
        return errno;
    }
    const int result = ::fsync(descriptor) == 0 ? 0 : errno;
    ::close(descriptor);
    return result;
}

} // namespace

std::string_view toString(JournalPhase phase) noexcept
{
    switch (phase) {
    case JournalPhase::goingLive: return "goingLive";
    case JournalPhase::live: return "live";
    case JournalPhase::ending: return "ending";
    }
    return "unknown";
}

nlohmann::json JournalRecord::toJson() const
{
    nlohmann::json object{
        {"version", kJournalVersion},
        {"phase", std::string(toString(phase))},
        {"eventId", eventId},
        {"hostPublicKey", hostPublicKeyHex},
        {"ingest", {{"provider", provider}, {"streamId", streamId}, {"ingestUrl", ingestUrl}}},
        {"activityTags", activityTags},
        {"steps",
         {{"ingestPrepared", ingestPrepared},
          {"ingestStarted", ingestStarted},
          {"channelAnnounced", channelAnnounced},
          {"mediaStarted", mediaStarted},
          {"livePublished", livePublished},
          {"liveAccepted", liveAccepted}}},
        {"leftovers", leftovers},
    };
    putOptional(object["ingest"], "hlsPlaybackUrl", hlsPlaybackUrl);
    putOptional(object["ingest"], "playerPageUrl", playerPageUrl);
    putOptional(object["ingest"], "archiveUrl", archiveUrl);
    putOptional(object, "recordingPath", recordingPath);
    if (lastCreatedAt) {
        object["lastCreatedAt"] = *lastCreatedAt;
    }
    if (processStartTicks) {
        object["processStartTicks"] = *processStartTicks;
    }
    if (processId) {
        object["processId"] = *processId;
    }
    return object;
}

core::Result<JournalRecord> JournalRecord::fromJson(const nlohmann::json& value)
{
    if (!value.is_object()) {
        return core::Error{SessionErrc::journalCorrupt, "not a JSON object"};
    }
    const auto version = value.find("version");
    if (version == value.end() || !version->is_number_integer() || version->get<int>() != kJournalVersion) {
        return core::Error{SessionErrc::journalCorrupt,
                           "unknown journal version (written by another version of HostStudio?)"};
    }
    JournalRecord record;
    std::string phaseText;
    if (auto status = takeString(value, "phase", phaseText); !status) {
        return status.error();
    }
    const auto phase = phaseFromString(phaseText);
    if (!phase) {
        return core::Error{SessionErrc::journalCorrupt, "unknown phase '" + phaseText + "'"};
    }
    record.phase = *phase;
    if (auto status = takeString(value, "eventId", record.eventId); !status) {
        return status.error();
    }
    if (record.eventId.empty()) {
        return core::Error{SessionErrc::journalCorrupt, "no eventId"};
    }
    if (auto status = takeString(value, "hostPublicKey", record.hostPublicKeyHex); !status) {
        return status.error();
    }
    const auto ingest = value.find("ingest");
    if (ingest == value.end() || !ingest->is_object()) {
        return core::Error{SessionErrc::journalCorrupt, "no 'ingest' object"};
    }
    for (auto [name, target] : {std::pair{"provider", &record.provider}, std::pair{"streamId", &record.streamId},
                                std::pair{"ingestUrl", &record.ingestUrl}}) {
        if (auto status = takeString(*ingest, name, *target); !status) {
            return status.error();
        }
    }
    for (auto [name, target] :
         {std::pair{"hlsPlaybackUrl", &record.hlsPlaybackUrl}, std::pair{"playerPageUrl", &record.playerPageUrl},
          std::pair{"archiveUrl", &record.archiveUrl}}) {
        if (auto status = takeOptional(*ingest, name, *target); !status) {
            return status.error();
        }
    }
    if (auto status = takeOptional(value, "recordingPath", record.recordingPath); !status) {
        return status.error();
    }
    const auto tags = value.find("activityTags");
    if (tags != value.end()) {
        const bool wellFormed = tags->is_array() && std::all_of(tags->begin(), tags->end(), [](const auto& tag) {
                                    return tag.is_array() && std::all_of(tag.begin(), tag.end(), [](const auto& item) {
                                               return item.is_string();
                                           });
                                });
        if (!wellFormed) {
            return core::Error{SessionErrc::journalCorrupt, "'activityTags' is not an array of string arrays"};
        }
        record.activityTags = *tags;
    }
    if (const auto created = value.find("lastCreatedAt"); created != value.end() && !created->is_null()) {
        if (!created->is_number_integer()) {
            return core::Error{SessionErrc::journalCorrupt, "'lastCreatedAt' is not an integer"};
        }
        record.lastCreatedAt = created->get<std::int64_t>();
    }
    if (const auto process = value.find("processId"); process != value.end() && !process->is_null()) {
        if (!process->is_number_integer() || process->get<std::int64_t>() <= 0) {
            return core::Error{SessionErrc::journalCorrupt, "'processId' is not a process id"};
        }
        record.processId = process->get<std::int64_t>();
    }
    if (const auto started = value.find("processStartTicks"); started != value.end() && !started->is_null()) {
        if (!started->is_number_unsigned()) {
            return core::Error{SessionErrc::journalCorrupt, "'processStartTicks' is not a start time"};
        }
        record.processStartTicks = started->get<std::uint64_t>();
    }
    const auto steps = value.find("steps");
    if (steps == value.end() || !steps->is_object()) {
        return core::Error{SessionErrc::journalCorrupt, "no 'steps' object"};
    }
    for (auto [name, target] :
         {std::pair{"ingestPrepared", &record.ingestPrepared}, std::pair{"ingestStarted", &record.ingestStarted},
          std::pair{"channelAnnounced", &record.channelAnnounced}, std::pair{"mediaStarted", &record.mediaStarted},
          std::pair{"livePublished", &record.livePublished}, std::pair{"liveAccepted", &record.liveAccepted}}) {
        if (auto status = takeFlag(*steps, name, *target); !status) {
            return status.error();
        }
    }
    if (!steps->contains("liveAccepted")) {
        record.liveAccepted = record.livePublished; // written before the field existed
    }
    if (const auto leftovers = value.find("leftovers"); leftovers != value.end()) {
        if (!leftovers->is_array() ||
            !std::all_of(leftovers->begin(), leftovers->end(), [](const auto& item) { return item.is_string(); })) {
            return core::Error{SessionErrc::journalCorrupt, "'leftovers' is not an array of strings"};
        }
        record.leftovers = leftovers->get<std::vector<std::string>>();
    }
    return record;
}

SessionJournal::SessionJournal(std::filesystem::path file) : file_(std::move(file))
{}

core::Status SessionJournal::write(const JournalRecord& record) const
{
    std::error_code error;
    const std::filesystem::path directory = file_.parent_path().empty() ? "." : file_.parent_path();
    std::filesystem::create_directories(directory, error);
    if (error) {
        return unwritable(directory, "cannot create the directory", error.value());
    }
    const std::string text = record.toJson().dump(2) + "\n";
    std::string temporary = (directory / (file_.filename().string() + ".XXXXXX")).string();
    const int descriptor = ::mkstemp(temporary.data()); // mode 0600
    if (descriptor < 0) {
        return unwritable(directory, "cannot create a temporary file", errno);
    }
    const auto fail = [&](std::string_view what, int code) {
        ::close(descriptor);
        ::unlink(temporary.c_str());
        return core::Status{unwritable(file_, what, code)};
    };
    std::size_t written = 0;
    while (written < text.size()) {
        const ssize_t result = ::write(descriptor, text.data() + written, text.size() - written);
        if (result < 0) {
            if (errno == EINTR) {
                continue;
            }
            return fail("cannot write", errno);
        }
        written += static_cast<std::size_t>(result);
    }
    if (::fsync(descriptor) != 0) {
        return fail("cannot sync", errno);
    }
    if (::close(descriptor) != 0) {
        const int code = errno;
        ::unlink(temporary.c_str());
        return unwritable(file_, "cannot close", code);
    }
    if (::rename(temporary.c_str(), file_.c_str()) != 0) {
        const int code = errno;
        ::unlink(temporary.c_str());
        return unwritable(file_, "cannot replace", code);
    }
    if (const int code = syncDirectory(directory); code != 0) {
        return unwritable(directory, "cannot sync the directory", code);
    }
    return {};
}

core::Result<std::optional<JournalRecord>> SessionJournal::read() const
{
    std::error_code error;
    if (!std::filesystem::exists(file_, error)) {
        return std::optional<JournalRecord>{};
    }
    const std::uintmax_t size = std::filesystem::file_size(file_, error);
    if (error) {
        return corrupt(file_, "cannot read: " + error.message());
    }
    if (size > kMaximumJournalBytes) {
        return corrupt(file_, "larger than 1 MiB");
    }
    std::ifstream stream(file_, std::ios::binary);
    if (!stream) {
        return corrupt(file_, "cannot open: " + systemError(errno));
    }
    std::ostringstream content;
    content << stream.rdbuf();
    const nlohmann::json value = nlohmann::json::parse(content.str(), nullptr, /*allow_exceptions=*/false);
    if (value.is_discarded()) {
        return corrupt(file_, "not JSON");
    }
    auto record = JournalRecord::fromJson(value);
    if (!record) {
        return corrupt(file_, record.error().detail());
    }
    return std::optional<JournalRecord>{std::move(*record)};
}

core::Status SessionJournal::remove() const
{
    std::error_code error;
    std::filesystem::remove(file_, error);
    if (error) {
        return unwritable(file_, "cannot remove", error.value());
    }
    return {};
}

std::filesystem::path SessionJournal::defaultPath()
{
    const char* state = std::getenv("XDG_STATE_HOME"); // NOLINT(concurrency-mt-unsafe): read at start-up
    std::filesystem::path base;
    if (state != nullptr && *state == '/') {
        base = state;
    } else {
        const char* home = std::getenv("HOME"); // NOLINT(concurrency-mt-unsafe)
        base = std::filesystem::path(home != nullptr ? home : ".") / ".local" / "state";
    }
    return base / "hoststudio" / "session.json";
}

bool isProcessRunning(std::int64_t processId) noexcept
{
    return processId > 0 && (::kill(static_cast<pid_t>(processId), 0) == 0 || errno == EPERM);
}

namespace {

// The text of /proc/PID/FILE (small files only), or nothing.
std::optional<std::string> procText(std::int64_t processId, const char* file)
{
    std::ifstream in("/proc/" + std::to_string(processId) + "/" + file);
    if (!in) {
        return std::nullopt;
    }
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return text;
}

} // namespace

std::optional<std::uint64_t> processStartTicks(std::int64_t processId)
{
    if (processId <= 0) {
        return std::nullopt;
    }
    const auto stat = procText(processId, "stat");
    // "PID (COMM) STATE PPID …": COMM may hold spaces and ')', so the fields start after the last ')'.
    const std::size_t close = stat ? stat->rfind(')') : std::string::npos;
    if (close == std::string::npos) {
        return std::nullopt;
    }
    std::istringstream fields(stat->substr(close + 1));
    std::string field;
    for (int index = 3; index <= 22; ++index) { // fields are numbered from 1; STATE is 3, starttime 22
        if (!(fields >> field)) {
            return std::nullopt;
        }
    }
    try {
        return std::stoull(field);
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

bool isSessionProcessRunning(const JournalRecord& record)
{
    if (!record.processId || !isProcessRunning(*record.processId)) {
        return false;
    }
    if (record.processStartTicks) {
        return processStartTicks(*record.processId) == record.processStartTicks;
    }
    const auto name = procText(*record.processId, "comm");
    return name && name->rfind("hoststudio", 0) == 0;
}

} // namespace hoststudio::session
