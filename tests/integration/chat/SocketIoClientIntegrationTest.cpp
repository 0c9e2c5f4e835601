// SPDX-License-Identifier: GPL-2.0-or-later
// SocketIoClient against a real socket.io 4 server (socketio-peer.mjs) on 127.0.0.1 with a short
// pingInterval (300 ms) and pingTimeout (200 ms): handshake, heartbeat, acks both ways, binary
// attachments byte-exact, the message cap, reconnect after a server restart / drop / freeze, clean
// close, namespace refusal, and servers that never answer the handshake. Every peer is stopped by
// pid when its test ends.

#include "ChildProcess.hpp"
#include "LoopbackPort.hpp"
#include "Scratch.hpp"
#include "hoststudio/chat/ChatError.hpp"
#include "hoststudio/chat/SocketIoClient.hpp"
#include "hoststudio/net/NetError.hpp"
#include "hoststudio/net/NetworkThread.hpp"
#include "hoststudio/nostr/Hex.hpp"
#include "hoststudio/nostr/Sha256.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <memory>
#include <mutex>
#include <random>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace hoststudio::chat {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

constexpr auto waitLimit = 15s;

// One socketio-peer.mjs process; ready once it printed its port.
class Peer {
public:
    static std::unique_ptr<Peer> start(std::vector<std::string> arguments, std::string& why)
    {
        std::unique_ptr<Peer> peer(new Peer());
        peer->directory_ = hoststudio::testing::scratchDirectory("sio");
        if (peer->directory_.empty()) {
            why = "mkdtemp failed";
            return nullptr;
        }
        std::vector<std::string> argv{HOSTSTUDIO_NODE_EXECUTABLE, HOSTSTUDIO_SOCKETIO_PEER_SCRIPT};
        argv.insert(argv.end(), arguments.begin(), arguments.end());
        peer->child_ = hoststudio::testing::ChildProcess::start(argv, peer->directory_ + "/out.log", why);
        if (!peer->child_) {
            return nullptr;
        }
        const std::optional<std::string> port =
            peer->child_->waitForOutput(std::regex("listening on wss?://127\\.0\\.0\\.1:([0-9]+)"), 20s);
        if (!port) {
            why = "no 'listening on' line from socketio-peer.mjs: " + peer->output();
            return nullptr;
        }
        peer->port = static_cast<std::uint16_t>(std::stoi(*port));
        return peer;
    }

    ~Peer()
    {
        if (child_) {
            ::kill(child_->pid(), SIGCONT); // in case a test froze it
        }
        child_.reset();
        std::error_code ignored;
        std::filesystem::remove_all(directory_, ignored);
    }
    Peer(const Peer&) = delete;
    Peer& operator=(const Peer&) = delete;
    Peer(Peer&&) = delete;
    Peer& operator=(Peer&&) = delete;

    [[nodiscard]] std::string url(const std::string& nameSpace = "") const
    {
        return "http://127.0.0.1:" + std::to_string(port) + nameSpace;
    }
    [[nodiscard]] const std::string& directory() const { return directory_; }
    [[nodiscard]] std::optional<std::string> waitForOutput(const std::string& pattern,
                                                           std::chrono::milliseconds timeout) const
    {
        return child_->waitForOutput(std::regex(pattern), timeout);
    }
    [[nodiscard]] std::string output() const
    {
        std::ifstream file(directory_ + "/out.log");
        std::stringstream text;
        text << file.rdbuf();
        return text.str();
    }
    void freeze() const { ::kill(child_->pid(), SIGSTOP); }
    void thaw() const { ::kill(child_->pid(), SIGCONT); }

    std::uint16_t port = 0;

private:
    Peer() = default;
    std::string directory_;
    std::unique_ptr<hoststudio::testing::ChildProcess> child_;
};

