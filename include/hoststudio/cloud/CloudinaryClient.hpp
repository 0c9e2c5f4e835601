// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// CloudinaryClient: every operation of Cloudinary's Live Streaming API over net::HttpClient.
//
//   auto client = CloudinaryClient::create(networkThread, credentials, CloudinaryClientSettings{});
//   client.value()->createStream({.name = "Town hall"}, [](core::Result<LiveStream> stream) { … });
//
// - Requests go to <apiBaseUrl>/v2/video/<cloud>/live_streams…, with HTTP Basic authentication,
//   "Accept: application/json" and JSON bodies. apiBaseUrl must be https://, or http:// to a
//   loopback host (a local stand-in): the credentials never travel in clear over a network.
// - Every attempt has a timeout (requestTimeout). 5xx answers, 420/429, timeouts, unreachable
//   servers and unusable answers are tried again, up to maxAttempts in all, after a back-off that
//   doubles from initialBackoff up to maxBackoff and is at least what the server's reset headers
//   ask for (Retry-After, X-FeatureRateLimit-Reset). A reset further away than maxRateLimitWait is
//   not waited for: the rate-limit error says when to try again. 401, 403, 404 and other 4xx are
//   final at once. A create that timed out or lost its connection is not repeated (the stream may
//   exist already; the error says to list the streams).
// - Errors are CloudErrc codes; the detail names the operation, the server's message and request
//   id, and what the host should do. No detail or log line carries the API secret.
// - Callbacks are called exactly once, on the network thread. cancel() and the destructor end
//   what is outstanding, pending retries included: those callbacks get CloudErrc::cancelled (on
//   the network thread, possibly after the destructor returned; dropped if the NetworkThread has
//   stopped, as HttpClient does).
// - The *Blocking variants wait for the result; for CLI verbs and tests, never on the network
//   thread (there they fail at once).
//
// Owner: any thread creates and destroys it, before its NetworkThread is destroyed.
// Thread safety: every public method may be called from any thread.

#include "hoststudio/cloud/CloudinaryCredentials.hpp"
#include "hoststudio/cloud/CloudinaryModel.hpp"
#include "hoststudio/core/Result.hpp"
#include "hoststudio/net/TlsSettings.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace hoststudio::net {
class NetworkThread;
}

namespace hoststudio::cloud {

// Told before each retry: for a status line ("Cloudinary busy, trying again in 2 s") and tests.
struct RetryNotice {
    std::string operation;           // "get live stream <id>"
    int failedAttempt = 0;           // 1 for the first try
    std::chrono::milliseconds delay; // until the next attempt
    core::Error error;               // why the attempt failed
};

struct CloudinaryClientSettings {
    std::string apiBaseUrl = "https://api.cloudinary.com"; // the settings key cloudinary/apiBaseUrl
    net::TlsSettings tls;
    std::chrono::milliseconds requestTimeout{15000}; // one attempt, connect to last byte
    int maxAttempts = 4;                             // first try included
    std::chrono::milliseconds initialBackoff{500};
    std::chrono::milliseconds maxBackoff{8000};
    std::chrono::milliseconds maxRateLimitWait{60000};
    // Called on the network thread before each retry is scheduled; may be empty.
    std::function<void(const RetryNotice&)> onRetry;

    // Empty when usable, else what is wrong.
    [[nodiscard]] std::string validationError() const;
};

struct StreamOptions {
    std::optional<std::string> name;
    std::optional<std::int64_t> idleTimeoutSeconds; // idle_timeout_sec
    std::optional<std::int64_t> maxRuntimeSeconds;  // max_runtime_sec
};

struct OutputOptions {
    std::string type; // "rtmp", "hls", "archive", … (create only)
    std::optional<std::string> name;
    std::optional<std::string> uri;
    std::optional<std::string> streamKey;
    std::optional<std::string> vendor;   // create only
    std::optional<std::string> publicId; // create only
};

class CloudinaryClient {
public:
    template <typename T> using Callback = std::function<void(core::Result<T>)>;

