// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/session/SessionError.hpp"

Q_LOGGING_CATEGORY(lcSession, "hoststudio.session")

namespace hoststudio::session {

namespace {
const char* describeSessionError(SessionErrc value) noexcept
{
    switch (value) {
    case SessionErrc::alreadyLive: return "already live";
    case SessionErrc::notLive: return "not live";
    case SessionErrc::stepTimedOut: return "step timed out";
    case SessionErrc::ingestFailed: return "ingest failed";
    case SessionErrc::mediaFailed: return "media pipeline failed";
    case SessionErrc::journalCorrupt: return "session journal is corrupt";
    case SessionErrc::journalUnwritable: return "session journal cannot be written";
    case SessionErrc::invalidRequest: return "cannot go live with this request";
    case SessionErrc::ingestUnreachable: return "the media could not reach the ingest";
    }
    return nullptr;
}
} // namespace

HOSTSTUDIO_DEFINE_ERROR_CATEGORY(SessionErrc, sessionCategory, "hoststudio.session", describeSessionError)

} // namespace hoststudio::session
