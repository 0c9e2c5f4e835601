// SPDX-License-Identifier: GPL-2.0-or-later
// core::SecretStore against a real Secret Service (gnome-keyring-daemon on a private D-Bus session
// bus) and without one. Run by secrets_test.sh, which starts and stops the bus and the keyring and
// says what to expect in HOSTSTUDIO_EXPECT_SECRET_SERVICE ("yes" or "no").
#include "hoststudio/core/Log.hpp"
#include "hoststudio/core/SecretStore.hpp"

#include <QCoreApplication>
#include <QFile>
#include <QLoggingCategory>
#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

namespace hoststudio::core {
namespace {

bool expectSecretService()
{
    return qgetenv("HOSTSTUDIO_EXPECT_SECRET_SERVICE") == "yes";
}

class SecretStoreKeyringTest : public testing::Test {
protected:
    void SetUp() override
    {
        ASSERT_TRUE(directory_.isValid());
        const QByteArray expectation = qgetenv("HOSTSTUDIO_EXPECT_SECRET_SERVICE");
        ASSERT_TRUE(expectation == "yes" || expectation == "no")
            << "run this through secrets_test.sh (HOSTSTUDIO_EXPECT_SECRET_SERVICE=yes|no)";
        logPath_ = directory_.filePath(QStringLiteral("log/hoststudio.log"));
        ASSERT_TRUE(installLogSink(logPath_, false).ok());
        QLoggingCategory::setFilterRules(QStringLiteral("hoststudio.*.debug=true"));
    }
    void TearDown() override
    {
        uninstallLogSink();
        SecretScrubber::forgetAll();
    }

    [[nodiscard]] SecretStoreOptions options(SecretBackendChoice choice) const
    {
        SecretStoreOptions result;
        result.choice = choice;
        result.filePath = directory_.filePath(QStringLiteral("secrets.json"));
        // A service name of this run only, so nothing collides with other entries.
        result.keyringService = QStringLiteral("HostStudioTest-%1").arg(QCoreApplication::applicationPid());
        result.keyringTimeout = std::chrono::milliseconds(20000);
        return result;
    }

    [[nodiscard]] QString logText() const
    {
        uninstallLogSink();
        QFile file(logPath_);
        return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()) : QString();
    }

    QTemporaryDir directory_;
    QString logPath_;
};

TEST_F(SecretStoreKeyringTest, AutomaticChoiceFollowsTheSecretService)
{
    auto store = SecretStore::open(options(SecretBackendChoice::automatic));
    ASSERT_TRUE(store.ok()) << store.error().describe();
    if (expectSecretService()) {
        EXPECT_EQ(store->backend(), SecretBackendKind::keyring);
        EXPECT_NE(store->reason().find("Secret Service"), std::string::npos) << store->reason();
        EXPECT_NE(store->reason().find("answered"), std::string::npos) << store->reason();
        EXPECT_TRUE(store->location().startsWith(QStringLiteral("Secret Service"))) << store->location().toStdString();
    } else {
        EXPECT_EQ(store->backend(), SecretBackendKind::file);
        EXPECT_NE(store->reason().find("no "), std::string::npos) << store->reason();
        EXPECT_EQ(store->location(), directory_.filePath(QStringLiteral("secrets.json")));
    }
    EXPECT_TRUE(logText().contains(QStringLiteral("secrets: using the")));
}

TEST_F(SecretStoreKeyringTest, ForcedKeyringWithoutSecretServiceSaysWhatToDo)
{
    if (expectSecretService()) {
        GTEST_SKIP() << "a Secret Service is running in this pass";
    }
    auto store = SecretStore::open(options(SecretBackendChoice::keyring));
    ASSERT_FALSE(store.ok());
    EXPECT_EQ(store.error(), SecretErrc::backendUnavailable);
    EXPECT_NE(store.error().detail().find("set secrets/backend to auto or file"), std::string::npos)
        << store.error().detail();
}

TEST_F(SecretStoreKeyringTest, WriteReadListDeleteThroughTheChosenBackend)
{
    const std::string streamKey = "live_keyring_7c41d0e9a2b5";
    const std::string nsec = "nsec1vl029mgpspedva04g90vltkh6fvh240zqtv9k0t9af8935ke9laqsnlfe5";
    {
        auto store = SecretStore::open(options(SecretBackendChoice::automatic));
        ASSERT_TRUE(store.ok()) << store.error().describe();
        ASSERT_EQ(store->backend(), expectSecretService() ? SecretBackendKind::keyring : SecretBackendKind::file);
        ASSERT_TRUE(store->write(secretName::ingestStreamKey, "first-value-123456").ok());
        const Status replaced = store->write(secretName::ingestStreamKey, streamKey);
        ASSERT_TRUE(replaced.ok()) << replaced.error().describe();
        ASSERT_TRUE(store->write(secretName::nostrNsec, nsec).ok());
    }
    SecretScrubber::forgetAll();

    auto store = SecretStore::open(options(SecretBackendChoice::automatic));
    ASSERT_TRUE(store.ok());
    auto value = store->read(secretName::ingestStreamKey);
    ASSERT_TRUE(value.ok()) << value.error().describe();
    ASSERT_TRUE(value->has_value());
    EXPECT_EQ(**value, streamKey);
    // Registered at once: a log line holding it comes out masked.
    qCWarning(lcCore).noquote() << "pushing to rtmp://127.0.0.1/live/" + QString::fromStdString(streamKey);

    auto names = store->names();
    ASSERT_TRUE(names.ok()) << names.error().describe();
    EXPECT_EQ(names.value(), (std::vector<std::string>{"ingest/streamKey", "nostr/nsec"}));

    auto missing = store->read("ingest/otherKey");
    ASSERT_TRUE(missing.ok()) << missing.error().describe();
    EXPECT_FALSE(missing->has_value());

    auto removed = store->remove(secretName::ingestStreamKey);
    ASSERT_TRUE(removed.ok()) << removed.error().describe();
    EXPECT_TRUE(removed.value());
    auto removedAgain = store->remove(secretName::ingestStreamKey);
    ASSERT_TRUE(removedAgain.ok());
    EXPECT_FALSE(removedAgain.value());
    EXPECT_FALSE(store->read(secretName::ingestStreamKey)->has_value());
    EXPECT_EQ(store->names().value(), (std::vector<std::string>{"nostr/nsec"}));
    ASSERT_TRUE(store->remove(secretName::nostrNsec).ok());
    EXPECT_TRUE(store->names()->empty());

    // In the keyring pass nothing was written to the file.
    EXPECT_EQ(QFile::exists(directory_.filePath(QStringLiteral("secrets.json"))), !expectSecretService());

    const QString log = logText();
    EXPECT_TRUE(log.contains(QStringLiteral("live/••••a2b5"))) << log.toStdString();
    EXPECT_TRUE(log.contains(QStringLiteral("secrets: stored ingest/streamKey"))) << log.toStdString();
    for (const std::string& secret : {streamKey, nsec, std::string("first-value-123456")}) {
        EXPECT_FALSE(log.contains(QString::fromStdString(secret))) << secret << " in the log:\n" << log.toStdString();
    }
}

} // namespace
} // namespace hoststudio::core

int main(int argc, char** argv)
{
    QCoreApplication application(argc, argv);
    testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
