// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/cloud/CloudinaryCredentials.hpp"

#include "hoststudio/cloud/CloudError.hpp"
#include "hoststudio/core/Log.hpp"
#include "hoststudio/core/SecretStore.hpp"
#include "hoststudio/core/Settings.hpp"

#include <QFile>
#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <optional>
#include <vector>

namespace hoststudio::cloud {
namespace {

TEST(CloudinaryCredentials, ReadsCloudinaryUrl)
{
    const auto credentials =
        CloudinaryCredentials::fromUrl("  cloudinary://123456789012345:abcDEF_ghi-jkl@democloud\n");
    ASSERT_TRUE(credentials.ok()) << credentials.error().describe();
    EXPECT_EQ(credentials->cloudName(), "democloud");
    EXPECT_EQ(credentials->apiKey(), "123456789012345");
    // base64("123456789012345:abcDEF_ghi-jkl")
    EXPECT_EQ(credentials->authorizationHeader(), "Basic MTIzNDU2Nzg5MDEyMzQ1OmFiY0RFRl9naGktamts");
}

TEST(CloudinaryCredentials, IgnoresOptionsAfterTheCloudName)
{
    const auto credentials = CloudinaryCredentials::fromUrl("cloudinary://k1:s3cr3t-value@mycloud?secure=true");
    ASSERT_TRUE(credentials.ok());
    EXPECT_EQ(credentials->cloudName(), "mycloud");
}

struct BadCredentialsCase {
    const char* name;
    const char* url;
    const char* fragment;
};

TEST(CloudinaryCredentials, SaysWhatIsWrong)
{
    const std::vector<BadCredentialsCase> rows{
        {"empty", "", "cloudinary://API_KEY:API_SECRET@CLOUD_NAME"},
        {"wrong_scheme", "https://k:s@cloud", "cloudinary://API_KEY:API_SECRET@CLOUD_NAME"},
        {"no_at", "cloudinary://k:s", "cloudinary://API_KEY:API_SECRET@CLOUD_NAME"},
        {"no_secret", "cloudinary://k@cloud", "cloudinary://API_KEY:API_SECRET@CLOUD_NAME"},
        {"empty_secret", "cloudinary://k:@cloud", "missing API secret"},
        {"empty_cloud", "cloudinary://k:s@", "missing cloud name"},
        {"space_in_key", "cloudinary://k y:secret@cloud", "spaces or control characters"},
    };
    for (const BadCredentialsCase& row : rows) {
        const auto credentials = CloudinaryCredentials::fromUrl(row.url);
        ASSERT_FALSE(credentials.ok()) << row.name;
        EXPECT_EQ(credentials.error(), CloudErrc::notConfigured) << row.name;
        EXPECT_NE(credentials.error().detail().find(row.fragment), std::string::npos)
            << row.name << ": " << credentials.error().detail();
    }
    const auto parts = CloudinaryCredentials::fromParts("", "", "s");
    ASSERT_FALSE(parts.ok());
    EXPECT_NE(parts.error().detail().find("missing cloud name, API key"), std::string::npos);
}

TEST(CloudinaryCredentials, TheSecretNeverReachesALogLine)
{
    const std::string secret = "VerySecretApiSecret_42xyz";
    const auto credentials = CloudinaryCredentials::fromParts("demo", "123456", secret);
    ASSERT_TRUE(credentials.ok());
    EXPECT_EQ(credentials->describe().find(secret), std::string::npos);
    EXPECT_NE(credentials->describe().find("••••"), std::string::npos);
    const QString line = core::formatLogLine(
        QtDebugMsg, "hoststudio.cloud",
        QString::fromStdString("secret " + secret + " header " + credentials->authorizationHeader()));
    EXPECT_FALSE(line.contains(QString::fromStdString(secret))) << line.toStdString();
    const std::string encoded = credentials->authorizationHeader().substr(6);
    EXPECT_FALSE(line.contains(QString::fromStdString(encoded))) << line.toStdString();
}

// --- the API secret from the secret store (the settings hold only cloud name and key) ----------

class CloudinaryCredentialsFromStore : public testing::Test {
protected:
    void SetUp() override
    {
        ASSERT_TRUE(directory_.isValid());
        core::SecretStoreOptions options;
        options.choice = core::SecretBackendChoice::file;
        options.filePath = secretsPath();
        auto store = core::SecretStore::open(options);
        ASSERT_TRUE(store.ok());
        store_.emplace(std::move(store).value());
    }
    void TearDown() override { core::SecretScrubber::forgetAll(); }

