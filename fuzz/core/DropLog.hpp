// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The core fuzz targets' Qt message handler: every log line is formatted (the scrubber and the
// formatting run on fuzzed text too) and dropped, so a run prints only libFuzzer's own output.

#include "hoststudio/core/Log.hpp"

#include <QString>
#include <QtGlobal>

namespace hoststudio::fuzz {

inline void formatAndDrop(QtMsgType type, const QMessageLogContext& context, const QString& message)
{
    (void)core::formatLogLine(type, context.category, message);
}

} // namespace hoststudio::fuzz
