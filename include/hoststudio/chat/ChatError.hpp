// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The errors of the chat module (see core/Error.hpp for the convention).

#include "hoststudio/core/Error.hpp"

#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcChat)

namespace hoststudio::chat {

enum class ChatErrc {
    handshakeFailed = 1,
    protocolError,
    notConnected,
    rateLimited,
    messageTooLarge,
    streamRejected,
};

[[nodiscard]] const std::error_category& chatCategory() noexcept;
[[nodiscard]] std::error_code make_error_code(ChatErrc value) noexcept;

} // namespace hoststudio::chat

HOSTSTUDIO_DECLARE_ERROR_ENUM(hoststudio::chat::ChatErrc);
