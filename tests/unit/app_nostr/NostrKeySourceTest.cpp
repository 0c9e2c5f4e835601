// SPDX-License-Identifier: GPL-2.0-or-later
// Where `hoststudio nostr` finds the secret key: --key-file, else HOSTSTUDIO_NOSTR_KEY, else the
// default file, else "nostr/nsec" in the secret store; loose permissions refused; a clear error naming
// every source when none is set.
#include "hoststudio/app/NostrKeySource.hpp"

#include "hoststudio/core/SecretStore.hpp"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include <sys/stat.h>

namespace hoststudio::app {
namespace {

// BIP-340 test vector 1: secret key 3, its x-only public key.
constexpr const char* kSecretHex = "0000000000000000000000000000000000000000000000000000000000000003";
constexpr const char* kPublicHex = "f9308a019258c31049344f85f89d5229b531c845836f99b08601f113bce036f9";
// Another valid key (BIP-340 vector 2).
constexpr const char* kOtherSecretHex = "b7e151628aed2a6abf7158809cf4f3c762e7160f38b4da56a784d9045190cfef";

std::string nsecOf(const char* hex)
{
    return std::string(nostr::SecretKey::fromHex(hex).value().toNsec().view());
}

std::string publicHexOf(const nostr::SecretKey& secretKey)
{
    return secretKey.publicKey().value().toHex();
}

class NostrKeySourceTest : public ::testing::Test {
protected:
    void SetUp() override { ASSERT_TRUE(directory_.isValid()); }

