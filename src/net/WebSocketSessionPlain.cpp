// SPDX-License-Identifier: GPL-2.0-or-later
// The ws (plain TCP) WebSocket session: one Beast instantiation per file.
#include "WebSocketSession.hpp"

namespace hoststudio::net::detail {

std::shared_ptr<WebSocketClient::Session>
makePlainWebSocketSession(asio::io_context& ioContext, WebSocketSettings settings, std::shared_ptr<TlsContext> tls)
{
    return std::make_shared<WebSocketSession<false>>(ioContext, std::move(settings), std::move(tls));
}

} // namespace hoststudio::net::detail
