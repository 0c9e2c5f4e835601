// SPDX-License-Identifier: GPL-2.0-or-later
// The media part over a running studio: a start adds the outputs to the studio's sources (nothing
// opened again), a stop takes them away and the studio goes on composing.
#include "hoststudio/session/PipelineMediaPart.hpp"
#include "hoststudio/session/SessionError.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

namespace hoststudio::session {
namespace {

using namespace std::chrono_literals;

media::LiveConfig smallConfig()
{
    media::LiveConfig config;
    config.encoder.width = 640;
    config.encoder.height = 360;
    config.encoder.x264Preset = "ultrafast";
    return config;
}

core::Status startAndWait(PipelineMediaPart& part, const MediaStartRequest& request)
{
    std::promise<core::Status> done;
    auto outcome = done.get_future();
    part.start(request, [&done](core::Status status) { done.set_value(std::move(status)); });
    if (outcome.wait_for(10s) != std::future_status::ready) {
        return core::Error{SessionErrc::mediaFailed, "no answer to the start"};
    }
    return outcome.get();
}

void stopAndWait(PipelineMediaPart& part)
{
    std::promise<void> done;
    auto finished = done.get_future();
    part.stop([&done](const core::Status&) { done.set_value(); });
    ASSERT_EQ(finished.wait_for(10s), std::future_status::ready);
}

TEST(PipelineMediaPart, AStartTakesTheRunningStudioOverAndTheStopLeavesItRunning)
{
    std::atomic<int> previewFrames{0};
    auto preview = media::FramePreview::create(media::PreviewSettings{},
                                               [&previewFrames](const media::PreviewFrame&) { previewFrames++; });
    ASSERT_TRUE(preview.ok());
    media::LiveConfig studioConfig = smallConfig();
    studioConfig.preview = *preview;
    auto made = media::LivePipeline::createStudio(studioConfig);
    ASSERT_TRUE(made.ok()) << made.error().describe();
    std::shared_ptr<media::LivePipeline> studio = std::move(*made);
    studio->start();

    std::atomic<int> headers{0};
    std::atomic<std::size_t> bytes{0};
    media::LiveConfig base = smallConfig();
    media::ChunkStreamConfig chunks;
    chunks.onChunk = [&](std::span<const std::uint8_t> chunk, bool header) {
        headers += header ? 1 : 0;
        bytes += chunk.size();
    };
    base.chunkStream = chunks;
    {
        PipelineMediaPart part(base, media::NetworkOutputConfig{}, studio);
        MediaStartRequest request;
        request.overChannel = true;
        ASSERT_TRUE(startAndWait(part, request).ok());
        EXPECT_TRUE(studio->isLive());
        std::this_thread::sleep_for(1200ms);
        EXPECT_EQ(headers.load(), 1);
        EXPECT_GT(bytes.load(), 4096U);
        const auto stats = part.sampleStats();
        ASSERT_TRUE(stats.has_value());
        EXPECT_GT(stats->framesEncoded, 20U);
        stopAndWait(part);
        EXPECT_FALSE(studio->isLive()) << "the outputs are gone";
    }
    // The part is gone; the studio still composes for the preview.
    const int before = previewFrames.load();
    std::this_thread::sleep_for(500ms);
    EXPECT_GE(previewFrames.load(), before + 3);
    studio->stop();
    (*preview)->stop();
}

TEST(PipelineMediaPart, AStudioThatRefusesTheStartSaysWhy)
{
    media::LiveConfig studioConfig = smallConfig();
    auto made = media::LivePipeline::createStudio(studioConfig);
    ASSERT_TRUE(made.ok());
    std::shared_ptr<media::LivePipeline> studio = std::move(*made);
    // Not started: the start is refused with the studio's reason, and nothing is held.
    PipelineMediaPart part(smallConfig(), media::NetworkOutputConfig{}, studio);
    MediaStartRequest request;
    request.publishUrl = "rtmp://127.0.0.1:1/live/key";
    const core::Status refused = startAndWait(part, request);
    ASSERT_FALSE(refused.ok());
    EXPECT_NE(refused.error().detail().find("not running"), std::string::npos) << refused.error().describe();
    EXPECT_FALSE(part.sampleStats().has_value());
}

} // namespace
} // namespace hoststudio::session
