// SPDX-License-Identifier: GPL-2.0-or-later
// BackendChannel against the seed backend's faithful peer (tests/peers/livestream-backend.mjs:
// socket.io 4 and a real ffmpeg turning the chunks into HLS, with the real backend's quirks) on
// 127.0.0.1: announce → confirmed by stream-started → end, with the encoder-killed stream-error
// that follows not reported; the first chunk held through the backend's setup; chunks paced; a
// viewer's join and the chat room; a refused join; the stream announced again after a restart. The media is a
// two-second Matroska/H.264 clip made by ffmpeg. Against socketio-peer.mjs: unknown and malformed
// events are ignored, a stream-started for another stream does not confirm ours, and a repeated
// stream-ended is reported once. Every process is stopped by pid.

#include "ChildProcess.hpp"
#include "Scratch.hpp"
#include "hoststudio/chat/BackendChannel.hpp"
#include "hoststudio/chat/ChatError.hpp"
#include "hoststudio/chat/SocketIoClient.hpp"
#include "hoststudio/net/NetworkThread.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <iterator>
#include <memory>
#include <mutex>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace hoststudio::chat {
namespace {

using namespace std::chrono_literals;

constexpr auto waitLimit = 20s;
const std::string hostUserId = "f9308a019258c31049344f85f89d5229b531c845836f99b08601f113bce036f9";

class Backend {
public:
    static std::unique_ptr<Backend> start(const std::string& directory, const std::string& port, std::string& why,
                                          const std::vector<std::string>& extra = {})
    {
        std::unique_ptr<Backend> backend(new Backend());
        static int serial = 0;
        backend->log_ = directory + "/backend-" + std::to_string(++serial) + ".log";
        std::vector<std::string> arguments{
            HOSTSTUDIO_NODE_EXECUTABLE, HOSTSTUDIO_BACKEND_SCRIPT, "--host", "127.0.0.1", "--port", port, "--data-dir",
            directory + "/data"};
        arguments.insert(arguments.end(), extra.begin(), extra.end());
        backend->child_ = hoststudio::testing::ChildProcess::start(arguments, backend->log_, why);
        if (!backend->child_) {
            return nullptr;
        }
        const std::optional<std::string> found = backend->child_->waitForOutput(
            std::regex("livestream backend listening on http://127\\.0\\.0\\.1:([0-9]+)"), 20s);
        if (!found) {
            std::ifstream file(backend->log_);
            std::stringstream text;
            text << file.rdbuf();
            why = "the backend peer did not start: " + text.str();
            return nullptr;
        }
        backend->port = *found;
        return backend;
    }

    [[nodiscard]] std::string url() const { return "http://127.0.0.1:" + port; }
    std::string port;

private:
    Backend() = default;
    std::string log_;
    std::unique_ptr<hoststudio::testing::ChildProcess> child_;
};

// What a channel reported.
class Recorder {
public:
    BackendChannelHandlers handlers()
    {
        BackendChannelHandlers result;
        result.onConnected = [this](core::Status status) { record([&] { connects.push_back(std::move(status)); }); };
        result.onReconnected = [this] { record([&] { ++reconnects; }); };
        result.onStreamStarted = [this](const std::string& key) { record([&] { started.push_back(key); }); };
        result.onStreamError = [this](const core::Error& error) { record([&] { errors.push_back(error); }); };
        result.onStreamEnded = [this](const std::string& key) { record([&] { ended.push_back(key); }); };
        result.onViewerCount = [this](const std::string& key, std::int64_t count) {
            record([&] { viewerCounts.emplace_back(key, count); });
        };
        result.onChannelMessage = [this](const ChannelMessage& message) {
            record([&] { messages.push_back(message); });
        };
        result.onChannelJoin = [this](const std::string& channel, const std::string& /*nickname*/) {
            record([&] { joins.push_back(channel); });
        };
        return result;
    }

    template <typename Predicate> bool waitFor(Predicate predicate, std::chrono::milliseconds timeout = waitLimit)
    {
        std::unique_lock lock(mutex);
        return changed.wait_for(lock, timeout, [&] { return predicate(); });
    }

