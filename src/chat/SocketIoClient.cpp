// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/chat/SocketIoClient.hpp"

#include "hoststudio/net/DeadlineThread.hpp"

#include "hoststudio/chat/ChatError.hpp"
#include "hoststudio/chat/SocketIoPacket.hpp"
#include "hoststudio/core/Error.hpp"
#include "hoststudio/net/NetError.hpp"
#include "hoststudio/net/NetworkThread.hpp"
#include "hoststudio/net/Url.hpp"

#include <map>
#include <mutex>
#include <utility>
#include <vector>

namespace hoststudio::chat {

std::string_view toString(SocketIoState state) noexcept
{
    switch (state) {
    case SocketIoState::disconnected: return "disconnected";
    case SocketIoState::connecting: return "connecting";
    case SocketIoState::connected: return "connected";
    case SocketIoState::reconnecting: return "reconnecting";
    case SocketIoState::closed: return "closed";
    }
    return "unknown";
}

namespace {

using Clock = std::chrono::steady_clock;

enum class Phase { idle, awaitingWebSocket, awaitingOpen, awaitingNamespace, ready };

// What a locked section leaves to do once the lock is released: WebSocket clients to destroy
// (their destructor waits for a running handler, which may wait for the lock) and callbacks to post.
struct Actions {
    std::vector<std::unique_ptr<net::WebSocketClient>> retired;
    std::vector<std::function<void()>> posts;
};

std::string bytesText(std::size_t bytes)
{
    return std::to_string(bytes) + " bytes";
}

} // namespace

class SocketIoClient::Core : public std::enable_shared_from_this<SocketIoClient::Core> {
public:
    Core(net::NetworkThread& thread, SocketIoSettings clientSettings)
        : networkThread(thread), settings(std::move(clientSettings)), outgoingCap(settings.maxMessageBytes),
          policy(settings.reconnect, settings.reconnectJitterSeed)
    {}

    ~Core() { deadlines.stop(); }
    Core(const Core&) = delete;
    Core& operator=(const Core&) = delete;
    Core(Core&&) = delete;
    Core& operator=(Core&&) = delete;

    struct PendingAck {
        SocketIoAckCallback callback;
        std::string event;
    };

    net::NetworkThread& networkThread;
    const SocketIoSettings settings;

    mutable std::mutex mutex;
    SocketIoState state = SocketIoState::disconnected; // guarded by mutex (and every field below)
    Phase phase = Phase::idle;
    std::uint64_t generation = 0; // one per connection attempt; handlers of older ones are ignored
    bool connectCalled = false;
    bool stopping = false;
    std::unique_ptr<net::WebSocketClient> webSocket;
    std::string safeUrl;
    std::string engineUrlText;
    std::string nameSpace = "/";
    std::string socketId;
    EngineOpen open;
    std::size_t outgoingCap;
    Clock::time_point heartbeatDeadline{};
    std::optional<SocketPacket> pendingBinary;
    std::vector<std::string> pendingAttachments;
    std::map<std::uint64_t, PendingAck> acks;
    std::uint64_t nextAckId = 0;
    core::ReconnectPolicy policy;
    core::Error lastError;

    std::recursive_mutex callbackMutex;
    SocketIoHandlers handlers;     // guarded by callbackMutex
    bool callbacksCleared = false; // guarded by callbackMutex

    net::DeadlineThread deadlines;

    // ---- helpers (the lock held, except finish(), which runs after it is released) ----

    void finish(Actions& actions)
    {
        actions.retired.clear();
        for (std::function<void()>& work : actions.posts) {
            networkThread.post(std::move(work));
        }
        actions.posts.clear();
    }

    template <typename Invoke> void notify(Actions& actions, Invoke invoke)
    {
        actions.posts.emplace_back([weak = weak_from_this(), invoke = std::move(invoke)]() mutable {
            const std::shared_ptr<Core> self = weak.lock();
            if (!self) {
                return;
            }
            const std::lock_guard lock(self->callbackMutex);
            if (!self->callbacksCleared) {
                invoke(self->handlers);
            }
        });
    }

    void setState(SocketIoState next, Actions& actions)
    {
        if (state == next) {
            return;
        }
        state = next;
        qCDebug(lcChat) << "socket.io" << safeUrl.c_str() << "state:" << toString(next).data();
        notify(actions, [next](const SocketIoHandlers& current) {
            if (auto handler = current.onStateChanged) {
                handler(next);
            }
        });
    }

