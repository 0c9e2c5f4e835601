// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/media/ConnectFailure.hpp"

#include "hoststudio/media/MediaError.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <string>

namespace hoststudio::media {

namespace {

bool containsCaseless(std::string_view text, std::string_view word)
{
    const auto found = std::search(text.begin(), text.end(), word.begin(), word.end(), [](char left, char right) {
        return std::tolower(static_cast<unsigned char>(left)) == std::tolower(static_cast<unsigned char>(right));
    });
    return found != text.end();
}

} // namespace

core::Error classifyConnectFailure(const ConnectFailureFacts& facts)
{
    const std::string where = std::string(facts.target) + ": ";
    const std::string because = facts.lastLogError.empty()
                                    ? std::string(facts.ffmpegText)
                                    : std::string(facts.ffmpegText) + " (" + std::string(facts.lastLogError) + ")";
    if (containsCaseless(facts.lastLogError, "certificate") || containsCaseless(facts.lastLogError, "verif") ||
        containsCaseless(facts.lastLogError, "not trusted")) {
        return {MediaErrc::certificateNotTrusted,
                where + because + "; give the ingest's CA with --ca-file if it uses a private one"};
    }
    if (containsCaseless(facts.lastLogError, "Server error") || containsCaseless(facts.lastLogError, "publish")) {
        return {MediaErrc::invalidStreamKey, where + because + "; double-check your stream key"};
    }
    if (facts.timedOut) {
        return {MediaErrc::connectFailed, where + "timed out"};
    }
    if (facts.posixError == ECONNREFUSED) {
        return {MediaErrc::connectFailed, where + "connection refused (is the ingest running?)"};
    }
    if (facts.posixError == ENETUNREACH || facts.posixError == EHOSTUNREACH) {
        return {MediaErrc::connectFailed, where + "network unreachable"};
    }
    return {MediaErrc::connectFailed, where + because};
}

} // namespace hoststudio::media
