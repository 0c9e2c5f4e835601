// SPDX-License-Identifier: GPL-2.0-or-later
#include "SendQueue.hpp"

#include "hoststudio/net/NetError.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace hoststudio::net::detail {
namespace {

struct PushCase {
    std::size_t cap;
    std::vector<std::size_t> sizes; // pushed in order, nothing written meanwhile
    std::vector<bool> accepted;
};

TEST(SendQueue, RefusesWhatWouldExceedTheCap)
{
    const std::vector<PushCase> rows{
        {10, {4, 4, 2}, {true, true, true}}, {10, {4, 4, 4}, {true, true, false}}, {10, {11}, {false}},
        {10, {10, 1}, {true, false}},        {10, {0, 10, 0}, {true, true, true}}, {0, {0, 1}, {true, false}},
    };
    for (const PushCase& row : rows) {
        SendQueue queue(row.cap);
        for (std::size_t index = 0; index < row.sizes.size(); ++index) {
            const core::Result<bool> pushed = queue.push({std::string(row.sizes[index], 'x'), true});
            EXPECT_EQ(pushed.ok(), row.accepted[index]) << "cap " << row.cap << ", push #" << index;
            if (!pushed.ok()) {
                EXPECT_EQ(pushed.error(), NetErrc::sendQueueFull);
                EXPECT_NE(pushed.error().detail().find("cap of " + std::to_string(row.cap)), std::string::npos);
            }
        }
        EXPECT_LE(queue.queuedBytes(), row.cap);
    }
}

TEST(SendQueue, OneWriterAtATimeInOrder)
{
    SendQueue queue(100);
    EXPECT_TRUE(queue.push({"a", true}).value()) << "the first push starts the writer";
    EXPECT_FALSE(queue.push({"bb", false}).value()) << "the writer is already busy";
    EXPECT_FALSE(queue.push({"ccc", true}).value());
    EXPECT_EQ(queue.queuedBytes(), 6U);
    EXPECT_EQ(queue.front().data, "a");
    EXPECT_TRUE(queue.pop());
    EXPECT_EQ(queue.front().data, "bb");
    EXPECT_FALSE(queue.front().text);
    EXPECT_TRUE(queue.pop());
    EXPECT_EQ(queue.front().data, "ccc");
    EXPECT_FALSE(queue.pop()) << "empty: the writer stops";
    EXPECT_EQ(queue.queuedBytes(), 0U);
    EXPECT_TRUE(queue.push({"d", true}).value()) << "idle again: the next push restarts it";
}

TEST(SendQueue, WrittenBytesMakeRoomAgain)
{
    SendQueue queue(8);
    ASSERT_TRUE(queue.push({std::string(8, 'x'), true}).ok());
    EXPECT_FALSE(queue.push({"y", true}).ok());
    EXPECT_FALSE(queue.pop());
    EXPECT_TRUE(queue.push({"y", true}).ok());
}

// Regression: the session ended while a write was in flight, clear() freed the bytes Beast was
// still masking, and the network thread crashed in memcpy.
TEST(SendQueue, ClearKeepsTheMessageInFlight)
{
    SendQueue queue(100);
    ASSERT_TRUE(queue.push({"in flight", true}).value());
    ASSERT_FALSE(queue.push({"waiting", true}).value());
    const std::string* inFlight = &queue.front().data;
    queue.clear();
    EXPECT_EQ(queue.size(), 1U);
    EXPECT_EQ(&queue.front().data, inFlight);
    EXPECT_EQ(queue.front().data, "in flight");
    EXPECT_EQ(queue.queuedBytes(), 9U);
    EXPECT_FALSE(queue.pop()) << "its completion drops it, nothing follows";
    queue.clear();
    EXPECT_EQ(queue.size(), 0U);
    EXPECT_EQ(queue.queuedBytes(), 0U);
}

} // namespace
} // namespace hoststudio::net::detail
