// SPDX-License-Identifier: GPL-2.0-or-later
#include "ErrorMapping.hpp"

#include "hoststudio/net/NetError.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/websocket/error.hpp>

#include <openssl/x509.h>

namespace hoststudio::net::detail {

namespace asio_error = boost::asio::error;
namespace http_error = boost::beast::http;
namespace websocket_error = boost::beast::websocket;

namespace {

std::string where(std::string_view safeUrl)
{
    return safeUrl.empty() ? std::string{} : " (" + std::string(safeUrl) + ")";
}

bool isTimeout(const boost::system::error_code& error)
{
    return error == boost::beast::error::timeout || error == asio_error::timed_out;
}

bool isClosedByPeer(const boost::system::error_code& error)
{
    return error == asio_error::eof || error == asio_error::connection_reset || error == asio_error::broken_pipe ||
           error == asio_error::connection_aborted || error == http_error::error::end_of_stream ||
           error == http_error::error::partial_message || error == boost::asio::ssl::error::stream_truncated ||
           error == websocket_error::error::closed;
}

bool isTooLarge(const boost::system::error_code& error)
{
    return error == http_error::error::body_limit || error == http_error::error::header_limit ||
           error == http_error::error::buffer_overflow || error == websocket_error::error::message_too_big ||
           error == websocket_error::error::buffer_overflow;
}

} // namespace

std::string describeVerifyResult(long verifyResult)
{
    const char* text = X509_verify_cert_error_string(verifyResult);
    return text != nullptr ? text : "certificate verification error " + std::to_string(verifyResult);
}

bool isStaleConnectionError(const boost::system::error_code& error)
{
    return error == asio_error::eof || error == asio_error::connection_reset || error == asio_error::broken_pipe ||
           error == asio_error::connection_aborted || error == http_error::error::end_of_stream ||
           error == boost::asio::ssl::error::stream_truncated;
}

core::Error mapNetError(const boost::system::error_code& error, NetStage stage, std::string_view safeUrl,
                        long verifyResult)
{
    const std::string at = where(safeUrl);
    if (error == asio_error::operation_aborted) {
        return {NetErrc::cancelled, "cancelled" + at};
    }
    if (isTimeout(error)) {
        const char* step = "";
        switch (stage) {
        case NetStage::resolve: step = "resolving the host name"; break;
        case NetStage::connect: step = "connecting"; break;
        case NetStage::tlsHandshake: step = "the TLS handshake"; break;
        case NetStage::websocketHandshake: step = "the WebSocket upgrade"; break;
        case NetStage::write: step = "sending"; break;
        case NetStage::read: step = "waiting for the peer"; break;
        case NetStage::close: step = "closing"; break;
        }
        return {NetErrc::timedOut, std::string("timed out while ") + step + at};
    }
    if (stage == NetStage::tlsHandshake && verifyResult != X509_V_OK) {
        return {NetErrc::certificateRejected, "certificate rejected: " + describeVerifyResult(verifyResult) + at};
    }
    if (isTooLarge(error)) {
        return {NetErrc::messageTooLarge, error.message() + at};
    }
    switch (stage) {
    case NetStage::resolve: return {NetErrc::resolveFailed, "cannot resolve the host: " + error.message() + at};
    case NetStage::connect: return {NetErrc::connectFailed, error.message() + at};
    case NetStage::tlsHandshake: return {NetErrc::tlsHandshakeFailed, error.message() + at};
    case NetStage::websocketHandshake:
        if (isClosedByPeer(error)) {
            return {NetErrc::connectionClosed, "closed during the WebSocket upgrade: " + error.message() + at};
        }
        return {NetErrc::protocolError, "WebSocket upgrade failed: " + error.message() + at};
    case NetStage::write:
    case NetStage::read:
    case NetStage::close: break;
    }
    if (isClosedByPeer(error)) {
        return {NetErrc::connectionClosed, error.message() + at};
    }
    if (error.category() == make_error_code(http_error::error::end_of_stream).category() ||
        error.category() == make_error_code(websocket_error::error::closed).category()) {
        return {NetErrc::protocolError, error.message() + at};
    }
    return {NetErrc::connectionClosed, error.message() + at};
}

} // namespace hoststudio::net::detail
