// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Hexadecimal text <-> bytes, the way Nostr writes ids, keys and signatures.
// Output is always lower case. Input is strict: the exact expected length and hex digits only;
// `HexCase::lowerOnly` additionally refuses 'A'-'F' (NIP-01 wire fields are lower case).
//
// Thread safety: pure functions.

#include "hoststudio/core/Result.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace hoststudio::nostr {

enum class HexCase {
    lowerOnly,    // NIP-01 wire form
    lowerOrUpper, // human input and test vectors
};

// Lower-case hex of `bytes`.
[[nodiscard]] std::string toHex(std::span<const std::uint8_t> bytes);

// Decodes exactly `expectedByteCount` bytes (so exactly 2 * expectedByteCount characters).
[[nodiscard]] core::Result<std::vector<std::uint8_t>> fromHex(std::string_view text, std::size_t expectedByteCount,
                                                              HexCase allowedCase = HexCase::lowerOrUpper);

// Decodes any even-length hex string.
[[nodiscard]] core::Result<std::vector<std::uint8_t>> fromHexAnyLength(std::string_view text,
                                                                       HexCase allowedCase = HexCase::lowerOrUpper);

// Decodes exactly N bytes into a fixed-size array.
template <std::size_t N>
[[nodiscard]] core::Result<std::array<std::uint8_t, N>> fromHexFixed(std::string_view text,
                                                                     HexCase allowedCase = HexCase::lowerOrUpper)
{
    auto decoded = fromHex(text, N, allowedCase);
    if (!decoded) {
        return decoded.error();
    }
    std::array<std::uint8_t, N> bytes{};
    for (std::size_t index = 0; index < N; ++index) {
        bytes[index] = decoded.value()[index];
    }
    return bytes;
}

// True when `text` is exactly `expectedByteCount` bytes of lower-case hex.
[[nodiscard]] bool isLowerHex(std::string_view text, std::size_t expectedByteCount) noexcept;

} // namespace hoststudio::nostr
