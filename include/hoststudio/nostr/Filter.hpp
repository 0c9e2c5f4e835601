// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// A NIP-01 subscription filter: ids, authors, kinds, `#<letter>` tag values, since, until, limit.
// Fields combine with AND, the values inside one field with OR, and the filters of one REQ with
// OR. An absent field matches everything; a present but empty list matches nothing (as relays
// and nostr-tools treat it). Keys this model does not know (e.g. NIP-50 "search") are ignored.
//
// Thread safety: a value type.

#include "hoststudio/core/Result.hpp"
#include "hoststudio/nostr/Event.hpp"

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hoststudio::nostr {

struct Filter {
    std::optional<std::vector<std::string>> ids;     // 64 lower-case hex each
    std::optional<std::vector<std::string>> authors; // 64 lower-case hex each
    std::optional<std::vector<EventKind>> kinds;
    std::map<char, std::vector<std::string>> tagValues; // 'a' → values of "#a"; letters a-z, A-Z
    std::optional<std::int64_t> sinceUnixSeconds;
    std::optional<std::int64_t> untilUnixSeconds;
    std::optional<std::uint64_t> limit;

    [[nodiscard]] bool matches(const Event& event) const;

    [[nodiscard]] nlohmann::json toJsonValue() const;
    // invalidUtf8 when a value is not UTF-8.
    [[nodiscard]] core::Result<std::string> toJson() const;

    // invalidRelayMessage naming the field when a known field has the wrong type or range.
    [[nodiscard]] static core::Result<Filter> fromJsonValue(const nlohmann::json& value);
    [[nodiscard]] static core::Result<Filter> parse(std::string_view jsonText);

    friend bool operator==(const Filter&, const Filter&) = default;
};

} // namespace hoststudio::nostr
