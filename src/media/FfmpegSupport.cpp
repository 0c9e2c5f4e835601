// SPDX-License-Identifier: GPL-2.0-or-later
#include "FfmpegSupport.hpp"

#include "hoststudio/media/MediaError.hpp"

#include <array>
#include <cstdarg>
#include <mutex>

extern "C" {
#include <libavutil/log.h>
}

namespace hoststudio::media::detail {

namespace {

thread_local std::string tlsLastError; // NOLINT(cppcoreguidelines-avoid-non-const-global-variables)

void logBridge(void* object, int level, const char* format, va_list arguments)
{
    if (level > AV_LOG_WARNING) {
        return;
    }
    std::array<char, 1024> line{};
    int printPrefix = 0;
    av_log_format_line2(object, level, format, arguments, line.data(), static_cast<int>(line.size()), &printPrefix);
    std::string text(line.data());
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) {
        text.pop_back();
    }
    if (text.empty()) {
        return;
    }
    if (object != nullptr) {
        const AVClass* objectClass = *static_cast<const AVClass* const*>(object);
        if (objectClass != nullptr && objectClass->item_name != nullptr) {
            text = std::string(objectClass->item_name(object)) + ": " + text;
        }
    }
    if (level <= AV_LOG_ERROR) {
        // Keep every error line since the last clear: the cause comes first, the wrappers after.
        constexpr std::size_t kMaximumKept = 600;
        if (tlsLastError.size() < kMaximumKept) {
            tlsLastError += (tlsLastError.empty() ? "" : "; ") + text;
        }
        qCWarning(lcMedia).noquote() << "ffmpeg:" << QString::fromStdString(text);
    } else {
        qCDebug(lcMedia).noquote() << "ffmpeg:" << QString::fromStdString(text);
    }
}

int interruptTrampoline(void* opaque)
{
    auto* state = static_cast<InterruptState*>(opaque);
    if (state->stopRequested != nullptr && state->stopRequested->load()) {
        return 1;
    }
    const std::int64_t deadline = state->deadlineNs.load();
    if (deadline != 0 &&
        std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
                .count() > deadline) {
        state->timedOut.store(true);
        return 1;
    }
    return 0;
}

} // namespace

int averror(int posixError) noexcept
{
    return AVERROR(posixError); // NOLINT
}

int averrorEof() noexcept
{
    return AVERROR_EOF; // NOLINT
}

std::string ffmpegErrorText(int code)
{
    std::array<char, AV_ERROR_MAX_STRING_SIZE> text{};
    av_strerror(code, text.data(), text.size());
    return text.data();
}

void installFfmpegLogBridge()
{
    static std::once_flag once;
    std::call_once(once, [] { av_log_set_callback(&logBridge); });
}

std::string lastFfmpegLogError()
{
    return tlsLastError;
}

void clearFfmpegLogError()
{
    tlsLastError.clear();
}

void InterruptState::armFor(std::chrono::milliseconds timeout) noexcept
{
    timedOut.store(false);
    deadlineNs.store(std::chrono::duration_cast<std::chrono::nanoseconds>(
                         (std::chrono::steady_clock::now() + timeout).time_since_epoch())
                         .count());
}

AVIOInterruptCB interruptCallbackFor(InterruptState& state) noexcept
{
    return AVIOInterruptCB{&interruptTrampoline, &state};
}

void MuxerDeleter::operator()(AVFormatContext* context) const noexcept
{
    if (context == nullptr) {
        return;
    }
    if (context->pb != nullptr && (context->oformat->flags & AVFMT_NOFILE) == 0) {
        avio_closep(&context->pb);
    }
    avformat_free_context(context);
}

} // namespace hoststudio::media::detail
