// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/net/NetError.hpp"

Q_LOGGING_CATEGORY(lcNet, "hoststudio.net")

namespace hoststudio::net {

namespace {
const char* describeNetError(NetErrc value) noexcept
{
    switch (value) {
    case NetErrc::invalidUrl: return "invalid URL";
    case NetErrc::unsupportedScheme: return "unsupported URL scheme";
    case NetErrc::resolveFailed: return "host name could not be resolved";
    case NetErrc::connectFailed: return "connection failed";
    case NetErrc::tlsHandshakeFailed: return "TLS handshake failed";
    case NetErrc::certificateRejected: return "server certificate rejected";
    case NetErrc::timedOut: return "timed out";
    case NetErrc::connectionClosed: return "connection closed";
    case NetErrc::messageTooLarge: return "message too large";
    case NetErrc::httpStatus: return "unexpected HTTP status";
    case NetErrc::protocolError: return "protocol error";
    case NetErrc::cancelled: return "cancelled";
    case NetErrc::sendQueueFull: return "send queue full";
    case NetErrc::notConnected: return "not connected";
    case NetErrc::wrongThread: return "called on the wrong thread";
    case NetErrc::invalidCaFile: return "CA certificate file unusable";
    }
    return nullptr;
}
} // namespace

HOSTSTUDIO_DEFINE_ERROR_CATEGORY(NetErrc, netCategory, "hoststudio.net", describeNetError)

} // namespace hoststudio::net
