// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/media/LivePipeline.hpp"

#include "ChunkStreamOutput.hpp"
#include "FfmpegSupport.hpp"
#include "NetworkOutput.hpp"
#include "Recorder.hpp"

#include "hoststudio/media/MediaError.hpp"
#include "hoststudio/media/Sources.hpp"
#include "hoststudio/media/StreamTarget.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <future>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <tuple>
#include <utility>

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
constexpr int kAudioChunkSamples = 1024; // an AAC-LC frame: the mix is made and encoded in these

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

        audioFrame_.reset(av_frame_alloc());
        if (!audioFrame_) {
            return core::Error{MediaErrc::encoderFailed, "out of memory"};
        }
        audioFrame_->format = AV_SAMPLE_FMT_FLTP;
        audioFrame_->sample_rate = settings.audioSampleRate;
        audioFrame_->nb_samples = kAudioChunkSamples;
        if (audio.frame_size != kAudioChunkSamples) {
            return core::Error{MediaErrc::encoderFailed, "aac: frames of " + std::to_string(audio.frame_size) +
                                                             " samples, not " + std::to_string(kAudioChunkSamples)};
        }
        if (av_channel_layout_copy(&audioFrame_->ch_layout, &audio.ch_layout) < 0 ||
            av_frame_get_buffer(audioFrame_.get(), 0) < 0) {
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
    FramePtr audioFrame_;
    PacketPtr packet_;
};

// The opened sources of a scene. A source is shared with the next scene when that one uses the
// same (the same text): a scene switch never opens again what runs.
struct Scene {
    SceneConfig config;
    std::shared_ptr<VideoSource> mainVideo;
    std::shared_ptr<AudioSource> mainAudio;
    std::shared_ptr<VideoSource> cameraVideo; // null without a second source
    std::shared_ptr<AudioSource> cameraAudio;
    std::shared_ptr<AudioSource> microphone;

    [[nodiscard]] std::vector<VideoSource*> videoSources() const { return {mainVideo.get(), cameraVideo.get()}; }
    [[nodiscard]] std::vector<AudioSource*> audioSources() const
    {
        return {mainAudio.get(), cameraAudio.get(), microphone.get()};
    }
    [[nodiscard]] bool uses(const void* source) const
    {
        return source != nullptr &&
               (source == mainVideo.get() || source == mainAudio.get() || source == cameraVideo.get() ||
                source == cameraAudio.get() || source == microphone.get());
    }
    // The mixer's inputs: the main source's own sound (the tone, a file's), the second source's, the
    // microphone; `microphoneInput` receives the microphone's index (-1: none).
    [[nodiscard]] std::vector<AudioMixer::InputSetting> mixerInputs(int& microphoneInput) const
    {
        std::vector<AudioMixer::InputSetting> inputs;
        for (AudioSource* source : {mainAudio.get(), cameraAudio.get()}) {
            if (source != nullptr) {
                inputs.push_back({source, config.mediaGain, false});
            }
        }
        microphoneInput = -1;
        if (microphone) {
            microphoneInput = static_cast<int>(inputs.size());
            inputs.push_back({microphone.get(), config.microphoneGain, config.microphoneMuted});
        }
        return inputs;
    }
    // Starts the sources `before` did not run (all of them without `before`).
    void startNew(std::chrono::steady_clock::time_point clockStart, const Scene* before) const
    {
        for (VideoSource* source : videoSources()) {
            if (source != nullptr && (before == nullptr || !before->uses(source))) {
                source->start(clockStart);
            }
        }
        for (AudioSource* source : audioSources()) {
            if (source != nullptr && (before == nullptr || !before->uses(source))) {
                source->start(clockStart);
            }
        }
    }
    // Stops the sources none of `stillUsed` uses (null entries use none).
    void stopUnused(std::initializer_list<const Scene*> stillUsed) const
    {
        const auto unused = [&stillUsed](const void* source) {
            return source != nullptr && std::none_of(stillUsed.begin(), stillUsed.end(), [source](const Scene* scene) {
                       return scene != nullptr && scene->uses(source);
                   });
        };
        for (VideoSource* source : videoSources()) {
            if (unused(source)) {
                source->stop();
            }
        }
        for (AudioSource* source : audioSources()) {
            if (unused(source)) {
                source->stop();
            }
        }
    }
};

