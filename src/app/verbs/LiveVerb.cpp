// SPDX-License-Identifier: GPL-2.0-or-later
// `hoststudio live`: stream a scene without a window, print statistics as JSON lines.
//
//   hoststudio live --source screen|camera[:ID]|file:PATH|image:PATH|synthetic-camera|testpattern
//                   --to rtmp://HOST/APP/KEY [--to …] [--record FILE.mkv]
//                   [--camera SRC] [--layout screen|camera|pip|side|slate]
//                   [--pip-corner top-left|top-right|bottom-left|bottom-right] [--pip-size 0.1–0.5]
//                   [--mic DEVICE|default|none] [--mic-mute] [--mic-gain G] [--media-gain G]
//                   [--display :N] [--screen-region WxH+X+Y | --screen-monitor NAME | --screen-window ID]
//                   [--cursor on|off] [--no-loop]
//                   [--duration S] [--preset NAME] [--ca-file PEM] [--tune zerolatency|none]
//                   [--send-buffer-kb N]
//
// The layout defaults to pip when --camera is given, else screen. A file loops unless --no-loop.
// Without --to the whole session goes live (SessionVerbs.cpp) with the same scene options (--source,
// --camera, --layout, --pip-*, --mic*, --media-gain, --display, --screen-region/-monitor/-window, --cursor,
// --no-loop), parsed here by the same parser; a bad value is refused before anything starts.
// Every stats line carries the scene: each source's state (live, holding, lost, waiting) and the
// audio levels (peak/RMS dBFS per source and of the mix). SIGUSR2 toggles the microphone's mute.
//
// stdout: one JSON line per event ({"event":"started"}, {"event":"outputReconnecting",…}) and one
// {"event":"stats",…} line a second; stderr: human messages. Ends cleanly on SIGINT/SIGTERM or after
// --duration (a last stats line, then {"event":"stopped","exitCode":N}): what is still queued is sent
// for at most 30 s, and a second SIGINT/SIGTERM ends that at once. SIGUSR1 ends a pending reconnect
// wait ("retry now"). Reconnecting follows the settings (reconnect/*). An output that fails for good
// leaves the other outputs and the recording running. Exit status 0 when every output ran to the end,
// 1 on a failure, 2 on a usage error.
#include "hoststudio/app/Verb.hpp"
#include "hoststudio/core/Result.hpp"
#include "hoststudio/core/Settings.hpp"
#include "hoststudio/media/EncoderSettings.hpp"
#include "hoststudio/media/LivePipeline.hpp"
#include "hoststudio/media/MediaError.hpp"
#include "hoststudio/media/Sources.hpp"

#include <QCoreApplication>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QTextStream>
#include <QTimer>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

static void registerLiveResources()
{
    Q_INIT_RESOURCE(hoststudio);
}

