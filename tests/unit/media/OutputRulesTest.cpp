// SPDX-License-Identifier: GPL-2.0-or-later
// Stream URLs, connect-failure wording, reconnect decisions and the statistics rules.
#include "hoststudio/core/Log.hpp"
#include "hoststudio/core/ReconnectPolicy.hpp"
#include "hoststudio/media/ConnectFailure.hpp"
#include "hoststudio/media/LiveStats.hpp"
#include "hoststudio/media/MediaError.hpp"
#include "hoststudio/media/StreamTarget.hpp"

#include <gtest/gtest.h>

#include <cerrno>

namespace hoststudio::media {
namespace {

using namespace std::chrono_literals;

struct UrlCase {
    const char* name;
    const char* url;
    bool valid;
    const char* display; // or the detail fragment when invalid
};

class StreamTargetTest : public ::testing::TestWithParam<UrlCase> {};

TEST_P(StreamTargetTest, Parses)
{
    const UrlCase& testCase = GetParam();
    const auto target = StreamTarget::parse(testCase.url);
    if (testCase.valid) {
        ASSERT_TRUE(target.ok()) << target.error().describe();
        EXPECT_EQ(target->displayUrl, testCase.display);
        EXPECT_EQ(target->url, testCase.url);
    } else {
        ASSERT_FALSE(target.ok());
        EXPECT_EQ(target.error(), MediaErrc::invalidUrl);
        EXPECT_NE(target.error().detail().find(testCase.display), std::string::npos) << target.error().detail();
    }
}

INSTANTIATE_TEST_SUITE_P(
    Urls, StreamTargetTest,
    ::testing::Values(UrlCase{"rtmp", "rtmp://127.0.0.1:1935/live/abcdef123456", true,
                              "rtmp://127.0.0.1:1935/live/••••3456"},
                      UrlCase{"rtmpsNoPort", "rtmps://live.example.com/app/sk_live_0123456789", true,
                              "rtmps://live.example.com/app/••••6789"},
                      UrlCase{"shortKeyFullyMasked", "rtmp://h/live/key1", true, "rtmp://h/live/••••"},
                      UrlCase{"nestedApp", "rtmp://h/app/inst/streamkey-long-1", true, "rtmp://h/app/inst/••••ng-1"},
                      UrlCase{"upperScheme", "RTMP://h/live/abcdef123456", true, "rtmp://h/live/••••3456"},
                      UrlCase{"ipv6", "rtmp://[::1]:1935/live/abcdef123456", true, "rtmp://[::1]:1935/live/••••3456"},
                      UrlCase{"http", "http://h/live/key", false, "scheme"},
                      UrlCase{"noScheme", "h/live/key", false, "missing scheme"},
                      UrlCase{"noKey", "rtmp://h/live/", false, "stream key"},
                      UrlCase{"noApp", "rtmp://h/key", false, "application"},
                      UrlCase{"noPath", "rtmp://h", false, "application"},
                      UrlCase{"badPort", "rtmp://h:99999/live/key", false, "port"},
                      UrlCase{"noHost", "rtmp://:1935/live/key", false, "host"},
                      UrlCase{"space", "rtmp://h/live/ke y", false, "spaces"},
                      UrlCase{"userInfo", "rtmp://u:p@h/live/key", false, "user information"},
                      UrlCase{"fragment", "rtmp://h/live/key#1", false, "%23"},
                      UrlCase{"badHostCharacter", "rtmp://h*st/live/key", false, "host"},
                      UrlCase{"queryKeptInKey", "rtmp://h/live/abcdef?token=123456", true, "rtmp://h/live/••••3456"}),
    [](const ::testing::TestParamInfo<UrlCase>& paramInfo) { return std::string(paramInfo.param.name); });

TEST(StreamTarget, AnErrorNeverQuotesTheStreamKey)
{
    for (const char* url : {"rtmp://h:99999/live/never-shown-key-42", "rtmp://h st/live/never-shown-key-42",
                            "http://h/live/never-shown-key-42", "rtmp://u:p@h/live/never-shown-key-42"}) {
        const auto target = StreamTarget::parse(url);
        ASSERT_FALSE(target.ok()) << url;
        EXPECT_EQ(target.error().detail().find("never-shown-key-42"), std::string::npos) << target.error().detail();
    }
}

TEST(StreamTarget, RegistersTheKeyWithTheLogScrubber)
{
    const auto target = StreamTarget::parse("rtmp://h/live/secret-key-998877");
    ASSERT_TRUE(target.ok());
    const QString scrubbed = core::SecretScrubber::scrub(QStringLiteral("publishing secret-key-998877 now"));
    EXPECT_FALSE(scrubbed.contains(QStringLiteral("secret-key-998877"))) << scrubbed.toStdString();
}

struct FailureCase {
    const char* name;
    int posixError;
    const char* ffmpegText;
    const char* logLine;
    bool timedOut;
    MediaErrc expected;
    const char* detailContains;
};

class ConnectFailureTest : public ::testing::TestWithParam<FailureCase> {};

TEST_P(ConnectFailureTest, NamesTheCause)
{
    const FailureCase& testCase = GetParam();
    const core::Error error = classifyConnectFailure({.posixError = testCase.posixError,
                                                      .ffmpegText = testCase.ffmpegText,
                                                      .lastLogError = testCase.logLine,
                                                      .timedOut = testCase.timedOut,
                                                      .target = "rtmps://h/live/••••"});
    EXPECT_EQ(error, testCase.expected);
    EXPECT_NE(error.detail().find(testCase.detailContains), std::string::npos) << error.detail();
    EXPECT_EQ(error.detail().rfind("rtmps://h/live/••••: ", 0), 0U) << error.detail();
}

INSTANTIATE_TEST_SUITE_P(
    Causes, ConnectFailureTest,
    ::testing::Values(
        FailureCase{"refused", ECONNREFUSED, "Connection refused", "", false, MediaErrc::connectFailed, "refused"},
        FailureCase{"timeout", 0, "Immediate exit requested", "", true, MediaErrc::connectFailed, "timed out"},
        FailureCase{"untrusted", EIO, "Input/output error", "The certificate is NOT trusted.", false,
                    MediaErrc::certificateNotTrusted, "--ca-file"},
        FailureCase{"verifyFailed", EIO, "Input/output error", "Certificate verification failed", false,
                    MediaErrc::certificateNotTrusted, "verification"},
        FailureCase{"serverRefusedPublish", EIO, "Input/output error", "Server error: Stream key rejected", false,
                    MediaErrc::invalidStreamKey, "double-check your stream key"},
        FailureCase{"unreachable", ENETUNREACH, "Network is unreachable", "", false, MediaErrc::connectFailed,
                    "unreachable"},
        FailureCase{"other", EIO, "Input/output error", "Unknown error", false, MediaErrc::connectFailed,
                    "Input/output error (Unknown error)"}),
    [](const ::testing::TestParamInfo<FailureCase>& paramInfo) { return std::string(paramInfo.param.name); });

// What the sender does with a failure: a first connect is never retried, a drop is retried on
// OBS's schedule, and stop cancels at once.
TEST(ReconnectDecisions, FirstConnectFailureIsNotRetried)
{
    core::ReconnectPolicy policy(core::ReconnectConfig::defaults(), 7);
    EXPECT_EQ(policy.onFailure(failurePhase(false)).verdict, core::RetryVerdict::doNotRetry);
}

TEST(ReconnectDecisions, MidStreamDropFollowsTheSchedule)
{
    core::ReconnectPolicy policy(core::ReconnectConfig::defaults(), 7);
    policy.onConnected();
    const core::RetryDecision first = policy.onFailure(failurePhase(true));
    EXPECT_EQ(first.verdict, core::RetryVerdict::retry);
    EXPECT_EQ(first.delay, 2000ms);
    EXPECT_EQ(first.attempt, 1);
    const core::RetryDecision second = policy.onFailure(failurePhase(true));
    EXPECT_EQ(second.verdict, core::RetryVerdict::retry);
    EXPECT_GE(second.delay, 2900ms);
    EXPECT_LE(second.delay, 3100ms);
    policy.onConnected();
    EXPECT_EQ(policy.onFailure(failurePhase(true)).delay, 2000ms) << "a successful reconnect restarts the schedule";
    policy.cancel();
    EXPECT_EQ(policy.onFailure(failurePhase(true)).verdict, core::RetryVerdict::cancelled);
}

struct OverloadCase {
    const char* name;
    std::uint64_t totalFrames;
    std::uint64_t skippedBefore;
    std::uint64_t skippedNow;
    bool overloaded;
};

class OverloadRuleTest : public ::testing::TestWithParam<OverloadCase> {};

TEST_P(OverloadRuleTest, IsOBSRule)
{
    const OverloadCase& testCase = GetParam();
    OverloadRule rule;
    (void)rule.update(testCase.totalFrames, testCase.skippedBefore, 1000ms);
    EXPECT_EQ(rule.update(testCase.totalFrames, testCase.skippedNow, 1000ms), testCase.overloaded);
}

INSTANTIATE_TEST_SUITE_P(Cases, OverloadRuleTest,
                         ::testing::Values(OverloadCase{"noneSkipped", 3000, 0, 0, false},
                                           OverloadCase{"tenSkippedIsNotMoreThanTen", 3000, 0, 10, false},
                                           OverloadCase{"elevenSkipped", 3000, 0, 11, true},
                                           OverloadCase{"elevenButUnderPointOnePercent", 20000, 0, 11, false},
                                           OverloadCase{"oldSkipsDoNotCount", 3000, 100, 105, false}),
                         [](const ::testing::TestParamInfo<OverloadCase>& paramInfo) {
                             return std::string(paramInfo.param.name);
                         });

TEST(CongestionAverage, AveragesTheLastFourSamplesIntoHealth)
{
    CongestionAverage average;
    EXPECT_DOUBLE_EQ(average.add(0.0), 0.0);
    EXPECT_DOUBLE_EQ(average.add(1.0), 0.5);
    EXPECT_DOUBLE_EQ(average.add(1.0), 2.0 / 3.0);
    EXPECT_DOUBLE_EQ(average.add(1.0), 0.75);
    EXPECT_DOUBLE_EQ(average.add(1.0), 1.0);
    EXPECT_EQ(healthForCongestion(0.0), NetworkHealth::excellent);
    EXPECT_EQ(healthForCongestion(0.4), NetworkHealth::good);
    EXPECT_EQ(healthForCongestion(0.7), NetworkHealth::mediocre);
    EXPECT_EQ(healthForCongestion(1.0), NetworkHealth::bad);
}

TEST(ProcessUsage, ReportsCpuAndMemory)
{
    const ProcessUsage usage = ProcessUsage::now();
    EXPECT_GT(usage.residentKb, 0U);
    EXPECT_GE(usage.cpuTime.count(), 0);
}

} // namespace
} // namespace hoststudio::media
