// SPDX-License-Identifier: GPL-2.0-or-later
// libFuzzer target: relay frames in both directions, and the events inside them.
// Properties: parsing never crashes; whatever parses serializes, and re-parses to the same value;
// a parsed event goes through verify(), LiveActivity::fromEvent and ChatMessage::fromEvent safely.

#include "../FuzzSupport.hpp"

#include "hoststudio/nostr/ChatMessage.hpp"
#include "hoststudio/nostr/LiveActivity.hpp"
#include "hoststudio/nostr/RelayMessage.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace {

using namespace hoststudio::nostr;

using hoststudio::fuzz::failProperty;

void exerciseEvent(const Event& event)
{
    (void)verify(event);
    (void)event.serialize();
    if (auto activity = LiveActivity::fromEvent(event)) {
        (void)activity->toEventTemplate(event.createdAtUnixSeconds);
        (void)activity->host();
    }
    (void)ChatMessage::fromEvent(event);
}

template <typename Message, typename Parse> void roundTrip(const Message& message, Parse parse)
{
    auto text = serializeMessage(message);
    if (!text) {
        failProperty("a parsed message does not serialize");
    }
    auto again = parse(text.value(), text.value().size());
    if (!again) {
        failProperty("a serialized message does not parse");
    }
    if (!(again.value() == message)) {
        failProperty("a message changed in a serialize/parse round trip");
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    constexpr std::size_t maximumMessageBytes = 64 * 1024;

    if (auto clientMessage = parseClientMessage(text, maximumMessageBytes)) {
        if (const auto* event = std::get_if<ClientEventMessage>(&clientMessage.value())) {
            exerciseEvent(event->event);
        } else if (const auto* request = std::get_if<ClientRequestMessage>(&clientMessage.value())) {
            for (const Filter& filter : request->filters) {
                (void)filter.matches(Event{});
            }
        }
        roundTrip(clientMessage.value(),
                  [](std::string_view again, std::size_t limit) { return parseClientMessage(again, limit); });
    }
    if (auto relayMessage = parseRelayMessage(text, maximumMessageBytes)) {
        if (const auto* event = std::get_if<RelayEventMessage>(&relayMessage.value())) {
            exerciseEvent(event->event);
        } else if (const auto* ok = std::get_if<RelayOkMessage>(&relayMessage.value())) {
            (void)ok->reason();
        }
        roundTrip(relayMessage.value(),
                  [](std::string_view again, std::size_t limit) { return parseRelayMessage(again, limit); });
    }
    if (auto event = parseEvent(text)) {
        exerciseEvent(event.value());
    }
    return 0;
}
