// SPDX-License-Identifier: GPL-2.0-or-later
// A media file as a source: demuxed and decoded on its own thread, paced to the output clock
// (decoding stays at most kLead ahead of it), looping. Every picture and every audio sample is
// placed by its timestamp plus the loops so far, so audio and video cannot drift apart however
// often the file loops. Audio is resampled to 48 kHz stereo (libswresample) into an AudioTimeline.
//
// Threads: the decoder thread (started by start(), joined by stop()/the destructor); latest() and
// the audio read() run on the encoder thread; the shared state is guarded by one mutex.
#include "FfmpegSupport.hpp"
#include "SourceInternals.hpp"

#include "hoststudio/media/MediaError.hpp"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <thread>

extern "C" {
#include <libavutil/channel_layout.h>
#include <libavutil/opt.h>
#include <libswresample/swresample.h>
}

namespace hoststudio::media::detail {

namespace {

using namespace std::chrono_literals;
constexpr auto kLead = 300ms;

int interruptIfStopping(void* opaque)
{
    return static_cast<std::atomic<bool>*>(opaque)->load() ? 1 : 0;
}

struct FileState {
    std::string path;
    bool loop = true;
    AVFormatContext* input = nullptr;
    int videoStream = -1;
    int audioStream = -1;
    CodecContextPtr videoDecoder;
    CodecContextPtr audioDecoder;
    SwrContext* resampler = nullptr;
    AudioTimeline audio{std::chrono::milliseconds(3000)};
    std::atomic<bool> stopping{false};
    std::thread thread;

    std::mutex mutex;
    std::condition_variable wakeup;
    bool clockStarted = false; // guarded by mutex
    SteadyClock::time_point clockStart;
    struct Timed {
        std::chrono::microseconds at;
        std::shared_ptr<const AVFrame> frame;
    };
    std::deque<Timed> pending; // decoded, not yet due; guarded by mutex
    std::shared_ptr<const AVFrame> current;
    std::uint64_t sequence = 0;
    bool ended = false;

    ~FileState()
    {
        stop();
        swr_free(&resampler);
        avformat_close_input(&input);
    }

    void stop()
    {
        stopping.store(true);
        wakeup.notify_all();
        if (thread.joinable()) {
            thread.join();
        }
    }

    // Waits until media time `at` is no more than kLead ahead of the output clock; false on stop.
    bool waitUntilDue(std::chrono::microseconds at)
    {
        if (at <= kLead) {
            return !stopping.load(); // the opening moments are ready before the clock starts
        }
        std::unique_lock lock(mutex);
        wakeup.wait(lock, [this] { return clockStarted || stopping.load(); });
        if (stopping.load()) {
            return false;
        }
        const auto due = clockStart + at - kLead;
        wakeup.wait_until(lock, due, [this] { return stopping.load(); });
        return !stopping.load();
    }

    [[nodiscard]] std::chrono::microseconds timeOf(const AVFrame* frame, const AVStream* stream) const
    {
        const std::int64_t pts = frame->best_effort_timestamp == AV_NOPTS_VALUE ? 0 : frame->best_effort_timestamp;
        const std::int64_t origin = input->start_time == AV_NOPTS_VALUE ? 0 : input->start_time;
        return std::chrono::microseconds(av_rescale_q(pts, stream->time_base, AVRational{1, 1000000}) - origin);
    }

    void run()
    {
        PacketPtr packet(av_packet_alloc());
        FramePtr frame(av_frame_alloc());
        std::vector<float> left;
        std::vector<float> right;
        std::chrono::microseconds loopOffset{0};
        std::chrono::microseconds passEnd{0}; // the end of the latest media of this pass
        while (!stopping.load()) {
            const int result = av_read_frame(input, packet.get());
            if (result < 0) {
                // The end of the file (or a read error): drain, then loop or end.
                if (videoDecoder) {
                    avcodec_send_packet(videoDecoder.get(), nullptr);
                    receive(videoDecoder.get(), videoStream, frame.get(), loopOffset, passEnd, left, right);
                }
                if (audioDecoder) {
                    avcodec_send_packet(audioDecoder.get(), nullptr);
                    receive(audioDecoder.get(), audioStream, frame.get(), loopOffset, passEnd, left, right);
                }
                if (result != averrorEof()) {
                    qCWarning(lcMedia) << "file source" << path.c_str()
                                       << "read failed:" << ffmpegErrorText(result).c_str();
                }
                if (!loop || passEnd <= std::chrono::microseconds(0) || stopping.load()) {
                    break;
                }
                const std::int64_t origin = input->start_time == AV_NOPTS_VALUE ? 0 : input->start_time;
                if (av_seek_frame(input, -1, origin, AVSEEK_FLAG_BACKWARD) < 0) {
                    qCWarning(lcMedia) << "file source" << path.c_str() << "cannot seek back to loop";
                    break;
                }
                if (videoDecoder) {
                    avcodec_flush_buffers(videoDecoder.get());
                }
                if (audioDecoder) {
                    avcodec_flush_buffers(audioDecoder.get());
                }
                loopOffset += passEnd;
                passEnd = std::chrono::microseconds(0);
                continue;
            }
            AVCodecContext* decoder = packet->stream_index == videoStream   ? videoDecoder.get()
                                      : packet->stream_index == audioStream ? audioDecoder.get()
                                                                            : nullptr;
            if (decoder != nullptr && avcodec_send_packet(decoder, packet.get()) >= 0) {
                receive(decoder, packet->stream_index, frame.get(), loopOffset, passEnd, left, right);
            }
            av_packet_unref(packet.get());
        }
        const std::lock_guard lock(mutex);
        ended = true;
    }

