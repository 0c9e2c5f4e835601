// SPDX-License-Identifier: GPL-2.0-or-later
// The whole live session without a window, on the Go Live controller:
//
//   hoststudio live [--title T] [--summary S] [--event D] [--provider custom|cloudinary|backend]
//                   [--stream-key K] [--record FILE.mkv] [--duration S] [--preset NAME]
//                   [--key-file PATH] [--no-journal] [--republish-interval S] [--status-interval S]
//                   [--retry-interval S] [--chat-stdin]
//   hoststudio end [--key-file PATH]      ends the running session (asks its process), or a crashed
//                                         one's leftovers
//   hoststudio recover [--key-file PATH]  ends what a crashed session left behind, from its journal,
//                                         signing `ended` with the key that announced it (another
//                                         key is refused)
//
// stdout: JSON lines — {"event":"session",…} on every change of state, step or part, {"event":"live",…}
// with the URLs once live, {"event":"ended",…} at the end; stderr: the same in words. SIGINT/SIGTERM or
// --duration end the session (End takes at most a few seconds). Exit status 0 when the session went
// live and ended cleanly, 1 when Go Live failed or End left something behind, 2 on a usage error.
// A part that is degraded (a relay down, the channel unreachable, the ingest reporting the stream
// gone) is named on stderr ("live: degraded: nostr: …"), and again when it is back ("live: back: …").
// --republish-interval (default 60 s), --status-interval (the ingest's status, 10 s) and
// --retry-interval (the channel and an unaccepted event in the background, 15 s) change the
// session's intervals. The live chat (the backend channel's messages and the activity's kind-1311
// events, merged) is printed as {"event":"chat",…} lines; with --chat-stdin every line read from
// stdin is sent to it (a signed 1311 and a channel-message).
#include "../SessionAssembly.hpp"

#include "hoststudio/app/Verb.hpp"
#include "hoststudio/chat/ChatHub.hpp"
#include "hoststudio/core/Settings.hpp"
#include "hoststudio/nostr/Keys.hpp"
#include "hoststudio/session/SessionError.hpp"

#include <QCoreApplication>
#include <QSocketNotifier>
#include <QTimer>
#include <QUuid>

#include <nlohmann/json.hpp>

#include <chrono>
#include <csignal>
#include <cstring>
#include <map>
#include <optional>
#include <thread>
#include <utility>

#include <array>

#include <signal.h>
#include <sys/types.h>
#include <unistd.h>

