// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/chat/BackendChannel.hpp"

#include "hoststudio/chat/ChatError.hpp"
#include "hoststudio/net/NetworkThread.hpp"

#include <algorithm>
#include <utility>

namespace hoststudio::chat {

using nlohmann::json;

std::string_view toString(BackendStreamState state) noexcept
{
    switch (state) {
    case BackendStreamState::idle: return "idle";
    case BackendStreamState::announced: return "announced";
    case BackendStreamState::confirmed: return "confirmed";
    case BackendStreamState::ended: return "ended";
    case BackendStreamState::failed: return "failed";
    }
    return "unknown";
}

namespace {

// The backend's own rule for stream ids (they become directory names there).
bool isValidStreamKey(std::string_view key) noexcept
{
    if (key.empty() || key.size() > 128 || key.front() == '.') {
        return false;
    }
    for (const char character : key) {
        const bool allowed = (character >= 'A' && character <= 'Z') || (character >= 'a' && character <= 'z') ||
                             (character >= '0' && character <= '9') || character == '.' || character == '_' ||
                             character == '~' || character == '-';
        if (!allowed) {
            return false;
        }
    }
    return true;
}

// The first argument of an event as an object, or nothing.
const json* payloadObject(const SocketIoEvent& event)
{
    if (event.arguments.empty() || !event.arguments.front().is_object()) {
        return nullptr;
    }
    return &event.arguments.front();
}

std::optional<std::string> stringField(const json& object, const char* key)
{
    const auto field = object.find(key);
    if (field == object.end() || !field->is_string()) {
        return std::nullopt;
    }
    return field->get<std::string>();
}

std::optional<std::int64_t> countField(const json& object, const char* key)
{
    const auto field = object.find(key);
    if (field == object.end() || !field->is_number_integer() || field->get<std::int64_t>() < 0) {
        return std::nullopt;
    }
    return field->get<std::int64_t>();
}

void ignoreMalformed(const SocketIoEvent& event, const char* what)
{
    qCWarning(lcChat) << "backend channel: ignored" << event.name.c_str() << "(" << what << "):"
                      << event.arguments.dump(-1, ' ', true, json::error_handler_t::replace).substr(0, 200).c_str();
}

} // namespace

core::Result<std::unique_ptr<BackendChannel>> BackendChannel::create(net::NetworkThread& thread,
                                                                     SocketIoSettings settings)
{
    core::Result<std::unique_ptr<SocketIoClient>> client = SocketIoClient::create(thread, std::move(settings));
    if (!client) {
        return client.error();
    }
    return std::unique_ptr<BackendChannel>(new BackendChannel(thread, std::move(client).value()));
}

BackendChannel::BackendChannel(net::NetworkThread& network, std::unique_ptr<SocketIoClient> client)
    : network_(network), client_(std::move(client))
{
    flushGuard_->owner = this;
}

BackendChannel::~BackendChannel()
{
    {
        const std::lock_guard lock(flushGuard_->mutex); // a flush in progress ends first
        flushGuard_->owner = nullptr;
    }
    client_.reset(); // no callback of it runs after this, so none touches the members below
}

void BackendChannel::scheduleFlush()
{
    if (flushScheduled_) {
        return;
    }
    flushScheduled_ = true;
    const auto delay = std::chrono::ceil<std::chrono::milliseconds>(nextChunkAt_ - std::chrono::steady_clock::now());
    network_.postAfter(std::max(delay, std::chrono::milliseconds(0)), [guard = flushGuard_] {
        const std::lock_guard lock(guard->mutex);
        if (guard->owner != nullptr) {
            guard->owner->flushHeld();
        }
    });
}

void BackendChannel::flushHeld()
{
    const std::lock_guard lock(mutex_);
    flushScheduled_ = false;
    if (heldChunk_.empty() ||
        (streamState_ != BackendStreamState::announced && streamState_ != BackendStreamState::confirmed)) {
        return;
    }
    if (std::chrono::steady_clock::now() < nextChunkAt_) {
        scheduleFlush();
        return;
    }
    if (const core::Status sent = sendHeldChunk(); !sent) {
        qCInfo(lcChat) << "backend channel: a held media chunk was not sent:" << sent.error().describe().c_str();
    }
}

void BackendChannel::connect(const std::string& url, BackendChannelHandlers handlers)
{
    {
        const std::lock_guard lock(mutex_);
        handlers_ = std::move(handlers);
    }
    SocketIoHandlers socketHandlers;
    socketHandlers.onConnected = [this](core::Status status) {
        std::function<void(core::Status)> handler;
        {
            const std::lock_guard lock(mutex_);
            handler = handlers_.onConnected;
        }
        if (handler) {
            handler(std::move(status));
        }
    };
    socketHandlers.onStateChanged = [this](SocketIoState state) {
        std::function<void(SocketIoState)> handler;
        {
            const std::lock_guard lock(mutex_);
            handler = handlers_.onConnectionStateChanged;
        }
        if (handler) {
            handler(state);
        }
    };
    socketHandlers.onDisconnected = [this](const core::Error& why) {
        std::function<void(const core::Error&)> handler;
        {
            const std::lock_guard lock(mutex_);
            handler = handlers_.onDisconnected;
        }
        if (handler) {
            handler(why);
        }
    };
    socketHandlers.onReconnected = [this] { onReconnected(); };
    socketHandlers.onEvent = [this](const SocketIoEvent& event) { onEvent(event); };
    client_->connect(url, std::move(socketHandlers));
}

void BackendChannel::markAnnounced()
{
    streamState_ = BackendStreamState::announced;
    nextChunkAt_ = std::chrono::steady_clock::now() + kSetupGrace;
    heldChunk_.clear(); // a stream announced anew starts with a new container header
    endSent_ = false;
}

core::Status BackendChannel::sendHeldChunk()
{
    if (heldChunk_.empty()) {
        return {};
    }
    const json payload{{"streamKey", streamKey_}, {"chunk", json::binary(std::move(heldChunk_))}};
    heldChunk_.clear();
    nextChunkAt_ = std::chrono::steady_clock::now() + kMinimumChunkInterval;
    return client_->emitEvent("stream-data", json::array({payload}));
}

core::Status BackendChannel::startStream(std::string streamKey, std::string userId)
{
    if (!isValidStreamKey(streamKey)) {
        return core::Error{ChatErrc::invalidArgument,
                           "the backend accepts stream keys of 1-128 letters, digits, '.', '_', '~' and '-' (\"" +
                               streamKey.substr(0, 140) + "\")"};
    }
    if (userId.empty()) {
        return core::Error{ChatErrc::invalidArgument, "start-stream needs the host's user id"};
    }
    const std::lock_guard lock(mutex_);
    const json payload{{"userId", userId}, {"streamKey", streamKey}};
    if (core::Status sent = client_->emitEvent("start-stream", json::array({payload})); !sent) {
        return sent;
    }
    streamKey_ = std::move(streamKey);
    userId_ = std::move(userId);
    markAnnounced();
    endReported_ = false;
    return {};
}

core::Status BackendChannel::sendStreamData(std::string_view chunk)
{
    const std::lock_guard lock(mutex_);
    if (streamState_ != BackendStreamState::announced && streamState_ != BackendStreamState::confirmed) {
        return core::Error{ChatErrc::notConnected, "no stream is announced (" + std::string(toString(streamState_)) +
                                                       "): call startStream first"};
    }
    if (!heldChunk_.empty() && heldChunk_.size() + chunk.size() > kMaximumJoinedChunkBytes) {
        // Joined, they would near the backend's 1 MB message limit: what is held goes alone.
        if (core::Status sent = sendHeldChunk(); !sent) {
            return sent;
        }
    }
    heldChunk_.insert(heldChunk_.end(), chunk.begin(), chunk.end());
    if (std::chrono::steady_clock::now() < nextChunkAt_) {
        if (streamState_ == BackendStreamState::announced) {
            qCDebug(lcChat) << "backend channel: chunk held while the backend sets the stream up";
        }
        scheduleFlush();
        return {};
    }
    return sendHeldChunk();
}

core::Status BackendChannel::endStream()
{
    const std::lock_guard lock(mutex_);
    if (streamState_ != BackendStreamState::announced && streamState_ != BackendStreamState::confirmed) {
        return core::Error{ChatErrc::notConnected, "no stream to end (" + std::string(toString(streamState_)) + ")"};
    }
    if (const core::Status sent = sendHeldChunk(); !sent) {
        qCInfo(lcChat) << "backend channel: the last media chunk was not sent:" << sent.error().describe().c_str();
    }
    const json payload{{"streamKey", streamKey_}, {"userId", userId_}};
    core::Status sent = client_->emitEvent("end-stream", json::array({payload}));
    endSent_ = sent.ok();
    return sent;
}

core::Status BackendChannel::joinStream(std::string streamKey, std::string userId)
{
    if (!isValidStreamKey(streamKey)) {
        return core::Error{ChatErrc::invalidArgument,
                           "not a stream key the backend accepts (\"" + streamKey.substr(0, 140) + "\")"};
    }
    const std::lock_guard lock(mutex_);
    const json payload{{"streamKey", streamKey}, {"userId", userId}};
    if (core::Status sent = client_->emitEvent("join-stream", json::array({payload})); !sent) {
        return sent;
    }
    watched_.emplace(std::move(streamKey), std::move(userId));
    return {};
}

core::Status BackendChannel::sendChannelMessage(const ChannelMessage& message)
{
    if (message.channel.empty()) {
        return core::Error{ChatErrc::invalidArgument, "a channel message needs a channel"};
    }
    const json payload{{"channel", message.channel}, {"content", message.content}, {"sender", message.sender}};
    return client_->emitEvent("channel-message", json::array({payload}));
}

void BackendChannel::close()
{
    client_->close();
}

SocketIoState BackendChannel::connectionState() const
{
    return client_->state();
}

BackendStreamState BackendChannel::streamState() const
{
    const std::lock_guard lock(mutex_);
    return streamState_;
}

std::string BackendChannel::streamKey() const
{
    const std::lock_guard lock(mutex_);
    return streamKey_;
}

void BackendChannel::onReconnected()
{
    std::function<void()> handler;
    {
        const std::lock_guard lock(mutex_);
        if (streamState_ == BackendStreamState::announced || streamState_ == BackendStreamState::confirmed) {
            const json payload{{"userId", userId_}, {"streamKey", streamKey_}};
            if (core::Status sent = client_->emitEvent("start-stream", json::array({payload})); !sent) {
                qCWarning(lcChat) << "backend channel: could not announce the stream again:"
                                  << sent.error().describe().c_str();
            } else {
                markAnnounced(); // confirmed again by stream-started
                qCInfo(lcChat) << "backend channel: stream" << streamKey_.c_str() << "announced again after reconnect";
            }
        }
        for (const auto& [streamKey, userId] : watched_) {
            const json payload{{"streamKey", streamKey}, {"userId", userId}};
            (void)client_->emitEvent("join-stream", json::array({payload}));
        }
        handler = handlers_.onReconnected;
    }
    if (handler) {
        handler();
    }
}

void BackendChannel::onEvent(const SocketIoEvent& event)
{
    const json* payload = payloadObject(event);
    const std::string& name = event.name;
    std::function<void()> deliver;
    {
        const std::lock_guard lock(mutex_);
        const BackendChannelHandlers& handlers = handlers_;
        if (name == "stream-started") {
            const std::optional<std::string> key = payload ? stringField(*payload, "streamKey") : std::nullopt;
            if (!key) {
                ignoreMalformed(event, "no streamKey");
                return;
            }
            if (*key != streamKey_ || streamState_ != BackendStreamState::announced) {
                qCInfo(lcChat) << "backend channel: stream-started for" << key->c_str() << "while our stream"
                               << streamKey_.c_str() << "is" << toString(streamState_).data();
                return;
            }
            streamState_ = BackendStreamState::confirmed;
            // The stream is set up: what waited for the setup may go with the next chunk.
            nextChunkAt_ = std::min(nextChunkAt_, std::chrono::steady_clock::now());
            if (auto handler = handlers.onStreamStarted) {
                deliver = [handler, key = *key] { handler(key); };
            }
        } else if (name == "stream-error") {
            const std::optional<std::string> message = payload ? stringField(*payload, "error") : std::nullopt;
            if (!message) {
                ignoreMalformed(event, "no error text");
                return;
            }
            if (streamState_ == BackendStreamState::ended || endSent_) {
                // The seed backend kills its encoder on end-stream and reports the kill, before or
                // after its stream-ended.
                qCInfo(lcChat) << "backend channel: stream-error after end-stream (part of the backend's end):"
                               << message->c_str();
                return;
            }
            if (streamState_ == BackendStreamState::announced || streamState_ == BackendStreamState::confirmed) {
                streamState_ = BackendStreamState::failed;
            }
            qCWarning(lcChat) << "backend channel: stream-error:" << message->c_str();
            if (auto handler = handlers.onStreamError) {
                deliver = [handler, why = core::Error{ChatErrc::streamRejected, *message}] { handler(why); };
            }
        } else if (name == "stream-ended") {
            const std::optional<std::string> key = payload ? stringField(*payload, "streamKey") : std::nullopt;
            if (!key) {
                ignoreMalformed(event, "no streamKey");
                return;
            }
            if (*key == streamKey_) {
                if (endReported_) {
                    qCDebug(lcChat) << "backend channel: stream-ended repeated for" << key->c_str();
                    return;
                }
                endReported_ = true;
                if (streamState_ != BackendStreamState::failed) {
                    streamState_ = BackendStreamState::ended;
                }
            } else if (watched_.empty()) {
                qCInfo(lcChat) << "backend channel: stream-ended for another stream" << key->c_str();
                return;
            }
            if (auto handler = handlers.onStreamEnded) {
                deliver = [handler, key = *key] { handler(key); };
            }
        } else if (name == "viewer-joined" || name == "viewer-left" || name == "viewer-count" ||
                   name == "stream-joined") {
            const std::optional<std::string> key = payload ? stringField(*payload, "streamKey") : std::nullopt;
            const std::optional<std::int64_t> count = payload ? countField(*payload, "viewerCount") : std::nullopt;
            if (!key || !count) {
                ignoreMalformed(event, "needs streamKey and a viewerCount ≥ 0");
                return;
            }
            if (auto handler = handlers.onViewerCount) {
                deliver = [handler, key = *key, count = *count] { handler(key, count); };
            }
        } else if (name == "stream-segments-updated") {
            const std::optional<std::string> key = payload ? stringField(*payload, "streamKey") : std::nullopt;
            const std::optional<std::int64_t> count = payload ? countField(*payload, "segmentCount") : std::nullopt;
            if (!key || !count) {
                ignoreMalformed(event, "needs streamKey and a segmentCount ≥ 0");
                return;
            }
            if (auto handler = handlers.onSegmentsUpdated) {
                deliver = [handler, key = *key, count = *count] { handler(key, count); };
            }
        } else if (name == "channel-message") {
            const std::optional<std::string> channel = payload ? stringField(*payload, "channel") : std::nullopt;
            const std::optional<std::string> content = payload ? stringField(*payload, "content") : std::nullopt;
            if (!channel || !content) {
                ignoreMalformed(event, "needs channel and content");
                return;
            }
            ChannelMessage message{*channel, *content, stringField(*payload, "sender").value_or("")};
            if (auto handler = handlers.onChannelMessage) {
                deliver = [handler, message = std::move(message)] { handler(message); };
            }
        } else if (name == "channel-join") {
            const std::optional<std::string> channel = payload ? stringField(*payload, "channel") : std::nullopt;
            if (!channel) {
                ignoreMalformed(event, "needs channel");
                return;
            }
            const std::string nickname = stringField(*payload, "nickname").value_or("");
            if (auto handler = handlers.onChannelJoin) {
                deliver = [handler, channel = *channel, nickname] { handler(channel, nickname); };
            }
        } else if (name == "streaming-url" || name == "playback-url") {
            qCInfo(lcChat)
                << "backend channel:" << name.c_str()
                << event.arguments.dump(-1, ' ', true, json::error_handler_t::replace).substr(0, 200).c_str();
            return;
        } else {
            qCInfo(lcChat) << "backend channel: ignored unknown event" << name.c_str();
            return;
        }
    }
    if (deliver) {
        deliver();
    }
}

} // namespace hoststudio::chat