namespace hoststudio::app {

namespace {

volatile std::sig_atomic_t gStopSignal = 0;     // NOLINT(cppcoreguidelines-avoid-non-const-global-variables)
volatile std::sig_atomic_t gRetryNowSignal = 0; // NOLINT(cppcoreguidelines-avoid-non-const-global-variables)
volatile std::sig_atomic_t gMuteSignal = 0;     // NOLINT(cppcoreguidelines-avoid-non-const-global-variables)

extern "C" void onStopSignal(int signalNumber)
{
    gStopSignal = signalNumber;
}

extern "C" void onRetryNowSignal(int /*signalNumber*/)
{
    gRetryNowSignal = 1;
}

extern "C" void onMuteSignal(int /*signalNumber*/)
{
    gMuteSignal = 1;
}

QString fromStd(const std::string& text)
{
    return QString::fromStdString(text);
}

// A parsed value into `target`; false with `error` set to the parser's words when it was refused.
template <typename Value, typename Target>
bool assignParsed(const core::Result<Value>& parsed, Target& target, QString& error)
{
    if (!parsed) {
        error = fromStd(parsed.error().detail());
        return false;
    }
    target = *parsed;
    return true;
}

// The scene options, the same in both modes of `hoststudio live` (media only with --to, and the
// whole session without it).
struct SceneArguments {
    media::SceneConfig scene;
    bool layoutGiven = false;
};

struct LiveArguments {
    QStringList targets;
    QString recordPath;
    QString presetId = QStringLiteral("720p30");
    QString caFile;
    QString tune = QStringLiteral("zerolatency");
    double durationSeconds = 0.0;
    int sendBufferKb = 0;
    SceneArguments scene;
};

std::optional<double> parseNumber(const QString& value, double low, double high)
{
    bool ok = false;
    const double number = value.toDouble(&ok);
    if (!ok || !(number >= low && number <= high)) {
        return std::nullopt;
    }
    return number;
}

// Takes arguments[index] when it is a scene option, with its value (index then points at the last
// argument taken). False when it is no scene option; true with `error` set when its value is bad.
bool takeSceneOption(const QStringList& arguments, qsizetype& index, SceneArguments& parsed, QString& error)
{
    static const QStringList withValue{
        QStringLiteral("--source"),        QStringLiteral("--camera"),         QStringLiteral("--layout"),
        QStringLiteral("--pip-corner"),    QStringLiteral("--pip-size"),       QStringLiteral("--mic"),
        QStringLiteral("--mic-gain"),      QStringLiteral("--media-gain"),     QStringLiteral("--display"),
        QStringLiteral("--screen-region"), QStringLiteral("--screen-monitor"), QStringLiteral("--screen-window"),
        QStringLiteral("--cursor"),
    };
    media::SceneConfig& scene = parsed.scene;
    const QString& name = arguments[index];
    if (name == QLatin1String("--mic-mute")) {
        scene.microphoneMuted = true;
        return true;
    }
    if (name == QLatin1String("--no-loop")) {
        scene.file.loop = false;
        return true;
    }
    if (!withValue.contains(name)) {
        return false;
    }
    if (index + 1 >= arguments.size()) {
        error = name + QStringLiteral(" needs a value");
        return true;
    }
    const QString& value = arguments[++index];
    bool ok = true;
    if (name == QLatin1String("--source") || name == QLatin1String("--camera")) {
        const auto spec = media::SourceSpec::parse(value.toStdString());
        if (!spec) {
            error = name + QStringLiteral(": ") + fromStd(spec.error().detail());
            return true;
        }
        (name == QLatin1String("--source") ? scene.source : scene.camera) = value.toStdString();
    } else if (name == QLatin1String("--layout")) {
        if (!assignParsed(media::parseLayout(value.toStdString()), scene.layout, error)) {
            return true;
        }
        parsed.layoutGiven = true;
    } else if (name == QLatin1String("--pip-corner")) {
        if (!assignParsed(media::parsePipCorner(value.toStdString()), scene.pip.corner, error)) {
            return true;
        }
    } else if (name == QLatin1String("--pip-size")) {
        const auto size = parseNumber(value, 0.1, 0.5);
        ok = size.has_value();
        scene.pip.size = size.value_or(0.25);
    } else if (name == QLatin1String("--mic")) {
        scene.microphone = value.toStdString();
        ok = !value.isEmpty();
    } else if (name == QLatin1String("--mic-gain") || name == QLatin1String("--media-gain")) {
        const auto gain = parseNumber(value, 0.0, 4.0);
        ok = gain.has_value();
        (name == QLatin1String("--mic-gain") ? scene.microphoneGain : scene.mediaGain) =
            static_cast<float>(gain.value_or(1.0));
    } else if (name == QLatin1String("--display")) {
        scene.screen.display = value.toStdString();
        ok = !value.isEmpty();
    } else if (name == QLatin1String("--screen-region")) {
        if (!assignParsed(media::ScreenRegion::parse(value.toStdString()), scene.screen.region, error)) {
            return true;
        }
    } else if (name == QLatin1String("--screen-monitor")) {
        scene.screen.monitor = value.toStdString();
        ok = !value.isEmpty();
    } else if (name == QLatin1String("--screen-window")) {
        if (!assignParsed(media::parseWindowId(value.toStdString()), scene.screen.window, error)) {
            return true;
        }
    } else if (name == QLatin1String("--cursor")) {
        ok = value == QLatin1String("on") || value == QLatin1String("off");
        scene.screen.drawCursor = value == QLatin1String("on");
    }
    if (!ok) {
        error = QStringLiteral("invalid value for ") + name + QStringLiteral(": ") + value;
    }
    return true;
}

// The defaults that depend on other options, and the checks across them.
bool finishScene(SceneArguments& parsed, QString& error)
{
    if (!parsed.layoutGiven && !parsed.scene.camera.empty()) {
        parsed.scene.layout = media::Layout::pip;
    }
    if (media::layoutUsesCamera(parsed.scene.layout) && parsed.scene.camera.empty()) {
        error = QStringLiteral("the ") + QLatin1String(media::layoutName(parsed.scene.layout)) +
                QStringLiteral(" layout needs a second source: give --camera SRC (e.g. --camera synthetic-camera)");
        return false;
    }
    return true;
}

std::optional<LiveArguments> parseArguments(const QStringList& arguments, QString& error)
{
    static const QStringList known{
        QStringLiteral("--to"),
        QStringLiteral("--record"),
        QStringLiteral("--preset"),
        QStringLiteral("--ca-file"),
        QStringLiteral("--tune"),
        QStringLiteral("--duration"),
        QStringLiteral("--send-buffer-kb"),
    };
    LiveArguments parsed;
    for (qsizetype index = 0; index < arguments.size(); ++index) {
        if (takeSceneOption(arguments, index, parsed.scene, error)) {
            if (!error.isEmpty()) {
                return std::nullopt;
            }
            continue;
        }
        const QString& name = arguments[index];
        if (!known.contains(name)) {
            error = QStringLiteral("unknown option ") + name;
            return std::nullopt;
        }
        if (index + 1 >= arguments.size()) {
            error = name + QStringLiteral(" needs a value");
            return std::nullopt;
        }
        const QString& value = arguments[++index];
        bool ok = true;
        if (name == QLatin1String("--to")) {
            parsed.targets.push_back(value);
        } else if (name == QLatin1String("--record")) {
            parsed.recordPath = value;
        } else if (name == QLatin1String("--preset")) {
            parsed.presetId = value;
        } else if (name == QLatin1String("--ca-file")) {
            parsed.caFile = value;
        } else if (name == QLatin1String("--tune")) {
            parsed.tune = value;
            ok = value == QLatin1String("zerolatency") || value == QLatin1String("none");
        } else if (name == QLatin1String("--send-buffer-kb")) {
            parsed.sendBufferKb = value.toInt(&ok);
            ok = ok && parsed.sendBufferKb >= 0 && parsed.sendBufferKb <= 65536;
        } else if (name == QLatin1String("--duration")) {
            parsed.durationSeconds = value.toDouble(&ok);
            ok = ok && parsed.durationSeconds > 0.0;
        }
        if (!ok) {
            error = QStringLiteral("invalid value for ") + name + QStringLiteral(": ") + value;
            return std::nullopt;
        }
    }
    if (!finishScene(parsed.scene, error)) {
        return std::nullopt;
    }
    if (parsed.targets.isEmpty() && parsed.recordPath.isEmpty()) {
        error = QStringLiteral("give --to rtmp://HOST/APP/KEY and/or --record FILE");
        return std::nullopt;
    }
    return parsed;
}

// Session mode: the scene options taken out by the same parser; the rest is left, in order, for the
// session's own options (an option that is followed by a non-option keeps it as its value).
std::optional<SceneArguments> splitSceneOptions(const QStringList& arguments, QStringList& rest, QString& error)
{
    SceneArguments parsed;
    for (qsizetype index = 0; index < arguments.size(); ++index) {
        if (takeSceneOption(arguments, index, parsed, error)) {
            if (!error.isEmpty()) {
                return std::nullopt;
            }
            continue;
        }
        rest.push_back(arguments[index]);
        if (arguments[index].startsWith(QLatin1String("--")) && index + 1 < arguments.size() &&
            !arguments[index + 1].startsWith(QLatin1String("--"))) {
            rest.push_back(arguments[++index]);
        }
    }
    if (!finishScene(parsed, error)) {
        return std::nullopt;
    }
    return parsed;
}

QJsonObject statsJson(const media::LiveStats& stats)
{
    QJsonArray outputs;
    for (const media::OutputStats& output : stats.outputs) {
        outputs.push_back(QJsonObject{
            {QStringLiteral("target"), fromStd(output.target)},
            {QStringLiteral("state"), QLatin1String(media::outputStateName(output.state))},
            {QStringLiteral("bitrateKbps"), qRound(output.bitrateKbps)},
            {QStringLiteral("bytesSent"), static_cast<qint64>(output.bytesSent)},
            {QStringLiteral("droppedFrames"), static_cast<qint64>(output.droppedFrames)},
            {QStringLiteral("queuePackets"), static_cast<qint64>(output.queuePackets)},
            {QStringLiteral("queueMs"), static_cast<qint64>(output.queueDuration.count())},
            {QStringLiteral("congestion"), output.congestion},
            {QStringLiteral("congestionAverage"), output.congestionAverage},
            {QStringLiteral("health"), QLatin1String(media::networkHealthName(output.health))},
            {QStringLiteral("reconnectAttempt"), output.reconnectAttempt},
            {QStringLiteral("reconnectInMs"), static_cast<qint64>(output.reconnectIn.count())},
            {QStringLiteral("reconnects"), output.reconnects},
            {QStringLiteral("lastError"), fromStd(output.lastError)},
        });
    }
    QJsonObject line{
        {QStringLiteral("event"), QStringLiteral("stats")},
        {QStringLiteral("elapsedSeconds"), qRound(stats.elapsedSeconds * 10.0) / 10.0},
        {QStringLiteral("fps"), qRound(stats.fps * 10.0) / 10.0},
        {QStringLiteral("framesEncoded"), static_cast<qint64>(stats.framesEncoded)},
        {QStringLiteral("framesSkipped"), static_cast<qint64>(stats.framesSkipped)},
        {QStringLiteral("encoderOverloaded"), stats.encoderOverloaded},
        {QStringLiteral("encodeMsPerFrame"), qRound(stats.encodeMsPerFrame * 100.0) / 100.0},
        {QStringLiteral("cpuPercent"), qRound(stats.cpuPercent * 10.0) / 10.0},
        {QStringLiteral("residentKb"), static_cast<qint64>(stats.residentKb)},
        {QStringLiteral("outputs"), outputs},
    };
    if (!stats.recording.filePath.empty()) {
        line.insert(QStringLiteral("recording"),
                    QJsonObject{
                        {QStringLiteral("active"), stats.recording.active},
                        {QStringLiteral("bytesWritten"), static_cast<qint64>(stats.recording.bytesWritten)},
                        {QStringLiteral("durationSeconds"), qRound(stats.recording.durationSeconds * 100.0) / 100.0},
                        {QStringLiteral("lastError"), fromStd(stats.recording.lastError)},
                    });
    }
    return line;
}

QJsonObject sceneJson(const media::SceneStats& scene)
{
    QJsonArray sources;
    for (const media::SourceStatus& source : scene.sources) {
        sources.push_back(QJsonObject{
            {QStringLiteral("slot"), fromStd(source.slot)},
            {QStringLiteral("source"), fromStd(source.source)},
            {QStringLiteral("state"), QLatin1String(media::signalStateName(source.state))},
        });
    }
    QJsonArray audio;
    for (const media::AudioLevel& level : scene.audio) {
        audio.push_back(QJsonObject{
            {QStringLiteral("source"), fromStd(level.source)},
            {QStringLiteral("muted"), level.muted},
            {QStringLiteral("gain"), level.gain},
            {QStringLiteral("peakDb"), qRound(level.peakDb * 10.0) / 10.0},
            {QStringLiteral("rmsDb"), qRound(level.rmsDb * 10.0) / 10.0},
        });
    }
    return QJsonObject{{QStringLiteral("sources"), sources},
                       {QStringLiteral("audio"), audio},
                       {QStringLiteral("composeMsPerFrame"), qRound(scene.composeMsPerFrame * 100.0) / 100.0}};
}

QJsonObject eventJson(const media::LiveEvent& event)
{
    QJsonObject line{{QStringLiteral("event"), QLatin1String(media::liveEventName(event.kind))}};
    if (event.outputIndex >= 0) {
        line.insert(QStringLiteral("output"), event.outputIndex);
    }
    if (event.error) {
        line.insert(QStringLiteral("error"), fromStd(event.error.describe()));
        line.insert(QStringLiteral("code"), fromStd(event.error.code().message()));
    }
    if (event.kind == media::LiveEventKind::outputReconnecting) {
        line.insert(QStringLiteral("retryInMs"), static_cast<qint64>(event.retryDelay.count()));
        line.insert(QStringLiteral("attempt"), event.attempt);
        line.insert(QStringLiteral("maxAttempts"), event.maxAttempts);
    }
    return line;
}

} // namespace

int runLiveVerb(VerbContext& context)
{
    // Without --to the whole session goes live (ingest, channel, media, NIP-53 event).
    if (!context.invocation.verbArguments.contains(QStringLiteral("--to"))) {
        QString sceneError;
        QStringList rest;
        const auto scene = splitSceneOptions(context.invocation.verbArguments, rest, sceneError);
        if (!scene) {
            context.err << "live: " << sceneError << Qt::endl;
            return kExitUsage;
        }
        Invocation sessionInvocation = context.invocation;
        sessionInvocation.verbArguments = rest;
        VerbContext sessionContext{sessionInvocation, context.settings, context.out, context.err};
        return runSessionLive(sessionContext, scene->scene);
    }
    QString usageError;
    const std::optional<LiveArguments> arguments = parseArguments(context.invocation.verbArguments, usageError);
    if (!arguments) {
        context.err << "live: " << usageError << Qt::endl;
        return kExitUsage;
    }

    registerLiveResources();
    QFile presetsFile(QStringLiteral(":/hoststudio/presets/services.json"));
    if (!presetsFile.open(QIODevice::ReadOnly)) {
        context.err << "live: the built-in service presets are missing" << Qt::endl;
        return kExitFailure;
    }
    const QByteArray presetsText = presetsFile.readAll();
    const auto presets =
        media::parsePresets(std::string_view(presetsText.constData(), static_cast<std::size_t>(presetsText.size())));
    if (!presets) {
        context.err << "live: " << fromStd(presets.error().describe()) << Qt::endl;
        return kExitFailure;
    }
    const auto preset = media::findPreset(*presets, arguments->presetId.toStdString());
    if (!preset) {
        context.err << "live: " << fromStd(preset.error().describe()) << Qt::endl;
        return kExitUsage;
    }

    media::LiveConfig config;
    const auto flushSeconds = std::chrono::duration_cast<std::chrono::seconds>(config.flushTimeout).count();
    config.encoder = preset->settings;
    config.scene = arguments->scene.scene;
    config.encoder.tune =
        arguments->tune == QLatin1String("none") ? media::X264Tune::none : media::X264Tune::zeroLatency;
    for (const QString& target : arguments->targets) {
        media::NetworkOutputConfig output;
        output.url = target.toStdString();
        output.caFile = arguments->caFile.toStdString();
        output.sendBufferBytes = arguments->sendBufferKb * 1024;
        output.reconnect = context.settings.reconnectConfig();
        config.outputs.push_back(std::move(output));
    }
    if (!arguments->recordPath.isEmpty()) {
        config.recording = media::RecordingConfig{arguments->recordPath.toStdString()};
    }

    QTextStream& out = context.out;
    QTextStream& err = context.err;
    int exitCode = kExitOk;
    bool stopping = false;
    QCoreApplication* application = QCoreApplication::instance();
    std::unique_ptr<media::LivePipeline> pipeline;
    // stop() flushes the queues for up to 30 s: it runs on its own thread so that a second
    // interrupt can still end the flush at once.
    std::thread stopper;
    std::atomic<bool> stopDone{false};
    QTimer stopWatch;

    const auto printStopped = [&] {
        out << QJsonDocument(QJsonObject{{QStringLiteral("event"), QStringLiteral("stopped")},
                                         {QStringLiteral("exitCode"), exitCode}})
                   .toJson(QJsonDocument::Compact)
            << Qt::endl;
        QCoreApplication::exit(exitCode);
    };
    QObject::connect(&stopWatch, &QTimer::timeout, [&] {
        if (!stopDone.load()) {
            return;
        }
        stopWatch.stop();
        stopper.join();
        QJsonObject last = statsJson(pipeline->sampleStats());
        last.insert(QStringLiteral("scene"), sceneJson(pipeline->sampleScene()));
        out << QJsonDocument(last).toJson(QJsonDocument::Compact) << Qt::endl;
        printStopped();
    });
    const auto finish = [&](int code) {
        if (stopping) {
            return;
        }
        stopping = true;
        if (code != kExitOk) {
            exitCode = code;
        }
        if (!pipeline) {
            printStopped();
            return;
        }
        stopper = std::thread([&stopDone, target = pipeline.get()] {
            target->stop();
            stopDone.store(true);
        });
        stopWatch.start(20);
    };

    // Outputs still running: one that fails for good leaves the others (and the recording) going.
    std::vector<bool> outputRunning(static_cast<std::size_t>(arguments->targets.size()), true);
    bool recordingRunning = !arguments->recordPath.isEmpty();
    const auto anythingRunning = [&] {
        return recordingRunning || std::find(outputRunning.begin(), outputRunning.end(), true) != outputRunning.end();
    };

    QPointer<QCoreApplication> receiver(application);
    // Events posted while this function runs; the ones still queued when it returns are ignored.
    const auto alive = std::make_shared<bool>(true);
    auto created = media::LivePipeline::create(std::move(config), [receiver, alive, &out, &err, &finish, &exitCode,
                                                                   &outputRunning, &recordingRunning,
                                                                   &anythingRunning](const media::LiveEvent& event) {
        if (!receiver) {
            return;
        }
        QMetaObject::invokeMethod(
            receiver.data(),
            [event, alive, &out, &err, &finish, &exitCode, &outputRunning, &recordingRunning, &anythingRunning] {
                if (!*alive || event.kind == media::LiveEventKind::stopped) {
                    return; // printed by finish(), with the exit code
                }
                out << QJsonDocument(eventJson(event)).toJson(QJsonDocument::Compact) << Qt::endl;
                switch (event.kind) {
                case media::LiveEventKind::startFailed:
                    err << "live: could not go live: " << fromStd(event.error.describe()) << Qt::endl;
                    finish(kExitFailure);
                    break;
                case media::LiveEventKind::outputFailed:
                    err << "live: output " << event.outputIndex << " failed: " << fromStd(event.error.describe())
                        << Qt::endl;
                    exitCode = kExitFailure;
                    if (event.outputIndex >= 0 && static_cast<std::size_t>(event.outputIndex) < outputRunning.size()) {
                        outputRunning[static_cast<std::size_t>(event.outputIndex)] = false;
                    }
                    if (anythingRunning()) {
                        err << "live: continuing with the other outputs" << Qt::endl;
                    } else {
                        finish(kExitFailure);
                    }
                    break;
                case media::LiveEventKind::outputReconnecting:
                    err << "live: disconnected, reconnecting in " << (event.retryDelay.count() + 500) / 1000
                        << " s (attempt " << event.attempt << " of " << event.maxAttempts << ")" << Qt::endl;
                    break;
                case media::LiveEventKind::recordingFailed:
                    err << "live: recording stopped: " << fromStd(event.error.describe()) << Qt::endl;
                    exitCode = kExitFailure;
                    recordingRunning = false;
                    if (!anythingRunning()) {
                        finish(kExitFailure);
                    }
                    break;
                default: break;
                }
            },
            Qt::QueuedConnection);
    });
    if (!created) {
        err << "live: " << fromStd(created.error().describe()) << Qt::endl;
        return created.error() == media::MediaErrc::invalidUrl ? kExitUsage : kExitFailure;
    }
    pipeline = std::move(*created);

    gStopSignal = 0;
    gRetryNowSignal = 0;
    gMuteSignal = 0;
    bool microphoneMuted = arguments->scene.scene.microphoneMuted;
    std::signal(SIGUSR2, &onMuteSignal);
    std::signal(SIGINT, &onStopSignal);
    std::signal(SIGTERM, &onStopSignal);
    std::signal(SIGUSR1, &onRetryNowSignal);

    QTimer signalPoll;
    QObject::connect(&signalPoll, &QTimer::timeout, [&] {
        if (gStopSignal != 0) {
            gStopSignal = 0;
            if (!stopping) {
                err << "live: stopping: sending what is still queued (at most " << flushSeconds
                    << " s; interrupt again to stop at once)" << Qt::endl;
                finish(kExitOk);
            } else {
                err << "live: stopping at once" << Qt::endl;
                pipeline->abortFlush();
            }
        }
        if (gMuteSignal != 0) {
            gMuteSignal = 0;
            microphoneMuted = !microphoneMuted;
            pipeline->setMicrophoneMuted(microphoneMuted);
            err << "live: microphone " << (microphoneMuted ? "muted" : "unmuted") << Qt::endl;
        }
        if (gRetryNowSignal != 0) {
            gRetryNowSignal = 0;
            for (int index = 0; index < static_cast<int>(arguments->targets.size()); ++index) {
                pipeline->retryNow(index);
            }
        }
    });
    signalPoll.start(50);

    QTimer statsTimer;
    QObject::connect(&statsTimer, &QTimer::timeout, [&] {
        if (!stopping) {
            QJsonObject line = statsJson(pipeline->sampleStats());
            line.insert(QStringLiteral("scene"), sceneJson(pipeline->sampleScene()));
            out << QJsonDocument(line).toJson(QJsonDocument::Compact) << Qt::endl;
        }
    });
    statsTimer.start(1000);

    QTimer durationTimer;
    durationTimer.setSingleShot(true);
    QObject::connect(&durationTimer, &QTimer::timeout, [&] { finish(kExitOk); });
    if (arguments->durationSeconds > 0.0) {
        durationTimer.start(static_cast<int>(arguments->durationSeconds * 1000.0));
    }

    pipeline->start();
    const int code = QCoreApplication::exec();
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    std::signal(SIGUSR1, SIG_DFL);
    std::signal(SIGUSR2, SIG_DFL);
    if (stopper.joinable()) {
        stopper.join();
    }
    pipeline.reset();
    *alive = false;
    return code;
}

} // namespace hoststudio::app
