// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Inside the net module only: one WebSocket session over Beast, plain (ws) or over TLS (wss).
// Included by WebSocketSessionPlain.cpp and WebSocketSessionSecure.cpp only.
//
// Thread safety: every member runs on the session's strand; the shared parts are described in
// WebSocketSessionBase.hpp.

#include "ErrorMapping.hpp"
#include "HttpWire.hpp"
#include "TlsContextImpl.hpp"
#include "WebSocketSessionBase.hpp"
#include "hoststudio/net/NetError.hpp"
#include "hoststudio/net/Url.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <algorithm>
#include <optional>
#include <type_traits>
#include <utility>

namespace hoststudio::net::detail {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

template <bool Secure>
using WebSocketStream = std::conditional_t<Secure, websocket::stream<beast::ssl_stream<beast::tcp_stream>>,
                                           websocket::stream<beast::tcp_stream>>;

template <bool Secure> class WebSocketSession final : public WebSocketClient::Session {
public:
    using Session::Session;

    void start(const std::string& urlText) override
    {
        core::Result<Url> url = Url::parse(urlText);
        if (!url) {
            finishConnect(url.error());
            return;
        }
        url_ = std::move(url).value();
        safeUrl_ = url_.toString();
        if (const core::Status headersValid = validateHeaders(settings.handshakeHeaders); !headersValid) {
            finishConnect(headersValid.error());
            return;
        }
        if (url_.scheme() != (Secure ? "wss" : "ws")) {
            finishConnect(
                core::Error{NetErrc::unsupportedScheme, "a WebSocket needs ws:// or wss:// (" + safeUrl_ + ")"});
            return;
        }
        if constexpr (Secure) {
            stream_.emplace(strand, tls->context);
        } else {
            stream_.emplace(strand);
        }
        connectDeadline_ = Clock::now() + settings.connectTimeout;
        connectTimer_.expires_at(connectDeadline_);
        connectTimer_.async_wait([self = self()](beast::error_code error) {
            if (!error && self->state.load() == WebSocketState::connecting) {
                self->finishConnect(detail::mapNetError(beast::error::timeout, self->stage_, self->safeUrl_));
            }
        });
        stage_ = NetStage::resolve;
        resolver_.async_resolve(url_.host(), std::to_string(url_.port()),
                                beast::bind_front_handler(&WebSocketSession::onResolved, self()));
    }

    void startWrite() override
    {
        if (state.load() != WebSocketState::open && state.load() != WebSocketState::closing) {
            return;
        }
        const detail::SendQueue::Item& item = queue.front();
        stream_->text(item.text);
        stream_->async_write(asio::buffer(item.data), beast::bind_front_handler(&WebSocketSession::onWritten, self()));
    }

    void beginClose() override
    {
        const WebSocketState current = state.load();
        if (current == WebSocketState::connecting) {
            finishConnect(core::Error{NetErrc::cancelled, "connect abandoned by close() (" + safeUrl_ + ")"});
            return;
        }
        if (current != WebSocketState::open) {
            return;
        }
        state.store(WebSocketState::closing);
        websocket::stream_base::timeout timeout = currentTimeout();
        timeout.handshake_timeout = settings.closeTimeout;
        stream_->set_option(timeout);
        stream_->async_close(websocket::close_code::normal,
                             beast::bind_front_handler(&WebSocketSession::onClosedByUs, self()));
    }

    void abort() override
    {
        const WebSocketState current = state.load();
        if (current == WebSocketState::connecting) {
            finishConnect(core::Error{NetErrc::cancelled, "connect cancelled (" + safeUrl_ + ")"});
        } else if (current == WebSocketState::open || current == WebSocketState::closing) {
            endSession(core::Error{NetErrc::cancelled, "connection cancelled (" + safeUrl_ + ")"});
        }
    }

private:
    std::shared_ptr<WebSocketSession> self() { return std::static_pointer_cast<WebSocketSession>(shared_from_this()); }

    beast::tcp_stream& lowest() { return beast::get_lowest_layer(*stream_); }

    [[nodiscard]] websocket::stream_base::timeout currentTimeout() const
    {
        websocket::stream_base::timeout timeout{};
        timeout.handshake_timeout = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
            std::max(std::chrono::milliseconds{1},
                     std::chrono::duration_cast<std::chrono::milliseconds>(connectDeadline_ - Clock::now())));
        timeout.idle_timeout = settings.idleTimeout;
        timeout.keep_alive_pings = settings.keepAlivePings == KeepAlivePings::enabled;
        return timeout;
    }

