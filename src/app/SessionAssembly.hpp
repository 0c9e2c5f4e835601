// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Everything a live session needs, built from the settings and the command line: the network
// thread, the ingest provider the settings pick (Cloudinary — falling back to the seed backend when
// one is configured —, the seed backend, or a custom RTMP(S) server), the relay pool and announcer
// with the host's key, the media pipeline, the backend's real-time channel when `chat/url` is set,
// the journal, and the controller over them. `hoststudio live`, `end` and `recover` use it; the
// studio window will too.
//
// Owner and thread: the Qt main thread; destroy it there (it stops the network thread last).

#include "hoststudio/cloud/IngestProvider.hpp"
#include "hoststudio/core/Result.hpp"
#include "hoststudio/media/LivePipeline.hpp"
#include "hoststudio/media/Preview.hpp"
#include "hoststudio/nostr/Keys.hpp"
#include "hoststudio/session/GoLiveController.hpp"
#include "hoststudio/session/SessionJournal.hpp"

#include <QString>
#include <QTextStream>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace hoststudio::core {
class Settings;
}
namespace hoststudio::net {
class NetworkThread;
}

namespace hoststudio::nostr {
class RelayPool;
}
namespace hoststudio::chat {
class BackendChatLink;
class ChatHub;
class NostrChatLink;
} // namespace hoststudio::chat

namespace hoststudio::session {
class BackendChannelPart;
class HttpPlaybackCheck;
class PipelineMediaPart;
class QtScheduler;
class RelayAnnouncer;
} // namespace hoststudio::session

namespace hoststudio::app {

struct SessionOptions {
    std::string eventId;               // the live event's `d` (the custom provider uses it as a local key)
    QString provider;                  // custom | cloudinary | backend; empty: the setting ingest/provider
    QString streamKey;                 // custom RTMP: the key; empty: the event id on a local server
    QString presetId;                  // the encoder preset; empty: the setting video/preset
    QString keyFilePath;               // the host's nsec (--key-file); empty: the usual sources
    bool useJournal = true;            // false: no crash journal (--no-journal)
    QString journalPath;               // empty: SessionJournal::defaultPath()
    session::SessionTimeouts timeouts; // the controller's timeouts and intervals
    media::SceneConfig scene;          // the sources and layout (live's scene options)
    bool chat = true;                  // the merged live chat (the channel's messages and NIP-53 1311)
    // Preview frames of the composed output for a window (the preview's thread); empty: none.
    std::function<void(media::PreviewFrame frame)> onPreviewFrame;
    // The window's running studio (its sources, preview and meters): Go Live takes it over instead
    // of opening the sources (scene, preset and onPreviewFrame are then the studio's).
    std::shared_ptr<media::LivePipeline> studio;
};

// The encoder settings of a service preset ("" or an unknown id: an error naming the presets).
[[nodiscard]] core::Result<media::EncoderSettings> encoderSettingsFor(const QString& presetId);

class SessionAssembly {
public:
    // Builds every part; the error says what to configure. `err` receives the human notes (the
    // stand-in account is used, the channel is not configured, …).
    [[nodiscard]] static core::Result<std::unique_ptr<SessionAssembly>>
    create(const core::Settings& settings, const SessionOptions& options, QTextStream& err);
    ~SessionAssembly();
    SessionAssembly(const SessionAssembly&) = delete;
    SessionAssembly& operator=(const SessionAssembly&) = delete;
    SessionAssembly(SessionAssembly&&) = delete;
    SessionAssembly& operator=(SessionAssembly&&) = delete;

    [[nodiscard]] session::GoLiveController& controller() { return *controller_; }
    [[nodiscard]] const session::SessionJournal* journal() const { return journal_.get(); }
    [[nodiscard]] const std::vector<std::string>& relays() const { return relays_; }
    [[nodiscard]] std::string hostPublicKeyHex() const;
    [[nodiscard]] std::string providerName() const;
    [[nodiscard]] std::optional<media::LiveStats> sampleMediaStats();
    [[nodiscard]] std::optional<media::SceneStats> sampleScene();
    void setMicrophoneMuted(bool muted);
    // The live chat (subscribed from creation), or null without options.chat.
    [[nodiscard]] chat::ChatHub* chatHub() const { return chatHub_.get(); }

private:
    SessionAssembly() = default;

    std::unique_ptr<net::NetworkThread> network_;
    std::unique_ptr<session::QtScheduler> scheduler_;
    std::shared_ptr<cloud::IngestProvider> ingest_;
    std::unique_ptr<session::RelayAnnouncer> announcer_;
    std::unique_ptr<session::BackendChannelPart> channel_;
    std::unique_ptr<session::HttpPlaybackCheck> playback_;
    std::unique_ptr<session::PipelineMediaPart> media_;
    std::unique_ptr<session::SessionJournal> journal_;
    std::unique_ptr<session::GoLiveController> controller_;
    std::shared_ptr<media::FramePreview> preview_;
    std::unique_ptr<nostr::RelayPool> chatPool_;
    std::unique_ptr<chat::NostrChatLink> chatNostrLink_;
    std::unique_ptr<chat::BackendChatLink> chatBackendLink_;
    std::unique_ptr<chat::ChatHub> chatHub_;
    std::vector<std::string> relays_;
};

} // namespace hoststudio::app
