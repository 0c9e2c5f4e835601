// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// HttpClient: HTTP/1.1 over TCP (http) and TLS (https) on the NetworkThread.
//
//   auto client = HttpClient::create(networkThread, HttpClientSettings::defaults());
//   client.value()->request(HttpRequest::make(HttpMethod::get, "https://api.example/x"),
//                           [](core::Result<HttpResponse> response) { /* on the network thread */ });
//
// - The callback is called exactly once, on the network thread, with the response (any status: a
//   404 is a response, not an error) or an Error: invalidUrl, unsupportedScheme, resolveFailed,
//   connectFailed, timedOut, tlsHandshakeFailed, certificateRejected (with OpenSSL's reason),
//   messageTooLarge, connectionClosed, protocolError, cancelled.
// - Connections are kept alive and reused for the same scheme+host+port (a few idle ones per
//   origin). A reused connection the server has closed meanwhile is detected before sending, and an
//   idempotent request that still fails on it before any response byte is retried once on a fresh
//   connection.
// - Error details and log lines name the URL without its user info, never an Authorization header.
//
// A request made after NetworkThread::stop() is dropped without a callback (requestBlocking()
// returns `cancelled` at once).
//
// Owner: any thread creates and destroys it; it must be destroyed before its NetworkThread.
// Destroying it (or cancelAll()) cancels outstanding requests: their callbacks are called with
// `cancelled` on the network thread, possibly after the destructor returned.
// Thread safety: every public method may be called from any thread; the state lives on the network
// thread (its pool and requests are only touched there).

#include "hoststudio/core/Result.hpp"
#include "hoststudio/net/HttpMessage.hpp"
#include "hoststudio/net/TlsSettings.hpp"

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

namespace hoststudio::net {

class NetworkThread;

struct HttpClientSettings {
    TlsSettings tls;
    std::chrono::milliseconds connectTimeout{10000};             // TCP connect and TLS handshake
    std::size_t maxResponseBytes = std::size_t{8} * 1024 * 1024; // body; more is messageTooLarge
    std::size_t maxIdleConnectionsPerOrigin = 4;
    std::chrono::milliseconds idleConnectionLifetime{30000}; // an older idle connection is closed
    std::string userAgent;                                   // "HostStudio/<version>" when empty

    [[nodiscard]] static HttpClientSettings defaults() { return {}; }
};

class HttpClient {
public:
    using Callback = std::function<void(core::Result<HttpResponse>)>;

    // Fails only when the TLS settings are unusable (see TlsContextFactory).
    [[nodiscard]] static core::Result<std::unique_ptr<HttpClient>> create(NetworkThread& thread,
                                                                          HttpClientSettings settings);
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;
    HttpClient(HttpClient&&) = delete;
    HttpClient& operator=(HttpClient&&) = delete;

    void request(HttpRequest request, Callback callback);

    // Waits for the response. For CLI verbs and tests; on the network thread it would deadlock, so
    // there it fails at once with NetErrc::wrongThread.
    [[nodiscard]] core::Result<HttpResponse> requestBlocking(HttpRequest request);

    // Cancels every outstanding request (callbacks get `cancelled`) and closes idle connections.
    void cancelAll();

    [[nodiscard]] const HttpClientSettings& settings() const noexcept;

    class Impl;

private:
    explicit HttpClient(std::shared_ptr<Impl> impl);
    std::shared_ptr<Impl> impl_;
};

} // namespace hoststudio::net
