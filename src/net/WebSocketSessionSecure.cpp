// SPDX-License-Identifier: GPL-2.0-or-later
// The wss (TLS) WebSocket session: one Beast instantiation per file.
#include "WebSocketSession.hpp"

namespace hoststudio::net::detail {

std::shared_ptr<WebSocketClient::Session>
makeSecureWebSocketSession(asio::io_context& ioContext, WebSocketSettings settings, std::shared_ptr<TlsContext> tls)
{
    return std::make_shared<WebSocketSession<true>>(ioContext, std::move(settings), std::move(tls));
}

} // namespace hoststudio::net::detail
