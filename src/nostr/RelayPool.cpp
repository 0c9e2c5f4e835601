// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/nostr/RelayPool.hpp"

#include "hoststudio/net/DeadlineThread.hpp"

#include "hoststudio/core/Error.hpp"
#include "hoststudio/net/HttpClient.hpp"
#include "hoststudio/net/NetError.hpp"
#include "hoststudio/net/NetworkThread.hpp"
#include "hoststudio/nostr/NostrError.hpp"
#include "hoststudio/nostr/RelayMessage.hpp"

#include <algorithm>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <variant>

namespace hoststudio::nostr {

using Clock = std::chrono::steady_clock;
using Deferred = std::vector<std::function<void()>>;

std::string_view toString(RelayConnectionState state) noexcept
{
    switch (state) {
    case RelayConnectionState::connecting: return "connecting";
    case RelayConnectionState::connected: return "connected";
    case RelayConnectionState::disconnected: return "disconnected";
    case RelayConnectionState::failed: return "failed";
    }
    return "unknown";
}

namespace {

std::int64_t nowUnixSeconds()
{
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

void runAll(Deferred& deferred)
{
    for (std::function<void()>& work : deferred) {
        work();
    }
}

} // namespace

class RelayPool::Core : public std::enable_shared_from_this<RelayPool::Core> {
public:
    Core(net::NetworkThread& thread, std::vector<std::string> urls, RelayPoolSettings poolSettings)
        : networkThread(thread), settings(std::move(poolSettings))
    {
        for (std::string& url : urls) {
            auto relay = std::make_unique<Relay>(settings.reconnect);
            relay->url = std::move(url);
            relays.push_back(std::move(relay));
        }
    }

    struct Relay {
        explicit Relay(const core::ReconnectConfig& config) : policy(config) {}
        std::string url;
        std::unique_ptr<net::WebSocketClient> client;
        RelayConnectionState state = RelayConnectionState::connecting;
        core::Error lastError;
        bool everConnected = false;
        bool gaveUp = false; // failed first connect, or no more retries: nothing will come
        bool authenticated = false;
        int reconnects = 0;
        core::ReconnectPolicy policy;
        std::uint64_t generation = 0;          // handlers of replaced clients are ignored
        std::string authEventId;               // our latest kind-22242 answer
        std::vector<std::string> awaitingAuth; // frames to re-send once AUTH is accepted
        bool ready = false;                    // connected and done waiting for NIP-11: frames go out
        bool informationSettled = false;       // the NIP-11 fetch answered, failed or was not made
        std::optional<RelayInformation> information;
        core::Error informationError;
        SubscriptionSlots openRequests; // REQs open on this connection (max_subscriptions)

        [[nodiscard]] const RelayLimitation& limits() const
        {
            static const RelayLimitation none;
            return information ? information->limitation : none;
        }
    };

    struct PendingPublish {
        Event event;
        std::string frame;
        std::vector<std::optional<PublishOutcome>> outcomes;
        std::vector<bool> authRetried;
        std::function<void(std::vector<PublishOutcome>)> onDone;
    };

    struct Subscription {
        SubscriptionId id;
        std::uint64_t serial = 0; // creation order: the order REQs are (re)sent and queued in
        std::vector<Filter> filters;
        std::string requestFrame;
        std::string closeFrame;
        SubscriptionHandlers handlers;
        EventDeduplicator deduplicator;
        EoseTracker eose;
        bool allEoseReported = false;
        std::unordered_set<std::size_t> authRetried;
        std::unordered_set<std::size_t> refused; // relays whose limits forbid this REQ
    };

    // ---- connections (lock held) ----

    core::Status connectRelay(std::size_t index)
    {
        Relay& relay = *relays[index];
        core::Result<std::unique_ptr<net::WebSocketClient>> client =
            net::WebSocketClient::create(networkThread, settings.webSocket);
        if (!client) {
            return client.error();
        }
        relay.client = std::move(client).value();
        relay.state = RelayConnectionState::connecting;
        relay.authenticated = false;
        relay.gaveUp = false;
        const std::uint64_t generation = ++relay.generation;
        std::weak_ptr<Core> weak = weak_from_this();
        relay.client->connect(relay.url, net::WebSocketHandlers{
                                             .onConnected =
                                                 [weak, index, generation](const core::Status& status) {
                                                     if (auto self = weak.lock()) {
                                                         self->onConnected(index, generation, status);
                                                     }
                                                 },
                                             .onMessage =
                                                 [weak, index, generation](const net::WebSocketMessage& message) {
                                                     if (auto self = weak.lock()) {
                                                         self->onMessage(index, generation, message.data);
                                                     }
                                                 },
                                             .onClosed =
                                                 [weak, index, generation](const core::Error& why) {
                                                     if (auto self = weak.lock()) {
                                                         self->onClosed(index, generation, why);
                                                     }
                                                 },
                                         });
        return {};
    }

