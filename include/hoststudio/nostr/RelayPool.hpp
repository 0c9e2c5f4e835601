// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// RelayPool: one WebSocketClient per relay URL, all connected in parallel on the NetworkThread.
//
//   net::NetworkThread network;
//   RelayPoolSettings settings;
//   settings.authKey = secretKey;                       // optional: answers NIP-42 challenges
//   auto pool = RelayPool::create(network, {"wss://a", "wss://b"}, settings).value();
//   pool->publish(event, 5s, [](std::vector<PublishOutcome> outcomes) { ... });
//   std::vector<PublishOutcome> outcomes = pool->publishAndWait(event, 5s);   // CLI, tests
//   auto sub = pool->subscribe({filter}, {.onEvent = ..., .onAllEose = ...}, 10s);
//   pool->close(sub);
//   std::vector<Event> events = pool->query({liveActivity.lookupFilter(host)}, 5s).value();
//
// - Each relay's state is connecting → connected, or failed (the first connect did not work,
//   never retried), or disconnected (dropped mid-session; reconnected with core::ReconnectPolicy,
//   then every open subscription is sent again). relayStatuses() shows it with the last error.
// - publish() sends the event to every relay at once and reports once, with one outcome per relay
//   in the order of the URLs: when every relay answered, or at the timeout (timedOut for a relay
//   that is silent, answers only NOTICE, or is still connecting); unreachable for a relay whose
//   connection failed. A slow or dead relay never delays the others' answers being collected:
//   the total time is that of the slowest relay, capped by the timeout.
// - subscribe() sends the REQ to every relay; each event is delivered once (deduplicated by id
//   across relays) and only if its id and signature verify and it matches a filter. EOSE is
//   tracked per relay; onAllEose fires once when every relay sent EOSE (or failed, or CLOSED the
//   subscription), or with timedOut=true when the EOSE timeout passed first.
// - NIP-42: with an authKey, an ["AUTH",challenge] is answered with a signed kind-22242 event;
//   an OK false / CLOSED with "auth-required:" makes the pool authenticate and re-send the event
//   or REQ once. Without a key such answers are reported as they are (rejected / onClosed).
// - Incoming frames above settings.webSocket.maxIncomingMessageBytes close that connection
//   (messageTooLarge; then reconnect as for any drop) and are never parsed.
// - NIP-11: on creation the pool GETs every relay's information document (in parallel with the
//   WebSocket connect, with settings.relayInformationTimeout) and keeps to its `limitation`:
//   an event whose frame is above max_message_length (or content above max_content_length, more
//   tags than max_event_tags) is not sent to that relay and reported as notSent with the reason,
//   instead of the relay dropping the connection; a REQ above max_message_length or with more
//   filters than max_filters is not sent and reported through onClosed ("not sent: …"), its
//   EOSE counted done; each filter's `limit` is lowered to max_limit; at most max_subscriptions
//   subscriptions are open on the connection, the others wait (first come, first served) until
//   one is closed; with auth_required and no authKey, nothing is sent there (notSent / onClosed).
//   Frames wait for the document after the socket opens, but at most
//   settings.relayInformationWait: a relay without NIP-11 (an error answer, a refused or failed
//   fetch) is used at once, a silent one after that wait. relayStatuses() shows the document or
//   why it could not be read.
//
// Owner: any thread; destroy the pool before its NetworkThread, and not from inside one of its
// callbacks. Thread safety: every public method may be called from any thread. Every callback
// runs on the network thread, without the pool's lock held (a callback may call the pool again,
// but must not block on the pool's blocking helpers). publishAndWait() and query() block the
// caller and must not be called on the network thread (they return wrongThread there).

#include "hoststudio/core/ReconnectPolicy.hpp"
#include "hoststudio/core/Result.hpp"
#include "hoststudio/net/WebSocketClient.hpp"
#include "hoststudio/nostr/Event.hpp"
#include "hoststudio/nostr/Filter.hpp"
#include "hoststudio/nostr/Keys.hpp"
#include "hoststudio/nostr/RelayBookkeeping.hpp"
#include "hoststudio/nostr/RelayInformation.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace hoststudio::net {
class NetworkThread;
} // namespace hoststudio::net

