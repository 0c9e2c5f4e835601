// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/cloud/CloudinaryClient.hpp"

#include "TimerThread.hpp"
#include "hoststudio/cloud/CloudError.hpp"
#include "hoststudio/net/HttpClient.hpp"
#include "hoststudio/net/NetError.hpp"
#include "hoststudio/net/NetworkThread.hpp"
#include "hoststudio/net/Url.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <future>
#include <mutex>
#include <utility>

namespace hoststudio::cloud {

using nlohmann::json;

namespace {

bool isIdToken(std::string_view text)
{
    return !text.empty() && text.size() <= 128 && std::all_of(text.begin(), text.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    });
}

std::string seconds(std::chrono::milliseconds duration)
{
    const auto whole = (duration.count() + 999) / 1000;
    return std::to_string(whole) + " s";
}

// What the host should do about a final error.
std::string adviceFor(CloudErrc code, int attempts, const RetryAdvice& advice)
{
    const std::string tries = attempts > 1 ? " (gave up after " + std::to_string(attempts) + " attempts)" : "";
    switch (code) {
    case CloudErrc::invalidCredentials:
        return "Check the cloud name, API key and API secret (CLOUDINARY_URL=cloudinary://API_KEY:API_SECRET@"
               "CLOUD_NAME) against the Cloudinary console";
    case CloudErrc::forbidden:
        return "This API key may not use Live Streaming: enable it for the product environment in the Cloudinary "
               "console or use a key that has the permission";
    case CloudErrc::streamNotFound:
        return "The live stream does not exist (it may have been deleted): list the streams or create a new one";
    case CloudErrc::rateLimited:
        return advice.waitAtLeast ? "Cloudinary's rate limit was reached" + tries + ": try again in " +
                                        std::to_string(advice.waitAtLeast->count()) + " s"
                                  : "Cloudinary's rate limit was reached" + tries + ": try again in a minute";
    case CloudErrc::serverError: return "Cloudinary had a server problem" + tries + ": try again in a few minutes";
    case CloudErrc::invalidResponse:
        return "The answer could not be used" + tries +
               ": try again, and check that cloudinary/apiBaseUrl names Cloudinary's API";
    case CloudErrc::timedOut:
        return "No answer in time" + tries + ": check the network connection and cloudinary/apiBaseUrl";
    case CloudErrc::unreachable:
        return "Cloudinary's API could not be reached" + tries +
               ": check the network connection and cloudinary/apiBaseUrl";
    case CloudErrc::requestRejected: return "Cloudinary refused the request as sent: check the values given";
    case CloudErrc::cancelled: return "The request was cancelled";
    case CloudErrc::notConfigured:
    case CloudErrc::invalidIngestUrl: break;
    }
    return "Check the Cloudinary settings";
}

struct Failure {
    core::Error error;
    RetryAdvice advice;
    bool maySendAgain = true; // false when the request may have reached the server (for creates)
};

// A transport error of HttpClient as a cloud error.
Failure fromNetError(const core::Error& error)
{
    const std::string detail = error.describe();
    const std::error_code& code = error.code();
    if (code == net::NetErrc::cancelled) {
        return {core::Error{CloudErrc::cancelled, detail}, {}, false};
    }
    if (code == net::NetErrc::timedOut) {
        return {core::Error{CloudErrc::timedOut, detail}, {true, std::nullopt}, false};
    }
    if (code == net::NetErrc::resolveFailed || code == net::NetErrc::connectFailed) {
        return {core::Error{CloudErrc::unreachable, detail}, {true, std::nullopt}, true};
    }
    if (code == net::NetErrc::connectionClosed) {
        return {core::Error{CloudErrc::unreachable, "the connection closed before the whole answer arrived: " + detail},
                {true, std::nullopt},
                false};
    }
    if (code == net::NetErrc::protocolError || code == net::NetErrc::messageTooLarge) {
        return {core::Error{CloudErrc::invalidResponse, detail}, {true, std::nullopt}, false};
    }
    // TLS failures, bad URLs: trying again cannot help.
    return {core::Error{CloudErrc::unreachable, detail}, {}, false};
}

std::vector<HttpHeader> modelHeaders(const net::HttpHeaders& headers)
{
    std::vector<HttpHeader> converted;
    converted.reserve(headers.size());
    for (const net::HttpHeader& header : headers) {
        converted.push_back({header.name, header.value});
    }
    return converted;
}

json streamBody(const StreamOptions& options)
{
    json body = json::object();
    if (options.name) {
        body["name"] = *options.name;
    }
    if (options.idleTimeoutSeconds) {
        body["idle_timeout_sec"] = *options.idleTimeoutSeconds;
    }
    if (options.maxRuntimeSeconds) {
        body["max_runtime_sec"] = *options.maxRuntimeSeconds;
    }
    return body;
}

json outputBody(const OutputOptions& output, bool forCreate)
{
    json body = json::object();
    if (forCreate) {
        body["type"] = output.type;
    }
    const auto put = [&body](const char* key, const std::optional<std::string>& value) {
        if (value) {
            body[key] = *value;
        }
    };
    put("name", output.name);
    put("uri", output.uri);
    put("stream_key", output.streamKey);
    if (forCreate) {
        put("vendor", output.vendor);
        put("public_id", output.publicId);
    }
    return body;
}

core::Result<std::string> parseMessage(const json& data)
{
    if (data.is_object()) {
        if (const auto message = data.find("message"); message != data.end() && message->is_string()) {
            return message->get<std::string>();
        }
    }
    if (data.is_null() || data.is_object()) {
        return std::string();
    }
    return core::Error{CloudErrc::invalidResponse, std::string("data should be an object, got ") + data.type_name()};
}

core::Result<std::vector<LiveStreamOutput>> parseOutputList(const json& data)
{
    if (!data.is_array()) {
        return core::Error{CloudErrc::invalidResponse,
                           std::string("the output list should be a list, got ") + data.type_name()};
    }
    std::vector<LiveStreamOutput> outputs;
    for (const json& entry : data) {
        auto output = parseOutput(entry);
        if (!output) {
            return output.error();
        }
        outputs.push_back(std::move(*output));
    }
    return outputs;
}

} // namespace

