// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Inside the net module only: HttpRequest → Beast's request (what goes on the wire) and Beast's
// response → HttpResponse.

#include "hoststudio/net/HttpMessage.hpp"
#include "hoststudio/net/Url.hpp"

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <cstddef>
#include <string_view>

namespace hoststudio::net::detail {

// Host (with the port unless it is the scheme's default), User-Agent, the caller's headers,
// Authorization from the URL's user info unless the caller set one, Content-Length for a body.
[[nodiscard]] boost::beast::http::request<boost::beast::http::string_body>
buildHttpRequest(const HttpRequest& request, const Url& url, std::string_view userAgent);

// The limits of a response: `maxBodyBytes` of body (more is http::error::body_limit), 64 KiB of
// header; a HEAD response has no body.
void configureResponseParser(boost::beast::http::response_parser<boost::beast::http::string_body>& parser,
                             HttpMethod method, std::size_t maxBodyBytes);

// Beast 1.74 enforces body_limit on chunked and read-to-EOF bodies but not against a declared
// Content-Length: call this after the header was read. http::error::body_limit when over.
[[nodiscard]] boost::system::error_code
checkDeclaredLength(const boost::beast::http::response_parser<boost::beast::http::string_body>& parser,
                    std::size_t maxBodyBytes);

[[nodiscard]] HttpResponse toHttpResponse(boost::beast::http::response<boost::beast::http::string_body>&& response);

// Header names must be tokens and values free of CR, LF and NUL (no header injection);
// CoreErrc::invalidArgument names the header (never its value).
[[nodiscard]] core::Status validateHeaders(const HttpHeaders& headers);

// "HostStudio/<version>".
[[nodiscard]] std::string defaultUserAgent();

// What a Host header holds for the URL: host, [IPv6], plus ":port" unless the default.
[[nodiscard]] std::string hostHeader(const Url& url);

} // namespace hoststudio::net::detail
