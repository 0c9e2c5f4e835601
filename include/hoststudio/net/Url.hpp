// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// A parsed absolute URL of the kinds the studio dials: http(s), ws(s), rtmp(s).
// Strict on purpose: a host pastes these into settings, and a typo must be named at once
// ("missing host", "port out of range") rather than found as a timeout while going live.
//
// Thread safety: a value type.

#include "hoststudio/core/Result.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace hoststudio::net {

class Url {
public:
    // Accepts scheme://[userinfo@]host[:port][/path][?query][#fragment]; host may be [IPv6].
    [[nodiscard]] static core::Result<Url> parse(std::string_view text);

    [[nodiscard]] const std::string& scheme() const noexcept { return scheme_; } // lower case
    [[nodiscard]] const std::string& host() const noexcept { return host_; }     // without brackets
    [[nodiscard]] std::uint16_t port() const noexcept { return port_; }          // explicit or the scheme's
    [[nodiscard]] bool hasExplicitPort() const noexcept { return explicitPort_; }
    [[nodiscard]] const std::string& path() const noexcept { return path_; }   // "/" when empty
    [[nodiscard]] const std::string& query() const noexcept { return query_; } // without '?'
    [[nodiscard]] const std::string& userInfo() const noexcept { return userInfo_; }
    [[nodiscard]] bool isSecure() const noexcept; // https, wss, rtmps
    [[nodiscard]] bool isLoopback() const noexcept;
    // path + ('?' + query when present): the HTTP request target.
    [[nodiscard]] std::string target() const;
    // The URL again, without user info (safe to log).
    [[nodiscard]] std::string toString() const;

    // The default port of a known scheme, 0 for an unknown one.
    [[nodiscard]] static std::uint16_t defaultPort(std::string_view scheme) noexcept;

private:
    std::string scheme_;
    std::string userInfo_;
    std::string host_;
    std::uint16_t port_ = 0;
    bool explicitPort_ = false;
    std::string path_ = "/";
    std::string query_;
};

} // namespace hoststudio::net
