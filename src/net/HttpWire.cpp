// SPDX-License-Identifier: GPL-2.0-or-later
#include "HttpWire.hpp"

#include "hoststudio/core/Version.hpp"

#include <boost/beast/http/error.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <string>

namespace hoststudio::net::detail {

namespace http = boost::beast::http;

namespace {

http::verb toVerb(HttpMethod method)
{
    switch (method) {
    case HttpMethod::get: return http::verb::get;
    case HttpMethod::head: return http::verb::head;
    case HttpMethod::post: return http::verb::post;
    case HttpMethod::put: return http::verb::put;
    case HttpMethod::patch: return http::verb::patch;
    case HttpMethod::delete_: return http::verb::delete_;
    case HttpMethod::options: return http::verb::options;
    }
    return http::verb::get;
}

// Percent-decoding of the user info ("user%40example.com:p%3Ass").
std::string percentDecoded(std::string_view text)
{
    std::string decoded;
    decoded.reserve(text.size());
    for (std::size_t index = 0; index < text.size(); ++index) {
        if (text[index] == '%' && index + 2 < text.size()) {
            const std::string hex(text.substr(index + 1, 2));
            char* end = nullptr;
            const long value = std::strtol(hex.c_str(), &end, 16);
            if (end == hex.c_str() + 2) {
                decoded.push_back(static_cast<char>(value));
                index += 2;
                continue;
            }
        }
        decoded.push_back(text[index]);
    }
    return decoded;
}

} // namespace

core::Status validateHeaders(const HttpHeaders& headers)
{
    static constexpr std::string_view tokenPunctuation = "!#$%&'*+-.^_`|~";
    for (const HttpHeader& header : headers) {
        const bool nameValid =
            !header.name.empty() && std::all_of(header.name.begin(), header.name.end(), [](char character) {
                return std::isalnum(static_cast<unsigned char>(character)) != 0 ||
                       tokenPunctuation.find(character) != std::string_view::npos;
            });
        if (!nameValid) {
            return core::Error{core::CoreErrc::invalidArgument,
                               "invalid HTTP header name '" + header.name.substr(0, 64) + "'"};
        }
        if (header.value.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) {
            return core::Error{core::CoreErrc::invalidArgument,
                               "the value of HTTP header '" + header.name + "' contains a line break or NUL"};
        }
    }
    return {};
}

std::string defaultUserAgent()
{
    return std::string("HostStudio/") + core::kVersion;
}

std::string hostHeader(const Url& url)
{
    const bool ipv6 = url.host().find(':') != std::string::npos;
    std::string host = ipv6 ? "[" + url.host() + "]" : url.host();
    if (url.port() != Url::defaultPort(url.scheme())) {
        host += ":" + std::to_string(url.port());
    }
    return host;
}

http::request<http::string_body> buildHttpRequest(const HttpRequest& request, const Url& url,
                                                  std::string_view userAgent)
{
    http::request<http::string_body> wire{toVerb(request.method), url.target(), 11};
    wire.set(http::field::host, hostHeader(url));
    wire.set(http::field::user_agent, userAgent.empty() ? defaultUserAgent() : std::string(userAgent));
    for (const HttpHeader& header : request.headers) {
        wire.set(header.name, header.value);
    }
    if (!url.userInfo().empty() && !findHeader(request.headers, "Authorization")) {
        const std::string& userInfo = url.userInfo();
        const std::size_t colon = userInfo.find(':');
        const std::string user = percentDecoded(userInfo.substr(0, colon));
        const std::string password =
            colon == std::string::npos ? std::string{} : percentDecoded(userInfo.substr(colon + 1));
        wire.set(http::field::authorization, basicAuthorization(user, password));
    }
    wire.keep_alive(true);
    wire.body() = request.body;
    if (!request.body.empty() || request.method == HttpMethod::post || request.method == HttpMethod::put ||
        request.method == HttpMethod::patch) {
        wire.prepare_payload();
    }
    return wire;
}

void configureResponseParser(http::response_parser<http::string_body>& parser, HttpMethod method,
                             std::size_t maxBodyBytes)
{
    constexpr std::uint32_t maxHeaderBytes = 64 * 1024;
    parser.body_limit(maxBodyBytes);
    parser.header_limit(maxHeaderBytes);
    parser.skip(method == HttpMethod::head);
}

boost::system::error_code checkDeclaredLength(const http::response_parser<http::string_body>& parser,
                                              std::size_t maxBodyBytes)
{
    const boost::optional<std::uint64_t> declared = parser.content_length();
    if (declared && *declared > maxBodyBytes) {
        return http::error::body_limit;
    }
    return {};
}

HttpResponse toHttpResponse(http::response<http::string_body>&& response)
{
    HttpResponse converted;
    converted.status = static_cast<int>(response.result_int());
    for (const auto& field : response.base()) {
        converted.headers.push_back(HttpHeader{std::string(field.name_string()), std::string(field.value())});
    }
    converted.body = std::move(response.body());
    return converted;
}

} // namespace hoststudio::net::detail