std::string CloudinaryClientSettings::validationError() const
{
    auto url = net::Url::parse(apiBaseUrl);
    if (!url) {
        return "cloudinary/apiBaseUrl '" + apiBaseUrl + "' is not a URL: " + url.error().detail();
    }
    if (url->scheme() != "https" && url->scheme() != "http") {
        return "cloudinary/apiBaseUrl must start with https:// (it is " + url->toString() + ")";
    }
    if (url->scheme() == "http" && !url->isLoopback()) {
        return "cloudinary/apiBaseUrl must use https:// for " + url->host() +
               ": the API secret would travel in clear (http:// is only for a local stand-in on 127.0.0.1)";
    }
    if (!url->userInfo().empty() || !url->query().empty()) {
        return "cloudinary/apiBaseUrl must not carry credentials or a query: give only the host, like "
               "https://api.cloudinary.com";
    }
    if (requestTimeout.count() <= 0 || initialBackoff.count() <= 0 || maxBackoff < initialBackoff ||
        maxRateLimitWait.count() < 0) {
        return "the Cloudinary client's timeouts must be positive and maxBackoff at least initialBackoff";
    }
    if (maxAttempts < 1 || maxAttempts > 20) {
        return "the Cloudinary client's maxAttempts must be between 1 and 20";
    }
    return {};
}

struct CloudinaryClient::State {
    net::NetworkThread& thread;
    CloudinaryCredentials credentials;
    CloudinaryClientSettings settings;
    std::string endpoint;
    std::atomic<std::uint64_t> generation{0};

    std::mutex mutex; // guards the two pointers (taken out on destruction)
    std::shared_ptr<net::HttpClient> http;
    std::shared_ptr<detail::TimerThread> timers;

    std::shared_ptr<net::HttpClient> httpClient()
    {
        std::lock_guard lock(mutex);
        return http;
    }
    std::shared_ptr<detail::TimerThread> timerThread()
    {
        std::lock_guard lock(mutex);
        return timers;
    }

