// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The Nostr announcer of a session: signs each version of the live activity with the host's key
// (nostr::LiveActivityPublisher: created_at strictly increasing, also across a restart through
// noteLastCreatedAt) and publishes it through a nostr::RelayPool, reporting one outcome per relay.
//
// Owner and thread: the session controller's thread calls every method; the publish callback runs on
// the pool's network thread (the controller posts it back). The pool outlives the announcer.

#include "hoststudio/nostr/Keys.hpp"
#include "hoststudio/nostr/LiveActivityPublisher.hpp"
#include "hoststudio/session/Parts.hpp"

#include <chrono>
#include <functional>

namespace hoststudio::nostr {
class RelayPool;
}

namespace hoststudio::session {

class RelayAnnouncer final : public AnnouncerPart {
public:
    using Clock = std::function<std::int64_t()>; // Unix seconds

    RelayAnnouncer(nostr::RelayPool& pool, nostr::SecretKey hostKey, std::chrono::milliseconds publishTimeout,
                   Clock clock);

    [[nodiscard]] std::string hostPublicKeyHex() const override { return hostPublicKeyHex_; }
    void publish(const nostr::LiveActivity& activity, PublishCallback done) override;
    [[nodiscard]] std::optional<std::int64_t> lastCreatedAt() const override
    {
        return publisher_.lastCreatedAtUnixSeconds();
    }
    void noteLastCreatedAt(std::int64_t createdAt) override;

private:
    nostr::RelayPool& pool_;
    nostr::SecretKey hostKey_;
    std::string hostPublicKeyHex_;
    std::chrono::milliseconds publishTimeout_;
    Clock clock_;
    nostr::LiveActivityPublisher publisher_;
};

} // namespace hoststudio::session
