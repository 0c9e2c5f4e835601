// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/cloud/IngestProvider.hpp"

#include "hoststudio/core/Log.hpp"

namespace hoststudio::cloud {

std::string IngestEndpoint::publishUrl() const
{
    std::string base = ingestUrl;
    while (!base.empty() && base.back() == '/') {
        base.pop_back();
    }
    return base + "/" + streamKey;
}

void IngestEndpoint::registerSecrets() const
{
    core::SecretScrubber::registerSecret(streamKey);
}

std::string_view toString(IngestState state) noexcept
{
    switch (state) {
    case IngestState::idle: return "idle";
    case IngestState::starting: return "starting";
    case IngestState::live: return "live";
    case IngestState::ended: return "ended";
    case IngestState::unknown: break;
    }
    return "unknown";
}

} // namespace hoststudio::cloud
