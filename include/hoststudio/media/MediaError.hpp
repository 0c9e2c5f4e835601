// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The errors of the media module (see core/Error.hpp for the convention).

#include "hoststudio/core/Error.hpp"

#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcMedia)

namespace hoststudio::media {

enum class MediaErrc {
    deviceUnavailable = 1,
    unsupportedSource,
    encoderUnavailable,
    encoderFailed,
    outputFailed,
    connectFailed,
    invalidStreamKey,
    disconnected,
    recordingFailed,
    invalidSettings,       // an encoder setting out of range, an unknown preset
    invalidUrl,            // not an rtmp:// or rtmps:// URL with an application and a key
    certificateNotTrusted, // rtmps: the server's certificate failed verification
    presetsMalformed,      // the service presets file is not what the studio expects
    reconnectGaveUp,       // a dropped stream could not be re-established within the retry budget
};

[[nodiscard]] const std::error_category& mediaCategory() noexcept;
[[nodiscard]] std::error_code make_error_code(MediaErrc value) noexcept;

} // namespace hoststudio::media

HOSTSTUDIO_DECLARE_ERROR_ENUM(hoststudio::media::MediaErrc);
