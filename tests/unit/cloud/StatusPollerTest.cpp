// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/cloud/StatusPoller.hpp"

#include "ScriptedIngestProvider.hpp"
#include "hoststudio/cloud/CloudError.hpp"

#include <gtest/gtest.h>

#include <mutex>
#include <thread>

namespace hoststudio::cloud {
namespace {

using namespace std::chrono_literals;
using testing::ScriptedIngestProvider;

struct Recorder {
    std::mutex mutex;
    std::vector<IngestStatus> changes;
    std::vector<core::Error> errors;

    StatusPoller::ChangeCallback onChange()
    {
        return [this](const IngestStatus& status) {
            std::lock_guard lock(mutex);
            changes.push_back(status);
        };
    }
    StatusPoller::ErrorCallback onError()
    {
        return [this](const core::Error& error) {
            std::lock_guard lock(mutex);
            errors.push_back(error);
        };
    }
};

TEST(StatusPoller, ReportsEachChangeOnceAndErrorsAsTheyCome)
{
    ScriptedIngestProvider provider("cloudinary");
    provider.statusScript = {
        IngestStatus{IngestState::idle, "idle"},           IngestStatus{IngestState::idle, "idle"},
        core::Error{CloudErrc::serverError, "HTTP 503"},   IngestStatus{IngestState::idle, "idle"},
        IngestStatus{IngestState::starting, "activating"}, IngestStatus{IngestState::live, "active"},
        IngestStatus{IngestState::live, "active"},
    };
    Recorder recorder;
    StatusPollerSettings settings{1ms, 4ms, 2.0};
    StatusPoller poller(provider, testing::endpointFor("cloudinary", "s1"), settings, recorder.onChange(),
                        recorder.onError());
    poller.start();
    ASSERT_TRUE(provider.waitForStatusCalls(10));
    poller.stop();
    std::lock_guard lock(recorder.mutex);
    ASSERT_EQ(recorder.changes.size(), 3U);
    EXPECT_EQ(recorder.changes.at(0).state, IngestState::idle);
    EXPECT_EQ(recorder.changes.at(1).state, IngestState::starting);
    EXPECT_EQ(recorder.changes.at(2).state, IngestState::live);
    EXPECT_EQ(recorder.changes.at(2).providerStatus, "active");
    ASSERT_EQ(recorder.errors.size(), 1U);
    EXPECT_EQ(recorder.errors.front(), CloudErrc::serverError);
}

TEST(StatusPoller, BacksOffWhileNothingChangesAndStartsOverOnAChange)
{
    ScriptedIngestProvider provider("cloudinary", /*holdAnswers=*/true);
    provider.statusScript = {
        IngestStatus{IngestState::idle, "idle"},       // first answer: a change
        IngestStatus{IngestState::idle, "idle"},       // unchanged: ×2
        core::Error{CloudErrc::timedOut, "no answer"}, // a failure backs off too
        IngestStatus{IngestState::idle, "idle"},       // capped
        IngestStatus{IngestState::live, "active"},     // a change: back to the start
    };
    Recorder recorder;
    StatusPollerSettings settings{10ms, 35ms, 2.0};
    StatusPoller poller(provider, testing::endpointFor("cloudinary", "s1"), settings, recorder.onChange(),
                        recorder.onError());
    poller.start();
    const std::vector<std::chrono::milliseconds> expected{10ms, 20ms, 35ms, 35ms, 10ms};
    for (const auto interval : expected) {
        ASSERT_TRUE(provider.answerNext());
        EXPECT_EQ(poller.nextInterval(), interval);
    }
    poller.stop();
    EXPECT_EQ(recorder.changes.size(), 2U);
    EXPECT_EQ(recorder.errors.size(), 1U);
}

TEST(StatusPoller, NothingAfterStop)
{
    ScriptedIngestProvider provider("custom");
    provider.statusScript = {IngestStatus{IngestState::unknown, "n/a"}};
    Recorder recorder;
    StatusPoller poller(provider, testing::endpointFor("custom", ""), StatusPollerSettings{1ms, 1ms, 1.0},
                        recorder.onChange());
    poller.start();
    ASSERT_TRUE(provider.waitForStatusCalls(3));
    poller.stop();
    const int calls = provider.statusCallCount();
    std::this_thread::sleep_for(50ms); // fifty intervals
    EXPECT_EQ(provider.statusCallCount(), calls);
    std::lock_guard lock(recorder.mutex);
    EXPECT_EQ(recorder.changes.size(), 1U);
}

TEST(StatusPoller, AnswerAfterStopIsIgnored)
{
    ScriptedIngestProvider provider("cloudinary", /*holdAnswers=*/true);
    provider.statusScript = {IngestStatus{IngestState::live, "active"}};
    Recorder recorder;
    {
        StatusPoller poller(provider, testing::endpointFor("cloudinary", "s1"), StatusPollerSettings{},
                            recorder.onChange());
        poller.start();
        ASSERT_TRUE(provider.waitForStatusCalls(1));
        poller.stop();
        ASSERT_TRUE(provider.answerNext()); // arrives late
    }
    std::lock_guard lock(recorder.mutex);
    EXPECT_TRUE(recorder.changes.empty());
}

TEST(StatusPoller, StopFromItsOwnCallback)
{
    ScriptedIngestProvider provider("cloudinary");
    provider.statusScript = {IngestStatus{IngestState::ended, "ended"}};
    std::unique_ptr<StatusPoller> poller;
    std::mutex mutex;
    int reported = 0;
    poller = std::make_unique<StatusPoller>(provider, testing::endpointFor("cloudinary", "s1"),
                                            StatusPollerSettings{1ms, 1ms, 1.0}, [&](const IngestStatus&) {
                                                std::lock_guard lock(mutex);
                                                ++reported;
                                                poller->stop();
                                            });
    poller->start();
    ASSERT_TRUE(provider.waitForStatusCalls(1));
    poller->stop();
    const int calls = provider.statusCallCount();
    std::this_thread::sleep_for(20ms);
    EXPECT_EQ(provider.statusCallCount(), calls);
    poller.reset();
    std::lock_guard lock(mutex);
    EXPECT_EQ(reported, 1);
}

} // namespace
} // namespace hoststudio::cloud
