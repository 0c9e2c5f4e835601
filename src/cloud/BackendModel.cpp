// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/cloud/BackendModel.hpp"

#include "hoststudio/cloud/CloudError.hpp"
#include "hoststudio/net/NetError.hpp"

#include <algorithm>

namespace hoststudio::cloud {

namespace {

using nlohmann::json;

core::Error wrongType(std::string_view where, std::string_view field, std::string_view expected, const json& found)
{
    return core::Error{CloudErrc::invalidResponse, "the backend's " + std::string(where) + "." + std::string(field) +
                                                       " should be " + std::string(expected) + ", got " +
                                                       found.type_name()};
}

// Reads fields of one JSON object; the first defect is kept and reported by error().
class Fields {
public:
    Fields(const json& object, std::string_view where) : object_(object), where_(where) {}

    std::optional<std::string> text(const char* field)
    {
        const json* found = find(field);
        if (found == nullptr) {
            return std::nullopt;
        }
        if (!found->is_string()) {
            fail(wrongType(where_, field, "text", *found));
            return std::nullopt;
        }
        return found->get<std::string>();
    }

    std::string requiredText(const char* field)
    {
        std::optional<std::string> value = text(field);
        if (!value && !error_) {
            fail(core::Error{CloudErrc::invalidResponse,
                             "the backend's " + where_ + " has no " + field + ": is the backend URL right?"});
        }
        return value.value_or("");
    }

    std::optional<bool> boolean(const char* field)
    {
        const json* found = find(field);
        if (found == nullptr) {
            return std::nullopt;
        }
        if (!found->is_boolean()) {
            fail(wrongType(where_, field, "true or false", *found));
            return std::nullopt;
        }
        return found->get<bool>();
    }

    std::optional<std::int64_t> integer(const char* field)
    {
        const json* found = find(field);
        if (found == nullptr) {
            return std::nullopt;
        }
        if (!found->is_number_integer()) {
            fail(wrongType(where_, field, "a whole number", *found));
            return std::nullopt;
        }
        return found->get<std::int64_t>();
    }

    // A nested object, or nullptr when absent/null (or of the wrong type, which is recorded).
    const json* object(const char* field)
    {
        const json* found = find(field);
        if (found != nullptr && !found->is_object()) {
            fail(wrongType(where_, field, "an object", *found));
            return nullptr;
        }
        return found;
    }

    const json* array(const char* field)
    {
        const json* found = find(field);
        if (found != nullptr && !found->is_array()) {
            fail(wrongType(where_, field, "a list", *found));
            return nullptr;
        }
        return found;
    }

    void fail(core::Error error)
    {
        if (!error_) {
            error_ = std::move(error);
        }
    }
    [[nodiscard]] bool ok() const noexcept { return !error_; }
    [[nodiscard]] const core::Error& error() const noexcept { return error_; }

private:
    // nullptr when absent or null.
    const json* find(const char* field) const
    {
        const auto found = object_.find(field);
        if (found == object_.end() || found->is_null()) {
            return nullptr;
        }
        return &*found;
    }

    const json& object_;
    std::string where_;
    core::Error error_;
};

core::Error notAnObject(std::string_view what, const json& value)
{
    return core::Error{CloudErrc::invalidResponse,
                       "the backend's " + std::string(what) + " should be a JSON object, got " + value.type_name()};
}

bool isHexKey(std::string_view text)
{
    return text.size() == 64 && std::all_of(text.begin(), text.end(), [](char c) {
               return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
           });
}

core::Status checkUserId(std::string_view userId)
{
    if (!isHexKey(userId)) {
        return core::Error{core::CoreErrc::invalidArgument,
                           "the backend's userId is the host's public key as 64 hex digits (not an npub, not a "
                           "secret key); got " +
                               std::to_string(userId.size()) + " characters"};
    }
    return {};
}

std::string lowerHex(std::string_view text)
{
    std::string lower(text);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](char c) { return (c >= 'A' && c <= 'F') ? static_cast<char>(c - 'A' + 'a') : c; });
    return lower;
}

