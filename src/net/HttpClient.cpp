// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/net/HttpClient.hpp"

#include "ErrorMapping.hpp"
#include "HttpWire.hpp"
#include "NetworkThreadAccess.hpp"
#include "TlsContextImpl.hpp"
#include "hoststudio/net/NetError.hpp"
#include "hoststudio/net/NetworkThread.hpp"
#include "hoststudio/net/Url.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <deque>
#include <future>
#include <map>
#include <optional>
#include <set>
#include <utility>

namespace hoststudio::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using detail::NetStage;

namespace {

using Strand = asio::strand<asio::io_context::executor_type>;

std::string originOf(const Url& url)
{
    return url.scheme() + "://" + url.host() + ":" + std::to_string(url.port());
}

// One kept-alive TCP (or TLS over TCP) connection to one origin.
struct Connection {
    std::string origin;
    std::optional<beast::tcp_stream> plain;
    std::optional<beast::ssl_stream<beast::tcp_stream>> secure;
    beast::flat_buffer buffer;
    Clock::time_point idleSince{};

    beast::tcp_stream& lowest() { return secure ? secure->next_layer() : *plain; }

    void close()
    {
        beast::error_code ignored;
        lowest().socket().shutdown(tcp::socket::shutdown_both, ignored);
        lowest().close();
    }

    // An idle connection the server has closed (or written to, like a TLS close_notify) reads as
    // readable; a live idle one would block.
    bool looksAlive()
    {
        if (!lowest().socket().is_open() || buffer.size() != 0) {
            return false;
        }
        char probe = 0;
        const ssize_t received = ::recv(lowest().socket().native_handle(), &probe, 1, MSG_PEEK | MSG_DONTWAIT);
        return received < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
    }
};

} // namespace

class HttpClient::Impl : public std::enable_shared_from_this<HttpClient::Impl> {
public:
    class Operation;

    Impl(NetworkThread& thread, HttpClientSettings clientSettings, std::shared_ptr<TlsContext> tlsContext)
        : networkThread(thread), strand(asio::make_strand(detail::NetworkThreadAccess::ioContext(thread))),
          settings(std::move(clientSettings)), tls(std::move(tlsContext))
    {
        if (settings.userAgent.empty()) {
            settings.userAgent = detail::defaultUserAgent();
        }
    }

    std::unique_ptr<Connection> takeIdle(const std::string& origin)
    {
        const auto found = idle.find(origin);
        if (found == idle.end()) {
            return nullptr;
        }
        auto& connections = found->second;
        std::unique_ptr<Connection> usable;
        while (!connections.empty() && !usable) {
            std::unique_ptr<Connection> candidate = std::move(connections.back()); // most recent first
            connections.pop_back();
            if (Clock::now() - candidate->idleSince < settings.idleConnectionLifetime && candidate->looksAlive()) {
                usable = std::move(candidate);
            } else {
                candidate->close();
            }
        }
        if (connections.empty()) {
            idle.erase(found);
        }
        return usable;
    }

    void putIdle(std::unique_ptr<Connection> connection)
    {
        if (closed || settings.maxIdleConnectionsPerOrigin == 0) {
            connection->close();
            return;
        }
        connection->idleSince = Clock::now();
        auto& connections = idle[connection->origin];
        connections.push_back(std::move(connection));
        while (connections.size() > settings.maxIdleConnectionsPerOrigin) {
            connections.front()->close();
            connections.pop_front();
        }
    }

    void closeIdle()
    {
        for (auto& [origin, connections] : idle) {
            for (auto& connection : connections) {
                connection->close();
            }
        }
        idle.clear();
    }

    void cancelAllOnStrand();

    NetworkThread& networkThread;
    Strand strand;
    HttpClientSettings settings;
    std::shared_ptr<TlsContext> tls;
    NetworkThread::StopHandlerId stopHandlerId = 0;

    // Only touched on the strand:
    std::map<std::string, std::deque<std::unique_ptr<Connection>>> idle;
    std::set<std::shared_ptr<Operation>> active;
    bool closed = false; // the client was destroyed: keep nothing idle
};

// One request, from the pool or a fresh connection to the callback. Lives on the client's strand.
class HttpClient::Impl::Operation : public std::enable_shared_from_this<HttpClient::Impl::Operation> {
public:
    Operation(std::shared_ptr<Impl> client, HttpRequest request, Url url, Callback callback)
        : client_(std::move(client)), request_(std::move(request)), url_(std::move(url)), safeUrl_(url_.toString()),
          callback_(std::move(callback)), deadline_(Clock::now() + request_.timeout), resolver_(client_->strand),
          deadlineTimer_(client_->strand)
    {}

    void start()
    {
        wire_ = detail::buildHttpRequest(request_, url_, client_->settings.userAgent);
        deadlineTimer_.expires_at(deadline_);
        deadlineTimer_.async_wait([self = shared_from_this()](beast::error_code error) {
            if (!error) {
                self->onDeadline();
            }
        });
        connection_ = client_->takeIdle(originOf(url_));
        if (connection_) {
            reused_ = true;
            send();
        } else {
            resolve();
        }
    }

