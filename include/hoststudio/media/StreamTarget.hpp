// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Where a network output pushes to: an rtmp:// or rtmps:// URL whose last path segment is the
// stream key. Parsing registers the key with the log scrubber, and `displayUrl` masks it.
//
// Thread safety: a value type.

#include "hoststudio/core/Result.hpp"

#include <string>
#include <string_view>

namespace hoststudio::media {

// The CA bundle rtmps verifies against when no CA file is configured (Debian's ca-certificates).
inline constexpr const char* kSystemCaFile = "/etc/ssl/certs/ca-certificates.crt";

struct StreamTarget {
    std::string url;        // as given, for libavformat
    std::string displayUrl; // the key masked: safe for logs and JSON
    std::string streamKey;
    bool secure = false; // rtmps

    // MediaErrc::invalidUrl with what is wrong ("missing stream key") unless `text` is
    // rtmp(s)://host[:port]/app[/…]/key.
    [[nodiscard]] static core::Result<StreamTarget> parse(std::string_view text);
};

} // namespace hoststudio::media
