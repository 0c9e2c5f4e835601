// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The one process-wide libsecp256k1 context, and OpenSSL randomness. Internal to the nostr module.
//
// Thread safety: the context is created and randomised once (a function-local static, so the
// first call from any thread initialises it safely) and is only read afterwards; libsecp256k1
// allows concurrent signing and verification on one const context.

#include "hoststudio/core/Result.hpp"

#include <cstdint>
#include <span>

struct secp256k1_context_struct;

namespace hoststudio::nostr::detail {

// Never null: aborts if libsecp256k1 cannot allocate a context (nothing in the module works then).
[[nodiscard]] const secp256k1_context_struct* secp256k1Context() noexcept;

// Fills `output` from OpenSSL's RAND_bytes.
[[nodiscard]] core::Status fillWithRandomBytes(std::span<std::uint8_t> output);

} // namespace hoststudio::nostr::detail
