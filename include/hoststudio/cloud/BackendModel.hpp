// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The seed backend's HTTP API (/livestream/…): request bodies and response parsers, as pure
// functions so they can be tested and fuzzed without a network.
//
// Parsing is lenient where the backend is loose: unknown fields are ignored, absent or null
// optional fields are simply not known, `activeStreams` in the health answer may be a number (the
// backend's code) or {count, streams} (its documentation). A field of the wrong type, or a required
// field that is missing (a start's `status`, a listed stream's `streamId`), is an
// invalidResponse error naming the field. Every failure is an Error, never an exception.
//
// Thread safety: value types and pure functions.

#include "hoststudio/core/Result.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hoststudio::cloud {

// GET /livestream/health
struct BackendHealth {
    std::string statusText; // "healthy" as sent (anything else is kept as it is)
    std::optional<std::string> timestamp;
    std::optional<bool> streamsDirectoryExists;
    std::optional<std::string> streamsDirectoryPath;
    std::optional<std::int64_t> activeStreamCount;

    [[nodiscard]] bool healthy() const noexcept { return statusText == "healthy"; }
};

// POST /livestream/{id}/start
struct BackendStartResult {
    std::string statusText; // "created_and_started", "already_exists", or anything newer
    std::string streamId;
    std::string message;
    std::optional<std::string> playbackUrl; // may be missing when the stream already existed
    std::optional<std::string> ingestUrl;
    std::optional<std::string> timestamp; // ISO 8601 as sent

    [[nodiscard]] bool created() const noexcept { return statusText == "created_and_started"; }
};

// POST /livestream/{id}/stop
struct BackendStopResult {
    std::string statusText; // "stopped", "already_stopped", …
    std::string streamId;
    std::string message;
    std::optional<std::string> timestamp;

    // False when the backend says the stream was not running ("already_stopped").
    [[nodiscard]] bool wasRunning() const noexcept { return statusText == "stopped"; }
};

// GET /livestream/{id}/playback
struct BackendPlayback {
    std::string streamId;
    std::optional<std::string> playbackUrl;
    std::optional<std::string> ingestUrl;
    std::string statusText;
};

// GET /livestream/{id}/status.
//
// The backend's `overall.isActive` is deliberately not parsed: asking for the status creates state
// on the backend, so it is true for any id that was ever polled and tells nothing. What is known
// for certain is whether HLS output exists (`local.manifestExists`) and holds media
// (`overall.hasVideoContent`); hasLiveContent() combines them.
struct BackendStreamStatus {
    std::string streamId;
    bool manifestExists = false;
    bool streamDirExists = false;
    bool hasVideoContent = false;
    std::vector<std::string> files;             // the stream directory's files, as listed
    std::optional<std::string> manifestContent; // the m3u8 text, when it exists
    std::string cloudinaryStatus;               // "active", "stopped", "not_found", … ("" when absent)

    [[nodiscard]] bool hasLiveContent() const noexcept { return manifestExists && hasVideoContent; }
};

// GET /livestream/active
struct BackendActiveStream {
    std::string streamId;
    std::optional<std::string> userId;
    std::string statusText;
    std::optional<std::string> startedAt;
    bool isActive = false;
    std::optional<std::string> playbackUrl;
    std::optional<std::string> ingestUrl;
};

struct BackendActiveList {
    std::int64_t count = 0; // as sent; streams.size() is what was listed
    std::vector<BackendActiveStream> streams;
};

// What a start or stop sends. userId is the host's public key as 64 hex digits.
struct BackendStartRequest {
    std::string userId;
    std::optional<std::string> title;
    std::optional<std::string> description;
};

// {"action":"start","userId":…,"timestamp":nowMs[,"title"][,"description"]}; invalidArgument
// (core) when userId is not 64 hex digits.
[[nodiscard]] core::Result<nlohmann::json> makeStartBody(const BackendStartRequest& request, std::int64_t nowMs);
// {"action":"stop","userId":…,"timestamp":nowMs}
[[nodiscard]] core::Result<nlohmann::json> makeStopBody(std::string_view userId, std::int64_t nowMs);

// "/livestream/<id>/<action>" with the id percent-encoded; invalidArgument for an empty id.
[[nodiscard]] core::Result<std::string> backendStreamPath(std::string_view streamId, std::string_view action);

// An HTTP answer of the backend as JSON, or an error: 400 → requestRejected, 404 → streamNotFound,
// other 4xx → requestRejected, 5xx → serverError, each with the backend's `error` and `message`;
// a 2xx body that is not a JSON object → invalidResponse. `operation` ("start stream abc") leads
// the detail.
[[nodiscard]] core::Result<nlohmann::json> interpretBackendResponse(int httpStatus, std::string_view body,
                                                                    std::string_view operation);

// A transport failure of a request to the backend (a net::NetErrc error) as what the host should
// do: nobody listening → CloudErrc::unreachable "start the backend at <baseUrl> or pick another
// ingest", timedOut → CloudErrc::timedOut, cancelled → CloudErrc::cancelled, an answer that is not
// HTTP → invalidResponse; other errors (TLS) keep their code, with the operation in front.
[[nodiscard]] core::Error backendTransportError(const core::Error& netError, std::string_view baseUrl,
                                                std::string_view operation);

[[nodiscard]] core::Result<BackendHealth> parseBackendHealth(const nlohmann::json& value);
[[nodiscard]] core::Result<BackendStartResult> parseBackendStart(const nlohmann::json& value);
[[nodiscard]] core::Result<BackendStopResult> parseBackendStop(const nlohmann::json& value);
[[nodiscard]] core::Result<BackendPlayback> parseBackendPlayback(const nlohmann::json& value);
[[nodiscard]] core::Result<BackendStreamStatus> parseBackendStatus(const nlohmann::json& value);
[[nodiscard]] core::Result<BackendActiveList> parseBackendActive(const nlohmann::json& value);

} // namespace hoststudio::cloud
