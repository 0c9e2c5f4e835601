// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/media/MediaError.hpp"

Q_LOGGING_CATEGORY(lcMedia, "hoststudio.media")

namespace hoststudio::media {

namespace {
const char* describeMediaError(MediaErrc value) noexcept
{
    switch (value) {
    case MediaErrc::deviceUnavailable: return "capture device unavailable";
    case MediaErrc::unsupportedSource: return "unsupported source";
    case MediaErrc::encoderUnavailable: return "encoder unavailable";
    case MediaErrc::encoderFailed: return "encoding failed";
    case MediaErrc::outputFailed: return "output failed";
    case MediaErrc::connectFailed: return "could not connect to the ingest";
    case MediaErrc::invalidStreamKey: return "stream key rejected";
    case MediaErrc::disconnected: return "disconnected from the ingest";
    case MediaErrc::recordingFailed: return "recording failed";
    case MediaErrc::invalidSettings: return "invalid encoder settings";
    case MediaErrc::invalidUrl: return "invalid stream URL";
    case MediaErrc::certificateNotTrusted: return "the ingest's TLS certificate is not trusted";
    case MediaErrc::presetsMalformed: return "service presets malformed";
    case MediaErrc::reconnectGaveUp: return "gave up reconnecting to the ingest";
    }
    return nullptr;
}
} // namespace

HOSTSTUDIO_DEFINE_ERROR_CATEGORY(MediaErrc, mediaCategory, "hoststudio.media", describeMediaError)

} // namespace hoststudio::media
