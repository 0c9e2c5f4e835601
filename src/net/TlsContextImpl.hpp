// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Inside the net module only: the OpenSSL client context, and the per-connection setup (SNI and
// host-name verification).

#include "hoststudio/core/Result.hpp"
#include "hoststudio/net/TlsSettings.hpp"

#include <boost/asio/ssl/context.hpp>

#include <openssl/ssl.h>

#include <string>

namespace hoststudio::net {

class TlsContext {
public:
    TlsContext() : context(boost::asio::ssl::context::tls_client) {}
    boost::asio::ssl::context context;
};

namespace detail {

// Sends SNI (for a host name, not for an IP address) and makes OpenSSL check that the certificate
// names `host` (DNS name or IP address). Fails with tlsHandshakeFailed when OpenSSL refuses.
[[nodiscard]] core::Status prepareTlsClient(SSL* ssl, const std::string& host);

} // namespace detail
} // namespace hoststudio::net