    [[nodiscard]] QString secretsPath() const { return directory_.filePath(QStringLiteral("secrets.json")); }

    QTemporaryDir directory_;
    std::optional<core::SecretStore> store_;
};

TEST_F(CloudinaryCredentialsFromStore, SettingsGiveCloudAndKeyTheStoreGivesTheSecret)
{
    ASSERT_TRUE(store_->write(core::secretName::cloudinaryApiSecret, "abcDEF_ghi-jkl").ok());
    core::SecretScrubber::forgetAll();
    core::Settings settings = core::Settings::atPath(directory_.filePath(QStringLiteral("studio.ini")));
    ASSERT_TRUE(settings.set(core::setting::cloudinaryCloudName, QStringLiteral("democloud")).ok());
    ASSERT_TRUE(settings.set(core::setting::cloudinaryApiKey, QStringLiteral("123456789012345")).ok());

    const auto credentials = CloudinaryCredentials::fromSettings(settings, *store_);
    ASSERT_TRUE(credentials.ok()) << credentials.error().describe();
    EXPECT_EQ(credentials->cloudName(), "democloud");
    EXPECT_EQ(credentials->apiKey(), "123456789012345");
    EXPECT_EQ(credentials->authorizationHeader(), "Basic MTIzNDU2Nzg5MDEyMzQ1OmFiY0RFRl9naGktamts");
    EXPECT_FALSE(core::SecretScrubber::scrub(QStringLiteral("x abcDEF_ghi-jkl")).contains(QStringLiteral("abcDEF")));
}

TEST_F(CloudinaryCredentialsFromStore, NoSecretStoredSaysHowToStoreIt)
{
    const auto credentials = CloudinaryCredentials::fromPartsAndStore("democloud", "123456789012345", *store_);
    ASSERT_FALSE(credentials.ok());
    EXPECT_EQ(credentials.error(), CloudErrc::notConfigured);
    EXPECT_NE(credentials.error().detail().find("hoststudio secret set cloudinary/apiSecret"), std::string::npos)
        << credentials.error().detail();
    EXPECT_NE(credentials.error().detail().find(secretsPath().toStdString()), std::string::npos)
        << credentials.error().detail();
}

TEST_F(CloudinaryCredentialsFromStore, MissingCloudOrKeyIsNamed)
{
    ASSERT_TRUE(store_->write(core::secretName::cloudinaryApiSecret, "abcDEF_ghi-jkl").ok());
    const auto noCloud = CloudinaryCredentials::fromPartsAndStore(" ", "123456789012345", *store_);
    ASSERT_FALSE(noCloud.ok());
    EXPECT_NE(noCloud.error().detail().find("missing cloud name"), std::string::npos) << noCloud.error().detail();
    const auto noKey = CloudinaryCredentials::fromPartsAndStore("democloud", "", *store_);
    ASSERT_FALSE(noKey.ok());
    EXPECT_NE(noKey.error().detail().find("missing API key"), std::string::npos) << noKey.error().detail();
}

TEST_F(CloudinaryCredentialsFromStore, UnreadableStoreIsReportedNotIgnored)
{
    ASSERT_TRUE(store_->write(core::secretName::cloudinaryApiSecret, "abcDEF_ghi-jkl").ok());
    ASSERT_EQ(::chmod(QFile::encodeName(secretsPath()).constData(), 0644), 0);
    const auto credentials = CloudinaryCredentials::fromPartsAndStore("democloud", "123456789012345", *store_);
    ASSERT_FALSE(credentials.ok());
    EXPECT_EQ(credentials.error(), CloudErrc::notConfigured);
    EXPECT_NE(credentials.error().detail().find("chmod 600"), std::string::npos) << credentials.error().detail();
}

} // namespace
} // namespace hoststudio::cloud
