// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/core/Log.hpp"

#include <QFile>
#include <QTemporaryDir>

#include <gtest/gtest.h>

namespace hoststudio::core {
namespace {

class LogTest : public testing::Test {
protected:
    void TearDown() override
    {
        uninstallLogSink();
        SecretScrubber::forgetAll();
    }
};

TEST_F(LogTest, MaskKeepsOnlyTheTailOfLongSecrets)
{
    EXPECT_EQ(maskSecret("abcdefghijklmnop"), "••••mnop");
    EXPECT_EQ(maskSecret("short"), "••••");
    EXPECT_EQ(maskSecret(""), "••••");
}

TEST_F(LogTest, LineHasTimeLevelCategoryAndMessage)
{
    const QString line = formatLogLine(QtWarningMsg, "hoststudio.net", QStringLiteral("relay down"));
    EXPECT_TRUE(line.endsWith(QStringLiteral(" W hoststudio.net: relay down"))) << line.toStdString();
    EXPECT_TRUE(line.contains(QLatin1Char('T')) && line.contains(QLatin1Char('Z'))) << line.toStdString();
}

TEST_F(LogTest, RegisteredSecretsNeverReachTheFile)
{
    QTemporaryDir directory;
    const QString path = directory.filePath(QStringLiteral("logs/hoststudio.log"));
    ASSERT_TRUE(installLogSink(path, false).ok());
    const std::string streamKey = "live_8f3a9c2e71b4d605";
    const std::string nsec = "nsec1vl029mgpspedva04g90vltkh6fvh240zqtv9k0t9af8935ke9laqsnlfe5";
    SecretScrubber::registerSecret(streamKey);
    SecretScrubber::registerSecret(nsec);
    SecretScrubber::registerSecret("abc"); // too short to register: would mask ordinary words

    qCWarning(lcCore).noquote() << "pushing to rtmp://127.0.0.1/live/" + QString::fromStdString(streamKey);
    qCInfo(lcCore).noquote() << "key" << QString::fromStdString(nsec) << "loaded, abc";
    uninstallLogSink();

    QFile file(path);
    ASSERT_TRUE(file.open(QIODevice::ReadOnly));
    const QString content = QString::fromUtf8(file.readAll());
    EXPECT_FALSE(content.contains(QString::fromStdString(streamKey))) << content.toStdString();
    EXPECT_FALSE(content.contains(QString::fromStdString(nsec))) << content.toStdString();
    EXPECT_TRUE(content.contains(QStringLiteral("live/••••d605"))) << content.toStdString();
    EXPECT_TRUE(content.contains(QStringLiteral("loaded, abc"))) << content.toStdString();
    EXPECT_EQ(file.permissions() & (QFileDevice::ReadOther | QFileDevice::ReadGroup), QFileDevice::Permissions{});
}

TEST_F(LogTest, UnwritableLogFileIsAnError)
{
    const Status status = installLogSink(QStringLiteral("/proc/hoststudio-cannot-exist/x.log"), false);
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.error(), CoreErrc::fileUnwritable);
}

} // namespace
} // namespace hoststudio::core
