// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/media/LivePipeline.hpp"

#include "ChunkStreamOutput.hpp"
#include "FfmpegSupport.hpp"
#include "NetworkOutput.hpp"
#include "Recorder.hpp"

#include "hoststudio/media/MediaError.hpp"
#include "hoststudio/media/Sources.hpp"
#include "hoststudio/media/StreamTarget.hpp"

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include <time.h>

extern "C" {
#include <libavutil/channel_layout.h>
#include <libavutil/dict.h>
#include <libavutil/mathematics.h>
}

namespace hoststudio::media {

const char* liveEventName(LiveEventKind kind) noexcept
{
    switch (kind) {
    case LiveEventKind::started: return "started";
    case LiveEventKind::startFailed: return "startFailed";
    case LiveEventKind::outputDropped: return "outputDropped";
    case LiveEventKind::outputReconnecting: return "outputReconnecting";
    case LiveEventKind::outputReconnected: return "outputReconnected";
    case LiveEventKind::outputFailed: return "outputFailed";
    case LiveEventKind::recordingFailed: return "recordingFailed";
    case LiveEventKind::stopped: return "stopped";
    }
    return "unknown";
}

namespace {

using namespace std::chrono_literals;
using detail::CodecContextPtr;
using detail::FramePtr;
using detail::PacketPtr;

constexpr AVRational kMicroseconds{1, 1000000};

// CPU time of the calling thread (the composition's cost, unaffected by other processes' load).
std::int64_t threadCpuNanoseconds()
{
    timespec now{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return std::int64_t{now.tv_sec} * 1000000000 + now.tv_nsec;
}
constexpr int kSkipAfterLateFrames = 3;

// The two encoders: one encode per pipeline, whatever the number of outputs.
class Encoders {
public:
    core::Status open(const EncoderSettings& settings)
    {
        const AVCodec* videoCodec = avcodec_find_encoder_by_name("libx264");
        const AVCodec* audioCodec = avcodec_find_encoder_by_name("aac");
        if (videoCodec == nullptr || audioCodec == nullptr) {
            return core::Error{MediaErrc::encoderUnavailable, videoCodec == nullptr ? "libx264" : "aac"};
        }
        video_.reset(avcodec_alloc_context3(videoCodec));
        audio_.reset(avcodec_alloc_context3(audioCodec));
        if (!video_ || !audio_) {
            return core::Error{MediaErrc::encoderFailed, "out of memory"};
        }
        AVCodecContext& video = *video_;
        video.width = settings.width;
        video.height = settings.height;
        video.pix_fmt = AV_PIX_FMT_YUV420P;
        video.time_base = AVRational{1, settings.fps};
        video.framerate = AVRational{settings.fps, 1};
        video.bit_rate = std::int64_t{settings.videoBitrateKbps} * 1000;
        video.rc_max_rate = video.bit_rate;
        video.rc_buffer_size = settings.videoBitrateKbps * 1000;
        video.gop_size = settings.keyframeIntervalFrames();
        video.color_primaries = AVCOL_PRI_BT709;
        video.color_trc = AVCOL_TRC_BT709;
        video.colorspace = AVCOL_SPC_BT709;
        video.color_range = AVCOL_RANGE_MPEG;
        video.flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
        AVDictionary* videoOptions = nullptr;
        av_dict_set(&videoOptions, "preset", settings.x264Preset.c_str(), 0);
        av_dict_set(&videoOptions, "profile", settings.profile.c_str(), 0);
        if (settings.tune == X264Tune::zeroLatency) {
            av_dict_set(&videoOptions, "tune", "zerolatency", 0);
        }
        av_dict_set(&videoOptions, "x264-params", "nal-hrd=cbr:scenecut=0:force-cfr=1", 0);
        int result = avcodec_open2(video_.get(), videoCodec, &videoOptions);
        av_dict_free(&videoOptions);
        if (result < 0) {
            return core::Error{MediaErrc::encoderFailed, "libx264: " + detail::ffmpegErrorText(result)};
        }

        AVCodecContext& audio = *audio_;
        audio.sample_fmt = AV_SAMPLE_FMT_FLTP;
        audio.sample_rate = settings.audioSampleRate;
        av_channel_layout_default(&audio.ch_layout, settings.audioChannels);
        audio.bit_rate = std::int64_t{settings.audioBitrateKbps} * 1000;
        audio.profile = FF_PROFILE_AAC_LOW;
        audio.time_base = AVRational{1, settings.audioSampleRate};
        audio.flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
        result = avcodec_open2(audio_.get(), audioCodec, nullptr);
        if (result < 0) {
            return core::Error{MediaErrc::encoderFailed, "aac: " + detail::ffmpegErrorText(result)};
        }

        videoParameters_.reset(avcodec_parameters_alloc());
        audioParameters_.reset(avcodec_parameters_alloc());
        if (!videoParameters_ || !audioParameters_ ||
            avcodec_parameters_from_context(videoParameters_.get(), video_.get()) < 0 ||
            avcodec_parameters_from_context(audioParameters_.get(), audio_.get()) < 0) {
            return core::Error{MediaErrc::encoderFailed, "codec parameters"};
        }

        videoFrame_.reset(av_frame_alloc());
        audioFrame_.reset(av_frame_alloc());
        if (!videoFrame_ || !audioFrame_) {
            return core::Error{MediaErrc::encoderFailed, "out of memory"};
        }
        videoFrame_->format = AV_PIX_FMT_YUV420P;
        videoFrame_->width = settings.width;
        videoFrame_->height = settings.height;
        audioFrame_->format = AV_SAMPLE_FMT_FLTP;
        audioFrame_->sample_rate = settings.audioSampleRate;
        audioFrame_->nb_samples = audio.frame_size > 0 ? audio.frame_size : 1024;
        if (av_channel_layout_copy(&audioFrame_->ch_layout, &audio.ch_layout) < 0 ||
            av_frame_get_buffer(videoFrame_.get(), 0) < 0 || av_frame_get_buffer(audioFrame_.get(), 0) < 0) {
            return core::Error{MediaErrc::encoderFailed, "frame buffers"};
        }
        packet_.reset(av_packet_alloc());
        if (!packet_) {
            return core::Error{MediaErrc::encoderFailed, "out of memory"};
        }
        return {};
    }

    [[nodiscard]] detail::StreamDescription streams() const
    {
        return {videoParameters_.get(), audioParameters_.get(), video_->time_base, audio_->time_base,
                video_->framerate};
    }
    [[nodiscard]] int audioFrameSamples() const noexcept { return audioFrame_->nb_samples; }
    [[nodiscard]] AVFrame* videoFrame() noexcept { return videoFrame_.get(); }
    [[nodiscard]] AVFrame* audioFrame() noexcept { return audioFrame_.get(); }

    // Encodes `frame` (null: drain) and hands each packet to `sink`.
    template <typename Sink> core::Status encode(StreamKind kind, AVFrame* frame, Sink&& sink)
    {
        AVCodecContext* context = kind == StreamKind::video ? video_.get() : audio_.get();
        int result = avcodec_send_frame(context, frame);
        if (result < 0 && result != detail::averrorEof()) {
            return core::Error{MediaErrc::encoderFailed, detail::ffmpegErrorText(result)};
        }
        while (true) {
            result = avcodec_receive_packet(context, packet_.get());
            if (result == detail::averror(EAGAIN) || result == detail::averrorEof()) {
                return {};
            }
            if (result < 0) {
                return core::Error{MediaErrc::encoderFailed, detail::ffmpegErrorText(result)};
            }
            MediaPacket packet;
            packet.kind = kind;
            packet.ptsUs = av_rescale_q(packet_->pts, context->time_base, kMicroseconds);
            packet.dtsUs = av_rescale_q(packet_->dts, context->time_base, kMicroseconds);
            packet.durationUs = av_rescale_q(packet_->duration, context->time_base, kMicroseconds);
            packet.sizeBytes = static_cast<std::size_t>(packet_->size);
            packet.priority =
                kind == StreamKind::video
                    ? h264DropPriority(
                          std::span<const std::uint8_t>(packet_->data, static_cast<std::size_t>(packet_->size)),
                          (packet_->flags & AV_PKT_FLAG_KEY) != 0, (packet_->flags & AV_PKT_FLAG_DISPOSABLE) != 0)
                    : DropPriority::reference;
            AVPacket* owned = av_packet_alloc();
            if (owned == nullptr) {
                return core::Error{MediaErrc::encoderFailed, "out of memory"};
            }
            av_packet_move_ref(owned, packet_.get());
            packet.payload = std::shared_ptr<const AVPacket>(owned, [](const AVPacket* done) {
                AVPacket* mutablePacket = const_cast<AVPacket*>(done); // NOLINT(cppcoreguidelines-pro-type-const-cast)
                av_packet_free(&mutablePacket);
            });
            sink(packet);
        }
    }

private:
    CodecContextPtr video_;
    CodecContextPtr audio_;
    detail::CodecParametersPtr videoParameters_;
    detail::CodecParametersPtr audioParameters_;
    FramePtr videoFrame_;
    FramePtr audioFrame_;
    PacketPtr packet_;
};

// The opened sources and the mixer over their audio.
struct Scene {
    OpenedSource main;
    OpenedSource camera; // video null without a second source
    std::unique_ptr<AudioSource> microphone;
    AudioMixer mixer;
    int microphoneInput = -1;

    void start(std::chrono::steady_clock::time_point clockStart) // NOLINT(readability-make-member-function-const)
    {
        for (VideoSource* source : {main.video.get(), camera.video.get()}) {
            if (source != nullptr) {
                source->start(clockStart);
            }
        }
        for (AudioSource* source : {main.audio.get(), camera.audio.get(), microphone.get()}) {
            if (source != nullptr) {
                source->start(clockStart);
            }
        }
    }
    void stop() // NOLINT(readability-make-member-function-const): stops the sources it owns
    {
        for (VideoSource* source : {main.video.get(), camera.video.get()}) {
            if (source != nullptr) {
                source->stop();
            }
        }
        for (AudioSource* source : {main.audio.get(), camera.audio.get(), microphone.get()}) {
            if (source != nullptr) {
                source->stop();
            }
        }
    }
};

core::Result<std::unique_ptr<Scene>> openScene(const SceneConfig& config, const EncoderSettings& encoder)
{
    if (const std::string problem = config.pip.validationError(); !problem.empty()) {
        return core::Error{MediaErrc::invalidSettings, problem};
    }
    if (layoutUsesCamera(config.layout) && config.camera.empty()) {
        return core::Error{MediaErrc::invalidSettings, std::string("the ") + layoutName(config.layout) +
                                                           " layout needs a second source: give --camera SRC"};
    }
    auto scene = std::make_unique<Scene>();
    ScreenCaptureOptions screen = config.screen;
    screen.fps = encoder.fps;
    auto mainSpec = SourceSpec::parse(config.source);
    if (!mainSpec) {
        return mainSpec.error();
    }
    auto main = openSource(*mainSpec, encoder.width, encoder.height, screen, config.file);
    if (!main) {
        return main.error();
    }
    scene->main = std::move(*main);
    if (!config.camera.empty()) {
        auto cameraSpec = SourceSpec::parse(config.camera);
        if (!cameraSpec) {
            return cameraSpec.error().withContext("--camera");
        }
        auto camera = openSource(*cameraSpec, encoder.width, encoder.height, screen, config.file);
        if (!camera) {
            return camera.error();
        }
        scene->camera = std::move(*camera);
    }
    if (!config.microphone.empty() && config.microphone != "none") {
        auto microphone = openMicrophone(config.microphone);
        if (!microphone) {
            return microphone.error();
        }
        scene->microphone = std::move(*microphone);
    }
    // Audio: the main source's own (the tone, a file's), the second source's, the microphone.
    if (scene->main.audio) {
        scene->mixer.addInput(scene->main.audio.get(), config.mediaGain);
    }
    if (scene->camera.audio) {
        scene->mixer.addInput(scene->camera.audio.get(), config.mediaGain);
    }
    if (scene->microphone) {
        scene->microphoneInput =
            scene->mixer.addInput(scene->microphone.get(), config.microphoneGain, config.microphoneMuted);
    }
    return scene;
}

} // namespace

class LivePipeline::Impl {
public:
    Impl(LiveConfig config, std::vector<StreamTarget> targets, std::unique_ptr<Scene> scene, EventCallback onEvent)
        : config_(std::move(config)), onEvent_(std::move(onEvent)), scene_(std::move(scene))
    {
        for (std::size_t index = 0; index < targets.size(); ++index) {
            outputs_.push_back(std::make_unique<detail::NetworkOutput>(static_cast<int>(index), config_.outputs[index],
                                                                       std::move(targets[index]), config_.flushTimeout,
                                                                       onEvent_));
        }
        if (config_.recording) {
            recorder_ = std::make_unique<detail::Recorder>(*config_.recording, onEvent_);
        }
        if (config_.chunkStream) {
            chunkStream_ = std::make_unique<detail::ChunkStreamOutput>(*config_.chunkStream, onEvent_);
        }
        startedAt_ = std::chrono::steady_clock::now();
        previousSampleAt_ = startedAt_;
        previousUsage_ = ProcessUsage::now();
        congestionAverages_.resize(outputs_.size());
        previousBytes_.resize(outputs_.size(), 0);
    }