namespace hoststudio::app {

namespace {

volatile std::sig_atomic_t gSessionStopSignal = 0; // NOLINT(cppcoreguidelines-avoid-non-const-global-variables)

extern "C" void onSessionStopSignal(int signalNumber)
{
    gSessionStopSignal = signalNumber;
}

using Json = nlohmann::ordered_json;

void printLine(QTextStream& out, const Json& line)
{
    out << QString::fromStdString(line.dump()) << Qt::endl;
}

Json partJson(const session::PartStatus& part)
{
    return Json{{"health", std::string(session::toString(part.health))}, {"detail", part.detail}};
}

Json snapshotJson(const session::SessionSnapshot& snapshot)
{
    Json line{{"event", "session"},
              {"state", std::string(session::toString(snapshot.state))},
              {"step", static_cast<int>(snapshot.step)},
              {"stepText", snapshot.stepText},
              {"degraded", snapshot.degraded},
              {"parts",
               {{"ingest", partJson(snapshot.ingest)},
                {"channel", partJson(snapshot.channel)},
                {"media", partJson(snapshot.media)},
                {"recording", partJson(snapshot.recording)},
                {"nostr", partJson(snapshot.nostr)}}},
              {"viewerCount", snapshot.viewerCount},
              {"viewerCountJoinedSoFar", snapshot.viewerCountJoinedSoFar}};
    if (snapshot.error) {
        line["error"] = snapshot.error.describe();
    }
    return line;
}

Json relaysJson(const std::vector<session::RelayOutcome>& relays)
{
    Json list = Json::array();
    for (const session::RelayOutcome& relay : relays) {
        list.push_back(Json{{"relay", relay.relay}, {"accepted", relay.accepted}, {"message", relay.message}});
    }
    return list;
}

// Names on stderr each part that became degraded or failed while live, and each that came back.
void reportParts(QTextStream& err, const session::SessionSnapshot& snapshot,
                 std::map<std::string, session::PartStatus>& shown)
{
    const std::pair<const char*, const session::PartStatus*> parts[] = {
        {"ingest", &snapshot.ingest},       {"channel", &snapshot.channel}, {"media", &snapshot.media},
        {"recording", &snapshot.recording}, {"nostr", &snapshot.nostr},
    };
    for (const auto& [name, part] : parts) {
        const bool down = part->health == session::PartHealth::degraded || part->health == session::PartHealth::failed;
        session::PartStatus& last = shown[name];
        const bool wasDown = last.health == session::PartHealth::degraded || last.health == session::PartHealth::failed;
        if (down && (!wasDown || last.detail != part->detail)) {
            err << "live: degraded: " << name << ": " << QString::fromStdString(part->detail) << Qt::endl;
        } else if (!down && wasDown && part->health == session::PartHealth::ok) {
            err << "live: back: " << name << ": " << QString::fromStdString(part->detail) << Qt::endl;
        }
        if (down || part->health == session::PartHealth::ok) {
            last = *part;
        }
    }
}

struct LiveOptions {
    SessionOptions session;
    QString title;
    QString summary;
    QString recordPath;
    double durationSeconds = 0.0;
    bool chatFromStdin = false; // each line read from stdin is sent to the chat
};

std::optional<LiveOptions> parseLiveOptions(const QStringList& arguments, QString& error)
{
    LiveOptions options;
    for (qsizetype index = 0; index < arguments.size(); ++index) {
        const QString& name = arguments[index];
        if (name == QLatin1String("--no-journal")) {
            options.session.useJournal = false;
            continue;
        }
        if (name == QLatin1String("--chat-stdin")) {
            options.chatFromStdin = true;
            continue;
        }
        static const QStringList withValue{
            QStringLiteral("--title"),           QStringLiteral("--summary"),
            QStringLiteral("--event"),           QStringLiteral("--provider"),
            QStringLiteral("--stream-key"),      QStringLiteral("--record"),
            QStringLiteral("--duration"),        QStringLiteral("--preset"),
            QStringLiteral("--key-file"),        QStringLiteral("--republish-interval"),
            QStringLiteral("--status-interval"), QStringLiteral("--retry-interval"),
        };
        if (!withValue.contains(name)) {
            error = QStringLiteral("unknown option ") + name;
            return std::nullopt;
        }
        if (index + 1 >= arguments.size()) {
            error = name + QStringLiteral(" needs a value");
            return std::nullopt;
        }
        const QString& value = arguments[++index];
        if (name == QLatin1String("--title")) {
            options.title = value;
        } else if (name == QLatin1String("--summary")) {
            options.summary = value;
        } else if (name == QLatin1String("--event")) {
            options.session.eventId = value.toStdString();
        } else if (name == QLatin1String("--provider")) {
            options.session.provider = value;
        } else if (name == QLatin1String("--stream-key")) {
            options.session.streamKey = value;
        } else if (name == QLatin1String("--record")) {
            options.recordPath = value;
        } else if (name == QLatin1String("--preset")) {
            options.session.presetId = value;
        } else if (name == QLatin1String("--key-file")) {
            options.session.keyFilePath = value;
        } else if (name == QLatin1String("--republish-interval") || name == QLatin1String("--status-interval") ||
                   name == QLatin1String("--retry-interval")) {
            bool ok = false;
            const double secondsValue = value.toDouble(&ok);
            if (!ok || !(secondsValue >= 0.1 && secondsValue <= 3600.0)) {
                error = QStringLiteral("invalid value for ") + name + QStringLiteral(": ") + value +
                        QStringLiteral(" (give seconds, from 0.1 to 3600)");
                return std::nullopt;
            }
            const auto interval = std::chrono::milliseconds(static_cast<std::int64_t>(secondsValue * 1000.0));
            session::SessionTimeouts& timeouts = options.session.timeouts;
            (name == QLatin1String("--republish-interval") ? timeouts.republishInterval
             : name == QLatin1String("--status-interval")  ? timeouts.ingestStatusPoll
                                                           : timeouts.backgroundRetry) = interval;
        } else if (name == QLatin1String("--duration")) {
            bool ok = false;
            options.durationSeconds = value.toDouble(&ok);
            if (!ok || options.durationSeconds <= 0.0) {
                error = QStringLiteral("invalid value for --duration: ") + value;
                return std::nullopt;
            }
        }
    }
    if (options.session.eventId.empty()) {
        // A new event: a stable, URL- and path-safe identifier.
        options.session.eventId = QUuid::createUuid().toString(QUuid::WithoutBraces).toStdString();
    }
    if (options.title.isEmpty()) {
        options.title = QStringLiteral("Live on HostStudio");
    }
    return options;
}

// Runs the event loop until `done` says so; signals end the session once.
// The live chat as JSON lines ({"event":"chat",…}: new and updated entries), and, with
// `fromStdin`, each line of stdin sent to it. Lives as long as the session's event loop.
class ChatConsole {
public:
    ChatConsole(chat::ChatHub* hub, QTextStream& out, QTextStream& err, bool fromStdin)
        : hub_(hub), out_(out), err_(err)
    {
        if (hub_ == nullptr) {
            return;
        }
        hub_->setUpdateNotifier([this] {
            QMetaObject::invokeMethod(
                &context_, [this] { print(); }, Qt::QueuedConnection);
        });
        if (fromStdin) {
            stdin_ = std::make_unique<QSocketNotifier>(STDIN_FILENO, QSocketNotifier::Read);
            QObject::connect(stdin_.get(), &QSocketNotifier::activated, &context_, [this] { readLine(); });
        }
    }
    ~ChatConsole()
    {
        if (hub_ != nullptr) {
            hub_->setUpdateNotifier({});
        }
    }
    ChatConsole(const ChatConsole&) = delete;
    ChatConsole& operator=(const ChatConsole&) = delete;

private:
    static Json deliveryJson(const std::optional<chat::Delivery>& delivery)
    {
        if (!delivery) {
            return nullptr;
        }
        return Json{{"state", std::string(chat::toString(delivery->state))},
                    {"acceptedBy", delivery->acceptedBy},
                    {"relayCount", delivery->relayCount},
                    {"echoed", delivery->echoed},
                    {"reason", delivery->reason}};
    }
    void print()
    {
        chat::ChatUpdate update = hub_->takeUpdates();
        for (const chat::ChatEntry& entry : update.changed) {
            printLine(out_, Json{{"event", "chat"},
                                 {"source", std::string(chat::toString(entry.source))},
                                 {"id", entry.id},
                                 {"author", entry.author},
                                 {"authorPubkey", entry.authorPubkey},
                                 {"timeMs", entry.timeMs},
                                 {"text", entry.text},
                                 {"nostr", deliveryJson(entry.nostr)},
                                 {"backend", deliveryJson(entry.backend)}});
        }
        if (update.more) {
            QMetaObject::invokeMethod(
                &context_, [this] { print(); }, Qt::QueuedConnection);
        }
    }
    void readLine()
    {
        std::array<char, 4096> buffer{};
        const ssize_t got = ::read(STDIN_FILENO, buffer.data(), buffer.size());
        if (got <= 0) {
            stdin_->setEnabled(false); // end of input: nothing more to send
            return;
        }
        pending_.append(buffer.data(), static_cast<std::size_t>(got));
        std::size_t newline = 0;
        while ((newline = pending_.find('\n')) != std::string::npos) {
            std::string line = pending_.substr(0, newline);
            pending_.erase(0, newline + 1);
            if (!line.empty() && line.back() == '\r') {
                line.pop_back();
            }
            if (line.empty()) {
                continue;
            }
            if (auto sent = hub_->send(line); !sent) {
                err_ << "live: chat not sent: " << QString::fromStdString(sent.error().describe()) << Qt::endl;
            }
        }
    }

