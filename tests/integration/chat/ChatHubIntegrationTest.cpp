// SPDX-License-Identifier: GPL-2.0-or-later
// ChatHub against real peers on 127.0.0.1: two tests/peers/relay.mjs relays (a nostr-tools viewer
// writes a profile and a 1311 to both: the hub shows it once, named by the profile; the host's
// reply is accepted by both relays and nostr-tools verifies it and its a tag), and the seed
// backend's peer (a socket.io-client viewer chats with the hub both ways; the backend's echo of
// the host's message is not shown twice). Every process is stopped by pid; files under TMPDIR.

#include "ChildProcess.hpp"
#include "Scratch.hpp"
#include "hoststudio/chat/BackendChannel.hpp"
#include "hoststudio/chat/ChatHub.hpp"
#include "hoststudio/net/NetworkThread.hpp"
#include "hoststudio/nostr/LiveActivity.hpp"
#include "hoststudio/nostr/RelayPool.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <memory>
#include <random>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace hoststudio::chat {
namespace {

using namespace std::chrono_literals;

// A node peer whose stdout goes to a log file; ready when `ready` (with the port as its first
// group) shows there.
class Peer {
public:
    static std::unique_ptr<Peer> start(const std::string& directory, const std::string& name,
                                       const std::vector<std::string>& arguments, const std::regex& ready,
                                       std::string& why)
    {
        std::unique_ptr<Peer> peer(new Peer());
        peer->log = directory + "/" + name + ".log";
        std::vector<std::string> argv{HOSTSTUDIO_NODE_EXECUTABLE};
        argv.insert(argv.end(), arguments.begin(), arguments.end());
        peer->child_ = hoststudio::testing::ChildProcess::start(argv, peer->log, why);
        if (!peer->child_) {
            return nullptr;
        }
        const std::optional<std::string> found = peer->child_->waitForOutput(ready, 20s);
        if (!found) {
            why = name + " did not start: " + hoststudio::testing::readTextFile(peer->log);
            return nullptr;
        }
        peer->port = *found;
        return peer;
    }

    [[nodiscard]] bool waitForOutput(const std::regex& pattern) const
    {
        return child_->waitForOutput(pattern, 20s).has_value();
    }

    std::string port;
    std::string log;

private:
    Peer() = default;
    std::unique_ptr<hoststudio::testing::ChildProcess> child_;
};

// Runs the viewer script to the end; its stdout, or nothing when it failed.
std::optional<std::string> runViewer(const std::string& directory, const std::vector<std::string>& arguments)
{
    static int serial = 0;
    const std::string output = directory + "/viewer-" + std::to_string(++serial) + ".out";
    std::string command =
        std::string("'") + HOSTSTUDIO_NODE_EXECUTABLE + "' '" + HOSTSTUDIO_CHATHUB_VIEWER_SCRIPT + "'";
    for (const std::string& argument : arguments) {
        command += " '" + argument + "'"; // the tests' arguments carry no quote
    }
    command += " > '" + output + "' 2>&1";
    // NOLINTNEXTLINE(concurrency-mt-unsafe,cert-env33-c): fixed script, arguments of the test's own
    if (std::system(command.c_str()) != 0) {
        ADD_FAILURE() << "viewer " << arguments.front() << " failed: " << hoststudio::testing::readTextFile(output);
        return std::nullopt;
    }
    return hoststudio::testing::readTextFile(output);
}

template <typename Predicate> bool eventually(Predicate predicate, std::chrono::milliseconds timeout = 20s)
{
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (predicate()) {
            return true;
        }
        std::this_thread::sleep_for(20ms);
    }
    return predicate();
}

std::string randomToken()
{
    std::random_device device;
    return std::to_string(device()) + std::to_string(device());
}

class ChatHubIntegrationTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        directory = hoststudio::testing::scratchDirectory("chathub");
        ASSERT_FALSE(directory.empty());
        hostKey = nostr::SecretKey::generate().value();
        nostr::LiveActivity activity;
        activity.identifier = "chathub-" + randomToken();
        address = activity.aTag(hostKey->publicKey().value());
    }

    void TearDown() override
    {
        hub.reset();
        backendLink.reset();
        relayLink.reset();
        pool.reset();
        channel.reset();
        peers.clear();
        std::error_code ignored;
        std::filesystem::remove_all(directory, ignored);
    }

    Peer& startRelay()
    {
        std::string why;
        peers.push_back(Peer::start(directory, "relay-" + std::to_string(peers.size()),
                                    {HOSTSTUDIO_RELAY_SCRIPT, "--host", "127.0.0.1", "--port", "0", "--db", ":memory:"},
                                    std::regex("listening on ws://127\\.0\\.0\\.1:([0-9]+)"), why));
        EXPECT_TRUE(peers.back()) << why;
        return *peers.back();
    }

    Peer& startBackend()
    {
        std::string why;
        peers.push_back(Peer::start(
            directory, "backend",
            {HOSTSTUDIO_BACKEND_SCRIPT, "--host", "127.0.0.1", "--port", "0", "--data-dir", directory + "/data"},
            std::regex("livestream backend listening on http://127\\.0\\.0\\.1:([0-9]+)"), why));
        EXPECT_TRUE(peers.back()) << why;
        return *peers.back();
    }

    std::vector<ChatEntry> entriesWithText(const std::string& text) const
    {
        std::vector<ChatEntry> found;
        for (ChatEntry& entry : hub->snapshot()) {
            if (entry.text == text) {
                found.push_back(std::move(entry));
            }
        }
        return found;
    }

    net::NetworkThread network;
    std::string directory;
    std::optional<nostr::SecretKey> hostKey;
    std::string address;
    std::vector<std::unique_ptr<Peer>> peers;
    std::unique_ptr<BackendChannel> channel;
    std::unique_ptr<nostr::RelayPool> pool;
    std::unique_ptr<RelayPoolChatLink> relayLink;
    std::unique_ptr<BackendChannelChatLink> backendLink;
    std::unique_ptr<ChatHub> hub; // destroyed first: it closes its subscriptions
};

TEST_F(ChatHubIntegrationTest, NostrChatFromTwoRelaysOnceWithTheProfileNameAndAVerifiedReply)
{
    const std::string first = "ws://127.0.0.1:" + startRelay().port;
    const std::string second = "ws://127.0.0.1:" + startRelay().port;
    ASSERT_FALSE(HasFailure());
    pool = nostr::RelayPool::create(network, {first, second}).value();
    ASSERT_TRUE(pool->waitUntilSettled(10s));
    relayLink = std::make_unique<RelayPoolChatLink>(*pool);
    ChatHubSettings settings;
    settings.activityAddress = address;
    settings.relayHint = first;
    settings.hostKey = *hostKey;
    hub = ChatHub::create(settings, relayLink.get(), nullptr).value();
    ASSERT_TRUE(hub->start().ok());

    // The same signed 1311 on both relays, after the viewer's profile.
    const auto said =
        runViewer(directory, {"nostr-say", first + "," + second, address, "hi <b>host</b>", "Vera Viewer"});
    ASSERT_TRUE(said);
    ASSERT_TRUE(eventually([&] {
        const auto found = entriesWithText("hi <b>host</b>");
        return found.size() == 1 && found[0].author == "Vera Viewer";
    })) << "entries: "
        << hub->snapshot().size();
    std::this_thread::sleep_for(300ms); // time for a second copy, if one were to show up
    const auto shown = entriesWithText("hi <b>host</b>");
    ASSERT_EQ(shown.size(), 1U);
    EXPECT_EQ(shown[0].source, ChatSource::nostr);
    EXPECT_NE(said->find(shown[0].id), std::string::npos);
    EXPECT_EQ(shown[0].authorPubkey.size(), 64U);

    const auto receipt = hub->send("thanks, Vera ✓");
    ASSERT_TRUE(receipt.ok()) << receipt.error().describe();
    ASSERT_TRUE(eventually([&] {
        const auto own = entriesWithText("thanks, Vera ✓");
        return own.size() == 1 && own[0].nostr && own[0].nostr->state == DeliveryState::sent &&
               own[0].nostr->acceptedBy == 2 && own[0].nostr->echoed;
    })) << "the host's message was not accepted by both relays and echoed";
    const auto own = entriesWithText("thanks, Vera ✓");
    EXPECT_EQ(own[0].source, ChatSource::host);
    EXPECT_EQ(own[0].id, receipt->id);
    EXPECT_EQ(own[0].nostr->relayCount, 2);

    for (const std::string& relay : {first, second}) {
        const auto verified =
            runViewer(directory, {"nostr-verify", relay, address, hostKey->publicKey()->toHex(), "thanks, Vera ✓"});
        ASSERT_TRUE(verified) << relay;
        EXPECT_NE(verified->find("\"verified\":true"), std::string::npos) << *verified;
        EXPECT_NE(verified->find(receipt->id), std::string::npos);
        EXPECT_NE(verified->find("[\"a\",\"" + address + "\",\"" + first + "\",\"root\"]"), std::string::npos)
            << *verified;
    }
    EXPECT_EQ(hub->snapshot().size(), 2U);
}

