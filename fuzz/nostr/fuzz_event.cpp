// SPDX-License-Identifier: GPL-2.0-or-later
// libFuzzer target: one Nostr event object from JSON (what relays hand over, what `hoststudio nostr
// verify` reads), parsed, verified and re-signed.
// Properties: parseEvent never crashes; a parsed event's wire JSON parses back to the same event;
// verify() gives success or an error; an event re-signed with a fixed key verifies, and its id is
// the hash of its serialization.

#include "../FuzzSupport.hpp"

#include "hoststudio/nostr/Event.hpp"
#include "hoststudio/nostr/Keys.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace {

using namespace hoststudio::nostr;

using hoststudio::fuzz::failProperty;

const SecretKey& fixedKey()
{
    static const SecretKey key = [] {
        auto parsed = SecretKey::fromHex("7f7ff03d123792d6ac594bfa67bf6d0c0ab55b6b1fdb6249303fe861f1ccba9a");
        if (!parsed) {
            failProperty("the fixed key does not parse");
        }
        return *parsed;
    }();
    return key;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto event = parseEvent(text);
    if (!event) {
        (void)event.error().describe();
        return 0;
    }
    (void)verify(*event);
    (void)event->firstTagValue("d");
    (void)event->computeId();

    auto wire = event->toJson();
    if (wire) {
        auto again = parseEvent(*wire);
        if (!again) {
            failProperty("the wire JSON of a parsed event does not parse");
        }
        if (!(*again == *event)) {
            failProperty("an event changed in a toJson/parse round trip");
        }
    }

    // Whatever a relay sends can be re-signed: the result must verify and carry its own hash.
    const EventTemplate eventTemplate{event->createdAtUnixSeconds, event->kind, event->tags, event->content};
    constexpr AuxRandomness fixedAux{};
    auto signedEvent = sign(eventTemplate, fixedKey(), fixedAux);
    if (signedEvent) {
        if (!verify(*signedEvent)) {
            failProperty("an event signed here does not verify");
        }
        auto id = signedEvent->computeId();
        if (!id || *id != signedEvent->id) {
            failProperty("a signed event's id is not the hash of its serialization");
        }
    } else if (wire) {
        failProperty("an event that serializes cannot be signed");
    }
    return 0;
}
