// SPDX-License-Identifier: GPL-2.0-or-later
// The studio window's event loop under load: the real window on a real session (the settings
// given), a 5 ms heartbeat timer on the UI thread measuring how late each tick fires. Types a
// title, clicks Go Live, stays live for --live-seconds (a chat storm from the configured relay and
// channel lands in the dock meanwhile), clicks End; prints one JSON line with, per phase (going
// live, live, ending), the ticks, the longest block and the 99th percentile, in milliseconds.
//
//   hoststudio-ui-latency --config FILE [--title T] [--event D --author HEX] [--live-seconds S]
#include "hoststudio/app/WindowSession.hpp"
#include "hoststudio/core/Settings.hpp"
#include "hoststudio/nostr/Nip19.hpp"
#include "hoststudio/ui/MainWindow.hpp"

#include <QApplication>
#include <QElapsedTimer>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QTest>
#include <QTimer>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

namespace {

constexpr int kTickMs = 5;

struct Phase {
    std::vector<double> lateMs;
};

double percentile(std::vector<double> values, double fraction)
{
    if (values.empty()) {
        return 0.0;
    }
    std::sort(values.begin(), values.end());
    const auto index = static_cast<std::size_t>(fraction * static_cast<double>(values.size() - 1));
    return values[index];
}

} // namespace

int main(int argc, char** argv)
{
    QApplication application(argc, argv);
    QString config;
    QString title = QStringLiteral("Event loop benchmark");
    QString event;
    QString author;
    int liveSeconds = 20;
    const QStringList arguments = QCoreApplication::arguments();
    for (qsizetype index = 1; index + 1 < arguments.size(); index += 2) {
        const QString& name = arguments[index];
        const QString& value = arguments[index + 1];
        if (name == QLatin1String("--config")) {
            config = value;
        } else if (name == QLatin1String("--title")) {
            title = value;
        } else if (name == QLatin1String("--event")) {
            event = value;
        } else if (name == QLatin1String("--author")) {
            author = value;
        } else if (name == QLatin1String("--live-seconds")) {
            liveSeconds = value.toInt();
        }
    }
    if (config.isEmpty() || liveSeconds <= 0) {
        std::fprintf(stderr, "usage: hoststudio-ui-latency --config FILE [--title T] [--event D] [--live-seconds S]\n");
        return 2;
    }
    auto settings = hoststudio::core::Settings::openFile(config);
    if (!settings) {
        std::fprintf(stderr, "hoststudio-ui-latency: %s\n", settings.error().describe().c_str());
        return 1;
    }
    (void)settings->set(hoststudio::core::setting::confirmEndStream, false);
    hoststudio::ui::MainWindow window(*settings, hoststudio::app::makeWindowSessionFactory(*settings));
    window.show();
    if (!QTest::qWaitForWindowExposed(&window)) {
        std::fprintf(stderr, "hoststudio-ui-latency: the window was not shown\n");
        return 1;
    }

    std::string phase = "idle";
    std::map<std::string, Phase> phases;
    QElapsedTimer clock;
    clock.start();
    qint64 last = clock.nsecsElapsed();
    QTimer heartbeat;
    heartbeat.setTimerType(Qt::PreciseTimer);
    heartbeat.setInterval(kTickMs);
    QObject::connect(&heartbeat, &QTimer::timeout, [&] {
        const qint64 now = clock.nsecsElapsed();
        const double late = static_cast<double>(now - last) / 1e6 - kTickMs;
        last = now;
        phases[phase].lateMs.push_back(std::max(0.0, late));
    });
    heartbeat.start();

    auto* titleInput = window.findChild<QLineEdit*>(QStringLiteral("eventTitleInput"));
    auto* button = window.findChild<QPushButton*>(QStringLiteral("goLiveButton"));
    auto* timeline = window.findChild<QListWidget*>(QStringLiteral("chatTimeline"));
    titleInput->setText(title);
    if (!event.isEmpty()) {
        // The event the storm is about: opened by its naddr, as a host would.
        hoststudio::nostr::NaddrEntity address;
        address.identifier = event.toStdString();
        address.kind = 30311;
        const auto bytes = QByteArray::fromHex(author.toLatin1());
        if (bytes.size() != 32) {
            std::fprintf(stderr, "hoststudio-ui-latency: --author must be 64 hex digits\n");
            return 2;
        }
        std::copy(bytes.begin(), bytes.end(), address.author.begin());
        auto naddr = hoststudio::nostr::encodeNip19(address);
        window.findChild<QLineEdit*>(QStringLiteral("naddrInput"))->setText(QString::fromStdString(naddr.value()));
        window.findChild<QPushButton*>(QStringLiteral("openEventButton"))->click();
        if (window.eventId() != event.toStdString()) {
            std::fprintf(stderr, "hoststudio-ui-latency: the event did not open\n");
            return 1;
        }
    }
    QTest::qWait(500);
    phase = "goingLive";
    button->click();
    if (!QTest::qWaitFor([&] { return button->text() == QStringLiteral("End Stream"); }, 60000)) {
        std::fprintf(stderr, "hoststudio-ui-latency: not live within 60 s\n");
        return 1;
    }
    phase = "live";
    QTest::qWait(liveSeconds * 1000);
    const int chatShown = timeline->count();
    phase = "ending";
    button->click();
    if (!QTest::qWaitFor([&] { return button->text() == QStringLiteral("Go Live"); }, 30000)) {
        std::fprintf(stderr, "hoststudio-ui-latency: not ended within 30 s\n");
        return 1;
    }
    heartbeat.stop();

    nlohmann::ordered_json result;
    for (const char* name : {"goingLive", "live", "ending"}) {
        const std::vector<double>& late = phases[name].lateMs;
        result[name] = {{"ticks", late.size()},
                        {"longestBlockMs", late.empty() ? 0.0 : *std::max_element(late.begin(), late.end())},
                        {"p99LateMs", percentile(late, 0.99)}};
    }
    result["chatEntriesShown"] = chatShown;
    std::printf("%s\n", result.dump().c_str());
    return 0;
}
