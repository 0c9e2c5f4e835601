// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/cloud/BackendClient.hpp"

#include "hoststudio/cloud/CloudError.hpp"
#include "hoststudio/net/HttpClient.hpp"
#include "hoststudio/net/NetworkThread.hpp"
#include "hoststudio/net/Url.hpp"

#include <nlohmann/json.hpp>

#include <utility>

namespace hoststudio::cloud {

using nlohmann::json;

namespace {

template <typename T> using Parser = core::Result<T> (*)(const json&);

// Trailing slashes go: paths are appended with their own.
std::string normalisedBase(std::string url)
{
    while (!url.empty() && url.back() == '/') {
        url.pop_back();
    }
    return url;
}

std::int64_t systemNowMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// The whole answer of one operation: transport, HTTP status, JSON, shape.
// "server error (start stream x on the backend: HTTP 500: …)": the log line names the category already.
void logFailure(const core::Error& error)
{
    qCWarning(lcCloud).noquote() << QString::fromStdString(error.code().message() + " (" + error.detail() + ")");
}

template <typename T>
core::Result<T> finish(const core::Result<net::HttpResponse>& response, const std::string& baseUrl,
                       const std::string& operation, Parser<T> parse)
{
    if (!response.ok()) {
        core::Error error = backendTransportError(response.error(), baseUrl, operation);
        logFailure(error);
        return error;
    }
    core::Result<json> body = interpretBackendResponse(response->status, response->body, operation);
    if (!body.ok()) {
        logFailure(body.error());
        return body.error();
    }
    core::Result<T> parsed = parse(*body);
    if (!parsed.ok()) {
        core::Error error = parsed.error().withContext(operation);
        logFailure(error);
        return error;
    }
    qCDebug(lcCloud).noquote() << QString::fromStdString(operation) << "done";
    return parsed;
}

} // namespace

std::string BackendClientSettings::validationError() const
{
    if (baseUrl.empty()) {
        return "no backend URL: set backend/url (for example http://127.0.0.1:3001) or pick another ingest";
    }
    core::Result<net::Url> url = net::Url::parse(baseUrl);
    if (!url.ok()) {
        return "backend/url " + baseUrl + " is not a URL (" + url.error().detail() + ")";
    }
    if (url->scheme() != "http" && url->scheme() != "https") {
        return "backend/url " + baseUrl + " must start with http:// or https://";
    }
    if (!url->query().empty()) {
        return "backend/url " + baseUrl + " must not have a query (?…): give the backend's base URL";
    }
    if (!url->userInfo().empty()) {
        return "backend/url must not carry a user name or password: the backend has no authentication";
    }
    if (requestTimeout.count() <= 0 || connectTimeout.count() <= 0) {
        return "the backend's request and connect timeouts must be positive";
    }
    return {};
}

struct BackendClient::State {
    net::NetworkThread* thread = nullptr;
    BackendClientSettings settings;
    std::string baseUrl;
    std::unique_ptr<net::HttpClient> http;

    [[nodiscard]] std::int64_t now() const { return settings.nowMs ? settings.nowMs() : systemNowMs(); }

    [[nodiscard]] net::HttpRequest get(const std::string& path) const
    {
        return net::HttpRequest::make(net::HttpMethod::get, baseUrl + path)
            .withHeader("Accept", "application/json")
            .withTimeout(settings.requestTimeout);
    }

    [[nodiscard]] net::HttpRequest post(const std::string& path, const json& body) const
    {
        return net::HttpRequest::make(net::HttpMethod::post, baseUrl + path)
            .withHeader("Accept", "application/json")
            .withJsonBody(body)
            .withTimeout(settings.requestTimeout);
    }

    // A request built from parts that may be invalid (an empty id, a malformed user id).
    struct Prepared {
        std::string operation;
        core::Result<net::HttpRequest> request;
    };

    [[nodiscard]] Prepared prepareHealth() const { return {"backend health", get("/livestream/health")}; }
    [[nodiscard]] Prepared prepareActive() const
    {
        return {"list the backend's active streams", get("/livestream/active")};
    }

    [[nodiscard]] Prepared prepareGet(const std::string& streamId, const char* action, const char* verb) const
    {
        std::string operation = std::string(verb) + " " + streamId;
        core::Result<std::string> path = backendStreamPath(streamId, action);
        if (!path.ok()) {
            return {operation, path.error().withContext(operation)};
        }
        return {operation, get(*path)};
    }

    [[nodiscard]] Prepared prepareStart(const std::string& streamId, const BackendStartRequest& request) const
    {
        std::string operation = "start stream " + streamId + " on the backend";
        core::Result<std::string> path = backendStreamPath(streamId, "start");
        if (!path.ok()) {
            return {operation, path.error().withContext(operation)};
        }
        core::Result<json> body = makeStartBody(request, now());
        if (!body.ok()) {
            return {operation, body.error().withContext(operation)};
        }
        return {operation, post(*path, *body)};
    }

    [[nodiscard]] Prepared prepareStop(const std::string& streamId, const std::string& userId) const
    {
        std::string operation = "stop stream " + streamId + " on the backend";
        core::Result<std::string> path = backendStreamPath(streamId, "stop");
        if (!path.ok()) {
            return {operation, path.error().withContext(operation)};
        }
        core::Result<json> body = makeStopBody(userId, now());
        if (!body.ok()) {
            return {operation, body.error().withContext(operation)};
        }
        return {operation, post(*path, *body)};
    }

