// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/cloud/CloudinaryModel.hpp"

#include "hoststudio/cloud/CloudError.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace hoststudio::cloud {
namespace {

using nlohmann::json;

// The stream object exactly as the API reference shows it.
const char* const kDocumentedStream = R"({
  "id": "9894a6a7a27d49b19d6850538c22b6ea",
  "name": "My first stream",
  "input": {"type": "rtmp", "uri": "rtmp://live.cloudinary.com/streams", "stream_key": "0Be7kF5esuM89GC89e1Er5xM9RTQre"},
  "status": "idle",
  "outputs": [
    {"id": "8132d2dc5251432bb57f32ee55a336c1", "name": "default hls", "type": "hls",
     "uri": "https://res.cloudinary.com/demo/video/live/live_stream_9894a6a7a27d49b19d6850538c22b6ea_hls.m3u8",
     "created_at": 1712914020253, "updated_at": 1712914020253},
    {"id": "29b5cd6f54474bea9cec3834e763e12c", "name": "default archive", "type": "archive",
     "public_id": "live_stream_9894a6a7a27d49b19d6850538c22b6ea_archive",
     "created_at": 1712914020253, "updated_at": 1712914020253}
  ],
  "idle_timeout_sec": 120, "max_runtime_sec": 10800,
  "created_at": 1712914020253, "updated_at": 1712914020253
})";

TEST(CloudinaryModel, ParsesTheDocumentedStream)
{
    const auto stream = parseLiveStream(json::parse(kDocumentedStream));
    ASSERT_TRUE(stream.ok()) << stream.error().describe();
    EXPECT_EQ(stream->id, "9894a6a7a27d49b19d6850538c22b6ea");
    EXPECT_EQ(stream->name, "My first stream");
    EXPECT_EQ(stream->status(), StreamStatus::idle);
    EXPECT_EQ(stream->publishUrl(), "rtmp://live.cloudinary.com/streams/0Be7kF5esuM89GC89e1Er5xM9RTQre");
    EXPECT_EQ(stream->hlsPlaybackUrl(),
              "https://res.cloudinary.com/demo/video/live/live_stream_9894a6a7a27d49b19d6850538c22b6ea_hls.m3u8");
    EXPECT_EQ(stream->playerPageUrl("demo"),
              "https://player.cloudinary.com/embed/?cloud_name=demo&public_id="
              "live_stream_9894a6a7a27d49b19d6850538c22b6ea_hls&profile=cld-live-streaming");
    EXPECT_EQ(stream->archiveUrl("demo"),
              "https://res.cloudinary.com/demo/video/upload/live_stream_9894a6a7a27d49b19d6850538c22b6ea_archive.mp4");
    ASSERT_EQ(stream->outputs.size(), 2U);
    EXPECT_EQ(stream->outputs[0].createdAtMs, 1712914020253);
    EXPECT_EQ(stream->idleTimeoutSeconds, 120);
    EXPECT_TRUE(stream->extra.empty());
}

TEST(CloudinaryModel, IsLenientWhereTheApiIs)
{
    const json value = {{"id", "abc"},
                        {"name", nullptr},
                        {"status", "provisioning"},
                        {"input", {{"type", "rtmp"}, {"uri", "rtmp://x/streams"}, {"stream_key", nullptr}}},
                        {"outputs", nullptr},
                        {"region", "eu"},
                        {"latency_mode", {{"low", true}}}};
    const auto stream = parseLiveStream(value);
    ASSERT_TRUE(stream.ok()) << stream.error().describe();
    EXPECT_FALSE(stream->name.has_value());
    EXPECT_EQ(stream->status(), StreamStatus::unknown);
    EXPECT_EQ(stream->statusText, "provisioning") << "an unknown status is kept to be shown as it is";
    EXPECT_FALSE(stream->publishUrl().has_value());
    EXPECT_FALSE(stream->hlsPlaybackUrl().has_value());
    EXPECT_EQ(stream->extra.at("region"), "eu");
    EXPECT_TRUE(stream->extra.contains("latency_mode"));
}

struct BadStreamCase {
    const char* name;
    json value;
    const char* fragment;
};

TEST(CloudinaryModel, WrongTypesAreNamed)
{
    const std::vector<BadStreamCase> rows{
        {"not_an_object", json::array(), "should be an object"},
        {"no_id", {{"name", "x"}}, "has no id"},
        {"numeric_id", {{"id", 42}}, "stream.id should be text"},
        {"name_list", {{"id", "a"}, {"name", json::array({"a"})}}, "stream.name should be text"},
        {"input_text", {{"id", "a"}, {"input", "rtmp"}}, "stream.input should be an object"},
        {"outputs_object", {{"id", "a"}, {"outputs", {{"hls", true}}}}, "stream.outputs should be a list"},
        {"created_text", {{"id", "a"}, {"created_at", "yesterday"}}, "stream.created_at should be a whole number"},
        {"output_uri_number",
         {{"id", "a"}, {"outputs", json::array({{{"type", "hls"}, {"uri", 5}}})}},
         "output.uri should be text"},
    };
    for (const BadStreamCase& row : rows) {
        const auto stream = parseLiveStream(row.value);
        ASSERT_FALSE(stream.ok()) << row.name;
        EXPECT_EQ(stream.error(), CloudErrc::invalidResponse) << row.name;
        EXPECT_NE(stream.error().detail().find(row.fragment), std::string::npos)
            << row.name << ": " << stream.error().detail();
    }
}

