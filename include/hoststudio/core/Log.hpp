// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Logging: one QLoggingCategory per module ("hoststudio.core", "hoststudio.media", …; each module
// declares its own in <module>/Log.hpp), one process-wide sink that writes
// "2026-11-24T10:00:00.123Z W hoststudio.net: text" lines to a file and to stderr, and a scrubber
// that replaces every registered secret (nsec, API secret, stream key) by a mask before a line is
// written anywhere. Register a secret the moment it is loaded; log the object, never the secret.
//
// Thread safety: the sink and the scrubber are process-wide and guarded by one mutex each;
// any thread may log.

#include "hoststudio/core/Result.hpp"

#include <QLoggingCategory>
#include <QString>

#include <string>
#include <string_view>

Q_DECLARE_LOGGING_CATEGORY(lcCore)

namespace hoststudio::core {

// "••••1234" style: keeps the last four characters of a long secret so the host can tell keys
// apart, nothing of a short one.
[[nodiscard]] std::string maskSecret(std::string_view secret);

class SecretScrubber {
public:
    // Secrets shorter than 6 characters are not registered (they would mask ordinary words).
    static void registerSecret(std::string_view secret);
    static void forgetAll();
    [[nodiscard]] static QString scrub(QString text);
};

// Formats one log line (UTC timestamp, level letter, category, message), scrubbed.
[[nodiscard]] QString formatLogLine(QtMsgType type, const char* category, const QString& message);

// Installs the process-wide sink. `filePath` empty: stderr only. The file is opened in append mode
// with permissions 0600, its directory created when missing.
[[nodiscard]] Status installLogSink(const QString& filePath, bool alsoToStderr = true);
// Restores Qt's default handler and closes the file.
void uninstallLogSink();

} // namespace hoststudio::core