    ~Impl() { stop(); }

    void start()
    {
        if (thread_.joinable()) {
            return;
        }
        detail::installFfmpegLogBridge();
        thread_ = std::thread([this] { run(); });
    }

    void stop()
    {
        {
            const std::lock_guard lock(mutex_);
            if (stopped_) {
                return;
            }
            stopRequested_ = true;
            stopped_ = true;
            if (!encoding_) {
                // Still connecting: nothing to flush, end the handshakes now.
                for (auto& output : outputs_) {
                    output->abort();
                }
            }
        }
        wakeup_.notify_all();
        if (thread_.joinable()) {
            thread_.join();
        }
        scene_->stop();
        report(LiveEvent::of(LiveEventKind::stopped));
    }

    void abortFlush()
    {
        for (auto& output : outputs_) {
            output->abort();
        }
    }

    void retryNow(int outputIndex)
    {
        if (outputIndex >= 0 && static_cast<std::size_t>(outputIndex) < outputs_.size()) {
            outputs_[static_cast<std::size_t>(outputIndex)]->retryNow();
        }
    }

    void restartChunkStream()
    {
        if (chunkStream_) {
            chunkStream_->restart();
        }
    }

    LiveStats sampleStats()
    {
        const auto now = std::chrono::steady_clock::now();
        const auto interval = std::chrono::duration_cast<std::chrono::milliseconds>(now - previousSampleAt_);
        const double seconds = std::max(0.001, static_cast<double>(interval.count()) / 1000.0);
        const ProcessUsage usage = ProcessUsage::now();

        LiveStats stats;
        stats.elapsedSeconds = std::chrono::duration<double>(now - startedAt_).count();
        stats.framesEncoded = framesEncoded_.load();
        stats.framesSkipped = framesSkipped_.load();
        const std::uint64_t frames = stats.framesEncoded - previousFrames_;
        stats.fps = static_cast<double>(frames) / seconds;
        const std::int64_t encodeNs = encodeNanoseconds_.load();
        stats.encodeMsPerFrame =
            frames == 0 ? 0.0 : static_cast<double>(encodeNs - previousEncodeNs_) / 1e6 / static_cast<double>(frames);
        stats.encoderOverloaded =
            overload_.update(stats.framesEncoded + stats.framesSkipped, stats.framesSkipped, interval);
        stats.cpuPercent =
            100.0 * static_cast<double>((usage.cpuTime - previousUsage_.cpuTime).count()) / 1e6 / seconds;
        stats.residentKb = usage.residentKb;
        for (std::size_t index = 0; index < outputs_.size(); ++index) {
            OutputStats output = outputs_[index]->stats();
            output.bitrateKbps = static_cast<double>(output.bytesSent - previousBytes_[index]) * 8.0 / 1000.0 / seconds;
            previousBytes_[index] = output.bytesSent;
            output.congestionAverage = congestionAverages_[index].add(output.congestion);
            output.health = healthForCongestion(output.congestionAverage);
            stats.outputs.push_back(std::move(output));
        }
        if (recorder_) {
            stats.recording = recorder_->stats();
        }
        previousSampleAt_ = now;
        previousUsage_ = usage;
        previousFrames_ = stats.framesEncoded;
        previousEncodeNs_ = encodeNs;
        return stats;
    }

