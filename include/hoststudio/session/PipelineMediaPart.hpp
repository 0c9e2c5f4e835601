// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The media part of a session over media::LivePipeline: one pipeline per start, pushing to the
// ingest the controller names (plus the optional local recording), with the encoder, source and
// output settings given at construction. When the ingest takes the media over the real-time channel
// (the seed backend), the pipeline's Matroska chunk stream (base.chunkStream, whose onChunk sends
// `stream-data`) is its only output. LivePipeline's events become MediaEvents; stop() runs the
// pipeline's blocking stop (the bounded flush) on a thread of its own so that the controller's
// thread never blocks, and abort() cuts that flush short.
//
// Owner and thread: the session controller's thread calls every method but restartChunkStream(),
// which any thread may call. The listener and the
// callbacks run on the pipeline's threads (the controller posts them back). The destructor aborts
// and joins whatever still runs.

#include "hoststudio/media/LivePipeline.hpp"
#include "hoststudio/session/Parts.hpp"

#include <memory>
#include <mutex>
#include <thread>

namespace hoststudio::session {

class PipelineMediaPart final : public MediaPart {
public:
    // `base` holds the encoder, recording and chunk-stream settings; `outputTemplate` the settings
    // of the network output (CA file, reconnect policy, timeouts) whose URL start() fills in.
    // With a running `studio` (media::LivePipeline::createStudio), start() adds the outputs to it
    // (its sources, already shown in the preview, are taken over) and stop() takes them away again;
    // base's scene, encoder and preview are then the studio's. Without, each start makes a pipeline.
    PipelineMediaPart(media::LiveConfig base, media::NetworkOutputConfig outputTemplate,
                      std::shared_ptr<media::LivePipeline> studio = nullptr);
    ~PipelineMediaPart() override;
    PipelineMediaPart(const PipelineMediaPart&) = delete;
    PipelineMediaPart& operator=(const PipelineMediaPart&) = delete;
    PipelineMediaPart(PipelineMediaPart&&) = delete;
    PipelineMediaPart& operator=(PipelineMediaPart&&) = delete;

    void setListener(EventCallback onEvent) override;
    void start(const MediaStartRequest& request, DoneCallback done) override;
    void stop(DoneCallback done) override;
    void abort() override;
    void retryNow() override; // its one network output (the chunk stream's channel reconnects by itself)

    // A new container header, then clusters from the next keyframe: after the channel carrying the
    // chunk stream reconnected.
    void restartChunkStream();
    // The running pipeline's statistics (empty when none runs); for the status line.
    [[nodiscard]] std::optional<media::LiveStats> sampleStats();
    // The sources' state and the audio levels (for the meter); empty when no pipeline runs.
    [[nodiscard]] std::optional<media::SceneStats> sampleScene();
    // Mutes or unmutes the microphone of the running pipeline, and of the next start.
    void setMicrophoneMuted(bool muted);

private:
    // Shared with the pipeline's event callback, which may outlive a start's caller.
    struct Shared {
        std::mutex mutex;
        EventCallback listener;
        DoneCallback startDone; // called once: started or startFailed
    };

    void joinStopper();
    [[nodiscard]] media::LivePipeline::EventCallback pipelineEvents() const;
    void finishStart(const core::Error& error);
    // The end of a start: the studio's outputs taken away, or the pipeline stopped.
    void endPipeline(media::LivePipeline& pipeline) const;

    media::LiveConfig base_;
    media::NetworkOutputConfig outputTemplate_;
    const std::shared_ptr<media::LivePipeline> studio_;
    std::shared_ptr<Shared> shared_ = std::make_shared<Shared>();
    mutable std::mutex pipelineMutex_; // guards pipeline_: restartChunkStream() comes from the network thread
    std::shared_ptr<media::LivePipeline> pipeline_;
    std::thread stopper_;
};

} // namespace hoststudio::session
