// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Turns what libavformat says about a failed connect or send into one of the media module's
// errors, so the host reads "certificate not trusted" or "connection refused" instead of
// "Input/output error" — and the reconnect decision that follows a failure.
//
// Thread safety: pure functions.

#include "hoststudio/core/Error.hpp"
#include "hoststudio/core/ReconnectPolicy.hpp"

#include <string_view>

namespace hoststudio::media {

struct ConnectFailureFacts {
    int posixError = 0;            // the errno behind AVERROR(e), 0 when not an errno
    std::string_view ffmpegText;   // av_strerror of the return value
    std::string_view lastLogError; // the last error line libavformat logged on this thread
    bool timedOut = false;         // our interrupt callback's deadline ended it
    std::string_view target;       // display URL (key masked)
};

// certificateNotTrusted, invalidStreamKey (the server refused the publish), or connectFailed.
[[nodiscard]] core::Error classifyConnectFailure(const ConnectFailureFacts& facts);

// Whether this failure of an output is the first connect (never retried) or a drop mid-stream.
[[nodiscard]] inline core::FailurePhase failurePhase(bool everConnected) noexcept
{
    return everConnected ? core::FailurePhase::midSession : core::FailurePhase::firstConnect;
}

} // namespace hoststudio::media
