// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// WebSocketClient: one WebSocket session (ws:// or wss://) on the NetworkThread.
//
//   auto socket = WebSocketClient::create(networkThread, WebSocketSettings::defaults()).value();
//   socket->connect("wss://relay.example/", {
//       .onConnected = [](core::Status status) { ... },
//       .onMessage = [](WebSocketMessage message) { ... },
//       .onClosed = [](const core::Error& why) { ... }, // no error: we closed it cleanly
//   });
//   socket->send(R"(["REQ","sub",{}])");   // once connected
//   socket->close();
//
// - onConnected is called exactly once per connect(): success, or why the TCP connect, the TLS
//   handshake (certificateRejected names OpenSSL's reason) or the WebSocket upgrade failed, or
//   timedOut when all of it did not finish within connectTimeout.
// - After a successful connect, onClosed is called exactly once: with no error after our close()
//   completed, connectionClosed (with the close code and reason) when the server closed,
//   messageTooLarge when an incoming message exceeded maxIncomingMessageBytes, timedOut when the
//   peer stayed silent past idleTimeout (pings are sent at half of it), or the I/O error.
// - send() queues the message (one write in flight, the others wait in order); it refuses with
//   sendQueueFull when the queued bytes would exceed maxQueuedOutgoingBytes (a slow peer does not
//   grow memory without bound) and with notConnected unless the session is open.
// - Every handler runs on the network thread. No handler runs after the destructor returned (the
//   destructor may also be called from inside a handler).
//
// Owner: any thread; destroy it before its NetworkThread. One connect() per object: make a new
// client to reconnect.
// Thread safety: every public method may be called from any thread; I/O runs on the session's
// strand, the handlers are guarded by a recursive mutex, the send queue by its own mutex.

#include "hoststudio/core/Result.hpp"
#include "hoststudio/net/HttpMessage.hpp"
#include "hoststudio/net/TlsSettings.hpp"

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

namespace hoststudio::net {

class NetworkThread;

enum class WebSocketMessageType { text, binary };

struct WebSocketMessage {
    WebSocketMessageType type = WebSocketMessageType::text;
    std::string data;
};

enum class KeepAlivePings { enabled, disabled };

struct WebSocketSettings {
    TlsSettings tls;
    std::chrono::milliseconds connectTimeout{10000};         // resolve + TCP + TLS + upgrade
    std::chrono::milliseconds idleTimeout{30000};            // silent this long: timedOut
    KeepAlivePings keepAlivePings = KeepAlivePings::enabled; // a ping at half the idle timeout
    std::chrono::milliseconds closeTimeout{5000};            // our close frame answered and TCP closed
    std::size_t maxIncomingMessageBytes = std::size_t{1} * 1024 * 1024;
    std::size_t maxQueuedOutgoingBytes = std::size_t{4} * 1024 * 1024;
    HttpHeaders handshakeHeaders; // extra headers of the upgrade request
    std::string userAgent;        // "HostStudio/<version>" when empty

    [[nodiscard]] static WebSocketSettings defaults() { return {}; }
};

struct WebSocketHandlers {
    std::function<void(core::Status)> onConnected;
    std::function<void(WebSocketMessage)> onMessage;
    std::function<void(const core::Error&)> onClosed;
};

enum class WebSocketState { idle, connecting, open, closing, closed };

class WebSocketClient {
public:
    // Fails only when the TLS settings are unusable (see TlsContextFactory).
    [[nodiscard]] static core::Result<std::unique_ptr<WebSocketClient>> create(NetworkThread& thread,
                                                                               WebSocketSettings settings);
    ~WebSocketClient();
    WebSocketClient(const WebSocketClient&) = delete;
    WebSocketClient& operator=(const WebSocketClient&) = delete;
    WebSocketClient(WebSocketClient&&) = delete;
    WebSocketClient& operator=(WebSocketClient&&) = delete;

    void connect(std::string url, WebSocketHandlers handlers);
    [[nodiscard]] core::Status send(std::string data, WebSocketMessageType type = WebSocketMessageType::text);
    // Sends a close frame, waits for the server's (closeTimeout), closes TCP, then onClosed().
    // While connecting: abandons the attempt (onConnected gets `cancelled`).
    void close();

    [[nodiscard]] WebSocketState state() const noexcept;
    [[nodiscard]] std::size_t queuedOutgoingBytes() const noexcept;

    class Session;
    class Impl;

private:
    explicit WebSocketClient(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

} // namespace hoststudio::net
