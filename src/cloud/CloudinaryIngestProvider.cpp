// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/cloud/CloudinaryIngestProvider.hpp"

#include "hoststudio/cloud/CloudError.hpp"

namespace hoststudio::cloud {

namespace {

core::Status asStatus(const core::Result<std::string>& result)
{
    if (!result) {
        return result.error();
    }
    return {};
}

// One prepare(): find or create the stream, then fill in what the answer left out.
struct Preparation : std::enable_shared_from_this<Preparation> {
    std::shared_ptr<CloudinaryClient> client;
    std::shared_ptr<CloudinaryStreamMemory> memory;
    CloudinaryIngestSettings settings;
    IngestRequest request;
    IngestProvider::EndpointCallback done;
    bool refetched = false;

    void begin()
    {
        if (const std::optional<std::string> known = memory->streamFor(client->cloudName(), request.eventId)) {
            client->getStream(*known, [self = shared_from_this(), known = *known](core::Result<LiveStream> stream) {
                if (stream) {
                    qCInfo(lcCloud).noquote() << "event" << QString::fromStdString(self->request.eventId)
                                              << "reuses live stream" << QString::fromStdString(known);
                    self->complete(std::move(stream.value()));
                } else if (stream.error() == CloudErrc::streamNotFound) {
                    qCInfo(lcCloud).noquote()
                        << "live stream" << QString::fromStdString(known) << "of event"
                        << QString::fromStdString(self->request.eventId) << "is gone: creating a new one";
                    if (core::Status forgotten = self->memory->forget(self->client->cloudName(), self->request.eventId);
                        !forgotten) {
                        qCWarning(lcCloud).noquote() << QString::fromStdString(forgotten.error().detail());
                    }
                    self->create();
                } else {
                    self->done(stream.error());
                }
            });
            return;
        }
        create();
    }

    void create()
    {
        StreamOptions options;
        options.name = request.title.empty() ? request.eventId : request.title;
        options.idleTimeoutSeconds = settings.idleTimeoutSeconds;
        options.maxRuntimeSeconds = settings.maxRuntimeSeconds;
        client->createStream(options, [self = shared_from_this()](core::Result<LiveStream> stream) {
            if (!stream) {
                self->done(stream.error());
                return;
            }
            if (core::Status remembered =
                    self->memory->remember(self->client->cloudName(), self->request.eventId, stream->id);
                !remembered) {
                // The stream works; only the next session will not find it again.
                qCWarning(lcCloud).noquote() << QString::fromStdString(remembered.error().detail());
            }
            self->complete(std::move(stream.value()));
        });
    }

    void complete(LiveStream stream)
    {
        if (!stream.hlsPlaybackUrl()) {
            const std::string id = stream.id;
            client->listOutputs(id, [self = shared_from_this(), stream = std::move(stream)](
                                        core::Result<std::vector<LiveStreamOutput>> outputs) mutable {
                if (!outputs) {
                    self->done(outputs.error());
                    return;
                }
                stream.outputs = std::move(outputs.value());
                self->finish(stream);
            });
            return;
        }
        finish(stream);
    }

    void finish(const LiveStream& stream)
    {
        if (!stream.publishUrl() && !refetched) {
            refetched = true;
            client->getStream(stream.id, [self = shared_from_this(),
                                          outputs = stream.outputs](core::Result<LiveStream> fetched) mutable {
                if (!fetched) {
                    self->done(fetched.error());
                    return;
                }
                if (fetched->outputs.empty()) {
                    fetched->outputs = std::move(outputs);
                }
                self->finish(fetched.value());
            });
            return;
        }
        done(CloudinaryIngestProvider::endpointOf(stream, client->cloudName()));
    }
};

} // namespace

CloudinaryIngestProvider::CloudinaryIngestProvider(std::shared_ptr<CloudinaryClient> client,
                                                   std::shared_ptr<CloudinaryStreamMemory> memory,
                                                   CloudinaryIngestSettings settings)
    : client_(std::move(client)), memory_(std::move(memory)), settings_(settings)
{}

core::Result<IngestEndpoint> CloudinaryIngestProvider::endpointOf(const LiveStream& stream,
                                                                  const std::string& cloudName)
{
    if (!stream.ingestUri || stream.ingestUri->empty() || !stream.streamKey || stream.streamKey->empty()) {
        return core::Error{CloudErrc::invalidResponse,
                           "Cloudinary gave live stream " + stream.id +
                               " no ingest URL or stream key: try again; if it persists, delete the stream with "
                               "'hoststudio ingest delete --id " +
                               stream.id + "' so a new one is made"};
    }
    IngestEndpoint endpoint;
    endpoint.provider = "cloudinary";
    endpoint.streamId = stream.id;
    endpoint.ingestUrl = *stream.ingestUri;
    endpoint.streamKey = *stream.streamKey;
    endpoint.hlsPlaybackUrl = stream.hlsPlaybackUrl();
    endpoint.playerPageUrl = stream.playerPageUrl(cloudName);
    endpoint.archiveUrl = stream.archiveUrl(cloudName);
    endpoint.registerSecrets();
    return endpoint;
}

IngestStatus CloudinaryIngestProvider::statusOf(const LiveStream& stream)
{
    IngestStatus status;
    status.providerStatus = stream.statusText;
    switch (stream.status()) {
    case StreamStatus::idle: status.state = IngestState::idle; break;
    case StreamStatus::active: status.state = IngestState::live; break;
    case StreamStatus::unknown:
        status.state = stream.statusText == "activating" || stream.statusText == "starting" ? IngestState::starting
                                                                                            : IngestState::unknown;
        break;
    }
    return status;
}

void CloudinaryIngestProvider::prepare(const IngestRequest& request, EndpointCallback done)
{
    if (request.eventId.empty()) {
        done(core::Error{CloudErrc::requestRejected, "the live event has no id: save the event before going live"});
        return;
    }
    auto preparation = std::make_shared<Preparation>();
    preparation->client = client_;
    preparation->memory = memory_;
    preparation->settings = settings_;
    preparation->request = request;
    preparation->done = std::move(done);
    preparation->begin();
}

void CloudinaryIngestProvider::start(const IngestEndpoint& endpoint, DoneCallback done)
{
    client_->activateStream(endpoint.streamId, [done = std::move(done)](const core::Result<std::string>& result) {
        done(asStatus(result));
    });
}

void CloudinaryIngestProvider::stop(const IngestEndpoint& endpoint, DoneCallback done)
{
    client_->idleStream(endpoint.streamId,
                        [done = std::move(done)](const core::Result<std::string>& result) { done(asStatus(result)); });
}

void CloudinaryIngestProvider::status(const IngestEndpoint& endpoint, StatusCallback done)
{
    client_->getStream(endpoint.streamId, [done = std::move(done)](core::Result<LiveStream> stream) {
        if (!stream) {
            done(stream.error());
            return;
        }
        done(statusOf(stream.value()));
    });
}

void CloudinaryIngestProvider::cancel()
{
    client_->cancel();
}

} // namespace hoststudio::cloud
