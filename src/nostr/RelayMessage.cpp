// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/nostr/RelayMessage.hpp"
#include "hoststudio/nostr/JsonText.hpp"

#include "hoststudio/nostr/Hex.hpp"
#include "hoststudio/nostr/NostrError.hpp"

#include <nlohmann/json.hpp>

#include <array>
#include <utility>

namespace hoststudio::nostr {

namespace {

constexpr std::array<std::pair<std::string_view, ReasonPrefix>, 9> knownPrefixes{{
    {"duplicate", ReasonPrefix::duplicate},
    {"pow", ReasonPrefix::proofOfWork},
    {"blocked", ReasonPrefix::blocked},
    {"rate-limited", ReasonPrefix::rateLimited},
    {"invalid", ReasonPrefix::invalid},
    {"restricted", ReasonPrefix::restricted},
    {"mute", ReasonPrefix::mute},
    {"error", ReasonPrefix::error},
    {"auth-required", ReasonPrefix::authRequired},
}};

core::Error frameError(std::string detail)
{
    return {NostrErrc::invalidRelayMessage, std::move(detail)};
}

// The frame as a JSON array with a string verb, after the size check.
core::Result<nlohmann::json> parseFrame(std::string_view text, std::size_t maximumMessageBytes)
{
    if (text.size() > maximumMessageBytes) {
        return core::Error{NostrErrc::messageTooLarge,
                           std::to_string(text.size()) + " bytes, limit " + std::to_string(maximumMessageBytes)};
    }
    auto value = parseJsonText(text);
    if (!value) {
        if (value.error() == NostrErrc::invalidJson) {
            return frameError("not JSON: " + value.error().detail());
        }
        return value.error();
    }
    if (!value.value().is_array()) {
        return frameError("not a JSON array");
    }
    if (value.value().empty()) {
        return frameError("empty array");
    }
    if (!value.value()[0].is_string()) {
        return frameError("verb is not a string");
    }
    return value;
}

core::Status requireArity(const nlohmann::json& frame, const std::string& verb, std::size_t expectedSize)
{
    if (frame.size() != expectedSize) {
        return frameError(verb + " has " + std::to_string(frame.size()) + " elements, expected " +
                          std::to_string(expectedSize));
    }
    return {};
}

core::Result<std::string> requireString(const nlohmann::json& frame, std::size_t index, const std::string& verb,
                                        std::string_view what)
{
    if (!frame[index].is_string()) {
        return frameError(verb + " " + std::string(what) + " is not a string");
    }
    return frame[index].get<std::string>();
}

core::Status checkSubscriptionId(const std::string& subscriptionId, const std::string& verb)
{
    if (subscriptionId.empty() || subscriptionId.size() > maximumSubscriptionIdLength) {
        return frameError(verb + " subscription id is " + std::to_string(subscriptionId.size()) +
                          " bytes, expected 1-64");
    }
    return {};
}

core::Result<std::string> requireSubscriptionId(const nlohmann::json& frame, std::size_t index, const std::string& verb)
{
    auto subscriptionId = requireString(frame, index, verb, "subscription id");
    if (!subscriptionId) {
        return subscriptionId;
    }
    if (auto status = checkSubscriptionId(subscriptionId.value(), verb); !status) {
        return status.error();
    }
    return subscriptionId;
}

core::Result<Event> requireEvent(const nlohmann::json& frame, std::size_t index, const std::string& verb)
{
    if (!frame[index].is_object()) {
        return frameError(verb + " event is not a JSON object");
    }
    auto event = eventFromJsonValue(frame[index]);
    if (!event) {
        return event.error().withContext(verb + " frame");
    }
    return event;
}

core::Result<ClientMessage> parseClientFrame(const nlohmann::json& frame)
{
    const auto& verb = frame[0].get_ref<const std::string&>();
    if (verb == "EVENT" || verb == "AUTH") {
        if (auto status = requireArity(frame, verb, 2); !status) {
            return status.error();
        }
        auto event = requireEvent(frame, 1, verb);
        if (!event) {
            return event.error();
        }
        if (verb == "EVENT") {
            return ClientMessage{ClientEventMessage{std::move(event).value()}};
        }
        return ClientMessage{ClientAuthMessage{std::move(event).value()}};
    }
    if (verb == "REQ") {
        if (frame.size() < 3) {
            return frameError("REQ has " + std::to_string(frame.size()) +
                              " elements, expected a subscription id and at least one filter");
        }
        auto subscriptionId = requireSubscriptionId(frame, 1, verb);
        if (!subscriptionId) {
            return subscriptionId.error();
        }
        ClientRequestMessage request{std::move(subscriptionId).value(), {}};
        request.filters.reserve(frame.size() - 2);
        for (std::size_t index = 2; index < frame.size(); ++index) {
            auto filter = Filter::fromJsonValue(frame[index]);
            if (!filter) {
                return filter.error().withContext("REQ filter " + std::to_string(index - 2));
            }
            request.filters.push_back(std::move(filter).value());
        }
        return ClientMessage{std::move(request)};
    }
    if (verb == "CLOSE") {
        if (auto status = requireArity(frame, verb, 2); !status) {
            return status.error();
        }
        auto subscriptionId = requireSubscriptionId(frame, 1, verb);
        if (!subscriptionId) {
            return subscriptionId.error();
        }
        return ClientMessage{ClientCloseMessage{std::move(subscriptionId).value()}};
    }
    return frameError("unknown client verb \"" + verb + "\"");
}

core::Result<RelayMessage> parseRelayFrame(const nlohmann::json& frame)
{
    const auto& verb = frame[0].get_ref<const std::string&>();
    if (verb == "EVENT") {
        if (auto status = requireArity(frame, verb, 3); !status) {
            return status.error();
        }
        auto subscriptionId = requireSubscriptionId(frame, 1, verb);
        if (!subscriptionId) {
            return subscriptionId.error();
        }
        auto event = requireEvent(frame, 2, verb);
        if (!event) {
            return event.error();
        }
        return RelayMessage{RelayEventMessage{std::move(subscriptionId).value(), std::move(event).value()}};
    }
    if (verb == "OK") {
        if (auto status = requireArity(frame, verb, 4); !status) {
            return status.error();
        }
        auto eventId = requireString(frame, 1, verb, "event id");
        if (!eventId) {
            return eventId.error();
        }
        if (!isLowerHex(eventId.value(), 32)) {
            return frameError("OK event id is not 64 lower-case hex digits");
        }
        if (!frame[2].is_boolean()) {
            return frameError("OK accepted flag is not a boolean");
        }
        auto message = requireString(frame, 3, verb, "message");
        if (!message) {
            return message.error();
        }
        return RelayMessage{
            RelayOkMessage{std::move(eventId).value(), frame[2].get<bool>(), std::move(message).value()}};
    }
    if (verb == "EOSE") {
        if (auto status = requireArity(frame, verb, 2); !status) {
            return status.error();
        }
        auto subscriptionId = requireSubscriptionId(frame, 1, verb);
        if (!subscriptionId) {
            return subscriptionId.error();
        }
        return RelayMessage{RelayEndOfStoredEventsMessage{std::move(subscriptionId).value()}};
    }
    if (verb == "CLOSED") {
        if (auto status = requireArity(frame, verb, 3); !status) {
            return status.error();
        }
        auto subscriptionId = requireSubscriptionId(frame, 1, verb);
        if (!subscriptionId) {
            return subscriptionId.error();
        }
        auto message = requireString(frame, 2, verb, "message");
        if (!message) {
            return message.error();
        }
        return RelayMessage{RelayClosedMessage{std::move(subscriptionId).value(), std::move(message).value()}};
    }
    if (verb == "NOTICE") {
        if (auto status = requireArity(frame, verb, 2); !status) {
            return status.error();
        }
        auto message = requireString(frame, 1, verb, "message");
        if (!message) {
            return message.error();
        }
        return RelayMessage{RelayNoticeMessage{std::move(message).value()}};
    }
    if (verb == "AUTH") {
        if (auto status = requireArity(frame, verb, 2); !status) {
            return status.error();
        }
        auto challenge = requireString(frame, 1, verb, "challenge");
        if (!challenge) {
            return challenge.error();
        }
        return RelayMessage{RelayAuthChallengeMessage{std::move(challenge).value()}};
    }
    return frameError("unknown relay verb \"" + verb + "\"");
}

core::Result<nlohmann::json> clientFrame(const ClientMessage& message)
{
    if (const auto* event = std::get_if<ClientEventMessage>(&message)) {
        return nlohmann::json::array({"EVENT", event->event.toJsonValue()});
    }
    if (const auto* request = std::get_if<ClientRequestMessage>(&message)) {
        if (auto status = checkSubscriptionId(request->subscriptionId, "REQ"); !status) {
            return status.error();
        }
        if (request->filters.empty()) {
            return frameError("REQ without a filter");
        }
        nlohmann::json frame = nlohmann::json::array({"REQ", request->subscriptionId});
        for (const Filter& filter : request->filters) {
            frame.push_back(filter.toJsonValue());
        }
        return frame;
    }
    if (const auto* close = std::get_if<ClientCloseMessage>(&message)) {
        if (auto status = checkSubscriptionId(close->subscriptionId, "CLOSE"); !status) {
            return status.error();
        }
        return nlohmann::json::array({"CLOSE", close->subscriptionId});
    }
    const auto& auth = std::get<ClientAuthMessage>(message);
    return nlohmann::json::array({"AUTH", auth.event.toJsonValue()});
}

core::Result<nlohmann::json> relayFrame(const RelayMessage& message)
{
    if (const auto* event = std::get_if<RelayEventMessage>(&message)) {
        if (auto status = checkSubscriptionId(event->subscriptionId, "EVENT"); !status) {
            return status.error();
        }
        return nlohmann::json::array({"EVENT", event->subscriptionId, event->event.toJsonValue()});
    }
    if (const auto* ok = std::get_if<RelayOkMessage>(&message)) {
        return nlohmann::json::array({"OK", ok->eventId, ok->accepted, ok->message});
    }
    if (const auto* endOfStored = std::get_if<RelayEndOfStoredEventsMessage>(&message)) {
        if (auto status = checkSubscriptionId(endOfStored->subscriptionId, "EOSE"); !status) {
            return status.error();
        }
        return nlohmann::json::array({"EOSE", endOfStored->subscriptionId});
    }
    if (const auto* closed = std::get_if<RelayClosedMessage>(&message)) {
        if (auto status = checkSubscriptionId(closed->subscriptionId, "CLOSED"); !status) {
            return status.error();
        }
        return nlohmann::json::array({"CLOSED", closed->subscriptionId, closed->message});
    }
    if (const auto* notice = std::get_if<RelayNoticeMessage>(&message)) {
        return nlohmann::json::array({"NOTICE", notice->message});
    }
    const auto& challenge = std::get<RelayAuthChallengeMessage>(message);
    return nlohmann::json::array({"AUTH", challenge.challenge});
}

} // namespace

Reason reasonPrefixOf(std::string_view message)
{
    const std::size_t colon = message.find(':');
    if (colon != std::string_view::npos) {
        const std::string_view prefix = message.substr(0, colon);
        for (const auto& [name, value] : knownPrefixes) {
            if (prefix == name) {
                std::string_view rest = message.substr(colon + 1);
                while (!rest.empty() && rest.front() == ' ') {
                    rest.remove_prefix(1);
                }
                return Reason{value, std::string(rest)};
            }
        }
    }
    return Reason{ReasonPrefix::none, std::string(message)};
}

std::string_view toString(ReasonPrefix prefix) noexcept
{
    for (const auto& [name, value] : knownPrefixes) {
        if (value == prefix) {
            return name;
        }
    }
    return "";
}

core::Result<ClientMessage> parseClientMessage(std::string_view text, std::size_t maximumMessageBytes)
{
    auto frame = parseFrame(text, maximumMessageBytes);
    if (!frame) {
        return frame.error();
    }
    return parseClientFrame(frame.value());
}

core::Result<RelayMessage> parseRelayMessage(std::string_view text, std::size_t maximumMessageBytes)
{
    auto frame = parseFrame(text, maximumMessageBytes);
    if (!frame) {
        return frame.error();
    }
    return parseRelayFrame(frame.value());
}

core::Result<std::string> serializeMessage(const ClientMessage& message)
{
    auto frame = clientFrame(message);
    if (!frame) {
        return frame.error();
    }
    return dumpJsonText(frame.value());
}

core::Result<std::string> serializeMessage(const RelayMessage& message)
{
    auto frame = relayFrame(message);
    if (!frame) {
        return frame.error();
    }
    return dumpJsonText(frame.value());
}

EventTemplate makeAuthEventTemplate(std::string_view relayUrl, std::string_view challenge, std::int64_t nowUnixSeconds)
{
    EventTemplate eventTemplate;
    eventTemplate.createdAtUnixSeconds = nowUnixSeconds;
    eventTemplate.kind = eventKinds::clientAuthentication;
    eventTemplate.tags.push_back({"relay", std::string(relayUrl)});
    eventTemplate.tags.push_back({"challenge", std::string(challenge)});
    return eventTemplate;
}

} // namespace hoststudio::nostr
