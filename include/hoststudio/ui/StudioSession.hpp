// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// What the window needs from a live session, without knowing how it is assembled: the Go Live
// controller, the relays the event goes to, and the media statistics for the health line. The
// application builds one from the settings (the same assembly `hoststudio live` uses); tests build
// one from test parts.
//
// Owner and thread: the Qt main thread. The window keeps the session until the next Go Live or
// until it closes; the controller's observer runs on the main thread.

#include "hoststudio/core/Result.hpp"
#include "hoststudio/media/LivePipeline.hpp"
#include "hoststudio/media/LiveStats.hpp"
#include "hoststudio/media/Preview.hpp"
#include "hoststudio/nostr/LiveActivity.hpp"

#include <QString>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace hoststudio::chat {
class ChatHub;
}
namespace hoststudio::session {
class GoLiveController;
}

namespace hoststudio::ui {

struct StudioSessionRequest {
    std::string eventId;     // the live event's `d`
    QString recordingPath;   // empty: no local recording
    QString provider;        // empty: the one the settings name
    bool recovering = false; // ending what a crashed session left (the journal's provider and ids)
    // Preview frames of the composed output (about 10 a second, 640 wide), called on the preview's
    // own thread; empty: no preview.
    std::function<void(media::PreviewFrame frame)> onPreviewFrame;
    // The sources and layout picked in the window; empty: the settings' (test pattern, no microphone).
    std::optional<media::SceneConfig> scene;
    // The window's running studio: its sources, already in the preview, are taken over by the Go
    // Live (nothing is opened again); null: the session opens the scene's sources itself.
    std::shared_ptr<media::LivePipeline> studio;
};

// Starts the sources of `scene` for the preview and the meters before any Go Live (a running
// media::LivePipeline::createStudio with the settings' encoder preset); preview frames go to
// `onPreviewFrame` on the preview's thread. The error says which source cannot be opened.
using StudioFactory = std::function<core::Result<std::shared_ptr<media::LivePipeline>>(
    const media::SceneConfig& scene, std::function<void(media::PreviewFrame frame)> onPreviewFrame)>;

class StudioSession {
public:
    virtual ~StudioSession() = default;
    [[nodiscard]] virtual session::GoLiveController& controller() = 0;
    // The ingest provider's name: "cloudinary", "custom" or "backend".
    [[nodiscard]] virtual std::string providerName() const = 0;
    // The relays the live event is published to, in the order of the settings.
    [[nodiscard]] virtual std::vector<std::string> relays() const = 0;
    // The merged live chat while the session runs, or null when there is none (yet).
    [[nodiscard]] virtual chat::ChatHub* chatHub() { return nullptr; }
    // The sources' state and the audio levels now (the microphone meter), or nullopt.
    [[nodiscard]] virtual std::optional<media::SceneStats> sampleScene() { return std::nullopt; }
    // Mutes or unmutes the microphone at once (and for the rest of the session).
    virtual void setMicrophoneMuted(bool /*muted*/) {}
    // The media pipeline's statistics now, or nullopt when it does not run.
    [[nodiscard]] virtual std::optional<media::LiveStats> sampleStats() = 0;
};

// Fetches the host's own live events (kind 30311 by the host's key) from the configured relays,
// the newest version of each, newest first, and calls `done` on the Qt main thread. Never blocks.
using HostEventsLister = std::function<void(std::function<void(core::Result<std::vector<nostr::LiveActivity>>)> done)>;

// Builds a session for one Go Live; the error says what to configure. `notes` receives what the
// host should know but that does not stop anything ("using the local stand-in's test account").
using StudioSessionFactory =
    std::function<core::Result<std::unique_ptr<StudioSession>>(const StudioSessionRequest& request, QString& notes)>;

} // namespace hoststudio::ui