namespace hoststudio::nostr {

enum class RelayConnectionState {
    connecting,   // first connect or a reconnect under way
    connected,    // the WebSocket is open
    disconnected, // dropped mid-session; a reconnect is scheduled (or retries ran out)
    failed,       // the first connect failed: not retried
};

[[nodiscard]] std::string_view toString(RelayConnectionState state) noexcept;

struct RelayStatus {
    std::string url;
    RelayConnectionState state = RelayConnectionState::connecting;
    core::Error lastError; // why it failed or dropped last; no error when it never did
    bool authenticated = false;
    int reconnects = 0;                          // successful reconnects after drops
    std::optional<RelayInformation> information; // its NIP-11 document, once read
    core::Error informationError;                // why it could not be read (no document, HTTP error…)
    std::size_t openSubscriptions = 0;           // REQs open on the current connection
    std::size_t waitingSubscriptions = 0;        // held back by max_subscriptions
};

struct RelayPoolSettings {
    net::WebSocketSettings webSocket = net::WebSocketSettings::defaults();
    core::ReconnectConfig reconnect = core::ReconnectConfig::defaults();
    std::optional<SecretKey> authKey;                        // answers NIP-42 challenges when set
    std::size_t deduplicationCapacity = 100000;              // event ids remembered per subscription
    bool fetchRelayInformation = true;                       // NIP-11 document and limits (see above)
    std::chrono::milliseconds relayInformationTimeout{5000}; // the GET of the document
    std::chrono::milliseconds relayInformationWait{1500};    // frames wait at most this for it
};

struct SubscriptionHandlers {
    std::function<void(const Event& event, const std::string& relayUrl)> onEvent;
    std::function<void(const std::string& relayUrl)> onEose;
    // Once: every relay finished its stored events (timedOut false), or the EOSE timeout passed.
    std::function<void(bool timedOut)> onAllEose;
    // The relay ended the subscription (CLOSED) with this reason.
    std::function<void(const std::string& relayUrl, const Reason& reason)> onClosed;
};

using SubscriptionId = std::string;

class RelayPool {
public:
    // invalidArgument without URLs; the TLS errors of WebSocketClient::create. Starts connecting.
    [[nodiscard]] static core::Result<std::unique_ptr<RelayPool>>
    create(net::NetworkThread& thread, std::vector<std::string> relayUrls, RelayPoolSettings settings = {});
    ~RelayPool();
    RelayPool(const RelayPool&) = delete;
    RelayPool& operator=(const RelayPool&) = delete;
    RelayPool(RelayPool&&) = delete;
    RelayPool& operator=(RelayPool&&) = delete;

    [[nodiscard]] std::vector<std::string> relayUrls() const;
    [[nodiscard]] std::vector<RelayStatus> relayStatuses() const;
    // Blocks until no relay is `connecting` any more, or the timeout; true when none is.
    bool waitUntilSettled(std::chrono::milliseconds timeout) const;

    void publish(const Event& event, std::chrono::milliseconds timeout,
                 std::function<void(std::vector<PublishOutcome>)> onDone);
    [[nodiscard]] std::vector<PublishOutcome> publishAndWait(const Event& event, std::chrono::milliseconds timeout);

    // invalidRelayMessage when the filters are empty or cannot be serialized.
    [[nodiscard]] core::Result<SubscriptionId> subscribe(std::vector<Filter> filters, SubscriptionHandlers handlers,
                                                         std::chrono::milliseconds eoseTimeout);
    // Sends CLOSE to every relay and forgets the subscription; no callback of it runs afterwards
    // (unless one is running right now on the network thread).
    void close(const SubscriptionId& subscription);

    // Subscribes, collects the verified, deduplicated events until every relay sent EOSE or the
    // timeout passed, closes. Sorted newest first. Never fails for a silent relay; fails only for
    // invalid filters or on the network thread.
    [[nodiscard]] core::Result<std::vector<Event>> query(std::vector<Filter> filters,
                                                         std::chrono::milliseconds timeout);

    class Core;

private:
    explicit RelayPool(std::shared_ptr<Core> core);
    std::shared_ptr<Core> core_;
};

} // namespace hoststudio::nostr
