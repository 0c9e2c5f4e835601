// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// BackendClient: the seed backend's HTTP API (/livestream/…) over net::HttpClient.
//
//   auto client = BackendClient::create(networkThread, BackendClientSettings{.baseUrl = "http://127.0.0.1:3001"});
//   client.value()->start("my-d-tag", {.userId = hexPubkey, .title = "Town hall"},
//                         [](core::Result<BackendStartResult> started) { /* on the network thread */ });
//
// - Bodies are exactly what the backend reads: start {"action":"start","userId":<hex pubkey>,
//   "timestamp":<ms>,"title"?,"description"?}, stop {"action":"stop","userId","timestamp"}; every
//   POST carries a JSON body (the backend fails with a 500 without one).
// - Errors are CloudErrc codes whose detail names the operation and says what to do: nobody
//   listening → unreachable ("start the backend at URL or pick another ingest"), 404 →
//   streamNotFound, 400 → requestRejected, 5xx → serverError with the backend's message, an
//   answer that cannot be used → invalidResponse. Requests are not retried here: the backend has
//   no idempotency and the caller decides (the session falls back to another ingest).
// - status(): the backend's `overall.isActive` means nothing (polling an id creates state for it,
//   so it is true for every id ever asked about) and is not exposed. BackendStreamStatus tells
//   instead whether HLS output really exists (manifestExists, hasVideoContent, hasLiveContent()).
// - Callbacks are called exactly once, on the network thread; cancel() and the destructor end what
//   is outstanding (those callbacks get CloudErrc::cancelled, possibly after the destructor
//   returned; dropped when the NetworkThread has stopped, as HttpClient does).
// - The *Blocking variants wait for the result: for CLI verbs and tests, never on the network thread.
//
// Owner: any thread creates and destroys it, before its NetworkThread is destroyed.
// Thread safety: every public method may be called from any thread.

#include "hoststudio/cloud/BackendModel.hpp"
#include "hoststudio/core/Result.hpp"
#include "hoststudio/net/TlsSettings.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace hoststudio::net {
class NetworkThread;
}

namespace hoststudio::cloud {

struct BackendClientSettings {
    std::string baseUrl;                             // the settings key backend/url, http:// or https://
    net::TlsSettings tls;                            // for https://
    std::chrono::milliseconds requestTimeout{10000}; // one request, connect to last byte
    std::chrono::milliseconds connectTimeout{3000};
    std::function<std::int64_t()> nowMs; // the body's timestamp; empty: the system clock

    // Empty when usable, else what is wrong and what to do.
    [[nodiscard]] std::string validationError() const;
};

class BackendClient {
public:
    template <typename T> using Callback = std::function<void(core::Result<T>)>;

    // notConfigured when the base URL is empty or unusable; a TLS settings error as HttpClient's.
    [[nodiscard]] static core::Result<std::unique_ptr<BackendClient>> create(net::NetworkThread& thread,
                                                                             BackendClientSettings settings);
    ~BackendClient();
    BackendClient(const BackendClient&) = delete;
    BackendClient& operator=(const BackendClient&) = delete;
    BackendClient(BackendClient&&) = delete;
    BackendClient& operator=(BackendClient&&) = delete;

    void health(Callback<BackendHealth> done);
    void start(const std::string& streamId, const BackendStartRequest& request, Callback<BackendStartResult> done);
    void stop(const std::string& streamId, const std::string& userId, Callback<BackendStopResult> done);
    void playback(const std::string& streamId, Callback<BackendPlayback> done);
    void status(const std::string& streamId, Callback<BackendStreamStatus> done);
    void active(Callback<BackendActiveList> done);

    [[nodiscard]] core::Result<BackendHealth> healthBlocking();
    [[nodiscard]] core::Result<BackendStartResult> startBlocking(const std::string& streamId,
                                                                 const BackendStartRequest& request);
    [[nodiscard]] core::Result<BackendStopResult> stopBlocking(const std::string& streamId, const std::string& userId);
    [[nodiscard]] core::Result<BackendPlayback> playbackBlocking(const std::string& streamId);
    [[nodiscard]] core::Result<BackendStreamStatus> statusBlocking(const std::string& streamId);
    [[nodiscard]] core::Result<BackendActiveList> activeBlocking();

    // Ends every outstanding request (their callbacks get `cancelled`); later requests work as usual.
    void cancel();

    // The base URL without a trailing slash.
    [[nodiscard]] const std::string& baseUrl() const noexcept;

    struct State;

private:
    explicit BackendClient(std::shared_ptr<State> state);
    std::shared_ptr<State> state_;
};

} // namespace hoststudio::cloud
