// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Signs successive versions of one live activity (one `d`) with strictly increasing created_at.
//
// Relays keep only the newest version of an addressable event, and a version whose created_at
// is not newer is answered `OK true "duplicate:"` and dropped, so an update signed within the
// same second as the previous one would silently not land. Each version therefore gets
// max(now, previous + 1), as zap-stream-core does. Seed the publisher with the created_at of the
// last version published before a restart (from the persisted event) to keep the guarantee
// across runs.
//
// Owner: the thread that drives the live session (the session controller); not thread-safe.

#include "hoststudio/core/Result.hpp"
#include "hoststudio/nostr/Event.hpp"
#include "hoststudio/nostr/Keys.hpp"
#include "hoststudio/nostr/LiveActivity.hpp"

#include <cstdint>
#include <optional>

namespace hoststudio::nostr {

class LiveActivityPublisher {
public:
    explicit LiveActivityPublisher(std::optional<std::int64_t> lastPublishedCreatedAtUnixSeconds = std::nullopt)
        : lastCreatedAtUnixSeconds_(lastPublishedCreatedAtUnixSeconds)
    {}

    // Validates `activity`, stamps it with max(now, previous + 1) and signs it. The stamp is
    // consumed only when signing succeeds.
    [[nodiscard]] core::Result<Event> signNextVersion(const LiveActivity& activity, const SecretKey& secretKey,
                                                      std::int64_t nowUnixSeconds,
                                                      std::optional<AuxRandomness> auxRandomness = std::nullopt);

    // The created_at the next version would get at `nowUnixSeconds` (nothing is consumed).
    [[nodiscard]] std::int64_t nextCreatedAt(std::int64_t nowUnixSeconds) const noexcept;

    [[nodiscard]] std::optional<std::int64_t> lastCreatedAtUnixSeconds() const noexcept
    {
        return lastCreatedAtUnixSeconds_;
    }

private:
    std::optional<std::int64_t> lastCreatedAtUnixSeconds_;
};

} // namespace hoststudio::nostr