    bool connecting() const { return state.load() == WebSocketState::connecting; }

    void onResolved(beast::error_code error, const tcp::resolver::results_type& endpoints)
    {
        if (!connecting()) {
            return;
        }
        if (error) {
            failConnect(error);
            return;
        }
        stage_ = NetStage::connect;
        lowest().expires_at(connectDeadline_);
        lowest().async_connect(endpoints, beast::bind_front_handler(&WebSocketSession::onTcpConnected, self()));
    }

    void onTcpConnected(beast::error_code error, const tcp::endpoint& /*endpoint*/)
    {
        if (!connecting()) {
            return;
        }
        if (error) {
            failConnect(error);
            return;
        }
        if constexpr (Secure) {
            const core::Status prepared = detail::prepareTlsClient(stream_->next_layer().native_handle(), url_.host());
            if (!prepared) {
                finishConnect(prepared.error().withContext(safeUrl_));
                return;
            }
            stage_ = NetStage::tlsHandshake;
            lowest().expires_at(connectDeadline_);
            stream_->next_layer().async_handshake(asio::ssl::stream_base::client,
                                                  beast::bind_front_handler(&WebSocketSession::onTlsHandshake, self()));
        } else {
            upgrade();
        }
    }

    void onTlsHandshake(beast::error_code error)
    {
        if (!connecting()) {
            return;
        }
        if (error) {
            failConnect(error);
            return;
        }
        upgrade();
    }

    void upgrade()
    {
        stage_ = NetStage::websocketHandshake;
        lowest().expires_never(); // the WebSocket stream keeps its own timeouts from here on
        stream_->set_option(currentTimeout());
        // No limit in Beast: onRead() checks the cap after every piece of at most 64 KiB, so memory
        // stays bounded by the cap plus one piece, and the reason is never lost in a TLS teardown.
        stream_->read_message_max(0);
        stream_->set_option(websocket::stream_base::decorator(
            [userAgent = settings.userAgent, headers = settings.handshakeHeaders](websocket::request_type& request) {
                request.set(http::field::user_agent, userAgent);
                for (const HttpHeader& header : headers) {
                    request.set(header.name, header.value);
                }
            }));
        stream_->async_handshake(upgradeResponse_, detail::hostHeader(url_), url_.target(),
                                 beast::bind_front_handler(&WebSocketSession::onUpgraded, self()));
    }

    void onUpgraded(beast::error_code error)
    {
        if (!connecting()) {
            return;
        }
        if (error) {
            // A refusal with a status (404, 401, 503…) is a WebSocket error with a real response;
            // a timeout or an I/O error leaves the default-constructed one (200).
            const bool answered = error.category() == make_error_code(websocket::error::closed).category();
            const unsigned status = upgradeResponse_.result_int();
            if (answered && status != 101) {
                finishConnect(core::Error{NetErrc::httpStatus, "the server answered " + std::to_string(status) +
                                                                   " to the WebSocket upgrade (" + safeUrl_ + ")"});
                return;
            }
            failConnect(error);
            return;
        }
        connectTimer_.cancel();
        state.store(WebSocketState::open);
        qCDebug(lcNet) << "WebSocket open:" << safeUrl_.c_str();
        reportConnected({});
        read();
    }

    void failConnect(beast::error_code error)
    {
        long verifyResult = X509_V_OK;
        if constexpr (Secure) {
            if (stage_ == NetStage::tlsHandshake) {
                verifyResult = SSL_get_verify_result(stream_->next_layer().native_handle());
            }
        }
        finishConnect(detail::mapNetError(error, stage_, safeUrl_, verifyResult));
    }

    void finishConnect(const core::Error& error)
    {
        if (!connecting()) {
            return;
        }
        state.store(WebSocketState::closed);
        connectTimer_.cancel();
        resolver_.cancel();
        closeSocket();
        queue.clear();
        qCDebug(lcNet) << "WebSocket connect failed:" << error.describe().c_str();
        reportConnected(error);
    }

    // Reads in pieces and checks the size of the message so far itself: Beast's read_message_max
    // fails the connection too, but over TLS its teardown error can hide the reason.
    void read()
    {
        constexpr std::size_t readPieceBytes = 64 * 1024;
        stream_->async_read_some(readBuffer_, readPieceBytes,
                                 beast::bind_front_handler(&WebSocketSession::onRead, self()));
    }

