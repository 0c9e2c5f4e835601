// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Bech32 (BIP-173; NOT bech32m) as NIP-19 uses it, with NIP-19's length cap of 5000 characters
// instead of BIP-173's 90 (TLV forms carry relay lists).
//
// - Encoding emits lower case. Decoding accepts all-lower or all-upper text, never mixed, and
//   returns the human-readable part in lower case.
// - Regrouping 8-bit bytes into 5-bit groups pads the tail with zero bits; the way back refuses
//   a tail of 5 or more bits and non-zero padding bits (BIP-173 rules).
//
// Thread safety: pure functions.

#include "hoststudio/core/Result.hpp"

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace hoststudio::nostr {

inline constexpr std::size_t bech32MaximumLength = 5000;

struct Bech32Data {
    std::string humanReadablePart;           // lower case
    std::vector<std::uint8_t> fiveBitGroups; // without the 6-group checksum; each value < 32
};

// hrp + '1' + data + checksum. Fails on an empty or non-printable hrp, a group ≥ 32 or a result
// longer than bech32MaximumLength.
[[nodiscard]] core::Result<std::string> encodeBech32(std::string_view humanReadablePart,
                                                     std::span<const std::uint8_t> fiveBitGroups);

[[nodiscard]] core::Result<Bech32Data> decodeBech32(std::string_view text);

// 8-bit bytes → 5-bit groups, zero-padded at the end.
[[nodiscard]] std::vector<std::uint8_t> bytesToFiveBitGroups(std::span<const std::uint8_t> bytes);

// 5-bit groups → bytes; fails on leftover bits that do not come from padding.
[[nodiscard]] core::Result<std::vector<std::uint8_t>> fiveBitGroupsToBytes(std::span<const std::uint8_t> groups);

} // namespace hoststudio::nostr