std::string percentEncode(std::string_view text)
{
    static constexpr char digits[] = "0123456789ABCDEF";
    std::string encoded;
    encoded.reserve(text.size());
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        const bool unreserved = (byte >= 'A' && byte <= 'Z') || (byte >= 'a' && byte <= 'z') ||
                                (byte >= '0' && byte <= '9') || byte == '-' || byte == '.' || byte == '_' ||
                                byte == '~';
        if (unreserved) {
            encoded.push_back(c);
        } else {
            encoded.push_back('%');
            encoded.push_back(digits[byte >> 4U]);
            encoded.push_back(digits[byte & 0x0FU]);
        }
    }
    return encoded;
}

// The backend's error texts: {error}, {error, message} or Fastify's {statusCode, error, message}.
std::string serverMessage(const json& body)
{
    if (!body.is_object()) {
        return {};
    }
    std::string text;
    const auto error = body.find("error");
    if (error != body.end() && error->is_string()) {
        text = error->get<std::string>();
    }
    const auto message = body.find("message");
    if (message != body.end() && message->is_string() && !message->get<std::string>().empty()) {
        text += (text.empty() ? "" : ": ") + message->get<std::string>();
    }
    return text;
}

} // namespace

core::Result<json> makeStartBody(const BackendStartRequest& request, std::int64_t nowMs)
{
    if (core::Status valid = checkUserId(request.userId); !valid.ok()) {
        return valid.error();
    }
    json body = {{"action", "start"}, {"userId", lowerHex(request.userId)}, {"timestamp", nowMs}};
    if (request.title) {
        body["title"] = *request.title;
    }
    if (request.description) {
        body["description"] = *request.description;
    }
    return body;
}

core::Result<json> makeStopBody(std::string_view userId, std::int64_t nowMs)
{
    if (core::Status valid = checkUserId(userId); !valid.ok()) {
        return valid.error();
    }
    return json{{"action", "stop"}, {"userId", lowerHex(userId)}, {"timestamp", nowMs}};
}

core::Result<std::string> backendStreamPath(std::string_view streamId, std::string_view action)
{
    if (streamId.empty()) {
        return core::Error{core::CoreErrc::invalidArgument, "the backend needs a stream id (the event's d tag)"};
    }
    return "/livestream/" + percentEncode(streamId) + "/" + std::string(action);
}

core::Result<json> interpretBackendResponse(int httpStatus, std::string_view body, std::string_view operation)
{
    json parsed;
    bool isJson = false;
    try {
        parsed = json::parse(body);
        isJson = true;
    } catch (const json::exception&) {
        isJson = false;
    }
    const std::string what = std::string(operation) + ": ";
    if (httpStatus >= 200 && httpStatus < 300) {
        if (!isJson) {
            return core::Error{CloudErrc::invalidResponse,
                               what + "the backend's answer is not JSON: is the backend URL right?"};
        }
        if (!parsed.is_object()) {
            return core::Error{CloudErrc::invalidResponse,
                               what + "the backend's answer should be a JSON object, got " + parsed.type_name()};
        }
        return parsed;
    }
    std::string message = isJson ? serverMessage(parsed) : std::string();
    std::string detail = what + "HTTP " + std::to_string(httpStatus);
    if (!message.empty()) {
        detail += ": " + message;
    }
    if (httpStatus == 404) {
        return core::Error{CloudErrc::streamNotFound, detail};
    }
    if (httpStatus >= 500) {
        return core::Error{CloudErrc::serverError, detail + " (the backend failed; its log says why)"};
    }
    if (httpStatus >= 400) {
        return core::Error{CloudErrc::requestRejected, detail};
    }
    return core::Error{CloudErrc::invalidResponse, detail + " (an unexpected answer)"};
}

