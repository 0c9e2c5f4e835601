// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The errors of the chat module (see core/Error.hpp for the convention).

#include "hoststudio/core/Error.hpp"

#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcChat)

namespace hoststudio::chat {

enum class ChatErrc {
    handshakeFailed = 1,
    protocolError,
    notConnected,
    rateLimited,
    messageTooLarge,
    streamRejected,
    invalidPacket,    // a Socket.IO / Engine.IO packet that breaks the protocol's grammar
    invalidJson,      // the JSON payload of a packet does not parse
    invalidUtf8,      // text that is not UTF-8
    invalidArgument,  // a caller's value the protocol cannot carry (reserved event name, bad URL…)
    timedOut,         // no handshake, heartbeat or acknowledgement in time
    connectRefused,   // the server answered the namespace connect with CONNECT_ERROR
    disconnected,     // the connection ended (by the server, by close(), or a drop) before an answer
    retriesExhausted, // the reconnect policy gave up
};

[[nodiscard]] const std::error_category& chatCategory() noexcept;
[[nodiscard]] std::error_code make_error_code(ChatErrc value) noexcept;

} // namespace hoststudio::chat

HOSTSTUDIO_DECLARE_ERROR_ENUM(hoststudio::chat::ChatErrc);