// Opens the sources of `config`, taking those `running` already has for the same slot text.
core::Result<std::shared_ptr<Scene>> openScene(const SceneConfig& config, const EncoderSettings& encoder,
                                               const Scene* running)
{
    if (const std::string problem = config.pip.validationError(); !problem.empty()) {
        return core::Error{MediaErrc::invalidSettings, problem};
    }
    if (layoutUsesCamera(config.layout) && config.camera.empty()) {
        return core::Error{MediaErrc::invalidSettings, std::string("the ") + layoutName(config.layout) +
                                                           " layout needs a second source: give --camera SRC"};
    }
    auto scene = std::make_shared<Scene>();
    scene->config = config;
    ScreenCaptureOptions screen = config.screen;
    screen.fps = encoder.fps;
    // A source the running scene has under the same text, in either slot, unless the new scene
    // already took it (one source object feeds one slot: the same text twice opens two).
    const auto runningSource =
        [running,
         &scene](const std::string& text) -> std::pair<std::shared_ptr<VideoSource>, std::shared_ptr<AudioSource>> {
        if (running == nullptr || text.empty()) {
            return {};
        }
        const auto free = [&scene](const std::shared_ptr<VideoSource>& video) {
            return video != nullptr && video != scene->mainVideo;
        };
        if (running->config.source == text && free(running->mainVideo)) {
            return {running->mainVideo, running->mainAudio};
        }
        if (running->config.camera == text && free(running->cameraVideo)) {
            return {running->cameraVideo, running->cameraAudio};
        }
        return {};
    };
    const auto open = [&](const std::string& text, std::shared_ptr<VideoSource>& video,
                          std::shared_ptr<AudioSource>& audio, const char* option) -> core::Status {
        std::tie(video, audio) = runningSource(text);
        if (video) {
            return {};
        }
        auto spec = SourceSpec::parse(text);
        if (!spec) {
            return option != nullptr ? spec.error().withContext(option) : spec.error();
        }
        auto opened = openSource(*spec, encoder.width, encoder.height, screen, config.file);
        if (!opened) {
            return opened.error();
        }
        video = std::move(opened->video);
        audio = std::move(opened->audio);
        return {};
    };
    if (core::Status opened = open(config.source, scene->mainVideo, scene->mainAudio, nullptr); !opened) {
        return opened.error();
    }
    if (!config.camera.empty()) {
        if (core::Status opened = open(config.camera, scene->cameraVideo, scene->cameraAudio, "--camera"); !opened) {
            return opened.error();
        }
    }
    if (!config.microphone.empty() && config.microphone != "none") {
        if (running != nullptr && running->microphone && running->config.microphone == config.microphone) {
            scene->microphone = running->microphone;
        } else {
            auto microphone = openMicrophone(config.microphone);
            if (!microphone) {
                return microphone.error();
            }
            scene->microphone = std::move(*microphone);
        }
    }
    return scene;
}

// One go-live's outputs, the events they report to, and the owner's bookkeeping of their rates.
struct Broadcast {
    Broadcast(BroadcastConfig config, std::vector<StreamTarget> targets, LivePipeline::EventCallback callback)
        : settings(std::move(config)), onEvent(std::move(callback))
    {
        for (std::size_t index = 0; index < targets.size(); ++index) {
            outputs.push_back(std::make_unique<detail::NetworkOutput>(static_cast<int>(index), settings.outputs[index],
                                                                      std::move(targets[index]), settings.flushTimeout,
                                                                      onEvent));
        }
        if (settings.recording) {
            recorder = std::make_unique<detail::Recorder>(*settings.recording, onEvent);
        }
        if (settings.chunkStream) {
            chunkStream = std::make_unique<detail::ChunkStreamOutput>(*settings.chunkStream, onEvent);
        }
        previousBytes.resize(outputs.size(), 0);
        congestionAverages.resize(outputs.size());
    }

    void report(const LiveEvent& event) const
    {
        if (onEvent) {
            onEvent(event);
        }
    }

    // Encoder thread: the recording opened and every output's first connect under way.
    core::Status begin(const detail::StreamDescription& streams)
    {
        if (recorder) {
            if (core::Status opened = recorder->open(streams); !opened) {
                return opened;
            }
        }
        if (chunkStream) {
            chunkStream->start(streams);
        }
        for (auto& output : outputs) {
            connects.push_back(output->start(streams));
        }
        return {};
    }

    // Encoder thread: every connect answered? With `wait`, waits for them. An error: the first failed.
    std::optional<core::Status> connected(bool wait)
    {
        while (!connects.empty()) {
            if (!wait && connects.front().wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
                return std::nullopt;
            }
            core::Status status = connects.front().get();
            connects.erase(connects.begin());
            if (!status) {
                return status;
            }
        }
        return core::Status{};
    }

    void distribute(const MediaPacket& packet)
    {
        for (auto& output : outputs) {
            output->push(packet);
        }
        if (recorder) {
            recorder->push(packet);
        }
        if (chunkStream) {
            chunkStream->push(packet);
        }
    }

    // Ends every output: `abortNow` drops what is queued, otherwise it is sent (bounded by the flush
    // timeout). Does not wait: join() does.
    void finish(bool abortNow)
    {
        for (auto& output : outputs) {
            if (abortNow) {
                output->abort();
            } else {
                output->finish();
            }
        }
        if (recorder) {
            recorder->finish();
        }
        if (chunkStream) {
            chunkStream->finish();
        }
    }

    void abort()
    {
        for (auto& output : outputs) {
            output->abort();
        }
    }

    void join()
    {
        for (auto& output : outputs) {
            output->join();
        }
        if (recorder) {
            recorder->join();
        }
        if (chunkStream) {
            chunkStream->join();
        }
    }

    const BroadcastConfig settings;
    const LivePipeline::EventCallback onEvent;
    std::vector<std::unique_ptr<detail::NetworkOutput>> outputs;
    std::unique_ptr<detail::Recorder> recorder;
    std::unique_ptr<detail::ChunkStreamOutput> chunkStream;
    std::vector<std::future<core::Status>> connects; // encoder thread
    // Owner thread (sampleStats):
    std::vector<std::uint64_t> previousBytes;
    std::vector<CongestionAverage> congestionAverages;
};

