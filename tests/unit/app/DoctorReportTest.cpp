// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/app/DoctorReport.hpp"
#include "hoststudio/app/Verb.hpp"
#include "hoststudio/core/Log.hpp"

#include <QJsonDocument>
#include <QJsonObject>

#include <gtest/gtest.h>

#include <vector>

namespace hoststudio::app {
namespace {

DoctorCheck makeCheck(const char* name, const char* target, DoctorStatus status, const char* detail, const char* fix)
{
    DoctorCheck check;
    check.check = QString::fromUtf8(name);
    check.target = QString::fromUtf8(target);
    check.status = status;
    check.detail = QString::fromUtf8(detail);
    check.fix = QString::fromUtf8(fix);
    return check;
}

struct LineCase {
    const char* name;
    DoctorCheck check;
    const char* expected;
};

TEST(DoctorReport, FormatsOneLinePerCheck)
{
    const std::vector<LineCase> rows{
        {"ok_without_fix",
         makeCheck("backend", "http://127.0.0.1:3001", DoctorStatus::ok, "healthy", "never shown when ok"),
         "ok    backend http://127.0.0.1:3001: healthy"},
        {"ok_without_target", makeCheck("encoders", "", DoctorStatus::ok, "encoder libx264, encoder aac", ""),
         "ok    encoders: encoder libx264, encoder aac"},
        {"warn_with_fix", makeCheck("camera", "", DoctorStatus::warn, "none found", "connect a camera"),
         "warn  camera: none found. To fix: connect a camera"},
        {"fail_with_fix_after_a_full_stop",
         makeCheck("relay", "ws://127.0.0.1:9", DoctorStatus::fail, "cannot connect: refused.", "start the relay"),
         "fail  relay ws://127.0.0.1:9: cannot connect: refused. To fix: start the relay"},
        {"fail_without_fix", makeCheck("channel", "http://h", DoctorStatus::fail, "down", ""),
         "fail  channel http://h: down"},
    };
    for (const LineCase& row : rows) {
        EXPECT_EQ(formatDoctorLine(row.check).toStdString(), row.expected) << row.name;
    }
}

TEST(DoctorReport, JsonLineCarriesEveryFieldAndTheData)
{
    DoctorCheck check = makeCheck("relay", "ws://127.0.0.1:7447", DoctorStatus::warn, "no NIP-11", "ask the operator");
    check.data.insert(QStringLiteral("name"), QStringLiteral("local"));
    const QByteArray line = doctorJsonLine(check);
    EXPECT_FALSE(line.contains('\n'));
    const QJsonObject object = QJsonDocument::fromJson(line).object();
    EXPECT_EQ(object.value(QStringLiteral("check")).toString(), QStringLiteral("relay"));
    EXPECT_EQ(object.value(QStringLiteral("target")).toString(), QStringLiteral("ws://127.0.0.1:7447"));
    EXPECT_EQ(object.value(QStringLiteral("status")).toString(), QStringLiteral("warn"));
    EXPECT_EQ(object.value(QStringLiteral("detail")).toString(), QStringLiteral("no NIP-11"));
    EXPECT_EQ(object.value(QStringLiteral("fix")).toString(), QStringLiteral("ask the operator"));
    EXPECT_EQ(object.value(QStringLiteral("data")).toObject().value(QStringLiteral("name")).toString(),
              QStringLiteral("local"));

    const QJsonObject ok =
        QJsonDocument::fromJson(doctorJsonLine(makeCheck("backend", "", DoctorStatus::ok, "fine", "stale advice")))
            .object();
    EXPECT_EQ(ok.value(QStringLiteral("status")).toString(), QStringLiteral("ok"));
    EXPECT_EQ(ok.value(QStringLiteral("fix")).toString(), QString()) << "an ok check has nothing to fix";
    EXPECT_FALSE(ok.contains(QStringLiteral("data")));
}

TEST(DoctorReport, NeverPrintsARegisteredSecret)
{
    const char* secret = "doctor-unit-secret-0123456789";
    core::SecretScrubber::registerSecret(secret);
    DoctorCheck check =
        makeCheck("cloudinary", "https://api.example", DoctorStatus::fail,
                  "rejected: cloudinary://123:doctor-unit-secret-0123456789@demo", "check the API key/secret");
    check.data.insert(QStringLiteral("echo"), QString::fromUtf8(secret));
    EXPECT_FALSE(formatDoctorLine(check).contains(QString::fromUtf8(secret)));
    EXPECT_FALSE(doctorJsonLine(check).contains(secret));
    EXPECT_TRUE(formatDoctorLine(check).contains(QStringLiteral("check the API key/secret")));
    core::SecretScrubber::forgetAll();
}

TEST(DoctorReport, ExitStatusAndSummary)
{
    std::vector<DoctorCheck> checks{makeCheck("a", "", DoctorStatus::ok, "", ""),
                                    makeCheck("b", "", DoctorStatus::warn, "", "")};
    EXPECT_EQ(doctorExitCode(checks), kExitOk) << "warnings alone do not fail";
    EXPECT_EQ(doctorSummary(checks).toStdString(), "2 checks: 1 ok, 1 warn, 0 fail");
    checks.push_back(makeCheck("c", "", DoctorStatus::fail, "", ""));
    EXPECT_EQ(doctorExitCode(checks), kExitFailure);
    EXPECT_EQ(doctorSummary(checks).toStdString(), "3 checks: 1 ok, 1 warn, 1 fail");
    EXPECT_EQ(doctorExitCode({}), kExitOk);
}

TEST(DoctorReport, StatusNames)
{
    EXPECT_EQ(doctorStatusName(DoctorStatus::ok).toStdString(), "ok");
    EXPECT_EQ(doctorStatusName(DoctorStatus::warn).toStdString(), "warn");
    EXPECT_EQ(doctorStatusName(DoctorStatus::fail).toStdString(), "fail");
}

} // namespace
} // namespace hoststudio::app