    void after(std::chrono::milliseconds delay, std::function<void(Core&, Actions&)> work)
    {
        deadlines.schedule(Clock::now() + delay,
                           [weak = weak_from_this(), thread = &networkThread, work = std::move(work)]() mutable {
                               thread->post([weak, work = std::move(work)] {
                                   if (const std::shared_ptr<Core> self = weak.lock()) {
                                       Actions actions;
                                       {
                                           const std::lock_guard lock(self->mutex);
                                           if (!self->stopping) {
                                               work(*self, actions);
                                           }
                                       }
                                       self->finish(actions);
                                   }
                               });
                           });
    }

    core::Status sendText(const std::string& text) const
    {
        if (!webSocket) {
            return core::Error{ChatErrc::notConnected, "no connection"};
        }
        return webSocket->send(text, net::WebSocketMessageType::text);
    }

    // The WebSocket's close frame would overtake what still waits in its send queue (the
    // DISCONNECT above all): close once the queue is empty, or at `giveUpAt`.
    void closeWhenDrained(Clock::time_point giveUpAt)
    {
        if (!webSocket) {
            return;
        }
        if (webSocket->queuedOutgoingBytes() == 0 || Clock::now() >= giveUpAt) {
            webSocket->close();
            return;
        }
        after(std::chrono::milliseconds{10},
              [giveUpAt](Core& self, Actions& /*later*/) { self.closeWhenDrained(giveUpAt); });
    }

    void retireWebSocket(Actions& actions)
    {
        if (webSocket) {
            actions.retired.push_back(std::move(webSocket));
        }
    }

    void failAcks(const core::Error& why, Actions& actions)
    {
        for (auto& [id, pending] : acks) {
            notify(actions, [callback = std::move(pending.callback), why](const SocketIoHandlers& /*unused*/) {
                if (callback) {
                    callback(why);
                }
            });
        }
        acks.clear();
    }

    // ---- connection attempts (lock held) ----

    void startAttempt(Actions& actions)
    {
        retireWebSocket(actions);
        const std::uint64_t attempt = ++generation;
        phase = Phase::awaitingWebSocket;
        socketId.clear();
        pendingBinary.reset();
        pendingAttachments.clear();
        outgoingCap = settings.maxMessageBytes;

        net::WebSocketSettings webSocketSettings = settings.webSocket;
        webSocketSettings.connectTimeout = settings.handshakeTimeout;
        // Engine.IO's heartbeat finds a dead server; the WebSocket's own idle check only backs it up.
        webSocketSettings.keepAlivePings = net::KeepAlivePings::disabled;
        webSocketSettings.idleTimeout = std::max(webSocketSettings.idleTimeout, std::chrono::milliseconds{120000});
        // Messages between the cap and twice the cap are read and dropped here (the connection
        // stays); above that the WebSocket refuses them and closes.
        webSocketSettings.maxIncomingMessageBytes = settings.maxMessageBytes * 2;
        core::Result<std::unique_ptr<net::WebSocketClient>> created =
            net::WebSocketClient::create(networkThread, webSocketSettings);
        if (!created) {
            attemptFailed(attempt, created.error(), actions);
            return;
        }
        webSocket = std::move(created).value();
        const std::weak_ptr<Core> weak = weak_from_this();
        webSocket->connect(engineUrlText, net::WebSocketHandlers{
                                              .onConnected =
                                                  [weak, attempt](const core::Status& status) {
                                                      if (auto self = weak.lock()) {
                                                          self->onWebSocketConnected(attempt, status);
                                                      }
                                                  },
                                              .onMessage =
                                                  [weak, attempt](net::WebSocketMessage message) {
                                                      if (auto self = weak.lock()) {
                                                          self->onWebSocketMessage(attempt, std::move(message));
                                                      }
                                                  },
                                              .onClosed =
                                                  [weak, attempt](const core::Error& why) {
                                                      if (auto self = weak.lock()) {
                                                          self->onWebSocketClosed(attempt, why);
                                                      }
                                                  },
                                          });
        after(settings.handshakeTimeout, [attempt](Core& self, Actions& later) {
            if (self.generation == attempt && self.phase != Phase::ready && self.phase != Phase::idle) {
                self.attemptFailed(
                    attempt,
                    core::Error{ChatErrc::timedOut, "no Socket.IO handshake within " +
                                                        std::to_string(self.settings.handshakeTimeout.count()) +
                                                        " ms (" + self.safeUrl + ")"},
                    later);
            }
        });
    }