core::Result<std::vector<StreamTarget>> parseTargets(const BroadcastConfig& config)
{
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
    return targets;
}

} // namespace

class LivePipeline::Impl {
public:
    // `broadcast`: the outputs of create(), connected before the clock starts; null: a studio.
    Impl(LiveConfig config, std::shared_ptr<Scene> scene, std::shared_ptr<Broadcast> broadcast)
        : config_(std::move(config)), scene_(std::move(scene)), studio_(broadcast == nullptr),
          requested_(std::move(broadcast))
    {
        latestScene_ = scene_;
        microphoneMuted_.store(scene_->config.microphoneMuted);
        int microphoneInput = -1;
        mixer_.replaceInputs(scene_->mixerInputs(microphoneInput));
        microphoneInput_.store(microphoneInput);
        startedAt_ = std::chrono::steady_clock::now();
        previousSampleAt_ = startedAt_;
        previousUsage_ = ProcessUsage::now();
    }

    ~Impl() { stop(); }

    void start()
    {
        {
            const std::lock_guard lock(mutex_);
            if (thread_.joinable() || stopped_) {
                return;
            }
            started_ = true;
            running_ = true; // from here on the encoder thread owns the scene and the mixer
        }
        detail::installFfmpegLogBridge();
        thread_ = std::thread([this] { run(); });
    }

    core::Status goLive(BroadcastConfig outputs, EventCallback onEvent)
    {
        if (!studio_) {
            return core::Error{MediaErrc::invalidSettings, "this pipeline has its outputs already"};
        }
        if (outputs.outputs.empty() && !outputs.recording && !outputs.chunkStream) {
            return core::Error{MediaErrc::invalidSettings, "no output: give a stream URL or a recording file"};
        }
        auto targets = parseTargets(outputs);
        if (!targets) {
            return targets.error();
        }
        auto broadcast = std::make_shared<Broadcast>(std::move(outputs), std::move(*targets), std::move(onEvent));
        {
            const std::lock_guard lock(mutex_);
            if (!started_ || stopped_) {
                return core::Error{MediaErrc::invalidSettings, "the studio is not running"};
            }
            if (requested_ != nullptr) {
                return core::Error{MediaErrc::invalidSettings, "already live: end the live first"};
            }
            framesEncoded_.store(0);
            framesSkipped_.store(0);
            encodeNanoseconds_.store(0);
            previousFrames_ = 0;
            previousEncodeNs_ = 0;
            startedAt_ = std::chrono::steady_clock::now();
            retired_ = nullptr;
            encodingBroadcast_ = nullptr;
            ended_.reset();
            requested_ = std::move(broadcast);
        }
        wakeup_.notify_all();
        return {};
    }

    void endLive()
    {
        std::shared_ptr<Broadcast> ending;
        bool encoding = false;
        {
            const std::lock_guard lock(mutex_);
            if (requested_ == nullptr) {
                return;
            }
            ending = std::move(requested_);
            requested_.reset();
            ended_ = ending; // its final statistics stay readable
            encoding = encodingBroadcast_ == ending.get();
        }
        if (!encoding) {
            ending->abort(); // still connecting: nothing to flush, end the handshakes now
        }
        wakeup_.notify_all();
        {
            // The encoder thread lets it go: drained and finishing, or aborted.
            std::unique_lock lock(mutex_);
            wakeup_.wait(lock, [&] { return active_ != ending || !running_; });
        }
        ending->join();
        ending->report(LiveEvent::of(LiveEventKind::stopped));
    }

    bool isLive() const
    {
        const std::lock_guard lock(mutex_);
        return requested_ != nullptr;
    }

    void stop()
    {
        {
            const std::lock_guard lock(mutex_);
            if (stopped_) {
                return;
            }
            stopped_ = true;
        }
        endLive();
        {
            const std::lock_guard lock(mutex_);
            stopRequested_ = true;
        }
        wakeup_.notify_all();
        if (thread_.joinable()) {
            thread_.join();
        }
        std::vector<std::shared_ptr<Scene>> scenes;
        {
            const std::lock_guard lock(mutex_);
            scenes = std::move(retiredScenes_);
            retiredScenes_.clear();
            if (pendingScene_) {
                scenes.push_back(std::move(pendingScene_));
            }
            scenes.push_back(scene_);
        }
        for (const auto& scene : scenes) {
            scene->stopUnused({});
        }
    }

    core::Status setScene(SceneConfig config)
    {
        {
            const std::lock_guard lock(mutex_);
            if (stopped_) {
                return core::Error{MediaErrc::invalidSettings, "the pipeline is stopped"};
            }
        }
        collectRetiredScenes();
        config.microphoneMuted = microphoneMuted_.load();
        config.holdLastFrame = config_.scene.holdLastFrame;
        auto opened = openScene(config, config_.encoder, latestScene_.get());
        if (!opened) {
            return opened.error();
        }
        std::shared_ptr<Scene> replaced;
        bool running = false;
        {
            const std::lock_guard lock(mutex_);
            running = running_;
            if (running) {
                replaced = std::move(pendingScene_);
                pendingScene_ = *opened;
            }
        }
        if (!running) {
            // Not started yet: the owner's alone (the encoder thread starts the scene's sources).
            std::shared_ptr<Scene> previous;
            {
                const std::lock_guard lock(mutex_);
                previous = std::exchange(scene_, *opened);
            }
            int microphoneInput = -1;
            mixer_.replaceInputs((*opened)->mixerInputs(microphoneInput));
            microphoneInput_.store(microphoneInput);
            previous->stopUnused({opened->get()}); // opened but never started: a camera's light goes off
        } else if (replaced) {
            // Asked for before the encoder thread took it: what only it had opened goes.
            const std::lock_guard lock(mutex_);
            retiredScenes_.push_back(std::move(replaced));
        }
        latestScene_ = *opened;
        wakeup_.notify_all();
        return {};
    }

