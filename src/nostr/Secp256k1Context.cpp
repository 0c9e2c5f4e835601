// SPDX-License-Identifier: GPL-2.0-or-later
#include "Secp256k1Context.hpp"

#include "hoststudio/nostr/NostrError.hpp"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <secp256k1.h>

#include <algorithm>
#include <array>
#include <climits>
#include <cstdio>
#include <cstdlib>

namespace hoststudio::nostr::detail {

namespace {

// Owns the context for the life of the process.
class ContextHolder {
public:
    ContextHolder() : context_(secp256k1_context_create(SECP256K1_CONTEXT_NONE))
    {
        if (context_ == nullptr) {
            std::fputs("hoststudio.nostr: secp256k1_context_create failed\n", stderr);
            std::abort();
        }
        // Blinding against side channels; without fresh randomness the context stays correct,
        // only unblinded, so a failure here is not fatal.
        std::array<std::uint8_t, 32> seed{};
        if (RAND_bytes(seed.data(), static_cast<int>(seed.size())) == 1) {
            blinded_ = secp256k1_context_randomize(context_, seed.data()) == 1;
        }
        OPENSSL_cleanse(seed.data(), seed.size());
    }
    ~ContextHolder() { secp256k1_context_destroy(context_); }
    ContextHolder(const ContextHolder&) = delete;
    ContextHolder& operator=(const ContextHolder&) = delete;
    ContextHolder(ContextHolder&&) = delete;
    ContextHolder& operator=(ContextHolder&&) = delete;

    [[nodiscard]] const secp256k1_context* get() const noexcept { return context_; }
    [[nodiscard]] bool isBlinded() const noexcept { return blinded_; }

private:
    secp256k1_context* context_;
    bool blinded_ = false; // whether context randomisation succeeded
};

} // namespace

const secp256k1_context_struct* secp256k1Context() noexcept
{
    static const ContextHolder holder;
    return holder.get();
}

core::Status fillWithRandomBytes(std::span<std::uint8_t> output)
{
    std::size_t offset = 0;
    while (offset < output.size()) {
        const std::size_t chunk = std::min<std::size_t>(output.size() - offset, INT_MAX);
        if (RAND_bytes(output.data() + offset, static_cast<int>(chunk)) != 1) {
            return {NostrErrc::cryptoFailure, "RAND_bytes failed"};
        }
        offset += chunk;
    }
    return {};
}

} // namespace hoststudio::nostr::detail