    SceneStats sampleScene()
    {
        SceneStats stats;
        stats.sources.push_back(
            SourceStatus{"main", scene_->main.video ? scene_->main.video->describe() : "", mainState_.load()});
        if (scene_->camera.video) {
            stats.sources.push_back(SourceStatus{"camera", scene_->camera.video->describe(), cameraState_.load()});
        }
        stats.audio = scene_->mixer.takeLevels();
        const std::int64_t composeNs = composeNanoseconds_.load();
        const std::uint64_t frames = framesEncoded_.load();
        if (frames > previousComposeFrames_) {
            stats.composeMsPerFrame = static_cast<double>(composeNs - previousComposeNs_) / 1e6 /
                                      static_cast<double>(frames - previousComposeFrames_);
        }
        previousComposeNs_ = composeNs;
        previousComposeFrames_ = frames;
        return stats;
    }

    void setMicrophoneMuted(bool muted) { scene_->mixer.setMuted(scene_->microphoneInput, muted); }

private:
    void report(const LiveEvent& event) const
    {
        if (onEvent_) {
            onEvent_(event);
        }
    }

    // Sleeps until `when`; false when a stop was requested.
    bool sleepUntil(std::chrono::steady_clock::time_point when)
    {
        std::unique_lock lock(mutex_);
        return !wakeup_.wait_until(lock, when, [this] { return stopRequested_; });
    }

