// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/cloud/FallbackIngestProvider.hpp"

#include "hoststudio/cloud/CloudError.hpp"

namespace hoststudio::cloud {

FallbackIngestProvider::FallbackIngestProvider(std::shared_ptr<IngestProvider> primary,
                                               std::shared_ptr<IngestProvider> secondary)
    : primary_(std::move(primary)), secondary_(std::move(secondary))
{}

std::string FallbackIngestProvider::name() const
{
    return primary_->name() + ", else " + secondary_->name();
}

void FallbackIngestProvider::prepare(const IngestRequest& request, EndpointCallback done)
{
    primary_->prepare(request, [secondary = secondary_, primaryName = primary_->name(), request,
                                done = std::move(done)](core::Result<IngestEndpoint> endpoint) mutable {
        if (endpoint || endpoint.error() == CloudErrc::cancelled) {
            done(std::move(endpoint));
            return;
        }
        const std::string reason = endpoint.error().describe();
        qCWarning(lcCloud).noquote() << QString::fromStdString(primaryName) << "failed ("
                                     << QString::fromStdString(reason) << "): trying"
                                     << QString::fromStdString(secondary->name());
        secondary->prepare(request, [primaryName, reason, secondaryName = secondary->name(),
                                     done = std::move(done)](core::Result<IngestEndpoint> fallback) {
            if (!fallback) {
                done(core::Error{fallback.error().code(), secondaryName + " failed too (" +
                                                              fallback.error().describe() + ") after " + primaryName +
                                                              " failed (" + reason + ")"});
                return;
            }
            IngestEndpoint marked = std::move(fallback.value());
            marked.fellBackFrom = primaryName;
            marked.fallbackReason = reason;
            done(std::move(marked));
        });
    });
}

IngestProvider& FallbackIngestProvider::owner(const IngestEndpoint& endpoint) const
{
    if (endpoint.fellBackFrom || (endpoint.provider == secondary_->name() && endpoint.provider != primary_->name())) {
        return *secondary_;
    }
    return *primary_;
}

void FallbackIngestProvider::start(const IngestEndpoint& endpoint, DoneCallback done)
{
    owner(endpoint).start(endpoint, std::move(done));
}

void FallbackIngestProvider::stop(const IngestEndpoint& endpoint, DoneCallback done)
{
    owner(endpoint).stop(endpoint, std::move(done));
}

void FallbackIngestProvider::status(const IngestEndpoint& endpoint, StatusCallback done)
{
    owner(endpoint).status(endpoint, std::move(done));
}

void FallbackIngestProvider::cancel()
{
    primary_->cancel();
    secondary_->cancel();
}

} // namespace hoststudio::cloud
