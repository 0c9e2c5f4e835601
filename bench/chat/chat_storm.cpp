// SPDX-License-Identifier: GPL-2.0-or-later
// hoststudio-chat-storm: a ChatHub fed by a Socket.IO server and a relay that storm it, consumed on
// a Qt thread the way the studio's chat view does (woken by the hub's notifier, one batch per
// event-loop turn, each entry turned into the QString a view would show). A 10 ms QTimer
// heartbeat on that thread measures the longest time it was kept from running; VmRSS is sampled
// on every heartbeat. Run by bench/chat/run.sh.
//
//   hoststudio-chat-storm --backend URL --relay URL --address 30311:<hex>:<d> --seconds N
//
// Prints one JSON line: the hub's counters, the entries the consumer saw, batches, the baseline
// and peak RSS (kB), and the longest heartbeat gap beyond its interval (ms).
//
// Owner: the main thread is the consumer (Qt); the hub's inputs run on the network thread.

#include "hoststudio/chat/BackendChannel.hpp"
#include "hoststudio/chat/ChatHub.hpp"
#include "hoststudio/net/NetworkThread.hpp"
#include "hoststudio/nostr/RelayPool.hpp"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QMetaObject>
#include <QString>
#include <QTimer>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <string>

namespace {

long residentKilobytes()
{
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("VmRSS:", 0) == 0) {
            return std::stol(line.substr(6));
        }
    }
    return -1;
}

int usage(const char* why)
{
    std::fprintf(stderr,
                 "hoststudio-chat-storm: %s\nusage: hoststudio-chat-storm --backend URL --relay URL "
                 "--address 30311:<hex>:<d> --seconds N\n",
                 why);
    return 2;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication application(argc, argv);
    std::map<std::string, std::string> options;
    for (int index = 1; index + 1 < argc; index += 2) {
        options[argv[index]] = argv[index + 1];
    }
    for (const char* required : {"--backend", "--relay", "--address", "--seconds"}) {
        if (!options.contains(required)) {
            return usage((std::string("missing ") + required).c_str());
        }
    }
    int seconds = 0;
    try {
        seconds = std::stoi(options["--seconds"]);
    } catch (const std::exception&) {
        return usage("--seconds must be a number");
    }
    if (seconds < 1 || seconds > 600) {
        return usage("--seconds must be 1–600");
    }

    using namespace hoststudio;
    net::NetworkThread network;
    auto channel = chat::BackendChannel::create(network, chat::SocketIoSettings::defaults());
    if (!channel.ok()) {
        return usage(channel.error().describe().c_str());
    }
    nostr::RelayPoolSettings poolSettings;
    auto pool = nostr::RelayPool::create(network, {options["--relay"]}, poolSettings);
    if (!pool.ok()) {
        return usage(pool.error().describe().c_str());
    }
    chat::RelayPoolChatLink relayLink(*pool.value());
    chat::BackendChannelChatLink backendLink(*channel.value());
    chat::ChatHubSettings settings;
    settings.activityAddress = options["--address"];
    auto created = chat::ChatHub::create(settings, &relayLink, &backendLink);
    if (!created.ok()) {
        return usage(created.error().describe().c_str());
    }
    std::unique_ptr<chat::ChatHub> hub = std::move(created.value());

    // The consumer: one batch per event-loop turn, as the chat view takes them.
    std::uint64_t seen = 0;
    std::uint64_t removedSeen = 0;
    std::uint64_t batches = 0;
    std::size_t largestBatch = 0;
    std::size_t textBytes = 0;
    std::atomic<bool> wakeQueued{false};
    hub->setUpdateNotifier([&] {
        if (!wakeQueued.exchange(true)) {
            QMetaObject::invokeMethod(
                &application,
                [&] {
                    wakeQueued = false;
                    const chat::ChatUpdate update = hub->takeUpdates();
                    ++batches;
                    largestBatch = std::max(largestBatch, update.changed.size());
                    seen += update.changed.size();
                    removedSeen += update.removed.size();
                    for (const chat::ChatEntry& entry : update.changed) {
                        const QString line = QString::fromStdString(entry.author) + QStringLiteral(": ") +
                                             QString::fromStdString(entry.text);
                        textBytes += static_cast<std::size_t>(line.size());
                    }
                },
                Qt::QueuedConnection);
        }
    });

    chat::BackendChannelHandlers handlers;
    chat::ChatHub* hubPointer = hub.get();
    handlers.onChannelMessage = [hubPointer](const chat::ChannelMessage& message) {
        hubPointer->addBackendMessage(message);
    };
    channel.value()->connect(options["--backend"], std::move(handlers));
    if (const core::Status started = hub->start(); !started.ok()) {
        return usage(started.error().describe().c_str());
    }

    // The heartbeat on the consumer thread.
    constexpr int heartbeatMs = 10;
    QElapsedTimer clock;
    clock.start();
    qint64 lastBeat = -1;
    qint64 longestGapMs = 0;
    const long baselineKb = residentKilobytes();
    long peakKb = baselineKb;
    QTimer heartbeat;
    heartbeat.setTimerType(Qt::PreciseTimer);
    heartbeat.setInterval(heartbeatMs);
    QObject::connect(&heartbeat, &QTimer::timeout, [&] {
        const qint64 now = clock.elapsed();
        if (lastBeat >= 0) {
            longestGapMs = std::max(longestGapMs, now - lastBeat - heartbeatMs);
        }
        lastBeat = now;
        peakKb = std::max(peakKb, residentKilobytes());
    });
    heartbeat.start();
    // The storm starts once both sides are connected (about a second), lasts `seconds`, then the
    // queue drains.
    QTimer::singleShot((seconds + 6) * 1000, &application, [&] { application.quit(); });
    application.exec();
    heartbeat.stop();

    hub->stop();
    const chat::ChatHubStats stats = hub->stats();
    std::printf("{\"accepted\":%llu,\"duplicates\":%llu,\"rejectedUtf8\":%llu,\"rejectedOther\":%llu,"
                "\"dropped\":%llu,\"profiles\":%llu,\"history\":%zu,\"consumerSaw\":%llu,\"consumerRemoved\":%llu,"
                "\"batches\":%llu,\"largestBatch\":%zu,\"baselineRssKb\":%ld,\"peakRssKb\":%ld,"
                "\"longestBlockMs\":%lld,\"heartbeatMs\":%d,\"displayedChars\":%zu}\n",
                static_cast<unsigned long long>(stats.accepted), static_cast<unsigned long long>(stats.duplicates),
                static_cast<unsigned long long>(stats.rejectedUtf8),
                static_cast<unsigned long long>(stats.rejectedOther), static_cast<unsigned long long>(stats.dropped),
                static_cast<unsigned long long>(stats.profiles), hub->snapshot().size(),
                static_cast<unsigned long long>(seen), static_cast<unsigned long long>(removedSeen),
                static_cast<unsigned long long>(batches), largestBatch, baselineKb, peakKb,
                static_cast<long long>(longestGapMs), heartbeatMs, textBytes);
    hub.reset();
    channel.value()->close();
    return 0;
}
