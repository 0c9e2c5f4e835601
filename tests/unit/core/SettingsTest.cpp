// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/core/Settings.hpp"

#include <QFile>
#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <set>

namespace hoststudio::core {
namespace {

class SettingsTest : public testing::Test {
protected:
    QString writeIni(const QByteArray& content)
    {
        const QString path = directory_.filePath(QStringLiteral("hoststudio.ini"));
        QFile file(path);
        EXPECT_TRUE(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write(content);
        return path;
    }
    QTemporaryDir directory_;
};

TEST_F(SettingsTest, EveryDefinitionIsUniqueAndItsDefaultIsValid)
{
    std::set<std::string_view> keys;
    Settings settings = Settings::atPath(directory_.filePath(QStringLiteral("empty.ini")));
    for (const SettingDefinition& entry : Settings::definitions()) {
        EXPECT_TRUE(keys.insert(entry.key).second) << "duplicate key " << entry.key;
        EXPECT_NE(entry.key.find('/'), std::string_view::npos) << entry.key << " has no group";
        EXPECT_FALSE(entry.description.empty()) << entry.key;
        // Setting a key to its own default must be accepted.
        EXPECT_TRUE(settings.set(entry.key, entry.defaultValue).ok()) << entry.key;
        if (entry.type == SettingType::integer) {
            EXPECT_LE(entry.minimum, entry.defaultValue.toLongLong()) << entry.key;
            EXPECT_GE(entry.maximum, entry.defaultValue.toLongLong()) << entry.key;
        }
    }
}

TEST_F(SettingsTest, EmbeddedDefaultsPointAtTheLocalStack)
{
    const Settings settings = Settings::atPath(directory_.filePath(QStringLiteral("empty.ini")));
    EXPECT_EQ(settings.text(setting::ingestProvider), QStringLiteral("custom"));
    EXPECT_EQ(settings.text(setting::ingestRtmpUrl), QStringLiteral("rtmp://127.0.0.1:1935/live"));
    EXPECT_EQ(settings.text(setting::ingestHlsBaseUrl), QStringLiteral("http://127.0.0.1:8080/hls"));
    EXPECT_EQ(settings.textList(setting::nostrRelays), QStringList{QStringLiteral("ws://127.0.0.1:7447")});
    EXPECT_EQ(settings.integer(setting::videoBitrateKbps), 2500);
    EXPECT_TRUE(settings.flag(setting::confirmEndStream));
    EXPECT_FALSE(settings.isSetExplicitly(setting::ingestProvider));
}

TEST_F(SettingsTest, ReadsTheStacksIniFile)
{
    const QString path = writeIni("[ingest]\nprovider=custom\nrtmpUrl=rtmp://127.0.0.1:21935/live\n"
                                  "[nostr]\nrelays=ws://127.0.0.1:27447, wss://relay.example\n"
                                  "[tls]\nextraCaFile=/tmp/stack/certs/ca.crt\n");
    Result<Settings> opened = Settings::openFile(path);
    ASSERT_TRUE(opened.ok()) << opened.error().describe();
    EXPECT_EQ(opened->text(setting::ingestRtmpUrl), QStringLiteral("rtmp://127.0.0.1:21935/live"));
    EXPECT_EQ(opened->textList(setting::nostrRelays),
              (QStringList{QStringLiteral("ws://127.0.0.1:27447"), QStringLiteral("wss://relay.example")}));
    EXPECT_EQ(opened->text(setting::tlsExtraCaFile), QStringLiteral("/tmp/stack/certs/ca.crt"));
    EXPECT_TRUE(opened->isSetExplicitly(setting::ingestRtmpUrl));
}

struct InvalidValueCase {
    const char* name;
    QByteArray ini;
    std::string_view key;
    QVariant expected; // the default
};

TEST_F(SettingsTest, InvalidStoredValuesReadAsTheDefault)
{
    const std::vector<InvalidValueCase> rows{
        {"not_a_number", "[video]\nbitrateKbps=fast\n", setting::videoBitrateKbps, 2500},
        {"too_small", "[video]\nbitrateKbps=10\n", setting::videoBitrateKbps, 2500},
        {"too_large", "[audio]\nbitrateKbps=100000\n", setting::audioBitrateKbps, 128},
        {"not_a_choice", "[ingest]\nprovider=youtube\n", setting::ingestProvider, QStringLiteral("custom")},
        {"not_a_boolean", "[ui]\nconfirmEndStream=maybe\n", setting::confirmEndStream, true},
        {"list_for_text", "[ingest]\nrtmpUrl=a, b\n", setting::ingestRtmpUrl,
         QStringLiteral("rtmp://127.0.0.1:1935/live")},
    };
    for (const InvalidValueCase& row : rows) {
        Result<Settings> opened = Settings::openFile(writeIni(row.ini));
        ASSERT_TRUE(opened.ok()) << row.name;
        EXPECT_EQ(opened->value(row.key), row.expected) << row.name;
    }
}

TEST_F(SettingsTest, SetRefusesBadValuesWithAnExplanation)
{
    Settings settings = Settings::atPath(directory_.filePath(QStringLiteral("s.ini")));
    const Status tooLow = settings.set(setting::videoBitrateKbps, 1);
    ASSERT_FALSE(tooLow.ok());
    EXPECT_EQ(tooLow.error(), CoreErrc::invalidSettingValue);
    EXPECT_NE(tooLow.error().detail().find("from 300 to 20000"), std::string::npos) << tooLow.error().detail();

    const Status badChoice = settings.set(setting::ingestProvider, QStringLiteral("twitch"));
    ASSERT_FALSE(badChoice.ok());
    EXPECT_NE(badChoice.error().detail().find("custom, cloudinary, backend"), std::string::npos);

    const Status unknown = settings.set("no/such", 1);
    ASSERT_FALSE(unknown.ok());
    EXPECT_EQ(unknown.error(), CoreErrc::unknownSetting);
}

TEST_F(SettingsTest, ValuesSurviveAWriteAndReadBack)
{
    const QString path = directory_.filePath(QStringLiteral("roundtrip.ini"));
    {
        Settings settings = Settings::atPath(path);
        ASSERT_TRUE(settings.set(setting::videoBitrateKbps, 4000).ok());
        ASSERT_TRUE(settings.set(setting::recordingEnabled, QStringLiteral("yes")).ok());
        ASSERT_TRUE(
            settings.set(setting::nostrRelays, QStringList{QStringLiteral("wss://a"), QStringLiteral("wss://b")}).ok());
        ASSERT_TRUE(settings.sync().ok());
    }
    Result<Settings> reopened = Settings::openFile(path);
    ASSERT_TRUE(reopened.ok());
    EXPECT_EQ(reopened->integer(setting::videoBitrateKbps), 4000);
    EXPECT_TRUE(reopened->flag(setting::recordingEnabled));
    EXPECT_EQ(reopened->textList(setting::nostrRelays),
              (QStringList{QStringLiteral("wss://a"), QStringLiteral("wss://b")}));
    reopened->reset(setting::videoBitrateKbps);
    EXPECT_EQ(reopened->integer(setting::videoBitrateKbps), 2500);
}

TEST_F(SettingsTest, MissingAndMalformedFilesAreErrors)
{
    const Result<Settings> missing = Settings::openFile(directory_.filePath(QStringLiteral("nope.ini")));
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error(), CoreErrc::settingsFileMissing);
    EXPECT_NE(missing.error().detail().find("nope.ini"), std::string::npos);

    const Result<Settings> malformed = Settings::openFile(writeIni("[ingest\nprovider=custom\n"));
    ASSERT_FALSE(malformed.ok());
    EXPECT_EQ(malformed.error(), CoreErrc::settingsFileMalformed);
}

TEST_F(SettingsTest, ReconnectConfigComesFromSettings)
{
    Settings settings = Settings::atPath(directory_.filePath(QStringLiteral("r.ini")));
    EXPECT_EQ(settings.reconnectConfig().maxRetries, 25);
    ASSERT_TRUE(settings.set(setting::reconnectMaxRetries, 3).ok());
    ASSERT_TRUE(settings.set(setting::reconnectInitialDelayMs, 500).ok());
    ASSERT_TRUE(settings.set(setting::reconnectEnabled, false).ok());
    const ReconnectConfig config = settings.reconnectConfig();
    EXPECT_EQ(config.maxRetries, 3);
    EXPECT_EQ(config.initialDelay, std::chrono::milliseconds(500));
    EXPECT_FALSE(config.enabled);
    EXPECT_EQ(config.validationError(), "");
}

} // namespace
} // namespace hoststudio::core