    [[nodiscard]] static core::Result<std::unique_ptr<CloudinaryClient>>
    create(net::NetworkThread& thread, CloudinaryCredentials credentials, CloudinaryClientSettings settings);
    ~CloudinaryClient();
    CloudinaryClient(const CloudinaryClient&) = delete;
    CloudinaryClient& operator=(const CloudinaryClient&) = delete;
    CloudinaryClient(CloudinaryClient&&) = delete;
    CloudinaryClient& operator=(CloudinaryClient&&) = delete;

    void listStreams(Callback<std::vector<LiveStream>> done);
    // input.type is always "rtmp".
    void createStream(const StreamOptions& options, Callback<LiveStream> done);
    void getStream(const std::string& streamId, Callback<LiveStream> done);
    void updateStream(const std::string& streamId, const StreamOptions& changes, Callback<LiveStream> done);
    // The server's message ("Live stream deleted").
    void deleteStream(const std::string& streamId, Callback<std::string> done);
    void activateStream(const std::string& streamId, Callback<std::string> done);
    void idleStream(const std::string& streamId, Callback<std::string> done);

    void listOutputs(const std::string& streamId, Callback<std::vector<LiveStreamOutput>> done);
    void createOutput(const std::string& streamId, const OutputOptions& output, Callback<LiveStreamOutput> done);
    void getOutput(const std::string& streamId, const std::string& outputId, Callback<LiveStreamOutput> done);
    void updateOutput(const std::string& streamId, const std::string& outputId, const OutputOptions& changes,
                      Callback<LiveStreamOutput> done);
    void deleteOutput(const std::string& streamId, const std::string& outputId, Callback<std::string> done);

    [[nodiscard]] core::Result<std::vector<LiveStream>> listStreamsBlocking();
    [[nodiscard]] core::Result<LiveStream> createStreamBlocking(const StreamOptions& options);
    [[nodiscard]] core::Result<LiveStream> getStreamBlocking(const std::string& streamId);
    [[nodiscard]] core::Result<LiveStream> updateStreamBlocking(const std::string& streamId,
                                                                const StreamOptions& changes);
    [[nodiscard]] core::Result<std::string> deleteStreamBlocking(const std::string& streamId);
    [[nodiscard]] core::Result<std::string> activateStreamBlocking(const std::string& streamId);
    [[nodiscard]] core::Result<std::string> idleStreamBlocking(const std::string& streamId);
    [[nodiscard]] core::Result<std::vector<LiveStreamOutput>> listOutputsBlocking(const std::string& streamId);
    [[nodiscard]] core::Result<LiveStreamOutput> createOutputBlocking(const std::string& streamId,
                                                                      const OutputOptions& output);
    [[nodiscard]] core::Result<LiveStreamOutput> getOutputBlocking(const std::string& streamId,
                                                                   const std::string& outputId);
    [[nodiscard]] core::Result<LiveStreamOutput>
    updateOutputBlocking(const std::string& streamId, const std::string& outputId, const OutputOptions& changes);
    [[nodiscard]] core::Result<std::string> deleteOutputBlocking(const std::string& streamId,
                                                                 const std::string& outputId);

    // Ends every outstanding request and pending retry (their callbacks get `cancelled`); later
    // requests work as usual.
    void cancel();

    [[nodiscard]] const std::string& cloudName() const noexcept;
    [[nodiscard]] const CloudinaryClientSettings& settings() const noexcept;
    // https://api.cloudinary.com/v2/video/<cloud>/live_streams (no credentials in it).
    [[nodiscard]] const std::string& endpointUrl() const noexcept;

    struct State;

private:
    explicit CloudinaryClient(std::shared_ptr<State> state);
    std::shared_ptr<State> state_;
};

} // namespace hoststudio::cloud
