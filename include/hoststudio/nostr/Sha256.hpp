// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// SHA-256 through OpenSSL's EVP interface: event ids (NIP-01) and participant proofs (NIP-53).
//
// Thread safety: pure functions; each call uses its own EVP context.

#include "hoststudio/core/Result.hpp"

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

namespace hoststudio::nostr {

using Sha256Digest = std::array<std::uint8_t, 32>;

[[nodiscard]] core::Result<Sha256Digest> sha256(std::span<const std::uint8_t> bytes);
[[nodiscard]] core::Result<Sha256Digest> sha256(std::string_view text);

} // namespace hoststudio::nostr
