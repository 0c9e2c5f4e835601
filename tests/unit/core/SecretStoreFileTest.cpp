// SPDX-License-Identifier: GPL-2.0-or-later
// The private-file secret store: round trip, atomic replacement, permissions and ownership like ssh,
// damaged files, concurrent writers; and the SecretStore front (names, values, the scrubber).
#include "hoststudio/core/Log.hpp"
#include "hoststudio/core/SecretStore.hpp"
#include "hoststudio/core/SecretStoreBackend.hpp"
#include "hoststudio/core/Settings.hpp"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace hoststudio::core {
namespace {

constexpr std::string_view kNsec = "nsec1vl029mgpspedva04g90vltkh6fvh240zqtv9k0t9af8935ke9laqsnlfe5";
constexpr std::string_view kApiSecret = "a676b67565c6767a6767d6767f676fe1";

class SecretStoreFileTest : public testing::Test {
protected:
    void SetUp() override { ASSERT_TRUE(directory_.isValid()); }
    void TearDown() override { SecretScrubber::forgetAll(); }

    [[nodiscard]] QString path() const { return directory_.filePath(QStringLiteral("HostStudio/secrets.json")); }

    [[nodiscard]] static QByteArray contentsOf(const QString& filePath)
    {
        QFile file(filePath);
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    }