    void onRead(beast::error_code error, std::size_t /*bytes*/)
    {
        if (state.load() == WebSocketState::closed) {
            return;
        }
        if (error) {
            if (state.load() == WebSocketState::closing) {
                return; // onClosedByUs reports
            }
            endSession(readError(error));
            return;
        }
        if (readBuffer_.size() > settings.maxIncomingMessageBytes) {
            refuseOversizedMessage();
            return;
        }
        if (!stream_->is_message_done()) {
            read();
            return;
        }
        WebSocketMessage message;
        message.type = stream_->got_text() ? WebSocketMessageType::text : WebSocketMessageType::binary;
        message.data = beast::buffers_to_string(readBuffer_.data());
        readBuffer_.consume(readBuffer_.size());
        reportMessage(std::move(message));
        if (state.load() == WebSocketState::open || state.load() == WebSocketState::closing) {
            read();
        }
    }

    // Closes with 1009 (message too big), then reports messageTooLarge.
    void refuseOversizedMessage()
    {
        readBuffer_.consume(readBuffer_.size());
        state.store(WebSocketState::closing);
        websocket::stream_base::timeout timeout = currentTimeout();
        timeout.handshake_timeout = settings.closeTimeout;
        stream_->set_option(timeout);
        core::Error error{NetErrc::messageTooLarge, "an incoming message exceeded " +
                                                        std::to_string(settings.maxIncomingMessageBytes) + " bytes (" +
                                                        safeUrl_ + ")"};
        stream_->async_close(
            websocket::close_code::too_big,
            [self = self(), error = std::move(error)](beast::error_code /*closeError*/) { self->endSession(error); });
    }

    core::Error readError(beast::error_code error)
    {
        if (error == websocket::error::closed) {
            const websocket::close_reason& reason = stream_->reason();
            std::string detail = "the server closed the connection (code " + std::to_string(reason.code);
            if (!reason.reason.empty()) {
                detail += ", \"" + std::string(reason.reason.c_str()) + "\"";
            }
            return {NetErrc::connectionClosed, detail + ") (" + safeUrl_ + ")"};
        }
        if (error == websocket::error::message_too_big || error == websocket::error::buffer_overflow) {
            return {NetErrc::messageTooLarge, "an incoming message exceeded " +
                                                  std::to_string(settings.maxIncomingMessageBytes) + " bytes (" +
                                                  safeUrl_ + ")"};
        }
        return detail::mapNetError(error, NetStage::read, safeUrl_);
    }

    void onWritten(beast::error_code error, std::size_t /*bytes*/)
    {
        if (state.load() == WebSocketState::closed) {
            return;
        }
        if (error) {
            if (state.load() != WebSocketState::closing) {
                endSession(detail::mapNetError(error, NetStage::write, safeUrl_));
            }
            return;
        }
        if (queue.pop()) {
            startWrite();
        }
    }

    void onClosedByUs(beast::error_code error)
    {
        if (state.load() == WebSocketState::closed) {
            return;
        }
        endSession(error ? detail::mapNetError(error, NetStage::close, safeUrl_) : core::Error{});
    }

    void endSession(const core::Error& error)
    {
        if (state.exchange(WebSocketState::closed) == WebSocketState::closed) {
            return;
        }
        closeSocket();
        queue.clear();
        if (error) {
            qCDebug(lcNet) << "WebSocket closed:" << error.describe().c_str();
        } else {
            qCDebug(lcNet) << "WebSocket closed by us:" << safeUrl_.c_str();
        }
        reportClosed(error);
    }

    void closeSocket()
    {
        if (stream_) {
            beast::error_code ignored;
            lowest().socket().shutdown(tcp::socket::shutdown_both, ignored);
            lowest().close();
        }
    }

    Url url_;
    std::string safeUrl_;
    NetStage stage_ = NetStage::resolve;
    Clock::time_point connectDeadline_{};
    tcp::resolver resolver_{strand};
    asio::steady_timer connectTimer_{strand};
    std::optional<WebSocketStream<Secure>> stream_;
    websocket::response_type upgradeResponse_;
    beast::flat_buffer readBuffer_;
};

} // namespace hoststudio::net::detail
