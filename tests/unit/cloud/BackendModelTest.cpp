// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/cloud/BackendModel.hpp"

#include "hoststudio/cloud/CloudError.hpp"
#include "hoststudio/net/NetError.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

namespace hoststudio::cloud {
namespace {

using nlohmann::json;

const std::string kPubkey(64, 'a');

// --- request bodies ------------------------------------------------------------------------------

TEST(BackendModel, StartBodyIsExactlyWhatTheBackendReads)
{
    const auto body = makeStartBody({kPubkey, std::string("Town hall"), std::string("Monthly")}, 1700000000123);
    ASSERT_TRUE(body.ok()) << body.error().describe();
    EXPECT_EQ(*body, json::parse(R"({"action":"start","userId":")" + kPubkey +
                                 R"(","timestamp":1700000000123,"title":"Town hall","description":"Monthly"})"));
    EXPECT_TRUE((*body)["timestamp"].is_number_integer()) << "milliseconds as a number, not text";
}

TEST(BackendModel, StartBodyLeavesOutWhatIsNotGiven)
{
    const auto body = makeStartBody({kPubkey, std::nullopt, std::nullopt}, 5);
    ASSERT_TRUE(body.ok());
    EXPECT_EQ(*body, (json{{"action", "start"}, {"userId", kPubkey}, {"timestamp", 5}}));
}

TEST(BackendModel, StopBodyAndUpperCaseHexIsLowered)
{
    const auto body = makeStopBody(std::string(64, 'F'), 42);
    ASSERT_TRUE(body.ok());
    EXPECT_EQ(*body, (json{{"action", "stop"}, {"userId", std::string(64, 'f')}, {"timestamp", 42}}));
}

TEST(BackendModel, UserIdMustBeAHexPublicKey)
{
    for (const std::string& bad : {std::string(), std::string("npub1xyz"), std::string(63, 'a'), std::string(65, 'a'),
                                   std::string(63, 'a') + "g"}) {
        const auto start = makeStartBody({bad, std::nullopt, std::nullopt}, 1);
        ASSERT_FALSE(start.ok()) << bad;
        EXPECT_EQ(start.error(), core::CoreErrc::invalidArgument);
        EXPECT_NE(start.error().detail().find("64 hex digits"), std::string::npos) << start.error().detail();
        EXPECT_FALSE(makeStopBody(bad, 1).ok()) << bad;
    }
}

TEST(BackendModel, StreamPathEncodesTheId)
{
    EXPECT_EQ(backendStreamPath("abc-1_2.x~", "start").value(), "/livestream/abc-1_2.x~/start");
    EXPECT_EQ(backendStreamPath("a b/c?d", "status").value(), "/livestream/a%20b%2Fc%3Fd/status");
    EXPECT_EQ(backendStreamPath("é", "playback").value(), "/livestream/%C3%A9/playback");
    const auto empty = backendStreamPath("", "start");
    ASSERT_FALSE(empty.ok());
    EXPECT_EQ(empty.error(), core::CoreErrc::invalidArgument);
}

// --- HTTP answers ----------------------------------------------------------------------------------

struct AnswerCase {
    const char* name;
    int status;
    const char* body;
    CloudErrc code;
    std::vector<const char*> fragments; // each must appear in the detail
};

TEST(BackendModel, ErrorAnswersBecomeClearErrors)
{
    const std::vector<AnswerCase> cases{
        {"400 wrong action",
         400,
         R"({"error":"Invalid action. Use \"start\""})",
         CloudErrc::requestRejected,
         {"start stream x", "HTTP 400", "Invalid action"}},
        {"404 stream",
         404,
         R"({"error":"Stream not found"})",
         CloudErrc::streamNotFound,
         {"HTTP 404", "Stream not found"}},
        {"404 route, Fastify shape",
         404,
         R"({"message":"Route GET:/x not found","error":"Not Found","statusCode":404})",
         CloudErrc::streamNotFound,
         {"Not Found: Route GET:/x not found"}},
        {"500 with message",
         500,
         R"({"error":"Internal server error","message":"disk full"})",
         CloudErrc::serverError,
         {"HTTP 500", "Internal server error: disk full", "log"}},
        {"500 unhealthy",
         500,
         R"({"status":"unhealthy","error":"ENOENT","timestamp":"x"})",
         CloudErrc::serverError,
         {"ENOENT"}},
        {"502 not JSON", 502, "<html>Bad gateway</html>", CloudErrc::serverError, {"HTTP 502"}},
        {"415", 415, R"({"error":"Unsupported Media Type"})", CloudErrc::requestRejected, {"Unsupported"}},
        {"200 not JSON", 200, "<html>welcome</html>", CloudErrc::invalidResponse, {"not JSON", "backend URL"}},
        {"200 truncated", 200, R"({"status":"heal)", CloudErrc::invalidResponse, {"not JSON"}},
        {"200 a list", 200, "[1,2]", CloudErrc::invalidResponse, {"object", "array"}},
        {"200 a string", 200, R"("ok")", CloudErrc::invalidResponse, {"object", "string"}},
        {"200 empty", 200, "", CloudErrc::invalidResponse, {"not JSON"}},
        {"302", 302, "", CloudErrc::invalidResponse, {"HTTP 302", "unexpected"}},
        {"error of the wrong type",
         500,
         R"({"error":{"nested":true},"message":7})",
         CloudErrc::serverError,
         {"HTTP 500"}},
    };
    for (const AnswerCase& c : cases) {
        const auto result = interpretBackendResponse(c.status, c.body, "start stream x");
        ASSERT_FALSE(result.ok()) << c.name;
        EXPECT_EQ(result.error(), c.code) << c.name << ": " << result.error().describe();
        for (const char* fragment : c.fragments) {
            EXPECT_NE(result.error().detail().find(fragment), std::string::npos)
                << c.name << ": no '" << fragment << "' in " << result.error().detail();
        }
    }
}

