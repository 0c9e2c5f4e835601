// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// CloudinaryIngestProvider: a live event streams into one Cloudinary live stream, reused across
// sessions through CloudinaryStreamMemory (event id -> stream id).
//
//   prepare: the remembered stream is fetched (GET); a 404 means it was deleted meanwhile, so a new
//            one is created and remembered. The outputs are listed when the stream object came
//            without an HLS output; the stream is fetched again when it came without its ingest
//            URI or key (both may be null in an answer). Missing either after that is an error.
//   start:   activate;  stop: idle (the stream is kept for the next session);
//   status:  GET, "idle" -> idle, "active" -> live, "activating"/"starting" -> starting, else unknown.
//
// Owner: the controller; the client and the memory are shared with it.
// Thread safety: any thread; callbacks on the network thread.

#include "hoststudio/cloud/CloudinaryClient.hpp"
#include "hoststudio/cloud/CloudinaryStreamMemory.hpp"
#include "hoststudio/cloud/IngestProvider.hpp"

#include <memory>

namespace hoststudio::cloud {

struct CloudinaryIngestSettings {
    std::optional<std::int64_t> idleTimeoutSeconds; // for new streams; Cloudinary's default when empty
    std::optional<std::int64_t> maxRuntimeSeconds;
};

class CloudinaryIngestProvider final : public IngestProvider {
public:
    CloudinaryIngestProvider(std::shared_ptr<CloudinaryClient> client, std::shared_ptr<CloudinaryStreamMemory> memory,
                             CloudinaryIngestSettings settings = {});

    [[nodiscard]] std::string name() const override { return "cloudinary"; }
    void prepare(const IngestRequest& request, EndpointCallback done) override;
    void start(const IngestEndpoint& endpoint, DoneCallback done) override;
    void stop(const IngestEndpoint& endpoint, DoneCallback done) override;
    void status(const IngestEndpoint& endpoint, StatusCallback done) override;
    void cancel() override;

    // The endpoint of a Cloudinary stream (an error when its ingest URI or key is missing).
    [[nodiscard]] static core::Result<IngestEndpoint> endpointOf(const LiveStream& stream,
                                                                 const std::string& cloudName);
    [[nodiscard]] static IngestStatus statusOf(const LiveStream& stream);

private:
    std::shared_ptr<CloudinaryClient> client_;
    std::shared_ptr<CloudinaryStreamMemory> memory_;
    CloudinaryIngestSettings settings_;
};

} // namespace hoststudio::cloud
