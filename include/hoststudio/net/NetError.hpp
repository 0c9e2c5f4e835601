// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The errors of the net module (see core/Error.hpp for the convention).

#include "hoststudio/core/Error.hpp"

#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcNet)

namespace hoststudio::net {

enum class NetErrc {
    invalidUrl = 1,
    unsupportedScheme,
    resolveFailed,
    connectFailed,
    tlsHandshakeFailed,
    certificateRejected,
    timedOut,
    connectionClosed,
    messageTooLarge,
    httpStatus,
    protocolError,
    cancelled,
    sendQueueFull,
    notConnected,
    wrongThread,
    invalidCaFile,
};

[[nodiscard]] const std::error_category& netCategory() noexcept;
[[nodiscard]] std::error_code make_error_code(NetErrc value) noexcept;

} // namespace hoststudio::net

HOSTSTUDIO_DECLARE_ERROR_ENUM(hoststudio::net::NetErrc);
