// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// SocketIoClient: a Socket.IO 4 client (Engine.IO v4 over the WebSocket transport only) on the
// NetworkThread, over net::WebSocketClient.
//
//   auto client = SocketIoClient::create(network, SocketIoSettings::defaults()).value();
//   SocketIoHandlers handlers;
//   handlers.onConnected = [](core::Status status) { ... };      // namespace connected, or why not
//   handlers.onEvent = [](const SocketIoEvent& event) { ... };   // binary values already reassembled
//   handlers.onReconnected = [] { ... };                         // re-join / re-announce here
//   client->connect("http://127.0.0.1:5050", std::move(handlers));
//   client->emitEvent("channel-message", nlohmann::json::array({message}));
//   client->emitEvent("stream-data", nlohmann::json::array({{{"chunk", nlohmann::json::binary(bytes)}}}));
//   client->emitEvent("ping-me", nlohmann::json::array(), [](core::Result<nlohmann::json> ackArguments) { ... });
//   client->close();
//
// - The URL is http(s):// or ws(s)://host[:port][/namespace][?query]; the client connects to
//   ws(s)://host:port<settings.path>?EIO=4&transport=websocket[&query] and joins the namespace of
//   the URL's path ("/" when none), as socket.io-client does.
// - Handshake: the server's open packet (sid, pingInterval, pingTimeout, maxPayload), then `40`
//   (with settings.auth) and the server's `40{"sid":…}`; all of it, WebSocket included, within
//   handshakeTimeout (timedOut). A CONNECT_ERROR answer is connectRefused, never retried.
// - Heartbeat: every server ping is answered with a pong at once; when no ping arrives within
//   pingInterval + pingTimeout the server is taken for dead and the connection is dropped.
// - States: disconnected → connecting → connected ⇄ reconnecting; closed after close(). A failed
//   first connect is reported through onConnected and never retried (core::ReconnectPolicy); a drop
//   of a connected client (socket closed, heartbeat lost, server restart) is retried on the
//   policy's schedule, and onReconnected tells that the namespace is connected again. When the
//   policy gives up (retriesExhausted), or the server disconnects this client on purpose (a
//   DISCONNECT packet, which socket.io-client does not retry either), onDisconnected says why and
//   the state is disconnected.
// - emitEvent() refuses at once (nothing is sent, nothing is closed): notConnected unless connected,
//   invalidArgument for an empty or reserved event name or arguments that are not an array,
//   messageTooLarge when the packet or one of its attachments is above the message cap (the
//   smaller of settings.maxMessageBytes and the server's maxPayload; the server would drop the
//   connection), rateLimited when the WebSocket's send queue cannot take it whole.
//   With an ack callback, it is called once: the server's ack arguments (a JSON array), timedOut
//   after the ack timeout, or disconnected when the connection ended first.
// - An incoming message above settings.maxMessageBytes is dropped with a log line (a binary
//   packet it belongs to is dropped whole) and the connection stays up; one above twice that is
//   refused by the WebSocket itself, which closes the connection (then the client reconnects).
//   Malformed packets are logged and ignored.
// - close(): DISCONNECT for the namespace, then the WebSocket's clean close; pending acks get
//   disconnected; the state is closed at once and nothing is reported any more except those acks.
//
// Owner: any thread; destroy it before its NetworkThread. One connect() per object.
// Thread safety: every public method may be called from any thread; the connection state is
// guarded by an internal mutex. Every callback is posted to the network thread and runs there
// without that mutex held, one at a time, under a recursive callback mutex that the destructor
// takes to clear them: no callback runs after the destructor returned (a callback may destroy
// the client).

#include "hoststudio/core/ReconnectPolicy.hpp"
#include "hoststudio/core/Result.hpp"
#include "hoststudio/net/WebSocketClient.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace hoststudio::net {
class NetworkThread;
} // namespace hoststudio::net

