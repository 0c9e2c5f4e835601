// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/media/StreamTarget.hpp"

#include "hoststudio/core/Log.hpp"
#include "hoststudio/media/MediaError.hpp"

#include <algorithm>
#include <cctype>

namespace hoststudio::media {

namespace {

std::string lowerCase(std::string_view text)
{
    std::string result(text);
    std::transform(result.begin(), result.end(), result.begin(),
                   [](unsigned char character) { return static_cast<char>(std::tolower(character)); });
    return result;
}

bool validPort(std::string_view digits)
{
    if (digits.empty() || digits.size() > 5 ||
        !std::all_of(digits.begin(), digits.end(), [](unsigned char c) { return std::isdigit(c) != 0; })) {
        return false;
    }
    const int port = std::stoi(std::string(digits));
    return port >= 1 && port <= 65535;
}

} // namespace

core::Result<StreamTarget> StreamTarget::parse(std::string_view text)
{
    const std::size_t schemeEnd = text.find("://");
    if (schemeEnd == std::string_view::npos) {
        return core::Error{MediaErrc::invalidUrl, "expected rtmp://HOST/APP/KEY or rtmps://HOST/APP/KEY"};
    }
    const std::string scheme = lowerCase(text.substr(0, schemeEnd));
    if (scheme != "rtmp" && scheme != "rtmps") {
        return core::Error{MediaErrc::invalidUrl, "scheme must be rtmp or rtmps, not '" + scheme + "'"};
    }
    const std::string_view rest = text.substr(schemeEnd + 3);
    if (std::any_of(rest.begin(), rest.end(), [](unsigned char c) { return std::isspace(c) != 0 || c < 0x20; })) {
        return core::Error{MediaErrc::invalidUrl, "contains white space or control characters"};
    }
    const std::size_t pathStart = rest.find('/');
    const std::string_view authority = rest.substr(0, pathStart);
    if (authority.find('@') != std::string_view::npos) {
        return core::Error{MediaErrc::invalidUrl, "user information in the URL is not supported"};
    }
    std::string_view host = authority;
    std::string_view port;
    if (!authority.empty() && authority.front() == '[') {
        const std::size_t close = authority.find(']');
        if (close == std::string_view::npos || authority.substr(1, close - 1).find(':') == std::string_view::npos) {
            return core::Error{MediaErrc::invalidUrl, "malformed IPv6 host"};
        }
        host = authority.substr(0, close + 1);
        if (close + 1 < authority.size()) {
            if (authority[close + 1] != ':') {
                return core::Error{MediaErrc::invalidUrl, "malformed host"};
            }
            port = authority.substr(close + 2);
            if (!validPort(port)) {
                return core::Error{MediaErrc::invalidUrl, "port out of range"};
            }
        }
    } else if (const std::size_t colon = authority.rfind(':'); colon != std::string_view::npos) {
        host = authority.substr(0, colon);
        port = authority.substr(colon + 1);
        if (!validPort(port)) {
            return core::Error{MediaErrc::invalidUrl, "port out of range"};
        }
    }
    if (host.empty()) {
        return core::Error{MediaErrc::invalidUrl, "missing host"};
    }
    if (pathStart == std::string_view::npos) {
        return core::Error{MediaErrc::invalidUrl, "missing application and stream key (…/APP/KEY)"};
    }
    const std::string_view path = rest.substr(pathStart);
    const std::size_t lastSlash = path.rfind('/');
    if (lastSlash == 0) {
        return core::Error{MediaErrc::invalidUrl, "missing application or stream key (…/APP/KEY)"};
    }
    StreamTarget target;
    target.streamKey = std::string(path.substr(lastSlash + 1));
    if (target.streamKey.empty()) {
        return core::Error{MediaErrc::invalidUrl, "missing stream key after " + std::string(path)};
    }
    core::SecretScrubber::registerSecret(target.streamKey);
    target.url = std::string(text);
    target.secure = scheme == "rtmps";
    target.displayUrl = scheme + "://" + std::string(host) + (port.empty() ? "" : ":" + std::string(port)) +
                        std::string(path.substr(0, lastSlash + 1)) + core::maskSecret(target.streamKey);
    return target;
}

} // namespace hoststudio::media
