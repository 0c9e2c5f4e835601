// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/app/WindowSession.hpp"

#include "SessionAssembly.hpp"

#include "hoststudio/app/NostrKeySource.hpp"
#include "hoststudio/core/Settings.hpp"
#include "hoststudio/net/NetworkThread.hpp"
#include "hoststudio/net/TlsSettings.hpp"
#include "hoststudio/nostr/RelayPool.hpp"

#include <QCoreApplication>
#include <QMetaObject>
#include <QPointer>
#include <QTextStream>

#include <chrono>
#include <set>
#include <thread>

namespace hoststudio::app {

namespace {

class AssembledSession final : public ui::StudioSession {
public:
    explicit AssembledSession(std::unique_ptr<SessionAssembly> assembly) : assembly_(std::move(assembly)) {}

    session::GoLiveController& controller() override { return assembly_->controller(); }
    [[nodiscard]] std::string providerName() const override { return assembly_->providerName(); }
    [[nodiscard]] std::vector<std::string> relays() const override { return assembly_->relays(); }
    std::optional<media::LiveStats> sampleStats() override { return assembly_->sampleMediaStats(); }
    chat::ChatHub* chatHub() override { return assembly_->chatHub(); }
    std::optional<media::SceneStats> sampleScene() override { return assembly_->sampleScene(); }
    void setMicrophoneMuted(bool muted) override { assembly_->setMicrophoneMuted(muted); }

private:
    std::unique_ptr<SessionAssembly> assembly_;
};

} // namespace

ui::StudioSessionFactory makeWindowSessionFactory(const core::Settings& settings)
{
    return [&settings](const ui::StudioSessionRequest& request,
                       QString& notes) -> core::Result<std::unique_ptr<ui::StudioSession>> {
        SessionOptions options;
        options.eventId = request.eventId;
        options.provider = request.provider;
        options.onPreviewFrame = request.onPreviewFrame;
        options.studio = request.studio;
        if (request.scene) {
            options.scene = *request.scene;
        }
        options.chat = !request.recovering;
        if (request.recovering) {
            options.streamKey = QString::fromStdString(request.eventId); // stopping needs the id, never the key
        }
        QTextStream noteStream(&notes);
        auto assembly = SessionAssembly::create(settings, options, noteStream);
        noteStream.flush();
        if (!assembly) {
            return assembly.error();
        }
        return std::unique_ptr<ui::StudioSession>(std::make_unique<AssembledSession>(std::move(*assembly)));
    };
}

ui::StudioFactory makeStudioFactory(const core::Settings& settings)
{
    return [&settings](const media::SceneConfig& scene, std::function<void(media::PreviewFrame frame)> onPreviewFrame)
               -> core::Result<std::shared_ptr<media::LivePipeline>> {
        auto encoder = encoderSettingsFor(settings.text(core::setting::videoPreset));
        if (!encoder) {
            return encoder.error();
        }
        media::LiveConfig config;
        config.encoder = *encoder;
        config.scene = scene;
        return media::startStudio(std::move(config), std::move(onPreviewFrame));
    };
}

std::function<bool()> makeNostrKeyCheck(const core::Settings& settings)
{
    return [&settings] {
        const auto key = loadNostrKey(nostrKeySourcesFromEnvironment({}, settings));
        return key.ok() || !(key.error() == NostrKeyErrc::notConfigured);
    };
}

std::jthread preloadTlsContext(const core::Settings& settings)
{
    net::TlsSettings tls;
    tls.extraCaFile = settings.text(core::setting::tlsExtraCaFile).toStdString();
    // A bad CA file is reported by Go Live, which makes the context again.
    return std::jthread([tls = std::move(tls)] { (void)net::TlsContextFactory::create(tls); });
}

ui::HostEventsLister makeHostEventsLister(const core::Settings& settings)
{
    return [&settings](std::function<void(core::Result<std::vector<nostr::LiveActivity>>)> done) {
        // The key on this thread (a keyring needs it), the relays' answers on a worker.
        auto key = loadNostrKey(nostrKeySourcesFromEnvironment({}, settings));
        if (!key) {
            done(key.error());
            return;
        }
        auto author = key->secretKey.publicKey();
        if (!author) {
            done(author.error());
            return;
        }
        std::vector<std::string> relays;
        for (const QString& relay : settings.textList(core::setting::nostrRelays)) {
            if (!relay.trimmed().isEmpty()) {
                relays.push_back(relay.trimmed().toStdString());
            }
        }
        nostr::RelayPoolSettings poolSettings;
        poolSettings.webSocket.tls.extraCaFile = settings.text(core::setting::tlsExtraCaFile).toStdString();
        std::thread([relays = std::move(relays), authorHex = author->toHex(), poolSettings,
                     done = std::move(done)]() mutable {
            core::Result<std::vector<nostr::LiveActivity>> result = std::vector<nostr::LiveActivity>{};
            net::NetworkThread network;
            auto pool = nostr::RelayPool::create(network, relays, poolSettings);
            if (!pool) {
                result = pool.error();
            } else {
                nostr::Filter filter;
                filter.kinds = {nostr::EventKind{30311}};
                filter.authors = {authorHex};
                filter.limit = 100;
                auto events = (*pool)->query({filter}, std::chrono::seconds(5));
                if (!events) {
                    result = events.error();
                } else {
                    std::set<std::string> seen; // newest first: the first of each `d` is its current version
                    for (const nostr::Event& event : *events) {
                        auto activity = nostr::LiveActivity::fromEvent(event);
                        if (activity && seen.insert(activity->identifier).second) {
                            result->push_back(std::move(*activity));
                        }
                    }
                }
                pool->reset();
            }
            QMetaObject::invokeMethod(
                QCoreApplication::instance(),
                [done = std::move(done), result = std::move(result)]() mutable { done(std::move(result)); },
                Qt::QueuedConnection);
        }).detach();
    };
}

} // namespace hoststudio::app
