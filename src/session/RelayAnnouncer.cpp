// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/session/RelayAnnouncer.hpp"

#include "hoststudio/nostr/RelayPool.hpp"

namespace hoststudio::session {

RelayAnnouncer::RelayAnnouncer(nostr::RelayPool& pool, nostr::SecretKey hostKey,
                               std::chrono::milliseconds publishTimeout, Clock clock)
    : pool_(pool), hostKey_(std::move(hostKey)), publishTimeout_(publishTimeout), clock_(std::move(clock))
{
    if (const auto publicKey = hostKey_.publicKey(); publicKey) {
        hostPublicKeyHex_ = publicKey->toHex();
    }
}

void RelayAnnouncer::noteLastCreatedAt(std::int64_t createdAt)
{
    if (!publisher_.lastCreatedAtUnixSeconds() || *publisher_.lastCreatedAtUnixSeconds() < createdAt) {
        publisher_ = nostr::LiveActivityPublisher(createdAt);
    }
}

void RelayAnnouncer::publish(const nostr::LiveActivity& activity, PublishCallback done)
{
    auto signedEvent = publisher_.signNextVersion(activity, hostKey_, clock_());
    if (!signedEvent) {
        done(signedEvent.error());
        return;
    }
    const std::int64_t createdAt = signedEvent->createdAtUnixSeconds;
    std::string eventId = signedEvent->id;
    pool_.publish(*signedEvent, publishTimeout_,
                  [done = std::move(done), createdAt,
                   eventId = std::move(eventId)](const std::vector<nostr::PublishOutcome>& outcomes) {
                      PublishReport report;
                      report.eventId = eventId;
                      report.createdAt = createdAt;
                      for (const nostr::PublishOutcome& outcome : outcomes) {
                          std::string message;
                          if (!outcome.succeeded()) {
                              message = nostr::toString(outcome.kind);
                              if (!outcome.reason.empty()) {
                                  message.append(": ").append(outcome.reason);
                              }
                          } else {
                              message = outcome.reason;
                          }
                          report.relays.push_back(RelayOutcome{outcome.relayUrl, outcome.succeeded(), message});
                      }
                      done(std::move(report));
                  });
}

} // namespace hoststudio::session
