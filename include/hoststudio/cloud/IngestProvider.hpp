// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// IngestProvider: where a live event's stream goes, behind one interface the Go Live controller
// uses whatever the host picked (Cloudinary, the seed backend, a custom RTMP(S) server, or one of
// them with another as the fallback).
//
//   prepare(request)  -> IngestEndpoint: create the stream or reuse the event's one; ingest URL and
//                        key, playback URLs. Nothing is pushed yet.
//   start(endpoint)   -> the provider is told the stream begins (Cloudinary: activate).
//   stop(endpoint)    -> the stream is over (Cloudinary: idle). The stream itself is kept, so the
//                        next session of the same event reuses it.
//   status(endpoint)  -> what the provider sees now (idle, starting, live, ended, unknown).
//
// Callbacks are called exactly once, on the provider's thread (the network thread for providers
// that talk to a server) or before the call returns (providers that need no server); a caller
// must not hold a lock a callback takes. cancel() ends what is outstanding (callbacks then get a
// `cancelled` error).
//
// The stream key is a secret: whoever builds an IngestEndpoint registers it with
// core::SecretScrubber (makeEndpoint… helpers below do).
//
// Owner: the controller that uses it; it outlives its outstanding calls' callbacks.
// Thread safety: implementations may be called from any thread.

#include "hoststudio/core/Result.hpp"

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace hoststudio::cloud {

struct IngestRequest {
    std::string eventId; // the live event's stable id (the NIP-53 `d` tag): one stream per event
    std::string title;   // for the provider's own listing
};

struct IngestEndpoint {
    std::string provider;  // "cloudinary", "custom", "backend": who produced it
    std::string streamId;  // the provider's id of the stream (empty when it has none)
    std::string ingestUrl; // the server: rtmp(s)://host[:port]/app
    std::string streamKey; // secret
    std::optional<std::string> hlsPlaybackUrl;
    std::optional<std::string> playerPageUrl;
    std::optional<std::string> archiveUrl; // a recording, when the provider keeps one
    // Set by FallbackIngestProvider when the fallback produced this endpoint.
    std::optional<std::string> fellBackFrom;
    std::optional<std::string> fallbackReason;

    // ingestUrl + "/" + streamKey: what an RTMP publisher dials. Contains the secret.
    [[nodiscard]] std::string publishUrl() const;
    // Registers the stream key with the log scrubber.
    void registerSecrets() const;
};

enum class IngestState { idle, starting, live, ended, unknown };
[[nodiscard]] std::string_view toString(IngestState state) noexcept;

struct IngestStatus {
    IngestState state = IngestState::unknown;
    std::string providerStatus; // as the provider said it ("active", "idle", …), for display

    friend bool operator==(const IngestStatus&, const IngestStatus&) = default;
};

class IngestProvider {
public:
    using EndpointCallback = std::function<void(core::Result<IngestEndpoint>)>;
    using StatusCallback = std::function<void(core::Result<IngestStatus>)>;
    using DoneCallback = std::function<void(core::Status)>;

    virtual ~IngestProvider() = default;
    IngestProvider() = default;
    IngestProvider(const IngestProvider&) = delete;
    IngestProvider& operator=(const IngestProvider&) = delete;
    IngestProvider(IngestProvider&&) = delete;
    IngestProvider& operator=(IngestProvider&&) = delete;

    // "cloudinary", "custom", "backend", …: the value IngestEndpoint::provider carries.
    [[nodiscard]] virtual std::string name() const = 0;
    virtual void prepare(const IngestRequest& request, EndpointCallback done) = 0;
    virtual void start(const IngestEndpoint& endpoint, DoneCallback done) = 0;
    virtual void stop(const IngestEndpoint& endpoint, DoneCallback done) = 0;
    virtual void status(const IngestEndpoint& endpoint, StatusCallback done) = 0;
    virtual void cancel() = 0;
};

} // namespace hoststudio::cloud