    std::mutex mutex;
    std::condition_variable changed;
    std::vector<core::Status> connects;                             // guarded by mutex
    int reconnects = 0;                                             // guarded by mutex
    std::vector<std::string> started;                               // guarded by mutex
    std::vector<core::Error> errors;                                // guarded by mutex
    std::vector<std::string> ended;                                 // guarded by mutex
    std::vector<std::pair<std::string, std::int64_t>> viewerCounts; // guarded by mutex
    std::vector<ChannelMessage> messages;                           // guarded by mutex
    std::vector<std::string> joins;                                 // guarded by mutex

private:
    template <typename Change> void record(Change change)
    {
        {
            const std::lock_guard lock(mutex);
            change();
        }
        changed.notify_all();
    }
};

class BackendChannelIntegrationTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        directory = hoststudio::testing::scratchDirectory("backend");
        ASSERT_FALSE(directory.empty());
        const std::string clip = directory + "/clip.mkv";
        const std::string command = std::string("ffmpeg -hide_banner -loglevel error -nostdin -y -f lavfi -i "
                                                "testsrc=size=160x120:rate=10 -t 2 -c:v libx264 -g 10 -f matroska '") +
                                    clip + "'";
        // NOLINTNEXTLINE(cert-env33-c,concurrency-mt-unsafe): a fixed command on a path of our own
        ASSERT_EQ(std::system(command.c_str()), 0) << "ffmpeg could not make the test clip";
        std::ifstream file(clip, std::ios::binary);
        media.assign(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
        ASSERT_GT(media.size(), 1000U);
        std::string why;
        backend = Backend::start(directory, "0", why);
        ASSERT_TRUE(backend) << why;
    }

    void TearDown() override
    {
        channels.clear();
        backend.reset();
        std::error_code ignored;
        std::filesystem::remove_all(directory, ignored);
    }

    static SocketIoSettings settings()
    {
        SocketIoSettings result = SocketIoSettings::defaults();
        result.handshakeTimeout = 3s;
        result.reconnect.initialDelay = 100ms;
        result.reconnect.maxDelay = 400ms;
        result.reconnect.maxRetries = 60;
        result.reconnectJitterSeed = 1;
        return result;
    }

    BackendChannel& connectChannel(Recorder& recorder)
    {
        channels.push_back(BackendChannel::create(network, settings()).value());
        BackendChannel& channel = *channels.back();
        channel.connect(backend->url(), recorder.handlers());
        EXPECT_TRUE(recorder.waitFor([&] { return !recorder.connects.empty(); }));
        EXPECT_TRUE(recorder.waitFor([&] { return !recorder.joins.empty(); })) << "no channel-join";
        return channel;
    }

    // Sends the clip in chunks below the message cap.
    void sendMedia(BackendChannel& channel)
    {
        constexpr std::size_t chunkBytes = 4096;
        for (std::size_t offset = 0; offset < media.size(); offset += chunkBytes) {
            const core::Status sent = channel.sendStreamData(std::string_view(media).substr(offset, chunkBytes));
            ASSERT_TRUE(sent.ok()) << sent.error().describe();
        }
    }

    net::NetworkThread network;
    std::string directory;
    std::string media;
    std::unique_ptr<Backend> backend;
    Recorder host;
    Recorder viewer;
    std::vector<std::unique_ptr<BackendChannel>> channels; // destroyed before the recorders
};

TEST_F(BackendChannelIntegrationTest, AnnouncedConfirmedAndEndedOnce)
{
    BackendChannel& channel = connectChannel(host);
    EXPECT_EQ(channel.streamState(), BackendStreamState::idle);
    EXPECT_FALSE(channel.sendStreamData("x").ok()); // nothing announced yet

    ASSERT_TRUE(channel.startStream("event-1", hostUserId).ok());
    EXPECT_EQ(channel.streamState(), BackendStreamState::announced);
    sendMedia(channel);
    ASSERT_TRUE(host.waitFor([&] { return !host.started.empty(); })) << "no stream-started";
    EXPECT_EQ(host.started.front(), "event-1");
    EXPECT_EQ(channel.streamState(), BackendStreamState::confirmed);

    ASSERT_TRUE(channel.endStream().ok());
    ASSERT_TRUE(host.waitFor([&] { return !host.ended.empty(); }));
    // The backend then kills its encoder and reports it as a stream-error: part of its normal end.
    std::this_thread::sleep_for(1000ms);
    const std::lock_guard lock(host.mutex);
    EXPECT_EQ(host.ended.size(), 1U);
    EXPECT_EQ(channel.streamState(), BackendStreamState::ended);
    EXPECT_TRUE(host.errors.empty()) << host.errors.front().describe();
}

