// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/media/StreamTarget.hpp"

#include "hoststudio/core/Log.hpp"
#include "hoststudio/media/MediaError.hpp"
#include "hoststudio/net/Url.hpp"

namespace hoststudio::media {

namespace {

// The text after the last '/' past the scheme: the stream key when the URL is well formed.
std::string_view trailingSegment(std::string_view text)
{
    const std::size_t authorityStart = text.find("://");
    const std::size_t lastSlash = text.rfind('/');
    if (lastSlash == std::string_view::npos ||
        (authorityStart != std::string_view::npos && lastSlash < authorityStart + 3)) {
        return {};
    }
    return text.substr(lastSlash + 1);
}

// An error about `text` that never quotes its stream key: the key is not registered with the log
// scrubber yet when the URL is refused.
core::Error refuse(std::string_view text, std::string detail)
{
    const std::string_view key = trailingSegment(text);
    if (!key.empty()) {
        const std::string masked = core::maskSecret(std::string(key));
        for (std::size_t found = detail.find(key); found != std::string::npos;
             found = detail.find(key, found + masked.size())) {
            detail.replace(found, key.size(), masked);
        }
    }
    return core::Error{MediaErrc::invalidUrl, std::move(detail)};
}

} // namespace

core::Result<StreamTarget> StreamTarget::parse(std::string_view text)
{
    auto url = net::Url::parse(text);
    if (!url) {
        return refuse(text, url.error().detail() + " (expected rtmp://HOST/APP/KEY or rtmps://HOST/APP/KEY)");
    }
    if (url->scheme() != "rtmp" && url->scheme() != "rtmps") {
        return refuse(text, "the scheme must be rtmp or rtmps, not '" + url->scheme() + "'");
    }
    if (!url->userInfo().empty()) {
        return refuse(text, "user information in a stream URL is not supported: put the stream key after the "
                            "application (rtmp://HOST/APP/KEY)");
    }
    if (text.find('#') != std::string_view::npos) {
        return refuse(text, "a '#' in a stream URL is not supported: percent-encode it as %23");
    }
    // The key is the last path segment with any query: some services put parameters after it.
    const std::string target = url->target();
    const std::size_t lastSlash = target.rfind('/', target.find('?'));
    if (lastSlash == 0 || lastSlash == std::string::npos) {
        return refuse(text, "missing application or stream key (…/APP/KEY)");
    }
    StreamTarget parsed;
    parsed.streamKey = target.substr(lastSlash + 1);
    if (parsed.streamKey.empty()) {
        return refuse(text, "missing stream key after " + target);
    }
    core::SecretScrubber::registerSecret(parsed.streamKey);
    parsed.url = std::string(text);
    parsed.secure = url->isSecure();
    const std::string& host = url->host();
    parsed.displayUrl = url->scheme() + "://" + (host.find(':') != std::string::npos ? "[" + host + "]" : host) +
                        (url->hasExplicitPort() ? ":" + std::to_string(url->port()) : std::string()) +
                        target.substr(0, lastSlash + 1) + core::maskSecret(parsed.streamKey);
    return parsed;
}

} // namespace hoststudio::media