    State(net::NetworkThread& networkThread, CloudinaryCredentials creds, CloudinaryClientSettings clientSettings)
        : thread(networkThread), credentials(std::move(creds)), settings(std::move(clientSettings))
    {}
};

namespace {

using RawCallback = std::function<void(core::Result<json>)>;

class Call : public std::enable_shared_from_this<Call> {
public:
    Call(std::shared_ptr<CloudinaryClient::State> state, std::string operation, net::HttpMethod method, std::string url,
         std::optional<json> body, bool repeatAfterSend, RawCallback done)
        : state_(std::move(state)), operation_(std::move(operation)), method_(method), url_(std::move(url)),
          body_(std::move(body)), repeatAfterSend_(repeatAfterSend), done_(std::move(done)),
          generation_(state_->generation.load()), backoff_(state_->settings.initialBackoff)
    {}

    void send()
    {
        if (generation_ != state_->generation.load()) {
            finish(core::Error{CloudErrc::cancelled, operation_ + ": cancelled"});
            return;
        }
        ++attempt_;
        net::HttpRequest request = net::HttpRequest::make(method_, url_);
        request.withTimeout(state_->settings.requestTimeout)
            .withHeader("Accept", "application/json")
            .withHeader("Authorization", state_->credentials.authorizationHeader());
        if (body_) {
            request.withJsonBody(*body_);
        }
        const std::shared_ptr<net::HttpClient> http = state_->httpClient();
        if (!http) {
            finish(core::Error{CloudErrc::cancelled, operation_ + ": the client was closed"});
            return;
        }
        http->request(std::move(request), [self = shared_from_this()](core::Result<net::HttpResponse> response) {
            self->onResponse(std::move(response));
        });
    }

private:
    void onResponse(core::Result<net::HttpResponse> response)
    {
        Failure failure{core::Error{}, {}, true};
        if (!response) {
            failure = fromNetError(response.error());
        } else {
            ApiOutcome outcome =
                interpretApiResponse(response->status, modelHeaders(response->headers), response->body);
            if (outcome.data) {
                finish(std::move(outcome.data));
                return;
            }
            failure.error = outcome.data.error();
            failure.advice = outcome.advice;
        }
        if (failure.error == CloudErrc::cancelled || generation_ != state_->generation.load()) {
            finish(core::Error{CloudErrc::cancelled, operation_ + ": cancelled"});
            return;
        }
        const bool mayRepeat = failure.maySendAgain || repeatAfterSend_;
        if (!failure.advice.retryable || !mayRepeat || attempt_ >= state_->settings.maxAttempts) {
            giveUp(failure);
            return;
        }
        std::chrono::milliseconds wait = backoff_;
        backoff_ = std::min(backoff_ * 2, state_->settings.maxBackoff);
        if (failure.advice.waitAtLeast) {
            const auto asked = std::chrono::duration_cast<std::chrono::milliseconds>(*failure.advice.waitAtLeast);
            if (asked > state_->settings.maxRateLimitWait) {
                qCInfo(lcCloud).noquote() << QString::fromStdString(operation_) << ": the server asks to wait"
                                          << QString::fromStdString(seconds(asked)) << "- not waiting that long";
                giveUp(failure);
                return;
            }
            wait = std::max(wait, asked);
        }
        qCInfo(lcCloud).noquote() << QString::fromStdString(operation_) << ": attempt" << attempt_ << "of"
                                  << state_->settings.maxAttempts << "failed ("
                                  << QString::fromStdString(failure.error.describe()) << "), trying again in"
                                  << wait.count() << "ms";
        if (state_->settings.onRetry) {
            state_->settings.onRetry(RetryNotice{operation_, attempt_, wait, failure.error});
        }
        const std::shared_ptr<detail::TimerThread> timers = state_->timerThread();
        if (!timers) {
            finish(core::Error{CloudErrc::cancelled, operation_ + ": the client was closed"});
            return;
        }
        timers->schedule(wait, [self = shared_from_this()](bool cancelled) {
            if (cancelled) {
                self->finish(core::Error{CloudErrc::cancelled, self->operation_ + ": cancelled"});
            } else {
                self->send();
            }
        });
    }

