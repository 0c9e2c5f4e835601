// SPDX-License-Identifier: GPL-2.0-or-later
// The session journal: round trip, atomic replacement, private mode, and a clear error for every
// defect of a damaged file.
#include "hoststudio/session/SessionJournal.hpp"
#include "hoststudio/session/SessionError.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <sys/stat.h>
#include <unistd.h>

namespace hoststudio::session {
namespace {

class SessionJournalTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        directory =
            std::filesystem::temp_directory_path() / ("hoststudio-journal-test-" + std::to_string(::getpid()) + "-" +
                                                      ::testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::remove_all(directory);
    }
    void TearDown() override { std::filesystem::remove_all(directory); }

    void writeText(const std::string& text) const
    {
        std::filesystem::create_directories(directory);
        std::ofstream(directory / "session.json") << text;
    }

    static JournalRecord sample()
    {
        JournalRecord record;
        record.phase = JournalPhase::live;
        record.eventId = "event-42";
        record.hostPublicKeyHex = std::string(64, 'a');
        record.provider = "cloudinary";
        record.streamId = "0123456789abcdef0123456789abcdef";
        record.ingestUrl = "rtmp://live.example/app";
        record.hlsPlaybackUrl = "https://example/hls.m3u8";
        record.activityTags = nlohmann::json::array({{"d", "event-42"}, {"status", "live"}});
        record.lastCreatedAt = 1'700'000'123;
        record.recordingPath = "/recordings/a.mkv";
        record.processId = 4242;
        record.processStartTicks = 987654;
        record.ingestPrepared = record.ingestStarted = record.mediaStarted = record.livePublished = true;
        record.leftovers = {"the ingest may still be active"};
        return record;
    }

