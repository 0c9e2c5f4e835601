// SPDX-License-Identifier: GPL-2.0-or-later
// The studio window's event loop under load: the real window on a real session (the settings
// given), a 5 ms heartbeat timer on the UI thread measuring how late each tick fires. Types a
// title, clicks Go Live, stays live for --live-seconds (a chat storm from the configured relay and
// channel lands in the dock meanwhile), clicks End; prints one JSON line with, per phase (going
// live, live, ending), the ticks, the longest block and the 99th percentile, in milliseconds; and
// what blocked: the UI thread's own CPU time and context switches during the longest block (CPU
// near the block's length: our code ran; near zero with preemptions: the thread was runnable but not
// scheduled; with waits: it blocked on a lock or I/O), and the slowest event deliveries of the phase
// (receiver, event type, wall and CPU milliseconds, waits, preemptions).
//
//   hoststudio-ui-latency --config FILE [--title T] [--event D --author HEX] [--live-seconds S]
#include "hoststudio/app/WindowSession.hpp"
#include "hoststudio/core/Settings.hpp"
#include "hoststudio/nostr/Nip19.hpp"
#include "hoststudio/ui/MainWindow.hpp"

#include <QApplication>
#include <QElapsedTimer>
#include <QEvent>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QTest>
#include <QThread>
#include <QTimer>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include <sys/resource.h>
#include <time.h>

namespace {

constexpr int kTickMs = 5;
constexpr std::size_t kSlowestKept = 5;

// The calling thread's CPU time and context switches: waits (it blocked: a lock, I/O) and
// preemptions (it was runnable but another thread ran).
struct ThreadUsage {
    std::int64_t cpuNs = 0;
    long waits = 0;
    long preemptions = 0;

    static ThreadUsage now()
    {
        ThreadUsage usage;
        timespec cpu{};
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu);
        usage.cpuNs = std::int64_t{cpu.tv_sec} * 1000000000 + cpu.tv_nsec;
        rusage counts{};
        getrusage(RUSAGE_THREAD, &counts);
        usage.waits = counts.ru_nvcsw;
        usage.preemptions = counts.ru_nivcsw;
        return usage;
    }
};

// What one stretch of the UI thread's time was made of.
struct Spent {
    double cpuMs = 0.0;
    long waits = 0;
    long preemptions = 0;

    static Spent between(const ThreadUsage& before, const ThreadUsage& after)
    {
        return {static_cast<double>(after.cpuNs - before.cpuNs) / 1e6, after.waits - before.waits,
                after.preemptions - before.preemptions};
    }
    [[nodiscard]] nlohmann::ordered_json json() const
    {
        return {{"cpuMs", cpuMs}, {"waits", waits}, {"preemptions", preemptions}};
    }
};

struct Delivery {
    std::string receiver; // class and object name
    int eventType = 0;
    double wallMs = 0.0;
    Spent spent;
};

struct Phase {
    std::vector<double> lateMs;
    double longestBlockMs = 0.0;
    Spent longestBlockSpent;       // the UI thread's CPU time and switches during the longest block
    std::vector<Delivery> slowest; // the slowest event deliveries, slowest first
};

std::string phaseName = "idle";
std::map<std::string, Phase> phases;

// Times every event the UI thread delivers (outermost deliveries only; nested loops count in the
// delivery that runs them).
class TimedApplication final : public QApplication {
public:
    using QApplication::QApplication;

