// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/nostr/Filter.hpp"
#include "hoststudio/nostr/JsonText.hpp"

#include "hoststudio/nostr/Hex.hpp"
#include "hoststudio/nostr/NostrError.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <limits>

namespace hoststudio::nostr {

namespace {

bool isAsciiLetter(char character) noexcept
{
    return (character >= 'a' && character <= 'z') || (character >= 'A' && character <= 'Z');
}

template <typename Value> bool contains(const std::vector<Value>& values, const Value& wanted)
{
    return std::find(values.begin(), values.end(), wanted) != values.end();
}

core::Error fieldError(std::string_view key, std::string_view problem)
{
    return {NostrErrc::invalidRelayMessage, "filter \"" + std::string(key) + "\" " + std::string(problem)};
}

core::Result<std::vector<std::string>> stringList(const nlohmann::json& value, std::string_view key,
                                                  bool requireLowerHexId)
{
    if (!value.is_array()) {
        return fieldError(key, "is not an array");
    }
    std::vector<std::string> strings;
    strings.reserve(value.size());
    for (const nlohmann::json& element : value) {
        if (!element.is_string()) {
            return fieldError(key, "has a non-string element");
        }
        const auto& text = element.get_ref<const std::string&>();
        if (requireLowerHexId && !isLowerHex(text, 32)) {
            return fieldError(key, "has an element that is not 64 lower-case hex digits");
        }
        strings.push_back(text);
    }
    return strings;
}

core::Result<std::uint64_t> nonNegativeInteger(const nlohmann::json& value, std::string_view key, std::uint64_t maximum)
{
    if (!value.is_number_integer()) {
        return fieldError(key, "is not an integer");
    }
    if (!value.is_number_unsigned()) {
        return fieldError(key, "is negative");
    }
    const auto number = value.get<std::uint64_t>();
    if (number > maximum) {
        return fieldError(key, "is above " + std::to_string(maximum));
    }
    return number;
}

} // namespace

bool Filter::matches(const Event& event) const
{
    if (ids && !contains(*ids, event.id)) {
        return false;
    }
    if (authors && !contains(*authors, event.pubkey)) {
        return false;
    }
    if (kinds && !contains(*kinds, event.kind)) {
        return false;
    }
    if (sinceUnixSeconds && event.createdAtUnixSeconds < *sinceUnixSeconds) {
        return false;
    }
    if (untilUnixSeconds && event.createdAtUnixSeconds > *untilUnixSeconds) {
        return false;
    }
    for (const auto& entry : tagValues) {
        const char letter = entry.first;
        const std::vector<std::string>& values = entry.second;
        const bool anyTagMatches = std::any_of(event.tags.begin(), event.tags.end(), [&](const Tag& tag) {
            return tag.size() >= 2 && tag[0].size() == 1 && tag[0][0] == letter && contains(values, tag[1]);
        });
        if (!anyTagMatches) {
            return false;
        }
    }
    return true;
}

nlohmann::json Filter::toJsonValue() const
{
    nlohmann::json object = nlohmann::json::object();
    if (ids) {
        object["ids"] = *ids;
    }
    if (authors) {
        object["authors"] = *authors;
    }
    if (kinds) {
        object["kinds"] = *kinds;
    }
    for (const auto& [letter, values] : tagValues) {
        object[std::string("#") + letter] = values;
    }
    if (sinceUnixSeconds) {
        object["since"] = *sinceUnixSeconds;
    }
    if (untilUnixSeconds) {
        object["until"] = *untilUnixSeconds;
    }
    if (limit) {
        object["limit"] = *limit;
    }
    return object;
}

core::Result<std::string> Filter::toJson() const
{
    return dumpJsonText(toJsonValue());
}

core::Result<Filter> Filter::fromJsonValue(const nlohmann::json& value)
{
    if (!value.is_object()) {
        return core::Error{NostrErrc::invalidRelayMessage, "filter is not a JSON object"};
    }
    Filter filter;
    for (const auto& [key, field] : value.items()) {
        if (key == "ids" || key == "authors") {
            auto strings = stringList(field, key, true);
            if (!strings) {
                return strings.error();
            }
            (key == "ids" ? filter.ids : filter.authors) = std::move(strings).value();
        } else if (key == "kinds") {
            if (!field.is_array()) {
                return fieldError(key, "is not an array");
            }
            std::vector<EventKind> kindList;
            kindList.reserve(field.size());
            for (const nlohmann::json& element : field) {
                auto kind = nonNegativeInteger(element, key, std::numeric_limits<EventKind>::max());
                if (!kind) {
                    return kind.error();
                }
                kindList.push_back(static_cast<EventKind>(kind.value()));
            }
            filter.kinds = std::move(kindList);
        } else if (key == "since" || key == "until") {
            auto seconds =
                nonNegativeInteger(field, key, static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()));
            if (!seconds) {
                return seconds.error();
            }
            (key == "since" ? filter.sinceUnixSeconds : filter.untilUnixSeconds) =
                static_cast<std::int64_t>(seconds.value());
        } else if (key == "limit") {
            auto count = nonNegativeInteger(field, key, std::numeric_limits<std::uint64_t>::max());
            if (!count) {
                return count.error();
            }
            filter.limit = count.value();
        } else if (key.size() == 2 && key[0] == '#' && isAsciiLetter(key[1])) {
            auto strings = stringList(field, key, false);
            if (!strings) {
                return strings.error();
            }
            filter.tagValues[key[1]] = std::move(strings).value();
        }
        // Anything else (search, extensions, "#" with more than one letter) is ignored.
    }
    return filter;
}

core::Result<Filter> Filter::parse(std::string_view jsonText)
{
    auto value = parseJsonText(jsonText);
    if (!value) {
        return value.error();
    }
    return fromJsonValue(value.value());
}

} // namespace hoststudio::nostr