    void distribute(const MediaPacket& packet)
    {
        for (auto& output : outputs_) {
            output->push(packet);
        }
        if (recorder_) {
            recorder_->push(packet);
        }
        if (chunkStream_) {
            chunkStream_->push(packet);
        }
    }

    void shutDownOutputs(bool abortNow)
    {
        for (auto& output : outputs_) {
            if (abortNow) {
                output->abort();
            } else {
                output->finish();
            }
        }
        if (recorder_) {
            recorder_->finish();
        }
        if (chunkStream_) {
            chunkStream_->finish();
        }
        for (auto& output : outputs_) {
            output->join();
        }
        if (recorder_) {
            recorder_->join();
        }
        if (chunkStream_) {
            chunkStream_->join();
        }
    }

    void run()
    {
        const EncoderSettings& settings = config_.encoder;
        Encoders encoders;
        if (core::Status opened = encoders.open(settings); !opened) {
            report(LiveEvent::of(LiveEventKind::startFailed, opened.error()));
            return;
        }
        const detail::StreamDescription streams = encoders.streams();
        if (recorder_) {
            if (core::Status opened = recorder_->open(streams); !opened) {
                report(LiveEvent::of(LiveEventKind::startFailed, opened.error()));
                return;
            }
        }
        if (chunkStream_) {
            chunkStream_->start(streams);
        }
        std::vector<std::future<core::Status>> connects;
        for (auto& output : outputs_) {
            connects.push_back(output->start(streams));
        }
        for (auto& connect : connects) {
            core::Status connected = connect.get();
            if (!connected) {
                shutDownOutputs(true);
                const std::lock_guard lock(mutex_);
                if (!stopRequested_) { // a stop while connecting is no failure
                    report(LiveEvent::of(LiveEventKind::startFailed, connected.error()));
                }
                return;
            }
        }
        {
            const std::lock_guard lock(mutex_);
            encoding_ = !stopRequested_;
        }
        if (!encoding_) {
            shutDownOutputs(true);
            return;
        }
        report(LiveEvent::of(LiveEventKind::started));

        const SceneConfig& sceneConfig = config_.scene;
        Compositor compositor(settings.width, settings.height, sceneConfig.layout, sceneConfig.pip);
        const auto frameInterval = std::chrono::milliseconds(1000 / settings.fps + 1);
        SignalWatch mainWatch(sceneConfig.holdLastFrame, frameInterval);
        SignalWatch cameraWatch(sceneConfig.holdLastFrame, frameInterval);
        std::vector<float> spareChannel;
        const auto frameDuration = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
            std::chrono::duration<double>(1.0 / settings.fps));
        const int samplesPerChunk = encoders.audioFrameSamples();
        const auto clockStart = std::chrono::steady_clock::now();
        scene_->start(clockStart);
        std::int64_t frameIndex = 0;
        std::int64_t audioSamples = 0;
        const auto sink = [this](const MediaPacket& packet) { distribute(packet); };
        core::Error failure;