    bool notify(QObject* receiver, QEvent* event) override
    {
        if (depth_ > 0 || QThread::currentThread() != thread()) {
            return QApplication::notify(receiver, event);
        }
        const char* className = receiver->metaObject()->className();
        const QString objectName = receiver->objectName();
        const int type = event->type();
        const ThreadUsage before = ThreadUsage::now();
        timer_.start();
        ++depth_;
        const bool handled = QApplication::notify(receiver, event);
        --depth_;
        const double wallMs = static_cast<double>(timer_.nsecsElapsed()) / 1e6;
        std::vector<Delivery>& slowest = phases[phaseName].slowest;
        if (slowest.size() < kSlowestKept || wallMs > slowest.back().wallMs) {
            Delivery delivery{std::string(className) + (objectName.isEmpty() ? "" : " " + objectName.toStdString()),
                              type, wallMs, Spent::between(before, ThreadUsage::now())};
            slowest.insert(std::upper_bound(slowest.begin(), slowest.end(), delivery,
                                            [](const Delivery& a, const Delivery& b) { return a.wallMs > b.wallMs; }),
                           std::move(delivery));
            if (slowest.size() > kSlowestKept) {
                slowest.pop_back();
            }
        }
        return handled;
    }

private:
    int depth_ = 0;
    QElapsedTimer timer_;
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
    TimedApplication application(argc, argv);
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
    const std::jthread tlsPreload = hoststudio::app::preloadTlsContext(*settings); // as the studio does at start
    hoststudio::ui::MainWindow window(*settings, hoststudio::app::makeWindowSessionFactory(*settings));
    window.show();
    if (!QTest::qWaitForWindowExposed(&window)) {
        std::fprintf(stderr, "hoststudio-ui-latency: the window was not shown\n");
        return 1;
    }

    std::string& phase = phaseName;
    QElapsedTimer clock;
    clock.start();
    qint64 last = clock.nsecsElapsed();
    ThreadUsage lastUsage = ThreadUsage::now();
    QTimer heartbeat;
    heartbeat.setTimerType(Qt::PreciseTimer);
    heartbeat.setInterval(kTickMs);
    QObject::connect(&heartbeat, &QTimer::timeout, [&] {
        const qint64 now = clock.nsecsElapsed();
        const ThreadUsage usage = ThreadUsage::now();
        const double late = std::max(0.0, static_cast<double>(now - last) / 1e6 - kTickMs);
        Phase& current = phases[phase];
        if (current.lateMs.empty() || late > current.longestBlockMs) {
            current.longestBlockMs = late;
            current.longestBlockSpent = Spent::between(lastUsage, usage);
        }
        last = now;
        lastUsage = usage;
        current.lateMs.push_back(late);
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
    QTest::mouseClick(button, Qt::LeftButton); // through the event loop, as a host clicks
    if (!QTest::qWaitFor([&] { return button->text() == QStringLiteral("End Stream"); }, 60000)) {
        std::fprintf(stderr, "hoststudio-ui-latency: not live within 60 s\n");
        return 1;
    }
    phase = "live";
    QTest::qWait(liveSeconds * 1000);
    const int chatShown = timeline->count();
    phase = "ending";
    QTest::mouseClick(button, Qt::LeftButton); // through the event loop, as a host clicks
    if (!QTest::qWaitFor([&] { return button->text() == QStringLiteral("Go Live"); }, 30000)) {
        std::fprintf(stderr, "hoststudio-ui-latency: not ended within 30 s\n");
        return 1;
    }
    heartbeat.stop();

    nlohmann::ordered_json result;
    for (const char* name : {"goingLive", "live", "ending"}) {
        const std::vector<double>& late = phases[name].lateMs;
        nlohmann::ordered_json slowest = nlohmann::json::array();
        for (const Delivery& delivery : phases[name].slowest) {
            nlohmann::ordered_json entry = {
                {"receiver", delivery.receiver}, {"eventType", delivery.eventType}, {"wallMs", delivery.wallMs}};
            entry.update(delivery.spent.json());
            slowest.push_back(std::move(entry));
        }
        result[name] = {{"ticks", late.size()},
                        {"longestBlockMs", phases[name].longestBlockMs},
                        {"longestBlock", phases[name].longestBlockSpent.json()},
                        {"p99LateMs", percentile(late, 0.99)},
                        {"slowestEvents", slowest}};
    }
    result["chatEntriesShown"] = chatShown;
    std::printf("%s\n", result.dump().c_str());
    return 0;
}
