// SPDX-License-Identifier: GPL-2.0-or-later
#include "ChunkStreamOutput.hpp"

#include "hoststudio/media/MediaError.hpp"

extern "C" {
#include <libavutil/dict.h>
#include <libavutil/mathematics.h>
#include <libavutil/mem.h>
}

namespace hoststudio::media::detail {

namespace {
constexpr AVRational kMicroseconds{1, 1000000};
constexpr int kAvioBufferBytes = 64 * 1024;
// The seed backend starts its encoder only when the first chunk of a stream is over 1000 bytes and
// never checks again: the container header (about 560 bytes) travels with the first cluster.
constexpr std::size_t kMinimumFirstChunkBytes = 4096;
} // namespace

ChunkStreamOutput::ChunkStreamOutput(ChunkStreamConfig config, LivePipeline::EventCallback onEvent)
    : config_(std::move(config)), onEvent_(std::move(onEvent)), queue_(config_.queueLimits)
{}

ChunkStreamOutput::~ChunkStreamOutput()
{
    finish();
    join();
}

void ChunkStreamOutput::start(const StreamDescription& streams)
{
    streams_ = streams;
    thread_ = std::thread([this] { run(); });
}

void ChunkStreamOutput::finish()
{
    finishing_.store(true);
    queue_.wake();
}

void ChunkStreamOutput::join()
{
    if (thread_.joinable()) {
        thread_.join();
    }
}

int ChunkStreamOutput::writePacket(void* opaque, std::uint8_t* data, int size)
{
    auto* self = static_cast<ChunkStreamOutput*>(opaque);
    self->pending_.insert(self->pending_.end(), data, data + size);
    return size;
}

core::Status ChunkStreamOutput::open()
{
    AVFormatContext* raw = nullptr;
    int result = avformat_alloc_output_context2(&raw, nullptr, "matroska", nullptr);
    if (result < 0 || raw == nullptr) {
        return core::Error{MediaErrc::outputFailed, "matroska muxer: " + ffmpegErrorText(result)};
    }
    MuxerPtr muxer(raw);
    for (const AVCodecParameters* parameters : {streams_.video, streams_.audio}) {
        AVStream* stream = avformat_new_stream(muxer.get(), nullptr);
        if (stream == nullptr || avcodec_parameters_copy(stream->codecpar, parameters) < 0) {
            return core::Error{MediaErrc::outputFailed, "matroska muxer: cannot add a stream"};
        }
        stream->codecpar->codec_tag = 0;
        stream->time_base = AVRational{1, 1000};
    }
    auto* buffer = static_cast<unsigned char*>(av_malloc(kAvioBufferBytes));
    if (buffer == nullptr) {
        return core::Error{MediaErrc::outputFailed, "out of memory"};
    }
    // Not seekable: the muxer writes live Matroska (unknown sizes, no cues, nothing rewritten).
    muxer->pb =
        avio_alloc_context(buffer, kAvioBufferBytes, 1, this, nullptr, &ChunkStreamOutput::writePacket, nullptr);
    if (muxer->pb == nullptr) {
        av_free(buffer);
        return core::Error{MediaErrc::outputFailed, "out of memory"};
    }
    muxer->flags |= AVFMT_FLAG_CUSTOM_IO;
    muxer->flush_packets = 1;
    AVDictionary* options = nullptr;
    av_dict_set(&options, "live", "1", 0);
    av_dict_set(&options, "cluster_time_limit", std::to_string(config_.clusterDuration.count()).c_str(), 0);
    pending_.clear();
    result = avformat_write_header(muxer.get(), &options);
    av_dict_free(&options);
    if (result < 0) {
        av_freep(&muxer->pb->buffer);
        avio_context_free(&muxer->pb);
        return core::Error{MediaErrc::outputFailed, "matroska header: " + ffmpegErrorText(result)};
    }
    avio_flush(muxer->pb);
    // The header stays in pending_ until the first cluster joins it (deliver()).
    headerPending_ = true;
    muxer_ = std::move(muxer);
    return {};
}

void ChunkStreamOutput::close()
{
    if (!muxer_) {
        return;
    }
    av_write_trailer(muxer_.get()); // closes the last cluster
    avio_flush(muxer_->pb);
    deliver(DeliverRule::everything);
    AVIOContext* io = muxer_->pb;
    muxer_->pb = nullptr;
    if (io != nullptr) {
        av_freep(&io->buffer);
        avio_context_free(&io);
    }
    muxer_.reset();
}

void ChunkStreamOutput::deliver(DeliverRule rule)
{
    if (pending_.empty()) {
        return;
    }
    const auto now = std::chrono::steady_clock::now();
    if (rule == DeliverRule::completeChunks) {
        if (headerPending_ && pending_.size() < kMinimumFirstChunkBytes) {
            return; // the header alone, or with too little media: wait for more
        }
        if (!headerPending_ && now - lastDelivery_ < config_.chunkInterval) {
            return;
        }
    }
    if (config_.onChunk) {
        config_.onChunk(pending_, headerPending_);
    }
    headerPending_ = false;
    lastDelivery_ = now;
    pending_.clear();
}

void ChunkStreamOutput::run()
{
    bool waitingForKeyframe = true;
    while (!(finishing_.load() && queue_.snapshot().packets == 0)) {
        if (restartRequested_.exchange(false)) {
            close();
            waitingForKeyframe = true;
        }
        std::optional<MediaPacket> packet = queue_.pop(std::chrono::milliseconds(100));
        if (!packet) {
            continue;
        }
        if (waitingForKeyframe) {
            if (!packet->isVideoKeyframe()) {
                continue;
            }
            if (core::Status opened = open(); !opened) {
                if (onEvent_) {
                    onEvent_(LiveEvent::of(LiveEventKind::outputFailed, opened.error()));
                }
                return;
            }
            waitingForKeyframe = false;
            timestampOffsetUs_ = packet->dtsUs;
        }
        if (packet->dtsUs < timestampOffsetUs_) {
            continue;
        }
        PacketPtr copy(av_packet_alloc());
        if (!copy || av_packet_ref(copy.get(), packet->payload.get()) < 0) {
            continue;
        }
        const int streamIndex = packet->kind == StreamKind::video ? 0 : 1;
        const AVRational timeBase = muxer_->streams[streamIndex]->time_base;
        copy->stream_index = streamIndex;
        copy->pts = av_rescale_q(packet->ptsUs - timestampOffsetUs_, kMicroseconds, timeBase);
        copy->dts = av_rescale_q(packet->dtsUs - timestampOffsetUs_, kMicroseconds, timeBase);
        copy->duration = av_rescale_q(packet->durationUs, kMicroseconds, timeBase);
        copy->pos = -1;
        if (av_write_frame(muxer_.get(), copy.get()) < 0) {
            continue;
        }
        deliver(DeliverRule::completeChunks);
    }
    close();
}

} // namespace hoststudio::media::detail