    // Owner thread: stops the sources of the scenes the encoder thread left that no running or
    // coming scene uses.
    void collectRetiredScenes()
    {
        std::vector<std::shared_ptr<Scene>> retired;
        std::shared_ptr<Scene> current;
        std::shared_ptr<Scene> pending;
        {
            const std::lock_guard lock(mutex_);
            retired = std::move(retiredScenes_);
            retiredScenes_.clear();
            current = scene_;
            pending = pendingScene_;
        }
        for (const auto& scene : retired) {
            scene->stopUnused({current.get(), pending.get(), latestScene_.get()});
        }
    }

    void abortFlush()
    {
        if (const auto broadcast = current()) {
            broadcast->abort();
        }
    }

    void retryNow(int outputIndex)
    {
        const auto broadcast = current();
        if (broadcast && outputIndex >= 0 && static_cast<std::size_t>(outputIndex) < broadcast->outputs.size()) {
            broadcast->outputs[static_cast<std::size_t>(outputIndex)]->retryNow();
        }
    }

    void restartChunkStream()
    {
        if (const auto broadcast = current(); broadcast && broadcast->chunkStream) {
            broadcast->chunkStream->restart();
        }
    }

    LiveStats sampleStats()
    {
        const auto now = std::chrono::steady_clock::now();
        const auto interval = std::chrono::duration_cast<std::chrono::milliseconds>(now - previousSampleAt_);
        const double seconds = std::max(0.001, static_cast<double>(interval.count()) / 1000.0);
        const ProcessUsage usage = ProcessUsage::now();
        const std::shared_ptr<Broadcast> broadcast = current();

        LiveStats stats;
        std::chrono::steady_clock::time_point startedAt;
        {
            const std::lock_guard lock(mutex_);
            startedAt = startedAt_;
        }
        stats.elapsedSeconds = std::chrono::duration<double>(now - startedAt).count();
        stats.framesEncoded = framesEncoded_.load();
        stats.framesSkipped = framesSkipped_.load();
        const std::uint64_t frames = stats.framesEncoded - std::min(previousFrames_, stats.framesEncoded);
        stats.fps = static_cast<double>(frames) / seconds;
        const std::int64_t encodeNs = encodeNanoseconds_.load();
        stats.encodeMsPerFrame =
            frames == 0 ? 0.0 : static_cast<double>(encodeNs - previousEncodeNs_) / 1e6 / static_cast<double>(frames);
        stats.encoderOverloaded =
            overload_.update(stats.framesEncoded + stats.framesSkipped, stats.framesSkipped, interval);
        stats.cpuPercent =
            100.0 * static_cast<double>((usage.cpuTime - previousUsage_.cpuTime).count()) / 1e6 / seconds;
        stats.residentKb = usage.residentKb;
        if (broadcast) {
            for (std::size_t index = 0; index < broadcast->outputs.size(); ++index) {
                OutputStats output = broadcast->outputs[index]->stats();
                output.bitrateKbps =
                    static_cast<double>(output.bytesSent - broadcast->previousBytes[index]) * 8.0 / 1000.0 / seconds;
                broadcast->previousBytes[index] = output.bytesSent;
                output.congestionAverage = broadcast->congestionAverages[index].add(output.congestion);
                output.health = healthForCongestion(output.congestionAverage);
                stats.outputs.push_back(std::move(output));
            }
            if (broadcast->recorder) {
                stats.recording = broadcast->recorder->stats();
            }
        }
        previousSampleAt_ = now;
        previousUsage_ = usage;
        previousFrames_ = stats.framesEncoded;
        previousEncodeNs_ = encodeNs;
        return stats;
    }

    SceneStats sampleScene()
    {
        collectRetiredScenes();
        std::shared_ptr<Scene> scene;
        {
            const std::lock_guard lock(mutex_);
            scene = scene_;
        }
        SceneStats stats;
        stats.sources.push_back(
            SourceStatus{"main", scene->mainVideo ? scene->mainVideo->describe() : "", mainState_.load()});
        if (scene->cameraVideo) {
            stats.sources.push_back(SourceStatus{"camera", scene->cameraVideo->describe(), cameraState_.load()});
        }
        stats.audio = mixer_.takeLevels();
        const std::int64_t composeNs = composeNanoseconds_.load();
        const std::uint64_t frames = framesComposed_.load();
        if (frames > previousComposeFrames_) {
            stats.composeMsPerFrame = static_cast<double>(composeNs - previousComposeNs_) / 1e6 /
                                      static_cast<double>(frames - previousComposeFrames_);
        }
        previousComposeNs_ = composeNs;
        previousComposeFrames_ = frames;
        return stats;
    }

