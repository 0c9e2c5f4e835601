// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/session/BackendChannelPart.hpp"

#include "hoststudio/session/SessionError.hpp"

#include <algorithm>

namespace hoststudio::session {

BackendChannelPart::BackendChannelPart(net::NetworkThread& network, std::string url, chat::SocketIoSettings settings)
    : network_(network), url_(std::move(url)), settings_(std::move(settings))
{}

BackendChannelPart::~BackendChannelPart()
{
    {
        const std::lock_guard lock(shared_->mutex);
        shared_->listener = nullptr;
        shared_->onReconnected = nullptr;
        shared_->connectDone = nullptr;
    }
    disconnect();
}

void BackendChannelPart::setListener(EventCallback onEvent)
{
    const std::lock_guard lock(shared_->mutex);
    shared_->listener = std::move(onEvent);
}

void BackendChannelPart::setOnReconnected(std::function<void()> onReconnected)
{
    const std::lock_guard lock(shared_->mutex);
    shared_->onReconnected = std::move(onReconnected);
}

void BackendChannelPart::connect(DoneCallback done)
{
    auto created = chat::BackendChannel::create(network_, settings_);
    if (!created) {
        done(created.error());
        return;
    }
    {
        const std::lock_guard lock(shared_->mutex);
        shared_->connectDone = std::move(done);
    }
    const std::weak_ptr<Shared> weak = shared_;
    const auto report = [weak](const ChannelEvent& event) {
        if (const auto shared = weak.lock()) {
            EventCallback listener;
            {
                const std::lock_guard lock(shared->mutex);
                listener = shared->listener;
            }
            if (listener) {
                listener(event);
            }
        }
    };
    chat::BackendChannelHandlers handlers;
    handlers.onConnected = [weak](const core::Status& connected) {
        if (const auto shared = weak.lock()) {
            DoneCallback finished;
            {
                const std::lock_guard lock(shared->mutex);
                finished = std::move(shared->connectDone);
                shared->connectDone = nullptr;
            }
            if (finished) {
                finished(connected);
            }
        }
    };
    handlers.onDisconnected = [report](const core::Error& error) {
        report(ChannelEvent{ChannelEvent::Kind::dropped, error.describe(), 0});
    };
    handlers.onReconnected = [weak, report] {
        if (const auto shared = weak.lock()) {
            std::function<void()> restart;
            {
                const std::lock_guard lock(shared->mutex);
                restart = shared->onReconnected;
            }
            if (restart) {
                restart();
            }
        }
        report(ChannelEvent{ChannelEvent::Kind::reconnected, {}, 0});
    };
    handlers.onStreamStarted = [report](const std::string& streamKey) {
        report(ChannelEvent{ChannelEvent::Kind::streamStarted, streamKey, 0});
    };
    handlers.onStreamError = [report](const core::Error& error) {
        report(ChannelEvent{ChannelEvent::Kind::streamError, error.describe(), 0});
    };
    handlers.onStreamEnded = [report](const std::string& streamKey) {
        report(ChannelEvent{ChannelEvent::Kind::streamEnded, streamKey, 0});
    };
    handlers.onViewerCount = [report](const std::string& /*streamKey*/, std::int64_t viewers) {
        report(ChannelEvent{ChannelEvent::Kind::viewerCount,
                            {},
                            static_cast<int>(std::clamp<std::int64_t>(viewers, 0, 1'000'000'000))});
    };
    handlers.onChannelMessage = [weak](const chat::ChannelMessage& message) {
        if (const auto shared = weak.lock()) {
            std::function<void(const chat::ChannelMessage&)> deliver;
            {
                const std::lock_guard lock(shared->mutex);
                deliver = shared->onChannelMessage;
            }
            if (deliver) {
                deliver(message);
            }
        }
    };
    std::unique_ptr<chat::BackendChannel> previous;
    {
        const std::lock_guard lock(channelMutex_);
        previous = std::move(channel_);
        channel_ = std::move(*created);
        channel_->connect(url_, std::move(handlers));
    }
    if (previous) {
        previous->close();
    }
}

void BackendChannelPart::announce(const AnnounceRequest& request, DoneCallback done)
{
    core::Status sent = core::Error{SessionErrc::notLive, "the real-time channel is not connected"};
    {
        const std::lock_guard lock(channelMutex_);
        if (channel_) {
            sent = channel_->startStream(request.streamKey, request.userIdHex);
        }
    }
    done(sent);
}

void BackendChannelPart::endStream(DoneCallback done)
{
    core::Status sent = core::Error{SessionErrc::notLive, "the real-time channel is not connected"};
    {
        const std::lock_guard lock(channelMutex_);
        if (channel_) {
            sent = channel_->endStream();
        }
    }
    done(sent);
}

void BackendChannelPart::disconnect()
{
    std::unique_ptr<chat::BackendChannel> channel;
    {
        const std::lock_guard lock(channelMutex_);
        channel = std::move(channel_);
    }
    if (channel) {
        channel->close();
    }
}

void BackendChannelPart::setOnChannelMessage(std::function<void(const chat::ChannelMessage&)> onMessage)
{
    const std::lock_guard lock(shared_->mutex);
    shared_->onChannelMessage = std::move(onMessage);
}

core::Status BackendChannelPart::sendChannelMessage(const chat::ChannelMessage& message)
{
    const std::lock_guard lock(channelMutex_);
    if (!channel_) {
        return core::Error{SessionErrc::notLive, "the real-time channel is not connected"};
    }
    return channel_->sendChannelMessage(message);
}

core::Status BackendChannelPart::sendStreamData(std::span<const std::uint8_t> bytes)
{
    const std::lock_guard lock(channelMutex_);
    if (!channel_) {
        return core::Error{SessionErrc::notLive, "the real-time channel is not connected"};
    }
    return channel_->sendStreamData(
        std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size())); // NOLINT: bytes as text view
}

} // namespace hoststudio::session
