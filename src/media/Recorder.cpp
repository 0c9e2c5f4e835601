// SPDX-License-Identifier: GPL-2.0-or-later
#include "Recorder.hpp"

#include "hoststudio/media/MediaError.hpp"

extern "C" {
#include <libavutil/dict.h>
#include <libavutil/mathematics.h>
}

namespace hoststudio::media::detail {

namespace {
constexpr AVRational kMicroseconds{1, 1000000};
}

Recorder::Recorder(RecordingConfig config, LivePipeline::EventCallback onEvent)
    : config_(std::move(config)), onEvent_(std::move(onEvent))
{}

Recorder::~Recorder()
{
    finish();
    join();
}

core::Status Recorder::open(const StreamDescription& streams)
{
    AVFormatContext* raw = nullptr;
    int result = avformat_alloc_output_context2(&raw, nullptr, "matroska", config_.filePath.c_str());
    if (result < 0 || raw == nullptr) {
        return core::Error{MediaErrc::recordingFailed, config_.filePath + ": " + ffmpegErrorText(result)};
    }
    MuxerPtr muxer(raw);
    for (const AVCodecParameters* parameters : {streams.video, streams.audio}) {
        AVStream* stream = avformat_new_stream(muxer.get(), nullptr);
        if (stream == nullptr || avcodec_parameters_copy(stream->codecpar, parameters) < 0) {
            return core::Error{MediaErrc::recordingFailed, "matroska muxer: cannot add a stream"};
        }
        stream->codecpar->codec_tag = 0;
        stream->time_base = AVRational{1, 1000};
    }
    muxer->streams[0]->avg_frame_rate = streams.videoFrameRate;
    muxer->flush_packets = 1;
    clearFfmpegLogError();
    result = avio_open2(&muxer->pb, config_.filePath.c_str(), AVIO_FLAG_WRITE, nullptr, nullptr);
    if (result >= 0) {
        AVDictionary* options = nullptr;
        av_dict_set(&options, "cluster_time_limit", std::to_string(config_.clusterDuration.count()).c_str(), 0);
        av_dict_set(&options, "cluster_size_limit", "2097152", 0);
        result = avformat_write_header(muxer.get(), &options);
        av_dict_free(&options);
    }
    if (result < 0) {
        return core::Error{MediaErrc::recordingFailed, config_.filePath + ": " + ffmpegErrorText(result)};
    }
    muxer_ = std::move(muxer);
    active_.store(true);
    thread_ = std::thread([this] { run(); });
    return {};
}

void Recorder::push(const MediaPacket& packet)
{
    if (!active_.load()) {
        return;
    }
    {
        const std::lock_guard lock(mutex_);
        packets_.push_back(packet);
    }
    changed_.notify_one();
}

void Recorder::finish()
{
    {
        const std::lock_guard lock(mutex_);
        finishing_ = true;
    }
    changed_.notify_all();
}

void Recorder::join()
{
    if (thread_.joinable()) {
        thread_.join();
    }
}

void Recorder::fail(const core::Error& error)
{
    {
        const std::lock_guard lock(mutex_);
        lastError_ = error.describe();
        packets_.clear();
    }
    active_.store(false);
    if (onEvent_) {
        onEvent_(LiveEvent::of(LiveEventKind::recordingFailed, error));
    }
}

void Recorder::run()
{
    while (true) {
        MediaPacket packet;
        {
            std::unique_lock lock(mutex_);
            changed_.wait(lock, [this] { return finishing_ || !packets_.empty(); });
            if (packets_.empty()) {
                break; // finishing and drained
            }
            packet = std::move(packets_.front());
            packets_.pop_front();
        }
        if (!active_.load()) {
            continue;
        }
        PacketPtr copy(av_packet_alloc());
        if (!copy || av_packet_ref(copy.get(), packet.payload.get()) < 0) {
            fail(core::Error{MediaErrc::recordingFailed, "out of memory"});
            continue;
        }
        const int streamIndex = packet.kind == StreamKind::video ? 0 : 1;
        const AVRational timeBase = muxer_->streams[streamIndex]->time_base;
        copy->stream_index = streamIndex;
        copy->pts = av_rescale_q(packet.ptsUs, kMicroseconds, timeBase);
        copy->dts = av_rescale_q(packet.dtsUs, kMicroseconds, timeBase);
        copy->duration = av_rescale_q(packet.durationUs, kMicroseconds, timeBase);
        copy->pos = -1;
        const int result = av_interleaved_write_frame(muxer_.get(), copy.get());
        if (result < 0) {
            fail(core::Error{MediaErrc::recordingFailed, config_.filePath + ": " + ffmpegErrorText(result)});
            continue;
        }
        bytesWritten_.fetch_add(packet.sizeBytes);
        lastPtsUs_.store(std::max(lastPtsUs_.load(), packet.ptsUs + packet.durationUs));
    }
    if (muxer_) {
        if (active_.load()) {
            av_write_trailer(muxer_.get());
        }
        muxer_.reset();
    }
    active_.store(false);
}

RecordingStats Recorder::stats() const
{
    RecordingStats result;
    result.active = active_.load();
    result.filePath = config_.filePath;
    result.bytesWritten = bytesWritten_.load();
    result.durationSeconds = static_cast<double>(lastPtsUs_.load()) / 1e6;
    const std::lock_guard lock(mutex_);
    result.lastError = lastError_;
    return result;
}

} // namespace hoststudio::media::detail