// Regression: the seed backend sets a stream up asynchronously and drops the chunks that arrive
// before; the first chunk, sent at once, carried the container header, so no video was ever made.
TEST_F(BackendChannelIntegrationTest, TheFirstChunkWaitsForTheBackendsSetup)
{
    std::string why;
    backend = Backend::start(directory, "0", why, {"--setup-delay-ms", "300"});
    ASSERT_TRUE(backend) << why;
    BackendChannel& channel = connectChannel(host);
    ASSERT_TRUE(channel.startStream("event-setup", hostUserId).ok());
    const auto announced = std::chrono::steady_clock::now();
    ASSERT_TRUE(channel.sendStreamData(media).ok()); // the whole clip at once, header first
    ASSERT_TRUE(host.waitFor([&] { return !host.started.empty(); }))
        << "no stream-started: the first chunk was dropped during the backend's setup";
    EXPECT_GE(std::chrono::steady_clock::now() - announced, BackendChannel::kSetupGrace);
    const std::lock_guard lock(host.mutex);
    EXPECT_TRUE(host.errors.empty()) << host.errors.front().describe();
}

// Chunks handed over back to back during the setup grace are held and joined, and none is lost when
// nothing follows them: the timer sends what is held.
TEST_F(BackendChannelIntegrationTest, ChunksHeldThroughTheSetupAreSentWhenNothingFollows)
{
    BackendChannel& channel = connectChannel(host);
    ASSERT_TRUE(channel.startStream("event-paced", hostUserId).ok());
    sendMedia(channel); // 4 KiB pieces at once: held through the setup grace, then one chunk
    ASSERT_TRUE(host.waitFor([&] { return !host.started.empty(); })) << "what was held was never sent";
    EXPECT_EQ(channel.streamState(), BackendStreamState::confirmed);
}

TEST_F(BackendChannelIntegrationTest, AViewerJoinsAndTheRoomChats)
{
    BackendChannel& hostChannel = connectChannel(host);
    BackendChannel& viewerChannel = connectChannel(viewer);
    ASSERT_TRUE(hostChannel.startStream("event-2", hostUserId).ok());
    sendMedia(hostChannel);
    ASSERT_TRUE(host.waitFor([&] { return !host.started.empty(); }));

    ASSERT_TRUE(viewerChannel.joinStream("event-2", "viewer-1").ok());
    ASSERT_TRUE(host.waitFor([&] { return !host.viewerCounts.empty(); })) << "no viewer-joined";
    ASSERT_TRUE(viewer.waitFor([&] { return !viewer.viewerCounts.empty(); })) << "no stream-joined";
    {
        const std::lock_guard lock(host.mutex);
        EXPECT_EQ(host.viewerCounts.front(), (std::pair<std::string, std::int64_t>{"event-2", 1}));
    }

    ASSERT_TRUE(viewerChannel.sendChannelMessage({"general", "hello \"host\" ✓", "viewer-1"}).ok());
    ASSERT_TRUE(host.waitFor([&] { return !host.messages.empty(); })) << "no channel-message";
    const std::lock_guard lock(host.mutex);
    EXPECT_EQ(host.messages.front().channel, "general");
    EXPECT_EQ(host.messages.front().content, "hello \"host\" ✓");
    EXPECT_EQ(host.messages.front().sender, "viewer-1");
}

TEST_F(BackendChannelIntegrationTest, JoiningAStreamThatDoesNotExistIsAStreamError)
{
    BackendChannel& channel = connectChannel(viewer);
    ASSERT_TRUE(channel.joinStream("no-such-stream", "viewer-1").ok());
    ASSERT_TRUE(viewer.waitFor([&] { return !viewer.errors.empty(); }));
    const std::lock_guard lock(viewer.mutex);
    EXPECT_EQ(viewer.errors.front(), ChatErrc::streamRejected);
    EXPECT_NE(viewer.errors.front().detail().find("Stream not found"), std::string::npos); // the backend's words
    EXPECT_FALSE(channel.startStream("../escape", hostUserId).ok());
}

TEST_F(BackendChannelIntegrationTest, TheStreamIsAnnouncedAgainAfterABackendRestart)
{
    BackendChannel& channel = connectChannel(host);
    ASSERT_TRUE(channel.startStream("event-3", hostUserId).ok());
    sendMedia(channel);
    ASSERT_TRUE(host.waitFor([&] { return host.started.size() == 1; }));

    const std::string port = backend->port;
    backend.reset();
    std::string why;
    backend = Backend::start(directory, port, why);
    ASSERT_TRUE(backend) << why;
    ASSERT_TRUE(host.waitFor([&] { return host.reconnects == 1; })) << "no onReconnected";
    EXPECT_EQ(channel.streamState(), BackendStreamState::announced);

    // The layer above restarts its muxer on onReconnected: the header goes out again, and the new
    // backend knows the stream because it was announced again.
    sendMedia(channel);
    ASSERT_TRUE(host.waitFor([&] { return host.started.size() == 2; })) << "no second stream-started";
    EXPECT_EQ(channel.streamState(), BackendStreamState::confirmed);
    const std::lock_guard lock(host.mutex);
    for (const core::Error& error : host.errors) {
        ADD_FAILURE() << error.describe();
    }
}

