// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The Nostr announcer of a session: signs each version of the live activity with the host's key
// (nostr::LiveActivityPublisher: created_at strictly increasing, also across a restart through
// noteLastCreatedAt) and publishes it to every relay of the session, reporting one outcome per relay
// in the order of the relays.
//
// Each relay has a nostr::RelayPool of its own, made by the factory. A pool reconnects a relay that
// dropped, but never retries one whose first connection failed; so before each publish, the pool of
// a relay in that state (it was down when the session started) is made again, and a relay that
// comes back later gets the next version.
//
// Owner and thread: the session controller's thread calls every method; the publish callback runs on
// a pool's network thread (the controller posts it back). The factory's network thread outlives the
// announcer.

#include "hoststudio/core/Result.hpp"
#include "hoststudio/nostr/Keys.hpp"
#include "hoststudio/nostr/LiveActivityPublisher.hpp"
#include "hoststudio/session/Parts.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace hoststudio::nostr {
class RelayPool;
}

namespace hoststudio::session {

class RelayAnnouncer final : public AnnouncerPart {
public:
    using Clock = std::function<std::int64_t()>; // Unix seconds
    using PoolFactory = std::function<core::Result<std::unique_ptr<nostr::RelayPool>>(const std::string& relayUrl)>;

    // Starts connecting to every relay. Fails when a relay URL cannot be used (the factory's error).
    [[nodiscard]] static core::Result<std::unique_ptr<RelayAnnouncer>>
    create(PoolFactory factory, std::vector<std::string> relays, nostr::SecretKey hostKey,
           std::chrono::milliseconds publishTimeout, Clock clock);
    ~RelayAnnouncer() override;
    RelayAnnouncer(const RelayAnnouncer&) = delete;
    RelayAnnouncer& operator=(const RelayAnnouncer&) = delete;
    RelayAnnouncer(RelayAnnouncer&&) = delete;
    RelayAnnouncer& operator=(RelayAnnouncer&&) = delete;

    [[nodiscard]] std::string hostPublicKeyHex() const override { return hostPublicKeyHex_; }
    void publish(const nostr::LiveActivity& activity, PublishCallback done) override;
    [[nodiscard]] std::optional<std::int64_t> lastCreatedAt() const override
    {
        return publisher_.lastCreatedAtUnixSeconds();
    }
    void noteLastCreatedAt(std::int64_t createdAt) override;

private:
    RelayAnnouncer(PoolFactory factory, std::vector<std::string> relays, nostr::SecretKey hostKey,
                   std::chrono::milliseconds publishTimeout, Clock clock);

    PoolFactory factory_;
    std::vector<std::string> relays_;
    std::vector<std::unique_ptr<nostr::RelayPool>> pools_; // one per relay, in the same order
    nostr::SecretKey hostKey_;
    std::string hostPublicKeyHex_;
    std::chrono::milliseconds publishTimeout_;
    Clock clock_;
    nostr::LiveActivityPublisher publisher_;
};

} // namespace hoststudio::session
