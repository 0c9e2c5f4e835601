// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The FFmpeg libraries the studio runs with, as linked at run time (shown by `--version` and
// `doctor`), and whether the encoders and protocols the studio needs are present.
//
// Thread safety: pure functions.

#include <string>
#include <vector>

namespace hoststudio::media {

struct LibraryVersion {
    std::string name;    // "libavcodec"
    std::string version; // "59.37.100"
};

[[nodiscard]] std::vector<LibraryVersion> ffmpegLibraryVersions();

struct Capability {
    std::string name; // "encoder libx264", "protocol rtmps"
    bool available = false;
};

// The encoders (libx264, aac), muxers (flv, matroska) and protocols (rtmp, rtmps) streaming needs.
[[nodiscard]] std::vector<Capability> requiredCapabilities();

} // namespace hoststudio::media
