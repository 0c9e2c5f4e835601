// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/cloud/CloudError.hpp"

Q_LOGGING_CATEGORY(lcCloud, "hoststudio.cloud")

namespace hoststudio::cloud {

namespace {
const char* describeCloudError(CloudErrc value) noexcept
{
    switch (value) {
    case CloudErrc::notConfigured: return "provider not configured";
    case CloudErrc::invalidCredentials: return "credentials rejected";
    case CloudErrc::forbidden: return "operation not allowed";
    case CloudErrc::streamNotFound: return "live stream not found";
    case CloudErrc::rateLimited: return "rate limited";
    case CloudErrc::serverError: return "server error";
    case CloudErrc::invalidResponse: return "invalid response";
    case CloudErrc::invalidIngestUrl: return "invalid ingest URL";
    case CloudErrc::requestRejected: return "request rejected";
    case CloudErrc::timedOut: return "no answer in time";
    case CloudErrc::unreachable: return "service unreachable";
    case CloudErrc::cancelled: return "cancelled";
    }
    return nullptr;
}
} // namespace

HOSTSTUDIO_DEFINE_ERROR_CATEGORY(CloudErrc, cloudCategory, "hoststudio.cloud", describeCloudError)

} // namespace hoststudio::cloud
