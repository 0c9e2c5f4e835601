// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// BackendIngestProvider: the seed backend. Its media path is not RTMP but its Socket.IO channel
// (`stream-data` events carrying a WebM/Matroska byte stream, the event id as `streamKey`), and it
// serves the HLS it makes at <backend>/livestream/<id>/stream.m3u8.
//
//   prepare: GET /playback for the event; a 404 (never started) is fine: the URLs are the
//            backend's own (its answers name itself anyway). A backend that cannot be reached
//            fails here, before anything is pushed, so a fallback can take over.
//   start:   POST /start with the title prepare() was given (the backend creates and activates in
//            one call).
//   stop:    POST /stop.
//   status:  GET /status, read from what really exists (the backend's overall.isActive is true for
//            any polled id): stopped -> ended, HLS with media -> live, started without media yet
//            -> starting, unknown to the backend -> idle, else unknown.
//
// The endpoint: provider "backend", streamId and streamKey = the event id, ingestUrl = the
// backend's Socket.IO URL (ws:// or wss://…/socket.io/?EIO=4&transport=websocket); publishUrl()
// has no meaning for it.
//
// Owner: the controller; the client is shared with it.
// Thread safety: any thread; callbacks on the network thread.

#include "hoststudio/cloud/BackendClient.hpp"
#include "hoststudio/cloud/IngestProvider.hpp"

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace hoststudio::cloud {

struct BackendIngestSettings {
    std::string userId; // the host's public key, 64 hex digits (the backend's userId)
};

class BackendIngestProvider final : public IngestProvider {
public:
    BackendIngestProvider(std::shared_ptr<BackendClient> client, BackendIngestSettings settings);

    [[nodiscard]] std::string name() const override { return "backend"; }
    void prepare(const IngestRequest& request, EndpointCallback done) override;
    void start(const IngestEndpoint& endpoint, DoneCallback done) override;
    void stop(const IngestEndpoint& endpoint, DoneCallback done) override;
    void status(const IngestEndpoint& endpoint, StatusCallback done) override;
    void cancel() override;

    // The endpoint of event `eventId` on the backend at `baseUrl` (http(s)://…, no trailing
    // slash), with the URLs of a playback answer when there is one.
    [[nodiscard]] static core::Result<IngestEndpoint>
    endpointFor(const std::string& baseUrl, const std::string& eventId, const std::optional<BackendPlayback>& playback);
    [[nodiscard]] static IngestStatus statusOf(const BackendStreamStatus& status);

private:
    std::shared_ptr<BackendClient> client_;
    BackendIngestSettings settings_;
    std::mutex mutex_;                          // guards titles_
    std::map<std::string, std::string> titles_; // event id -> title, from prepare()
};

} // namespace hoststudio::cloud
