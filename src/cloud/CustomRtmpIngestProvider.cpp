// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/cloud/CustomRtmpIngestProvider.hpp"

#include "hoststudio/cloud/CloudError.hpp"
#include "hoststudio/net/Url.hpp"

#include <algorithm>
#include <cctype>

namespace hoststudio::cloud {

namespace {

core::Error invalid(std::string detail)
{
    return core::Error{CloudErrc::invalidIngestUrl, std::move(detail)};
}

std::string withoutTrailingSlashes(std::string text)
{
    while (!text.empty() && text.back() == '/') {
        text.pop_back();
    }
    return text;
}

} // namespace

core::Status CustomRtmpIngestProvider::validate(const CustomRtmpSettings& settings)
{
    const std::string example = " (like rtmp://live.example.com/app or rtmps://live.example.com:443/app)";
    if (settings.serverUrl.empty()) {
        return invalid("no RTMP server URL is set: set ingest/rtmpUrl or ingest/rtmpsUrl" + example);
    }
    if (const std::size_t separator = settings.serverUrl.find("://"); separator != std::string::npos) {
        std::string scheme = settings.serverUrl.substr(0, separator);
        std::transform(scheme.begin(), scheme.end(), scheme.begin(),
                       [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); });
        if (scheme != "rtmp" && scheme != "rtmps") {
            return invalid("the ingest server URL must start with rtmp:// or rtmps://, not " + scheme + "://" +
                           example);
        }
    }
    auto url = net::Url::parse(settings.serverUrl);
    if (!url) {
        return invalid("the RTMP server URL '" + settings.serverUrl + "' is not a URL (" + url.error().detail() +
                       "): fix ingest/rtmpUrl" + example);
    }
    if (url->scheme() != "rtmp" && url->scheme() != "rtmps") {
        return invalid("the ingest server URL must start with rtmp:// or rtmps://, not " + url->scheme() + "://" +
                       example);
    }
    if (!url->userInfo().empty()) {
        return invalid("the RTMP server URL must not carry a user name or password: " + url->toString());
    }
    if (!url->query().empty() || settings.serverUrl.find('#') != std::string::npos) {
        return invalid("the RTMP server URL must end with the application path, without '?' or '#': " +
                       url->toString());
    }
    if (url->path().size() <= 1 || url->path().find_first_not_of('/') == std::string::npos) {
        return invalid("the RTMP server URL " + url->toString() + " has no application path: add it, like rtmp://" +
                       url->host() + "/live");
    }
    const std::string& key = settings.streamKey;
    if (key.empty()) {
        return invalid("the stream key is empty: copy it from the streaming service's dashboard");
    }
    if (std::any_of(key.begin(), key.end(), [](char c) {
            const auto byte = static_cast<unsigned char>(c);
            return byte <= 0x20 || byte == 0x7f || c == '/';
        })) {
        return invalid("the stream key contains blanks, control characters or '/': copy it again (only the key, "
                       "not the server URL)");
    }
    if (!settings.hlsBaseUrl.empty()) {
        auto hls = net::Url::parse(settings.hlsBaseUrl);
        if (!hls || (hls->scheme() != "http" && hls->scheme() != "https")) {
            return invalid("the HLS base URL '" + settings.hlsBaseUrl +
                           "' must be an http:// or https:// URL: fix ingest/hlsBaseUrl or leave it empty");
        }
    }
    return {};
}

core::Result<std::unique_ptr<CustomRtmpIngestProvider>> CustomRtmpIngestProvider::create(CustomRtmpSettings settings)
{
    if (core::Status valid = validate(settings); !valid) {
        return valid.error();
    }
    return std::unique_ptr<CustomRtmpIngestProvider>(new CustomRtmpIngestProvider(std::move(settings)));
}

void CustomRtmpIngestProvider::prepare(const IngestRequest&, EndpointCallback done)
{
    IngestEndpoint endpoint;
    endpoint.provider = name();
    endpoint.ingestUrl = withoutTrailingSlashes(settings_.serverUrl);
    endpoint.streamKey = settings_.streamKey;
    if (!settings_.hlsBaseUrl.empty()) {
        endpoint.hlsPlaybackUrl = withoutTrailingSlashes(settings_.hlsBaseUrl) + "/" + settings_.streamKey + ".m3u8";
    }
    endpoint.registerSecrets();
    done(std::move(endpoint));
}

void CustomRtmpIngestProvider::start(const IngestEndpoint&, DoneCallback done)
{
    done(core::Status{});
}

void CustomRtmpIngestProvider::stop(const IngestEndpoint&, DoneCallback done)
{
    done(core::Status{});
}

void CustomRtmpIngestProvider::status(const IngestEndpoint&, StatusCallback done)
{
    done(IngestStatus{IngestState::unknown, "an RTMP server reports no status"});
}

} // namespace hoststudio::cloud
