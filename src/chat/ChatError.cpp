// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/chat/ChatError.hpp"

Q_LOGGING_CATEGORY(lcChat, "hoststudio.chat")

namespace hoststudio::chat {

namespace {
const char* describeChatError(ChatErrc value) noexcept
{
    switch (value) {
    case ChatErrc::handshakeFailed: return "handshake failed";
    case ChatErrc::protocolError: return "protocol error";
    case ChatErrc::notConnected: return "not connected";
    case ChatErrc::rateLimited: return "sending too fast";
    case ChatErrc::messageTooLarge: return "message too large";
    case ChatErrc::streamRejected: return "stream rejected by the server";
    case ChatErrc::invalidPacket: return "invalid real-time packet";
    case ChatErrc::invalidJson: return "invalid JSON in a real-time packet";
    case ChatErrc::invalidUtf8: return "invalid UTF-8 in a real-time packet";
    case ChatErrc::invalidArgument: return "invalid argument";
    case ChatErrc::timedOut: return "timed out";
    case ChatErrc::connectRefused: return "the server refused the connection";
    case ChatErrc::disconnected: return "disconnected";
    case ChatErrc::retriesExhausted: return "gave up reconnecting";
    }
    return nullptr;
}
} // namespace

HOSTSTUDIO_DEFINE_ERROR_CATEGORY(ChatErrc, chatCategory, "hoststudio.chat", describeChatError)

} // namespace hoststudio::chat