        while (!failure) {
            const auto due = clockStart + frameDuration * frameIndex;
            if (!sleepUntil(due)) {
                break;
            }
            const auto now = std::chrono::steady_clock::now();
            // Encoder lag: a short stall (under kSkipAfterLateFrames frames) is caught up by rendering
            // the late frames back to back, like OBS's small frame cache; a longer one skips the
            // frames whose time has passed (counted as skipped) instead of falling further behind.
            const auto late = (now - due) / frameDuration;
            if (late >= kSkipAfterLateFrames) {
                framesSkipped_.fetch_add(static_cast<std::uint64_t>(late));
                frameIndex += late;
            }
            AVFrame* frame = encoders.videoFrame();
            if (av_frame_make_writable(frame) < 0) {
                failure = core::Error{MediaErrc::encoderFailed, "frame buffer"};
                break;
            }
            const std::int64_t composeStart = threadCpuNanoseconds();
            composeFrame(frame, frameIndex, compositor, mainWatch, cameraWatch);
            composeNanoseconds_.fetch_add(threadCpuNanoseconds() - composeStart);
            frame->pts = frameIndex;
            if (config_.preview) {
                // A reference into the preview's slot at most; it never waits.
                (void)config_.preview->offer(frame, frameIndex,
                                             std::chrono::microseconds(frameIndex * 1000000 / settings.fps));
            }
            const auto encodeStart = std::chrono::steady_clock::now();
            if (core::Status encoded = encoders.encode(StreamKind::video, frame, sink); !encoded) {
                failure = encoded.error();
                break;
            }
            encodeNanoseconds_.fetch_add(
                std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - encodeStart)
                    .count());
            framesEncoded_.fetch_add(1);
            ++frameIndex;