TEST(BackendModel, SuccessAnswersAreTheirJson)
{
    const auto result = interpretBackendResponse(200, R"({"a":1})", "x");
    ASSERT_TRUE(result.ok());
    EXPECT_EQ(result->at("a"), 1);
}

TEST(BackendModel, TransportFailuresSayWhatToDo)
{
    const std::string url = "http://127.0.0.1:3001";
    const auto refused =
        backendTransportError(core::Error{net::NetErrc::connectFailed, "connection refused"}, url, "start stream x");
    EXPECT_EQ(refused, CloudErrc::unreachable);
    EXPECT_NE(refused.detail().find("start the backend at http://127.0.0.1:3001 or pick another ingest"),
              std::string::npos)
        << refused.detail();
    EXPECT_NE(refused.detail().find("connection refused"), std::string::npos);
    EXPECT_EQ(backendTransportError(core::Error{net::NetErrc::resolveFailed, "no such host"}, url, "x"),
              CloudErrc::unreachable);
    EXPECT_EQ(backendTransportError(core::Error{net::NetErrc::timedOut}, url, "x"), CloudErrc::timedOut);
    EXPECT_EQ(backendTransportError(core::Error{net::NetErrc::cancelled}, url, "x"), CloudErrc::cancelled);
    EXPECT_EQ(backendTransportError(core::Error{net::NetErrc::connectionClosed}, url, "x"), CloudErrc::unreachable);
    EXPECT_EQ(backendTransportError(core::Error{net::NetErrc::protocolError}, url, "x"), CloudErrc::invalidResponse);
    const auto tls = backendTransportError(core::Error{net::NetErrc::certificateRejected, "self-signed"}, url, "op");
    EXPECT_EQ(tls, net::NetErrc::certificateRejected) << "kept: it says more than any cloud code";
    EXPECT_EQ(tls.detail(), "op: self-signed");
}