    // The attempt `attempt` ended before or after the namespace was connected.
    void attemptFailed(std::uint64_t attempt, const core::Error& why, Actions& actions)
    {
        if (attempt != generation || phase == Phase::idle) {
            return;
        }
        const bool wasReady = phase == Phase::ready;
        phase = Phase::idle;
        ++generation; // whatever the old WebSocket still reports is ignored
        retireWebSocket(actions);
        pendingBinary.reset();
        pendingAttachments.clear();
        socketId.clear();
        lastError = why;
        failAcks(core::Error{ChatErrc::disconnected, "the connection ended before the ack (" + why.describe() + ")"},
                 actions);
        if (state == SocketIoState::connecting) {
            (void)policy.onFailure(core::FailurePhase::firstConnect);
            qCWarning(lcChat) << "socket.io" << safeUrl.c_str() << "connect failed:" << why.describe().c_str();
            setState(SocketIoState::disconnected, actions);
            notify(actions, [why](const SocketIoHandlers& current) {
                if (auto handler = current.onConnected) {
                    handler(why);
                }
            });
            return;
        }
        if (wasReady) {
            qCWarning(lcChat) << "socket.io" << safeUrl.c_str() << "connection lost:" << why.describe().c_str();
        } else {
            qCInfo(lcChat) << "socket.io" << safeUrl.c_str() << "reconnect attempt failed:" << why.describe().c_str();
        }
        setState(SocketIoState::reconnecting, actions);
        const core::RetryDecision decision = policy.onFailure(core::FailurePhase::midSession);
        if (decision.verdict != core::RetryVerdict::retry) {
            giveUp(core::Error{ChatErrc::retriesExhausted,
                               "gave up reconnecting after " + std::to_string(policy.attemptsSoFar()) +
                                   " attempts; last error: " + why.describe() + " (" + safeUrl + ")"},
                   actions);
            return;
        }
        qCInfo(lcChat) << "socket.io" << safeUrl.c_str() << "reconnect attempt" << decision.attempt << "of"
                       << decision.maxRetries << "in" << decision.delay.count() << "ms";
        const std::uint64_t scheduledFor = generation;
        after(decision.delay, [scheduledFor](Core& self, Actions& later) {
            if (self.generation == scheduledFor && self.state == SocketIoState::reconnecting) {
                self.startAttempt(later);
            }
        });
    }

    void giveUp(const core::Error& why, Actions& actions)
    {
        phase = Phase::idle;
        ++generation;
        retireWebSocket(actions);
        lastError = why;
        failAcks(core::Error{ChatErrc::disconnected, why.describe()}, actions);
        qCWarning(lcChat) << "socket.io" << safeUrl.c_str() << "disconnected:" << why.describe().c_str();
        setState(SocketIoState::disconnected, actions);
        notify(actions, [why](const SocketIoHandlers& current) {
            if (auto handler = current.onDisconnected) {
                handler(why);
            }
        });
    }

    void armHeartbeat(std::uint64_t attempt)
    {
        const std::chrono::milliseconds window = open.pingInterval + open.pingTimeout;
        heartbeatDeadline = Clock::now() + window;
        after(window, [attempt](Core& self, Actions& later) {
            if (self.generation == attempt && self.phase != Phase::idle && Clock::now() >= self.heartbeatDeadline) {
                self.attemptFailed(
                    attempt,
                    core::Error{ChatErrc::timedOut,
                                "no ping from the server within pingInterval + pingTimeout (" +
                                    std::to_string((self.open.pingInterval + self.open.pingTimeout).count()) +
                                    " ms): the server is gone (" + self.safeUrl + ")"},
                    later);
            }
        });
    }

    // ---- WebSocket handlers (network thread) ----

    void onWebSocketConnected(std::uint64_t attempt, const core::Status& status)
    {
        Actions actions;
        {
            const std::lock_guard lock(mutex);
            if (stopping || attempt != generation || phase != Phase::awaitingWebSocket) {
                return;
            }
            if (!status) {
                core::Error why = status.error();
                if (why == net::NetErrc::timedOut) {
                    why = core::Error{ChatErrc::timedOut, why.describe()};
                }
                attemptFailed(attempt, why, actions);
            } else {
                phase = Phase::awaitingOpen;
            }
        }
        finish(actions);
    }

    void onWebSocketClosed(std::uint64_t attempt, const core::Error& why)
    {
        Actions actions;
        {
            const std::lock_guard lock(mutex);
            if (stopping || attempt != generation) {
                return;
            }
            attemptFailed(attempt,
                          why ? why : core::Error{ChatErrc::disconnected, "the WebSocket closed (" + safeUrl + ")"},
                          actions);
        }
        finish(actions);
    }

