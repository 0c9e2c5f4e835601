// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The request and response value types of HttpClient.
//
// Thread safety: value types.

#include "hoststudio/core/Result.hpp"

#include <nlohmann/json_fwd.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hoststudio::net {

enum class HttpMethod { get, head, post, put, patch, delete_, options };

[[nodiscard]] const char* httpMethodName(HttpMethod method) noexcept;
// GET, HEAD, PUT, DELETE and OPTIONS may be sent twice without harm (RFC 9110 9.2.2).
[[nodiscard]] bool isIdempotent(HttpMethod method) noexcept;

struct HttpHeader {
    std::string name;
    std::string value;
};
using HttpHeaders = std::vector<HttpHeader>;

// The value of the first header called `name` (case-insensitive), if any.
[[nodiscard]] std::optional<std::string> findHeader(const HttpHeaders& headers, std::string_view name);

struct HttpRequest {
    HttpMethod method = HttpMethod::get;
    std::string url; // http:// or https://; user info in the URL is sent as Basic auth
    HttpHeaders headers;
    std::string body;
    // The whole request: resolve, connect, TLS, send, and the complete response.
    std::chrono::milliseconds timeout{30000};

    // HttpRequest::make(HttpMethod::get, "https://…").withHeader(…): GCC warns about designated
    // initializers that leave members out, so the fluent form is the convenient one.
    [[nodiscard]] static HttpRequest make(HttpMethod method, std::string url);
    HttpRequest& withBody(std::string content);
    HttpRequest& withTimeout(std::chrono::milliseconds limit);
    // Sets "Authorization: Basic base64(user:password)" (replacing any Authorization header).
    HttpRequest& withBasicAuth(std::string_view user, std::string_view password);
    // Sets the body to the JSON text and "Content-Type: application/json".
    HttpRequest& withJsonBody(const nlohmann::json& body);
    // Sets (replaces) a header.
    HttpRequest& withHeader(std::string_view name, std::string_view value);
};

struct HttpResponse {
    int status = 0;
    HttpHeaders headers;
    std::string body;

    [[nodiscard]] std::optional<std::string> header(std::string_view name) const { return findHeader(headers, name); }
    [[nodiscard]] bool isSuccess() const noexcept { return status >= 200 && status < 300; }
    // The body parsed as JSON; NetErrc::protocolError when it is not JSON.
    [[nodiscard]] core::Result<nlohmann::json> json() const;
};

// "Basic dXNlcjpwYXNz" for user "user" and password "pass".
[[nodiscard]] std::string basicAuthorization(std::string_view user, std::string_view password);

} // namespace hoststudio::net
