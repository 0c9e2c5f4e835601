// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// CustomRtmpIngestProvider: any RTMP or RTMPS server the host names (a self-hosted nginx-rtmp, a
// streaming platform's ingest): server URL + stream key, checked strictly when made, so a typo is
// named at once rather than found as a failed push while going live:
//   - the URL parses (net::Url), its scheme is rtmp or rtmps, it has a host and an application
//     path (rtmp://host/app), no user info, query or fragment;
//   - the key is not empty and has no blanks, control characters or '/'.
// An optional HLS base URL (http(s)) gives the playback URL <base>/<key>.m3u8 (nginx-rtmp's layout).
//
// There is no server to ask: prepare() answers before returning, start()/stop() succeed, status()
// is `unknown`.
//
// Owner: the controller. Thread safety: immutable after create(); any thread.

#include "hoststudio/cloud/IngestProvider.hpp"

#include <memory>
#include <string>

namespace hoststudio::cloud {

struct CustomRtmpSettings {
    std::string serverUrl;  // rtmp(s)://host[:port]/app — the setting ingest/rtmpUrl or ingest/rtmpsUrl
    std::string streamKey;  // secret
    std::string hlsBaseUrl; // optional: ingest/hlsBaseUrl
};

class CustomRtmpIngestProvider final : public IngestProvider {
public:
    // CloudErrc::invalidIngestUrl (detail says what to fix) when the settings are unusable.
    [[nodiscard]] static core::Result<std::unique_ptr<CustomRtmpIngestProvider>> create(CustomRtmpSettings settings);
    [[nodiscard]] static core::Status validate(const CustomRtmpSettings& settings);

    [[nodiscard]] std::string name() const override { return "custom"; }
    void prepare(const IngestRequest& request, EndpointCallback done) override;
    void start(const IngestEndpoint& endpoint, DoneCallback done) override;
    void stop(const IngestEndpoint& endpoint, DoneCallback done) override;
    void status(const IngestEndpoint& endpoint, StatusCallback done) override;
    void cancel() override {}

private:
    explicit CustomRtmpIngestProvider(CustomRtmpSettings settings) : settings_(std::move(settings)) {}
    CustomRtmpSettings settings_;
};

} // namespace hoststudio::cloud