// --- parsers ---------------------------------------------------------------------------------------

TEST(BackendModel, HealthAsDocumentedAndAsTheCodeSendsIt)
{
    const auto documented = parseBackendHealth(json::parse(R"({
      "status":"healthy","timestamp":"2026-11-24T10:00:00.000Z",
      "streamsDirectory":{"exists":true,"path":"/srv/livestreams"},
      "activeStreams":{"count":2,"streams":["a","b"]},"memoryUsage":{"rss":1}})"));
    ASSERT_TRUE(documented.ok()) << documented.error().describe();
    EXPECT_TRUE(documented->healthy());
    EXPECT_EQ(documented->streamsDirectoryExists, true);
    EXPECT_EQ(documented->streamsDirectoryPath, "/srv/livestreams");
    EXPECT_EQ(documented->activeStreamCount, 2);
    EXPECT_EQ(documented->timestamp, "2026-11-24T10:00:00.000Z");

    const auto code = parseBackendHealth(json::parse(R"({"status":"healthy","activeStreams":3})"));
    ASSERT_TRUE(code.ok());
    EXPECT_EQ(code->activeStreamCount, 3);
    EXPECT_FALSE(code->streamsDirectoryExists.has_value());

    const auto degraded = parseBackendHealth(json::parse(R"({"status":"degraded","activeStreams":null})"));
    ASSERT_TRUE(degraded.ok());
    EXPECT_FALSE(degraded->healthy());
    EXPECT_EQ(degraded->statusText, "degraded");
}

