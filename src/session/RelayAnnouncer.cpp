// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/session/RelayAnnouncer.hpp"

#include "hoststudio/nostr/RelayPool.hpp"
#include "hoststudio/session/SessionError.hpp"

#include <QDebug>

#include <mutex>

namespace hoststudio::session {

namespace {

RelayOutcome outcomeOf(const nostr::PublishOutcome& outcome)
{
    std::string message;
    if (!outcome.succeeded()) {
        message = nostr::toString(outcome.kind);
        if (!outcome.reason.empty()) {
            message.append(": ").append(outcome.reason);
        }
    } else {
        message = outcome.reason;
    }
    return RelayOutcome{outcome.relayUrl, outcome.succeeded(), message};
}

// Collects the answers of every relay's pool and reports once, when the last one answered.
struct Collector {
    std::mutex mutex;
    PublishReport report;
    std::size_t outstanding = 0;
    AnnouncerPart::PublishCallback done;

    void answer(std::size_t index, RelayOutcome outcome)
    {
        AnnouncerPart::PublishCallback finished;
        PublishReport complete;
        {
            const std::lock_guard lock(mutex);
            report.relays[index] = std::move(outcome);
            if (--outstanding > 0) {
                return;
            }
            finished = std::move(done);
            complete = report; // a copy: the collector is done, but stays consistent
        }
        finished(std::move(complete));
    }
};

} // namespace

core::Result<std::unique_ptr<RelayAnnouncer>>
RelayAnnouncer::create(PoolFactory factory, std::vector<std::string> relays, nostr::SecretKey hostKey,
                       std::chrono::milliseconds publishTimeout, Clock clock)
{
    if (relays.empty()) {
        return core::Error{SessionErrc::invalidRequest, "no Nostr relay is configured: add one in the settings"};
    }
    std::unique_ptr<RelayAnnouncer> announcer(new RelayAnnouncer(std::move(factory), std::move(relays),
                                                                 std::move(hostKey), publishTimeout, std::move(clock)));
    for (const std::string& relay : announcer->relays_) {
        auto pool = announcer->factory_(relay);
        if (!pool) {
            return pool.error();
        }
        announcer->pools_.push_back(std::move(*pool));
    }
    return announcer;
}

RelayAnnouncer::RelayAnnouncer(PoolFactory factory, std::vector<std::string> relays, nostr::SecretKey hostKey,
                               std::chrono::milliseconds publishTimeout, Clock clock)
    : factory_(std::move(factory)), relays_(std::move(relays)), hostKey_(std::move(hostKey)),
      publishTimeout_(publishTimeout), clock_(std::move(clock))
{
    if (const auto publicKey = hostKey_.publicKey(); publicKey) {
        hostPublicKeyHex_ = publicKey->toHex();
    }
}

RelayAnnouncer::~RelayAnnouncer() = default;

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
    // A relay that was down at its first connect is never retried by its pool: connect afresh.
    for (std::size_t index = 0; index < pools_.size(); ++index) {
        const auto statuses = pools_[index] ? pools_[index]->relayStatuses() : std::vector<nostr::RelayStatus>{};
        const bool failed =
            !pools_[index] || (!statuses.empty() && statuses.front().state == nostr::RelayConnectionState::failed);
        if (!failed) {
            continue;
        }
        qCInfo(lcSession).noquote() << "connecting to the relay" << QString::fromStdString(relays_[index]) << "again";
        pools_[index].reset();
        if (auto pool = factory_(relays_[index]); pool) {
            pools_[index] = std::move(*pool);
        }
    }

    auto collector = std::make_shared<Collector>();
    collector->report.eventId = signedEvent->id;
    collector->report.createdAt = signedEvent->createdAtUnixSeconds;
    collector->report.relays.resize(relays_.size());
    collector->outstanding = relays_.size();
    collector->done = std::move(done);
    for (std::size_t index = 0; index < relays_.size(); ++index) {
        if (!pools_[index]) {
            collector->answer(index,
                              RelayOutcome{relays_[index], false, "unreachable: the connection could not be set up"});
            continue;
        }
        pools_[index]->publish(
            *signedEvent, publishTimeout_,
            [collector, index, relay = relays_[index]](const std::vector<nostr::PublishOutcome>& outcomes) {
                collector->answer(index, outcomes.empty() ? RelayOutcome{relay, false, "no answer"}
                                                          : outcomeOf(outcomes.front()));
            });
    }
}

} // namespace hoststudio::session