core::Error backendTransportError(const core::Error& netError, std::string_view baseUrl, std::string_view operation)
{
    const std::string what = std::string(operation) + ": ";
    const std::string where = std::string(baseUrl);
    const std::error_code& code = netError.code();
    if (code == net::NetErrc::cancelled) {
        return core::Error{CloudErrc::cancelled, what + "cancelled"};
    }
    if (code == net::NetErrc::resolveFailed || code == net::NetErrc::connectFailed) {
        return core::Error{CloudErrc::unreachable, what + "no backend answers at " + where + " (" + netError.detail() +
                                                       "): start the backend at " + where + " or pick another ingest"};
    }
    if (code == net::NetErrc::timedOut) {
        return core::Error{CloudErrc::timedOut, what + "the backend at " + where + " did not answer in time (" +
                                                    netError.detail() +
                                                    "): check that it runs, or pick another ingest"};
    }
    if (code == net::NetErrc::connectionClosed) {
        return core::Error{CloudErrc::unreachable, what + "the backend at " + where +
                                                       " closed the connection before answering (" + netError.detail() +
                                                       "): check its log, or pick another ingest"};
    }
    if (code == net::NetErrc::protocolError || code == net::NetErrc::messageTooLarge) {
        return core::Error{CloudErrc::invalidResponse, what + "what answers at " + where +
                                                           " does not speak HTTP like the backend (" +
                                                           netError.detail() + "): is the backend URL right?"};
    }
    return netError.withContext(operation);
}

core::Result<BackendHealth> parseBackendHealth(const json& value)
{
    if (!value.is_object()) {
        return notAnObject("health answer", value);
    }
    Fields fields(value, "health");
    BackendHealth health;
    health.statusText = fields.requiredText("status");
    health.timestamp = fields.text("timestamp");
    if (const json* directory = fields.object("streamsDirectory")) {
        Fields inner(*directory, "health.streamsDirectory");
        health.streamsDirectoryExists = inner.boolean("exists");
        health.streamsDirectoryPath = inner.text("path");
        if (!inner.ok()) {
            fields.fail(inner.error());
        }
    }
    if (const auto active = value.find("activeStreams"); active != value.end() && !active->is_null()) {
        if (active->is_number_integer()) {
            health.activeStreamCount = active->get<std::int64_t>();
        } else if (active->is_object()) {
            Fields inner(*active, "health.activeStreams");
            health.activeStreamCount = inner.integer("count");
            if (!inner.ok()) {
                fields.fail(inner.error());
            }
        } else {
            fields.fail(wrongType("health", "activeStreams", "a number or an object", *active));
        }
    }
    if (!fields.ok()) {
        return fields.error();
    }
    return health;
}

core::Result<BackendStartResult> parseBackendStart(const json& value)
{
    if (!value.is_object()) {
        return notAnObject("start answer", value);
    }
    Fields fields(value, "start answer");
    BackendStartResult result;
    result.statusText = fields.requiredText("status");
    result.streamId = fields.text("streamId").value_or("");
    result.message = fields.text("message").value_or("");
    result.playbackUrl = fields.text("playbackUrl");
    result.ingestUrl = fields.text("ingestUrl");
    result.timestamp = fields.text("timestamp");
    if (!fields.ok()) {
        return fields.error();
    }
    return result;
}

core::Result<BackendStopResult> parseBackendStop(const json& value)
{
    if (!value.is_object()) {
        return notAnObject("stop answer", value);
    }
    Fields fields(value, "stop answer");
    BackendStopResult result;
    result.statusText = fields.requiredText("status");
    result.streamId = fields.text("streamId").value_or("");
    result.message = fields.text("message").value_or("");
    result.timestamp = fields.text("timestamp");
    if (!fields.ok()) {
        return fields.error();
    }
    return result;
}

core::Result<BackendPlayback> parseBackendPlayback(const json& value)
{
    if (!value.is_object()) {
        return notAnObject("playback answer", value);
    }
    Fields fields(value, "playback answer");
    BackendPlayback playback;
    playback.streamId = fields.text("streamId").value_or("");
    playback.playbackUrl = fields.text("playbackUrl");
    playback.ingestUrl = fields.text("ingestUrl");
    playback.statusText = fields.text("status").value_or("");
    if (fields.ok() && !playback.playbackUrl && !playback.ingestUrl) {
        fields.fail(core::Error{CloudErrc::invalidResponse,
                                "the backend's playback answer has neither playbackUrl nor ingestUrl"});
    }
    if (!fields.ok()) {
        return fields.error();
    }
    return playback;
}