    void giveUp(const Failure& failure)
    {
        const auto code = static_cast<CloudErrc>(failure.error.code().value());
        std::string detail = operation_ + ": " + failure.error.detail();
        if (failure.error.code().category() == cloudCategory()) {
            detail += ". " + adviceFor(code, attempt_, failure.advice);
            if (code == CloudErrc::timedOut || code == CloudErrc::unreachable || code == CloudErrc::invalidResponse) {
                if (method_ == net::HttpMethod::post && !repeatAfterSend_) {
                    detail += "; the request may have been carried out: list the streams before creating another";
                }
            }
        }
        qCWarning(lcCloud).noquote() << QString::fromStdString(detail);
        finish(core::Error{failure.error.code(), detail});
    }

    void finish(core::Result<json> result)
    {
        if (!done_) {
            return;
        }
        RawCallback done = std::move(done_);
        done_ = nullptr;
        if (state_->thread.isCurrentThread()) {
            done(std::move(result));
        } else {
            state_->thread.post(
                [done = std::move(done), result = std::move(result)]() mutable { done(std::move(result)); });
        }
    }

    std::shared_ptr<CloudinaryClient::State> state_;
    std::string operation_;
    net::HttpMethod method_;
    std::string url_;
    std::optional<json> body_;
    bool repeatAfterSend_;
    RawCallback done_;
    std::uint64_t generation_;
    std::chrono::milliseconds backoff_;
    int attempt_ = 0;
};

template <typename T, typename Parse>
RawCallback typed(std::string operation, Parse parse, CloudinaryClient::Callback<T> done)
{
    return [operation = std::move(operation), parse, done = std::move(done)](core::Result<json> data) {
        if (!data) {
            done(data.error());
            return;
        }
        core::Result<T> value = parse(*data);
        if (!value) {
            const std::string detail =
                operation + ": " + value.error().detail() + ". " + adviceFor(CloudErrc::invalidResponse, 1, {});
            qCWarning(lcCloud).noquote() << QString::fromStdString(detail);
            done(core::Error{value.error().code(), detail});
            return;
        }
        done(std::move(value));
    };
}

template <typename T>
core::Result<T> waitFor(net::NetworkThread& thread, const CloudinaryClientSettings& settings,
                        const std::function<void(CloudinaryClient::Callback<T>)>& start)
{
    if (thread.isCurrentThread()) {
        return core::Error{CloudErrc::cancelled, "a blocking Cloudinary call cannot run on the network thread"};
    }
    auto promise = std::make_shared<std::promise<core::Result<T>>>();
    auto future = promise->get_future();
    start([promise](core::Result<T> result) { promise->set_value(std::move(result)); });
    // Every call ends within maxAttempts × (timeout + back-off); a stopped network thread drops
    // callbacks, so this waits with a bound, too.
    const auto bound =
        (settings.requestTimeout + std::max(settings.maxBackoff, settings.maxRateLimitWait)) * settings.maxAttempts +
        std::chrono::seconds(5);
    if (future.wait_for(bound) != std::future_status::ready) {
        return core::Error{CloudErrc::timedOut, "no result from the network thread (was it stopped?)"};
    }
    return future.get();
}

} // namespace

