// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The errors of the session module (see core/Error.hpp for the convention).

#include "hoststudio/core/Error.hpp"

#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcSession)

namespace hoststudio::session {

enum class SessionErrc {
    alreadyLive = 1,
    notLive,
    stepTimedOut,
    ingestFailed,
    mediaFailed,
    journalCorrupt,
    journalUnwritable,
    invalidRequest,
    ingestUnreachable, // the media could not reach the ingest server
};

[[nodiscard]] const std::error_category& sessionCategory() noexcept;
[[nodiscard]] std::error_code make_error_code(SessionErrc value) noexcept;

} // namespace hoststudio::session

HOSTSTUDIO_DECLARE_ERROR_ENUM(hoststudio::session::SessionErrc);
