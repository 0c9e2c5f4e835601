// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/cloud/BackendIngestProvider.hpp"

#include "hoststudio/cloud/CloudError.hpp"

#include <utility>

namespace hoststudio::cloud {

BackendIngestProvider::BackendIngestProvider(std::shared_ptr<BackendClient> client, BackendIngestSettings settings)
    : client_(std::move(client)), settings_(std::move(settings))
{}

core::Result<IngestEndpoint> BackendIngestProvider::endpointFor(const std::string& baseUrl, const std::string& eventId,
                                                                const std::optional<BackendPlayback>& playback)
{
    core::Result<std::string> manifestPath = backendStreamPath(eventId, "stream.m3u8");
    if (!manifestPath.ok()) {
        return manifestPath.error();
    }
    std::string socketBase;
    if (baseUrl.rfind("https://", 0) == 0) {
        socketBase = "wss://" + baseUrl.substr(8);
    } else if (baseUrl.rfind("http://", 0) == 0) {
        socketBase = "ws://" + baseUrl.substr(7);
    } else {
        return core::Error{CloudErrc::notConfigured, "backend/url " + baseUrl + " must start with http:// or https://"};
    }
    IngestEndpoint endpoint;
    endpoint.provider = "backend";
    endpoint.streamId = eventId;
    endpoint.streamKey = eventId;
    endpoint.ingestUrl = socketBase + "/socket.io/?EIO=4&transport=websocket";
    endpoint.hlsPlaybackUrl = playback && playback->playbackUrl && !playback->playbackUrl->empty()
                                  ? *playback->playbackUrl
                                  : baseUrl + *manifestPath;
    return endpoint;
}

IngestStatus BackendIngestProvider::statusOf(const BackendStreamStatus& status)
{
    IngestStatus result;
    result.providerStatus = status.cloudinaryStatus.empty() ? std::string("unknown") : status.cloudinaryStatus;
    if (status.hasLiveContent()) {
        result.providerStatus += ", HLS with media";
    }
    // The seed backend says "inactive" after /stop ("stopped" in older versions).
    if (status.cloudinaryStatus == "inactive" || status.cloudinaryStatus == "stopped") {
        result.state = IngestState::ended;
    } else if (status.hasLiveContent()) {
        result.state = IngestState::live;
    } else if (status.cloudinaryStatus == "active") {
        result.state = IngestState::starting;
    } else if (status.cloudinaryStatus == "not_found") {
        result.state = IngestState::idle;
    } else {
        result.state = IngestState::unknown;
    }
    return result;
}

void BackendIngestProvider::prepare(const IngestRequest& request, EndpointCallback done)
{
    if (!request.title.empty()) {
        const std::lock_guard lock(mutex_);
        titles_[request.eventId] = request.title;
    }
    client_->playback(request.eventId, [done = std::move(done), baseUrl = client_->baseUrl(),
                                        eventId = request.eventId](core::Result<BackendPlayback> playback) {
        if (!playback.ok() && !(playback.error() == CloudErrc::streamNotFound)) {
            done(playback.error());
            return;
        }
        core::Result<IngestEndpoint> endpoint =
            endpointFor(baseUrl, eventId, playback.ok() ? std::optional<BackendPlayback>(*playback) : std::nullopt);
        if (endpoint.ok()) {
            endpoint->registerSecrets();
        }
        done(std::move(endpoint));
    });
}

void BackendIngestProvider::start(const IngestEndpoint& endpoint, DoneCallback done)
{
    BackendStartRequest request;
    request.userId = settings_.userId;
    {
        const std::lock_guard lock(mutex_);
        if (const auto title = titles_.find(endpoint.streamId); title != titles_.end()) {
            request.title = title->second;
        }
    }
    client_->start(endpoint.streamId, request,
                   [done = std::move(done)](const core::Result<BackendStartResult>& started) {
                       done(started.ok() ? core::Status{} : core::Status{started.error()});
                   });
}

void BackendIngestProvider::stop(const IngestEndpoint& endpoint, DoneCallback done)
{
    client_->stop(endpoint.streamId, settings_.userId,
                  [done = std::move(done)](const core::Result<BackendStopResult>& stopped) {
                      done(stopped.ok() ? core::Status{} : core::Status{stopped.error()});
                  });
}

void BackendIngestProvider::status(const IngestEndpoint& endpoint, StatusCallback done)
{
    client_->status(endpoint.streamId, [done = std::move(done)](core::Result<BackendStreamStatus> status) {
        if (!status.ok()) {
            done(status.error());
            return;
        }
        done(statusOf(*status));
    });
}

void BackendIngestProvider::cancel()
{
    client_->cancel();
}

} // namespace hoststudio::cloud
