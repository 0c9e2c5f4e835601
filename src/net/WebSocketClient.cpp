// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/net/WebSocketClient.hpp"

#include "NetworkThreadAccess.hpp"
#include "TlsContextImpl.hpp"
#include "WebSocketSessionBase.hpp"
#include "hoststudio/net/NetError.hpp"
#include "hoststudio/net/NetworkThread.hpp"
#include "hoststudio/net/Url.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>

#include <mutex>
#include <utility>

namespace hoststudio::net {

class WebSocketClient::Impl {
public:
    Impl(NetworkThread& thread, WebSocketSettings clientSettings, std::shared_ptr<TlsContext> tlsContext)
        : networkThread(thread), settings(std::move(clientSettings)), tls(std::move(tlsContext))
    {}

    [[nodiscard]] std::shared_ptr<Session> currentSession() const
    {
        const std::lock_guard lock(mutex);
        return session;
    }

    NetworkThread& networkThread;
    const WebSocketSettings settings;
    const std::shared_ptr<TlsContext> tls;

    mutable std::mutex mutex;
    std::shared_ptr<Session> session;               // guarded by mutex; set once by connect()
    NetworkThread::StopHandlerId stopHandlerId = 0; // guarded by mutex
};

core::Result<std::unique_ptr<WebSocketClient>> WebSocketClient::create(NetworkThread& thread,
                                                                       WebSocketSettings settings)
{
    core::Result<std::shared_ptr<TlsContext>> tls = TlsContextFactory::create(settings.tls);
    if (!tls) {
        return tls.error();
    }
    return std::unique_ptr<WebSocketClient>(
        new WebSocketClient(std::make_unique<Impl>(thread, std::move(settings), std::move(tls).value())));
}

WebSocketClient::WebSocketClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl))
{}

WebSocketClient::~WebSocketClient()
{
    std::shared_ptr<Session> session;
    {
        const std::lock_guard lock(impl_->mutex);
        session = std::move(impl_->session);
        if (impl_->stopHandlerId != 0) {
            impl_->networkThread.removeStopHandler(impl_->stopHandlerId);
        }
    }
    if (session) {
        session->clearHandlers(); // waits for a handler running on the network thread
        asio::post(session->strand, [session] { session->abort(); });
    }
}

void WebSocketClient::connect(std::string url, WebSocketHandlers handlers)
{
    std::shared_ptr<Session> session;
    {
        const std::lock_guard lock(impl_->mutex);
        if (impl_->session) {
            asio::post(impl_->session->strand, [onConnected = std::move(handlers.onConnected)] {
                if (onConnected) {
                    onConnected(core::Error{NetErrc::notConnected, "connect() was already called on this client"});
                }
            });
            return;
        }
        asio::io_context& ioContext = detail::NetworkThreadAccess::ioContext(impl_->networkThread);
        const core::Result<Url> parsed = Url::parse(url);
        const bool secure = parsed && parsed->scheme() == "wss";
        session = secure ? detail::makeSecureWebSocketSession(ioContext, impl_->settings, impl_->tls)
                         : detail::makePlainWebSocketSession(ioContext, impl_->settings, impl_->tls);
        impl_->session = session;
        impl_->stopHandlerId = impl_->networkThread.addStopHandler([weak = std::weak_ptr<Session>(session)] {
            if (auto locked = weak.lock()) {
                asio::dispatch(locked->strand, [locked] { locked->abort(); });
            }
        });
    }
    session->setHandlers(std::move(handlers));
    session->state.store(WebSocketState::connecting);
    asio::post(session->strand, [session, url = std::move(url)] { session->start(url); });
}

core::Status WebSocketClient::send(std::string data, WebSocketMessageType type)
{
    const std::shared_ptr<Session> session = impl_->currentSession();
    if (!session || session->state.load() != WebSocketState::open) {
        return core::Error{NetErrc::notConnected, "the WebSocket is not open"};
    }
    core::Result<bool> queued =
        session->queue.push(detail::SendQueue::Item{std::move(data), type == WebSocketMessageType::text});
    if (!queued) {
        return queued.error();
    }
    if (queued.value()) {
        asio::post(session->strand, [session] { session->startWrite(); });
    }
    return {};
}

void WebSocketClient::close()
{
    if (const std::shared_ptr<Session> session = impl_->currentSession()) {
        asio::post(session->strand, [session] { session->beginClose(); });
    }
}

WebSocketState WebSocketClient::state() const noexcept
{
    const std::shared_ptr<Session> session = impl_->currentSession();
    return session ? session->state.load() : WebSocketState::idle;
}

std::size_t WebSocketClient::queuedOutgoingBytes() const noexcept
{
    const std::shared_ptr<Session> session = impl_->currentSession();
    return session ? session->queue.queuedBytes() : 0;
}

} // namespace hoststudio::net