    void setMicrophoneMuted(bool muted)
    {
        microphoneMuted_.store(muted);
        mixer_.setMuted(microphoneInput_.load(), muted);
    }

private:
    // The go-live the owner asked for (connecting or encoding), else the last one ended (its end may
    // still be flushing: abortFlush() must reach it), or null.
    std::shared_ptr<Broadcast> current() const
    {
        const std::lock_guard lock(mutex_);
        return requested_ ? requested_ : ended_;
    }

    // The encoder thread's side of one go-live.
    struct Live {
        std::shared_ptr<Broadcast> broadcast;
        std::unique_ptr<Encoders> encoders;
        bool connected = false; // every output connected: encoding starts at the next frame
        bool encoding = false;
        std::int64_t firstFrame = 0;  // the output frame encoded first (its pts is 0)
        std::int64_t firstSample = 0; // the mix position of audio pts 0
    };

    // Encoder thread: sleeps until `when`, following the owner's go-live and end requests as they
    // come; false when a stop was requested.
    bool waitForFrame(std::chrono::steady_clock::time_point when, Live& live)
    {
        while (true) {
            {
                std::unique_lock lock(mutex_);
                wakeup_.wait_until(lock, when, [this] {
                    return stopRequested_ ||
                           (requested_ != active_ && (requested_ == nullptr || requested_.get() != retired_));
                });
                if (stopRequested_) {
                    return false;
                }
            }
            followRequests(live);
            if (std::chrono::steady_clock::now() >= when) {
                return true;
            }
        }
    }

    // Encoder thread: opens the encoders and starts the outputs of `broadcast`; an error ends it.
    core::Status beginLive(Live& live, std::shared_ptr<Broadcast> broadcast)
    {
        live = Live{};
        live.broadcast = std::move(broadcast);
        live.encoders = std::make_unique<Encoders>();
        if (core::Status opened = live.encoders->open(config_.encoder); !opened) {
            return opened;
        }
        return live.broadcast->begin(live.encoders->streams());
    }

    // Encoder thread: lets `live` go (drained when it encoded, its outputs told to finish or abort)
    // and tells the owner, who joins its outputs.
    void releaseLive(Live& live, const core::Error& failure)
    {
        if (live.broadcast == nullptr) {
            return;
        }
        if (live.encoding) {
            const auto sink = [&live](const MediaPacket& packet) { live.broadcast->distribute(packet); };
            (void)live.encoders->encode(StreamKind::video, nullptr, sink);
            (void)live.encoders->encode(StreamKind::audio, nullptr, sink);
        }
        live.broadcast->finish(!live.encoding);
        if (failure) {
            live.broadcast->report(LiveEvent::of(LiveEventKind::startFailed, failure));
        }
        {
            const std::lock_guard lock(mutex_);
            if (active_ == live.broadcast) {
                active_.reset();
            }
            if (failure) {
                retired_ = live.broadcast.get();
            }
        }
        wakeup_.notify_all();
        live = Live{};
    }

    // Encoder thread: follows the owner's go-live and end requests at a frame boundary.
    void followRequests(Live& live)
    {
        std::shared_ptr<Broadcast> wanted;
        {
            const std::lock_guard lock(mutex_);
            wanted = requested_;
            if (wanted.get() == retired_) {
                wanted.reset(); // ended by a failure: the owner's endLive() collects it
            }
        }
        if (live.broadcast != nullptr && live.broadcast != wanted) {
            releaseLive(live, {});
        }
        if (wanted != nullptr && live.broadcast == nullptr) {
            {
                // Taken only if still wanted: an endLive() in between must not miss it.
                const std::lock_guard lock(mutex_);
                if (requested_ != wanted) {
                    return;
                }
                active_ = wanted;
            }
            if (core::Status begun = beginLive(live, wanted); !begun) {
                releaseLive(live, begun.error());
                return;
            }
        }
        if (live.broadcast != nullptr && !live.connected) {
            const auto connected = live.broadcast->connected(false);
            if (!connected) {
                return;
            }
            if (!*connected) {
                releaseLive(live, connected->error());
                return;
            }
            live.connected = true; // encoding starts with the next frame composed (runLoop)
        }
    }

    // Encoder thread: from output frame `frameIndex` on, every frame and the sound are encoded.
    void startEncoding(Live& live, std::int64_t frameIndex, std::int64_t& audioSamples)
    {
        const EncoderSettings& settings = config_.encoder;
        live.connected = true;
        live.encoding = true;
        {
            const std::lock_guard lock(mutex_);
            encodingBroadcast_ = live.broadcast.get();
        }
        live.firstFrame = frameIndex;
        live.firstSample = frameIndex * settings.audioSampleRate / settings.fps;
        if (audioSamples < live.firstSample) {
            // The sound up to the first frame: for the levels only.
            mixInto(audioSamples, static_cast<int>(live.firstSample - audioSamples));
            audioSamples = live.firstSample;
        }
        live.broadcast->report(LiveEvent::of(LiveEventKind::started));
    }