            // Audio up to the clock's present.
            const auto elapsed =
                std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - clockStart);
            const std::int64_t samplesDue = elapsed.count() * settings.audioSampleRate / 1000000;
            while (audioSamples + samplesPerChunk <= samplesDue) {
                AVFrame* chunk = encoders.audioFrame();
                if (av_frame_make_writable(chunk) < 0) {
                    failure = core::Error{MediaErrc::encoderFailed, "audio frame buffer"};
                    break;
                }
                auto* const* planes = reinterpret_cast<float* const*>(chunk->extended_data); // NOLINT
                if (settings.audioChannels >= 2) {
                    scene_->mixer.mix(audioSamples, planes[0], planes[1], samplesPerChunk);
                } else {
                    spareChannel.resize(static_cast<std::size_t>(samplesPerChunk));
                    scene_->mixer.mix(audioSamples, planes[0], spareChannel.data(), samplesPerChunk);
                    for (int index = 0; index < samplesPerChunk; ++index) {
                        planes[0][index] = 0.5F * (planes[0][index] + spareChannel[static_cast<std::size_t>(index)]);
                    }
                }
                chunk->pts = audioSamples;
                audioSamples += samplesPerChunk;
                if (core::Status encoded = encoders.encode(StreamKind::audio, chunk, sink); !encoded) {
                    failure = encoded.error();
                    break;
                }
            }
        }
        // Drain the encoders, then let the outputs send what is queued.
        (void)encoders.encode(StreamKind::video, nullptr, sink);
        (void)encoders.encode(StreamKind::audio, nullptr, sink);
        if (failure) {
            report(LiveEvent::of(LiveEventKind::startFailed, failure));
        }
        shutDownOutputs(false);
    }

    // Draws output frame `frameIndex`: a full-frame source able to draw itself does (the test
    // pattern: no copy); otherwise the compositor scales and converts each source's latest picture,
    // or the last one held, or the slate.
    void composeFrame(AVFrame* frame, std::int64_t frameIndex, Compositor& compositor, SignalWatch& mainWatch,
                      SignalWatch& cameraWatch)
    {
        const EncoderSettings& settings = config_.encoder;
        const std::chrono::microseconds mediaTime(frameIndex * 1000000 / settings.fps);
        const auto now = std::chrono::steady_clock::now();
        const Layout layout = compositor.layout();
        const auto pictureOf = [&](VideoSource* source, SignalWatch& watch, std::atomic<SignalState>& published,
                                   VideoSample& held) -> SlotPicture {
            if (source == nullptr) {
                return {};
            }
            VideoSample sample = source->latest(mediaTime);
            const SignalState state = watch.update(sample.sequence, now);
            published.store(state);
            if (state == SignalState::live || state == SignalState::holding) {
                held = std::move(sample);
                return SlotPicture{held.frame.get(), held.sequence, held.changed};
            }
            held = {};
            return {};
        };
        if (layout == Layout::screen && scene_->main.video) {
            const int strides[3] = {frame->linesize[0], frame->linesize[1], frame->linesize[2]};
            if (scene_->main.video->renderInto(frame->data, strides, settings.width, settings.height, frameIndex)) {
                mainState_.store(SignalState::live);
                return;
            }
        }
        const SlotPicture main = layoutUsesMain(layout)
                                     ? pictureOf(scene_->main.video.get(), mainWatch, mainState_, heldMain_)
                                     : SlotPicture{};
        const SlotPicture camera = layoutUsesCamera(layout)
                                       ? pictureOf(scene_->camera.video.get(), cameraWatch, cameraState_, heldCamera_)
                                       : SlotPicture{};
        compositor.compose(frame, main, camera);
    }

    const LiveConfig config_;
    const EventCallback onEvent_;
    std::unique_ptr<Scene> scene_;
    std::atomic<SignalState> mainState_{SignalState::waiting};
    std::atomic<SignalState> cameraState_{SignalState::waiting};
    VideoSample heldMain_;   // encoder thread
    VideoSample heldCamera_; // encoder thread
    std::atomic<std::int64_t> composeNanoseconds_{0};
    std::int64_t previousComposeNs_ = 0;      // owner thread (sampleScene)
    std::uint64_t previousComposeFrames_ = 0; // owner thread (sampleScene)
    std::vector<std::unique_ptr<detail::NetworkOutput>> outputs_;
    std::unique_ptr<detail::Recorder> recorder_;
    std::unique_ptr<detail::ChunkStreamOutput> chunkStream_;
    std::thread thread_;
    std::mutex mutex_;
    std::condition_variable wakeup_;
    bool stopRequested_ = false; // guarded by mutex_
    bool stopped_ = false;       // guarded by mutex_
    bool encoding_ = false;      // guarded by mutex_ (written by the encoder thread only)
    std::atomic<std::uint64_t> framesEncoded_{0};
    std::atomic<std::uint64_t> framesSkipped_{0};
    std::atomic<std::int64_t> encodeNanoseconds_{0};
    // Owner thread only (sampleStats):
    std::chrono::steady_clock::time_point startedAt_;
    std::chrono::steady_clock::time_point previousSampleAt_;
    ProcessUsage previousUsage_;
    std::uint64_t previousFrames_ = 0;
    std::int64_t previousEncodeNs_ = 0;
    std::vector<std::uint64_t> previousBytes_;
    std::vector<CongestionAverage> congestionAverages_;
    OverloadRule overload_;
};