TEST_F(ChatHubIntegrationTest, ChatsBothWaysWithASocketIoViewerThroughTheBackend)
{
    Peer& backend = startBackend();
    ASSERT_FALSE(HasFailure());
    const std::string url = "http://127.0.0.1:" + backend.port;
    SocketIoSettings socketSettings = SocketIoSettings::defaults();
    socketSettings.handshakeTimeout = 5s;
    channel = BackendChannel::create(network, socketSettings).value();
    backendLink = std::make_unique<BackendChannelChatLink>(*channel);
    ChatHubSettings settings;
    settings.backendChannel = "general";
    settings.backendSender = "host-" + randomToken().substr(0, 6);
    hub = ChatHub::create(settings, nullptr, backendLink.get()).value();
    std::promise<core::Status> connected;
    BackendChannelHandlers handlers;
    handlers.onConnected = [&connected, done = false](core::Status status) mutable {
        if (!done) {
            done = true;
            connected.set_value(std::move(status));
        }
    };
    handlers.onChannelMessage = [this](const ChannelMessage& message) { hub->addBackendMessage(message); };
    auto connectedFuture = connected.get_future();
    channel->connect(url, std::move(handlers));
    ASSERT_EQ(connectedFuture.wait_for(10s), std::future_status::ready);
    const core::Status status = connectedFuture.get();
    ASSERT_TRUE(status.ok()) << status.error().describe();

    std::string why;
    auto viewer = Peer::start(directory, "socketio-viewer",
                              {HOSTSTUDIO_CHATHUB_VIEWER_SCRIPT, "socketio-chat", url, "general", "viewer-1",
                               "<img src=x onerror=alert(1)> hello", "welcome, viewer-1"},
                              std::regex("(sent)"), why);
    ASSERT_TRUE(viewer) << why;
    ASSERT_TRUE(eventually([&] { return entriesWithText("<img src=x onerror=alert(1)> hello").size() == 1; }))
        << hoststudio::testing::readTextFile(viewer->log);
    const ChatEntry incoming = entriesWithText("<img src=x onerror=alert(1)> hello").front();
    EXPECT_EQ(incoming.source, ChatSource::backend);
    EXPECT_EQ(incoming.author, "viewer-1");

    const auto receipt = hub->send("welcome, viewer-1");
    ASSERT_TRUE(receipt.ok()) << receipt.error().describe();
    EXPECT_TRUE(viewer->waitForOutput(std::regex("received .*welcome, viewer-1")))
        << hoststudio::testing::readTextFile(viewer->log);
    ASSERT_TRUE(eventually([&] {
        const auto own = entriesWithText("welcome, viewer-1");
        return own.size() == 1 && own[0].backend && own[0].backend->echoed;
    })) << "the backend's echo of the host's message was not matched";
    std::this_thread::sleep_for(300ms);
    EXPECT_EQ(entriesWithText("welcome, viewer-1").size(), 1U); // shown once
    EXPECT_EQ(hub->snapshot().size(), 2U);
    EXPECT_EQ(entriesWithText("welcome, viewer-1").front().backend->state, DeliveryState::sent);
}

} // namespace
} // namespace hoststudio::chat
