// SPDX-License-Identifier: GPL-2.0-or-later
#include "ErrorMapping.hpp"

#include "hoststudio/net/NetError.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/websocket/error.hpp>

#include <openssl/x509_vfy.h>

#include <gtest/gtest.h>

#include <vector>

namespace hoststudio::net::detail {
namespace {

namespace asio_error = boost::asio::error;
namespace http = boost::beast::http;
namespace websocket = boost::beast::websocket;

struct MappingCase {
    boost::system::error_code error;
    NetStage stage;
    long verifyResult;
    NetErrc expected;
    const char* detailFragment;
};

TEST(ErrorMapping, MapsEachStepToWhatTheHostCanActOn)
{
    constexpr const char* url = "https://127.0.0.1:8443/x";
    const std::vector<MappingCase> rows{
        {asio_error::host_not_found, NetStage::resolve, X509_V_OK, NetErrc::resolveFailed, "cannot resolve"},
        {asio_error::connection_refused, NetStage::connect, X509_V_OK, NetErrc::connectFailed, "refused"},
        {asio_error::network_unreachable, NetStage::connect, X509_V_OK, NetErrc::connectFailed, url},
        {boost::beast::error::timeout, NetStage::connect, X509_V_OK, NetErrc::timedOut, "connecting"},
        {boost::beast::error::timeout, NetStage::read, X509_V_OK, NetErrc::timedOut, "waiting for the peer"},
        {asio_error::timed_out, NetStage::tlsHandshake, X509_V_OK, NetErrc::timedOut, "TLS handshake"},
        {asio_error::operation_aborted, NetStage::read, X509_V_OK, NetErrc::cancelled, "cancelled"},
        {boost::asio::ssl::error::stream_truncated, NetStage::tlsHandshake, X509_V_OK, NetErrc::tlsHandshakeFailed,
         url},
        {boost::asio::ssl::error::stream_truncated, NetStage::tlsHandshake, X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT,
         NetErrc::certificateRejected, "certificate rejected: self-signed certificate (https://127.0.0.1:8443/x)"},
        {asio_error::eof, NetStage::tlsHandshake, X509_V_ERR_HOSTNAME_MISMATCH, NetErrc::certificateRejected,
         "certificate rejected: hostname mismatch"},
        {asio_error::eof, NetStage::tlsHandshake, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY,
         NetErrc::certificateRejected, "local issuer"},
        {http::error::body_limit, NetStage::read, X509_V_OK, NetErrc::messageTooLarge, url},
        {http::error::header_limit, NetStage::read, X509_V_OK, NetErrc::messageTooLarge, url},
        {websocket::error::message_too_big, NetStage::read, X509_V_OK, NetErrc::messageTooLarge, url},
        {http::error::end_of_stream, NetStage::read, X509_V_OK, NetErrc::connectionClosed, url},
        {http::error::partial_message, NetStage::read, X509_V_OK, NetErrc::connectionClosed, url},
        {asio_error::connection_reset, NetStage::write, X509_V_OK, NetErrc::connectionClosed, url},
        {websocket::error::closed, NetStage::read, X509_V_OK, NetErrc::connectionClosed, url},
        {http::error::bad_version, NetStage::read, X509_V_OK, NetErrc::protocolError, url},
        {websocket::error::upgrade_declined, NetStage::websocketHandshake, X509_V_OK, NetErrc::protocolError,
         "WebSocket upgrade failed"},
        {asio_error::eof, NetStage::websocketHandshake, X509_V_OK, NetErrc::connectionClosed, "upgrade"},
    };
    for (const MappingCase& row : rows) {
        const core::Error mapped = mapNetError(row.error, row.stage, url, row.verifyResult);
        EXPECT_EQ(mapped, row.expected) << row.error.message() << " → " << mapped.describe();
        EXPECT_NE(mapped.detail().find(row.detailFragment), std::string::npos)
            << "'" << mapped.detail() << "' lacks '" << row.detailFragment << "'";
    }
}

TEST(ErrorMapping, OnlyAClosedConnectionIsStale)
{
    EXPECT_TRUE(isStaleConnectionError(asio_error::eof));
    EXPECT_TRUE(isStaleConnectionError(asio_error::connection_reset));
    EXPECT_TRUE(isStaleConnectionError(http::error::end_of_stream));
    EXPECT_FALSE(isStaleConnectionError(boost::beast::error::timeout));
    EXPECT_FALSE(isStaleConnectionError(http::error::body_limit));
    EXPECT_FALSE(isStaleConnectionError(asio_error::operation_aborted));
}

} // namespace
} // namespace hoststudio::net::detail
