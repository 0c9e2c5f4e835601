// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/net/TlsSettings.hpp"

#include "hoststudio/net/NetError.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <vector>

namespace hoststudio::net {
namespace {

// A throw-away CA certificate (EC P-256, "HostStudio unit-test CA"); its key was never kept.
constexpr const char* kCaCertificatePem = R"(-----BEGIN CERTIFICATE-----
MIIBmzCCAUGgAwIBAgIULMKEtPVNyUz/wV/5tfe07O2fmagwCgYIKoZIzj0EAwIw
IjEgMB4GA1UEAwwXSG9zdFN0dWRpbyB1bml0LXRlc3QgQ0EwIBcNMjYxMTI0MDM0
NDA1WhgPMjEyNjEwMzEwMzQ0MDVaMCIxIDAeBgNVBAMMF0hvc3RTdHVkaW8gdW5p
dC10ZXN0IENBMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE8Yfe1jsO2Mj2OS5H
+sDdFkH8vRTyseuL1lrjnaL6K1G+utEM7h+RBOBfjtZ5kJA2JaR20kZqwrCkjWfP
yxjoCKNTMFEwHQYDVR0OBBYEFHIAI9xFq3yyYALbrlNOovz+9AdcMB8GA1UdIwQY
MBaAFHIAI9xFq3yyYALbrlNOovz+9AdcMA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZI
zj0EAwIDSAAwRQIgJeCDLAr3EW1q75VyczlKlfeMQG0zgwTvVmrEh2KbwbECIQC1
3vzdJmCp6aB5VOYXwMcMmnJkrH7BRLVz27G4/+4gXg==
-----END CERTIFICATE-----
)";

class TlsSettingsTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        directory_ = std::filesystem::temp_directory_path() /
                     ("hoststudio-tls-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
                      ::testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::create_directories(directory_);
    }
    void TearDown() override { std::filesystem::remove_all(directory_); }

    std::string write(const std::string& name, const std::string& content)
    {
        const auto path = directory_ / name;
        std::ofstream(path, std::ios::binary) << content;
        return path.string();
    }

    std::filesystem::path directory_;
};

struct CaFileCase {
    const char* name;
    bool create;
    std::string content;
    bool ok;
    const char* detailFragment;
};

TEST_F(TlsSettingsTest, ExtraCaFileIsCheckedWhenTheContextIsMade)
{
    const std::vector<CaFileCase> rows{
        {"none", false, "", true, ""},
        {"missing.pem", false, "", false, "No such file or directory"},
        {"empty.pem", true, "", false, "no PEM certificate"},
        {"garbage.pem", true, "not a certificate\n", false, "no PEM certificate"},
        {"truncated.pem", true, std::string(kCaCertificatePem).substr(0, 200), false, "no PEM certificate"},
        {"ca.pem", true, kCaCertificatePem, true, ""},
        {"two.pem", true, std::string(kCaCertificatePem) + kCaCertificatePem, true, ""},
    };
    for (const CaFileCase& row : rows) {
        TlsSettings settings;
        if (std::string_view(row.name) != "none") {
            settings.extraCaFile = row.create ? write(row.name, row.content) : (directory_ / row.name).string();
        }
        const auto context = TlsContextFactory::create(settings);
        EXPECT_EQ(context.ok(), row.ok) << row.name;
        if (!context.ok()) {
            EXPECT_EQ(context.error(), NetErrc::invalidCaFile) << row.name;
            EXPECT_NE(context.error().detail().find(row.name), std::string::npos) << context.error().detail();
            EXPECT_NE(context.error().detail().find(row.detailFragment), std::string::npos) << context.error().detail();
        }
    }
}

TEST_F(TlsSettingsTest, AContextIsMadeOnceAndKeptAcrossSessions)
{
    const TlsSettings system;
    std::weak_ptr<TlsContext> first;
    {
        const auto made = TlsContextFactory::create(system);
        ASSERT_TRUE(made.ok());
        first = *made;
    }
    EXPECT_FALSE(first.expired()) << "no client holds it any more, yet it is kept for the next session";
    const auto again = TlsContextFactory::create(system);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(*again, first.lock()) << "the CA store is not loaded again";

    // An edited extra CA file is another context.
    const std::string path = write("kept.pem", kCaCertificatePem);
    const auto withCa = TlsContextFactory::create(TlsSettings{path});
    ASSERT_TRUE(withCa.ok());
    EXPECT_NE(*withCa, first.lock());
    EXPECT_EQ(TlsContextFactory::create(TlsSettings{path})->get(), withCa->get());
    write("kept.pem", std::string(kCaCertificatePem) + kCaCertificatePem);
    const auto edited = TlsContextFactory::create(TlsSettings{path});
    ASSERT_TRUE(edited.ok());
    EXPECT_NE(edited->get(), withCa->get());
}

TEST_F(TlsSettingsTest, UnreadableCaFileSaysSo)
{
    if (::geteuid() == 0) {
        GTEST_SKIP() << "root reads every file";
    }
    const std::string path = write("locked.pem", kCaCertificatePem);
    std::filesystem::permissions(path, std::filesystem::perms::none);
    const auto context = TlsContextFactory::create(TlsSettings{path});
    ASSERT_FALSE(context.ok());
    EXPECT_NE(context.error().detail().find("Permission denied"), std::string::npos);
}

TEST_F(TlsSettingsTest, ADirectoryIsNotACaFile)
{
    const auto context = TlsContextFactory::create(TlsSettings{directory_.string()});
    ASSERT_FALSE(context.ok());
    EXPECT_EQ(context.error(), NetErrc::invalidCaFile);
}

} // namespace
} // namespace hoststudio::net