    void sendTo(std::size_t index, const std::string& frame)
    {
        Relay& relay = *relays[index];
        if (relay.client && relay.ready) {
            (void)relay.client->send(frame);
        }
    }

    void scheduleReconnect(std::size_t index, Deferred& deferred)
    {
        Relay& relay = *relays[index];
        const core::RetryDecision decision = relay.policy.onFailure(core::FailurePhase::midSession);
        if (decision.verdict != core::RetryVerdict::retry) {
            giveUpOn(index, deferred);
            return;
        }
        const std::uint64_t generation = relay.generation;
        std::weak_ptr<Core> weak = weak_from_this();
        net::NetworkThread* thread = &networkThread;
        deadlines.schedule(Clock::now() + decision.delay, [weak, thread, index, generation] {
            thread->post([weak, index, generation] {
                if (auto self = weak.lock()) {
                    const std::lock_guard lock(self->mutex);
                    if (!self->stopping && self->relays[index]->generation == generation) {
                        if (core::Status started = self->connectRelay(index); !started) {
                            self->relays[index]->lastError = started.error();
                        }
                    }
                }
            });
        });
    }

    // The relay will not answer (failed first connect, retries exhausted): unreachable for what
    // waits on it, EOSE done for its subscriptions.
    void giveUpOn(std::size_t index, Deferred& deferred)
    {
        Relay& relay = *relays[index];
        relay.gaveUp = true;
        for (auto& [serial, pending] : publishes) {
            if (!pending.outcomes[index]) {
                pending.outcomes[index] = PublishOutcome{relay.url, PublishOutcomeKind::unreachable, ReasonPrefix::none,
                                                         relay.lastError.describe()};
            }
        }
        completePublishes(deferred);
        for (auto& [id, subscription] : subscriptions) {
            markEose(subscription, relay.url, deferred);
        }
        cvSettled.notify_all();
    }

    // ---- network-thread handlers ----

    void onConnected(std::size_t index, std::uint64_t generation, const core::Status& status)
    {
        Deferred deferred;
        {
            const std::lock_guard lock(mutex);
            Relay& relay = *relays[index];
            if (stopping || relay.generation != generation) {
                return;
            }
            if (status) {
                if (relay.everConnected) {
                    ++relay.reconnects;
                }
                relay.everConnected = true;
                relay.state = RelayConnectionState::connected;
                relay.ready = false;
                relay.policy.onConnected();
                if (relay.informationSettled) {
                    becomeReady(index, deferred);
                } else {
                    after(settings.relayInformationWait,
                          [index, generation](Core& self) { self.informationWaitOver(index, generation); });
                }
            } else {
                relay.ready = false;
                relay.lastError = status.error().withContext("relay " + relay.url);
                if (relay.everConnected) {
                    relay.state = RelayConnectionState::disconnected;
                    scheduleReconnect(index, deferred);
                } else {
                    relay.state = RelayConnectionState::failed;
                    (void)relay.policy.onFailure(core::FailurePhase::firstConnect);
                    giveUpOn(index, deferred);
                }
            }
            cvSettled.notify_all();
        }
        runAll(deferred);
    }

    void onClosed(std::size_t index, std::uint64_t generation, const core::Error& why)
    {
        Deferred deferred;
        {
            const std::lock_guard lock(mutex);
            Relay& relay = *relays[index];
            if (stopping || relay.generation != generation) {
                return;
            }
            relay.state = RelayConnectionState::disconnected;
            relay.ready = false;
            relay.openRequests.reset();
            relay.authenticated = false;
            relay.awaitingAuth.clear();
            if (!why) {
                return;
            }
            relay.lastError = why.withContext("relay " + relay.url);
            // Stored events of this relay may never end now; do not hold "all EOSE" up for it.
            for (auto& [id, subscription] : subscriptions) {
                markEose(subscription, relay.url, deferred);
            }
            scheduleReconnect(index, deferred);
        }
        runAll(deferred);
    }