// A loopback TCP port whose listening socket never accepts: the TCP handshake completes in the
// kernel, but nothing is ever answered.
class SilentTcpServer {
public:
    SilentTcpServer()
    {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
            ::listen(fd_, 16) != 0) {
            return;
        }
        socklen_t length = sizeof address;
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length);
        port = ntohs(address.sin_port);
    }
    ~SilentTcpServer()
    {
        if (fd_ >= 0) {
            ::close(fd_);
        }
    }
    SilentTcpServer(const SilentTcpServer&) = delete;
    SilentTcpServer& operator=(const SilentTcpServer&) = delete;
    SilentTcpServer(SilentTcpServer&&) = delete;
    SilentTcpServer& operator=(SilentTcpServer&&) = delete;

    std::uint16_t port = 0;

private:
    int fd_ = -1;
};

// Everything the client reports, for the test thread to wait on.
class Recorder {
public:
    SocketIoHandlers handlers()
    {
        SocketIoHandlers result;
        result.onConnected = [this](core::Status status) { record([&] { connects.push_back(std::move(status)); }); };
        result.onEvent = [this](const SocketIoEvent& event) { record([&] { events.push_back(event); }); };
        result.onReconnected = [this] { record([&] { ++reconnects; }); };
        result.onDisconnected = [this](const core::Error& why) { record([&] { disconnects.push_back(why); }); };
        result.onStateChanged = [this](SocketIoState state) { record([&] { states.push_back(state); }); };
        return result;
    }

    template <typename Predicate> bool waitFor(Predicate predicate, std::chrono::milliseconds timeout = waitLimit)
    {
        std::unique_lock lock(mutex);
        return changed.wait_for(lock, timeout, [&] { return predicate(); });
    }

    // The first event called `name` (waiting for it), or nothing.
    std::optional<SocketIoEvent> waitForEvent(const std::string& name, std::chrono::milliseconds timeout = waitLimit)
    {
        std::optional<SocketIoEvent> found;
        waitFor(
            [&] {
                for (const SocketIoEvent& event : events) {
                    if (event.name == name) {
                        found = event;
                        return true;
                    }
                }
                return false;
            },
            timeout);
        return found;
    }

    bool sawEvent(const std::string& name)
    {
        const std::lock_guard lock(mutex);
        for (const SocketIoEvent& event : events) {
            if (event.name == name) {
                return true;
            }
        }
        return false;
    }

    std::mutex mutex;
    std::condition_variable changed;
    std::vector<core::Status> connects;   // guarded by mutex
    std::vector<SocketIoEvent> events;    // guarded by mutex
    int reconnects = 0;                   // guarded by mutex
    std::vector<core::Error> disconnects; // guarded by mutex
    std::vector<SocketIoState> states;    // guarded by mutex

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

// Emits and waits for the ack.
core::Result<json> emitAndWait(SocketIoClient& client, const std::string& event, json arguments,
                               std::chrono::milliseconds ackTimeout = 10s)
{
    auto promise = std::make_shared<std::promise<core::Result<json>>>();
    std::future<core::Result<json>> future = promise->get_future();
    const core::Status sent = client.emitEvent(
        event, std::move(arguments), [promise](core::Result<json> answer) { promise->set_value(std::move(answer)); },
        ackTimeout);
    if (!sent) {
        return sent.error();
    }
    if (future.wait_for(ackTimeout + 5s) != std::future_status::ready) {
        return core::Error{ChatErrc::timedOut, "the ack callback never ran"};
    }
    return future.get();
}

std::string randomBytes(std::size_t size)
{
    std::mt19937_64 generator(std::random_device{}());
    std::string bytes(size, '\0');
    for (char& byte : bytes) {
        byte = static_cast<char>(generator() & 0xFFU);
    }
    return bytes;
}

json binaryOf(const std::string& bytes)
{
    return json::binary(std::vector<std::uint8_t>(bytes.begin(), bytes.end()));
}

std::string sha256Hex(const std::string& bytes)
{
    return nostr::toHex(nostr::sha256(std::string_view(bytes)).value());
}

class SocketIoIntegrationTest : public ::testing::Test {
protected:
    static SocketIoSettings testSettings()
    {
        SocketIoSettings settings = SocketIoSettings::defaults();
        settings.handshakeTimeout = 2s;
        settings.ackTimeout = 5s;
        settings.reconnect.initialDelay = 100ms;
        settings.reconnect.maxDelay = 400ms;
        settings.reconnect.maxRetries = 60;
        settings.reconnectJitterSeed = 1;
        return settings;
    }