    void onWebSocketMessage(std::uint64_t attempt, net::WebSocketMessage message)
    {
        Actions actions;
        {
            const std::lock_guard lock(mutex);
            if (stopping || attempt != generation || phase == Phase::idle) {
                return;
            }
            if (message.data.size() > settings.maxMessageBytes) {
                qCWarning(lcChat) << "socket.io" << safeUrl.c_str() << "dropped an incoming message of"
                                  << bytesText(message.data.size()).c_str() << "(above the cap of"
                                  << bytesText(settings.maxMessageBytes).c_str() << ")";
                if (message.type == net::WebSocketMessageType::binary && pendingBinary) {
                    qCWarning(lcChat) << "socket.io" << safeUrl.c_str() << "dropped the"
                                      << toString(pendingBinary->type).data() << "it belonged to";
                    pendingBinary.reset();
                    pendingAttachments.clear();
                }
            } else if (message.type == net::WebSocketMessageType::binary) {
                onBinary(attempt, std::move(message.data), actions);
            } else {
                onText(attempt, message.data, actions);
            }
        }
        finish(actions);
    }

    void protocolViolation(const core::Error& why) const
    {
        qCWarning(lcChat) << "socket.io" << safeUrl.c_str() << "ignored a packet:" << why.describe().c_str();
    }

    void onText(std::uint64_t attempt, const std::string& text, Actions& actions)
    {
        core::Result<EnginePacket> packet = parseEnginePacket(text);
        if (!packet) {
            protocolViolation(packet.error());
            return;
        }
        switch (packet->type) {
        case EnginePacketType::open: {
            if (phase != Phase::awaitingOpen) {
                protocolViolation(core::Error{ChatErrc::invalidPacket, "a second Engine.IO open packet"});
                return;
            }
            core::Result<EngineOpen> parsed = parseEngineOpen(packet->data);
            if (!parsed) {
                attemptFailed(attempt, core::Error{ChatErrc::handshakeFailed, parsed.error().describe()}, actions);
                return;
            }
            open = std::move(parsed).value();
            outgoingCap = std::min(settings.maxMessageBytes, open.maxPayload);
            armHeartbeat(attempt);
            SocketPacket connectPacket{SocketPacketType::connect, nameSpace, std::nullopt, settings.auth, 0};
            core::Result<EncodedSocketPacket> encoded = encodeSocketPacket(connectPacket);
            if (!encoded) {
                attemptFailed(attempt, encoded.error(), actions);
                return;
            }
            phase = Phase::awaitingNamespace;
            if (core::Status sent = sendText(encodeEnginePacket({EnginePacketType::message, encoded->text})); !sent) {
                attemptFailed(attempt, sent.error(), actions);
            }
            return;
        }
        case EnginePacketType::ping:
            if (phase == Phase::awaitingOpen) {
                protocolViolation(core::Error{ChatErrc::invalidPacket, "a ping before the open packet"});
                return;
            }
            armHeartbeat(attempt);
            if (core::Status sent = sendText(encodeEnginePacket({EnginePacketType::pong, packet->data})); !sent) {
                qCWarning(lcChat) << "socket.io" << safeUrl.c_str()
                                  << "could not answer a ping:" << sent.error().describe().c_str();
            }
            return;
        case EnginePacketType::close:
            attemptFailed(
                attempt,
                core::Error{ChatErrc::disconnected, "the server closed the Engine.IO session (" + safeUrl + ")"},
                actions);
            return;
        case EnginePacketType::pong:
        case EnginePacketType::noop:
        case EnginePacketType::upgrade: return;
        case EnginePacketType::message: break;
        }
        if (phase != Phase::awaitingNamespace && phase != Phase::ready) {
            protocolViolation(core::Error{ChatErrc::invalidPacket, "a message before the open packet"});
            return;
        }
        if (pendingBinary) {
            protocolViolation(core::Error{
                ChatErrc::invalidPacket,
                "a text packet while " + std::to_string(pendingBinary->attachmentCount - pendingAttachments.size()) +
                    " binary attachments were still due; the binary packet is dropped"});
            pendingBinary.reset();
            pendingAttachments.clear();
        }
        core::Result<SocketPacket> parsed = parseSocketPacket(packet->data);
        if (!parsed) {
            protocolViolation(parsed.error());
            return;
        }
        SocketPacket& socketPacket = parsed.value();
        if (socketPacket.nameSpace != nameSpace) {
            protocolViolation(core::Error{ChatErrc::invalidPacket, "a packet for namespace " + socketPacket.nameSpace});
            return;
        }
        if (socketPacket.type == SocketPacketType::binaryEvent || socketPacket.type == SocketPacketType::binaryAck) {
            pendingBinary = std::move(socketPacket);
            pendingAttachments.clear();
            return;
        }
        onSocketPacket(attempt, std::move(socketPacket), actions);
    }

