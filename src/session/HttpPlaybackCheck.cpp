// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/session/HttpPlaybackCheck.hpp"

#include <cstdint>
#include <utility>

namespace hoststudio::session {

namespace {

std::string_view trimmed(std::string_view line)
{
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) {
        line.remove_suffix(1);
    }
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) {
        line.remove_prefix(1);
    }
    return line;
}

} // namespace

PlaylistState parsePlaylist(std::string_view text, int httpStatus)
{
    PlaylistState state;
    state.httpStatus = httpStatus;
    if (trimmed(text.substr(0, text.find('\n'))) != "#EXTM3U") {
        return state;
    }
    enum class Expecting : std::uint8_t { nothing, segment, variant };
    Expecting expecting = Expecting::nothing;
    while (!text.empty()) {
        const std::size_t end = text.find('\n');
        const std::string_view line = trimmed(text.substr(0, end));
        text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
        if (line.empty()) {
            continue;
        }
        if (line.front() == '#') {
            if (line.rfind("#EXTINF:", 0) == 0) {
                expecting = Expecting::segment;
            } else if (line.rfind("#EXT-X-STREAM-INF:", 0) == 0) {
                expecting = Expecting::variant;
            } else if (line == "#EXT-X-ENDLIST") {
                state.ended = true;
            }
            continue;
        }
        if (expecting == Expecting::segment) {
            ++state.segmentCount;
        } else if (expecting == Expecting::variant) {
            ++state.variantCount;
        }
        expecting = Expecting::nothing;
    }
    return state;
}

core::Result<std::unique_ptr<HttpPlaybackCheck>> HttpPlaybackCheck::create(net::NetworkThread& network,
                                                                           net::HttpClientSettings settings)
{
    auto client = net::HttpClient::create(network, std::move(settings));
    if (!client) {
        return client.error();
    }
    return std::unique_ptr<HttpPlaybackCheck>(new HttpPlaybackCheck(std::move(*client)));
}

HttpPlaybackCheck::HttpPlaybackCheck(std::unique_ptr<net::HttpClient> client) : client_(std::move(client))
{}

void HttpPlaybackCheck::check(const std::string& url, Callback done)
{
    client_->request(net::HttpRequest::make(net::HttpMethod::get, url)
                         .withHeader("Cache-Control", "no-cache")
                         .withTimeout(kRequestTimeout),
                     [done = std::move(done)](core::Result<net::HttpResponse> response) {
                         if (!response) {
                             done(response.error());
                             return;
                         }
                         done(parsePlaylist(response->body, response->status));
                     });
}

} // namespace hoststudio::session
