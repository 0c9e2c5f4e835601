// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Strict UTF-8 validation (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF.
// Internal to the nostr module. Thread safety: pure functions.

#include <cstddef>
#include <optional>
#include <string_view>

namespace hoststudio::nostr::detail {

// The byte offset of the first invalid sequence, or nullopt when `text` is valid UTF-8.
[[nodiscard]] std::optional<std::size_t> firstInvalidUtf8Offset(std::string_view text) noexcept;

[[nodiscard]] inline bool isValidUtf8(std::string_view text) noexcept
{
    return !firstInvalidUtf8Offset(text).has_value();
}

} // namespace hoststudio::nostr::detail