    template <typename T> void send(Prepared prepared, Parser<T> parse, Callback<T> done)
    {
        if (!prepared.request.ok()) {
            // Fail the way a request would: on the network thread, once.
            thread->post([done = std::move(done), error = prepared.request.error()] { done(error); });
            return;
        }
        http->request(std::move(prepared.request).value(),
                      [done = std::move(done), baseUrl = baseUrl, operation = std::move(prepared.operation),
                       parse](const core::Result<net::HttpResponse>& response) {
                          done(finish<T>(response, baseUrl, operation, parse));
                      });
    }

    template <typename T> core::Result<T> sendBlocking(Prepared prepared, Parser<T> parse)
    {
        if (!prepared.request.ok()) {
            return prepared.request.error();
        }
        const core::Result<net::HttpResponse> response = http->requestBlocking(std::move(prepared.request).value());
        return finish<T>(response, baseUrl, prepared.operation, parse);
    }
};

core::Result<std::unique_ptr<BackendClient>> BackendClient::create(net::NetworkThread& thread,
                                                                   BackendClientSettings settings)
{
    if (std::string problem = settings.validationError(); !problem.empty()) {
        return core::Error{CloudErrc::notConfigured, problem};
    }
    net::HttpClientSettings httpSettings = net::HttpClientSettings::defaults();
    httpSettings.tls = settings.tls;
    httpSettings.connectTimeout = settings.connectTimeout;
    httpSettings.maxResponseBytes = std::size_t{4} * 1024 * 1024;
    core::Result<std::unique_ptr<net::HttpClient>> http = net::HttpClient::create(thread, httpSettings);
    if (!http.ok()) {
        return http.error().withContext("backend client");
    }
    auto state = std::make_shared<State>();
    state->thread = &thread;
    state->baseUrl = normalisedBase(settings.baseUrl);
    state->settings = std::move(settings);
    state->http = std::move(http).value();
    return std::unique_ptr<BackendClient>(new BackendClient(std::move(state)));
}

BackendClient::BackendClient(std::shared_ptr<State> state) : state_(std::move(state))
{}

BackendClient::~BackendClient() = default;

void BackendClient::health(Callback<BackendHealth> done)
{
    state_->send<BackendHealth>(state_->prepareHealth(), &parseBackendHealth, std::move(done));
}

void BackendClient::start(const std::string& streamId, const BackendStartRequest& request,
                          Callback<BackendStartResult> done)
{
    state_->send<BackendStartResult>(state_->prepareStart(streamId, request), &parseBackendStart, std::move(done));
}

void BackendClient::stop(const std::string& streamId, const std::string& userId, Callback<BackendStopResult> done)
{
    state_->send<BackendStopResult>(state_->prepareStop(streamId, userId), &parseBackendStop, std::move(done));
}

void BackendClient::playback(const std::string& streamId, Callback<BackendPlayback> done)
{
    state_->send<BackendPlayback>(state_->prepareGet(streamId, "playback", "playback URLs of stream"),
                                  &parseBackendPlayback, std::move(done));
}

void BackendClient::status(const std::string& streamId, Callback<BackendStreamStatus> done)
{
    state_->send<BackendStreamStatus>(state_->prepareGet(streamId, "status", "status of stream"), &parseBackendStatus,
                                      std::move(done));
}

void BackendClient::active(Callback<BackendActiveList> done)
{
    state_->send<BackendActiveList>(state_->prepareActive(), &parseBackendActive, std::move(done));
}

core::Result<BackendHealth> BackendClient::healthBlocking()
{
    return state_->sendBlocking<BackendHealth>(state_->prepareHealth(), &parseBackendHealth);
}

core::Result<BackendStartResult> BackendClient::startBlocking(const std::string& streamId,
                                                              const BackendStartRequest& request)
{
    return state_->sendBlocking<BackendStartResult>(state_->prepareStart(streamId, request), &parseBackendStart);
}

core::Result<BackendStopResult> BackendClient::stopBlocking(const std::string& streamId, const std::string& userId)
{
    return state_->sendBlocking<BackendStopResult>(state_->prepareStop(streamId, userId), &parseBackendStop);
}

core::Result<BackendPlayback> BackendClient::playbackBlocking(const std::string& streamId)
{
    return state_->sendBlocking<BackendPlayback>(state_->prepareGet(streamId, "playback", "playback URLs of stream"),
                                                 &parseBackendPlayback);
}

core::Result<BackendStreamStatus> BackendClient::statusBlocking(const std::string& streamId)
{
    return state_->sendBlocking<BackendStreamStatus>(state_->prepareGet(streamId, "status", "status of stream"),
                                                     &parseBackendStatus);
}

core::Result<BackendActiveList> BackendClient::activeBlocking()
{
    return state_->sendBlocking<BackendActiveList>(state_->prepareActive(), &parseBackendActive);
}

void BackendClient::cancel()
{
    state_->http->cancelAll();
}

const std::string& BackendClient::baseUrl() const noexcept
{
    return state_->baseUrl;
}

} // namespace hoststudio::cloud