    static void writeRaw(const QString& filePath, const QByteArray& contents, mode_t mode)
    {
        QDir().mkpath(QFileInfo(filePath).absolutePath());
        QFile file(filePath);
        ASSERT_TRUE(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write(contents);
        file.close();
        ASSERT_EQ(::chmod(QFile::encodeName(filePath).constData(), mode), 0);
    }

    [[nodiscard]] static mode_t modeOf(const QString& filePath)
    {
        struct stat status {};
        EXPECT_EQ(::stat(QFile::encodeName(filePath).constData(), &status), 0);
        return status.st_mode & 07777;
    }

    [[nodiscard]] static ino_t inodeOf(const QString& filePath)
    {
        struct stat status {};
        EXPECT_EQ(::stat(QFile::encodeName(filePath).constData(), &status), 0);
        return status.st_ino;
    }

    QTemporaryDir directory_;
};

TEST_F(SecretStoreFileTest, RoundTripCreatesPrivateFileAndDirectory)
{
    FileSecretBackend store(path());
    auto missing = store.read("nostr/nsec");
    ASSERT_TRUE(missing.ok()) << missing.error().describe();
    EXPECT_FALSE(missing->has_value());
    EXPECT_FALSE(QFile::exists(path())) << "reading must not create the file";

    ASSERT_TRUE(store.write("nostr/nsec", kNsec).ok());
    ASSERT_TRUE(store.write("cloudinary/apiSecret", kApiSecret).ok());

    FileSecretBackend again(path());
    auto nsec = again.read("nostr/nsec");
    ASSERT_TRUE(nsec.ok()) << nsec.error().describe();
    ASSERT_TRUE(nsec->has_value());
    EXPECT_EQ(**nsec, kNsec);
    auto names = again.names();
    ASSERT_TRUE(names.ok());
    EXPECT_EQ(names.value(), (std::vector<std::string>{"cloudinary/apiSecret", "nostr/nsec"}));

    EXPECT_EQ(modeOf(path()), 0600u);
    EXPECT_EQ(modeOf(QFileInfo(path()).absolutePath()), 0700u);

    // Replace, then delete.
    ASSERT_TRUE(again.write("nostr/nsec", "replacement-value-123").ok());
    EXPECT_EQ(store.read("nostr/nsec")->value(), "replacement-value-123");
    auto removed = store.remove("nostr/nsec");
    ASSERT_TRUE(removed.ok());
    EXPECT_TRUE(removed.value());
    auto removedAgain = store.remove("nostr/nsec");
    ASSERT_TRUE(removedAgain.ok());
    EXPECT_FALSE(removedAgain.value());
    EXPECT_FALSE(store.read("nostr/nsec")->has_value());
    EXPECT_TRUE(store.read("cloudinary/apiSecret")->has_value());
}

TEST_F(SecretStoreFileTest, WriteReplacesTheFileAtomicallyAndLeavesNoTemporaryFile)
{
    FileSecretBackend store(path());
    ASSERT_TRUE(store.write("nostr/nsec", kNsec).ok());
    const QByteArray before = contentsOf(path());
    const ino_t inodeBefore = inodeOf(path());

    // A reader that opened the file before the write keeps reading the whole old file: the new
    // contents went to another file that was renamed over it, nothing was rewritten in place.
    const int reader = ::open(QFile::encodeName(path()).constData(), O_RDONLY);
    ASSERT_GE(reader, 0);
    ASSERT_TRUE(store.write("ingest/streamKey", "live_8f3a9c2e71b4d605").ok());

    std::string oldView(static_cast<std::size_t>(before.size()) + 16, '\0');
    const ssize_t count = ::pread(reader, oldView.data(), oldView.size(), 0);
    ::close(reader);
    ASSERT_EQ(count, before.size());
    oldView.resize(static_cast<std::size_t>(count));
    EXPECT_EQ(QByteArray::fromStdString(oldView), before);
    EXPECT_NE(inodeOf(path()), inodeBefore);
    EXPECT_EQ(modeOf(path()), 0600u);

    const QStringList entries =
        QDir(QFileInfo(path()).absolutePath()).entryList(QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot);
    EXPECT_EQ(entries, (QStringList{QStringLiteral("secrets.json"), QStringLiteral("secrets.json.lock")}));
    EXPECT_TRUE(store.read("ingest/streamKey")->has_value());
}

TEST_F(SecretStoreFileTest, RefusesFileReadableByOthersLikeSsh)
{
    FileSecretBackend store(path());
    ASSERT_TRUE(store.write("nostr/nsec", kNsec).ok());
    ASSERT_EQ(::chmod(QFile::encodeName(path()).constData(), 0644), 0);
    const QByteArray before = contentsOf(path());

    auto read = store.read("nostr/nsec");
    ASSERT_FALSE(read.ok());
    EXPECT_EQ(read.error(), SecretErrc::fileInsecure);
    EXPECT_NE(read.error().detail().find("chmod 600 " + path().toStdString()), std::string::npos)
        << read.error().detail();
    EXPECT_NE(read.error().detail().find("0644"), std::string::npos) << read.error().detail();

    // Nor is it silently rewritten (which would hide the problem).
    const Status write = store.write("ingest/streamKey", "live_8f3a9c2e71b4d605");
    ASSERT_FALSE(write.ok());
    EXPECT_EQ(write.error(), SecretErrc::fileInsecure);
    EXPECT_EQ(contentsOf(path()), before);
    EXPECT_EQ(store.names().error(), SecretErrc::fileInsecure);

    ASSERT_EQ(::chmod(QFile::encodeName(path()).constData(), 0640), 0);
    EXPECT_EQ(store.read("nostr/nsec").error(), SecretErrc::fileInsecure);
    ASSERT_EQ(::chmod(QFile::encodeName(path()).constData(), 0400), 0);
    EXPECT_TRUE(store.read("nostr/nsec").ok()) << "read-only for the owner is private enough";
}

TEST_F(SecretStoreFileTest, RefusesFileOfAnotherUser)
{
    FileSecretBackend mine(path());
    ASSERT_TRUE(mine.write("nostr/nsec", kNsec).ok());

    // The same file, checked for another owner: how it looks to anyone but its owner.
    FileSecretBackend someoneElse(path(), ::geteuid() + 1);
    auto read = someoneElse.read("nostr/nsec");
    ASSERT_FALSE(read.ok());
    EXPECT_EQ(read.error(), SecretErrc::fileInsecure);
    EXPECT_NE(read.error().detail().find("belongs to user id " + std::to_string(::geteuid())), std::string::npos)
        << read.error().detail();
    EXPECT_EQ(someoneElse.write("ingest/streamKey", "live_8f3a9c2e71b4d605").error(), SecretErrc::fileInsecure);
}

TEST_F(SecretStoreFileTest, RefusesFileChownedToAnotherUser)
{
    FileSecretBackend store(path());
    ASSERT_TRUE(store.write("nostr/nsec", kNsec).ok());
    if (::chown(QFile::encodeName(path()).constData(), ::geteuid() + 4242, static_cast<gid_t>(-1)) != 0) {
        GTEST_SKIP() << "changing a file's owner needs root; RefusesFileOfAnotherUser covers the check";
    }
    auto read = store.read("nostr/nsec");
    ASSERT_FALSE(read.ok());
    EXPECT_EQ(read.error(), SecretErrc::fileInsecure);
    EXPECT_NE(read.error().detail().find("belongs to user id " + std::to_string(::geteuid() + 4242)), std::string::npos)
        << read.error().detail();
}

TEST_F(SecretStoreFileTest, RefusesSymbolicLink)
{
    FileSecretBackend real(directory_.filePath(QStringLiteral("elsewhere.json")));
    ASSERT_TRUE(real.write("nostr/nsec", kNsec).ok());
    QDir().mkpath(QFileInfo(path()).absolutePath());
    ASSERT_TRUE(QFile::link(directory_.filePath(QStringLiteral("elsewhere.json")), path()));
    FileSecretBackend store(path());
    EXPECT_EQ(store.read("nostr/nsec").error(), SecretErrc::fileInsecure);
}

TEST_F(SecretStoreFileTest, DamagedFileIsAClearErrorAndIsLeftAlone)
{
    struct Case {
        const char* name;
        QByteArray contents;
        const char* expectedInDetail;
    };
    const std::vector<Case> cases{
        {"truncated", QByteArray(R"({"version":1,"secrets":{"nostr/nsec":"nse)"), "not valid JSON"},
        {"not an object", QByteArray("[1,2,3]"), "does not hold a JSON object"},
        {"no version", QByteArray(R"({"secrets":{}})"), "\"version\""},
        {"secrets not an object", QByteArray(R"({"version":1,"secrets":"x"})"), "no \"secrets\" object"},
        {"value not text", QByteArray(R"({"version":1,"secrets":{"nostr/nsec":42}})"), "not a named text"},
        {"bad name", QByteArray(R"({"version":1,"secrets":{"no slash":"abcdefgh"}})"), "not a named text"},
        {"empty file", QByteArray(), "not valid JSON"},
    };
    for (const Case& entry : cases) {
        SCOPED_TRACE(entry.name);
        writeRaw(path(), entry.contents, 0600);
        FileSecretBackend store(path());
        auto read = store.read("nostr/nsec");
        ASSERT_FALSE(read.ok());
        EXPECT_EQ(read.error(), SecretErrc::fileCorrupt);
        EXPECT_NE(read.error().detail().find(entry.expectedInDetail), std::string::npos) << read.error().detail();
        EXPECT_NE(read.error().detail().find(path().toStdString()), std::string::npos) << read.error().detail();
        EXPECT_NE(read.error().detail().find("hoststudio secret set"), std::string::npos) << read.error().detail();
        // A write does not paper over the damage (the other secrets in it may still be recoverable).
        EXPECT_EQ(store.write("ingest/streamKey", "live_8f3a9c2e71b4d605").error(), SecretErrc::fileCorrupt);
        EXPECT_EQ(contentsOf(path()), entry.contents);
    }
}

TEST_F(SecretStoreFileTest, ConcurrentWritersInOtherProcessesLoseNothing)
{
    constexpr int processes = 4;
    constexpr int writesEach = 15;
    std::vector<pid_t> children;
    for (int process = 0; process < processes; ++process) {
        const pid_t child = ::fork();
        ASSERT_GE(child, 0);
        if (child == 0) {
            FileSecretBackend store(path());
            int failures = 0;
            for (int index = 0; index < writesEach; ++index) {
                const std::string name = "test/p" + std::to_string(process) + "-" + std::to_string(index);
                failures += store.write(name, "value-of-" + name).ok() ? 0 : 1;
                // Everyone also rewrites one shared entry.
                failures += store.write("test/shared", "written-by-" + std::to_string(process)).ok() ? 0 : 1;
            }
            ::_exit(failures == 0 ? 0 : 1);
        }
        children.push_back(child);
    }
    // Meanwhile, a reader in this process always finds a whole file.
    FileSecretBackend reader(path());
    int readsWhileWriting = 0;
    bool anyRunning = true;
    while (anyRunning) {
        auto names = reader.names();
        ASSERT_TRUE(names.ok()) << names.error().describe();
        ++readsWhileWriting;
        anyRunning = false;
        for (pid_t& child : children) {
            if (child > 0) {
                int status = 0;
                const pid_t done = ::waitpid(child, &status, WNOHANG);
                if (done == child) {
                    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "a writer failed";
                    child = -1;
                } else {
                    anyRunning = true;
                }
            }
        }
    }
    EXPECT_GT(readsWhileWriting, 0);

    auto names = reader.names();
    ASSERT_TRUE(names.ok()) << names.error().describe();
    EXPECT_EQ(names->size(), static_cast<std::size_t>(processes * writesEach + 1));
    for (int process = 0; process < processes; ++process) {
        for (int index = 0; index < writesEach; ++index) {
            const std::string name = "test/p" + std::to_string(process) + "-" + std::to_string(index);
            auto value = reader.read(name);
            ASSERT_TRUE(value.ok() && value->has_value()) << name;
            EXPECT_EQ(**value, "value-of-" + name);
        }
    }
    EXPECT_EQ(reader.read("test/shared")->value().rfind("written-by-", 0), 0u);
    EXPECT_EQ(modeOf(path()), 0600u);
}

TEST_F(SecretStoreFileTest, ConcurrentWriterThreadsLoseNothing)
{
    constexpr int threads = 4;
    constexpr int writesEach = 10;
    std::vector<std::thread> workers;
    std::vector<int> failures(threads, 0);
    for (int thread = 0; thread < threads; ++thread) {
        workers.emplace_back([this, thread, &failures] {
            FileSecretBackend store(path());
            for (int index = 0; index < writesEach; ++index) {
                const std::string name = "test/t" + std::to_string(thread) + "-" + std::to_string(index);
                failures[static_cast<std::size_t>(thread)] += store.write(name, "value-of-" + name).ok() ? 0 : 1;
            }
        });
    }
    for (std::thread& worker : workers) {
        worker.join();
    }
    EXPECT_EQ(failures, std::vector<int>(threads, 0));
    auto names = FileSecretBackend(path()).names();
    ASSERT_TRUE(names.ok());
    EXPECT_EQ(names->size(), static_cast<std::size_t>(threads * writesEach));
}

// --- the SecretStore front ---------------------------------------------------------------------

SecretStore openFileStore(const QString& filePath)
{
    SecretStoreOptions options;
    options.choice = SecretBackendChoice::file;
    options.filePath = filePath;
    auto store = SecretStore::open(options);
    EXPECT_TRUE(store.ok());
    return std::move(store).value();
}

TEST_F(SecretStoreFileTest, StoreSaysWhichBackendAndWhy)
{
    SecretStore store = openFileStore(path());
    EXPECT_EQ(store.backend(), SecretBackendKind::file);
    EXPECT_EQ(store.backendName(), QStringLiteral("file"));
    EXPECT_EQ(store.location(), path());
    EXPECT_NE(store.reason().find("secrets/backend is file"), std::string::npos) << store.reason();
}

TEST_F(SecretStoreFileTest, StoreRefusesBadNamesAndValues)
{
    SecretStore store = openFileStore(path());
    for (const std::string_view name :
         {"", "nsec", "/nsec", "nostr/", "Nostr/nsec", "nostr/ns ec", "nostr/nsec\n", "a/b/c", "../secrets"}) {
        SCOPED_TRACE(std::string(name));
        EXPECT_EQ(store.write(name, "some-value-1234").error(), SecretErrc::invalidName);
        EXPECT_EQ(store.read(name).error(), SecretErrc::invalidName);
        EXPECT_EQ(store.remove(name).error(), SecretErrc::invalidName);
    }
    EXPECT_EQ(store.write("nostr/nsec", "").error(), SecretErrc::invalidValue);
    EXPECT_EQ(store.write("nostr/nsec", std::string("abc\0def", 7)).error(), SecretErrc::invalidValue);
    EXPECT_EQ(store.write("nostr/nsec", std::string(kMaximumSecretBytes + 1, 'x')).error(), SecretErrc::invalidValue);
    EXPECT_TRUE(store.write("nostr/nsec", std::string(kMaximumSecretBytes, 'x')).ok());
    EXPECT_FALSE(QFile::exists(directory_.filePath(QStringLiteral("secrets"))));
}

TEST_F(SecretStoreFileTest, EverySecretReadIsRegisteredWithTheScrubber)
{
    {
        SecretStore writer = openFileStore(path());
        ASSERT_TRUE(writer.write(secretName::cloudinaryApiSecret, kApiSecret).ok());
    }
    SecretScrubber::forgetAll();
    const QString line = QStringLiteral("secret is ") + QString::fromUtf8(kApiSecret.data());
    ASSERT_EQ(SecretScrubber::scrub(line), line) << "nothing registered yet";

    SecretStore reader = openFileStore(path());
    auto value = reader.read(secretName::cloudinaryApiSecret);
    ASSERT_TRUE(value.ok() && value->has_value());
    EXPECT_FALSE(SecretScrubber::scrub(line).contains(QString::fromUtf8(kApiSecret.data()))) << "not registered";
    wipeSecret(**value);
    EXPECT_TRUE((*value)->empty());
}

TEST_F(SecretStoreFileTest, BackendSettingHasThreeChoices)
{
    EXPECT_EQ(parseSecretBackendChoice(QStringLiteral("auto")).value(), SecretBackendChoice::automatic);
    EXPECT_EQ(parseSecretBackendChoice(QStringLiteral("keyring")).value(), SecretBackendChoice::keyring);
    EXPECT_EQ(parseSecretBackendChoice(QStringLiteral(" File ")).value(), SecretBackendChoice::file);
    EXPECT_EQ(parseSecretBackendChoice(QStringLiteral("kwallet")).error(), SecretErrc::invalidValue);

    const SettingDefinition* definition = Settings::find(setting::secretsBackend);
    ASSERT_NE(definition, nullptr);
    EXPECT_EQ(definition->defaultValue.toString(), QStringLiteral("auto"));

    Settings settings = Settings::atPath(directory_.filePath(QStringLiteral("studio.ini")));
    EXPECT_EQ(SecretStoreOptions::fromSettings(settings).choice, SecretBackendChoice::automatic);
    ASSERT_TRUE(settings.set(setting::secretsBackend, QStringLiteral("file")).ok());
    EXPECT_EQ(SecretStoreOptions::fromSettings(settings).choice, SecretBackendChoice::file);
    EXPECT_FALSE(settings.set(setting::secretsBackend, QStringLiteral("plaintext")).ok());
}

TEST_F(SecretStoreFileTest, DefaultPathHonoursXdgConfigHome)
{
    const QByteArray saved = qgetenv("XDG_CONFIG_HOME");
    const bool wasSet = qEnvironmentVariableIsSet("XDG_CONFIG_HOME");
    qputenv("XDG_CONFIG_HOME", QFile::encodeName(directory_.path()));
    const QString path = defaultSecretsFilePath();
    if (wasSet) {
        qputenv("XDG_CONFIG_HOME", saved);
    } else {
        qunsetenv("XDG_CONFIG_HOME");
    }
    EXPECT_EQ(path, directory_.path() + QStringLiteral("/HostStudio/secrets.json"));
}

} // namespace
} // namespace hoststudio::core
