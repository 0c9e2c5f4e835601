// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/cloud/CloudinaryModel.hpp"

#include "hoststudio/cloud/CloudError.hpp"

#include <QDateTime>
#include <QString>

#include <algorithm>
#include <array>
#include <cctype>

namespace hoststudio::cloud {

namespace {

using nlohmann::json;

// A text field that may be absent or null; any other type is a defect of the answer.
core::Result<std::optional<std::string>> optionalText(const json& object, const char* field, std::string_view where)
{
    const auto found = object.find(field);
    if (found == object.end() || found->is_null()) {
        return std::optional<std::string>{};
    }
    if (!found->is_string()) {
        return core::Error{CloudErrc::invalidResponse,
                           std::string(where) + "." + field + " should be text, got " + found->type_name()};
    }
    return std::optional<std::string>{found->get<std::string>()};
}

core::Result<std::optional<std::int64_t>> optionalInteger(const json& object, const char* field, std::string_view where)
{
    const auto found = object.find(field);
    if (found == object.end() || found->is_null()) {
        return std::optional<std::int64_t>{};
    }
    if (!found->is_number_integer()) {
        return core::Error{CloudErrc::invalidResponse,
                           std::string(where) + "." + field + " should be a whole number, got " + found->type_name()};
    }
    return std::optional<std::int64_t>{found->get<std::int64_t>()};
}

std::string lowerCase(std::string_view text)
{
    std::string lower(text);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); });
    return lower;
}

std::optional<std::string> headerValue(const std::vector<HttpHeader>& headers, std::string_view name)
{
    const std::string wanted = lowerCase(name);
    for (const HttpHeader& header : headers) {
        if (lowerCase(header.name) == wanted) {
            return header.value;
        }
    }
    return std::nullopt;
}

// Retry-After (seconds or an HTTP date) or X-FeatureRateLimit-Reset (an HTTP date), as a wait from now.
std::optional<std::chrono::seconds> waitFromHeaders(const std::vector<HttpHeader>& headers,
                                                    std::chrono::system_clock::time_point now)
{
    const auto untilDate = [now](const std::string& text) -> std::optional<std::chrono::seconds> {
        // HTTP dates end in "GMT", which Qt's RFC 2822 parser does not take as a zone.
        QString normalised = QString::fromStdString(text).trimmed();
        if (normalised.endsWith(QLatin1String(" GMT")) || normalised.endsWith(QLatin1String(" UTC"))) {
            normalised = normalised.left(normalised.size() - 4) + QStringLiteral(" +0000");
        }
        const QDateTime when = QDateTime::fromString(normalised, Qt::RFC2822Date);
        if (!when.isValid()) {
            return std::nullopt;
        }
        const auto nowSeconds = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
        return std::chrono::seconds(std::max<qint64>(0, when.toSecsSinceEpoch() - nowSeconds));
    };
    if (const std::optional<std::string> retryAfter = headerValue(headers, "Retry-After")) {
        const std::string& text = *retryAfter;
        if (!text.empty() && text.size() < 10 &&
            std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
            return std::chrono::seconds(std::stoll(text));
        }
        if (auto wait = untilDate(text)) {
            return wait;
        }
    }
    if (const std::optional<std::string> reset = headerValue(headers, "X-FeatureRateLimit-Reset")) {
        return untilDate(*reset);
    }
    return std::nullopt;
}

} // namespace

StreamStatus LiveStream::status() const noexcept
{
    if (statusText == "idle") {
        return StreamStatus::idle;
    }
    if (statusText == "active") {
        return StreamStatus::active;
    }
    return StreamStatus::unknown;
}

std::optional<std::string> LiveStream::hlsPlaybackUrl() const
{
    for (const LiveStreamOutput& output : outputs) {
        if (output.type == "hls" && output.uri && !output.uri->empty()) {
            return output.uri;
        }
    }
    return std::nullopt;
}

std::optional<std::string> LiveStream::publishUrl() const
{
    if (!ingestUri || !streamKey || ingestUri->empty() || streamKey->empty()) {
        return std::nullopt;
    }
    std::string base = *ingestUri;
    while (!base.empty() && base.back() == '/') {
        base.pop_back();
    }
    return base + "/" + *streamKey;
}