core::Result<std::unique_ptr<CloudinaryClient>> CloudinaryClient::create(net::NetworkThread& thread,
                                                                         CloudinaryCredentials credentials,
                                                                         CloudinaryClientSettings settings)
{
    if (std::string problem = settings.validationError(); !problem.empty()) {
        return core::Error{CloudErrc::notConfigured, problem};
    }
    if (!isIdToken(credentials.cloudName())) {
        return core::Error{CloudErrc::notConfigured, "the cloud name '" + credentials.cloudName() +
                                                         "' may hold only letters, digits, '-' and '_': copy it "
                                                         "from the Cloudinary console"};
    }
    net::HttpClientSettings httpSettings;
    httpSettings.tls = settings.tls;
    httpSettings.connectTimeout = std::min(settings.requestTimeout, httpSettings.connectTimeout);
    auto http = net::HttpClient::create(thread, httpSettings);
    if (!http) {
        return core::Error{CloudErrc::notConfigured, "TLS settings unusable: " + http.error().describe()};
    }
    std::string base = settings.apiBaseUrl;
    while (!base.empty() && base.back() == '/') {
        base.pop_back();
    }
    auto state = std::make_shared<State>(thread, std::move(credentials), std::move(settings));
    state->endpoint = base + "/v2/video/" + state->credentials.cloudName() + "/live_streams";
    state->http = std::move(http.value());
    state->timers = std::make_unique<detail::TimerThread>();
    qCInfo(lcCloud).noquote() << "Cloudinary client for" << QString::fromStdString(state->credentials.describe())
                              << "at" << QString::fromStdString(state->endpoint);
    return std::unique_ptr<CloudinaryClient>(new CloudinaryClient(std::move(state)));
}

CloudinaryClient::CloudinaryClient(std::shared_ptr<State> state) : state_(std::move(state))
{}

CloudinaryClient::~CloudinaryClient()
{
    state_->generation.fetch_add(1);
    std::shared_ptr<net::HttpClient> http;
    std::shared_ptr<detail::TimerThread> timers;
    {
        std::lock_guard lock(state_->mutex);
        http = std::move(state_->http);
        timers = std::move(state_->timers);
    }
    timers.reset(); // pending retries end as `cancelled`
    http.reset();   // outstanding requests end as `cancelled`
}

void CloudinaryClient::cancel()
{
    state_->generation.fetch_add(1);
    if (const auto timers = state_->timerThread()) {
        timers->cancelAll();
    }
    if (const auto http = state_->httpClient()) {
        http->cancelAll();
    }
}

const std::string& CloudinaryClient::cloudName() const noexcept
{
    return state_->credentials.cloudName();
}
const CloudinaryClientSettings& CloudinaryClient::settings() const noexcept
{
    return state_->settings;
}
const std::string& CloudinaryClient::endpointUrl() const noexcept
{
    return state_->endpoint;
}

namespace {

// Starts one API call; `path` is below …/live_streams.
void startCall(const std::shared_ptr<CloudinaryClient::State>& state, std::string operation, net::HttpMethod method,
               const std::string& path, std::optional<json> body, bool repeatAfterSend, RawCallback done)
{
    auto call = std::make_shared<Call>(state, std::move(operation), method, state->endpoint + path, std::move(body),
                                       repeatAfterSend, std::move(done));
    call->send();
}

template <typename T>
bool rejectBadId(const std::string& id, const char* what, const CloudinaryClient::Callback<T>& done,
                 net::NetworkThread& thread)
{
    if (isIdToken(id)) {
        return false;
    }
    core::Error error{CloudErrc::requestRejected, std::string("'") + id + "' is not a Cloudinary " + what +
                                                      " id (letters, digits, '-' and '_'): copy it from "
                                                      "'hoststudio ingest list'"};
    thread.post([done, error] { done(error); });
    return true;
}

} // namespace

void CloudinaryClient::listStreams(Callback<std::vector<LiveStream>> done)
{
    std::string op = "list live streams";
    startCall(state_, op, net::HttpMethod::get, "", std::nullopt, true,
              typed<std::vector<LiveStream>>(op, parseLiveStreamList, std::move(done)));
}

void CloudinaryClient::createStream(const StreamOptions& options, Callback<LiveStream> done)
{
    json body = streamBody(options);
    body["input"] = {{"type", "rtmp"}};
    std::string op = "create live stream" + (options.name ? " '" + *options.name + "'" : std::string());
    startCall(state_, op, net::HttpMethod::post, "", std::move(body), false,
              typed<LiveStream>(op, parseLiveStream, std::move(done)));
}

void CloudinaryClient::getStream(const std::string& streamId, Callback<LiveStream> done)
{
    if (rejectBadId(streamId, "live stream", done, state_->thread)) {
        return;
    }
    std::string op = "get live stream " + streamId;
    startCall(state_, op, net::HttpMethod::get, "/" + streamId, std::nullopt, true,
              typed<LiveStream>(op, parseLiveStream, std::move(done)));
}

