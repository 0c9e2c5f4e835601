// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/net/Url.hpp"

#include "hoststudio/net/NetError.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

#include <arpa/inet.h>
#include <netinet/in.h>

namespace hoststudio::net {

namespace {

struct SchemeInfo {
    std::string_view name;
    std::uint16_t port;
    bool secure;
};

constexpr std::array<SchemeInfo, 6> kSchemes{{
    {"http", 80, false},
    {"https", 443, true},
    {"ws", 80, false},
    {"wss", 443, true},
    {"rtmp", 1935, false},
    {"rtmps", 443, true},
}};

const SchemeInfo* findScheme(std::string_view scheme)
{
    const auto found = std::find_if(kSchemes.begin(), kSchemes.end(),
                                    [scheme](const SchemeInfo& info) { return info.name == scheme; });
    return found == kSchemes.end() ? nullptr : &*found;
}

// The URL as it may be quoted in an error: user info (a password, a token) replaced by "***".
std::string withoutUserInfo(std::string_view text)
{
    const std::size_t authorityStart = text.find("://");
    if (authorityStart == std::string_view::npos) {
        return std::string(text);
    }
    const std::size_t hostStart = authorityStart + 3;
    const std::size_t authorityEnd = text.find_first_of("/?#", hostStart);
    const std::string_view authority = text.substr(
        hostStart, authorityEnd == std::string_view::npos ? std::string_view::npos : authorityEnd - hostStart);
    const std::size_t at = authority.rfind('@');
    if (at == std::string_view::npos) {
        return std::string(text);
    }
    return std::string(text.substr(0, hostStart)) + "***" + std::string(text.substr(hostStart + at));
}

core::Error invalid(std::string_view text, std::string_view why)
{
    return core::Error{NetErrc::invalidUrl, std::string(why) + ": '" + withoutUserInfo(text) + "'"};
}

bool isHostCharacter(char character)
{
    const auto byte = static_cast<unsigned char>(character);
    return std::isalnum(byte) != 0 || character == '-' || character == '.' || character == '_' || character == '~' ||
           character == '%';
}

} // namespace

std::uint16_t Url::defaultPort(std::string_view scheme) noexcept
{
    const SchemeInfo* info = findScheme(scheme);
    return info == nullptr ? 0 : info->port;
}

core::Result<Url> Url::parse(std::string_view text)
{
    constexpr std::size_t maximumLength = 8192;
    if (text.empty()) {
        return invalid(text, "empty URL");
    }
    if (text.size() > maximumLength) {
        return core::Error{NetErrc::invalidUrl, "URL longer than 8192 characters"};
    }
    if (std::any_of(text.begin(), text.end(), [](char c) {
            const auto byte = static_cast<unsigned char>(c);
            return byte <= 0x20 || byte == 0x7f;
        })) {
        return invalid(text, "URL contains spaces or control characters");
    }
    const std::size_t schemeEnd = text.find("://");
    if (schemeEnd == std::string_view::npos || schemeEnd == 0) {
        return invalid(text, "missing scheme (like rtmp:// or wss://)");
    }
    Url url;
    url.scheme_.reserve(schemeEnd);
    for (char character : text.substr(0, schemeEnd)) {
        url.scheme_.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(character))));
    }
    const SchemeInfo* scheme = findScheme(url.scheme_);
    if (scheme == nullptr) {
        return core::Error{NetErrc::unsupportedScheme, "'" + url.scheme_ + "' in '" + withoutUserInfo(text) +
                                                           "' (use http, https, ws, wss, rtmp or rtmps)"};
    }

    std::string_view rest = text.substr(schemeEnd + 3);
    const std::size_t fragmentStart = rest.find('#');
    rest = rest.substr(0, fragmentStart);
    const std::size_t authorityEnd = rest.find_first_of("/?");
    std::string_view authority = rest.substr(0, authorityEnd);
    std::string_view afterAuthority =
        authorityEnd == std::string_view::npos ? std::string_view{} : rest.substr(authorityEnd);

    if (const std::size_t at = authority.rfind('@'); at != std::string_view::npos) {
        url.userInfo_ = std::string(authority.substr(0, at));
        authority = authority.substr(at + 1);
    }
    std::string_view portText;
    if (!authority.empty() && authority.front() == '[') {
        const std::size_t close = authority.find(']');
        if (close == std::string_view::npos) {
            return invalid(text, "unclosed '[' in the host");
        }
        url.host_ = std::string(authority.substr(1, close - 1));
        // An IPv6 literal has hex digits, dots (an embedded IPv4 tail) and at least one colon.
        if (url.host_.find(':') == std::string::npos ||
            url.host_.find_first_not_of("0123456789abcdefABCDEF:.") != std::string::npos) {
            return invalid(text, "invalid IPv6 address");
        }
        std::transform(url.host_.begin(), url.host_.end(), url.host_.begin(),
                       [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); });
        const std::string_view afterHost = authority.substr(close + 1);
        if (!afterHost.empty()) {
            if (afterHost.front() != ':') {
                return invalid(text, "unexpected text after the IPv6 address");
            }
            portText = afterHost.substr(1);
            url.explicitPort_ = true;
        }
    } else {
        const std::size_t colon = authority.find(':');
        url.host_ = std::string(authority.substr(0, colon));
        if (colon != std::string_view::npos) {
            portText = authority.substr(colon + 1);
            url.explicitPort_ = true;
        }
        if (!std::all_of(url.host_.begin(), url.host_.end(), isHostCharacter)) {
            return invalid(text, "invalid character in the host name");
        }
        std::transform(url.host_.begin(), url.host_.end(), url.host_.begin(),
                       [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); });
    }
    if (url.host_.empty()) {
        return invalid(text, "missing host");
    }
    url.port_ = scheme->port;
    if (url.explicitPort_) {
        if (portText.empty() || portText.size() > 5 ||
            !std::all_of(portText.begin(), portText.end(), [](char c) { return c >= '0' && c <= '9'; })) {
            return invalid(text, "the port must be a number from 1 to 65535");
        }
        const unsigned long number = std::stoul(std::string(portText));
        if (number == 0 || number > 65535) {
            return invalid(text, "the port must be a number from 1 to 65535");
        }
        url.port_ = static_cast<std::uint16_t>(number);
    }
    const std::size_t queryStart = afterAuthority.find('?');
    const std::string_view path = afterAuthority.substr(0, queryStart);
    url.path_ = path.empty() ? std::string("/") : std::string(path);
    if (queryStart != std::string_view::npos) {
        url.query_ = std::string(afterAuthority.substr(queryStart + 1));
    }
    return url;
}

