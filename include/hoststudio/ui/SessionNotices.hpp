// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// What a host must be told when a session changes, each with what to do: Go Live failed (the seed's
// three troubleshooting cases — the stream could not start, the real-time connection failed, the
// media does not work — with their advice), live degraded, a relay refusing the event, the ingest
// connection lost and retried, the recording saved. The window shows them as toasts.
//
// Thread safety: pure functions of two snapshots.

#include "hoststudio/session/GoLiveController.hpp"

#include <QString>

#include <vector>

namespace hoststudio::ui {

enum class NoticeLevel { info, warning, error };

struct Notice {
    NoticeLevel level = NoticeLevel::info;
    QString title;  // one line: what happened
    QString advice; // what to do (may be empty for good news)

    friend bool operator==(const Notice&, const Notice&) = default;
};

// The notices for the change from `before` to `after`; `provider` is the ingest provider's name
// ("cloudinary", "custom", "backend"; the snapshot knows it only once the ingest is prepared).
[[nodiscard]] std::vector<Notice> noticesFor(const session::SessionSnapshot& before,
                                             const session::SessionSnapshot& after, const std::string& provider = {});

} // namespace hoststudio::ui