    void cancel() { finish(core::Error{NetErrc::cancelled, "request cancelled (" + safeUrl_ + ")"}); }

private:
    void onDeadline()
    {
        if (finished_) {
            return;
        }
        finish(detail::mapNetError(beast::error::timeout, stage_, safeUrl_));
    }

    void resolve()
    {
        reused_ = false;
        stage_ = NetStage::resolve;
        resolver_.async_resolve(url_.host(), std::to_string(url_.port()),
                                beast::bind_front_handler(&Operation::onResolved, shared_from_this()));
    }

    void onResolved(beast::error_code error, const tcp::resolver::results_type& endpoints)
    {
        if (finished_) {
            return;
        }
        if (error) {
            fail(error);
            return;
        }
        connection_ = std::make_unique<Connection>();
        connection_->origin = originOf(url_);
        if (url_.isSecure()) {
            connection_->secure.emplace(client_->strand, client_->tls->context);
            const core::Status prepared = detail::prepareTlsClient(connection_->secure->native_handle(), url_.host());
            if (!prepared) {
                finish(prepared.error().withContext(safeUrl_));
                return;
            }
        } else {
            connection_->plain.emplace(client_->strand);
        }
        stage_ = NetStage::connect;
        connection_->lowest().expires_at(std::min(deadline_, Clock::now() + client_->settings.connectTimeout));
        connection_->lowest().async_connect(endpoints,
                                            beast::bind_front_handler(&Operation::onConnected, shared_from_this()));
    }

    void onConnected(beast::error_code error, const tcp::endpoint& /*endpoint*/)
    {
        if (finished_) {
            return;
        }
        if (error) {
            fail(error);
            return;
        }
        if (!connection_->secure) {
            send();
            return;
        }
        stage_ = NetStage::tlsHandshake;
        connection_->lowest().expires_at(std::min(deadline_, Clock::now() + client_->settings.connectTimeout));
        connection_->secure->async_handshake(asio::ssl::stream_base::client,
                                             beast::bind_front_handler(&Operation::onHandshake, shared_from_this()));
    }

    void onHandshake(beast::error_code error)
    {
        if (finished_) {
            return;
        }
        if (error) {
            fail(error);
            return;
        }
        send();
    }

    template <typename Function> void withStream(Function&& function)
    {
        if (connection_->secure) {
            function(*connection_->secure);
        } else {
            function(*connection_->plain);
        }
    }

    void send()
    {
        stage_ = NetStage::write;
        connection_->lowest().expires_at(deadline_);
        withStream([this](auto& stream) {
            http::async_write(stream, wire_, beast::bind_front_handler(&Operation::onWritten, shared_from_this()));
        });
    }

    void onWritten(beast::error_code error, std::size_t /*bytes*/)
    {
        if (finished_) {
            return;
        }
        if (error) {
            fail(error);
            return;
        }
        stage_ = NetStage::read;
        parser_.emplace();
        detail::configureResponseParser(*parser_, request_.method, client_->settings.maxResponseBytes);
        withStream([this](auto& stream) {
            http::async_read_header(stream, connection_->buffer, *parser_,
                                    beast::bind_front_handler(&Operation::onHeader, shared_from_this()));
        });
    }

    void onHeader(beast::error_code error, std::size_t /*bytes*/)
    {
        if (finished_) {
            return;
        }
        if (!error) {
            error = detail::checkDeclaredLength(*parser_, client_->settings.maxResponseBytes);
        }
        if (error) {
            fail(error);
            return;
        }
        withStream([this](auto& stream) {
            http::async_read(stream, connection_->buffer, *parser_,
                             beast::bind_front_handler(&Operation::onRead, shared_from_this()));
        });
    }

    void onRead(beast::error_code error, std::size_t /*bytes*/)
    {
        if (finished_) {
            return;
        }
        if (error) {
            fail(error);
            return;
        }
        http::response<http::string_body> response = parser_->release();
        parser_.reset();
        if (response.keep_alive()) {
            connection_->lowest().expires_never();
            client_->putIdle(std::move(connection_));
        }
        qCDebug(lcNet) << httpMethodName(request_.method) << safeUrl_.c_str() << "→" << response.result_int()
                       << (reused_ ? "(reused connection)" : "");
        finish(detail::toHttpResponse(std::move(response)));
    }

    void fail(beast::error_code error)
    {
        const bool nothingReceived =
            stage_ == NetStage::write || (stage_ == NetStage::read && parser_ && !parser_->got_some());
        if (reused_ && !retried_ && nothingReceived && isIdempotent(request_.method) &&
            detail::isStaleConnectionError(error)) {
            qCDebug(lcNet) << "a kept-alive connection to" << safeUrl_.c_str()
                           << "was closed by the server; retrying on a new one";
            retried_ = true;
            connection_->close();
            connection_.reset();
            parser_.reset();
            resolve();
            return;
        }
        long verifyResult = X509_V_OK;
        if (stage_ == NetStage::tlsHandshake && connection_ && connection_->secure) {
            verifyResult = SSL_get_verify_result(connection_->secure->native_handle());
        }
        finish(detail::mapNetError(error, stage_, safeUrl_, verifyResult));
    }