    std::filesystem::path directory;
};

TEST_F(SessionJournalTest, RoundTripsEveryField)
{
    const SessionJournal journal(directory / "session.json");
    ASSERT_TRUE(journal.write(sample()));
    const auto read = journal.read();
    ASSERT_TRUE(read.ok()) << read.error().describe();
    ASSERT_TRUE(read->has_value());
    EXPECT_EQ(**read, sample());
}

TEST_F(SessionJournalTest, AJournalFromBeforeLiveAcceptedCountsAPublishedEventAsAccepted)
{
    for (const bool published : {true, false}) {
        JournalRecord record = sample();
        record.livePublished = published;
        nlohmann::json text = record.toJson();
        text["steps"].erase("liveAccepted");
        writeText(text.dump());
        const auto read = SessionJournal(directory / "session.json").read();
        ASSERT_TRUE(read.ok()) << read.error().describe();
        EXPECT_EQ((*read)->liveAccepted, published);
    }
}

// Regression: `hoststudio end` signalled whatever process had got a dead session's process id.
TEST_F(SessionJournalTest, TheSessionsProcessIsNamedByItsIdAndStartTime)
{
    const auto self = static_cast<std::int64_t>(::getpid());
    const auto started = processStartTicks(self);
    ASSERT_TRUE(started.has_value());
    EXPECT_EQ(processStartTicks(self), started) << "the same process, the same start";
    EXPECT_FALSE(processStartTicks(-1).has_value());

    JournalRecord record = sample();
    record.processId = self;
    record.processStartTicks = started;
    EXPECT_TRUE(isSessionProcessRunning(record));
    record.processStartTicks = *started + 1; // the id reused by another process
    EXPECT_FALSE(isSessionProcessRunning(record));
    record.processStartTicks.reset(); // an older journal: only a process called hoststudio counts
    EXPECT_FALSE(isSessionProcessRunning(record)) << "this test's process is not the studio";
    record.processId.reset();
    EXPECT_FALSE(isSessionProcessRunning(record));
}

TEST_F(SessionJournalTest, NoJournalIsNotAnError)
{
    const SessionJournal journal(directory / "session.json");
    const auto read = journal.read();
    ASSERT_TRUE(read.ok());
    EXPECT_FALSE(read->has_value());
    EXPECT_TRUE(journal.remove());
}

TEST_F(SessionJournalTest, ReplacesAtomicallyPrivatelyAndLeavesNoTemporaryFile)
{
    const SessionJournal journal(directory / "session.json");
    ASSERT_TRUE(journal.write(sample()));
    JournalRecord second = sample();
    second.phase = JournalPhase::ending;
    ASSERT_TRUE(journal.write(second));
    EXPECT_EQ(journal.read().value()->phase, JournalPhase::ending);
    int files = 0;
    for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(directory)) {
        ++files;
    }
    EXPECT_EQ(files, 1);
    struct stat info {};
    ASSERT_EQ(::stat(journal.path().c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777U, 0600U);
    ASSERT_TRUE(journal.remove());
    EXPECT_FALSE(std::filesystem::exists(journal.path()));
}

struct DamagedCase {
    const char* name;
    const char* text;
    const char* reason;
};

class DamagedJournalTest : public SessionJournalTest, public ::testing::WithParamInterface<DamagedCase> {};

TEST_P(DamagedJournalTest, IsAClearError)
{
    writeText(GetParam().text);
    const SessionJournal journal(directory / "session.json");
    const auto read = journal.read();
    ASSERT_FALSE(read.ok());
    EXPECT_EQ(read.error(), SessionErrc::journalCorrupt);
    EXPECT_NE(read.error().detail().find(GetParam().reason), std::string::npos) << read.error().detail();
}

constexpr const char* kValidTail = R"(,"eventId":"e","ingest":{},"steps":{}})";

INSTANTIATE_TEST_SUITE_P(
    Defects, DamagedJournalTest,
    ::testing::Values(
        DamagedCase{"notJson", "{\"version\":1,", "not JSON"}, DamagedCase{"notAnObject", "[1,2]", "not a JSON object"},
        DamagedCase{"truncatedToNothing", "", "not JSON"},
        DamagedCase{"otherVersion", R"({"version":2,"phase":"live"})", "version"},
        DamagedCase{"unknownPhase", R"({"version":1,"phase":"dancing","eventId":"e","ingest":{},"steps":{}})",
                    "unknown phase"},
        DamagedCase{"noEventId", R"({"version":1,"phase":"live","ingest":{},"steps":{}})", "no eventId"},
        DamagedCase{"wrongType", R"({"version":1,"phase":"live","eventId":7,"ingest":{},"steps":{}})",
                    "'eventId' is not a string"},
        DamagedCase{"noSteps", R"({"version":1,"phase":"live","eventId":"e","ingest":{}})", "no 'steps'"},
        DamagedCase{"badFlag", R"({"version":1,"phase":"live","eventId":"e","ingest":{},"steps":{"mediaStarted":1}})",
                    "mediaStarted"},
        DamagedCase{"badTags",
                    R"({"version":1,"phase":"live","eventId":"e","ingest":{},"steps":{},"activityTags":[[1]]})",
                    "activityTags"},
        DamagedCase{"badProcessId",
                    R"({"version":1,"phase":"live","eventId":"e","ingest":{},"steps":{},"processId":-3})", "processId"},
        DamagedCase{"badCreatedAt",
                    R"({"version":1,"phase":"live","eventId":"e","ingest":{},"steps":{},"lastCreatedAt":"x"})",
                    "lastCreatedAt"}),
    [](const ::testing::TestParamInfo<DamagedCase>& paramInfo) { return std::string(paramInfo.param.name); });

TEST_F(SessionJournalTest, MinimalValidJournalReads)
{
    writeText(std::string(R"({"version":1,"phase":"goingLive")") + kValidTail);
    const auto read = SessionJournal(directory / "session.json").read();
    ASSERT_TRUE(read.ok()) << read.error().describe();
    EXPECT_EQ((*read)->eventId, "e");
}

TEST_F(SessionJournalTest, AnUnwritablePlaceIsAClearError)
{
    std::filesystem::create_directories(directory);
    std::ofstream(directory / "file") << "x";
    const SessionJournal journal(directory / "file" / "session.json");
    const core::Status written = journal.write(sample());
    ASSERT_FALSE(written.ok());
    EXPECT_EQ(written.error(), SessionErrc::journalUnwritable);
    EXPECT_NE(written.error().detail().find("permissions"), std::string::npos);
}

} // namespace
} // namespace hoststudio::session