    void onMessage(std::size_t index, std::uint64_t generation, const std::string& text)
    {
        Deferred deferred;
        {
            const std::lock_guard lock(mutex);
            Relay& relay = *relays[index];
            if (stopping || relay.generation != generation) {
                return;
            }
            core::Result<RelayMessage> parsed = parseRelayMessage(text, settings.webSocket.maxIncomingMessageBytes);
            if (!parsed) {
                return; // a malformed frame is ignored; the relay stays usable
            }
            std::visit([&](auto& message) { handle(index, message, deferred); }, parsed.value());
        }
        runAll(deferred);
    }

    void handle(std::size_t index, RelayEventMessage& message, Deferred& deferred)
    {
        const auto found = subscriptions.find(message.subscriptionId);
        if (found == subscriptions.end()) {
            return;
        }
        Subscription& subscription = found->second;
        const bool matches = std::any_of(subscription.filters.begin(), subscription.filters.end(),
                                         [&](const Filter& filter) { return filter.matches(message.event); });
        if (!matches || !verify(message.event)) {
            return;
        }
        if (!subscription.deduplicator.firstSighting(message.event.id) || !subscription.handlers.onEvent) {
            return;
        }
        deferred.emplace_back([handler = subscription.handlers.onEvent, event = std::move(message.event),
                               url = relays[index]->url] { handler(event, url); });
    }

    void handle(std::size_t index, RelayOkMessage& message, Deferred& deferred)
    {
        Relay& relay = *relays[index];
        if (!relay.authEventId.empty() && message.eventId == relay.authEventId) {
            if (message.accepted) {
                relay.authenticated = true;
                for (const std::string& frame : relay.awaitingAuth) {
                    sendTo(index, frame);
                }
                relay.awaitingAuth.clear();
            } else {
                relay.lastError =
                    core::Error{NostrErrc::authRequired, "relay " + relay.url + ": AUTH refused: " + message.message};
            }
            return;
        }
        for (auto& [serial, pending] : publishes) {
            if (pending.event.id != message.eventId || pending.outcomes[index]) {
                continue;
            }
            PublishOutcome outcome = classifyOk(relay.url, message);
            if (outcome.kind == PublishOutcomeKind::rejected && outcome.prefix == ReasonPrefix::authRequired &&
                settings.authKey && !pending.authRetried[index]) {
                pending.authRetried[index] = true;
                if (relay.authenticated) {
                    sendTo(index, pending.frame);
                } else {
                    relay.awaitingAuth.push_back(pending.frame);
                }
                continue;
            }
            pending.outcomes[index] = std::move(outcome);
        }
        completePublishes(deferred);
    }

    void handle(std::size_t index, RelayEndOfStoredEventsMessage& message, Deferred& deferred)
    {
        const auto found = subscriptions.find(message.subscriptionId);
        if (found == subscriptions.end()) {
            return;
        }
        if (found->second.handlers.onEose && !found->second.eose.isDone(relays[index]->url)) {
            deferred.emplace_back(
                [handler = found->second.handlers.onEose, url = relays[index]->url] { handler(url); });
        }
        markEose(found->second, relays[index]->url, deferred);
    }

    void handle(std::size_t index, RelayClosedMessage& message, Deferred& deferred)
    {
        const auto found = subscriptions.find(message.subscriptionId);
        if (found == subscriptions.end()) {
            return;
        }
        Subscription& subscription = found->second;
        Relay& relay = *relays[index];
        const Reason reason = message.reason();
        if (reason.prefix == ReasonPrefix::authRequired && settings.authKey &&
            !subscription.authRetried.contains(index)) {
            subscription.authRetried.insert(index);
            const core::Result<std::string> frame = requestFrameFor(index, subscription);
            if (!frame) {
                return;
            }
            if (relay.authenticated) {
                sendTo(index, frame.value());
            } else {
                relay.awaitingAuth.push_back(frame.value());
            }
            return;
        }
        sendRequests(index, relay.openRequests.release(subscription.id)); // its slot is free again
        if (subscription.handlers.onClosed) {
            deferred.emplace_back(
                [handler = subscription.handlers.onClosed, url = relay.url, reason] { handler(url, reason); });
        }
        markEose(subscription, relay.url, deferred);
    }

