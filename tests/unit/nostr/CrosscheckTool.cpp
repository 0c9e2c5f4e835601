// SPDX-License-Identifier: GPL-2.0-or-later
// nostr_crosscheck_tool: our half of the cross-check against nostr-tools (see crosscheck.sh).
//
//   nostr_crosscheck_tool sign <count> <seed>       signs <count> events with hostile random content
//                                                   and tags, one JSON object per line on stdout
//   nostr_crosscheck_tool verify [--expect-invalid] reads JSON lines on stdin; every event must
//                                                   parse and verify (or, with --expect-invalid,
//                                                   every one must fail); one verdict per line
// Exit status 0 when every verdict is as expected and at least one line was read, 1 otherwise.

#include "hoststudio/nostr/Event.hpp"
#include "hoststudio/nostr/Keys.hpp"

#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace {

using hoststudio::nostr::AuxRandomness;
using hoststudio::nostr::EventKind;
using hoststudio::nostr::EventTemplate;
using hoststudio::nostr::SecretKey;
using hoststudio::nostr::Tag;
using hoststudio::nostr::Tags;

void appendUtf8(std::string& text, std::uint32_t codePoint)
{
    if (codePoint < 0x80U) {
        text.push_back(static_cast<char>(codePoint));
    } else if (codePoint < 0x800U) {
        text.push_back(static_cast<char>(0xC0U | (codePoint >> 6U)));
        text.push_back(static_cast<char>(0x80U | (codePoint & 0x3FU)));
    } else if (codePoint < 0x10000U) {
        text.push_back(static_cast<char>(0xE0U | (codePoint >> 12U)));
        text.push_back(static_cast<char>(0x80U | ((codePoint >> 6U) & 0x3FU)));
        text.push_back(static_cast<char>(0x80U | (codePoint & 0x3FU)));
    } else {
        text.push_back(static_cast<char>(0xF0U | (codePoint >> 18U)));
        text.push_back(static_cast<char>(0x80U | ((codePoint >> 12U) & 0x3FU)));
        text.push_back(static_cast<char>(0x80U | ((codePoint >> 6U) & 0x3FU)));
        text.push_back(static_cast<char>(0x80U | (codePoint & 0x3FU)));
    }
}

// Code points chosen to stress escaping: every C0 control, DEL, quotes, backslash, slash, line and
// paragraph separators, BOM, NBSP, combining marks, astral emoji and the last code point.
constexpr std::uint32_t hostileCodePoints[] = {
    0x00, 0x01,   0x02,   0x03,   0x04,   0x05,   0x06,   0x07,    0x08,    0x09,    0x0A,    0x0B,     0x0C,   0x0D,
    0x0E, 0x0F,   0x10,   0x11,   0x12,   0x13,   0x14,   0x15,    0x16,    0x17,    0x18,    0x19,     0x1A,   0x1B,
    0x1C, 0x1D,   0x1E,   0x1F,   0x7F,   '"',    '\\',   '/',     '<',     '>',     '&',     '\'',     0x80,   0x9F,
    0xA0, 0x0301, 0x2028, 0x2029, 0xFEFF, 0xFFFD, 0xFFFF, 0x1F3A5, 0x1F9E1, 0x1F44B, 0x10000, 0x10FFFF, 0xE000, 0xD7FF};

class RandomText {
public:
    explicit RandomText(std::uint64_t seed) : engine_(seed) {}

    std::uint32_t below(std::uint32_t bound)
    {
        return std::uniform_int_distribution<std::uint32_t>(0, bound - 1)(engine_);
    }

    std::uint32_t codePoint()
    {
        switch (below(5)) {
        case 0: return hostileCodePoints[below(static_cast<std::uint32_t>(std::size(hostileCodePoints)))];
        case 1: return 0x20 + below(0x5F); // printable ASCII
        case 2: {
            // Any BMP code point except surrogates.
            std::uint32_t value = below(0x10000 - 0x800);
            return value < 0xD800 ? value : value + 0x800;
        }
        case 3: return 0x10000 + below(0x100000); // astral planes
        default: return below(0x20);              // C0 controls
        }
    }

    std::string text(std::uint32_t maximumCodePoints)
    {
        std::string result;
        const std::uint32_t length = below(maximumCodePoints + 1);
        for (std::uint32_t index = 0; index < length; ++index) {
            appendUtf8(result, codePoint());
        }
        return result;
    }

