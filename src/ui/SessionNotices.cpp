// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/ui/SessionNotices.hpp"

#include "hoststudio/ui/HostWords.hpp"

#include "hoststudio/session/SessionError.hpp"

#include <QCoreApplication>

#include <algorithm>

namespace hoststudio::ui {

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("SessionNotices", text);
}

// The seed's "failed to start the stream": the ingest refused, or the media could not reach it.
Notice failedToStart(const session::SessionSnapshot& after, const QString& why, const std::string& provider)
{
    return {NoticeLevel::error, tr("Failed to start the stream: %1").arg(why),
            (after.provider.empty() ? provider : after.provider) == "cloudinary"
                ? tr("Check the Cloudinary credentials in Settings (cloud name, API key, API secret); check the "
                     "account's limits and billing in the Cloudinary console; run `hoststudio doctor` to test "
                     "them.")
                : tr("Check that the ingest server in Settings is right and running (run `hoststudio doctor`), "
                     "then go live again.")};
}

Notice goLiveFailed(const session::SessionSnapshot& after, session::GoLiveStep step, const std::string& provider)
{
    const QString why = wordsFor(after.error);
    switch (step) {
    case session::GoLiveStep::prepareIngest: return failedToStart(after, why, provider);
    case session::GoLiveStep::connectChannel:
    case session::GoLiveStep::announceStream:
        return {NoticeLevel::error, tr("Real-time connection failed: %1").arg(why),
                tr("Verify that the backend's real-time server is running (Settings → Real-time channel URL), "
                   "check the network and firewall, and review the backend's WebSocket configuration.")};
    case session::GoLiveStep::startMedia:
        // The encoder started but found no ingest (refused, or no answer in time): not the devices.
        if (after.error == session::SessionErrc::ingestUnreachable ||
            after.error == session::SessionErrc::stepTimedOut) {
            return failedToStart(after, why, provider);
        }
        return {NoticeLevel::error, tr("The media stream is not working: %1").arg(why),
                tr("Check the camera and microphone permissions and the devices chosen in Sources; `hoststudio "
                   "devices` lists what the studio can use.")};
    default: break;
    }
    return {NoticeLevel::error, tr("Go Live failed: %1").arg(why),
            tr("Nothing was left running. Fix what the message names, then go live again.")};
}

} // namespace

std::vector<Notice> noticesFor(const session::SessionSnapshot& before, const session::SessionSnapshot& after,
                               const std::string& provider)
{
    std::vector<Notice> notices;
    using session::PartHealth;
    using session::SessionState;

    if (after.state == SessionState::failed && before.state != SessionState::failed) {
        notices.push_back(goLiveFailed(after, after.failedStep, provider));
        return notices;
    }
    const bool running = after.state == SessionState::live || after.state == SessionState::goingLive;
    if (running && after.channel.health == PartHealth::degraded && before.channel.health != PartHealth::degraded) {
        notices.push_back({NoticeLevel::warning,
                           tr("Real-time connection failed; the stream goes on: %1").arg(fromStd(after.channel.detail)),
                           tr("Chat and viewer counts from the backend are paused while it retries. Verify that the "
                              "backend's real-time server is running and reachable.")});
    }
    if (running && after.media.health == PartHealth::degraded && before.media.health != PartHealth::degraded) {
        notices.push_back({NoticeLevel::warning,
                           tr("Connection to the ingest lost: %1").arg(fromStd(after.media.detail)),
                           tr("The studio reconnects by itself and the local recording goes on; use Retry now when "
                              "the network is back.")});
    }
    if (running && before.media.health == PartHealth::degraded && after.media.health == PartHealth::ok) {
        notices.push_back({NoticeLevel::info, tr("Reconnected to the ingest"), {}});
    }
    for (const session::RelayOutcome& relay : after.relays) {
        if (relay.accepted) {
            continue;
        }
        const auto earlier =
            std::find_if(before.relays.begin(), before.relays.end(),
                         [&relay](const session::RelayOutcome& previous) { return previous.relay == relay.relay; });
        if (earlier != before.relays.end() && !earlier->accepted) {
            continue; // said already
        }
        notices.push_back({NoticeLevel::warning,
                           tr("%1 refused the live event: %2").arg(fromStd(relay.relay), fromStd(relay.message)),
                           tr("The stream goes on and the event is published to it again later. Remove the relay in "
                              "Settings if it keeps refusing.")});
    }
    if (after.state == SessionState::ended && before.state != SessionState::ended) {
        if (after.recording.health == PartHealth::stopped && !after.recording.detail.empty()) {
            notices.push_back({NoticeLevel::info, tr("Recording saved: %1").arg(fromStd(after.recording.detail)), {}});
        } else if (after.recording.health == PartHealth::failed) {
            notices.push_back({NoticeLevel::error, tr("The recording failed: %1").arg(fromStd(after.recording.detail)),
                               tr("Check the recording folder in Settings (free space, permissions).")});
        }
        if (!after.leftovers.empty()) {
            QStringList left;
            for (const std::string& item : after.leftovers) {
                left.append(fromStd(item));
            }
            notices.push_back({NoticeLevel::warning,
                               tr("Not everything could be cleaned up: %1").arg(left.join(QStringLiteral("; "))),
                               tr("Run `hoststudio recover` or end the stream in the provider's console.")});
        }
    }
    return notices;
}

} // namespace hoststudio::ui
