// SPDX-License-Identifier: GPL-2.0-or-later
#include "SessionAssembly.hpp"

#include "CloudinaryAccess.hpp"

#include "hoststudio/app/NostrKeySource.hpp"
#include "hoststudio/chat/ChatHub.hpp"
#include "hoststudio/cloud/BackendClient.hpp"
#include "hoststudio/cloud/BackendIngestProvider.hpp"
#include "hoststudio/cloud/CloudError.hpp"
#include "hoststudio/cloud/CloudinaryClient.hpp"
#include "hoststudio/cloud/CloudinaryIngestProvider.hpp"
#include "hoststudio/cloud/CloudinaryStreamMemory.hpp"
#include "hoststudio/cloud/CustomRtmpIngestProvider.hpp"
#include "hoststudio/cloud/FallbackIngestProvider.hpp"
#include "hoststudio/core/Settings.hpp"
#include "hoststudio/media/EncoderSettings.hpp"
#include "hoststudio/net/NetworkThread.hpp"
#include "hoststudio/net/Url.hpp"
#include "hoststudio/nostr/RelayPool.hpp"
#include "hoststudio/session/BackendChannelPart.hpp"
#include "hoststudio/session/HttpPlaybackCheck.hpp"
#include "hoststudio/session/PipelineMediaPart.hpp"
#include "hoststudio/session/QtScheduler.hpp"
#include "hoststudio/session/RelayAnnouncer.hpp"
#include "hoststudio/session/SessionError.hpp"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QStandardPaths>

#include <algorithm>
#include <chrono>

static void registerSessionResources()
{
    Q_INIT_RESOURCE(hoststudio);
}