    std::mt19937_64& engine() { return engine_; }

private:
    std::mt19937_64 engine_;
};

EventTemplate randomTemplate(RandomText& random)
{
    EventTemplate eventTemplate;
    eventTemplate.createdAtUnixSeconds = static_cast<std::int64_t>(random.below(2000000000U));
    eventTemplate.kind = static_cast<EventKind>(random.below(65536));
    const std::uint32_t shape = random.below(10);
    eventTemplate.content = shape == 0 ? random.text(40000) : random.text(300); // sometimes long
    const std::uint32_t tagCount = shape == 1 ? 150 + random.below(100) : random.below(12);
    for (std::uint32_t tagIndex = 0; tagIndex < tagCount; ++tagIndex) {
        Tag tag;
        const std::uint32_t valueCount = 1 + random.below(6);
        for (std::uint32_t valueIndex = 0; valueIndex < valueCount; ++valueIndex) {
            tag.push_back(random.text(valueIndex == 0 ? 3 : 40));
        }
        eventTemplate.tags.push_back(std::move(tag));
    }
    return eventTemplate;
}

int signEvents(std::uint32_t count, std::uint64_t seed)
{
    RandomText random(seed);
    std::vector<SecretKey> keys;
    for (int index = 0; index < 8; ++index) {
        auto key = SecretKey::generate();
        if (!key) {
            std::cerr << key.error().describe() << '\n';
            return 1;
        }
        keys.push_back(std::move(key).value());
    }
    for (std::uint32_t index = 0; index < count; ++index) {
        const EventTemplate eventTemplate = randomTemplate(random);
        // Half with fresh randomness, half with zeros (the deterministic path).
        const std::optional<AuxRandomness> auxRandomness =
            index % 2 == 0 ? std::nullopt : std::optional<AuxRandomness>(AuxRandomness{});
        auto event = hoststudio::nostr::sign(eventTemplate, keys[index % keys.size()], auxRandomness);
        if (!event) {
            std::cerr << "signing event " << index << " failed: " << event.error().describe() << '\n';
            return 1;
        }
        auto json = event->toJson();
        if (!json) {
            std::cerr << "serializing event " << index << " failed: " << json.error().describe() << '\n';
            return 1;
        }
        std::cout << json.value() << '\n';
    }
    return 0;
}

int verifyEvents(bool expectInvalid)
{
    std::string line;
    std::size_t lineNumber = 0;
    std::size_t unexpected = 0;
    while (std::getline(std::cin, line)) {
        if (line.empty()) {
            continue;
        }
        ++lineNumber;
        auto event = hoststudio::nostr::parseEvent(line);
        hoststudio::core::Status verdict =
            event ? hoststudio::nostr::verify(event.value()) : hoststudio::core::Status(event.error());
        const bool asExpected = verdict.ok() != expectInvalid;
        if (!asExpected) {
            ++unexpected;
            std::cout << "UNEXPECTED line " << lineNumber << ": "
                      << (verdict.ok() ? std::string("verified") : verdict.error().describe()) << '\n';
        }
    }
    std::cout << lineNumber << " events, " << unexpected << " unexpected verdicts ("
              << (expectInvalid ? "all must fail" : "all must verify") << ")\n";
    return (lineNumber > 0 && unexpected == 0) ? 0 : 1;
}

} // namespace

int main(int argumentCount, char** arguments)
{
    const std::vector<std::string_view> argumentList(arguments + 1, arguments + argumentCount);
    if (argumentList.size() == 3 && argumentList[0] == "sign") {
        const auto count = static_cast<std::uint32_t>(std::strtoul(std::string(argumentList[1]).c_str(), nullptr, 10));
        const auto seed = static_cast<std::uint64_t>(std::strtoull(std::string(argumentList[2]).c_str(), nullptr, 10));
        return signEvents(count, seed);
    }
    if (!argumentList.empty() && argumentList[0] == "verify") {
        return verifyEvents(argumentList.size() == 2 && argumentList[1] == "--expect-invalid");
    }
    std::cerr << "usage: nostr_crosscheck_tool sign <count> <seed> | verify [--expect-invalid]\n";
    return 2;
}