core::Result<std::unique_ptr<LivePipeline>> LivePipeline::create(LiveConfig config, EventCallback onEvent)
{
    if (const std::string problem = config.encoder.validationError(); !problem.empty()) {
        return core::Error{MediaErrc::invalidSettings, problem};
    }
    if (config.outputs.empty() && !config.recording && !config.chunkStream) {
        return core::Error{MediaErrc::invalidSettings, "no output: give a stream URL or a recording file"};
    }
    std::vector<StreamTarget> targets;
    for (const NetworkOutputConfig& output : config.outputs) {
        auto target = StreamTarget::parse(output.url);
        if (!target) {
            return target.error();
        }
        if (const std::string problem = output.reconnect.validationError(); !problem.empty()) {
            return core::Error{MediaErrc::invalidSettings, problem};
        }
        targets.push_back(std::move(*target));
    }
    auto scene = openScene(config.scene, config.encoder);
    if (!scene) {
        return scene.error();
    }
    auto impl = std::make_unique<Impl>(std::move(config), std::move(targets), std::move(*scene), std::move(onEvent));
    return std::unique_ptr<LivePipeline>(new LivePipeline(std::move(impl)));
}

LivePipeline::LivePipeline(std::unique_ptr<Impl> impl) : impl_(std::move(impl))
{}
LivePipeline::~LivePipeline() = default;

void LivePipeline::start()
{
    impl_->start();
}

void LivePipeline::stop()
{
    impl_->stop();
}

void LivePipeline::abortFlush()
{
    impl_->abortFlush();
}

void LivePipeline::retryNow(int outputIndex)
{
    impl_->retryNow(outputIndex);
}

void LivePipeline::restartChunkStream()
{
    impl_->restartChunkStream();
}

LiveStats LivePipeline::sampleStats()
{
    return impl_->sampleStats();
}

SceneStats LivePipeline::sampleScene()
{
    return impl_->sampleScene();
}

void LivePipeline::setMicrophoneMuted(bool muted)
{
    impl_->setMicrophoneMuted(muted);
}

} // namespace hoststudio::media
