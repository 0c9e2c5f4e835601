// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Inside the net module only: what the public WebSocketClient shares with its I/O session (the
// handlers, the send queue, the state), and the two kinds of session (ws, wss), each compiled in
// its own file so the two Beast instantiations build in parallel.

#include "HttpWire.hpp"
#include "SendQueue.hpp"
#include "hoststudio/net/WebSocketClient.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>

#include <atomic>
#include <memory>
#include <mutex>

namespace hoststudio::net {

namespace asio = boost::asio;

class WebSocketClient::Session : public std::enable_shared_from_this<WebSocketClient::Session> {
public:
    using Strand = asio::strand<asio::io_context::executor_type>;

    Session(asio::io_context& ioContext, WebSocketSettings sessionSettings, std::shared_ptr<TlsContext> tlsContext)
        : strand(asio::make_strand(ioContext)), settings(std::move(sessionSettings)), tls(std::move(tlsContext)),
          queue(settings.maxQueuedOutgoingBytes)
    {
        if (settings.userAgent.empty()) {
            settings.userAgent = detail::defaultUserAgent();
        }
    }
    virtual ~Session() = default;
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;
    Session(Session&&) = delete;
    Session& operator=(Session&&) = delete;

    // On the strand:
    virtual void start(const std::string& urlText) = 0;
    virtual void startWrite() = 0;
    virtual void beginClose() = 0;
    virtual void abort() = 0;

    void setHandlers(WebSocketHandlers newHandlers)
    {
        const std::lock_guard lock(handlersMutex_);
        handlers_ = std::move(newHandlers);
    }
    void clearHandlers()
    {
        const std::lock_guard lock(handlersMutex_);
        handlers_ = {};
    }

    Strand strand;
    WebSocketSettings settings;
    std::shared_ptr<TlsContext> tls;
    detail::SendQueue queue;
    std::atomic<WebSocketState> state{WebSocketState::idle};

protected:
    void reportConnected(const core::Status& status)
    {
        const std::lock_guard lock(handlersMutex_);
        auto handler = handlers_.onConnected;
        if (handler) {
            handler(status);
        }
    }
    void reportMessage(WebSocketMessage message)
    {
        const std::lock_guard lock(handlersMutex_);
        auto handler = handlers_.onMessage;
        if (handler) {
            handler(std::move(message));
        }
    }
    void reportClosed(const core::Error& error)
    {
        const std::lock_guard lock(handlersMutex_);
        auto handler = handlers_.onClosed;
        if (handler) {
            handler(error);
        }
    }

private:
    // Held while a handler runs, so clearHandlers() (the destructor) waits for it; recursive so a
    // handler may destroy its client.
    std::recursive_mutex handlersMutex_;
    WebSocketHandlers handlers_; // guarded by handlersMutex_
};

namespace detail {
[[nodiscard]] std::shared_ptr<WebSocketClient::Session>
makePlainWebSocketSession(asio::io_context& ioContext, WebSocketSettings settings, std::shared_ptr<TlsContext> tls);
[[nodiscard]] std::shared_ptr<WebSocketClient::Session>
makeSecureWebSocketSession(asio::io_context& ioContext, WebSocketSettings settings, std::shared_ptr<TlsContext> tls);
} // namespace detail

} // namespace hoststudio::net
