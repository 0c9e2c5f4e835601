// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The real-time channel of a session over chat::BackendChannel (the seed backend's Socket.IO
// protocol): connect, announce (`start-stream`), end (`end-stream`), disconnect, and the server's
// events as ChannelEvents. A connect after a failed one starts a fresh channel. When the media goes
// over this channel, sendStreamData() carries the Matroska chunks and the media part's
// restartChunkStream() is called after a reconnect (setOnReconnected), so that the next chunk
// starts with a container header again.
//
// Owner and thread: the session controller's thread calls connect/announce/endStream/disconnect;
// sendStreamData() may be called from the media's chunk thread. Every callback runs on the network
// thread (the controller posts it back).

#include "hoststudio/chat/BackendChannel.hpp"
#include "hoststudio/session/Parts.hpp"

#include <memory>
#include <mutex>
#include <span>

namespace hoststudio::session {

class BackendChannelPart final : public ChannelPart {
public:
    BackendChannelPart(net::NetworkThread& network, std::string url, chat::SocketIoSettings settings);
    ~BackendChannelPart() override;
    BackendChannelPart(const BackendChannelPart&) = delete;
    BackendChannelPart& operator=(const BackendChannelPart&) = delete;
    BackendChannelPart(BackendChannelPart&&) = delete;
    BackendChannelPart& operator=(BackendChannelPart&&) = delete;

    void setListener(EventCallback onEvent) override;
    void connect(DoneCallback done) override;
    void announce(const AnnounceRequest& request, DoneCallback done) override;
    void endStream(DoneCallback done) override;
    void disconnect() override;

    // A chunk of the media's Matroska stream (`stream-data`); dropped with an error when no stream is
    // announced. Any thread.
    core::Status sendStreamData(std::span<const std::uint8_t> bytes);
    // Called (on the network thread) after the channel reconnected and announced the stream again.
    void setOnReconnected(std::function<void()> onReconnected);
    // Viewer chat on the channel (`channel-message`): what arrives goes to `onMessage` (network
    // thread); sendChannelMessage() sends one (notLive while the channel is not connected). Any thread.
    void setOnChannelMessage(std::function<void(const chat::ChannelMessage&)> onMessage);
    core::Status sendChannelMessage(const chat::ChannelMessage& message);

private:
    struct Shared {
        std::mutex mutex;
        EventCallback listener;
        std::function<void()> onReconnected;
        std::function<void(const chat::ChannelMessage&)> onChannelMessage;
        DoneCallback connectDone; // called once per connect()
    };

    net::NetworkThread& network_;
    std::string url_;
    chat::SocketIoSettings settings_;
    std::shared_ptr<Shared> shared_ = std::make_shared<Shared>();
    mutable std::mutex channelMutex_;
    std::unique_ptr<chat::BackendChannel> channel_; // guarded by channelMutex_
};

} // namespace hoststudio::session