    void handle(std::size_t /*index*/, RelayNoticeMessage& /*message*/, Deferred& /*deferred*/) {}

    void handle(std::size_t index, RelayAuthChallengeMessage& message, Deferred& /*deferred*/)
    {
        Relay& relay = *relays[index];
        if (!settings.authKey) {
            return;
        }
        core::Result<Event> signedAuth =
            sign(makeAuthEventTemplate(relay.url, message.challenge, nowUnixSeconds()), *settings.authKey);
        if (!signedAuth) {
            relay.lastError = signedAuth.error();
            return;
        }
        core::Result<std::string> frame = serializeMessage(ClientMessage{ClientAuthMessage{signedAuth.value()}});
        if (!frame) {
            relay.lastError = frame.error();
            return;
        }
        relay.authEventId = signedAuth->id;
        relay.authenticated = false;
        sendTo(index, frame.value());
    }

    // ---- NIP-11 and limits (lock held unless said otherwise) ----

    void fetchInformation(std::size_t index)
    {
        Relay& relay = *relays[index];
        core::Result<std::string> url = relayInformationUrl(relay.url);
        if (!http || !url) {
            relay.informationSettled = true;
            relay.informationError = http ? url.error() : core::Error{};
            return;
        }
        std::weak_ptr<Core> weak = weak_from_this();
        http->request(net::HttpRequest::make(net::HttpMethod::get, url.value())
                          .withHeader("Accept", "application/nostr+json")
                          .withTimeout(settings.relayInformationTimeout),
                      [weak, index, url = url.value()](core::Result<net::HttpResponse> response) {
                          auto self = weak.lock();
                          if (!self) {
                              return;
                          }
                          core::Result<RelayInformation> information =
                              !response ? core::Result<RelayInformation>(response.error())
                              : !response->isSuccess()
                                  ? core::Result<RelayInformation>(core::Error{
                                        net::NetErrc::httpStatus,
                                        "no NIP-11 document at " + url + ": HTTP " + std::to_string(response->status)})
                                  : parseRelayInformation(response->body);
                          self->onInformation(index, std::move(information));
                      });
    }

    // On the network thread: the NIP-11 fetch of relay `index` is over.
    void onInformation(std::size_t index, core::Result<RelayInformation> information)
    {
        Deferred deferred;
        {
            const std::lock_guard lock(mutex);
            if (stopping) {
                return;
            }
            Relay& relay = *relays[index];
            relay.informationSettled = true;
            if (information) {
                relay.information = std::move(information).value();
                relay.openRequests.setLimit(relay.information->limitation.maxSubscriptions);
            } else {
                relay.informationError = information.error().withContext("NIP-11 of relay " + relay.url);
            }
            if (relay.state == RelayConnectionState::connected && !relay.ready) {
                becomeReady(index, deferred);
            }
        }
        runAll(deferred);
    }

    // On the network thread: the socket opened a while ago and NIP-11 has not answered yet.
    void informationWaitOver(std::size_t index, std::uint64_t generation)
    {
        Deferred deferred;
        {
            const std::lock_guard lock(mutex);
            Relay& relay = *relays[index];
            if (stopping || relay.generation != generation || relay.state != RelayConnectionState::connected ||
                relay.ready) {
                return;
            }
            becomeReady(index, deferred);
        }
        runAll(deferred);
    }

    // The connection is open and the limits are known (or will not be): send every open
    // subscription's REQ (first time, or again after a drop) and every unanswered event.
    void becomeReady(std::size_t index, Deferred& deferred)
    {
        Relay& relay = *relays[index];
        relay.ready = true;
        relay.openRequests.reset();
        std::vector<Subscription*> ordered;
        ordered.reserve(subscriptions.size());
        for (auto& [id, subscription] : subscriptions) {
            ordered.push_back(&subscription);
        }
        std::sort(ordered.begin(), ordered.end(),
                  [](const Subscription* left, const Subscription* right) { return left->serial < right->serial; });
        for (Subscription* subscription : ordered) {
            openSubscriptionOn(index, *subscription, deferred);
        }
        for (auto& [serial, pending] : publishes) {
            if (!pending.outcomes[index]) {
                sendPublishTo(index, pending);
            }
        }
        completePublishes(deferred);
    }