    // Encoder thread: mixes `count` samples at `position` into mixLeft_/mixRight_.
    void mixInto(std::int64_t position, int count)
    {
        mixLeft_.resize(static_cast<std::size_t>(std::max(count, 0)));
        mixRight_.resize(mixLeft_.size());
        if (count > 0) {
            mixer_.mix(position, mixLeft_.data(), mixRight_.data(), count);
        }
    }

    void run()
    {
        runLoop();
        {
            const std::lock_guard lock(mutex_);
            running_ = false;
        }
        wakeup_.notify_all();
    }

    void runLoop()
    {
        const EncoderSettings& settings = config_.encoder;
        Live live;
        // create(): the outputs connect before the clock starts (the stream starts at the sources' start).
        if (!studio_) {
            std::shared_ptr<Broadcast> initial;
            {
                const std::lock_guard lock(mutex_);
                initial = requested_;
                active_ = initial;
            }
            if (initial == nullptr) {
                return; // stopped before it began
            }
            if (core::Status begun = beginLive(live, initial); !begun) {
                releaseLive(live, begun.error());
                return;
            }
            // A stop while connecting aborts the connects (endLive): that is no failure.
            if (core::Status connected = *live.broadcast->connected(true); !connected) {
                const bool stopping = current() == nullptr;
                releaseLive(live, stopping ? core::Error{} : connected.error());
                return;
            }
            if (current() == nullptr) {
                releaseLive(live, {});
                return;
            }
        }

        compositor_ =
            std::make_unique<Compositor>(settings.width, settings.height, scene_->config.layout, scene_->config.pip);
        const auto frameInterval = std::chrono::milliseconds(1000 / settings.fps + 1);
        mainWatch_ = SignalWatch(scene_->config.holdLastFrame, frameInterval);
        cameraWatch_ = SignalWatch(scene_->config.holdLastFrame, frameInterval);
        const auto frameDuration = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
            std::chrono::duration<double>(1.0 / settings.fps));
        const int samplesPerChunk = kAudioChunkSamples;
        FramePtr frame(av_frame_alloc());
        if (!frame) {
            releaseLive(live, core::Error{MediaErrc::encoderFailed, "out of memory"});
            return;
        }
        frame->format = AV_PIX_FMT_YUV420P;
        frame->width = settings.width;
        frame->height = settings.height;
        if (av_frame_get_buffer(frame.get(), 0) < 0) {
            releaseLive(live, core::Error{MediaErrc::encoderFailed, "frame buffer"});
            return;
        }
        const auto clockStart = std::chrono::steady_clock::now();
        scene_->startNew(clockStart, nullptr);
        std::int64_t frameIndex = 0;
        std::int64_t audioSamples = 0;
        if (live.broadcast != nullptr) {
            startEncoding(live, 0, audioSamples);
        }

