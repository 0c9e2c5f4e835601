// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/nostr/RelayInformation.hpp"

#include "hoststudio/net/HttpClient.hpp"
#include "hoststudio/net/NetError.hpp"
#include "hoststudio/nostr/NostrError.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace hoststudio::nostr {

namespace {

std::string stringField(const nlohmann::json& object, const char* name)
{
    const auto found = object.find(name);
    return found != object.end() && found->is_string() ? found->get<std::string>() : std::string{};
}

std::optional<std::uint64_t> countField(const nlohmann::json& object, const char* name)
{
    const auto found = object.find(name);
    if (found == object.end() || !found->is_number_integer() || found->get<std::int64_t>() < 0) {
        return std::nullopt;
    }
    return found->get<std::uint64_t>();
}

bool flagField(const nlohmann::json& object, const char* name)
{
    const auto found = object.find(name);
    return found != object.end() && found->is_boolean() && found->get<bool>();
}

} // namespace

bool RelayInformation::supportsNip(int nip) const noexcept
{
    return std::find(supportedNips.begin(), supportedNips.end(), nip) != supportedNips.end();
}

core::Result<std::string> relayInformationUrl(std::string_view relayUrl)
{
    if (relayUrl.starts_with("ws://")) {
        return "http://" + std::string(relayUrl.substr(5));
    }
    if (relayUrl.starts_with("wss://")) {
        return "https://" + std::string(relayUrl.substr(6));
    }
    return core::Error{core::CoreErrc::invalidArgument, "not a ws:// or wss:// relay URL: " + std::string(relayUrl)};
}

core::Result<RelayInformation> parseRelayInformation(std::string_view jsonText)
{
    const nlohmann::json document = nlohmann::json::parse(jsonText, nullptr, false);
    if (document.is_discarded() || !document.is_object()) {
        return core::Error{NostrErrc::invalidJson, "NIP-11 relay information is not a JSON object"};
    }
    RelayInformation information;
    information.name = stringField(document, "name");
    information.description = stringField(document, "description");
    information.software = stringField(document, "software");
    information.version = stringField(document, "version");
    if (const auto nips = document.find("supported_nips"); nips != document.end() && nips->is_array()) {
        for (const nlohmann::json& nip : *nips) {
            if (nip.is_number_integer()) {
                information.supportedNips.push_back(nip.get<int>());
            }
        }
    }
    if (const auto limits = document.find("limitation"); limits != document.end() && limits->is_object()) {
        RelayLimitation& limitation = information.limitation;
        limitation.maxMessageLength = countField(*limits, "max_message_length");
        limitation.maxSubscriptions = countField(*limits, "max_subscriptions");
        limitation.maxContentLength = countField(*limits, "max_content_length");
        limitation.maxEventTags = countField(*limits, "max_event_tags");
        limitation.maxFilters = countField(*limits, "max_filters");
        limitation.maxLimit = countField(*limits, "max_limit");
        limitation.authRequired = flagField(*limits, "auth_required");
        limitation.paymentRequired = flagField(*limits, "payment_required");
        limitation.restrictedWrites = flagField(*limits, "restricted_writes");
    }
    return information;
}

core::Result<RelayInformation> fetchRelayInformation(net::HttpClient& http, std::string_view relayUrl,
                                                     std::chrono::milliseconds timeout)
{
    core::Result<std::string> url = relayInformationUrl(relayUrl);
    if (!url) {
        return url.error();
    }
    core::Result<net::HttpResponse> response =
        http.requestBlocking(net::HttpRequest::make(net::HttpMethod::get, url.value())
                                 .withHeader("Accept", "application/nostr+json")
                                 .withTimeout(timeout));
    if (!response) {
        return response.error();
    }
    if (!response->isSuccess()) {
        return core::Error{net::NetErrc::httpStatus,
                           "NIP-11 " + url.value() + ": HTTP " + std::to_string(response->status)};
    }
    return parseRelayInformation(response->body);
}

} // namespace hoststudio::nostr
