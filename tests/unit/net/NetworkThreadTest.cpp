// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/net/NetworkThread.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <utility>

namespace hoststudio::net {
namespace {

using namespace std::chrono_literals;

TEST(NetworkThread, RunsPostedWorkOnItsOwnThread)
{
    NetworkThread thread;
    EXPECT_FALSE(thread.isCurrentThread());
    std::promise<bool> onThread;
    thread.post([&] { onThread.set_value(thread.isCurrentThread()); });
    auto future = onThread.get_future();
    ASSERT_EQ(future.wait_for(5s), std::future_status::ready);
    EXPECT_TRUE(future.get());
}

TEST(NetworkThread, StopRunsStopHandlersAndIsIdempotent)
{
    NetworkThread thread;
    std::atomic<int> calls{0};
    std::atomic<bool> onThread{false};
    const auto id = thread.addStopHandler([&] {
        onThread = thread.isCurrentThread();
        ++calls;
    });
    const auto removed = thread.addStopHandler([&] { calls += 100; });
    thread.removeStopHandler(removed);
    (void)id;
    const auto started = std::chrono::steady_clock::now();
    thread.stop();
    thread.stop();
    EXPECT_LT(std::chrono::steady_clock::now() - started, 1s) << "nothing outstanding: stop is immediate";
    EXPECT_EQ(calls.load(), 1);
    EXPECT_TRUE(onThread.load());
    EXPECT_FALSE(thread.isRunning());
}

TEST(NetworkThread, StopFromTheNetworkThreadOnlyRequestsIt)
{
    NetworkThread thread;
    std::promise<void> done;
    thread.post([&] {
        thread.stop(); // must not try to join itself
        done.set_value();
    });
    ASSERT_EQ(done.get_future().wait_for(5s), std::future_status::ready);
    thread.stop(); // joins
    EXPECT_FALSE(thread.isRunning());
}

TEST(NetworkThread, AThrowingHandlerDoesNotEndTheThread)
{
    NetworkThread thread;
    thread.post([] { throw std::runtime_error("boom"); });
    std::promise<void> after;
    thread.post([&] { after.set_value(); });
    EXPECT_EQ(after.get_future().wait_for(5s), std::future_status::ready);
}

TEST(NetworkThread, PostAfterRunsOnTheThreadAfterTheDelayInOrder)
{
    NetworkThread thread;
    const auto start = std::chrono::steady_clock::now();
    std::promise<std::pair<bool, std::chrono::steady_clock::duration>> late;
    std::atomic<int> order{0};
    std::atomic<int> earlyAt{0};
    thread.postAfter(200ms, [&] {
        late.set_value({thread.isCurrentThread() && order.fetch_add(1) == 1, std::chrono::steady_clock::now() - start});
    });
    thread.postAfter(20ms, [&] { earlyAt = order.fetch_add(1) + 1; });
    auto future = late.get_future();
    ASSERT_EQ(future.wait_for(5s), std::future_status::ready);
    const auto [secondOnThread, elapsed] = future.get();
    EXPECT_TRUE(secondOnThread);
    EXPECT_EQ(earlyAt.load(), 1);
    EXPECT_GE(elapsed, 200ms);
}

TEST(NetworkThread, StopCancelsWaitingTimersAtOnceAndDropsLaterOnes)
{
    NetworkThread thread;
    std::atomic<bool> ran{false};
    thread.postAfter(60s, [&] { ran = true; });
    std::promise<void> scheduled;
    thread.post([&] { scheduled.set_value(); });
    ASSERT_EQ(scheduled.get_future().wait_for(5s), std::future_status::ready);
    const auto start = std::chrono::steady_clock::now();
    thread.stop(5s);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 1s) << "a waiting timer held the thread up";
    thread.postAfter(0ms, [&] { ran = true; });
    EXPECT_FALSE(ran.load());
}

} // namespace
} // namespace hoststudio::net