TEST(BackendModel, StartStopPlayback)
{
    const auto created = parseBackendStart(json::parse(R"({"status":"created_and_started","streamId":"s",
      "message":"ok","playbackUrl":"http://b/livestream/s/stream.m3u8","ingestUrl":"ws://b/socket.io/",
      "timestamp":"2026-11-24T10:00:00.000Z","futureField":{"x":1}})"));
    ASSERT_TRUE(created.ok()) << created.error().describe();
    EXPECT_TRUE(created->created());
    EXPECT_EQ(created->playbackUrl, "http://b/livestream/s/stream.m3u8");
    EXPECT_EQ(created->ingestUrl, "ws://b/socket.io/");

    // "already_exists" after a restart of theirs can come without URLs (undefined fields vanish).
    const auto existing = parseBackendStart(json::parse(R"({"status":"already_exists","streamId":"s","message":"m"})"));
    ASSERT_TRUE(existing.ok());
    EXPECT_FALSE(existing->created());
    EXPECT_FALSE(existing->playbackUrl.has_value());

    const auto stopped = parseBackendStop(json::parse(R"({"status":"stopped","streamId":"s","message":"m"})"));
    ASSERT_TRUE(stopped.ok());
    EXPECT_TRUE(stopped->wasRunning());
    const auto already = parseBackendStop(json::parse(R"({"status":"already_stopped"})"));
    ASSERT_TRUE(already.ok());
    EXPECT_FALSE(already->wasRunning());

    const auto playback = parseBackendPlayback(
        json::parse(R"({"streamId":"s","playbackUrl":"http://b/p.m3u8","ingestUrl":null,"status":"active"})"));
    ASSERT_TRUE(playback.ok());
    EXPECT_EQ(playback->playbackUrl, "http://b/p.m3u8");
    EXPECT_FALSE(playback->ingestUrl.has_value());
    EXPECT_EQ(playback->statusText, "active");
}

TEST(BackendModel, StatusIgnoresOverallIsActiveAndTellsWhetherContentExists)
{
    // What any id that was merely polled looks like: "active", and nothing there.
    const auto polled = parseBackendStatus(json::parse(R"({"streamId":"x",
      "local":{"isActive":true,"manifestExists":false,"streamDirExists":false,"streamData":null,"files":[],
               "manifestContent":null},
      "cloudinary":{"status":"not_found","message":"Stream not found"},
      "overall":{"isActive":true,"hasManifest":false,"hasStreamDir":false,"hasVideoContent":false}})"));
    ASSERT_TRUE(polled.ok()) << polled.error().describe();
    EXPECT_FALSE(polled->hasLiveContent());
    EXPECT_EQ(polled->cloudinaryStatus, "not_found");

    const auto live = parseBackendStatus(json::parse(R"({"streamId":"x",
      "local":{"isActive":true,"manifestExists":true,"streamDirExists":true,"files":["segment_0.ts","stream.m3u8"],
               "manifestContent":"#EXTM3U\n"},
      "cloudinary":{"status":"active"},
      "overall":{"isActive":true,"hasManifest":true,"hasStreamDir":true,"hasVideoContent":true}})"));
    ASSERT_TRUE(live.ok());
    EXPECT_TRUE(live->hasLiveContent());
    EXPECT_EQ(live->files, (std::vector<std::string>{"segment_0.ts", "stream.m3u8"}));
    EXPECT_EQ(live->manifestContent, "#EXTM3U\n");

    // Only `overall` (an older backend): its file facts still count.
    const auto overallOnly = parseBackendStatus(
        json::parse(R"({"overall":{"isActive":false,"hasManifest":true,"hasStreamDir":true,"hasVideoContent":true}})"));
    ASSERT_TRUE(overallOnly.ok());
    EXPECT_TRUE(overallOnly->hasLiveContent());

    // A manifest with no video is not live content.
    const auto empty = parseBackendStatus(json::parse(R"({"local":{"manifestExists":true},
      "overall":{"isActive":true,"hasVideoContent":false}})"));
    ASSERT_TRUE(empty.ok());
    EXPECT_FALSE(empty->hasLiveContent());
}

TEST(BackendModel, ActiveList)
{
    const auto list = parseBackendActive(json::parse(R"({"count":2,"streams":[
      {"streamId":"a","userId":"u","status":"active","startedAt":"t","isActive":true,"playbackUrl":"p","ingestUrl":"i"},
      {"streamId":"b","status":"active"}]})"));
    ASSERT_TRUE(list.ok()) << list.error().describe();
    EXPECT_EQ(list->count, 2);
    ASSERT_EQ(list->streams.size(), 2U);
    EXPECT_EQ(list->streams[0].userId, "u");
    EXPECT_TRUE(list->streams[0].isActive);
    EXPECT_TRUE(list->streams[1].isActive) << "isActive missing: from the status";
    EXPECT_FALSE(list->streams[1].playbackUrl.has_value());

    const auto countOnly = parseBackendActive(json::parse(R"({"count":0})"));
    ASSERT_TRUE(countOnly.ok());
    EXPECT_TRUE(countOnly->streams.empty());
    const auto streamsOnly = parseBackendActive(json::parse(R"({"streams":[{"streamId":"a"}]})"));
    ASSERT_TRUE(streamsOnly.ok());
    EXPECT_EQ(streamsOnly->count, 1);
}

struct BadCase {
    const char* name;
    std::function<core::Error(const json&)> parse;
    const char* value;
    const char* fragment; // in the detail
};

template <typename T> std::function<core::Error(const json&)> errorOf(core::Result<T> (*parse)(const json&))
{
    return [parse](const json& value) {
        core::Result<T> result = parse(value);
        return result.ok() ? core::Error{} : result.error();
    };
}

TEST(BackendModel, MalformedAnswersAreNamedErrors)
{
    const auto health = errorOf(&parseBackendHealth);
    const auto start = errorOf(&parseBackendStart);
    const auto stop = errorOf(&parseBackendStop);
    const auto playback = errorOf(&parseBackendPlayback);
    const auto status = errorOf(&parseBackendStatus);
    const auto active = errorOf(&parseBackendActive);
    const std::vector<BadCase> cases{
        {"health not an object", health, "[]", "should be a JSON object"},
        {"health without status", health, R"({"timestamp":"t"})", "no status"},
        {"health status a number", health, R"({"status":1})", "health.status should be text"},
        {"health directory a string", health, R"({"status":"healthy","streamsDirectory":"/x"})",
         "streamsDirectory should be an object"},
        {"health exists a string", health, R"({"status":"healthy","streamsDirectory":{"exists":"yes"}})",
         "streamsDirectory.exists should be true or false"},
        {"health activeStreams text", health, R"({"status":"healthy","activeStreams":"2"})",
         "activeStreams should be a number or an object"},
        {"health count fractional", health, R"({"status":"healthy","activeStreams":{"count":1.5}})",
         "count should be a whole number"},
        {"start without status", start, R"({"streamId":"s"})", "no status"},
        {"start status null", start, R"({"status":null})", "no status"},
        {"start url a number", start, R"({"status":"created_and_started","playbackUrl":5})",
         "playbackUrl should be text"},
        {"start not an object", start, "\"created\"", "should be a JSON object"},
        {"stop status a bool", stop, R"({"status":true})", "status should be text"},
        {"playback without URLs", playback, R"({"streamId":"s","status":"active"})", "neither playbackUrl"},
        {"playback url an object", playback, R"({"playbackUrl":{"u":1}})", "playbackUrl should be text"},
        {"status empty", status, "{}", "neither local nor overall"},
        {"status local a list", status, R"({"local":[]})", "local should be an object"},
        {"status manifestExists text", status, R"({"local":{"manifestExists":"true"}})",
         "manifestExists should be true or false"},
        {"status files not text", status, R"({"local":{"files":["a",1]}})", "files[] should be text"},
        {"status files an object", status, R"({"local":{"files":{}}})", "files should be a list"},
        {"status hasVideoContent number", status, R"({"overall":{"hasVideoContent":1}})",
         "hasVideoContent should be true or false"},
        {"status cloudinary text", status, R"({"overall":{},"cloudinary":"active"})", "cloudinary should be an object"},
        {"active empty", active, "{}", "neither streams nor count"},
        {"active streams an object", active, R"({"streams":{}})", "streams should be a list"},
        {"active entry a string", active, R"({"streams":["a"]})", "entry should be a JSON object"},
        {"active entry without id", active, R"({"streams":[{"status":"active"}]})", "no streamId"},
        {"active isActive text", active, R"({"streams":[{"streamId":"a","isActive":"yes"}]})",
         "isActive should be true or false"},
        {"active count text", active, R"({"count":"2","streams":[]})", "count should be a whole number"},
    };
    for (const BadCase& c : cases) {
        const core::Error error = c.parse(json::parse(c.value));
        ASSERT_TRUE(error.isError()) << c.name;
        EXPECT_EQ(error, CloudErrc::invalidResponse) << c.name;
        EXPECT_NE(error.detail().find(c.fragment), std::string::npos)
            << c.name << ": no '" << c.fragment << "' in " << error.detail();
    }
}

TEST(BackendModel, NullsAndUnknownFieldsAreAccepted)
{
    const auto start = parseBackendStart(json::parse(
        R"({"status":"created_and_started","streamId":null,"message":null,"playbackUrl":null,"extra":[1,2]})"));
    ASSERT_TRUE(start.ok()) << start.error().describe();
    EXPECT_EQ(start->streamId, "");
    EXPECT_FALSE(start->playbackUrl.has_value());
    const auto status = parseBackendStatus(
        json::parse(R"({"local":null,"overall":{"hasVideoContent":null,"whatever":1},"cloudinary":null})"));
    ASSERT_TRUE(status.ok()) << status.error().describe();
    EXPECT_FALSE(status->hasLiveContent());
    EXPECT_EQ(status->cloudinaryStatus, "");
}

} // namespace
} // namespace hoststudio::cloud