struct ResponseCase {
    const char* name;
    int status;
    std::vector<HttpHeader> headers;
    std::string body;
    std::optional<CloudErrc> error; // nullopt: success
    bool retryable;
    std::optional<std::chrono::seconds> wait;
    const char* detailFragment;
};

TEST(CloudinaryModel, InterpretsEveryKindOfAnswer)
{
    // 2026-11-24 10:00:00 UTC
    const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1795514400));
    const std::string rid = R"("request_id":"0123456789abcdef0123456789abcdef")";
    const std::vector<ResponseCase> rows{
        {"ok", 200, {}, "{" + rid + R"(,"data":{"id":"x"}})", std::nullopt, false, std::nullopt, ""},
        {"ok_message",
         200,
         {},
         "{" + rid + R"(,"data":{"message":"Live stream deleted"}})",
         std::nullopt,
         false,
         std::nullopt,
         ""},
        {"malformed",
         200,
         {},
         R"({"request_id": "x", "data": {"id": )",
         CloudErrc::invalidResponse,
         true,
         std::nullopt,
         "not JSON"},
        {"no_data", 200, {}, "{" + rid + "}", CloudErrc::invalidResponse, false, std::nullopt, "no data"},
        {"unauthorised",
         401,
         {},
         "{" + rid + R"(,"error":{"message":"Invalid credentials"}})",
         CloudErrc::invalidCredentials,
         false,
         std::nullopt,
         "HTTP 401: Invalid credentials (request 0123"},
        {"forbidden",
         403,
         {},
         R"({"error":{"message":"not allowed"}})",
         CloudErrc::forbidden,
         false,
         std::nullopt,
         "HTTP 403: not allowed"},
        {"not_found",
         404,
         {},
         R"({"error":{"message":"Live stream x not found"}})",
         CloudErrc::streamNotFound,
         false,
         std::nullopt,
         "not found"},
        {"rate_limited_seconds",
         429,
         {{"Retry-After", "7"}},
         R"({"error":{"message":"Rate limit exceeded"}})",
         CloudErrc::rateLimited,
         true,
         std::chrono::seconds(7),
         "HTTP 429"},
        {"rate_limited_420_reset_date",
         420,
         {{"x-featureratelimit-reset", "Tue, 24 Nov 2026 10:00:30 GMT"}},
         R"({"error":{"message":"Rate limit exceeded"}})",
         CloudErrc::rateLimited,
         true,
         std::chrono::seconds(30),
         "HTTP 420"},
        {"rate_limited_reset_in_past",
         429,
         {{"X-FeatureRateLimit-Reset", "Tue, 24 Nov 2026 09:00:00 GMT"}},
         "{}",
         CloudErrc::rateLimited,
         true,
         std::chrono::seconds(0),
         "HTTP 429"},
        {"rate_limited_no_header", 429, {}, "", CloudErrc::rateLimited, true, std::nullopt, "HTTP 429"},
        {"server_error",
         500,
         {},
         R"({"error":{"message":"Internal server error"}})",
         CloudErrc::serverError,
         true,
         std::nullopt,
         "HTTP 500: Internal server error"},
        {"unavailable_html",
         503,
         {{"Retry-After", "3"}},
         "<html>down</html>",
         CloudErrc::serverError,
         true,
         std::chrono::seconds(3),
         "HTTP 503"},
        {"bad_request",
         400,
         {},
         R"({"error":{"message":"input.type is required"}})",
         CloudErrc::requestRejected,
         false,
         std::nullopt,
         "input.type is required"},
        {"backend_style_error",
         404,
         {},
         R"({"error":"Stream not found"})",
         CloudErrc::streamNotFound,
         false,
         std::nullopt,
         "Stream not found"},
    };
    for (const ResponseCase& row : rows) {
        const ApiOutcome outcome = interpretApiResponse(row.status, row.headers, row.body, now);
        if (!row.error) {
            EXPECT_TRUE(outcome.data.ok()) << row.name << ": " << outcome.data.error().describe();
            continue;
        }
        ASSERT_FALSE(outcome.data.ok()) << row.name;
        EXPECT_EQ(outcome.data.error(), *row.error) << row.name;
        EXPECT_EQ(outcome.advice.retryable, row.retryable) << row.name;
        EXPECT_EQ(outcome.advice.waitAtLeast, row.wait) << row.name;
        EXPECT_NE(outcome.data.error().detail().find(row.detailFragment), std::string::npos)
            << row.name << ": " << outcome.data.error().detail();
    }
}

TEST(CloudinaryModel, ParsesAListAndRefusesANonList)
{
    const json list = json::array({json::parse(kDocumentedStream), {{"id", "second"}}});
    const auto streams = parseLiveStreamList(list);
    ASSERT_TRUE(streams.ok());
    ASSERT_EQ(streams->size(), 2U);
    EXPECT_EQ((*streams)[1].id, "second");
    EXPECT_FALSE(parseLiveStreamList(json::object()).ok());
}

} // namespace
} // namespace hoststudio::cloud