    void receive(AVCodecContext* decoder, int streamIndex, AVFrame* frame, std::chrono::microseconds loopOffset,
                 std::chrono::microseconds& passEnd, std::vector<float>& left, std::vector<float>& right)
    {
        const AVStream* stream = input->streams[streamIndex];
        while (avcodec_receive_frame(decoder, frame) >= 0) {
            const std::chrono::microseconds inFile = timeOf(frame, stream);
            const std::chrono::microseconds at = loopOffset + inFile;
            if (streamIndex == videoStream) {
                std::int64_t duration = frame->pkt_duration > 0 ? frame->pkt_duration : 0;
                std::chrono::microseconds length(av_rescale_q(duration, stream->time_base, AVRational{1, 1000000}));
                if (length.count() <= 0) {
                    const AVRational rate =
                        av_guess_frame_rate(input, const_cast<AVStream*>(stream), nullptr); // NOLINT
                    length = std::chrono::microseconds(rate.num > 0 ? 1000000LL * rate.den / rate.num : 33333);
                }
                passEnd = std::max(passEnd, inFile + length);
                if (!waitUntilDue(at)) {
                    av_frame_unref(frame);
                    return;
                }
                AVFrame* copy = av_frame_clone(frame);
                if (copy != nullptr) {
                    const std::lock_guard lock(mutex);
                    pending.push_back({at, makeSharedFrame(copy)});
                }
            } else {
                const std::chrono::microseconds length(std::int64_t{frame->nb_samples} * 1000000 /
                                                       std::max(1, frame->sample_rate));
                passEnd = std::max(passEnd, inFile + length);
                if (!waitUntilDue(at)) {
                    av_frame_unref(frame);
                    return;
                }
                const int capacity = swr_get_out_samples(resampler, frame->nb_samples);
                if (capacity > 0) {
                    left.resize(static_cast<std::size_t>(capacity));
                    right.resize(static_cast<std::size_t>(capacity));
                    std::uint8_t* planes[2] = {reinterpret_cast<std::uint8_t*>(left.data()),   // NOLINT
                                               reinterpret_cast<std::uint8_t*>(right.data())}; // NOLINT
                    const int converted = swr_convert(resampler, planes, capacity,
                                                      const_cast<const std::uint8_t**>(frame->extended_data), // NOLINT
                                                      frame->nb_samples);
                    if (converted > 0) {
                        audio.writeAt(at.count() * kMixSampleRate / 1000000, left.data(), right.data(), converted);
                    }
                }
            }
            av_frame_unref(frame);
        }
    }
};

class FileVideoSource final : public VideoSource {
public:
    explicit FileVideoSource(std::shared_ptr<FileState> state) : state_(std::move(state)) {}
    ~FileVideoSource() override { stop(); }
    [[nodiscard]] std::string describe() const override { return "file:" + state_->path; }

    void start(SteadyClock::time_point clockStart) override
    {
        {
            const std::lock_guard lock(state_->mutex);
            state_->clockStart = clockStart;
            state_->clockStarted = true;
        }
        state_->wakeup.notify_all();
    }
    void stop() override { state_->stop(); }

