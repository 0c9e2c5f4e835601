// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/core/ReconnectPolicy.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace hoststudio::core {
namespace {

using std::chrono::milliseconds;

ReconnectConfig fixedMultiplier(double multiplier)
{
    ReconnectConfig config = ReconnectConfig::defaults();
    config.minMultiplier = multiplier;
    config.maxMultiplier = multiplier;
    return config;
}

TEST(ReconnectPolicy, DefaultsAreObsRules)
{
    const ReconnectConfig config = ReconnectConfig::defaults();
    EXPECT_TRUE(config.enabled);
    EXPECT_EQ(config.initialDelay, milliseconds(2000));
    EXPECT_DOUBLE_EQ(config.minMultiplier, 1.45);
    EXPECT_DOUBLE_EQ(config.maxMultiplier, 1.55);
    EXPECT_EQ(config.maxDelay, milliseconds(15 * 60 * 1000));
    EXPECT_EQ(config.maxRetries, 25);
    EXPECT_EQ(config.validationError(), "");
}

struct ScheduleCase {
    const char* name;
    double multiplier;
    milliseconds initialDelay;
    milliseconds maxDelay;
    int maxRetries;
    std::vector<milliseconds> expectedDelays; // then retriesExhausted
};

class ReconnectSchedule : public testing::TestWithParam<ScheduleCase> {};

TEST_P(ReconnectSchedule, FollowsTheTable)
{
    const ScheduleCase& row = GetParam();
    ReconnectConfig config = fixedMultiplier(row.multiplier);
    config.initialDelay = row.initialDelay;
    config.maxDelay = row.maxDelay;
    config.maxRetries = row.maxRetries;
    ReconnectPolicy policy(config, 1);
    int attempt = 0;
    for (const milliseconds expected : row.expectedDelays) {
        const RetryDecision decision = policy.onFailure(FailurePhase::midSession);
        ++attempt;
        ASSERT_EQ(decision.verdict, RetryVerdict::retry) << "attempt " << attempt;
        EXPECT_EQ(decision.delay, expected) << "attempt " << attempt;
        EXPECT_EQ(decision.attempt, attempt);
        EXPECT_EQ(decision.maxRetries, row.maxRetries);
    }
    EXPECT_EQ(policy.onFailure(FailurePhase::midSession).verdict, RetryVerdict::retriesExhausted);
    EXPECT_EQ(policy.onFailure(FailurePhase::midSession).verdict, RetryVerdict::retriesExhausted);
}

INSTANTIATE_TEST_SUITE_P(Table, ReconnectSchedule,
                         testing::Values(ScheduleCase{"obs_x1_5",
                                                      1.5,
                                                      milliseconds(2000),
                                                      milliseconds(900000),
                                                      6,
                                                      {milliseconds(2000), milliseconds(3000), milliseconds(4500),
                                                       milliseconds(6750), milliseconds(10125), milliseconds(15188)}},
                                         ScheduleCase{"capped",
                                                      2.0,
                                                      milliseconds(1000),
                                                      milliseconds(5000),
                                                      5,
                                                      {milliseconds(1000), milliseconds(2000), milliseconds(4000),
                                                       milliseconds(5000), milliseconds(5000)}},
                                         ScheduleCase{
                                             "no_retries", 1.5, milliseconds(2000), milliseconds(900000), 0, {}},
                                         ScheduleCase{"constant",
                                                      1.0,
                                                      milliseconds(500),
                                                      milliseconds(500),
                                                      3,
                                                      {milliseconds(500), milliseconds(500), milliseconds(500)}}),
                         [](const testing::TestParamInfo<ScheduleCase>& row) { return std::string(row.param.name); });

TEST(ReconnectPolicy, TwentyFiveRetriesReachTheFifteenMinuteCap)
{
    ReconnectPolicy policy(fixedMultiplier(1.5), 1);
    milliseconds last{0};
    for (int attempt = 1; attempt <= 25; ++attempt) {
        const RetryDecision decision = policy.onFailure(FailurePhase::midSession);
        ASSERT_EQ(decision.verdict, RetryVerdict::retry);
        EXPECT_GE(decision.delay, last);
        EXPECT_LE(decision.delay, milliseconds(900000));
        last = decision.delay;
    }
    EXPECT_EQ(last, milliseconds(900000));
    EXPECT_EQ(policy.onFailure(FailurePhase::midSession).verdict, RetryVerdict::retriesExhausted);
}

TEST(ReconnectPolicy, FirstConnectFailureIsNeverRetried)
{
    ReconnectPolicy policy;
    const RetryDecision decision = policy.onFailure(FailurePhase::firstConnect);
    EXPECT_EQ(decision.verdict, RetryVerdict::doNotRetry);
    EXPECT_EQ(policy.attemptsSoFar(), 0);
}

TEST(ReconnectPolicy, DisabledNeverRetries)
{
    ReconnectConfig config = ReconnectConfig::defaults();
    config.enabled = false;
    ReconnectPolicy policy(config, 3);
    EXPECT_EQ(policy.onFailure(FailurePhase::midSession).verdict, RetryVerdict::doNotRetry);
}

TEST(ReconnectPolicy, CancelStopsAtOnceAndForGood)
{
    ReconnectPolicy policy(ReconnectConfig::defaults(), 5);
    ASSERT_EQ(policy.onFailure(FailurePhase::midSession).verdict, RetryVerdict::retry);
    policy.cancel();
    EXPECT_TRUE(policy.isCancelled());
    EXPECT_EQ(policy.onFailure(FailurePhase::midSession).verdict, RetryVerdict::cancelled);
    policy.onConnected();
    EXPECT_EQ(policy.onFailure(FailurePhase::midSession).verdict, RetryVerdict::cancelled);
}

TEST(ReconnectPolicy, ConnectedStartsTheScheduleAgain)
{
    ReconnectPolicy policy(fixedMultiplier(1.5), 1);
    static_cast<void>(policy.onFailure(FailurePhase::midSession));
    static_cast<void>(policy.onFailure(FailurePhase::midSession));
    policy.onConnected();
    const RetryDecision decision = policy.onFailure(FailurePhase::midSession);
    EXPECT_EQ(decision.delay, milliseconds(2000));
    EXPECT_EQ(decision.attempt, 1);
}

TEST(ReconnectPolicy, JitterIsFixedPerPolicyAndWithinBounds)
{
    double smallest = 10.0;
    double largest = 0.0;
    for (std::uint64_t seed = 0; seed < 500; ++seed) {
        ReconnectPolicy policy(ReconnectConfig::defaults(), seed);
        const double multiplier = policy.multiplier();
        ASSERT_GE(multiplier, 1.45);
        ASSERT_LE(multiplier, 1.55);
        smallest = std::min(smallest, multiplier);
        largest = std::max(largest, multiplier);
        // The same factor is applied to every step of this policy.
        const milliseconds first = policy.onFailure(FailurePhase::midSession).delay;
        const milliseconds second = policy.onFailure(FailurePhase::midSession).delay;
        const milliseconds third = policy.onFailure(FailurePhase::midSession).delay;
        EXPECT_NEAR(static_cast<double>(second.count()) / static_cast<double>(first.count()), multiplier, 0.001);
        EXPECT_NEAR(static_cast<double>(third.count()) / static_cast<double>(second.count()), multiplier, 0.001);
    }
    // Different outputs get different factors (against thundering herds).
    EXPECT_LT(smallest, 1.46);
    EXPECT_GT(largest, 1.54);
}

struct InvalidConfigCase {
    const char* name;
    ReconnectConfig config;
    const char* expectedFragment;
};

TEST(ReconnectPolicy, ValidationNamesTheProblem)
{
    const auto withChange = [](auto change) {
        ReconnectConfig config = ReconnectConfig::defaults();
        change(config);
        return config;
    };
    const std::vector<InvalidConfigCase> rows{
        {"zero_delay", withChange([](ReconnectConfig& c) { c.initialDelay = milliseconds(0); }), "initialDelay"},
        {"cap_below_start", withChange([](ReconnectConfig& c) { c.maxDelay = milliseconds(10); }), "maxDelay"},
        {"shrinking", withChange([](ReconnectConfig& c) { c.minMultiplier = 0.5; }), "multipliers"},
        {"inverted", withChange([](ReconnectConfig& c) { c.maxMultiplier = 1.2; }), "multipliers"},
        {"negative_retries", withChange([](ReconnectConfig& c) { c.maxRetries = -1; }), "maxRetries"},
    };
    for (const InvalidConfigCase& row : rows) {
        EXPECT_NE(row.config.validationError().find(row.expectedFragment), std::string::npos) << row.name;
    }
}

} // namespace
} // namespace hoststudio::core