    void startPeer(std::vector<std::string> arguments = {})
    {
        std::string why;
        peer = Peer::start(std::move(arguments), why);
        ASSERT_TRUE(peer) << why;
    }

    void connectClient(const std::string& url, SocketIoSettings settings = testSettings())
    {
        client = SocketIoClient::create(network, std::move(settings)).value();
        client->connect(url, recorder.handlers());
        ASSERT_TRUE(recorder.waitFor([&] { return !recorder.connects.empty(); })) << "no onConnected";
        const std::lock_guard lock(recorder.mutex);
        ASSERT_TRUE(recorder.connects.front().ok()) << recorder.connects.front().error().describe();
    }

    // The socket id the server knows this client by.
    std::string serverSideId()
    {
        const core::Result<json> answer = emitAndWait(*client, "whoami", json::array());
        if (!answer || !answer->is_array() || answer->empty() || !answer->front().is_string()) {
            return {};
        }
        return answer->front().get<std::string>();
    }

    net::NetworkThread network;
    Recorder recorder;
    std::unique_ptr<Peer> peer;
    std::unique_ptr<SocketIoClient> client; // destroyed before the recorder and the network thread
};

// Certificates made with the net tests' script: a private CA and a server certificate for 127.0.0.1.
std::string makeCertificates(const std::string& directory)
{
    const std::string command = std::string(HOSTSTUDIO_BASH_EXECUTABLE) + " '" + HOSTSTUDIO_CERT_SCRIPT + "' '" +
                                directory + "' >/dev/null 2>&1";
    // NOLINTNEXTLINE(cert-env33-c,concurrency-mt-unsafe): a fixed test script on paths of our own
    return std::system(command.c_str()) == 0 ? directory : std::string{};
}

TEST_F(SocketIoIntegrationTest, ConnectsAndSurvivesSeveralPingIntervals)
{
    startPeer();
    connectClient(peer->url());
    EXPECT_EQ(client->state(), SocketIoState::connected);
    const std::string socketId = client->socketId();
    ASSERT_FALSE(socketId.empty());
    EXPECT_EQ(serverSideId(), socketId);
    ASSERT_TRUE(peer->waitForOutput("connected " + socketId, 5s));

    // 2 s is more than six ping intervals of 300 ms; a client that missed one pong would have been
    // dropped after 500 ms.
    std::this_thread::sleep_for(2s);
    EXPECT_EQ(client->state(), SocketIoState::connected);
    EXPECT_EQ(serverSideId(), socketId);
    EXPECT_EQ(peer->output().find("disconnect"), std::string::npos) << peer->output();
    const std::lock_guard lock(recorder.mutex);
    EXPECT_EQ(recorder.reconnects, 0);
}

TEST_F(SocketIoIntegrationTest, EmitWithAckAndTheEchoedEvent)
{
    startPeer();
    connectClient(peer->url());
    const json arguments = json::array({"hello", {{"n", 1}, {"text", "grüße \"quoted\""}}, json::array({1, 2, 3})});
    const core::Result<json> answer = emitAndWait(*client, "echo", arguments);
    ASSERT_TRUE(answer.ok()) << answer.error().describe();
    EXPECT_EQ(answer.value(), arguments);
    const std::optional<SocketIoEvent> echoed = recorder.waitForEvent("echo");
    ASSERT_TRUE(echoed);
    EXPECT_EQ(echoed->arguments, arguments);
    EXPECT_FALSE(echoed->ackId.has_value());
}

TEST_F(SocketIoIntegrationTest, AnAckThatNeverComesTimesOut)
{
    startPeer();
    connectClient(peer->url());
    // The peer has no handler for this event, so it never acks.
    const core::Result<json> answer = emitAndWait(*client, "nobody-listens", json::array({1}), 300ms);
    ASSERT_FALSE(answer.ok());
    EXPECT_EQ(answer.error(), ChatErrc::timedOut);
    EXPECT_EQ(client->state(), SocketIoState::connected);
}

TEST_F(SocketIoIntegrationTest, ServerInitiatedAck)
{
    startPeer();
    connectClient(peer->url());
    ASSERT_TRUE(client->emitEvent("ask-client", json::array({"what is the stream key?"})));
    const std::optional<SocketIoEvent> question = recorder.waitForEvent("question");
    ASSERT_TRUE(question);
    EXPECT_EQ(question->arguments, json::array({"what is the stream key?"}));
    ASSERT_TRUE(question->ackId.has_value());
    const core::Status acked = client->acknowledge(*question, json::array({"abc-123", 42}));
    ASSERT_TRUE(acked.ok()) << acked.error().describe();
    const std::optional<SocketIoEvent> received = recorder.waitForEvent("answer-received");
    ASSERT_TRUE(received);
    EXPECT_EQ(received->arguments, json::array({"abc-123", 42}));
}

TEST_F(SocketIoIntegrationTest, BinaryAttachmentsBothWaysByteExact)
{
    startPeer();
    connectClient(peer->url());
    const std::string large = randomBytes(400 * 1024);
    const std::string small = randomBytes(3);
    const json arguments =
        json::array({{{"streamKey", "s1"}, {"chunk", binaryOf(large)}}, binaryOf(small), "text after"});

    // What the server received, byte for byte.
    const core::Result<json> digests = emitAndWait(*client, "digest", json::array({binaryOf(large), binaryOf(small)}));
    ASSERT_TRUE(digests.ok()) << digests.error().describe();
    ASSERT_EQ(digests->size(), 1U);
    const json& list = digests->front();
    ASSERT_EQ(list.size(), 2U) << list.dump();
    EXPECT_EQ(list[0]["size"], large.size());
    EXPECT_EQ(list[0]["sha256"], sha256Hex(large));
    EXPECT_EQ(list[1]["size"], small.size());
    EXPECT_EQ(list[1]["sha256"], sha256Hex(small));

    // What the server sent back (event and binary ack), reassembled byte for byte.
    const core::Result<json> answer = emitAndWait(*client, "echo", arguments);
    ASSERT_TRUE(answer.ok()) << answer.error().describe();
    EXPECT_EQ(answer.value(), arguments);
    const std::optional<SocketIoEvent> echoed = recorder.waitForEvent("echo");
    ASSERT_TRUE(echoed);
    ASSERT_EQ(echoed->arguments.size(), 3U);
    ASSERT_TRUE(echoed->arguments[0]["chunk"].is_binary());
    const auto& bytes = echoed->arguments[0]["chunk"].get_binary();
    EXPECT_EQ(std::string(bytes.begin(), bytes.end()), large);
    EXPECT_EQ(echoed->arguments, arguments);
}

TEST_F(SocketIoIntegrationTest, AnOverCapMessageIsRefusedAndNothingCloses)
{
    startPeer();
    connectClient(peer->url());
    const std::string socketId = client->socketId();
    EXPECT_EQ(client->outgoingMessageCap(), 1000000U);

    const core::Status binary = client->emitEvent("echo", json::array({binaryOf(std::string(1000001, 'b'))}));
    ASSERT_FALSE(binary.ok());
    EXPECT_EQ(binary.error(), ChatErrc::messageTooLarge);
    const core::Status text = client->emitEvent("echo", json::array({std::string(1000000, 't')}));
    ASSERT_FALSE(text.ok());
    EXPECT_EQ(text.error(), ChatErrc::messageTooLarge) << text.error().describe();

    // Just under the cap goes through.
    const std::string underCap = randomBytes(999000);
    const core::Result<json> digest = emitAndWait(*client, "digest", json::array({binaryOf(underCap)}));
    ASSERT_TRUE(digest.ok()) << digest.error().describe();
    EXPECT_EQ(digest->front()[0]["sha256"], sha256Hex(underCap));

    EXPECT_EQ(client->state(), SocketIoState::connected);
    EXPECT_EQ(serverSideId(), socketId);
    EXPECT_EQ(peer->output().find("disconnect"), std::string::npos) << peer->output();
}

TEST_F(SocketIoIntegrationTest, AnOversizedIncomingMessageIsDroppedAndTheConnectionStays)
{
    startPeer();
    connectClient(peer->url());
    const std::string socketId = client->socketId();
    ASSERT_TRUE(client->emitEvent("send-big", json::array({1500000})));
    const std::optional<SocketIoEvent> after = recorder.waitForEvent("after-big");
    ASSERT_TRUE(after);
    EXPECT_FALSE(recorder.sawEvent("big"));
    EXPECT_EQ(client->state(), SocketIoState::connected);
    EXPECT_EQ(serverSideId(), socketId);

    // Below the cap the same event arrives.
    ASSERT_TRUE(client->emitEvent("send-big", json::array({2000})));
    const std::optional<SocketIoEvent> big = recorder.waitForEvent("big");
    ASSERT_TRUE(big);
    EXPECT_EQ(big->arguments[0].get<std::string>().size(), 2000U);
}

TEST_F(SocketIoIntegrationTest, ReconnectsAfterAServerRestart)
{
    startPeer();
    connectClient(peer->url());
    const std::string url = peer->url();
    const std::string port = std::to_string(peer->port);
    const std::string firstId = client->socketId();

    peer.reset(); // the server process is gone
    ASSERT_TRUE(recorder.waitFor(
        [&] { return !recorder.states.empty() && recorder.states.back() == SocketIoState::reconnecting; }));
    EXPECT_FALSE(client->emitEvent("echo", json::array({1})).ok());
    std::this_thread::sleep_for(600ms); // a few failed attempts against the closed port

    startPeer({"--port", port});
    ASSERT_TRUE(recorder.waitFor([&] { return recorder.reconnects == 1; })) << "no onReconnected";
    EXPECT_EQ(client->state(), SocketIoState::connected);
    const std::string secondId = client->socketId();
    EXPECT_FALSE(secondId.empty());
    EXPECT_NE(secondId, firstId);
    EXPECT_EQ(serverSideId(), secondId);
    const std::lock_guard lock(recorder.mutex);
    EXPECT_TRUE(recorder.disconnects.empty());
    EXPECT_EQ(recorder.connects.size(), 1U); // reconnects are not connects
}

TEST_F(SocketIoIntegrationTest, ReconnectsAfterTheServerDropsTheConnection)
{
    startPeer();
    connectClient(peer->url());
    const std::string firstId = client->socketId();
    ASSERT_TRUE(client->emitEvent("drop", json::array()));
    ASSERT_TRUE(recorder.waitFor([&] { return recorder.reconnects == 1; })) << "no onReconnected";
    EXPECT_NE(client->socketId(), firstId);
    EXPECT_EQ(serverSideId(), client->socketId());
}

TEST_F(SocketIoIntegrationTest, AFrozenServerIsDetectedByTheHeartbeatAndReconnected)
{
    startPeer();
    connectClient(peer->url());
    const std::string firstId = client->socketId();
    peer->freeze(); // TCP stays up, but no more pings
    ASSERT_TRUE(recorder.waitFor(
        [&] { return !recorder.states.empty() && recorder.states.back() == SocketIoState::reconnecting; }, 5s));
    peer->thaw();
    ASSERT_TRUE(recorder.waitFor([&] { return recorder.reconnects == 1; })) << "no onReconnected";
    EXPECT_NE(client->socketId(), firstId);
    EXPECT_EQ(serverSideId(), client->socketId());
}

TEST_F(SocketIoIntegrationTest, CleanCloseSendsTheNamespaceDisconnect)
{
    startPeer();
    connectClient(peer->url());
    const std::string socketId = client->socketId();
    auto pending = std::make_shared<std::promise<core::Result<json>>>();
    std::future<core::Result<json>> ack = pending->get_future();
    ASSERT_TRUE(client->emitEvent("nobody-listens", json::array(),
                                  [pending](core::Result<json> answer) { pending->set_value(std::move(answer)); }));
    client->close();
    EXPECT_EQ(client->state(), SocketIoState::closed);
    ASSERT_TRUE(peer->waitForOutput("disconnect " + socketId + " client namespace disconnect", 5s)) << peer->output();
    ASSERT_EQ(ack.wait_for(5s), std::future_status::ready);
    const core::Result<json> answer = ack.get();
    ASSERT_FALSE(answer.ok());
    EXPECT_EQ(answer.error(), ChatErrc::disconnected);
    const core::Status after = client->emitEvent("echo", json::array());
    ASSERT_FALSE(after.ok());
    EXPECT_EQ(after.error(), ChatErrc::notConnected);
    std::this_thread::sleep_for(300ms);
    const std::lock_guard lock(recorder.mutex);
    EXPECT_EQ(recorder.reconnects, 0);
    EXPECT_TRUE(recorder.disconnects.empty());
}

TEST_F(SocketIoIntegrationTest, ADisconnectByTheServerIsFinal)
{
    startPeer();
    connectClient(peer->url());
    ASSERT_TRUE(client->emitEvent("kick", json::array()));
    ASSERT_TRUE(recorder.waitFor([&] { return !recorder.disconnects.empty(); }));
    EXPECT_EQ(client->state(), SocketIoState::disconnected);
    {
        const std::lock_guard lock(recorder.mutex);
        EXPECT_EQ(recorder.disconnects.front(), ChatErrc::disconnected);
    }
    std::this_thread::sleep_for(500ms);
    const std::lock_guard lock(recorder.mutex);
    EXPECT_EQ(recorder.reconnects, 0);
}

TEST_F(SocketIoIntegrationTest, ARefusedNamespaceIsConnectRefused)
{
    startPeer();
    client = SocketIoClient::create(network, testSettings()).value();
    client->connect(peer->url("/private"), recorder.handlers());
    ASSERT_TRUE(recorder.waitFor([&] { return !recorder.connects.empty(); }));
    const std::lock_guard lock(recorder.mutex);
    ASSERT_FALSE(recorder.connects.front().ok());
    EXPECT_EQ(recorder.connects.front().error(), ChatErrc::connectRefused);
    EXPECT_NE(recorder.connects.front().error().detail().find("not allowed here"), std::string::npos);
    EXPECT_EQ(client->state(), SocketIoState::disconnected);
}

TEST_F(SocketIoIntegrationTest, AServerThatNeverAnswersTheHandshakeTimesOut)
{
    // A WebSocket server that accepts the upgrade and then says nothing (no Engine.IO open).
    startPeer({"--mode", "mute"});
    SocketIoSettings settings = testSettings();
    settings.handshakeTimeout = 700ms;
    client = SocketIoClient::create(network, settings).value();
    client->connect(peer->url(), recorder.handlers());
    ASSERT_TRUE(recorder.waitFor([&] { return !recorder.connects.empty(); }));
    {
        const std::lock_guard lock(recorder.mutex);
        ASSERT_FALSE(recorder.connects.front().ok());
        EXPECT_EQ(recorder.connects.front().error(), ChatErrc::timedOut)
            << recorder.connects.front().error().describe();
    }
    EXPECT_EQ(client->state(), SocketIoState::disconnected);
    ASSERT_TRUE(peer->waitForOutput("mute connection", 1s));
}

TEST_F(SocketIoIntegrationTest, ATcpServerThatNeverAnswersTimesOut)
{
    const SilentTcpServer silent;
    ASSERT_NE(silent.port, 0);
    SocketIoSettings settings = testSettings();
    settings.handshakeTimeout = 700ms;
    client = SocketIoClient::create(network, settings).value();
    client->connect("http://127.0.0.1:" + std::to_string(silent.port), recorder.handlers());
    ASSERT_TRUE(recorder.waitFor([&] { return !recorder.connects.empty(); }));
    const std::lock_guard lock(recorder.mutex);
    ASSERT_FALSE(recorder.connects.front().ok());
    EXPECT_EQ(recorder.connects.front().error(), ChatErrc::timedOut) << recorder.connects.front().error().describe();
}

TEST_F(SocketIoIntegrationTest, OverTlsWithThePrivateCa)
{
    const std::string certificates = makeCertificates(hoststudio::testing::scratchDirectory("sio"));
    ASSERT_FALSE(certificates.empty()) << "make-test-certs.sh failed";
    startPeer({"--tls-dir", certificates});
    SocketIoSettings settings = testSettings();
    settings.webSocket.tls.extraCaFile = certificates + "/ca.pem";
    connectClient("https://127.0.0.1:" + std::to_string(peer->port), settings);
    const std::string bytes = randomBytes(200 * 1024);
    const json arguments = json::array({"over tls", binaryOf(bytes)});
    const core::Result<json> answer = emitAndWait(*client, "echo", arguments);
    ASSERT_TRUE(answer.ok()) << answer.error().describe();
    EXPECT_EQ(answer.value(), arguments);
    std::this_thread::sleep_for(1s); // heartbeats over TLS too
    EXPECT_EQ(serverSideId(), client->socketId());
    client.reset();
    std::error_code ignored;
    std::filesystem::remove_all(certificates, ignored);
}

TEST_F(SocketIoIntegrationTest, OverTlsWithoutTheCaTheCertificateIsRejected)
{
    const std::string certificates = makeCertificates(hoststudio::testing::scratchDirectory("sio"));
    ASSERT_FALSE(certificates.empty()) << "make-test-certs.sh failed";
    startPeer({"--tls-dir", certificates});
    client = SocketIoClient::create(network, testSettings()).value();
    client->connect("wss://127.0.0.1:" + std::to_string(peer->port), recorder.handlers());
    ASSERT_TRUE(recorder.waitFor([&] { return !recorder.connects.empty(); }));
    {
        const std::lock_guard lock(recorder.mutex);
        ASSERT_FALSE(recorder.connects.front().ok());
        EXPECT_EQ(recorder.connects.front().error(), net::NetErrc::certificateRejected)
            << recorder.connects.front().error().describe();
    }
    std::error_code ignored;
    std::filesystem::remove_all(certificates, ignored);
}

TEST_F(SocketIoIntegrationTest, AFailedFirstConnectIsReportedAndNotRetried)
{
    client = SocketIoClient::create(network, testSettings()).value();
    client->connect("http://127.0.0.1:" + std::to_string(hoststudio::testing::unusedLoopbackPort()),
                    recorder.handlers());
    ASSERT_TRUE(recorder.waitFor([&] { return !recorder.connects.empty(); }));
    std::this_thread::sleep_for(500ms); // several retry delays of the test policy
    const std::lock_guard lock(recorder.mutex);
    ASSERT_FALSE(recorder.connects.front().ok());
    EXPECT_EQ(recorder.connects.size(), 1U);
    EXPECT_EQ(client->state(), SocketIoState::disconnected);
    for (const SocketIoState state : recorder.states) {
        EXPECT_NE(state, SocketIoState::reconnecting);
    }
}

} // namespace
} // namespace hoststudio::chat
