// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Inside the net module only: Asio/Beast/OpenSSL error codes → NetErrc with a detail that says
// what happened and where ("connection refused (https://127.0.0.1:8443/x)"). The URL passed in
// must already be free of user info (Url::toString()).

#include "hoststudio/core/Error.hpp"

#include <boost/system/error_code.hpp>

#include <string>
#include <string_view>

namespace hoststudio::net::detail {

// Which step failed: the same Asio error means different things in different steps.
enum class NetStage { resolve, connect, tlsHandshake, websocketHandshake, write, read, close };

// X509_V_OK (0) when there was no certificate verification result to report.
[[nodiscard]] core::Error mapNetError(const boost::system::error_code& error, NetStage stage, std::string_view safeUrl,
                                      long verifyResult = 0);

// True for errors that mean "the peer closed this (reused) connection": the request may be retried.
[[nodiscard]] bool isStaleConnectionError(const boost::system::error_code& error);

// OpenSSL's words for a certificate verification result ("self-signed certificate").
[[nodiscard]] std::string describeVerifyResult(long verifyResult);

} // namespace hoststudio::net::detail
