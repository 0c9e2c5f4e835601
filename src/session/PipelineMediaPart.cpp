// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/session/PipelineMediaPart.hpp"

#include "hoststudio/session/SessionError.hpp"

namespace hoststudio::session {

namespace {

std::optional<MediaEvent::Kind> mediaEventKind(media::LiveEventKind kind)
{
    switch (kind) {
    case media::LiveEventKind::outputDropped: return MediaEvent::Kind::outputDropped;
    case media::LiveEventKind::outputReconnecting: return MediaEvent::Kind::outputReconnecting;
    case media::LiveEventKind::outputReconnected: return MediaEvent::Kind::outputReconnected;
    case media::LiveEventKind::outputFailed: return MediaEvent::Kind::outputFailed;
    case media::LiveEventKind::recordingFailed: return MediaEvent::Kind::recordingFailed;
    case media::LiveEventKind::started:
    case media::LiveEventKind::startFailed:
    case media::LiveEventKind::stopped: return std::nullopt;
    }
    return std::nullopt;
}

} // namespace

PipelineMediaPart::PipelineMediaPart(media::LiveConfig base, media::NetworkOutputConfig outputTemplate,
                                     std::shared_ptr<media::LivePipeline> studio)
    : base_(std::move(base)), outputTemplate_(std::move(outputTemplate)), studio_(std::move(studio))
{}

PipelineMediaPart::~PipelineMediaPart()
{
    {
        const std::lock_guard lock(shared_->mutex);
        shared_->listener = nullptr;
        shared_->startDone = nullptr;
    }
    if (pipeline_) {
        pipeline_->abortFlush();
    }
    joinStopper();
    if (pipeline_) {
        endPipeline(*pipeline_);
    }
}

void PipelineMediaPart::endPipeline(media::LivePipeline& pipeline) const
{
    if (studio_) {
        pipeline.endLive(); // the studio's sources go on
    } else {
        pipeline.stop();
    }
}

media::LivePipeline::EventCallback PipelineMediaPart::pipelineEvents() const
{
    const std::weak_ptr<Shared> weak = shared_;
    return [weak](const media::LiveEvent& event) {
        const auto shared = weak.lock();
        if (!shared) {
            return;
        }
        DoneCallback startDone;
        EventCallback listener;
        {
            const std::lock_guard lock(shared->mutex);
            if (event.kind == media::LiveEventKind::started || event.kind == media::LiveEventKind::startFailed) {
                startDone = std::move(shared->startDone);
                shared->startDone = nullptr;
            } else {
                listener = shared->listener;
            }
        }
        if (startDone) {
            startDone(event.kind == media::LiveEventKind::started ? core::Status{} : core::Status{event.error});
            return;
        }
        if (const auto kind = mediaEventKind(event.kind); kind && listener) {
            MediaEvent mapped;
            mapped.kind = *kind;
            mapped.error = event.error;
            mapped.attempt = event.attempt;
            mapped.maxAttempts = event.maxAttempts;
            mapped.retryDelay = event.retryDelay;
            listener(mapped);
        }
    };
}

void PipelineMediaPart::finishStart(const core::Error& error)
{
    DoneCallback startDone;
    {
        const std::lock_guard lock(shared_->mutex);
        startDone = std::move(shared_->startDone);
        shared_->startDone = nullptr;
    }
    if (startDone) {
        startDone(error);
    }
}

void PipelineMediaPart::joinStopper()
{
    if (stopper_.joinable()) {
        stopper_.join();
    }
}

void PipelineMediaPart::setListener(EventCallback onEvent)
{
    const std::lock_guard lock(shared_->mutex);
    shared_->listener = std::move(onEvent);
}

void PipelineMediaPart::start(const MediaStartRequest& request, DoneCallback done)
{
    if (pipeline_) {
        done(core::Error{SessionErrc::alreadyLive, "the media is already running"});
        return;
    }
    media::LiveConfig config = base_;
    config.outputs.clear();
    if (request.overChannel) {
        if (!config.chunkStream) {
            done(core::Error{SessionErrc::mediaFailed,
                             "the ingest takes the media over the real-time channel, but no channel carries it"});
            return;
        }
    } else {
        config.chunkStream.reset();
        media::NetworkOutputConfig output = outputTemplate_;
        output.url = request.publishUrl;
        config.outputs.push_back(std::move(output));
    }
    if (request.recordingPath) {
        media::RecordingConfig recording = base_.recording.value_or(media::RecordingConfig{});
        recording.filePath = *request.recordingPath;
        config.recording = std::move(recording);
    } else {
        config.recording.reset();
    }
    {
        const std::lock_guard lock(shared_->mutex);
        shared_->startDone = std::move(done);
    }
    auto onEvent = pipelineEvents();
    if (studio_) {
        // The studio's running sources are taken over: only the outputs are added.
        {
            const std::lock_guard lock(pipelineMutex_);
            pipeline_ = studio_;
        }
        if (core::Status begun =
                studio_->goLive(static_cast<const media::BroadcastConfig&>(config), std::move(onEvent));
            !begun) {
            {
                const std::lock_guard lock(pipelineMutex_);
                pipeline_.reset();
            }
            finishStart(begun.error());
            return;
        }
        return;
    }
    auto created = media::LivePipeline::create(std::move(config), std::move(onEvent));
    if (!created) {
        finishStart(created.error());
        return;
    }
    std::shared_ptr<media::LivePipeline> pipeline = std::move(*created);
    {
        const std::lock_guard lock(pipelineMutex_);
        pipeline_ = pipeline;
    }
    pipeline->start();
}

void PipelineMediaPart::stop(DoneCallback done)
{
    if (!pipeline_ || stopper_.joinable()) {
        done({});
        return;
    }
    {
        // A start still waiting for its first connection ends here.
        const std::lock_guard lock(shared_->mutex);
        shared_->startDone = nullptr;
    }
    stopper_ = std::thread([this, pipeline = pipeline_, done = std::move(done)] {
        endPipeline(*pipeline);
        done({});
    });
}

std::optional<media::SceneStats> PipelineMediaPart::sampleScene()
{
    std::shared_ptr<media::LivePipeline> pipeline;
    {
        const std::lock_guard lock(pipelineMutex_);
        pipeline = pipeline_;
    }
    if (!pipeline) {
        return std::nullopt;
    }
    return pipeline->sampleScene();
}

void PipelineMediaPart::setMicrophoneMuted(bool muted)
{
    std::shared_ptr<media::LivePipeline> pipeline;
    {
        const std::lock_guard lock(pipelineMutex_);
        base_.scene.microphoneMuted = muted;
        pipeline = pipeline_;
    }
    if (pipeline) {
        pipeline->setMicrophoneMuted(muted);
    }
}

void PipelineMediaPart::restartChunkStream()
{
    std::shared_ptr<media::LivePipeline> pipeline;
    {
        const std::lock_guard lock(pipelineMutex_);
        pipeline = pipeline_;
    }
    if (pipeline) {
        pipeline->restartChunkStream();
    }
}

void PipelineMediaPart::abort()
{
    if (pipeline_) {
        pipeline_->abortFlush();
    }
}

void PipelineMediaPart::retryNow()
{
    if (pipeline_) {
        pipeline_->retryNow(0);
    }
}

std::optional<media::LiveStats> PipelineMediaPart::sampleStats()
{
    if (!pipeline_) {
        return std::nullopt;
    }
    return pipeline_->sampleStats();
}

} // namespace hoststudio::session