        while (true) {
            const auto due = clockStart + frameDuration * frameIndex;
            if (!waitForFrame(due, live)) {
                break;
            }
            const auto now = std::chrono::steady_clock::now();
            // Encoder lag: a short stall (under kSkipAfterLateFrames frames) is caught up by rendering
            // the late frames back to back, like OBS's small frame cache; a longer one skips the
            // frames whose time has passed (counted as skipped) instead of falling further behind.
            const auto late = (now - due) / frameDuration;
            if (late >= kSkipAfterLateFrames) {
                if (live.encoding) {
                    framesSkipped_.fetch_add(static_cast<std::uint64_t>(late));
                }
                frameIndex += late;
            }
            if (live.connected && !live.encoding) {
                startEncoding(live, frameIndex, audioSamples);
            }
            if (av_frame_make_writable(frame.get()) < 0) {
                releaseLive(live, core::Error{MediaErrc::encoderFailed, "frame buffer"});
                break;
            }
            const std::int64_t composeStart = threadCpuNanoseconds();
            adoptPendingScene(clockStart);
            composeFrame(frame.get(), frameIndex);
            composeNanoseconds_.fetch_add(threadCpuNanoseconds() - composeStart);
            framesComposed_.fetch_add(1);
            if (config_.preview) {
                // A reference into the preview's slot at most; it never waits.
                (void)config_.preview->offer(frame.get(), frameIndex,
                                             std::chrono::microseconds(frameIndex * 1000000 / settings.fps));
            }
            if (live.encoding) {
                if (core::Status encoded = encodeVideo(live, frame.get(), frameIndex); !encoded) {
                    releaseLive(live, encoded.error());
                }
            }
            ++frameIndex;

            // Audio up to the clock's present: mixed always (the levels), encoded while live.
            const auto elapsed =
                std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - clockStart);
            const std::int64_t samplesDue = elapsed.count() * settings.audioSampleRate / 1000000;
            while (audioSamples + samplesPerChunk <= samplesDue) {
                mixInto(audioSamples, samplesPerChunk);
                if (live.encoding) {
                    if (core::Status encoded = encodeAudio(live, audioSamples); !encoded) {
                        releaseLive(live, encoded.error());
                    }
                }
                audioSamples += samplesPerChunk;
            }
        }
        releaseLive(live, {});
    }

    core::Status encodeVideo(Live& live, AVFrame* frame, std::int64_t frameIndex)
    {
        frame->pts = frameIndex - live.firstFrame;
        const auto sink = [&live](const MediaPacket& packet) { live.broadcast->distribute(packet); };
        const auto encodeStart = std::chrono::steady_clock::now();
        if (core::Status encoded = live.encoders->encode(StreamKind::video, frame, sink); !encoded) {
            return encoded;
        }
        encodeNanoseconds_.fetch_add(
            std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - encodeStart)
                .count());
        framesEncoded_.fetch_add(1);
        return {};
    }

    // The mixed chunk in mixLeft_/mixRight_ (at mix position `position`) into the audio encoder.
    core::Status encodeAudio(Live& live, std::int64_t position)
    {
        const EncoderSettings& settings = config_.encoder;
        AVFrame* chunk = live.encoders->audioFrame();
        if (av_frame_make_writable(chunk) < 0) {
            return core::Error{MediaErrc::encoderFailed, "audio frame buffer"};
        }
        const int count = std::min(chunk->nb_samples, static_cast<int>(mixLeft_.size()));
        auto* const* planes = reinterpret_cast<float* const*>(chunk->extended_data); // NOLINT
        for (int index = 0; index < count; ++index) {
            const auto at = static_cast<std::size_t>(index);
            if (settings.audioChannels >= 2) {
                planes[0][index] = mixLeft_[at];
                planes[1][index] = mixRight_[at];
            } else {
                planes[0][index] = 0.5F * (mixLeft_[at] + mixRight_[at]);
            }
        }
        chunk->pts = position - live.firstSample;
        const auto sink = [&live](const MediaPacket& packet) { live.broadcast->distribute(packet); };
        return live.encoders->encode(StreamKind::audio, chunk, sink);
    }

    // Encoder thread, at a frame boundary: the scene the owner asked for becomes the running one (its
    // new sources started, the mixer's inputs replaced, the layout's compositor made when it
    // changed); the scene it replaces goes to the owner, who stops what no scene uses any more.
    void adoptPendingScene(std::chrono::steady_clock::time_point clockStart)
    {
        std::shared_ptr<Scene> incoming;
        {
            const std::lock_guard lock(mutex_);
            incoming = std::move(pendingScene_);
            pendingScene_.reset();
        }
        if (!incoming) {
            return;
        }
        incoming->startNew(clockStart, scene_.get());
        const EncoderSettings& settings = config_.encoder;
        const SceneConfig& before = scene_->config;
        const SceneConfig& after = incoming->config;
        // A slot's kept conversion belongs to its source: a new source gets a new compositor.
        if (before.layout != after.layout || before.pip != after.pip || incoming->mainVideo != scene_->mainVideo ||
            incoming->cameraVideo != scene_->cameraVideo) {
            compositor_ = std::make_unique<Compositor>(settings.width, settings.height, after.layout, after.pip);
        }
        const auto frameInterval = std::chrono::milliseconds(1000 / settings.fps + 1);
        if (incoming->mainVideo != scene_->mainVideo) {
            mainWatch_ = SignalWatch(after.holdLastFrame, frameInterval);
            heldMain_ = {};
        }
        if (incoming->cameraVideo != scene_->cameraVideo) {
            cameraWatch_ = SignalWatch(after.holdLastFrame, frameInterval);
            heldCamera_ = {};
        }
        int microphoneInput = -1;
        mixer_.replaceInputs(incoming->mixerInputs(microphoneInput));
        microphoneInput_.store(microphoneInput);
        mixer_.setMuted(microphoneInput, microphoneMuted_.load()); // a mute clicked since setScene
        {
            const std::lock_guard lock(mutex_);
            retiredScenes_.push_back(std::exchange(scene_, std::move(incoming)));
        }
    }

    // Draws output frame `frameIndex`: a full-frame source able to draw itself does (the test
    // pattern: no copy); otherwise the compositor scales and converts each source's latest picture,
    // or the last one held, or the slate.
    void composeFrame(AVFrame* frame, std::int64_t frameIndex)
    {
        Compositor& compositor = *compositor_;
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
        if (layout == Layout::screen && scene_->mainVideo) {
            const int strides[3] = {frame->linesize[0], frame->linesize[1], frame->linesize[2]};
            if (scene_->mainVideo->renderInto(frame->data, strides, settings.width, settings.height, frameIndex)) {
                mainState_.store(SignalState::live);
                return;
            }
        }
        const SlotPicture main = layoutUsesMain(layout)
                                     ? pictureOf(scene_->mainVideo.get(), mainWatch_, mainState_, heldMain_)
                                     : SlotPicture{};
        const SlotPicture camera = layoutUsesCamera(layout)
                                       ? pictureOf(scene_->cameraVideo.get(), cameraWatch_, cameraState_, heldCamera_)
                                       : SlotPicture{};
        compositor.compose(frame, main, camera);
    }

    const LiveConfig config_;
    std::shared_ptr<Scene> scene_;        // written by the encoder thread (or the owner before it runs) under mutex_
    std::shared_ptr<Scene> latestScene_;  // owner thread: the newest scene asked for (the sources to reuse)
    std::shared_ptr<Scene> pendingScene_; // guarded by mutex_: for the encoder thread to take
    std::vector<std::shared_ptr<Scene>> retiredScenes_; // guarded by mutex_: left by it, for the owner to stop
    AudioMixer mixer_;                                  // mixes on the encoder thread; its inputs follow the scene
    std::atomic<int> microphoneInput_{-1};
    std::atomic<bool> microphoneMuted_{false};
    std::unique_ptr<Compositor> compositor_; // encoder thread
    SignalWatch mainWatch_;                  // encoder thread
    SignalWatch cameraWatch_;                // encoder thread
    const bool studio_;
    std::atomic<SignalState> mainState_{SignalState::waiting};
    std::atomic<SignalState> cameraState_{SignalState::waiting};
    VideoSample heldMain_;       // encoder thread
    VideoSample heldCamera_;     // encoder thread
    std::vector<float> mixLeft_; // encoder thread
    std::vector<float> mixRight_;
    std::atomic<std::int64_t> composeNanoseconds_{0};
    std::atomic<std::uint64_t> framesComposed_{0};
    std::int64_t previousComposeNs_ = 0;      // owner thread (sampleScene)
    std::uint64_t previousComposeFrames_ = 0; // owner thread (sampleScene)
    std::thread thread_;
    mutable std::mutex mutex_;
    std::condition_variable wakeup_;
    std::shared_ptr<Broadcast> requested_;         // guarded by mutex_: the go-live the owner wants
    std::shared_ptr<Broadcast> active_;            // guarded by mutex_: the one the encoder thread holds
    std::shared_ptr<Broadcast> ended_;             // guarded by mutex_: the last one ended (its statistics)
    const Broadcast* retired_ = nullptr;           // guarded by mutex_: ended by a failure, not to begin again
    const Broadcast* encodingBroadcast_ = nullptr; // guarded by mutex_: the last one that began encoding
    bool started_ = false;                         // guarded by mutex_
    bool running_ = false;                         // guarded by mutex_: the encoder thread runs
    bool stopRequested_ = false;                   // guarded by mutex_
    bool stopped_ = false;                         // guarded by mutex_
    std::atomic<std::uint64_t> framesEncoded_{0};
    std::atomic<std::uint64_t> framesSkipped_{0};
    std::atomic<std::int64_t> encodeNanoseconds_{0};
    // Owner thread only (sampleStats), startedAt_ under mutex_:
    std::chrono::steady_clock::time_point startedAt_;
    std::chrono::steady_clock::time_point previousSampleAt_;
    ProcessUsage previousUsage_;
    std::uint64_t previousFrames_ = 0;
    std::int64_t previousEncodeNs_ = 0;
    OverloadRule overload_;
};