namespace hoststudio::chat {

enum class SocketIoState { disconnected, connecting, connected, reconnecting, closed };

[[nodiscard]] std::string_view toString(SocketIoState state) noexcept;

struct SocketIoSettings {
    net::WebSocketSettings webSocket = net::WebSocketSettings::defaults(); // TLS, user agent, headers
    std::string path = "/socket.io/";                                      // the server's Engine.IO path
    std::optional<nlohmann::json> auth;                                    // the CONNECT payload (an object) when set
    std::chrono::milliseconds handshakeTimeout{10000};                     // WebSocket + open + namespace connect
    std::chrono::milliseconds ackTimeout{10000};                           // for emitEvent() with an ack callback
    std::size_t maxMessageBytes = 1000000; // socket.io's maxHttpBufferSize default (1 MB)
    core::ReconnectConfig reconnect = core::ReconnectConfig::defaults();
    std::optional<std::uint64_t> reconnectJitterSeed; // fixed in tests

    [[nodiscard]] static SocketIoSettings defaults() { return {}; }
};

// One incoming event.
struct SocketIoEvent {
    std::string name;
    nlohmann::json arguments = nlohmann::json::array(); // binary attachments as json binary values
    std::optional<std::uint64_t> ackId;                 // the server waits for acknowledge()
    std::uint64_t connection = 0;                       // which connection it arrived on
};

// The server's ack arguments (a JSON array), or timedOut / disconnected.
using SocketIoAckCallback = std::function<void(core::Result<nlohmann::json>)>;

struct SocketIoHandlers {
    std::function<void(core::Status)> onConnected; // once per connect()
    std::function<void(const SocketIoEvent&)> onEvent;
    std::function<void()> onReconnected;                    // after a drop, the namespace is connected again
    std::function<void(const core::Error&)> onDisconnected; // given up, or disconnected by the server
    std::function<void(SocketIoState)> onStateChanged;
};

class SocketIoClient {
public:
    // invalidArgument for a path that does not start and end with '/', auth that is not an object,
    // a zero timeout or cap, or an invalid reconnect config; the TLS errors of WebSocketClient.
    [[nodiscard]] static core::Result<std::unique_ptr<SocketIoClient>> create(net::NetworkThread& thread,
                                                                              SocketIoSettings settings);
    ~SocketIoClient();
    SocketIoClient(const SocketIoClient&) = delete;
    SocketIoClient& operator=(const SocketIoClient&) = delete;
    SocketIoClient(SocketIoClient&&) = delete;
    SocketIoClient& operator=(SocketIoClient&&) = delete;

    // Starts connecting; the outcome comes through onConnected (an invalid URL too).
    void connect(const std::string& url, SocketIoHandlers handlers);

    // `arguments` is the JSON array of the event's arguments (null for none).
    [[nodiscard]] core::Status emitEvent(std::string_view event, nlohmann::json arguments,
                                         SocketIoAckCallback onAck = {},
                                         std::optional<std::chrono::milliseconds> ackTimeout = std::nullopt);

    // Answers an event that asked for an ack. notConnected when the connection it came on is gone;
    // invalidArgument when it asked for none.
    [[nodiscard]] core::Status acknowledge(const SocketIoEvent& event, nlohmann::json arguments);

    void close();

    [[nodiscard]] SocketIoState state() const;
    // The namespace's socket id given by the server (empty unless connected).
    [[nodiscard]] std::string socketId() const;
    // The effective outgoing message cap of the current connection.
    [[nodiscard]] std::size_t outgoingMessageCap() const;
    // The WebSocket URL of a Socket.IO URL, or why it is not one (invalidArgument).
    [[nodiscard]] static core::Result<std::string> engineUrl(std::string_view url, std::string_view path);

    class Core;

private:
    SocketIoClient(net::NetworkThread& thread, std::shared_ptr<Core> core);
    std::shared_ptr<Core> core_;
};

} // namespace hoststudio::chat