std::string LiveStream::playerPageUrl(std::string_view cloudName) const
{
    return "https://player.cloudinary.com/embed/?cloud_name=" + std::string(cloudName) + "&public_id=live_stream_" +
           id + "_hls&profile=cld-live-streaming";
}

std::optional<std::string> LiveStream::archiveUrl(std::string_view cloudName) const
{
    for (const LiveStreamOutput& output : outputs) {
        if (output.type == "archive") {
            const std::string publicId = output.publicId.value_or("live_stream_" + id + "_archive");
            return "https://res.cloudinary.com/" + std::string(cloudName) + "/video/upload/" + publicId + ".mp4";
        }
    }
    return std::nullopt;
}

core::Result<LiveStreamOutput> parseOutput(const json& value)
{
    if (!value.is_object()) {
        return core::Error{CloudErrc::invalidResponse,
                           std::string("an output should be an object, got ") + value.type_name()};
    }
    LiveStreamOutput output;
    auto id = optionalText(value, "id", "output");
    auto type = optionalText(value, "type", "output");
    auto name = optionalText(value, "name", "output");
    auto uri = optionalText(value, "uri", "output");
    auto publicId = optionalText(value, "public_id", "output");
    auto createdAt = optionalInteger(value, "created_at", "output");
    for (const core::Result<std::optional<std::string>>* field : {&id, &type, &name, &uri, &publicId}) {
        if (!field->ok()) {
            return field->error();
        }
    }
    if (!createdAt.ok()) {
        return createdAt.error();
    }
    output.id = id->value_or("");
    output.type = type->value_or("");
    output.name = *name;
    output.uri = *uri;
    output.publicId = *publicId;
    output.createdAtMs = *createdAt;
    return output;
}

core::Result<LiveStream> parseLiveStream(const json& value)
{
    if (!value.is_object()) {
        return core::Error{CloudErrc::invalidResponse,
                           std::string("a live stream should be an object, got ") + value.type_name()};
    }
    LiveStream stream;
    auto id = optionalText(value, "id", "stream");
    if (!id.ok()) {
        return id.error();
    }
    if (!id->has_value() || (*id)->empty()) {
        return core::Error{CloudErrc::invalidResponse, "the live stream has no id"};
    }
    stream.id = **id;
    auto name = optionalText(value, "name", "stream");
    auto status = optionalText(value, "status", "stream");
    for (const auto* field : {&name, &status}) {
        if (!field->ok()) {
            return field->error();
        }
    }
    stream.name = *name;
    stream.statusText = status->value_or("");

    if (const auto input = value.find("input"); input != value.end() && !input->is_null()) {
        if (!input->is_object()) {
            return core::Error{CloudErrc::invalidResponse,
                               std::string("stream.input should be an object, got ") + input->type_name()};
        }
        auto type = optionalText(*input, "type", "stream.input");
        auto uri = optionalText(*input, "uri", "stream.input");
        auto key = optionalText(*input, "stream_key", "stream.input");
        for (const auto* field : {&type, &uri, &key}) {
            if (!field->ok()) {
                return field->error();
            }
        }
        stream.inputType = type->value_or("");
        stream.ingestUri = *uri;
        stream.streamKey = *key;
    }
    if (const auto outputs = value.find("outputs"); outputs != value.end() && !outputs->is_null()) {
        if (!outputs->is_array()) {
            return core::Error{CloudErrc::invalidResponse,
                               std::string("stream.outputs should be a list, got ") + outputs->type_name()};
        }
        for (const json& entry : *outputs) {
            core::Result<LiveStreamOutput> output = parseOutput(entry);
            if (!output.ok()) {
                return output.error();
            }
            stream.outputs.push_back(std::move(*output));
        }
    }
    auto idle = optionalInteger(value, "idle_timeout_sec", "stream");
    auto runtime = optionalInteger(value, "max_runtime_sec", "stream");
    auto created = optionalInteger(value, "created_at", "stream");
    auto updated = optionalInteger(value, "updated_at", "stream");
    for (const auto* field : {&idle, &runtime, &created, &updated}) {
        if (!field->ok()) {
            return field->error();
        }
    }
    stream.idleTimeoutSeconds = *idle;
    stream.maxRuntimeSeconds = *runtime;
    stream.createdAtMs = *created;
    stream.updatedAtMs = *updated;

    static constexpr std::array<std::string_view, 10> known{
        "id",         "name",       "status",    "input", "outputs", "idle_timeout_sec", "max_runtime_sec",
        "created_at", "updated_at", "request_id"};
    for (const auto& [key, field] : value.items()) {
        if (std::find(known.begin(), known.end(), key) == known.end()) {
            stream.extra[key] = field;
        }
    }
    return stream;
}

