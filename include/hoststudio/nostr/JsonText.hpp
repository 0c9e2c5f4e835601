// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The one place where outside JSON text becomes nlohmann::json and back (the nostr module and the
// CLI's nostr commands use it), so that no nlohmann exception escapes: parse errors, invalid UTF-8
// (type_error 316 on dump) and pathological nesting all become NostrErrc values.
//
// Thread safety: pure functions.

#include "hoststudio/core/Result.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace hoststudio::nostr {

// Deeper than any Nostr message needs (a REQ filter with tag arrays is 4 levels).
inline constexpr std::size_t maximumJsonNestingDepth = 32;

// invalidUtf8 when the bytes are not UTF-8 or an escape encodes a lone surrogate; invalidJson for
// anything else (syntax, trailing data, nesting deeper than maximumJsonNestingDepth).
[[nodiscard]] core::Result<nlohmann::json> parseJsonText(std::string_view text);

// Compact dump (no whitespace, NIP-01 escaping); invalidUtf8 instead of type_error 316.
[[nodiscard]] core::Result<std::string> dumpJsonText(const nlohmann::json& value);

} // namespace hoststudio::nostr
