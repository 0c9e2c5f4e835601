// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Cloudinary Live Streaming API objects and response envelopes, parsed leniently: unknown fields
// are kept, unknown statuses are kept as text and shown as they are, nulls are accepted where the
// API sends them (name, input.stream_key, outputs). Only what the studio cannot work without (a
// stream's id) is required. Every failure is an Error, never an exception.
//
// Thread safety: value types and pure functions.

#include "hoststudio/core/Result.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hoststudio::cloud {

enum class StreamStatus { idle, active, unknown };

struct LiveStreamOutput {
    std::string id;
    std::string type; // "hls", "archive", "rtmp", … (kept as sent)
    std::optional<std::string> name;
    std::optional<std::string> uri;
    std::optional<std::string> publicId;
    std::optional<std::int64_t> createdAtMs;
};

struct LiveStream {
    std::string id;
    std::optional<std::string> name;
    std::string inputType; // "rtmp"
    std::optional<std::string> ingestUri;
    std::optional<std::string> streamKey;
    std::string statusText; // as sent: "idle", "active", or anything newer
    std::vector<LiveStreamOutput> outputs;
    std::optional<std::int64_t> idleTimeoutSeconds;
    std::optional<std::int64_t> maxRuntimeSeconds;
    std::optional<std::int64_t> createdAtMs;
    std::optional<std::int64_t> updatedAtMs;
    nlohmann::json extra = nlohmann::json::object(); // fields this version does not know

    [[nodiscard]] StreamStatus status() const noexcept;
    // The `hls` output's URI, if any.
    [[nodiscard]] std::optional<std::string> hlsPlaybackUrl() const;
    // "rtmp://…/streams/<key>", when both parts are known.
    [[nodiscard]] std::optional<std::string> publishUrl() const;
    // https://player.cloudinary.com/embed/?cloud_name=…&public_id=live_stream_<id>_hls&profile=cld-live-streaming
    [[nodiscard]] std::string playerPageUrl(std::string_view cloudName) const;
    // https://res.cloudinary.com/<cloud>/video/upload/live_stream_<id>_archive.mp4, when an archive output exists.
    [[nodiscard]] std::optional<std::string> archiveUrl(std::string_view cloudName) const;
};

[[nodiscard]] core::Result<LiveStream> parseLiveStream(const nlohmann::json& value);
[[nodiscard]] core::Result<LiveStreamOutput> parseOutput(const nlohmann::json& value);
[[nodiscard]] core::Result<std::vector<LiveStream>> parseLiveStreamList(const nlohmann::json& value);

// What the host should do about a failed request, beside the error itself.
struct RetryAdvice {
    bool retryable = false;                          // 420/429, 5xx, timeouts
    std::optional<std::chrono::seconds> waitAtLeast; // from Retry-After / X-FeatureRateLimit-Reset
};

struct HttpHeader {
    std::string name;
    std::string value;
};

// The outcome of one API call: the `data` of a success envelope, or an error with advice.
struct ApiOutcome {
    core::Result<nlohmann::json> data = nlohmann::json(); // always set by interpretApiResponse
    RetryAdvice advice;
    std::string requestId; // for support questions; empty when the body had none
};

// Interprets an HTTP answer from the Live Streaming API: status, headers, body.
// `now` resolves an absolute X-FeatureRateLimit-Reset date into a wait.
[[nodiscard]] ApiOutcome
interpretApiResponse(int httpStatus, const std::vector<HttpHeader>& headers, std::string_view body,
                     std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

} // namespace hoststudio::cloud
