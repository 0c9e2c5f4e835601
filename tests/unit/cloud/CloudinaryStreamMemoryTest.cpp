// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/cloud/CloudinaryStreamMemory.hpp"

#include <QFile>
#include <QTemporaryDir>

#include <gtest/gtest.h>

namespace hoststudio::cloud {
namespace {

class CloudinaryStreamMemoryTest : public ::testing::Test {
protected:
    [[nodiscard]] QString path() const { return directory_.filePath(QStringLiteral("sub/streams.json")); }

    void write(const QByteArray& content) const
    {
        QFile file(path());
        ASSERT_TRUE(file.open(QIODevice::WriteOnly));
        file.write(content);
    }

    QTemporaryDir directory_;
};

TEST_F(CloudinaryStreamMemoryTest, RemembersAcrossInstances)
{
    ASSERT_TRUE(directory_.isValid());
    {
        CloudinaryStreamMemory memory(path());
        EXPECT_FALSE(memory.streamFor("demo", "event-1")); // no file yet
        ASSERT_TRUE(memory.remember("demo", "event-1", "aaaa").ok());
        ASSERT_TRUE(memory.remember("demo", "event-2", "bbbb").ok());
        ASSERT_TRUE(memory.remember("demo", "event-1", "cccc").ok()); // replaced
    }
    CloudinaryStreamMemory reopened(path());
    EXPECT_EQ(reopened.streamFor("demo", "event-1"), "cccc");
    EXPECT_EQ(reopened.streamFor("demo", "event-2"), "bbbb");
    // Another cloud's streams are not this cloud's.
    EXPECT_FALSE(reopened.streamFor("othercloud", "event-1"));
    ASSERT_TRUE(reopened.forget("othercloud", "event-1").ok());
    EXPECT_EQ(reopened.streamFor("demo", "event-1"), "cccc");
    ASSERT_TRUE(reopened.forget("demo", "event-1").ok());
    CloudinaryStreamMemory again(path());
    EXPECT_FALSE(again.streamFor("demo", "event-1"));
    EXPECT_EQ(again.streamFor("demo", "event-2"), "bbbb");
}

TEST_F(CloudinaryStreamMemoryTest, MalformedFileIsReportedThenRewritten)
{
    ASSERT_TRUE(directory_.isValid());
    ASSERT_TRUE(QDir().mkpath(directory_.filePath(QStringLiteral("sub"))));
    write("{ not json");
    CloudinaryStreamMemory memory(path());
    const core::Status loaded = memory.load();
    ASSERT_FALSE(loaded.ok());
    EXPECT_NE(loaded.error().detail().find("is not JSON"), std::string::npos) << loaded.error().detail();
    EXPECT_FALSE(memory.streamFor("demo", "event-1"));
    ASSERT_TRUE(memory.remember("demo", "event-1", "dddd").ok());
    CloudinaryStreamMemory reopened(path());
    EXPECT_TRUE(reopened.load().ok());
    EXPECT_EQ(reopened.streamFor("demo", "event-1"), "dddd");
}

TEST_F(CloudinaryStreamMemoryTest, SkipsUnusableEntries)
{
    ASSERT_TRUE(directory_.isValid());
    ASSERT_TRUE(QDir().mkpath(directory_.filePath(QStringLiteral("sub"))));
    write(R"({"version":1,"streams":{"a":{"stream_id":42,"cloud":"demo"},"b":"x",
              "c":{"stream_id":"eeee","cloud":"demo","updated_at":1}}})");
    CloudinaryStreamMemory memory(path());
    EXPECT_TRUE(memory.load().ok());
    EXPECT_FALSE(memory.streamFor("demo", "a"));
    EXPECT_FALSE(memory.streamFor("demo", "b"));
    EXPECT_EQ(memory.streamFor("demo", "c"), "eeee");
    write(R"({"version":1})");
    CloudinaryStreamMemory noStreams(path());
    const core::Status loaded = noStreams.load();
    ASSERT_FALSE(loaded.ok());
    EXPECT_NE(loaded.error().detail().find("\"streams\""), std::string::npos);
}

TEST_F(CloudinaryStreamMemoryTest, UnwritablePlaceIsAnError)
{
    ASSERT_TRUE(directory_.isValid());
    const QString blocker = directory_.filePath(QStringLiteral("file"));
    QFile file(blocker);
    ASSERT_TRUE(file.open(QIODevice::WriteOnly));
    file.close();
    CloudinaryStreamMemory memory(blocker + QStringLiteral("/streams.json")); // its "directory" is a file
    const core::Status saved = memory.remember("demo", "event-1", "ffff");
    ASSERT_FALSE(saved.ok());
    EXPECT_NE(saved.error().detail().find("stream memory"), std::string::npos) << saved.error().detail();
}

} // namespace
} // namespace hoststudio::cloud