    VideoSample latest(std::chrono::microseconds mediaTime) override
    {
        const std::lock_guard lock(state_->mutex);
        while (!state_->pending.empty() && state_->pending.front().at <= mediaTime) {
            state_->current = std::move(state_->pending.front().frame);
            state_->pending.pop_front();
            ++state_->sequence;
        }
        return {state_->current, state_->sequence, {}};
    }

private:
    std::shared_ptr<FileState> state_;
};

class FileAudioSource final : public AudioSource {
public:
    explicit FileAudioSource(std::shared_ptr<FileState> state) : state_(std::move(state)) {}
    [[nodiscard]] std::string describe() const override { return "file:" + state_->path; }
    int read(std::int64_t position, float* left, float* right, int count) override
    {
        return state_->audio.read(position, left, right, count);
    }

private:
    std::shared_ptr<FileState> state_;
};

core::Result<CodecContextPtr> openDecoder(AVFormatContext* input, int stream)
{
    const AVCodec* codec = avcodec_find_decoder(input->streams[stream]->codecpar->codec_id);
    if (codec == nullptr) {
        return core::Error{MediaErrc::unsupportedSource,
                           std::string("no decoder for ") +
                               avcodec_get_name(input->streams[stream]->codecpar->codec_id)};
    }
    CodecContextPtr decoder(avcodec_alloc_context3(codec));
    if (!decoder || avcodec_parameters_to_context(decoder.get(), input->streams[stream]->codecpar) < 0) {
        return core::Error{MediaErrc::unsupportedSource, "decoder parameters"};
    }
    decoder->thread_count = 1;
    const int result = avcodec_open2(decoder.get(), codec, nullptr);
    if (result < 0) {
        return core::Error{MediaErrc::unsupportedSource, "cannot open the decoder: " + ffmpegErrorText(result)};
    }
    return decoder;
}

} // namespace

core::Result<OpenedSource> openFileSource(const std::string& path, const FileSourceOptions& options)
{
    auto state = std::make_shared<FileState>();
    state->path = path;
    state->loop = options.loop;
    clearFfmpegLogError();
    int result = avformat_open_input(&state->input, path.c_str(), nullptr, nullptr);
    if (result < 0) {
        return core::Error{MediaErrc::unsupportedSource, "cannot open media file " + path + ": " +
                                                             ffmpegErrorText(result) +
                                                             " (check the path; any file FFmpeg plays will do)"};
    }
    state->input->interrupt_callback = AVIOInterruptCB{&interruptIfStopping, &state->stopping};
    result = avformat_find_stream_info(state->input, nullptr);
    if (result < 0) {
        return core::Error{MediaErrc::unsupportedSource, path + ": " + ffmpegErrorText(result)};
    }
    state->videoStream = av_find_best_stream(state->input, AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
    state->audioStream = av_find_best_stream(state->input, AVMEDIA_TYPE_AUDIO, -1, -1, nullptr, 0);
    if (state->videoStream < 0 && state->audioStream < 0) {
        return core::Error{MediaErrc::unsupportedSource, path + " has neither video nor audio"};
    }
    for (unsigned index = 0; index < state->input->nb_streams; ++index) {
        if (static_cast<int>(index) != state->videoStream && static_cast<int>(index) != state->audioStream) {
            state->input->streams[index]->discard = AVDISCARD_ALL;
        }
    }
    if (state->videoStream >= 0) {
        auto decoder = openDecoder(state->input, state->videoStream);
        if (!decoder) {
            return decoder.error().withContext(path);
        }
        state->videoDecoder = std::move(*decoder);
    }
    if (state->audioStream >= 0) {
        auto decoder = openDecoder(state->input, state->audioStream);
        if (!decoder) {
            return decoder.error().withContext(path);
        }
        state->audioDecoder = std::move(*decoder);
        AVChannelLayout stereo = AV_CHANNEL_LAYOUT_STEREO;
        AVChannelLayout inputLayout{};
        if (state->audioDecoder->ch_layout.order == AV_CHANNEL_ORDER_UNSPEC) {
            av_channel_layout_default(&inputLayout, state->audioDecoder->ch_layout.nb_channels);
        } else {
            av_channel_layout_copy(&inputLayout, &state->audioDecoder->ch_layout);
        }
        result = swr_alloc_set_opts2(&state->resampler, &stereo, AV_SAMPLE_FMT_FLTP, kMixSampleRate, &inputLayout,
                                     state->audioDecoder->sample_fmt, state->audioDecoder->sample_rate, 0, nullptr);
        av_channel_layout_uninit(&inputLayout);
        if (result < 0 || swr_init(state->resampler) < 0) {
            return core::Error{MediaErrc::unsupportedSource, path + ": cannot resample its audio to 48 kHz stereo"};
        }
    }
    state->thread = std::thread([raw = state.get()] { raw->run(); });
    OpenedSource opened;
    if (state->videoStream >= 0) {
        opened.video = std::make_unique<FileVideoSource>(state);
    }
    if (state->audioStream >= 0) {
        opened.audio = std::make_unique<FileAudioSource>(state);
    }
    if (!opened.video) {
        // Audio only: the clock still has to reach the decoder thread.
        struct AudioOnlyStarter final : VideoSource {
            explicit AudioOnlyStarter(std::shared_ptr<FileState> s) : state(std::move(s)) {}
            [[nodiscard]] std::string describe() const override { return "file:" + state->path + " (no video)"; }
            void start(SteadyClock::time_point clockStart) override
            {
                {
                    const std::lock_guard lock(state->mutex);
                    state->clockStart = clockStart;
                    state->clockStarted = true;
                }
                state->wakeup.notify_all();
            }
            void stop() override { state->stop(); }
            VideoSample latest(std::chrono::microseconds /*mediaTime*/) override { return {}; }
            std::shared_ptr<FileState> state;
        };
        opened.video = std::make_unique<AudioOnlyStarter>(state);
    }
    return opened;
}

} // namespace hoststudio::media::detail
