// SPDX-License-Identifier: GPL-2.0-or-later
// The send queue's frame-dropping rules (OBS's), driven by synthetic packets.
#include "hoststudio/media/SendQueue.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace hoststudio::media {
namespace {

using namespace std::chrono_literals;

// One letter per packet: K keyframe, P reference frame, B disposable frame, A audio. Video frames
// are 100 ms apart (so the thresholds fall between frames), audio shares the clock of the video
// packet before it.
std::vector<MediaPacket> packetsFrom(const std::string& script, std::int64_t frameStepUs = 100000)
{
    std::vector<MediaPacket> packets;
    std::int64_t videoDts = 0;
    for (const char letter : script) {
        MediaPacket packet;
        packet.sizeBytes = 100;
        if (letter == 'A') {
            packet.kind = StreamKind::audio;
            packet.dtsUs = packet.ptsUs = videoDts;
        } else {
            packet.kind = StreamKind::video;
            packet.priority = letter == 'K'   ? DropPriority::keyframe
                              : letter == 'B' ? DropPriority::disposable
                                              : DropPriority::reference;
            videoDts += frameStepUs;
            packet.dtsUs = packet.ptsUs = videoDts;
        }
        packets.push_back(packet);
    }
    return packets;
}

std::string letterOf(const MediaPacket& packet)
{
    if (packet.kind == StreamKind::audio) {
        return "A";
    }
    switch (packet.priority) {
    case DropPriority::keyframe: return "K";
    case DropPriority::disposable: return "B";
    case DropPriority::reference: return "P";
    }
    return "?";
}

std::string drain(SendQueue& queue)
{
    std::string result;
    while (auto packet = queue.pop(0ms)) {
        result += letterOf(*packet);
    }
    return result;
}

struct DropCase {
    const char* name;
    std::string pushed;    // pushed with nothing sent in between (the link is stalled)
    std::string remaining; // what the sender then finds queued
    std::uint64_t dropped;
};

class SendQueueDropTest : public ::testing::TestWithParam<DropCase> {};

TEST_P(SendQueueDropTest, KeepsWhatOBSWouldKeep)
{
    const DropCase& testCase = GetParam();
    SendQueue queue;
    for (const MediaPacket& packet : packetsFrom(testCase.pushed)) {
        queue.push(packet);
    }
    EXPECT_EQ(queue.snapshot().droppedVideoFrames, testCase.dropped);
    EXPECT_EQ(drain(queue), testCase.remaining);
}

INSTANTIATE_TEST_SUITE_P(
    Rules, SendQueueDropTest,
    ::testing::Values(
        // Up to 700 ms queued: nothing is dropped.
        DropCase{"under700ms", "KPPPPPP", "KPPPPPP", 0}, DropCase{"under700msWithDisposable", "KPBPBPB", "KPBPBPB", 0},
        // Fewer than 5 packets are never checked, however long they span.
        DropCase{"fewerThanFivePackets", "KPPP", "KPPP", 0},
        // Above 700 ms (checked on pushing the 11th frame: 1000 − 200 = 800 ms queued): the queued
        // disposable frames go, and the incoming one; references stay.
        DropCase{"above700msDropsDisposableOnly", "KPBPBPBPBPB", "KPPPPP", 5},
        // After a disposable drop, incoming disposable frames are dropped until a reference arrives.
        DropCase{"disposableDroppedUntilReference", "KPBPBPBPBPBBP", "KPPPPPP", 6},
        // Above 900 ms: every non-keyframe goes, and the incoming ones until the next keyframe.
        DropCase{"above900msDropsUntilKeyframe", "KPPPPPPPPPPPPPKP", "KKP", 13},
        // Audio is never dropped, whatever the congestion.
        DropCase{"audioSurvives", "KAPAPAPAPAPAPAPAPAPAPAPAPAPAKAPA", "KAAAAAAAAAAAAAAKAPA", 13},
        // Keyframes are never dropped, even back to back.
        DropCase{"keyframesSurvive", "KKKKKKKKKKKKKKK", "KKKKKKKKKKKKKKK", 0}),
    [](const ::testing::TestParamInfo<DropCase>& paramInfo) { return std::string(paramInfo.param.name); });

TEST(SendQueue, CongestionIsQueuedDurationOver700ms)
{
    SendQueue queue;
    for (const MediaPacket& packet : packetsFrom("KPPPPPPP")) { // first non-key 200 ms, last 800 ms
        queue.push(packet);
    }
    // Computed when the last frame was pushed: 700 − 200 = 500 ms queued before it.
    EXPECT_NEAR(queue.snapshot().congestion, 500.0 / 700.0, 1e-9);
    EXPECT_EQ(queue.snapshot().queuedDuration, 700ms);
    drain(queue);
    for (const MediaPacket& packet : packetsFrom("KP")) {
        queue.push(packet);
    }
    EXPECT_EQ(queue.snapshot().congestion, 0.0) << "fewer than 5 packets: no congestion";
}

TEST(SendQueue, FlowingQueueNeverDrops)
{
    SendQueue queue;
    std::uint64_t sent = 0;
    for (const MediaPacket& packet : packetsFrom(std::string(600, 'P').insert(0, "K"), 33333)) {
        queue.push(packet);
        sent += drain(queue).size();
    }
    EXPECT_EQ(sent, 601U);
    EXPECT_EQ(queue.snapshot().droppedVideoFrames, 0U);
}

TEST(SendQueue, DisconnectedKeepsOnlyFromNewestKeyframe)
{
    SendQueue queue;
    for (const MediaPacket& packet : packetsFrom("KPAPKPAP")) {
        queue.push(packet);
    }
    queue.setDisconnected(true);
    EXPECT_FALSE(queue.pop(0ms)) << "nothing is handed out while disconnected";
    for (const MediaPacket& packet : packetsFrom("PAP")) {
        queue.push(packet);
    }
    queue.setDisconnected(false);
    EXPECT_EQ(drain(queue), "KPAPPAP");
    EXPECT_EQ(queue.snapshot().droppedVideoFrames, 3U);
}

TEST(SendQueue, DisconnectedWithoutKeyframeWaitsForOne)
{
    SendQueue queue;
    queue.setDisconnected(true);
    for (const MediaPacket& packet : packetsFrom("PPAPKAP")) {
        queue.push(packet);
    }
    queue.setDisconnected(false);
    EXPECT_EQ(drain(queue), "KAP");
}

TEST(SendQueue, WakeEndsAWaitingPop)
{
    SendQueue queue;
    queue.wake();
    const auto start = std::chrono::steady_clock::now();
    EXPECT_FALSE(queue.pop(5s));
    EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
}

struct PriorityCase {
    const char* name;
    std::vector<std::uint8_t> accessUnit;
    bool keyFlag;
    bool disposableFlag;
    DropPriority expected;
};

class H264PriorityTest : public ::testing::TestWithParam<PriorityCase> {};

TEST_P(H264PriorityTest, ReadsNalReferenceIndicator)
{
    const PriorityCase& testCase = GetParam();
    EXPECT_EQ(h264DropPriority(testCase.accessUnit, testCase.keyFlag, testCase.disposableFlag), testCase.expected);
}

INSTANTIATE_TEST_SUITE_P(
    Nal, H264PriorityTest,
    ::testing::Values(PriorityCase{"idrFlagged", {0, 0, 0, 1, 0x65, 0x88}, true, false, DropPriority::keyframe},
                      PriorityCase{"pSliceRefIdc2", {0, 0, 0, 1, 0x41, 0x9a}, false, false, DropPriority::reference},
                      PriorityCase{"bSliceRefIdc0", {0, 0, 0, 1, 0x01, 0x9e}, false, false, DropPriority::disposable},
                      PriorityCase{"afterSeiAndAud",
                                   {0, 0, 0, 1, 0x09, 0xf0, 0, 0, 1, 0x06, 0x05, 0x01, 0, 0, 1, 0x01, 0x9e},
                                   false,
                                   false,
                                   DropPriority::disposable},
                      PriorityCase{"lengthPrefixed", {0, 0, 0, 2, 0x41, 0x9a}, false, false, DropPriority::reference},
                      PriorityCase{
                          "lengthPrefixedDisposable", {0, 0, 0, 2, 0x01, 0x9a}, false, false, DropPriority::disposable},
                      PriorityCase{"libavcodecFlag", {0, 0, 0, 1, 0x41, 0x9a}, false, true, DropPriority::disposable},
                      PriorityCase{"garbageIsReference", {0xff, 0xff}, false, false, DropPriority::reference}),
    [](const ::testing::TestParamInfo<PriorityCase>& paramInfo) { return std::string(paramInfo.param.name); });

} // namespace
} // namespace hoststudio::media