    [[nodiscard]] core::Result<std::string> requestFrameFor(std::size_t index, const Subscription& subscription) const
    {
        const RelayLimitation& limits = relays[index]->limits();
        if (!limits.maxLimit) {
            return subscription.requestFrame;
        }
        return serializeMessage(
            ClientMessage{ClientRequestMessage{subscription.id, clampToMaxLimit(subscription.filters, limits)}});
    }

    // Sends the REQ when the limits allow it and a slot is free; otherwise it waits for a slot,
    // or is refused for this relay (onClosed "not sent: …", EOSE done).
    void openSubscriptionOn(std::size_t index, Subscription& subscription, Deferred& deferred)
    {
        Relay& relay = *relays[index];
        if (!relay.ready || subscription.refused.contains(index)) {
            return;
        }
        const core::Result<std::string> frame = requestFrameFor(index, subscription);
        std::optional<std::string> refusal;
        if (!frame) {
            refusal = frame.error().describe();
        } else {
            refusal = requestRefusal(relay.limits(), subscription.filters.size(), frame->size(),
                                     settings.authKey.has_value());
        }
        if (refusal) {
            subscription.refused.insert(index);
            if (subscription.handlers.onClosed) {
                deferred.emplace_back(
                    [handler = subscription.handlers.onClosed, url = relay.url,
                     reason = Reason{ReasonPrefix::none, "not sent: " + *refusal}] { handler(url, reason); });
            }
            markEose(subscription, relay.url, deferred);
            return;
        }
        if (relay.openRequests.request(subscription.id)) {
            sendTo(index, frame.value());
        }
    }

    // REQs of subscriptions that just got a slot on relay `index`.
    void sendRequests(std::size_t index, const std::vector<std::string>& ids)
    {
        for (const std::string& id : ids) {
            const auto found = subscriptions.find(id);
            if (found == subscriptions.end()) {
                continue;
            }
            if (const core::Result<std::string> frame = requestFrameFor(index, found->second); frame) {
                sendTo(index, frame.value());
            }
        }
    }

    // Sends the event unless the relay's limits forbid it (then its outcome is notSent).
    void sendPublishTo(std::size_t index, PendingPublish& pending)
    {
        const Relay& relay = *relays[index];
        if (std::optional<std::string> refusal =
                eventRefusal(relay.limits(), pending.event, pending.frame.size(), settings.authKey.has_value())) {
            pending.outcomes[index] =
                PublishOutcome{relay.url, PublishOutcomeKind::notSent, ReasonPrefix::none, "not sent: " + *refusal};
            return;
        }
        sendTo(index, pending.frame);
    }

    // ---- bookkeeping (lock held) ----

    void markEose(Subscription& subscription, const std::string& url, Deferred& deferred)
    {
        if (subscription.eose.markDone(url) && !subscription.allEoseReported) {
            subscription.allEoseReported = true;
            if (subscription.handlers.onAllEose) {
                deferred.emplace_back([handler = subscription.handlers.onAllEose] { handler(false); });
            }
        }
    }

    void completePublishes(Deferred& deferred)
    {
        for (auto it = publishes.begin(); it != publishes.end();) {
            PendingPublish& pending = it->second;
            const bool complete = std::all_of(pending.outcomes.begin(), pending.outcomes.end(),
                                              [](const auto& outcome) { return outcome.has_value(); });
            if (!complete) {
                ++it;
                continue;
            }
            std::vector<PublishOutcome> outcomes;
            outcomes.reserve(pending.outcomes.size());
            for (auto& outcome : pending.outcomes) {
                outcomes.push_back(std::move(*outcome));
            }
            if (pending.onDone) {
                deferred.emplace_back([handler = std::move(pending.onDone), outcomes = std::move(outcomes)]() mutable {
                    handler(std::move(outcomes));
                });
            }
            it = publishes.erase(it);
        }
    }

    void publishDeadline(std::uint64_t serial, std::chrono::milliseconds timeout)
    {
        Deferred deferred;
        {
            const std::lock_guard lock(mutex);
            const auto found = publishes.find(serial);
            if (stopping || found == publishes.end()) {
                return;
            }
            for (std::size_t index = 0; index < relays.size(); ++index) {
                if (found->second.outcomes[index]) {
                    continue;
                }
                const Relay& relay = *relays[index];
                std::string why = "no OK within " + std::to_string(timeout.count()) + " ms";
                if (relay.state != RelayConnectionState::connected) {
                    why += " (" + std::string(toString(relay.state)) + ")";
                }
                found->second.outcomes[index] =
                    PublishOutcome{relay.url, PublishOutcomeKind::timedOut, ReasonPrefix::none, std::move(why)};
            }
            completePublishes(deferred);
        }
        runAll(deferred);
    }

