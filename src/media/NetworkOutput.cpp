// SPDX-License-Identifier: GPL-2.0-or-later
#include "NetworkOutput.hpp"

#include "hoststudio/media/ConnectFailure.hpp"
#include "hoststudio/media/MediaError.hpp"

#include <cerrno>

extern "C" {
#include <libavutil/dict.h>
#include <libavutil/mathematics.h>
}

namespace hoststudio::media::detail {

namespace {

std::int64_t steadyNowNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

constexpr AVRational kMicroseconds{1, 1000000};

} // namespace

NetworkOutput::NetworkOutput(int index, NetworkOutputConfig config, StreamTarget target,
                             std::chrono::milliseconds flushTimeout, LivePipeline::EventCallback onEvent)
    : index_(index), config_(std::move(config)), target_(std::move(target)), flushTimeout_(flushTimeout),
      onEvent_(std::move(onEvent)), queue_(config_.queueLimits), policy_(config_.reconnect)
{
    interrupt_.stopRequested = &abortIo_;
}

NetworkOutput::~NetworkOutput()
{
    abort();
    join();
}

std::future<core::Status> NetworkOutput::start(const StreamDescription& streams)
{
    streams_ = streams;
    std::promise<core::Status> firstConnect;
    auto result = firstConnect.get_future();
    thread_ = std::thread([this, promise = std::move(firstConnect)]() mutable { run(std::move(promise)); });
    return result;
}

void NetworkOutput::finish()
{
    finishDeadlineNs_.store(steadyNowNs() +
                            std::chrono::duration_cast<std::chrono::nanoseconds>(flushTimeout_).count());
    finishing_.store(true);
    {
        const std::lock_guard lock(mutex_);
        retryNowRequested_ = true;
    }
    wakeup_.notify_all();
    queue_.wake();
}

void NetworkOutput::abort()
{
    abortIo_.store(true);
    finish();
}

void NetworkOutput::join()
{
    if (thread_.joinable()) {
        thread_.join();
    }
}

void NetworkOutput::retryNow()
{
    {
        const std::lock_guard lock(mutex_);
        retryNowRequested_ = true;
    }
    wakeup_.notify_all();
}

void NetworkOutput::report(LiveEvent event) const
{
    event.outputIndex = index_;
    if (onEvent_) {
        onEvent_(event);
    }
}

void NetworkOutput::setError(const core::Error& error)
{
    const std::lock_guard lock(mutex_);
    lastError_ = error.describe();
}

core::Status NetworkOutput::connect()
{
    AVFormatContext* raw = nullptr;
    int result = avformat_alloc_output_context2(&raw, nullptr, "flv", nullptr);
    if (result < 0 || raw == nullptr) {
        return core::Error{MediaErrc::outputFailed, "flv muxer: " + ffmpegErrorText(result)};
    }
    MuxerPtr muxer(raw);
    for (const AVCodecParameters* parameters : {streams_.video, streams_.audio}) {
        AVStream* stream = avformat_new_stream(muxer.get(), nullptr);
        if (stream == nullptr || avcodec_parameters_copy(stream->codecpar, parameters) < 0) {
            return core::Error{MediaErrc::outputFailed, "flv muxer: cannot add a stream"};
        }
        stream->codecpar->codec_tag = 0;
        stream->time_base = AVRational{1, 1000};
    }
    muxer->streams[0]->avg_frame_rate = streams_.videoFrameRate;
    muxer->interrupt_callback = interruptCallbackFor(interrupt_);
    muxer->flush_packets = 1;

    AVDictionary* options = nullptr;
    if (target_.secure) {
        av_dict_set(&options, "tls_verify", "1", 0);
        av_dict_set(&options, "ca_file", config_.caFile.empty() ? kSystemCaFile : config_.caFile.c_str(), 0);
    }
    av_dict_set(&options, "tcp_nodelay", "1", 0);
    if (config_.sendBufferBytes > 0) {
        av_dict_set_int(&options, "send_buffer_size", config_.sendBufferBytes, 0);
    }
    clearFfmpegLogError();
    interrupt_.armFor(config_.connectTimeout);
    result = avio_open2(&muxer->pb, target_.url.c_str(), AVIO_FLAG_WRITE, &muxer->interrupt_callback, &options);
    av_dict_free(&options);
    if (result >= 0) {
        AVDictionary* muxerOptions = nullptr;
        av_dict_set(&muxerOptions, "flvflags", "no_duration_filesize", 0);
        result = avformat_write_header(muxer.get(), &muxerOptions);
        av_dict_free(&muxerOptions);
    }
    interrupt_.disarm();
    if (result < 0) {
        const std::string text = ffmpegErrorText(result);
        const std::string logged = lastFfmpegLogError();
        return classifyConnectFailure({.posixError = result < 0 && result > -4096 ? -result : 0,
                                       .ffmpegText = text,
                                       .lastLogError = logged,
                                       .timedOut = interrupt_.timedOut.load(),
                                       .target = target_.displayUrl});
    }
    muxer_ = std::move(muxer);
    return {};
}

void NetworkOutput::disconnect(bool writeTrailer)
{
    if (!muxer_) {
        return;
    }
    interrupt_.armFor(std::chrono::milliseconds(1000));
    if (writeTrailer) {
        av_write_trailer(muxer_.get());
    }
    muxer_.reset();
    interrupt_.disarm();
}

core::Status NetworkOutput::send(const MediaPacket& packet)
{
    PacketPtr copy(av_packet_alloc());
    if (!copy || av_packet_ref(copy.get(), packet.payload.get()) < 0) {
        return core::Error{MediaErrc::outputFailed, "out of memory"};
    }
    const int streamIndex = packet.kind == StreamKind::video ? 0 : 1;
    const AVRational timeBase = muxer_->streams[streamIndex]->time_base;
    copy->stream_index = streamIndex;
    copy->pts = av_rescale_q(packet.ptsUs - timestampOffsetUs_, kMicroseconds, timeBase);
    copy->dts = av_rescale_q(packet.dtsUs - timestampOffsetUs_, kMicroseconds, timeBase);
    copy->duration = av_rescale_q(packet.durationUs, kMicroseconds, timeBase);
    copy->pos = -1;

    auto timeout = config_.sendTimeout;
    if (finishing_.load()) {
        const auto left = std::chrono::nanoseconds(finishDeadlineNs_.load() - steadyNowNs());
        timeout = std::min(timeout, std::chrono::duration_cast<std::chrono::milliseconds>(left));
        if (timeout.count() <= 0) {
            return core::Error{MediaErrc::disconnected, target_.displayUrl + ": flush timeout"};
        }
    }
    clearFfmpegLogError();
    interrupt_.armFor(timeout);
    const int result = av_write_frame(muxer_.get(), copy.get());
    interrupt_.disarm();
    if (result < 0) {
        const std::string logged = lastFfmpegLogError();
        return core::Error{MediaErrc::disconnected,
                           target_.displayUrl + ": " +
                               (interrupt_.timedOut.load() ? "send timed out" : ffmpegErrorText(result)) +
                               (logged.empty() ? "" : " (" + logged + ")")};
    }
    bytesSent_.fetch_add(packet.sizeBytes);
    return {};
}

bool NetworkOutput::waitBeforeRetry(std::chrono::milliseconds delay)
{
    std::unique_lock lock(mutex_);
    wakeup_.wait_for(lock, delay, [this] { return retryNowRequested_ || finishing_.load(); });
    retryNowRequested_ = false;
    return !finishing_.load();
}

void NetworkOutput::run(std::promise<core::Status> firstConnect)
{
    state_.store(OutputState::connecting);
    core::Status connected = connect();
    if (!connected) {
        setError(connected.error());
        state_.store(OutputState::failed);
        firstConnect.set_value(connected);
        return;
    }
    state_.store(OutputState::live);
    policy_.onConnected();
    firstConnect.set_value({});

    while (true) {
        if (finishing_.load() && (abortIo_.load() || queue_.snapshot().packets == 0)) {
            break;
        }
        std::optional<MediaPacket> packet = queue_.pop(std::chrono::milliseconds(100));
        if (!packet) {
            continue;
        }
        if (waitingForKeyframe_) {
            if (!packet->isVideoKeyframe()) {
                continue;
            }
            waitingForKeyframe_ = false;
            timestampOffsetUs_ = packet->dtsUs;
        }
        if (packet->dtsUs < timestampOffsetUs_) {
            continue; // audio from before the keyframe we resumed on
        }
        core::Status sent = send(*packet);
        if (sent) {
            continue;
        }
        // A drop in the middle of the stream.
        setError(sent.error());
        queue_.setDisconnected(true);
        disconnect(false);
        if (finishing_.load()) {
            break;
        }
        report(LiveEvent::of(LiveEventKind::outputDropped, sent.error()));
        state_.store(OutputState::reconnecting);
        bool resumed = false;
        while (!resumed) {
            const core::RetryDecision decision = policy_.onFailure(failurePhase(true));
            if (finishing_.load() || decision.verdict == core::RetryVerdict::cancelled) {
                break;
            }
            if (decision.verdict != core::RetryVerdict::retry) {
                const core::Error error{MediaErrc::reconnectGaveUp,
                                        target_.displayUrl + ": " + std::to_string(decision.attempt) + " attempts"};
                setError(error);
                state_.store(OutputState::failed);
                report(LiveEvent::of(LiveEventKind::outputFailed, error));
                queue_.setDisconnected(true);
                return;
            }
            reconnectAttempt_.store(decision.attempt);
            nextAttemptAtNs_.store(steadyNowNs() +
                                   std::chrono::duration_cast<std::chrono::nanoseconds>(decision.delay).count());
            LiveEvent reconnecting = LiveEvent::of(LiveEventKind::outputReconnecting);
            reconnecting.retryDelay = decision.delay;
            reconnecting.attempt = decision.attempt;
            reconnecting.maxAttempts = decision.maxRetries;
            report(reconnecting);
            if (!waitBeforeRetry(decision.delay)) {
                break;
            }
            nextAttemptAtNs_.store(0);
            const core::Status again = connect();
            if (again) {
                resumed = true;
            } else {
                setError(again.error());
            }
        }
        if (!resumed) {
            break;
        }
        policy_.onConnected();
        reconnectAttempt_.store(0);
        reconnects_.fetch_add(1);
        waitingForKeyframe_ = true;
        queue_.setDisconnected(false);
        state_.store(OutputState::live);
        report(LiveEvent::of(LiveEventKind::outputReconnected));
    }
    disconnect(true);
    if (state_.load() != OutputState::failed) {
        state_.store(OutputState::stopped);
    }
}

OutputStats NetworkOutput::stats() const
{
    OutputStats result;
    result.target = target_.displayUrl;
    result.state = state_.load();
    result.bytesSent = bytesSent_.load();
    const SendQueueSnapshot queue = queue_.snapshot();
    result.droppedFrames = queue.droppedVideoFrames;
    result.queuePackets = queue.packets;
    result.queueDuration = std::chrono::duration_cast<std::chrono::milliseconds>(queue.queuedDuration);
    result.congestion = queue.congestion;
    result.reconnectAttempt = reconnectAttempt_.load();
    const std::int64_t nextAttempt = nextAttemptAtNs_.load();
    if (result.state == OutputState::reconnecting && nextAttempt != 0) {
        result.reconnectIn = std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::nanoseconds(std::max<std::int64_t>(0, nextAttempt - steadyNowNs())));
    }
    result.reconnects = reconnects_.load();
    const std::lock_guard lock(mutex_);
    result.lastError = lastError_;
    return result;
}

} // namespace hoststudio::media::detail