bool Url::isSecure() const noexcept
{
    const SchemeInfo* info = findScheme(scheme_);
    return info != nullptr && info->secure;
}

bool Url::isLoopback() const noexcept
{
    // Decided on the address, not on how the name starts: "127.evil.example" is a name anyone may
    // point anywhere. The name "localhost" resolves to loopback by convention (RFC 6761).
    if (host_ == "localhost" || host_ == "localhost.") {
        return true;
    }
    std::array<unsigned char, sizeof(in6_addr)> address{};
    if (::inet_pton(AF_INET, host_.c_str(), address.data()) == 1) {
        return address[0] == 127; // 127.0.0.0/8
    }
    if (::inet_pton(AF_INET6, host_.c_str(), address.data()) == 1) {
        static constexpr std::array<unsigned char, 16> kLoopback{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
        static constexpr std::array<unsigned char, 12> kMappedPrefix{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
        const bool mapped = std::equal(kMappedPrefix.begin(), kMappedPrefix.end(), address.begin());
        return address == kLoopback || (mapped && address[12] == 127); // ::1, ::ffff:127.x.x.x
    }
    return false;
}

std::string Url::target() const
{
    return query_.empty() ? path_ : path_ + "?" + query_;
}

std::string Url::toString() const
{
    std::string text = scheme_ + "://";
    text += host_.find(':') != std::string::npos ? "[" + host_ + "]" : host_;
    if (explicitPort_) {
        text += ":" + std::to_string(port_);
    }
    return text + target();
}

} // namespace hoststudio::net