namespace hoststudio::app {

namespace {

using namespace std::chrono_literals;

core::Error configuration(const std::string& what)
{
    return core::Error{session::SessionErrc::invalidRequest, what};
}

} // namespace

core::Result<media::EncoderSettings> encoderSettingsFor(const QString& presetId)
{
    registerSessionResources();
    QFile file(QStringLiteral(":/hoststudio/presets/services.json"));
    if (!file.open(QIODevice::ReadOnly)) {
        return core::Error{session::SessionErrc::invalidRequest, "the built-in service presets are missing"};
    }
    const QByteArray text = file.readAll();
    const auto presets = media::parsePresets(std::string_view(text.constData(), static_cast<std::size_t>(text.size())));
    if (!presets) {
        return presets.error();
    }
    const auto preset = media::findPreset(*presets, presetId.toStdString());
    if (!preset) {
        return preset.error();
    }
    return preset->settings;
}

namespace {

// The hub's way to the backend's channel: the session's channel part.
class ChannelPartChatLink final : public chat::BackendChatLink {
public:
    explicit ChannelPartChatLink(session::BackendChannelPart& part) : part_(part) {}
    core::Status sendChannelMessage(const chat::ChannelMessage& message) override
    {
        return part_.sendChannelMessage(message);
    }

private:
    session::BackendChannelPart& part_;
};

} // namespace

SessionAssembly::~SessionAssembly()
{
    controller_.reset();
    if (channel_) {
        channel_->setOnChannelMessage({});
    }
    if (chatHub_) {
        chatHub_->stop();
    }
    chatHub_.reset();
    chatNostrLink_.reset();
    chatBackendLink_.reset();
    chatPool_.reset();
    media_.reset();
    if (preview_) {
        preview_->stop();
    }
    channel_.reset();
    playback_.reset();
    announcer_.reset();
    ingest_.reset();
    scheduler_.reset();
    if (network_) {
        network_->stop();
    }
}

std::string SessionAssembly::hostPublicKeyHex() const
{
    return announcer_ ? announcer_->hostPublicKeyHex() : std::string();
}

std::string SessionAssembly::providerName() const
{
    return ingest_ ? ingest_->name() : std::string();
}

std::optional<media::LiveStats> SessionAssembly::sampleMediaStats()
{
    return media_ ? media_->sampleStats() : std::nullopt;
}

std::optional<media::SceneStats> SessionAssembly::sampleScene()
{
    return media_ ? media_->sampleScene() : std::nullopt;
}

void SessionAssembly::setMicrophoneMuted(bool muted)
{
    if (media_) {
        media_->setMicrophoneMuted(muted);
    }
}

core::Result<std::unique_ptr<SessionAssembly>> SessionAssembly::create(const core::Settings& settings,
                                                                       const SessionOptions& options, QTextStream& err)
{
    std::unique_ptr<SessionAssembly> assembly(new SessionAssembly());
    const std::string extraCaFile = settings.text(core::setting::tlsExtraCaFile).toStdString();

    // The host's key.
    auto key = loadNostrKey(nostrKeySourcesFromEnvironment(options.keyFilePath, settings));
    if (!key) {
        return key.error();
    }
    nostr::SecretKey hostKey = key->secretKey;
    const auto hostPublic = hostKey.publicKey();
    if (!hostPublic) {
        return hostPublic.error();
    }

    // Relays.
    for (const QString& relay : settings.textList(core::setting::nostrRelays)) {
        if (!relay.trimmed().isEmpty()) {
            assembly->relays_.push_back(relay.trimmed().toStdString());
        }
    }
    if (assembly->relays_.empty()) {
        return configuration("no Nostr relay is configured: set nostr/relays (the first is the primary)");
    }

    assembly->network_ = std::make_unique<net::NetworkThread>();
    net::NetworkThread& network = *assembly->network_;
    assembly->scheduler_ = std::make_unique<session::QtScheduler>(QCoreApplication::instance());

    nostr::RelayPoolSettings poolSettings;
    poolSettings.authKey = hostKey;
    poolSettings.reconnect = settings.reconnectConfig();
    poolSettings.webSocket.tls.extraCaFile = extraCaFile;
    auto announcer = session::RelayAnnouncer::create(
        [&network, poolSettings](const std::string& relay) {
            return nostr::RelayPool::create(network, {relay}, poolSettings);
        },
        assembly->relays_, hostKey,
        // Shorter than the controller's publish step, so that the answer names each relay that failed.
        std::max<std::chrono::milliseconds>(1s, options.timeouts.publish * 8 / 10),
        [scheduler = assembly->scheduler_.get()] { return scheduler->nowUnixSeconds(); });
    if (!announcer) {
        return announcer.error();
    }
    assembly->announcer_ = std::move(*announcer);

    // The real-time channel (the seed backend's Socket.IO), when configured.
    const std::string chatUrl = settings.text(core::setting::chatUrl).toStdString();
    if (!chatUrl.empty()) {
        chat::SocketIoSettings socketSettings = chat::SocketIoSettings::defaults();
        socketSettings.webSocket.tls.extraCaFile = extraCaFile;
        socketSettings.reconnect = settings.reconnectConfig();
        assembly->channel_ = std::make_unique<session::BackendChannelPart>(network, chatUrl, std::move(socketSettings));
    }

    // The ingest.
    const QString provider =
        (options.provider.isEmpty() ? settings.text(core::setting::ingestProvider) : options.provider).toLower();
    const std::string backendUrl = settings.text(core::setting::backendUrl).toStdString();
    const auto makeBackend = [&]() -> core::Result<std::shared_ptr<cloud::IngestProvider>> {
        if (backendUrl.empty()) {
            return configuration("the seed backend is not configured: set backend/url (and chat/url for its channel)");
        }
        cloud::BackendClientSettings backendSettings;
        backendSettings.baseUrl = backendUrl;
        backendSettings.tls.extraCaFile = extraCaFile;
        auto client = cloud::BackendClient::create(network, std::move(backendSettings));
        if (!client) {
            return client.error();
        }
        return std::shared_ptr<cloud::IngestProvider>(
            std::make_shared<cloud::BackendIngestProvider>(std::shared_ptr<cloud::BackendClient>(std::move(*client)),
                                                           cloud::BackendIngestSettings{hostPublic->toHex()}));
    };
    if (provider == QLatin1String("custom")) {
        cloud::CustomRtmpSettings custom;
        custom.serverUrl = settings.text(core::setting::ingestRtmpUrl).toStdString();
        custom.hlsBaseUrl = settings.text(core::setting::ingestHlsBaseUrl).toStdString();
        custom.streamKey = options.streamKey.toStdString();
        if (custom.streamKey.empty()) {
            const auto server = net::Url::parse(custom.serverUrl);
            if (!server || !server->isLoopback()) {
                return configuration("give the stream key of " + custom.serverUrl +
                                     " with --stream-key (the local ingest accepts any key)");
            }
            custom.streamKey = options.eventId; // a local ingest: one key per event
        }
        auto created = cloud::CustomRtmpIngestProvider::create(std::move(custom));
        if (!created) {
            return created.error();
        }
        assembly->ingest_ = std::shared_ptr<cloud::IngestProvider>(std::move(*created));
    } else if (provider == QLatin1String("cloudinary")) {
        cloud::CloudinaryClientSettings clientSettings;
        clientSettings.apiBaseUrl = settings.text(core::setting::cloudinaryApiBaseUrl).toStdString();
        clientSettings.tls.extraCaFile = extraCaFile;
        auto credentials =
            cloudinaryCredentialsFor(settings, clientSettings.apiBaseUrl, err, QStringLiteral("hoststudio live"));
        if (!credentials) {
            return credentials.error();
        }
        auto client = cloud::CloudinaryClient::create(network, std::move(*credentials), clientSettings);
        if (!client) {
            return client.error();
        }
        const QString dataDirectory = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
        QDir().mkpath(dataDirectory);
        auto memory =
            std::make_shared<cloud::CloudinaryStreamMemory>(dataDirectory + QStringLiteral("/cloudinary-streams.json"));
        auto cloudinary = std::make_shared<cloud::CloudinaryIngestProvider>(
            std::shared_ptr<cloud::CloudinaryClient>(std::move(*client)), std::move(memory));
        if (!backendUrl.empty() && assembly->channel_) {
            auto backend = makeBackend();
            if (!backend) {
                return backend.error();
            }
            assembly->ingest_ = std::make_shared<cloud::FallbackIngestProvider>(cloudinary, *backend);
        } else {
            assembly->ingest_ = cloudinary;
        }
    } else if (provider == QLatin1String("backend")) {
        if (!assembly->channel_) {
            return configuration("the seed backend takes the media over its real-time channel: set chat/url");
        }
        auto backend = makeBackend();
        if (!backend) {
            return backend.error();
        }
        assembly->ingest_ = *backend;
    } else {
        return configuration("unknown ingest provider '" + provider.toStdString() +
                             "': use custom, cloudinary or backend (ingest/provider or --provider)");
    }

    // The media.
    const QString presetId = options.presetId.isEmpty() ? settings.text(core::setting::videoPreset) : options.presetId;
    auto encoder = encoderSettingsFor(presetId);
    if (!encoder) {
        return encoder.error();
    }
    media::LiveConfig base;
    base.encoder = *encoder;
    base.scene = options.scene;
    media::NetworkOutputConfig outputTemplate;
    outputTemplate.caFile = extraCaFile;
    outputTemplate.reconnect = settings.reconnectConfig();
    if (assembly->channel_) {
        media::ChunkStreamConfig chunks;
        chunks.onChunk = [channel = assembly->channel_.get()](std::span<const std::uint8_t> bytes, bool /*header*/) {
            (void)channel->sendStreamData(bytes); // a chunk while the channel is down is lost; the header is resent
        };
        base.chunkStream = std::move(chunks);
    }
    if (options.onPreviewFrame && !options.studio) {
        auto preview = media::FramePreview::create(media::PreviewSettings{}, options.onPreviewFrame);
        if (!preview) {
            return preview.error();
        }
        assembly->preview_ = *preview;
        base.preview = assembly->preview_;
    }
    assembly->media_ =
        std::make_unique<session::PipelineMediaPart>(std::move(base), std::move(outputTemplate), options.studio);
    if (assembly->channel_) {
        assembly->channel_->setOnReconnected([media = assembly->media_.get()] { media->restartChunkStream(); });
    }

    // The live chat: the channel's messages and the activity's kind-1311 events in one timeline.
    if (options.chat && !options.eventId.empty()) {
        auto pool = nostr::RelayPool::create(network, assembly->relays_, poolSettings);
        if (!pool) {
            return pool.error();
        }
        assembly->chatPool_ = std::move(*pool);
        assembly->chatNostrLink_ = std::make_unique<chat::RelayPoolChatLink>(*assembly->chatPool_);
        if (assembly->channel_) {
            assembly->chatBackendLink_ = std::make_unique<ChannelPartChatLink>(*assembly->channel_);
        }
        chat::ChatHubSettings chatSettings = chat::ChatHubSettings::defaults();
        chatSettings.activityAddress = nostr::liveActivityAddress(hostPublic->toHex(), options.eventId);
        chatSettings.relayHint = assembly->relays_.front();
        chatSettings.hostKey = hostKey;
        auto hub = chat::ChatHub::create(std::move(chatSettings), assembly->chatNostrLink_.get(),
                                         assembly->chatBackendLink_.get());
        if (!hub) {
            return hub.error();
        }
        assembly->chatHub_ = std::move(*hub);
        if (assembly->channel_) {
            assembly->channel_->setOnChannelMessage(
                [hub = assembly->chatHub_.get()](const chat::ChannelMessage& message) {
                    hub->addBackendMessage(message);
                });
        }
        if (const core::Status started = assembly->chatHub_->start(); !started.ok()) {
            err << "live: the chat from the relays is not available: "
                << QString::fromStdString(started.error().describe()) << Qt::endl;
        }
    }

    if (assembly->channel_) {
        // With the media over the channel, the backend makes the HLS: Go Live waits for its playlist.
        net::HttpClientSettings playbackSettings = net::HttpClientSettings::defaults();
        playbackSettings.tls.extraCaFile = extraCaFile;
        auto playback = session::HttpPlaybackCheck::create(network, std::move(playbackSettings));
        if (!playback) {
            return playback.error();
        }
        assembly->playback_ = std::move(*playback);
    }

    if (options.useJournal) {
        assembly->journal_ = std::make_unique<session::SessionJournal>(
            options.journalPath.isEmpty() ? session::SessionJournal::defaultPath()
                                          : std::filesystem::path(options.journalPath.toStdString()));
    }
    assembly->controller_ = std::make_unique<session::GoLiveController>(
        session::GoLiveController::Parts{*assembly->ingest_, *assembly->media_, *assembly->announcer_,
                                         assembly->channel_.get(), assembly->playback_.get()},
        *assembly->scheduler_, assembly->journal_.get(), options.timeouts);
    return assembly;
}

} // namespace hoststudio::app
