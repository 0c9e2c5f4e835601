// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The errors of the cloud module (see core/Error.hpp for the convention).

#include "hoststudio/core/Error.hpp"

#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcCloud)

namespace hoststudio::cloud {

enum class CloudErrc {
    notConfigured = 1,
    invalidCredentials,
    forbidden,
    streamNotFound,
    rateLimited,
    serverError,
    invalidResponse,
    invalidIngestUrl,
    requestRejected,
    timedOut,
    unreachable,
    cancelled,
};

[[nodiscard]] const std::error_category& cloudCategory() noexcept;
[[nodiscard]] std::error_code make_error_code(CloudErrc value) noexcept;

} // namespace hoststudio::cloud

HOSTSTUDIO_DECLARE_ERROR_ENUM(hoststudio::cloud::CloudErrc);
