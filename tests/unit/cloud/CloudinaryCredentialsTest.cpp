// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/cloud/CloudinaryCredentials.hpp"

#include "hoststudio/cloud/CloudError.hpp"
#include "hoststudio/core/Log.hpp"

#include <gtest/gtest.h>

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

} // namespace
} // namespace hoststudio::cloud
