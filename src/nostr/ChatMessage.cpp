// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/nostr/ChatMessage.hpp"

#include "hoststudio/nostr/Hex.hpp"
#include "hoststudio/nostr/NostrError.hpp"

namespace hoststudio::nostr {

namespace {
constexpr std::string_view liveActivityPrefix = "30311:";
constexpr std::size_t publicKeyHexLength = 64;
} // namespace

bool isLiveActivityAddress(std::string_view address) noexcept
{
    if (!address.starts_with(liveActivityPrefix)) {
        return false;
    }
    const std::string_view rest = address.substr(liveActivityPrefix.size());
    return rest.size() > publicKeyHexLength && rest[publicKeyHexLength] == ':' &&
           isLowerHex(rest.substr(0, publicKeyHexLength), 32);
}

Filter chatMessagesFilter(std::string_view activityAddress)
{
    Filter filter;
    filter.kinds = std::vector<EventKind>{eventKinds::liveChatMessage};
    filter.tagValues['a'] = {std::string(activityAddress)};
    return filter;
}

core::Result<EventTemplate> ChatMessage::toEventTemplate(std::int64_t createdAtUnixSeconds) const
{
    if (!isLiveActivityAddress(activityAddress)) {
        return {NostrErrc::invalidChatMessage,
                "activity address is not 30311:<64 lower-case hex>:<d>: \"" + activityAddress + "\""};
    }
    if (!replyToEventId.empty() && !isLowerHex(replyToEventId, 32)) {
        return {NostrErrc::invalidChatMessage, "reply event id is not 64 lower-case hex digits"};
    }
    EventTemplate eventTemplate;
    eventTemplate.createdAtUnixSeconds = createdAtUnixSeconds;
    eventTemplate.kind = eventKinds::liveChatMessage;
    eventTemplate.content = content;
    eventTemplate.tags.push_back({"a", activityAddress, relayHint, "root"});
    if (!replyToEventId.empty()) {
        eventTemplate.tags.push_back({"e", replyToEventId, replyRelayHint});
    }
    return eventTemplate;
}

core::Result<ChatMessage> ChatMessage::fromEvent(const Event& event)
{
    if (event.kind != eventKinds::liveChatMessage) {
        return {NostrErrc::invalidChatMessage, "kind " + std::to_string(event.kind) + ", expected 1311"};
    }
    ChatMessage message;
    message.content = event.content;
    bool hasAddress = false;
    bool hasReply = false;
    for (const Tag& tag : event.tags) {
        if (tag.size() < 2) {
            continue;
        }
        if (!hasAddress && tag[0] == "a" && isLiveActivityAddress(tag[1])) {
            message.activityAddress = tag[1];
            message.relayHint = tag.size() > 2 ? tag[2] : std::string();
            hasAddress = true;
        } else if (!hasReply && tag[0] == "e") {
            if (!isLowerHex(tag[1], 32)) {
                return {NostrErrc::invalidChatMessage, "e tag id is not 64 lower-case hex digits"};
            }
            message.replyToEventId = tag[1];
            message.replyRelayHint = tag.size() > 2 ? tag[2] : std::string();
            hasReply = true;
        }
    }
    if (!hasAddress) {
        return {NostrErrc::invalidChatMessage, "no a tag naming a 30311 live activity"};
    }
    return message;
}

} // namespace hoststudio::nostr
