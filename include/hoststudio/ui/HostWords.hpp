// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Words for the host: what the lower modules report, said as a sentence in the window, never as a
// log line (no "hoststudio.session:" category names).
//
// Thread: any (pure functions).

#include "hoststudio/core/Error.hpp"

#include <QString>

#include <string>

namespace hoststudio::ui {

[[nodiscard]] inline QString fromStd(const std::string& text)
{
    return QString::fromStdString(text);
}

// An error as the host reads it: a session's error is its own sentence (its detail); any other is
// what happened with the particulars ("live stream not found: HTTP 404 …"). Category names of the
// log, wherever they stand in the text, are left out; the first letter is upper case.
[[nodiscard]] QString wordsFor(const core::Error& error);

} // namespace hoststudio::ui