    void eoseDeadline(const SubscriptionId& id)
    {
        std::function<void(bool)> handler;
        {
            const std::lock_guard lock(mutex);
            const auto found = subscriptions.find(id);
            if (stopping || found == subscriptions.end() || found->second.allEoseReported) {
                return;
            }
            found->second.allEoseReported = true;
            handler = found->second.handlers.onAllEose;
        }
        if (handler) {
            handler(true);
        }
    }

    // Runs `work` on the network thread after `delay`, if the core still exists.
    template <typename Work> void after(std::chrono::milliseconds delay, Work work)
    {
        std::weak_ptr<Core> weak = weak_from_this();
        net::NetworkThread* thread = &networkThread;
        deadlines.schedule(Clock::now() + delay, [weak, thread, work = std::move(work)]() mutable {
            thread->post([weak, work]() mutable {
                if (auto self = weak.lock()) {
                    work(*self);
                }
            });
        });
    }

    net::NetworkThread& networkThread;
    const RelayPoolSettings settings;
    net::DeadlineThread deadlines;
    std::unique_ptr<net::HttpClient> http; // NIP-11 documents; null when not fetched

    mutable std::mutex mutex;
    mutable std::condition_variable cvSettled;
    bool stopping = false;
    std::vector<std::unique_ptr<Relay>> relays;
    std::map<std::uint64_t, PendingPublish> publishes;
    std::uint64_t nextSerial = 1;
    std::unordered_map<SubscriptionId, Subscription> subscriptions;
    std::uint64_t nextSubscription = 1;
};

core::Result<std::unique_ptr<RelayPool>>
RelayPool::create(net::NetworkThread& thread, std::vector<std::string> relayUrls, RelayPoolSettings settings)
{
    if (relayUrls.empty()) {
        return core::Error{core::CoreErrc::invalidArgument, "a relay pool needs at least one relay URL"};
    }
    if (std::string why = settings.reconnect.validationError(); !why.empty()) {
        return core::Error{core::CoreErrc::invalidArgument, why};
    }
    auto poolCore = std::make_shared<Core>(thread, std::move(relayUrls), std::move(settings));
    if (poolCore->settings.fetchRelayInformation) {
        net::HttpClientSettings httpSettings = net::HttpClientSettings::defaults();
        httpSettings.tls = poolCore->settings.webSocket.tls;
        httpSettings.connectTimeout = poolCore->settings.relayInformationTimeout;
        httpSettings.maxResponseBytes = std::size_t{256} * 1024;
        httpSettings.userAgent = poolCore->settings.webSocket.userAgent;
        core::Result<std::unique_ptr<net::HttpClient>> http = net::HttpClient::create(thread, httpSettings);
        if (!http) {
            return http.error();
        }
        poolCore->http = std::move(http).value();
    }
    {
        const std::lock_guard lock(poolCore->mutex);
        for (std::size_t index = 0; index < poolCore->relays.size(); ++index) {
            poolCore->fetchInformation(index);
            if (core::Status started = poolCore->connectRelay(index); !started) {
                poolCore->stopping = true;
                return started.error();
            }
        }
    }
    return std::unique_ptr<RelayPool>(new RelayPool(std::move(poolCore)));
}

RelayPool::RelayPool(std::shared_ptr<Core> core) : core_(std::move(core))
{}

RelayPool::~RelayPool()
{
    std::vector<std::unique_ptr<net::WebSocketClient>> clients;
    std::unique_ptr<net::HttpClient> http;
    {
        const std::lock_guard lock(core_->mutex);
        core_->stopping = true;
        for (auto& relay : core_->relays) {
            clients.push_back(std::move(relay->client));
        }
        http = std::move(core_->http);
        core_->publishes.clear();
        core_->subscriptions.clear();
    }
    core_->deadlines.stop();
    clients.clear(); // waits for a handler running on the network thread; none runs after
    http.reset();    // cancels a NIP-11 fetch; its callback finds the pool stopping
}

std::vector<std::string> RelayPool::relayUrls() const
{
    const std::lock_guard lock(core_->mutex);
    std::vector<std::string> urls;
    for (const auto& relay : core_->relays) {
        urls.push_back(relay->url);
    }
    return urls;
}

std::vector<RelayStatus> RelayPool::relayStatuses() const
{
    const std::lock_guard lock(core_->mutex);
    std::vector<RelayStatus> statuses;
    for (const auto& relay : core_->relays) {
        statuses.push_back(RelayStatus{relay->url, relay->state, relay->lastError, relay->authenticated,
                                       relay->reconnects, relay->information, relay->informationError,
                                       relay->openRequests.openCount(), relay->openRequests.waitingCount()});
    }
    return statuses;
}

bool RelayPool::waitUntilSettled(std::chrono::milliseconds timeout) const
{
    std::unique_lock lock(core_->mutex);
    return core_->cvSettled.wait_for(lock, timeout, [this] {
        return std::none_of(core_->relays.begin(), core_->relays.end(),
                            [](const auto& relay) { return relay->state == RelayConnectionState::connecting; });
    });
}

void RelayPool::publish(const Event& event, std::chrono::milliseconds timeout,
                        std::function<void(std::vector<PublishOutcome>)> onDone)
{
    Deferred deferred;
    std::uint64_t serial = 0;
    {
        const std::lock_guard lock(core_->mutex);
        Core::PendingPublish pending;
        pending.event = event;
        pending.outcomes.resize(core_->relays.size());
        pending.authRetried.resize(core_->relays.size(), false);
        pending.onDone = std::move(onDone);
        const core::Result<std::string> frame = serializeMessage(ClientMessage{ClientEventMessage{event}});
        if (frame) {
            pending.frame = frame.value();
        }
        for (std::size_t index = 0; index < core_->relays.size(); ++index) {
            const Core::Relay& relay = *core_->relays[index];
            if (!frame) {
                pending.outcomes[index] = PublishOutcome{relay.url, PublishOutcomeKind::rejected, ReasonPrefix::invalid,
                                                         "not sent: " + frame.error().describe()};
            } else if (relay.gaveUp) {
                pending.outcomes[index] = PublishOutcome{relay.url, PublishOutcomeKind::unreachable, ReasonPrefix::none,
                                                         relay.lastError.describe()};
            }
        }
        serial = core_->nextSerial++;
        for (std::size_t index = 0; index < core_->relays.size(); ++index) {
            if (!pending.outcomes[index] && core_->relays[index]->ready) {
                core_->sendPublishTo(index, pending); // a connecting relay gets it when it is ready
            }
        }
        core_->publishes.emplace(serial, std::move(pending));
        core_->completePublishes(deferred);
    }
    if (!deferred.empty()) {
        core_->networkThread.post([deferred = std::move(deferred)]() mutable { runAll(deferred); });
        return;
    }
    core_->after(timeout, [serial, timeout](Core& self) { self.publishDeadline(serial, timeout); });
}

std::vector<PublishOutcome> RelayPool::publishAndWait(const Event& event, std::chrono::milliseconds timeout)
{
    std::vector<std::string> urls = relayUrls();
    if (core_->networkThread.isCurrentThread()) {
        std::vector<PublishOutcome> refused;
        refused.reserve(urls.size());
        for (std::string& url : urls) {
            refused.push_back(PublishOutcome{std::move(url), PublishOutcomeKind::rejected, ReasonPrefix::error,
                                             "publishAndWait() called on the network thread"});
        }
        return refused;
    }
    struct Shared {
        std::mutex mutex;
        std::condition_variable done;
        std::optional<std::vector<PublishOutcome>> outcomes;
    };
    auto shared = std::make_shared<Shared>();
    publish(event, timeout, [shared](std::vector<PublishOutcome> outcomes) {
        {
            const std::lock_guard lock(shared->mutex);
            shared->outcomes = std::move(outcomes);
        }
        shared->done.notify_all();
    });
    std::unique_lock lock(shared->mutex);
    if (!shared->done.wait_for(lock, timeout + std::chrono::seconds(2), [&] { return shared->outcomes.has_value(); })) {
        std::vector<PublishOutcome> lost;
        lost.reserve(urls.size());
        for (std::string& url : urls) {
            lost.push_back(PublishOutcome{std::move(url), PublishOutcomeKind::timedOut, ReasonPrefix::none,
                                          "the network thread did not answer"});
        }
        return lost;
    }
    return std::move(*shared->outcomes);
}

core::Result<SubscriptionId> RelayPool::subscribe(std::vector<Filter> filters, SubscriptionHandlers handlers,
                                                  std::chrono::milliseconds eoseTimeout)
{
    Deferred deferred;
    SubscriptionId id;
    {
        const std::lock_guard lock(core_->mutex);
        id = "hs" + std::to_string(core_->nextSubscription++);
        core::Result<std::string> request = serializeMessage(ClientMessage{ClientRequestMessage{id, filters}});
        if (!request) {
            return request.error();
        }
        core::Result<std::string> closeFrame = serializeMessage(ClientMessage{ClientCloseMessage{id}});
        if (!closeFrame) {
            return closeFrame.error();
        }
        std::vector<std::string> urls;
        for (const auto& relay : core_->relays) {
            urls.push_back(relay->url);
        }
        Core::Subscription subscription{id,
                                        core_->nextSubscription,
                                        std::move(filters),
                                        std::move(request).value(),
                                        std::move(closeFrame).value(),
                                        std::move(handlers),
                                        EventDeduplicator{core_->settings.deduplicationCapacity},
                                        EoseTracker{urls},
                                        false,
                                        {},
                                        {}};
        auto [it, inserted] = core_->subscriptions.emplace(id, std::move(subscription));
        for (std::size_t index = 0; index < core_->relays.size(); ++index) {
            const Core::Relay& relay = *core_->relays[index];
            if (relay.gaveUp) {
                core_->markEose(it->second, relay.url, deferred);
            } else {
                core_->openSubscriptionOn(index, it->second, deferred); // or when it is ready
            }
        }
    }
    if (!deferred.empty()) {
        core_->networkThread.post([deferred = std::move(deferred)]() mutable { runAll(deferred); });
    }
    core_->after(eoseTimeout, [id](Core& self) { self.eoseDeadline(id); });
    return id;
}

void RelayPool::close(const SubscriptionId& subscription)
{
    const std::lock_guard lock(core_->mutex);
    const auto found = core_->subscriptions.find(subscription);
    if (found == core_->subscriptions.end()) {
        return;
    }
    const std::string closeFrame = found->second.closeFrame;
    core_->subscriptions.erase(found);
    for (std::size_t index = 0; index < core_->relays.size(); ++index) {
        Core::Relay& relay = *core_->relays[index];
        if (relay.openRequests.isOpen(subscription)) {
            core_->sendTo(index, closeFrame);
        }
        core_->sendRequests(index, relay.openRequests.release(subscription)); // a waiting one takes the slot
    }
}

core::Result<std::vector<Event>> RelayPool::query(std::vector<Filter> filters, std::chrono::milliseconds timeout)
{
    if (core_->networkThread.isCurrentThread()) {
        return core::Error{net::NetErrc::wrongThread, "RelayPool::query() called on the network thread"};
    }
    struct Shared {
        std::mutex mutex;
        std::condition_variable done;
        std::vector<Event> events;
        bool finished = false;
    };
    auto shared = std::make_shared<Shared>();
    SubscriptionHandlers handlers;
    handlers.onEvent = [shared](const Event& event, const std::string& /*relayUrl*/) {
        const std::lock_guard lock(shared->mutex);
        shared->events.push_back(event);
    };
    handlers.onAllEose = [shared](bool /*timedOut*/) {
        {
            const std::lock_guard lock(shared->mutex);
            shared->finished = true;
        }
        shared->done.notify_all();
    };
    core::Result<SubscriptionId> id = subscribe(std::move(filters), std::move(handlers), timeout);
    if (!id) {
        return id.error();
    }
    {
        std::unique_lock lock(shared->mutex);
        shared->done.wait_for(lock, timeout + std::chrono::seconds(2), [&] { return shared->finished; });
    }
    close(id.value());
    std::vector<Event> events;
    {
        const std::lock_guard lock(shared->mutex);
        events = shared->events;
    }
    std::stable_sort(events.begin(), events.end(), [](const Event& left, const Event& right) {
        return left.createdAtUnixSeconds > right.createdAtUnixSeconds;
    });
    return events;
}

} // namespace hoststudio::nostr