    chat::ChatHub* hub_;
    QTextStream& out_;
    QTextStream& err_;
    QObject context_;
    std::unique_ptr<QSocketNotifier> stdin_;
    std::string pending_;
};

int runSession(VerbContext& context, SessionAssembly& assembly, const std::function<void()>& begin,
               double durationSeconds, bool chatFromStdin = false)
{
    ChatConsole chatConsole(assembly.chatHub(), context.out, context.err, chatFromStdin);
    session::GoLiveController& controller = assembly.controller();
    QTextStream& out = context.out;
    QTextStream& err = context.err;
    int exitCode = kExitOk;
    bool announcedLive = false;
    std::string lastLine;
    std::map<std::string, session::PartStatus> shownParts; // the last state of each part named on stderr
    controller.setObserver([&](const session::SessionSnapshot& snapshot) {
        const Json line = snapshotJson(snapshot);
        if (const std::string text = line.dump(); text != lastLine) {
            lastLine = text;
            out << QString::fromStdString(text) << Qt::endl;
        }
        if (snapshot.state == session::SessionState::live) {
            reportParts(err, snapshot, shownParts);
        }
        if (snapshot.state == session::SessionState::live && !announcedLive) {
            announcedLive = true;
            printLine(out, Json{{"event", "live"},
                                {"provider", snapshot.provider},
                                {"hlsPlaybackUrl", snapshot.hlsPlaybackUrl.value_or("")},
                                {"playerPageUrl", snapshot.playerPageUrl.value_or("")},
                                {"archiveUrl", snapshot.archiveUrl.value_or("")},
                                {"naddr", snapshot.naddr},
                                {"relays", relaysJson(snapshot.relays)}});
            err << "live: " << QString::fromStdString(snapshot.hlsPlaybackUrl.value_or("(no playback URL)"))
                << "  nostr:" << QString::fromStdString(snapshot.naddr) << Qt::endl;
        }
        if (snapshot.state == session::SessionState::ended || snapshot.state == session::SessionState::failed) {
            if (snapshot.state == session::SessionState::failed || !snapshot.leftovers.empty()) {
                exitCode = kExitFailure;
            }
            if (snapshot.error) {
                err << "live: " << QString::fromStdString(snapshot.error.describe()) << Qt::endl;
            }
            for (const std::string& leftover : snapshot.leftovers) {
                err << "live: left behind: " << QString::fromStdString(leftover) << Qt::endl;
            }
            printLine(out, Json{{"event", "ended"},
                                {"state", std::string(session::toString(snapshot.state))},
                                {"error", snapshot.error ? snapshot.error.describe() : std::string()},
                                {"leftovers", snapshot.leftovers},
                                {"relays", relaysJson(snapshot.relays)}});
            QTimer::singleShot(0, [&exitCode] { QCoreApplication::exit(exitCode); });
        }
    });

    gSessionStopSignal = 0;
    std::signal(SIGINT, &onSessionStopSignal);
    std::signal(SIGTERM, &onSessionStopSignal);
    QTimer signalPoll;
    bool ending = false;
    QObject::connect(&signalPoll, &QTimer::timeout, [&] {
        if (gSessionStopSignal != 0 && !ending) {
            ending = true;
            err << "live: ending" << Qt::endl;
            controller.end();
        }
    });
    signalPoll.start(50);
    QTimer durationTimer;
    durationTimer.setSingleShot(true);
    QObject::connect(&durationTimer, &QTimer::timeout, [&] {
        ending = true;
        controller.end();
    });
    bool durationArmed = false;
    QTimer liveWatch; // --duration counts from the moment the session is live
    QObject::connect(&liveWatch, &QTimer::timeout, [&] {
        if (!durationArmed && durationSeconds > 0.0 && controller.snapshot().state == session::SessionState::live) {
            durationArmed = true;
            durationTimer.start(static_cast<int>(durationSeconds * 1000.0));
        }
    });
    liveWatch.start(50);

    QTimer::singleShot(0, begin);
    const int code = QCoreApplication::exec();
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    controller.setObserver({});
    return code;
}

int failWith(VerbContext& context, const QString& command, const core::Error& error)
{
    context.err << command << ": " << QString::fromStdString(error.describe()) << Qt::endl;
    printLine(context.out, Json{{"event", "error"}, {"error", error.describe()}});
    return kExitFailure;
}

std::optional<session::JournalRecord> readJournal(VerbContext& context, const QString& command, int& exitCode)
{
    const session::SessionJournal journal(session::SessionJournal::defaultPath());
    auto record = journal.read();
    if (!record) {
        exitCode = failWith(context, command, record.error());
        return std::nullopt;
    }
    exitCode = kExitOk;
    return *record;
}

} // namespace

int runSessionLive(VerbContext& context, const media::SceneConfig& scene)
{
    QString usageError;
    auto options = parseLiveOptions(context.invocation.verbArguments, usageError);
    if (!options) {
        context.err << "live: " << usageError << Qt::endl;
        return kExitUsage;
    }
    options->session.scene = scene;
    if (options->session.useJournal) {
        int exitCode = kExitOk;
        const auto previous = readJournal(context, QStringLiteral("live"), exitCode);
        if (exitCode != kExitOk) {
            return exitCode;
        }
        if (previous) {
            const bool running = session::isSessionProcessRunning(*previous);
            return failWith(context, QStringLiteral("live"),
                            core::Error{session::SessionErrc::alreadyLive,
                                        running ? "a session is running in process " +
                                                      std::to_string(*previous->processId) +
                                                      ": end it first with `hoststudio end`"
                                                : "a previous session of event " + previous->eventId +
                                                      " did not end cleanly: run `hoststudio recover` first"});
        }
    }
    auto assembly = SessionAssembly::create(context.settings, options->session, context.err);
    if (!assembly) {
        return failWith(context, QStringLiteral("live"), assembly.error());
    }
    session::GoLiveRequest request;
    request.activity.identifier = options->session.eventId;
    request.activity.title = options->title.toStdString();
    request.activity.summary = options->summary.toStdString();
    request.activity.relays = (*assembly)->relays();
    if (!options->recordPath.isEmpty()) {
        request.recordingPath = options->recordPath.toStdString();
    }
    SessionAssembly& parts = **assembly;
    int startExit = kExitOk;
    const int code = runSession(
        context, parts,
        [&] {
            if (const core::Status started = parts.controller().goLive(request); !started) {
                startExit = failWith(context, QStringLiteral("live"), started.error());
                QCoreApplication::exit(startExit);
            }
        },
        options->durationSeconds, options->chatFromStdin);
    return startExit != kExitOk ? startExit : code;
}

// recover's options: --key-file PATH (or --key-file=PATH), the host's key as for `live`.
std::optional<QString> parseRecoverOptions(const QStringList& arguments, QString& error)
{
    QString keyFile;
    for (qsizetype index = 0; index < arguments.size(); ++index) {
        const QString& argument = arguments[index];
        if (argument.startsWith(QLatin1String("--key-file="))) {
            keyFile = argument.mid(static_cast<qsizetype>(std::strlen("--key-file=")));
        } else if (argument == QLatin1String("--key-file")) {
            if (index + 1 >= arguments.size()) {
                error = QStringLiteral("--key-file needs a value");
                return std::nullopt;
            }
            keyFile = arguments[++index];
        } else {
            error = QStringLiteral("unknown option ") + argument + QStringLiteral(" (recover takes --key-file PATH)");
            return std::nullopt;
        }
    }
    return keyFile;
}

int runRecoverVerb(VerbContext& context)
{
    QString usageError;
    const auto keyFile = parseRecoverOptions(context.invocation.verbArguments, usageError);
    if (!keyFile) {
        context.err << "recover: " << usageError << Qt::endl;
        return kExitUsage;
    }
    int exitCode = kExitOk;
    const auto record = readJournal(context, QStringLiteral("recover"), exitCode);
    if (exitCode != kExitOk) {
        return exitCode;
    }
    if (!record) {
        context.err << "recover: no session journal: nothing to recover" << Qt::endl;
        printLine(context.out, Json{{"event", "ended"}, {"state", "idle"}, {"leftovers", Json::array()}});
        return kExitOk;
    }
    if (session::isSessionProcessRunning(*record) && *record->processId != ::getpid()) {
        return failWith(context, QStringLiteral("recover"),
                        core::Error{session::SessionErrc::alreadyLive, "the session is still running in process " +
                                                                           std::to_string(*record->processId) +
                                                                           ": end it with `hoststudio end`"});
    }
    SessionOptions options;
    options.chat = false; // only ending here
    options.eventId = record->eventId;
    options.provider = QString::fromStdString(record->provider.empty() ? std::string("custom") : record->provider);
    options.streamKey = QString::fromStdString(record->eventId); // stopping needs the id, never the key
    options.keyFilePath = *keyFile;
    auto assembly = SessionAssembly::create(context.settings, options, context.err);
    if (!assembly) {
        return failWith(context, QStringLiteral("recover"), assembly.error());
    }
    SessionAssembly& parts = **assembly;
    if (record->livePublished && !record->hostPublicKeyHex.empty() &&
        parts.hostPublicKeyHex() != record->hostPublicKeyHex) {
        // Another key's `ended` would be another author's event: relays would still show the host's as live.
        const auto needed = nostr::PublicKey::fromHex(record->hostPublicKeyHex);
        const std::string neededText = needed ? needed->toNpub() : record->hostPublicKeyHex;
        return failWith(context, QStringLiteral("recover"),
                        core::Error{session::SessionErrc::invalidRequest,
                                    "the session of event " + record->eventId + " was announced with the key " +
                                        neededText +
                                        ", not with the key given: run recover with that key "
                                        "(--key-file PATH, or the key kept in the settings)"});
    }
    context.err << "recover: ending the session of event " << QString::fromStdString(record->eventId) << Qt::endl;
    int startExit = kExitOk;
    const int code = runSession(
        context, parts,
        [&] {
            if (const core::Status recovering = parts.controller().recover(*record); !recovering) {
                startExit = failWith(context, QStringLiteral("recover"), recovering.error());
                QCoreApplication::exit(startExit);
            }
        },
        0.0);
    return startExit != kExitOk ? startExit : code;
}

int runEndVerb(VerbContext& context)
{
    int exitCode = kExitOk;
    const auto record = readJournal(context, QStringLiteral("end"), exitCode);
    if (exitCode != kExitOk) {
        return exitCode;
    }
    if (!record) {
        context.err << "end: no session is running" << Qt::endl;
        printLine(context.out, Json{{"event", "ended"}, {"state", "idle"}, {"leftovers", Json::array()}});
        return kExitOk;
    }
    // Only the studio's own process is asked: a process that merely got the dead session's id is
    // left alone (the journal's start time names the process, not just its id).
    if (session::isSessionProcessRunning(*record)) {
        const auto processId = static_cast<pid_t>(*record->processId);
        context.err << "end: asking process " << processId << " to end its session" << Qt::endl;
        ::kill(processId, SIGTERM);
        // End takes at most a few seconds; give it twice that.
        for (int waited = 0; waited < 200 && session::isProcessRunning(*record->processId); ++waited) {
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        if (session::isProcessRunning(*record->processId)) {
            return failWith(context, QStringLiteral("end"),
                            core::Error{session::SessionErrc::stepTimedOut,
                                        "process " + std::to_string(processId) +
                                            " did not end within 20 s: stop it, then run `hoststudio recover`"});
        }
        const session::SessionJournal journal(session::SessionJournal::defaultPath());
        const auto after = journal.read();
        if (after && !after->has_value()) {
            printLine(context.out, Json{{"event", "ended"}, {"state", "ended"}, {"leftovers", Json::array()}});
            return kExitOk;
        }
    }
    return runRecoverVerb(context);
}

} // namespace hoststudio::app