    void onBinary(std::uint64_t attempt, std::string data, Actions& actions)
    {
        if (!pendingBinary) {
            protocolViolation(core::Error{ChatErrc::invalidPacket, "a binary frame that no packet announced"});
            return;
        }
        pendingAttachments.push_back(std::move(data));
        if (pendingAttachments.size() < pendingBinary->attachmentCount) {
            return;
        }
        SocketPacket packet = std::move(*pendingBinary);
        pendingBinary.reset();
        std::vector<std::string> attachments = std::move(pendingAttachments);
        pendingAttachments.clear();
        if (core::Status rebuilt = reconstructBinary(packet, attachments); !rebuilt) {
            protocolViolation(rebuilt.error());
            return;
        }
        onSocketPacket(attempt, std::move(packet), actions);
    }

    void onSocketPacket(std::uint64_t attempt, SocketPacket packet, Actions& actions)
    {
        switch (packet.type) {
        case SocketPacketType::connect: {
            if (phase != Phase::awaitingNamespace) {
                protocolViolation(core::Error{ChatErrc::invalidPacket, "CONNECT while already connected"});
                return;
            }
            if (packet.payload) {
                const auto sid = packet.payload->find("sid");
                if (sid != packet.payload->end() && sid->is_string()) {
                    socketId = sid->get<std::string>();
                }
            }
            phase = Phase::ready;
            policy.onConnected();
            const SocketIoState before = state;
            setState(SocketIoState::connected, actions);
            qCInfo(lcChat) << "socket.io" << safeUrl.c_str() << "connected, namespace" << nameSpace.c_str();
            if (before == SocketIoState::connecting) {
                notify(actions, [](const SocketIoHandlers& current) {
                    if (auto handler = current.onConnected) {
                        handler(core::Status{});
                    }
                });
            } else {
                notify(actions, [](const SocketIoHandlers& current) {
                    if (auto handler = current.onReconnected) {
                        handler();
                    }
                });
            }
            return;
        }
        case SocketPacketType::connectError: {
            std::string reason = packet.payload->is_string() ? packet.payload->get<std::string>() : std::string{};
            if (packet.payload->is_object()) {
                const auto message = packet.payload->find("message");
                reason = message != packet.payload->end() && message->is_string() ? message->get<std::string>()
                                                                                  : packet.payload->dump();
            }
            const core::Error why{ChatErrc::connectRefused,
                                  "the server refused namespace " + nameSpace + ": " + reason + " (" + safeUrl + ")"};
            if (state == SocketIoState::connecting) {
                attemptFailed(attempt, why, actions);
            } else {
                giveUp(why, actions);
            }
            return;
        }
        case SocketPacketType::disconnect:
            giveUp(core::Error{ChatErrc::disconnected, "the server disconnected this client (" + safeUrl + ")"},
                   actions);
            return;
        case SocketPacketType::event: {
            if (phase != Phase::ready) {
                protocolViolation(core::Error{ChatErrc::invalidPacket, "an event before the namespace was connected"});
                return;
            }
            nlohmann::json& payload = *packet.payload;
            SocketIoEvent event;
            event.name = payload.front().is_string() ? payload.front().get<std::string>() : payload.front().dump();
            payload.erase(payload.begin());
            event.arguments = std::move(payload);
            event.ackId = packet.ackId;
            event.connection = attempt;
            notify(actions, [event = std::move(event)](const SocketIoHandlers& current) {
                if (auto handler = current.onEvent) {
                    handler(event);
                }
            });
            return;
        }
        case SocketPacketType::ack: {
            const auto found = acks.find(*packet.ackId);
            if (found == acks.end()) {
                qCDebug(lcChat) << "socket.io" << safeUrl.c_str() << "an ack for unknown or expired id"
                                << *packet.ackId;
                return;
            }
            SocketIoAckCallback callback = std::move(found->second.callback);
            acks.erase(found);
            notify(actions, [callback = std::move(callback),
                             arguments = std::move(*packet.payload)](const SocketIoHandlers& /*unused*/) mutable {
                if (callback) {
                    callback(std::move(arguments));
                }
            });
            return;
        }
        case SocketPacketType::binaryEvent:
        case SocketPacketType::binaryAck: return; // reconstructed before this point
        }
    }
};

// ---- the public object ----------------------------------------------------------------------------------

core::Result<std::string> SocketIoClient::engineUrl(std::string_view url, std::string_view path)
{
    core::Result<net::Url> parsed = net::Url::parse(url);
    if (!parsed) {
        return core::Error{ChatErrc::invalidArgument, "not a URL: " + parsed.error().describe()};
    }
    const std::string& scheme = parsed->scheme();
    std::string engineScheme;
    if (scheme == "http" || scheme == "ws") {
        engineScheme = "ws";
    } else if (scheme == "https" || scheme == "wss") {
        engineScheme = "wss";
    } else {
        return core::Error{ChatErrc::invalidArgument,
                           "a Socket.IO URL starts with http://, https://, ws:// or wss:// (" + parsed->toString() +
                               ")"};
    }
    if (!parsed->userInfo().empty()) {
        return core::Error{ChatErrc::invalidArgument, "a Socket.IO URL carries no user name or password"};
    }
    std::string host = parsed->host();
    if (host.find(':') != std::string::npos) {
        host = "[" + host + "]";
    }
    std::string text = engineScheme + "://" + host + ":" + std::to_string(parsed->port()) + std::string(path) +
                       "?EIO=4&transport=websocket";
    if (!parsed->query().empty()) {
        text += "&" + parsed->query();
    }
    return text;
}

core::Result<std::unique_ptr<SocketIoClient>> SocketIoClient::create(net::NetworkThread& thread,
                                                                     SocketIoSettings settings)
{
    if (settings.path.empty() || settings.path.front() != '/' || settings.path.back() != '/' ||
        settings.path.find_first_of("?#") != std::string::npos) {
        return core::Error{ChatErrc::invalidArgument,
                           "the Socket.IO path starts and ends with '/' (like /socket.io/), not \"" + settings.path +
                               "\""};
    }
    if (settings.auth && !settings.auth->is_object()) {
        return core::Error{ChatErrc::invalidArgument, "the Socket.IO auth data must be a JSON object"};
    }
    if (settings.handshakeTimeout.count() <= 0 || settings.ackTimeout.count() <= 0) {
        return core::Error{ChatErrc::invalidArgument, "the Socket.IO handshake and ack timeouts must be positive"};
    }
    if (settings.maxMessageBytes == 0) {
        return core::Error{ChatErrc::invalidArgument, "the Socket.IO message cap must be positive"};
    }
    if (const std::string invalid = settings.reconnect.validationError(); !invalid.empty()) {
        return core::Error{ChatErrc::invalidArgument, "reconnect settings: " + invalid};
    }
    // The TLS settings are checked once here, so that connect() cannot fail on them later.
    core::Result<std::unique_ptr<net::WebSocketClient>> probe =
        net::WebSocketClient::create(thread, settings.webSocket);
    if (!probe) {
        return probe.error();
    }
    return std::unique_ptr<SocketIoClient>(
        new SocketIoClient(thread, std::make_shared<Core>(thread, std::move(settings))));
}

SocketIoClient::SocketIoClient(net::NetworkThread& /*thread*/, std::shared_ptr<Core> core) : core_(std::move(core))
{}

SocketIoClient::~SocketIoClient()
{
    std::unique_ptr<net::WebSocketClient> webSocket;
    {
        const std::lock_guard lock(core_->mutex);
        core_->stopping = true;
        ++core_->generation;
        webSocket = std::move(core_->webSocket);
        core_->acks.clear();
    }
    core_->deadlines.stop();
    webSocket.reset(); // waits for a WebSocket handler that is running
    {
        const std::lock_guard lock(core_->callbackMutex); // waits for a callback that is running
        core_->callbacksCleared = true;
        core_->handlers = {};
    }
}

void SocketIoClient::connect(const std::string& url, SocketIoHandlers handlers)
{
    Actions actions;
    {
        const std::lock_guard callbackLock(core_->callbackMutex);
        const std::lock_guard lock(core_->mutex);
        if (core_->connectCalled) {
            core_->notify(actions, [onConnected = std::move(handlers.onConnected)](const SocketIoHandlers& /*unused*/) {
                if (onConnected) {
                    onConnected(core::Error{ChatErrc::invalidArgument, "connect() was already called on this client"});
                }
            });
            core_->finish(actions);
            return;
        }
        core_->connectCalled = true;
        core_->handlers = std::move(handlers);
        core::Result<net::Url> parsed = net::Url::parse(url);
        core_->safeUrl = parsed ? parsed->toString() : std::string("(invalid URL)");
        core::Result<std::string> engine = engineUrl(url, core_->settings.path);
        if (!engine) {
            core_->notify(actions, [why = engine.error()](const SocketIoHandlers& current) {
                if (auto handler = current.onConnected) {
                    handler(why);
                }
            });
        } else {
            core_->engineUrlText = std::move(engine).value();
            core_->nameSpace = parsed->path().empty() ? "/" : parsed->path();
            core_->setState(SocketIoState::connecting, actions);
            core_->startAttempt(actions);
        }
    }
    core_->finish(actions);
}

core::Status SocketIoClient::emitEvent(std::string_view event, nlohmann::json arguments, SocketIoAckCallback onAck,
                                       std::optional<std::chrono::milliseconds> ackTimeout)
{
    if (event.empty() || isReservedEventName(event)) {
        return core::Error{ChatErrc::invalidArgument,
                           "\"" + std::string(event) +
                               "\" cannot be emitted: the name is empty or reserved by Socket.IO"};
    }
    if (arguments.is_null()) {
        arguments = nlohmann::json::array();
    }
    if (!arguments.is_array()) {
        return core::Error{ChatErrc::invalidArgument,
                           "the arguments of \"" + std::string(event) + "\" must be a JSON array"};
    }
    if (ackTimeout && ackTimeout->count() <= 0) {
        return core::Error{ChatErrc::invalidArgument, "the ack timeout must be positive"};
    }
    Actions actions;
    core::Status result;
    {
        const std::lock_guard lock(core_->mutex);
        Core& core = *core_;
        if (core.state != SocketIoState::connected || core.phase != Phase::ready || !core.webSocket) {
            return core::Error{ChatErrc::notConnected, "cannot emit \"" + std::string(event) + "\": the client is " +
                                                           std::string(toString(core.state)) + " (" + core.safeUrl +
                                                           ")"};
        }
        nlohmann::json payload = nlohmann::json::array();
        payload.push_back(std::string(event));
        for (nlohmann::json& argument : arguments) {
            payload.push_back(std::move(argument));
        }
        SocketPacket packet{SocketPacketType::event, core.nameSpace, std::nullopt, std::move(payload), 0};
        const std::uint64_t ackId = core.nextAckId;
        if (onAck) {
            packet.ackId = ackId;
        }
        core::Result<EncodedSocketPacket> encoded = encodeSocketPacket(packet);
        if (!encoded) {
            return encoded.error().withContext("event \"" + std::string(event) + "\"");
        }
        std::string text = encodeEnginePacket({EnginePacketType::message, std::move(encoded->text)});
        std::size_t total = text.size();
        std::size_t largest = text.size();
        for (const std::string& attachment : encoded->attachments) {
            total += attachment.size();
            largest = std::max(largest, attachment.size());
        }
        if (largest > core.outgoingCap) {
            return core::Error{ChatErrc::messageTooLarge, "event \"" + std::string(event) + "\" has a message of " +
                                                              bytesText(largest) + "; the server accepts at most " +
                                                              bytesText(core.outgoingCap) +
                                                              " per message: send the data in smaller pieces"};
        }
        const std::size_t queued = core.webSocket->queuedOutgoingBytes();
        if (queued + total > core.settings.webSocket.maxQueuedOutgoingBytes) {
            return core::Error{ChatErrc::rateLimited, "event \"" + std::string(event) + "\" (" + bytesText(total) +
                                                          ") does not fit the send queue (" + bytesText(queued) +
                                                          " waiting): wait for it to drain and send again"};
        }
        if (core::Status sent = core.webSocket->send(std::move(text), net::WebSocketMessageType::text); !sent) {
            return sent.error();
        }
        for (std::string& attachment : encoded->attachments) {
            if (core::Status sent = core.webSocket->send(std::move(attachment), net::WebSocketMessageType::binary);
                !sent) {
                // The server now waits for attachments that cannot come: start afresh.
                core.attemptFailed(core.generation, sent.error(), actions);
                result = sent.error();
                break;
            }
        }
        if (result && onAck) {
            ++core.nextAckId;
            core.acks.emplace(ackId, Core::PendingAck{std::move(onAck), std::string(event)});
            const std::chrono::milliseconds timeout = ackTimeout.value_or(core.settings.ackTimeout);
            core.after(timeout, [ackId, timeout](Core& self, Actions& later) {
                const auto found = self.acks.find(ackId);
                if (found == self.acks.end()) {
                    return;
                }
                Core::PendingAck pending = std::move(found->second);
                self.acks.erase(found);
                const core::Error why{ChatErrc::timedOut, "no ack for \"" + pending.event + "\" within " +
                                                              std::to_string(timeout.count()) + " ms (" + self.safeUrl +
                                                              ")"};
                self.notify(later, [callback = std::move(pending.callback), why](const SocketIoHandlers& /*unused*/) {
                    if (callback) {
                        callback(why);
                    }
                });
            });
        }
    }
    core_->finish(actions);
    return result;
}

core::Status SocketIoClient::acknowledge(const SocketIoEvent& event, nlohmann::json arguments)
{
    if (!event.ackId) {
        return core::Error{ChatErrc::invalidArgument, "event \"" + event.name + "\" asked for no ack"};
    }
    if (arguments.is_null()) {
        arguments = nlohmann::json::array();
    }
    if (!arguments.is_array()) {
        return core::Error{ChatErrc::invalidArgument, "ack arguments must be a JSON array"};
    }
    const std::lock_guard lock(core_->mutex);
    Core& core = *core_;
    if (core.phase != Phase::ready || core.generation != event.connection || !core.webSocket) {
        return core::Error{ChatErrc::notConnected,
                           "the connection that event \"" + event.name + "\" came on is gone; its ack cannot be sent"};
    }
    SocketPacket packet{SocketPacketType::ack, core.nameSpace, event.ackId, std::move(arguments), 0};
    core::Result<EncodedSocketPacket> encoded = encodeSocketPacket(packet);
    if (!encoded) {
        return encoded.error();
    }
    std::string text = encodeEnginePacket({EnginePacketType::message, std::move(encoded->text)});
    std::size_t largest = text.size();
    for (const std::string& attachment : encoded->attachments) {
        largest = std::max(largest, attachment.size());
    }
    if (largest > core.outgoingCap) {
        return core::Error{ChatErrc::messageTooLarge, "the ack has a message of " + bytesText(largest) +
                                                          "; the server accepts at most " +
                                                          bytesText(core.outgoingCap)};
    }
    if (core::Status sent = core.webSocket->send(std::move(text), net::WebSocketMessageType::text); !sent) {
        return sent;
    }
    for (std::string& attachment : encoded->attachments) {
        if (core::Status sent = core.webSocket->send(std::move(attachment), net::WebSocketMessageType::binary); !sent) {
            return sent;
        }
    }
    return {};
}

void SocketIoClient::close()
{
    Actions actions;
    {
        const std::lock_guard lock(core_->mutex);
        Core& core = *core_;
        if (core.state == SocketIoState::closed) {
            return;
        }
        const SocketIoState before = core.state;
        core.policy.cancel();
        ++core.generation; // the WebSocket's own close is not reported
        if (core.phase == Phase::ready && core.webSocket) {
            SocketPacket packet{SocketPacketType::disconnect, core.nameSpace, std::nullopt, std::nullopt, 0};
            if (core::Result<EncodedSocketPacket> encoded = encodeSocketPacket(packet)) {
                (void)core.sendText(encodeEnginePacket({EnginePacketType::message, encoded->text}));
            }
        }
        core.closeWhenDrained(Clock::now() + core.settings.webSocket.closeTimeout);
        core.phase = Phase::idle;
        core.socketId.clear();
        core.pendingBinary.reset();
        core.pendingAttachments.clear();
        core.failAcks(core::Error{ChatErrc::disconnected, "close() was called before the ack came"}, actions);
        core.setState(SocketIoState::closed, actions);
        if (before == SocketIoState::connecting) {
            core.notify(actions, [](const SocketIoHandlers& current) {
                if (auto handler = current.onConnected) {
                    handler(core::Error{ChatErrc::disconnected, "close() was called while connecting"});
                }
            });
        }
    }
    core_->finish(actions);
}

SocketIoState SocketIoClient::state() const
{
    const std::lock_guard lock(core_->mutex);
    return core_->state;
}

std::string SocketIoClient::socketId() const
{
    const std::lock_guard lock(core_->mutex);
    return core_->socketId;
}

std::size_t SocketIoClient::outgoingMessageCap() const
{
    const std::lock_guard lock(core_->mutex);
    return core_->outgoingCap;
}

} // namespace hoststudio::chat