void CloudinaryClient::updateStream(const std::string& streamId, const StreamOptions& changes,
                                    Callback<LiveStream> done)
{
    if (rejectBadId(streamId, "live stream", done, state_->thread)) {
        return;
    }
    std::string op = "update live stream " + streamId;
    startCall(state_, op, net::HttpMethod::patch, "/" + streamId, streamBody(changes), true,
              typed<LiveStream>(op, parseLiveStream, std::move(done)));
}

void CloudinaryClient::deleteStream(const std::string& streamId, Callback<std::string> done)
{
    if (rejectBadId(streamId, "live stream", done, state_->thread)) {
        return;
    }
    std::string op = "delete live stream " + streamId;
    startCall(state_, op, net::HttpMethod::delete_, "/" + streamId, std::nullopt, true,
              typed<std::string>(op, parseMessage, std::move(done)));
}

void CloudinaryClient::activateStream(const std::string& streamId, Callback<std::string> done)
{
    if (rejectBadId(streamId, "live stream", done, state_->thread)) {
        return;
    }
    std::string op = "activate live stream " + streamId;
    startCall(state_, op, net::HttpMethod::post, "/" + streamId + "/activate", std::nullopt, true,
              typed<std::string>(op, parseMessage, std::move(done)));
}

void CloudinaryClient::idleStream(const std::string& streamId, Callback<std::string> done)
{
    if (rejectBadId(streamId, "live stream", done, state_->thread)) {
        return;
    }
    std::string op = "idle live stream " + streamId;
    startCall(state_, op, net::HttpMethod::post, "/" + streamId + "/idle", std::nullopt, true,
              typed<std::string>(op, parseMessage, std::move(done)));
}

void CloudinaryClient::listOutputs(const std::string& streamId, Callback<std::vector<LiveStreamOutput>> done)
{
    if (rejectBadId(streamId, "live stream", done, state_->thread)) {
        return;
    }
    std::string op = "list outputs of live stream " + streamId;
    startCall(state_, op, net::HttpMethod::get, "/" + streamId + "/outputs", std::nullopt, true,
              typed<std::vector<LiveStreamOutput>>(op, parseOutputList, std::move(done)));
}

void CloudinaryClient::createOutput(const std::string& streamId, const OutputOptions& output,
                                    Callback<LiveStreamOutput> done)
{
    if (rejectBadId(streamId, "live stream", done, state_->thread)) {
        return;
    }
    if (output.type.empty()) {
        state_->thread.post([done] {
            done(core::Error{CloudErrc::requestRejected, "an output needs a type (rtmp, hls, archive, …)"});
        });
        return;
    }
    std::string op = "create " + output.type + " output of live stream " + streamId;
    startCall(state_, op, net::HttpMethod::post, "/" + streamId + "/outputs", outputBody(output, true), false,
              typed<LiveStreamOutput>(op, parseOutput, std::move(done)));
}

void CloudinaryClient::getOutput(const std::string& streamId, const std::string& outputId,
                                 Callback<LiveStreamOutput> done)
{
    if (rejectBadId(streamId, "live stream", done, state_->thread) ||
        rejectBadId(outputId, "output", done, state_->thread)) {
        return;
    }
    std::string op = "get output " + outputId + " of live stream " + streamId;
    startCall(state_, op, net::HttpMethod::get, "/" + streamId + "/outputs/" + outputId, std::nullopt, true,
              typed<LiveStreamOutput>(op, parseOutput, std::move(done)));
}

void CloudinaryClient::updateOutput(const std::string& streamId, const std::string& outputId,
                                    const OutputOptions& changes, Callback<LiveStreamOutput> done)
{
    if (rejectBadId(streamId, "live stream", done, state_->thread) ||
        rejectBadId(outputId, "output", done, state_->thread)) {
        return;
    }
    std::string op = "update output " + outputId + " of live stream " + streamId;
    startCall(state_, op, net::HttpMethod::patch, "/" + streamId + "/outputs/" + outputId, outputBody(changes, false),
              true, typed<LiveStreamOutput>(op, parseOutput, std::move(done)));
}

