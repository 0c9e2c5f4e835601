// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/net/HttpMessage.hpp"

#include "hoststudio/net/NetError.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <utility>

namespace hoststudio::net {

namespace {

bool equalsIgnoringCase(std::string_view left, std::string_view right)
{
    return left.size() == right.size() && std::equal(left.begin(), left.end(), right.begin(), [](char a, char b) {
               return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
           });
}

std::string base64(std::string_view bytes)
{
    static constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string text;
    text.reserve((bytes.size() + 2) / 3 * 4);
    std::size_t index = 0;
    while (index + 2 < bytes.size()) {
        const auto triple = (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[index])) << 16U) |
                            (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[index + 1])) << 8U) |
                            static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[index + 2]));
        text.push_back(alphabet[(triple >> 18U) & 63U]);
        text.push_back(alphabet[(triple >> 12U) & 63U]);
        text.push_back(alphabet[(triple >> 6U) & 63U]);
        text.push_back(alphabet[triple & 63U]);
        index += 3;
    }
    const std::size_t rest = bytes.size() - index;
    if (rest > 0) {
        std::uint32_t triple = static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[index])) << 16U;
        if (rest == 2) {
            triple |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[index + 1])) << 8U;
        }
        text.push_back(alphabet[(triple >> 18U) & 63U]);
        text.push_back(alphabet[(triple >> 12U) & 63U]);
        text.push_back(rest == 2 ? alphabet[(triple >> 6U) & 63U] : '=');
        text.push_back('=');
    }
    return text;
}

} // namespace

const char* httpMethodName(HttpMethod method) noexcept
{
    switch (method) {
    case HttpMethod::get: return "GET";
    case HttpMethod::head: return "HEAD";
    case HttpMethod::post: return "POST";
    case HttpMethod::put: return "PUT";
    case HttpMethod::patch: return "PATCH";
    case HttpMethod::delete_: return "DELETE";
    case HttpMethod::options: return "OPTIONS";
    }
    return "GET";
}

bool isIdempotent(HttpMethod method) noexcept
{
    return method != HttpMethod::post && method != HttpMethod::patch;
}

std::optional<std::string> findHeader(const HttpHeaders& headers, std::string_view name)
{
    const auto found = std::find_if(headers.begin(), headers.end(),
                                    [name](const HttpHeader& header) { return equalsIgnoringCase(header.name, name); });
    if (found == headers.end()) {
        return std::nullopt;
    }
    return found->value;
}

std::string basicAuthorization(std::string_view user, std::string_view password)
{
    std::string credentials;
    credentials.reserve(user.size() + 1 + password.size());
    credentials.append(user).append(":").append(password);
    return "Basic " + base64(credentials);
}

HttpRequest& HttpRequest::withHeader(std::string_view name, std::string_view value)
{
    std::erase_if(headers, [name](const HttpHeader& header) { return equalsIgnoringCase(header.name, name); });
    headers.push_back(HttpHeader{std::string(name), std::string(value)});
    return *this;
}

HttpRequest HttpRequest::make(HttpMethod method, std::string url)
{
    HttpRequest request;
    request.method = method;
    request.url = std::move(url);
    return request;
}

HttpRequest& HttpRequest::withBody(std::string content)
{
    body = std::move(content);
    return *this;
}

HttpRequest& HttpRequest::withTimeout(std::chrono::milliseconds limit)
{
    timeout = limit;
    return *this;
}

HttpRequest& HttpRequest::withBasicAuth(std::string_view user, std::string_view password)
{
    return withHeader("Authorization", basicAuthorization(user, password));
}

HttpRequest& HttpRequest::withJsonBody(const nlohmann::json& json)
{
    body = json.dump();
    return withHeader("Content-Type", "application/json");
}

core::Result<nlohmann::json> HttpResponse::json() const
{
    nlohmann::json parsed = nlohmann::json::parse(body, nullptr, false);
    if (parsed.is_discarded()) {
        return core::Error{NetErrc::protocolError,
                           "the response body is not JSON (" + std::to_string(body.size()) + " bytes)"};
    }
    return parsed;
}

} // namespace hoststudio::net
