// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The playback check over HTTP: GET the playlist (no cache), parse what it lists.
//
// Owner and thread: created and destroyed on any thread, before its NetworkThread is destroyed;
// check() from any thread; the callback runs on the network thread.

#include "hoststudio/net/HttpClient.hpp"
#include "hoststudio/session/Parts.hpp"

#include <chrono>
#include <memory>
#include <string_view>

namespace hoststudio::session {

// Reads a playlist's text (RFC 8216): the URIs after #EXTINF are segments, after #EXT-X-STREAM-INF
// variants. Anything else, including a body that is not a playlist, counts nothing.
[[nodiscard]] PlaylistState parsePlaylist(std::string_view text, int httpStatus);

class HttpPlaybackCheck final : public PlaybackCheck {
public:
    // The errors of HttpClient::create.
    [[nodiscard]] static core::Result<std::unique_ptr<HttpPlaybackCheck>> create(net::NetworkThread& network,
                                                                                 net::HttpClientSettings settings);
    void check(const std::string& url, Callback done) override;

    static constexpr std::chrono::milliseconds kRequestTimeout{5000};

private:
    explicit HttpPlaybackCheck(std::unique_ptr<net::HttpClient> client);
    std::unique_ptr<net::HttpClient> client_;
};

} // namespace hoststudio::session