    QString writeKeyFile(const QString& name, const std::string& contents, mode_t mode)
    {
        QString path = directory_.filePath(name);
        QFile file(path);
        EXPECT_TRUE(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write(contents.data(), static_cast<qint64>(contents.size()));
        file.close();
        EXPECT_EQ(::chmod(QFile::encodeName(path).constData(), mode), 0);
        return path;
    }

    QString pathOf(const QString& name) const { return directory_.filePath(name); }

private:
    QTemporaryDir directory_;
};

TEST_F(NostrKeySourceTest, ParsesNsecAndHexWithSurroundingWhitespace)
{
    auto fromHex = parseNostrSecretKeyText(std::string("  ") + kSecretHex + "\n");
    ASSERT_TRUE(fromHex.ok()) << fromHex.error().describe();
    EXPECT_EQ(publicHexOf(fromHex.value()), kPublicHex);

    auto fromNsec = parseNostrSecretKeyText(nsecOf(kSecretHex) + "\r\n");
    ASSERT_TRUE(fromNsec.ok()) << fromNsec.error().describe();
    EXPECT_EQ(publicHexOf(fromNsec.value()), kPublicHex);
}

TEST_F(NostrKeySourceTest, RefusesTextThatIsNoKey)
{
    for (const std::string& text :
         {std::string(), std::string("   \n"), std::string("npub1notasecret"), std::string(63, 'a'),
          std::string(64, 'g'), std::string(64, '0'), nsecOf(kSecretHex).substr(0, 40)}) {
        auto key = parseNostrSecretKeyText(text);
        EXPECT_FALSE(key.ok()) << "accepted '" << text << "'";
        if (!key.ok()) {
            EXPECT_EQ(key.error(), NostrKeyErrc::invalidKey);
        }
    }
}

TEST_F(NostrKeySourceTest, KeyFileIsUsedFirst)
{
    NostrKeySources sources;
    sources.keyFilePath = writeKeyFile(QStringLiteral("given.key"), nsecOf(kSecretHex) + "\n", 0600);
    sources.environmentKey = QString::fromLatin1(kOtherSecretHex);
    sources.defaultFilePath = writeKeyFile(QStringLiteral("default.key"), kOtherSecretHex, 0600);
    auto loaded = loadNostrKey(sources);
    ASSERT_TRUE(loaded.ok()) << loaded.error().describe();
    EXPECT_EQ(loaded->origin, NostrKeyOrigin::keyFile);
    EXPECT_EQ(publicHexOf(loaded->secretKey), kPublicHex);
}

TEST_F(NostrKeySourceTest, EnvironmentIsUsedWithoutKeyFile)
{
    NostrKeySources sources;
    sources.environmentKey = QString::fromStdString(nsecOf(kSecretHex));
    sources.defaultFilePath = writeKeyFile(QStringLiteral("default.key"), kOtherSecretHex, 0600);
    auto loaded = loadNostrKey(sources);
    ASSERT_TRUE(loaded.ok()) << loaded.error().describe();
    EXPECT_EQ(loaded->origin, NostrKeyOrigin::environment);
    EXPECT_EQ(publicHexOf(loaded->secretKey), kPublicHex);

    sources.environmentKey = QString::fromLatin1(kSecretHex);
    loaded = loadNostrKey(sources);
    ASSERT_TRUE(loaded.ok()) << loaded.error().describe();
    EXPECT_EQ(publicHexOf(loaded->secretKey), kPublicHex);
}

TEST_F(NostrKeySourceTest, EnvironmentVariableIsReadFromTheProcess)
{
    ASSERT_TRUE(qputenv(kNostrKeyEnvironmentVariable, kSecretHex));
    NostrKeySources sources = nostrKeySourcesFromEnvironment(QString());
    ASSERT_TRUE(sources.environmentKey.has_value());
    EXPECT_EQ(*sources.environmentKey, QString::fromLatin1(kSecretHex));
    EXPECT_TRUE(sources.defaultFilePath.endsWith(QStringLiteral("/HostStudio/nostr.key")));

    // Set but empty counts as unset.
    ASSERT_TRUE(qputenv(kNostrKeyEnvironmentVariable, QByteArray()));
    EXPECT_FALSE(nostrKeySourcesFromEnvironment(QString()).environmentKey.has_value());
    ASSERT_TRUE(qunsetenv(kNostrKeyEnvironmentVariable));
    EXPECT_FALSE(nostrKeySourcesFromEnvironment(QString()).environmentKey.has_value());
}

TEST_F(NostrKeySourceTest, InvalidEnvironmentKeyIsAnErrorNotAFallThrough)
{
    NostrKeySources sources;
    sources.environmentKey = QStringLiteral("not-a-key");
    sources.defaultFilePath = writeKeyFile(QStringLiteral("default.key"), kOtherSecretHex, 0600);
    auto loaded = loadNostrKey(sources);
    ASSERT_FALSE(loaded.ok());
    EXPECT_EQ(loaded.error(), NostrKeyErrc::invalidKey);
    EXPECT_NE(loaded.error().detail().find("HOSTSTUDIO_NOSTR_KEY"), std::string::npos);
}

TEST_F(NostrKeySourceTest, DefaultFileIsTheLastResort)
{
    NostrKeySources sources;
    sources.defaultFilePath = writeKeyFile(QStringLiteral("default.key"), std::string(kSecretHex) + "\n", 0400);
    auto loaded = loadNostrKey(sources);
    ASSERT_TRUE(loaded.ok()) << loaded.error().describe();
    EXPECT_EQ(loaded->origin, NostrKeyOrigin::defaultFile);
    EXPECT_EQ(publicHexOf(loaded->secretKey), kPublicHex);
}

TEST_F(NostrKeySourceTest, KeyFileReadableByOthersIsRefusedWithChmodAdvice)
{
    for (const mode_t mode : {mode_t{0644}, mode_t{0640}, mode_t{0604}, mode_t{0620}, mode_t{0660}}) {
        NostrKeySources sources;
        sources.keyFilePath = writeKeyFile(QStringLiteral("loose.key"), nsecOf(kSecretHex), mode);
        auto loaded = loadNostrKey(sources);
        ASSERT_FALSE(loaded.ok()) << "mode " << std::oct << mode << " accepted";
        EXPECT_EQ(loaded.error(), NostrKeyErrc::filePermissions);
        EXPECT_NE(loaded.error().detail().find("chmod 600 " + sources.keyFilePath.toStdString()), std::string::npos)
            << loaded.error().detail();
        // The secret is never part of the message.
        EXPECT_EQ(loaded.error().detail().find(nsecOf(kSecretHex)), std::string::npos);
    }
}

TEST_F(NostrKeySourceTest, DefaultFileReadableByOthersIsRefusedToo)
{
    NostrKeySources sources;
    sources.defaultFilePath = writeKeyFile(QStringLiteral("default.key"), kSecretHex, 0644);
    auto loaded = loadNostrKey(sources);
    ASSERT_FALSE(loaded.ok());
    EXPECT_EQ(loaded.error(), NostrKeyErrc::filePermissions);
}

TEST_F(NostrKeySourceTest, MissingOrInvalidKeyFileIsAnError)
{
    NostrKeySources sources;
    sources.keyFilePath = pathOf(QStringLiteral("absent.key"));
    auto loaded = loadNostrKey(sources);
    ASSERT_FALSE(loaded.ok());
    EXPECT_EQ(loaded.error(), NostrKeyErrc::fileUnreadable);

    sources.keyFilePath = writeKeyFile(QStringLiteral("garbage.key"), "hello world\n", 0600);
    loaded = loadNostrKey(sources);
    ASSERT_FALSE(loaded.ok());
    EXPECT_EQ(loaded.error(), NostrKeyErrc::invalidKey);

    sources.keyFilePath = writeKeyFile(QStringLiteral("huge.key"), std::string(100000, 'a'), 0600);
    loaded = loadNostrKey(sources);
    ASSERT_FALSE(loaded.ok());
    EXPECT_EQ(loaded.error(), NostrKeyErrc::invalidKey);
}

TEST_F(NostrKeySourceTest, NoneConfiguredNamesTheThreeSources)
{
    NostrKeySources sources;
    sources.defaultFilePath = pathOf(QStringLiteral("HostStudio/nostr.key"));
    auto loaded = loadNostrKey(sources);
    ASSERT_FALSE(loaded.ok());
    EXPECT_EQ(loaded.error(), NostrKeyErrc::notConfigured);
    const std::string& detail = loaded.error().detail();
    EXPECT_NE(detail.find("--key-file"), std::string::npos) << detail;
    EXPECT_NE(detail.find("HOSTSTUDIO_NOSTR_KEY"), std::string::npos) << detail;
    EXPECT_NE(detail.find(sources.defaultFilePath.toStdString()), std::string::npos) << detail;
    EXPECT_NE(detail.find("keygen --save"), std::string::npos) << detail;
}

TEST_F(NostrKeySourceTest, SaveWritesMode0600AndNeverOverwritesWithoutForce)
{
    const QString path = pathOf(QStringLiteral("new/HostStudio/nostr.key"));
    const nostr::SecretKey first = nostr::SecretKey::fromHex(kSecretHex).value();
    const nostr::SecretKey second = nostr::SecretKey::fromHex(kOtherSecretHex).value();

    ASSERT_TRUE(saveNostrKeyFile(path, first, false).ok());
    struct stat status {};
    ASSERT_EQ(::stat(QFile::encodeName(path).constData(), &status), 0);
    EXPECT_EQ(status.st_mode & 0777, 0600U);
    auto reread = readNostrKeyFile(path);
    ASSERT_TRUE(reread.ok()) << reread.error().describe();
    EXPECT_EQ(publicHexOf(reread.value()), kPublicHex);

    const core::Status again = saveNostrKeyFile(path, second, false);
    ASSERT_FALSE(again.ok());
    EXPECT_EQ(again.error(), NostrKeyErrc::fileExists);
    EXPECT_NE(again.error().detail().find("--force"), std::string::npos);
    EXPECT_EQ(publicHexOf(readNostrKeyFile(path).value()), kPublicHex);

    ASSERT_TRUE(saveNostrKeyFile(path, second, true).ok());
    ASSERT_EQ(::stat(QFile::encodeName(path).constData(), &status), 0);
    EXPECT_EQ(status.st_mode & 0777, 0600U);
    EXPECT_EQ(publicHexOf(readNostrKeyFile(path).value()), publicHexOf(second));
    // No temporary file is left behind.
    EXPECT_EQ(QDir(pathOf(QStringLiteral("new/HostStudio"))).entryList(QDir::Files | QDir::Hidden).size(), 1);
}

// --- the secret store, the fourth source ------------------------------------------------------------

core::SecretStoreOptions fileStoreOptions(const QString& path)
{
    core::SecretStoreOptions options;
    options.choice = core::SecretBackendChoice::file;
    options.filePath = path;
    return options;
}

TEST_F(NostrKeySourceTest, SecretStoreIsTheLastSource)
{
    const QString storePath = pathOf(QStringLiteral("secrets.json"));
    {
        auto store = core::SecretStore::open(fileStoreOptions(storePath));
        ASSERT_TRUE(store.ok());
        ASSERT_TRUE(store->write(core::secretName::nostrNsec, nsecOf(kSecretHex)).ok());
    }
    NostrKeySources sources;
    sources.defaultFilePath = pathOf(QStringLiteral("HostStudio/nostr.key")); // does not exist
    sources.secretStoreReader = nostrSecretStoreReader(fileStoreOptions(storePath));
    auto loaded = loadNostrKey(sources);
    ASSERT_TRUE(loaded.ok()) << loaded.error().describe();
    EXPECT_EQ(loaded->origin, NostrKeyOrigin::secretStore);
    EXPECT_EQ(nostrKeyOriginName(loaded->origin), QStringLiteral("secret-store"));
    EXPECT_EQ(publicHexOf(loaded->secretKey), kPublicHex);

    // Every earlier source wins over it, and then the store is not even opened.
    int storeReads = 0;
    sources.secretStoreReader = [&storeReads]() -> core::Result<std::optional<std::string>> {
        ++storeReads;
        return std::optional<std::string>{nsecOf(kSecretHex)};
    };
    sources.defaultFilePath = writeKeyFile(QStringLiteral("default.key"), kOtherSecretHex, 0600);
    auto fromDefault = loadNostrKey(sources);
    ASSERT_TRUE(fromDefault.ok());
    EXPECT_EQ(fromDefault->origin, NostrKeyOrigin::defaultFile);
    sources.environmentKey = QString::fromLatin1(kOtherSecretHex);
    EXPECT_EQ(loadNostrKey(sources)->origin, NostrKeyOrigin::environment);
    EXPECT_EQ(storeReads, 0);
}

TEST_F(NostrKeySourceTest, EmptySecretStoreLeadsToNotConfiguredNamingIt)
{
    NostrKeySources sources;
    sources.defaultFilePath = pathOf(QStringLiteral("HostStudio/nostr.key"));
    sources.secretStoreReader = nostrSecretStoreReader(fileStoreOptions(pathOf(QStringLiteral("secrets.json"))));
    auto loaded = loadNostrKey(sources);
    ASSERT_FALSE(loaded.ok());
    EXPECT_EQ(loaded.error(), NostrKeyErrc::notConfigured);
    EXPECT_NE(loaded.error().detail().find("hoststudio secret set nostr/nsec"), std::string::npos)
        << loaded.error().detail();
}

TEST_F(NostrKeySourceTest, SecretStoreFailuresAreReportedNotSkipped)
{
    NostrKeySources sources;
    sources.defaultFilePath = pathOf(QStringLiteral("HostStudio/nostr.key"));

    // An unusable store (here: a secrets file others can read).
    const QString storePath = writeKeyFile(QStringLiteral("secrets.json"), R"({"version":1,"secrets":{}})", 0644);
    sources.secretStoreReader = nostrSecretStoreReader(fileStoreOptions(storePath));
    auto insecure = loadNostrKey(sources);
    ASSERT_FALSE(insecure.ok());
    EXPECT_EQ(insecure.error(), core::SecretErrc::fileInsecure);
    EXPECT_NE(insecure.error().detail().find("nostr/nsec"), std::string::npos) << insecure.error().detail();
    EXPECT_NE(insecure.error().detail().find("chmod 600"), std::string::npos) << insecure.error().detail();

    // A stored value that is no key.
    sources.secretStoreReader = []() -> core::Result<std::optional<std::string>> {
        return std::optional<std::string>{"nsec1thisisnotakey"};
    };
    auto invalid = loadNostrKey(sources);
    ASSERT_FALSE(invalid.ok());
    EXPECT_EQ(invalid.error(), NostrKeyErrc::invalidKey);
    EXPECT_NE(invalid.error().detail().find("secret store"), std::string::npos) << invalid.error().detail();
}

} // namespace
} // namespace hoststudio::app