core::Result<BackendStreamStatus> parseBackendStatus(const json& value)
{
    if (!value.is_object()) {
        return notAnObject("status answer", value);
    }
    Fields fields(value, "status");
    BackendStreamStatus status;
    status.streamId = fields.text("streamId").value_or("");
    const json* local = fields.object("local");
    const json* overall = fields.object("overall");
    if (fields.ok() && local == nullptr && overall == nullptr) {
        return core::Error{CloudErrc::invalidResponse,
                           "the backend's status answer has neither local nor overall: is the backend URL right?"};
    }
    if (local != nullptr) {
        Fields inner(*local, "status.local");
        status.manifestExists = inner.boolean("manifestExists").value_or(false);
        status.streamDirExists = inner.boolean("streamDirExists").value_or(false);
        status.manifestContent = inner.text("manifestContent");
        if (const json* files = inner.array("files")) {
            for (const json& file : *files) {
                if (!file.is_string()) {
                    inner.fail(wrongType("status.local", "files[]", "text", file));
                    break;
                }
                status.files.push_back(file.get<std::string>());
            }
        }
        if (!inner.ok()) {
            fields.fail(inner.error());
        }
    }
    if (overall != nullptr) {
        // Only the facts about files; overall.isActive is true for any polled id and is ignored.
        Fields inner(*overall, "status.overall");
        const std::optional<bool> hasManifest = inner.boolean("hasManifest");
        const std::optional<bool> hasStreamDir = inner.boolean("hasStreamDir");
        status.hasVideoContent = inner.boolean("hasVideoContent").value_or(false);
        if (local == nullptr) {
            status.manifestExists = hasManifest.value_or(false);
            status.streamDirExists = hasStreamDir.value_or(false);
        }
        if (!inner.ok()) {
            fields.fail(inner.error());
        }
    }
    if (const json* cloudinary = fields.object("cloudinary")) {
        Fields inner(*cloudinary, "status.cloudinary");
        status.cloudinaryStatus = inner.text("status").value_or("");
        if (!inner.ok()) {
            fields.fail(inner.error());
        }
    }
    if (!fields.ok()) {
        return fields.error();
    }
    return status;
}

core::Result<BackendActiveList> parseBackendActive(const json& value)
{
    if (!value.is_object()) {
        return notAnObject("list of active streams", value);
    }
    Fields fields(value, "active list");
    BackendActiveList list;
    if (!value.contains("streams") && !value.contains("count")) {
        return core::Error{CloudErrc::invalidResponse,
                           "the backend's list of active streams has neither streams nor count: is the backend URL "
                           "right?"};
    }
    const json* streams = fields.array("streams");
    if (streams != nullptr) {
        for (const json& entry : *streams) {
            if (!entry.is_object()) {
                return notAnObject("active list entry", entry);
            }
            Fields inner(entry, "active list entry");
            BackendActiveStream stream;
            stream.streamId = inner.requiredText("streamId");
            stream.userId = inner.text("userId");
            stream.statusText = inner.text("status").value_or("");
            stream.startedAt = inner.text("startedAt");
            stream.isActive = inner.boolean("isActive").value_or(stream.statusText == "active");
            stream.playbackUrl = inner.text("playbackUrl");
            stream.ingestUrl = inner.text("ingestUrl");
            if (!inner.ok()) {
                return inner.error();
            }
            list.streams.push_back(std::move(stream));
        }
    }
    list.count = fields.integer("count").value_or(static_cast<std::int64_t>(list.streams.size()));
    if (!fields.ok()) {
        return fields.error();
    }
    return list;
}

} // namespace hoststudio::cloud