// The events a real backend does not send on demand, sent through socketio-peer.mjs's broadcast.
TEST(BackendChannelEvents, UnknownMalformedAndRepeatedEventsAreHandled)
{
    const std::string directory = hoststudio::testing::scratchDirectory("backend");
    ASSERT_FALSE(directory.empty());
    std::string why;
    auto peer = hoststudio::testing::ChildProcess::start({HOSTSTUDIO_NODE_EXECUTABLE, HOSTSTUDIO_SOCKETIO_PEER_SCRIPT},
                                                         directory + "/peer.log", why);
    ASSERT_TRUE(peer) << why;
    const std::optional<std::string> port =
        peer->waitForOutput(std::regex("listening on ws://127\\.0\\.0\\.1:([0-9]+)"), 20s);
    ASSERT_TRUE(port);
    const std::string url = "http://127.0.0.1:" + *port;

    net::NetworkThread network;
    Recorder recorder;
    auto channel = BackendChannel::create(network, SocketIoSettings::defaults()).value();
    channel->connect(url, recorder.handlers());
    ASSERT_TRUE(recorder.waitFor([&] { return !recorder.connects.empty(); }));
    ASSERT_TRUE(channel->startStream("mine", hostUserId).ok());

    auto helper = SocketIoClient::create(network, SocketIoSettings::defaults()).value();
    std::promise<core::Status> helperConnected;
    SocketIoHandlers helperHandlers;
    helperHandlers.onConnected = [&helperConnected](core::Status status) { helperConnected.set_value(status); };
    helper->connect(url, std::move(helperHandlers));
    ASSERT_TRUE(helperConnected.get_future().get().ok());
    using nlohmann::json;
    const auto broadcast = [&helper](const std::string& name, const json& payload) {
        ASSERT_TRUE(helper->emitEvent("broadcast", json::array({name, payload})).ok());
    };
    broadcast("surprise", json{{"x", 1}});
    broadcast("stream-started", json("not an object"));
    broadcast("stream-started", json{{"streamKey", "someone-else"}, {"status", "broadcasting"}});
    broadcast("viewer-count", json{{"streamKey", "mine"}, {"viewerCount", -3}});
    broadcast("viewer-count", json{{"streamKey", "mine"}, {"viewerCount", "4"}});
    broadcast("channel-message", json{{"channel", "general"}});
    broadcast("viewer-count", json{{"streamKey", "mine"}, {"viewerCount", 4}});
    ASSERT_TRUE(recorder.waitFor([&] { return !recorder.viewerCounts.empty(); }));
    {
        const std::lock_guard lock(recorder.mutex);
        EXPECT_EQ(recorder.viewerCounts.size(), 1U);
        EXPECT_EQ(recorder.viewerCounts.front().second, 4);
        EXPECT_TRUE(recorder.started.empty());
        EXPECT_TRUE(recorder.messages.empty());
    }
    EXPECT_EQ(channel->streamState(), BackendStreamState::announced);

    broadcast("stream-started", json{{"streamKey", "mine"}, {"status", "broadcasting"}});
    ASSERT_TRUE(recorder.waitFor([&] { return !recorder.started.empty(); }));
    EXPECT_EQ(channel->streamState(), BackendStreamState::confirmed);
    broadcast("stream-ended", json{{"streamKey", "mine"}});
    broadcast("stream-ended", json{{"streamKey", "mine"}});
    broadcast("stream-segments-updated", json{{"streamKey", "mine"}, {"segmentCount", 2}});
    broadcast("channel-message", json{{"channel", "general"}, {"content", "last"}, {"sender", nullptr}});
    ASSERT_TRUE(recorder.waitFor([&] { return !recorder.messages.empty(); }));
    const std::lock_guard lock(recorder.mutex);
    EXPECT_EQ(recorder.ended, std::vector<std::string>{"mine"});
    EXPECT_EQ(recorder.messages.front().sender, "");
    EXPECT_EQ(channel->streamState(), BackendStreamState::ended);
    EXPECT_EQ(channel->connectionState(), SocketIoState::connected);
    channel.reset();
    helper.reset();
    peer.reset();
    std::error_code ignored;
    std::filesystem::remove_all(directory, ignored);
}

} // namespace
} // namespace hoststudio::chat
