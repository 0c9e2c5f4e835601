// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// FallbackIngestProvider: "Cloudinary, else the backend" (or any primary, else any secondary).
// prepare() asks the primary; when that fails (anything but a cancellation) it asks the secondary
// and marks the endpoint: fellBackFrom = the primary's name, fallbackReason = the primary's error,
// so the host is told where the stream goes and why. When both fail, the error carries both
// reasons. start/stop/status go to the provider that produced the endpoint (by its name).
//
// Owner: the controller. Thread safety: any thread (the wrapped providers' rules apply).

#include "hoststudio/cloud/IngestProvider.hpp"

#include <memory>

namespace hoststudio::cloud {

class FallbackIngestProvider final : public IngestProvider {
public:
    FallbackIngestProvider(std::shared_ptr<IngestProvider> primary, std::shared_ptr<IngestProvider> secondary);

    // "<primary>, else <secondary>".
    [[nodiscard]] std::string name() const override;
    void prepare(const IngestRequest& request, EndpointCallback done) override;
    void start(const IngestEndpoint& endpoint, DoneCallback done) override;
    void stop(const IngestEndpoint& endpoint, DoneCallback done) override;
    void status(const IngestEndpoint& endpoint, StatusCallback done) override;
    void cancel() override;

private:
    [[nodiscard]] IngestProvider& owner(const IngestEndpoint& endpoint) const;

    std::shared_ptr<IngestProvider> primary_;
    std::shared_ptr<IngestProvider> secondary_;
};

} // namespace hoststudio::cloud