namespace {

core::Result<std::shared_ptr<Scene>> openStudioScene(const LiveConfig& config)
{
    if (const std::string problem = config.encoder.validationError(); !problem.empty()) {
        return core::Error{MediaErrc::invalidSettings, problem};
    }
    return openScene(config.scene, config.encoder, nullptr);
}

} // namespace

core::Result<std::unique_ptr<LivePipeline>> LivePipeline::create(LiveConfig config, EventCallback onEvent)
{
    if (const std::string problem = config.encoder.validationError(); !problem.empty()) {
        return core::Error{MediaErrc::invalidSettings, problem};
    }
    if (config.outputs.empty() && !config.recording && !config.chunkStream) {
        return core::Error{MediaErrc::invalidSettings, "no output: give a stream URL or a recording file"};
    }
    auto targets = parseTargets(config);
    if (!targets) {
        return targets.error();
    }
    auto scene = openStudioScene(config);
    if (!scene) {
        return scene.error();
    }
    auto broadcast = std::make_shared<Broadcast>(static_cast<const BroadcastConfig&>(config), std::move(*targets),
                                                 std::move(onEvent));
    auto impl = std::make_unique<Impl>(std::move(config), std::move(*scene), std::move(broadcast));
    return std::unique_ptr<LivePipeline>(new LivePipeline(std::move(impl)));
}

core::Result<std::unique_ptr<LivePipeline>> LivePipeline::createStudio(LiveConfig config)
{
    auto scene = openStudioScene(config);
    if (!scene) {
        return scene.error();
    }
    static_cast<BroadcastConfig&>(config) = BroadcastConfig{};
    auto impl = std::make_unique<Impl>(std::move(config), std::move(*scene), nullptr);
    return std::unique_ptr<LivePipeline>(new LivePipeline(std::move(impl)));
}

core::Result<std::shared_ptr<LivePipeline>> startStudio(LiveConfig config,
                                                        std::function<void(PreviewFrame frame)> onPreviewFrame)
{
    if (onPreviewFrame) {
        auto preview = FramePreview::create(PreviewSettings{}, std::move(onPreviewFrame));
        if (!preview) {
            return preview.error();
        }
        config.preview = *preview;
    }
    auto studio = LivePipeline::createStudio(std::move(config));
    if (!studio) {
        return studio.error();
    }
    std::shared_ptr<LivePipeline> running = std::move(*studio);
    running->start();
    return running;
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

core::Status LivePipeline::goLive(BroadcastConfig outputs, EventCallback onEvent)
{
    return impl_->goLive(std::move(outputs), std::move(onEvent));
}

core::Status LivePipeline::setScene(SceneConfig scene)
{
    return impl_->setScene(std::move(scene));
}

void LivePipeline::endLive()
{
    impl_->endLive();
}

bool LivePipeline::isLive() const
{
    return impl_->isLive();
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