    void finish(core::Result<HttpResponse> result)
    {
        if (finished_) {
            return;
        }
        finished_ = true;
        deadlineTimer_.cancel();
        resolver_.cancel();
        if (connection_) {
            connection_->close();
        }
        if (!result.ok()) {
            qCDebug(lcNet) << httpMethodName(request_.method) << "failed:" << result.error().describe().c_str();
        }
        auto self = shared_from_this();
        client_->active.erase(self);
        Callback callback = std::move(callback_);
        callback_ = nullptr;
        if (callback) {
            callback(std::move(result));
        }
    }

    std::shared_ptr<Impl> client_;
    HttpRequest request_;
    Url url_;
    std::string safeUrl_;
    Callback callback_;
    Clock::time_point deadline_;
    tcp::resolver resolver_;
    asio::steady_timer deadlineTimer_;
    std::unique_ptr<Connection> connection_;
    http::request<http::string_body> wire_;
    std::optional<http::response_parser<http::string_body>> parser_;
    NetStage stage_ = NetStage::resolve;
    bool reused_ = false;
    bool retried_ = false;
    bool finished_ = false;
};

void HttpClient::Impl::cancelAllOnStrand()
{
    const std::set<std::shared_ptr<Operation>> operations = active;
    for (const auto& operation : operations) {
        operation->cancel();
    }
    closeIdle();
}

core::Result<std::unique_ptr<HttpClient>> HttpClient::create(NetworkThread& thread, HttpClientSettings settings)
{
    core::Result<std::shared_ptr<TlsContext>> tls = TlsContextFactory::create(settings.tls);
    if (!tls) {
        return tls.error();
    }
    auto impl = std::make_shared<Impl>(thread, std::move(settings), std::move(tls).value());
    impl->stopHandlerId = thread.addStopHandler([weak = std::weak_ptr<Impl>(impl)] {
        if (auto locked = weak.lock()) {
            asio::dispatch(locked->strand, [locked] { locked->cancelAllOnStrand(); });
        }
    });
    return std::unique_ptr<HttpClient>(new HttpClient(std::move(impl)));
}

HttpClient::HttpClient(std::shared_ptr<Impl> impl) : impl_(std::move(impl))
{}

HttpClient::~HttpClient()
{
    impl_->networkThread.removeStopHandler(impl_->stopHandlerId);
    // The last reference may go on the network thread, where the sockets live.
    const Strand strand = impl_->strand;
    asio::post(strand, [impl = std::move(impl_)] {
        impl->closed = true;
        impl->cancelAllOnStrand();
    });
}

const HttpClientSettings& HttpClient::settings() const noexcept
{
    return impl_->settings;
}

void HttpClient::request(HttpRequest request, Callback callback)
{
    asio::post(impl_->strand, [impl = impl_, request = std::move(request), callback = std::move(callback)]() mutable {
        core::Result<Url> url = Url::parse(request.url);
        if (!url) {
            callback(url.error());
            return;
        }
        if (url->scheme() != "http" && url->scheme() != "https") {
            callback(
                core::Error{NetErrc::unsupportedScheme, "HTTP needs http:// or https:// (" + url->toString() + ")"});
            return;
        }
        if (const core::Status headersValid = detail::validateHeaders(request.headers); !headersValid) {
            callback(headersValid.error());
            return;
        }
        if (impl->closed) {
            callback(core::Error{NetErrc::cancelled, "the HTTP client is gone (" + url->toString() + ")"});
            return;
        }
        auto operation =
            std::make_shared<Impl::Operation>(impl, std::move(request), std::move(url).value(), std::move(callback));
        impl->active.insert(operation);
        operation->start();
    });
}

core::Result<HttpResponse> HttpClient::requestBlocking(HttpRequest request)
{
    if (impl_->networkThread.isCurrentThread()) {
        return core::Error{NetErrc::wrongThread, "requestBlocking() on the network thread would never return"};
    }
    if (!impl_->networkThread.isRunning()) {
        return core::Error{NetErrc::cancelled, "the network thread is stopped"};
    }
    auto promise = std::make_shared<std::promise<core::Result<HttpResponse>>>();
    std::future<core::Result<HttpResponse>> future = promise->get_future();
    const auto timeout = request.timeout;
    this->request(std::move(request),
                  [promise](core::Result<HttpResponse> result) { promise->set_value(std::move(result)); });
    // The request has its own deadline; this only guards against a stopped network thread.
    if (future.wait_for(timeout + std::chrono::seconds{5}) != std::future_status::ready) {
        return core::Error{NetErrc::timedOut, "no answer from the network thread"};
    }
    return future.get();
}

void HttpClient::cancelAll()
{
    asio::post(impl_->strand, [impl = impl_] { impl->cancelAllOnStrand(); });
}

} // namespace hoststudio::net