void CloudinaryClient::deleteOutput(const std::string& streamId, const std::string& outputId,
                                    Callback<std::string> done)
{
    if (rejectBadId(streamId, "live stream", done, state_->thread) ||
        rejectBadId(outputId, "output", done, state_->thread)) {
        return;
    }
    std::string op = "delete output " + outputId + " of live stream " + streamId;
    startCall(state_, op, net::HttpMethod::delete_, "/" + streamId + "/outputs/" + outputId, std::nullopt, true,
              typed<std::string>(op, parseMessage, std::move(done)));
}

// The blocking variants.

core::Result<std::vector<LiveStream>> CloudinaryClient::listStreamsBlocking()
{
    return waitFor<std::vector<LiveStream>>(state_->thread, state_->settings,
                                            [this](auto done) { listStreams(std::move(done)); });
}

core::Result<LiveStream> CloudinaryClient::createStreamBlocking(const StreamOptions& options)
{
    return waitFor<LiveStream>(state_->thread, state_->settings,
                               [&](auto done) { createStream(options, std::move(done)); });
}

core::Result<LiveStream> CloudinaryClient::getStreamBlocking(const std::string& streamId)
{
    return waitFor<LiveStream>(state_->thread, state_->settings,
                               [&](auto done) { getStream(streamId, std::move(done)); });
}

core::Result<LiveStream> CloudinaryClient::updateStreamBlocking(const std::string& streamId,
                                                                const StreamOptions& changes)
{
    return waitFor<LiveStream>(state_->thread, state_->settings,
                               [&](auto done) { updateStream(streamId, changes, std::move(done)); });
}

core::Result<std::string> CloudinaryClient::deleteStreamBlocking(const std::string& streamId)
{
    return waitFor<std::string>(state_->thread, state_->settings,
                                [&](auto done) { deleteStream(streamId, std::move(done)); });
}

core::Result<std::string> CloudinaryClient::activateStreamBlocking(const std::string& streamId)
{
    return waitFor<std::string>(state_->thread, state_->settings,
                                [&](auto done) { activateStream(streamId, std::move(done)); });
}

core::Result<std::string> CloudinaryClient::idleStreamBlocking(const std::string& streamId)
{
    return waitFor<std::string>(state_->thread, state_->settings,
                                [&](auto done) { idleStream(streamId, std::move(done)); });
}

core::Result<std::vector<LiveStreamOutput>> CloudinaryClient::listOutputsBlocking(const std::string& streamId)
{
    return waitFor<std::vector<LiveStreamOutput>>(state_->thread, state_->settings,
                                                  [&](auto done) { listOutputs(streamId, std::move(done)); });
}

core::Result<LiveStreamOutput> CloudinaryClient::createOutputBlocking(const std::string& streamId,
                                                                      const OutputOptions& output)
{
    return waitFor<LiveStreamOutput>(state_->thread, state_->settings,
                                     [&](auto done) { createOutput(streamId, output, std::move(done)); });
}

core::Result<LiveStreamOutput> CloudinaryClient::getOutputBlocking(const std::string& streamId,
                                                                   const std::string& outputId)
{
    return waitFor<LiveStreamOutput>(state_->thread, state_->settings,
                                     [&](auto done) { getOutput(streamId, outputId, std::move(done)); });
}

core::Result<LiveStreamOutput> CloudinaryClient::updateOutputBlocking(const std::string& streamId,
                                                                      const std::string& outputId,
                                                                      const OutputOptions& changes)
{
    return waitFor<LiveStreamOutput>(state_->thread, state_->settings,
                                     [&](auto done) { updateOutput(streamId, outputId, changes, std::move(done)); });
}

core::Result<std::string> CloudinaryClient::deleteOutputBlocking(const std::string& streamId,
                                                                 const std::string& outputId)
{
    return waitFor<std::string>(state_->thread, state_->settings,
                                [&](auto done) { deleteOutput(streamId, outputId, std::move(done)); });
}

} // namespace hoststudio::cloud