core::Result<std::vector<LiveStream>> parseLiveStreamList(const json& value)
{
    if (!value.is_array()) {
        return core::Error{CloudErrc::invalidResponse,
                           std::string("the stream list should be a list, got ") + value.type_name()};
    }
    std::vector<LiveStream> streams;
    streams.reserve(value.size());
    for (const json& entry : value) {
        core::Result<LiveStream> stream = parseLiveStream(entry);
        if (!stream.ok()) {
            return stream.error();
        }
        streams.push_back(std::move(*stream));
    }
    return streams;
}

ApiOutcome interpretApiResponse(int httpStatus, const std::vector<HttpHeader>& headers, std::string_view body,
                                std::chrono::system_clock::time_point now)
{
    ApiOutcome outcome;
    json envelope;
    bool parsed = false;
    try {
        envelope = json::parse(body);
        parsed = true;
    } catch (const json::exception&) {
        parsed = false;
    }
    std::string serverMessage;
    if (parsed && envelope.is_object()) {
        if (const auto id = envelope.find("request_id"); id != envelope.end() && id->is_string()) {
            outcome.requestId = id->get<std::string>();
        }
        if (const auto error = envelope.find("error"); error != envelope.end() && error->is_object()) {
            if (const auto message = error->find("message"); message != error->end() && message->is_string()) {
                serverMessage = message->get<std::string>();
            }
        } else if (error != envelope.end() && error->is_string()) {
            serverMessage = error->get<std::string>();
        }
    }
    std::string detail = "HTTP " + std::to_string(httpStatus);
    if (!serverMessage.empty()) {
        detail += ": " + serverMessage;
    }
    if (!outcome.requestId.empty()) {
        detail += " (request " + outcome.requestId + ")";
    }

    if (httpStatus >= 200 && httpStatus < 300) {
        if (!parsed) {
            outcome.data = core::Error{CloudErrc::invalidResponse,
                                       "HTTP " + std::to_string(httpStatus) + ": the body is not JSON"};
            outcome.advice.retryable = true;
            return outcome;
        }
        if (!envelope.is_object() || !envelope.contains("data")) {
            outcome.data =
                core::Error{CloudErrc::invalidResponse, serverMessage.empty() ? "the answer has no data" : detail};
            return outcome;
        }
        outcome.data = envelope.at("data");
        return outcome;
    }
    CloudErrc code = CloudErrc::serverError;
    if (httpStatus == 401) {
        code = CloudErrc::invalidCredentials;
    } else if (httpStatus == 403) {
        code = CloudErrc::forbidden;
    } else if (httpStatus == 404) {
        code = CloudErrc::streamNotFound;
    } else if (httpStatus == 420 || httpStatus == 429) {
        code = CloudErrc::rateLimited;
        outcome.advice.retryable = true;
        outcome.advice.waitAtLeast = waitFromHeaders(headers, now);
    } else if (httpStatus >= 500) {
        code = CloudErrc::serverError;
        outcome.advice.retryable = true;
        outcome.advice.waitAtLeast = waitFromHeaders(headers, now);
    } else {
        code = CloudErrc::requestRejected;
    }
    outcome.data = core::Error{code, detail};
    return outcome;
}

} // namespace hoststudio::cloud
