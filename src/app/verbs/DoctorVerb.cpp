// SPDX-License-Identifier: GPL-2.0-or-later
// `hoststudio doctor [--json] [--key-file PATH] [--display :N]`: checks what going live needs, from
// the settings `hoststudio live` reads (--config), one line per check, each ok, warn or fail with what
// to do when it is not ok:
//   nostr-key       the host's Nostr key: present, and where it comes from (never printed)
//   secret-store    the keyring or the private file (0600) in use
//   backend         the seed backend's health (backend/url)
//   cloudinary      an authenticated list call (when Cloudinary is used or configured)
//   relay           each relay of nostr/relays: WebSocket connect, then its NIP-11 document
//   rtmp-ingest     a TCP connect to the custom provider's RTMP server (ingest/provider=custom)
//   channel         a Socket.IO connect to chat/url (when set)
//   screen, microphone, camera    the capture devices `hoststudio devices` lists
//   encoders, outputs             libx264 and AAC in libavcodec; flv, matroska, rtmp, rtmps
//   recording-folder              write access to recording/directory (else the Videos folder)
// The network checks run side by side, each with a short timeout, so a dead host never hangs the
// command. Exit status 0 when nothing failed (warnings allowed), 1 otherwise, 2 on a usage error.
//
// Owner: the main thread (the keyring and Qt Multimedia want it); the network checks run on worker
// threads over one NetworkThread that outlives them.
#include "../CloudinaryAccess.hpp"

#include "hoststudio/app/DoctorReport.hpp"
#include "hoststudio/app/NostrKeySource.hpp"
#include "hoststudio/app/Verb.hpp"
#include "hoststudio/chat/SocketIoClient.hpp"
#include "hoststudio/cloud/BackendClient.hpp"
#include "hoststudio/cloud/CloudError.hpp"
#include "hoststudio/cloud/CloudinaryClient.hpp"
#include "hoststudio/core/Log.hpp"
#include "hoststudio/core/SecretStore.hpp"
#include "hoststudio/core/Settings.hpp"
#include "hoststudio/media/MediaLibraries.hpp"
#include "hoststudio/media/Sources.hpp"
#include "hoststudio/net/HttpClient.hpp"
#include "hoststudio/net/NetError.hpp"
#include "hoststudio/net/NetworkThread.hpp"
#include "hoststudio/net/Url.hpp"
#include "hoststudio/net/WebSocketClient.hpp"
#include "hoststudio/nostr/RelayInformation.hpp"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QStandardPaths>
#include <QTemporaryFile>
#include <QTextStream>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace hoststudio::app {

// ---- the report ----------------------------------------------------------------------------------

QString doctorStatusName(DoctorStatus status)
{
    switch (status) {
    case DoctorStatus::ok: return QStringLiteral("ok");
    case DoctorStatus::warn: return QStringLiteral("warn");
    case DoctorStatus::fail: return QStringLiteral("fail");
    }
    return QStringLiteral("fail");
}

QString formatDoctorLine(const DoctorCheck& check)
{
    QString line = doctorStatusName(check.status).leftJustified(6, QLatin1Char(' '));
    line += check.check;
    if (!check.target.isEmpty()) {
        line += QLatin1Char(' ') + check.target;
    }
    line += QStringLiteral(": ") + check.detail;
    if (check.status != DoctorStatus::ok && !check.fix.isEmpty()) {
        if (!line.endsWith(QLatin1Char('.'))) {
            line += QLatin1Char('.');
        }
        line += QStringLiteral(" To fix: ") + check.fix;
    }
    return core::SecretScrubber::scrub(line);
}

QByteArray doctorJsonLine(const DoctorCheck& check)
{
    QJsonObject line{
        {QStringLiteral("check"), check.check},
        {QStringLiteral("target"), check.target},
        {QStringLiteral("status"), doctorStatusName(check.status)},
        {QStringLiteral("detail"), check.detail},
        {QStringLiteral("fix"), check.status == DoctorStatus::ok ? QString() : check.fix},
    };
    if (!check.data.isEmpty()) {
        line.insert(QStringLiteral("data"), check.data);
    }
    return core::SecretScrubber::scrub(QString::fromUtf8(QJsonDocument(line).toJson(QJsonDocument::Compact))).toUtf8();
}

int doctorExitCode(const std::vector<DoctorCheck>& checks)
{
    for (const DoctorCheck& check : checks) {
        if (check.status == DoctorStatus::fail) {
            return kExitFailure;
        }
    }
    return kExitOk;
}

QString doctorSummary(const std::vector<DoctorCheck>& checks)
{
    int counts[3] = {0, 0, 0}; // NOLINT(cppcoreguidelines-avoid-c-arrays,modernize-avoid-c-arrays)
    for (const DoctorCheck& check : checks) {
        ++counts[static_cast<int>(check.status)]; // NOLINT(cppcoreguidelines-pro-bounds-constant-array-index)
    }
    return QStringLiteral("%1 checks: %2 ok, %3 warn, %4 fail")
        .arg(checks.size())
        .arg(counts[0])
        .arg(counts[1])
        .arg(counts[2]);
}

// ---- the checks ----------------------------------------------------------------------------------

namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// Every network check gives up after this; they run side by side.
constexpr std::chrono::milliseconds kNetworkTimeout = 3s;

QString fromStd(const std::string& text)
{
    return QString::fromStdString(text);
}

std::string environment(const char* name)
{
    const char* value = std::getenv(name); // NOLINT(concurrency-mt-unsafe): read before the workers start
    return value != nullptr ? std::string(value) : std::string();
}

DoctorCheck made(const QString& name, const QString& target, DoctorStatus status, const QString& detail,
                 const QString& fix = {})
{
    DoctorCheck check;
    check.check = name;
    check.target = target;
    check.status = status;
    check.detail = detail;
    check.fix = fix;
    return check;
}

qint64 millisecondsSince(Clock::time_point start)
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
}

struct DoctorOptions {
    bool json = false;
    QString keyFilePath;
    std::string display;
};

std::optional<DoctorOptions> parseDoctorOptions(const QStringList& arguments, QString& error)
{
    DoctorOptions options;
    for (qsizetype index = 0; index < arguments.size(); ++index) {
        const QString& name = arguments[index];
        if (name == QLatin1String("--json")) {
            options.json = true;
            continue;
        }
        if (name != QLatin1String("--key-file") && name != QLatin1String("--display")) {
            error = QStringLiteral("unknown option ") + name +
                    QStringLiteral(" (usage: doctor [--json] [--key-file PATH] [--display :N])");
            return std::nullopt;
        }
        if (index + 1 >= arguments.size() || arguments[index + 1].isEmpty()) {
            error = name + QStringLiteral(" needs a value");
            return std::nullopt;
        }
        const QString& value = arguments[++index];
        if (name == QLatin1String("--key-file")) {
            options.keyFilePath = value;
        } else {
            options.display = value.toStdString();
        }
    }
    return options;
}

// -- local checks (main thread) --

DoctorCheck checkNostrKey(const core::Settings& settings, const QString& keyFilePath)
{
    const auto key = loadNostrKey(nostrKeySourcesFromEnvironment(keyFilePath, settings));
    if (!key) {
        QString fix = QStringLiteral("create a key with `hoststudio nostr keygen --save`, or store yours with "
                                     "`hoststudio secret set nostr/nsec` (value on stdin)");
        if (key.error() == NostrKeyErrc::filePermissions) {
            fix = QStringLiteral("make the key file private: chmod 600 FILE");
        } else if (key.error() == NostrKeyErrc::invalidKey) {
            fix = QStringLiteral("put an nsec or 64 hex digits in it (`hoststudio nostr keygen` makes one)");
        }
        return made(QStringLiteral("nostr-key"), {}, DoctorStatus::fail, fromStd(key.error().detail()), fix);
    }
    const auto publicKey = key->secretKey.publicKey();
    QString detail = QStringLiteral("present, from ") + nostrKeyOriginName(key->origin);
    DoctorCheck check = made(QStringLiteral("nostr-key"), {}, DoctorStatus::ok, detail);
    check.data.insert(QStringLiteral("origin"), nostrKeyOriginName(key->origin));
    if (publicKey) {
        check.detail += QStringLiteral("; public key ") + fromStd(publicKey->toNpub());
        check.data.insert(QStringLiteral("pubkey"), fromStd(publicKey->toHex()));
    }
    return check;
}

struct SecretStoreFacts {
    DoctorCheck check;
    QString description; // "the file …" / "the keyring (…)"; empty when it cannot be opened
};

SecretStoreFacts checkSecretStore(const core::Settings& settings)
{
    auto store = core::SecretStore::open(core::SecretStoreOptions::fromSettings(settings));
    if (!store) {
        return {made(QStringLiteral("secret-store"), {}, DoctorStatus::fail, fromStd(store.error().detail()),
                     QStringLiteral("start a Secret Service (a desktop keyring) or set secrets/backend=file")),
                {}};
    }
    const QString location = store->location();
    const QString name = store->backendName();
    DoctorCheck check = made(QStringLiteral("secret-store"), location, DoctorStatus::ok,
                             name + QStringLiteral(" (") + fromStd(store->reason()) + QLatin1Char(')'));
    check.data.insert(QStringLiteral("backend"), name);
    QString description =
        QStringLiteral("the secret store (") + name + QStringLiteral(", ") + location + QLatin1Char(')');
    if (store->backend() == core::SecretBackendKind::file) {
        const QFileInfo file(location);
        if (!file.exists()) {
            check.detail += QStringLiteral("; the file does not exist yet (created with mode 0600 on the first "
                                           "`hoststudio secret set`)");
        } else {
            const auto others = QFileDevice::ReadGroup | QFileDevice::WriteGroup | QFileDevice::ExeGroup |
                                QFileDevice::ReadOther | QFileDevice::WriteOther | QFileDevice::ExeOther;
            if ((file.permissions() & others) != 0) {
                check.status = DoctorStatus::fail;
                check.detail += QStringLiteral("; the file is readable by other users");
                check.fix = QStringLiteral("chmod 600 ") + location;
            } else {
                check.detail += QStringLiteral("; mode 0600");
            }
        }
    }
    return {check, description};
}

std::vector<DoctorCheck> checkDevices(const std::string& display)
{
    QStringList screens;
    QStringList screenErrors;
    QStringList microphones;
    QStringList cameras;
    for (const media::CaptureDevice& device : media::listCaptureDevices(display)) {
        const QString name = fromStd(device.name.empty() ? device.id : device.name);
        if (device.kind == "screen") {
            if (device.error.empty()) {
                screens << QStringLiteral("%1 %2x%3").arg(fromStd(device.id)).arg(device.width).arg(device.height);
            } else {
                screenErrors << fromStd(device.error);
            }
        } else if (device.kind == "microphone") {
            microphones << name;
        } else if (device.kind == "camera") {
            cameras << name;
        }
    }
    std::vector<DoctorCheck> checks;
    checks.push_back(
        screens.isEmpty()
            ? made(QStringLiteral("screen"), {}, DoctorStatus::warn,
                   QStringLiteral("no screen can be captured") +
                       (screenErrors.isEmpty() ? QString()
                                               : QStringLiteral(": ") + screenErrors.join(QStringLiteral("; "))),
                   QStringLiteral("run inside an X11 session (or XWayland) with DISPLAY set, or give --display :N; "
                                  "other sources (camera, file, testpattern) work without one"))
            : made(QStringLiteral("screen"), {}, DoctorStatus::ok, screens.join(QStringLiteral(", "))));
    checks.push_back(
        microphones.isEmpty()
            ? made(QStringLiteral("microphone"), {}, DoctorStatus::warn, QStringLiteral("none found"),
                   QStringLiteral("connect a microphone, or check that PipeWire or PulseAudio runs; "
                                  "without one the stream carries no live sound (--mic none)"))
            : made(QStringLiteral("microphone"), {}, DoctorStatus::ok, microphones.join(QStringLiteral(", "))));
    checks.push_back(cameras.isEmpty()
                         ? made(QStringLiteral("camera"), {}, DoctorStatus::warn, QStringLiteral("none found"),
                                QStringLiteral("connect a camera (V4L2) to use the camera layouts; the screen or a "
                                               "file can be streamed without one"))
                         : made(QStringLiteral("camera"), {}, DoctorStatus::ok, cameras.join(QStringLiteral(", "))));
    return checks;
}

std::vector<DoctorCheck> checkEncoders()
{
    QStringList encodersFound;
    QStringList encodersMissing;
    QStringList outputsFound;
    QStringList outputsMissing;
    for (const media::Capability& capability : media::requiredCapabilities()) {
        const QString name = fromStd(capability.name);
        const bool encoder = name.startsWith(QLatin1String("encoder "));
        (encoder ? (capability.available ? encodersFound : encodersMissing)
                 : (capability.available ? outputsFound : outputsMissing))
            << name;
    }
    const QString install = QStringLiteral("install FFmpeg's libraries built with libx264 and the native AAC encoder "
                                           "(Debian: apt install libavcodec59 libavformat59)");
    std::vector<DoctorCheck> checks;
    checks.push_back(
        encodersMissing.isEmpty()
            ? made(QStringLiteral("encoders"), {}, DoctorStatus::ok, encodersFound.join(QStringLiteral(", ")))
            : made(QStringLiteral("encoders"), {}, DoctorStatus::fail,
                   QStringLiteral("missing from libavcodec: ") + encodersMissing.join(QStringLiteral(", ")), install));
    checks.push_back(
        outputsMissing.isEmpty()
            ? made(QStringLiteral("outputs"), {}, DoctorStatus::ok, outputsFound.join(QStringLiteral(", ")))
            : made(QStringLiteral("outputs"), {}, DoctorStatus::fail,
                   QStringLiteral("missing from libavformat: ") + outputsMissing.join(QStringLiteral(", ")), install));
    return checks;
}

DoctorCheck checkRecordingFolder(const core::Settings& settings)
{
    QString folder = settings.text(core::setting::recordingDirectory);
    const bool fromSetting = !folder.isEmpty();
    if (folder.isEmpty()) {
        folder = QStandardPaths::writableLocation(QStandardPaths::MoviesLocation);
    }
    const bool enabled = settings.flag(core::setting::recordingEnabled);
    const DoctorStatus problem = enabled ? DoctorStatus::fail : DoctorStatus::warn;
    const QString fix = QStringLiteral("set recording/directory to a folder you can write to, or fix the "
                                       "folder's permissions");
    if (folder.isEmpty()) {
        return made(QStringLiteral("recording-folder"), {}, problem, QStringLiteral("no folder for recordings"), fix);
    }
    const QString origin = fromSetting ? QStringLiteral("recording/directory") : QStringLiteral("the Videos folder");
    const QFileInfo info(folder);
    if (info.exists()) {
        if (!info.isDir()) {
            return made(QStringLiteral("recording-folder"), folder, problem,
                        origin + QStringLiteral(" is a file, not a folder"), fix);
        }
        QTemporaryFile probe(QDir(folder).filePath(QStringLiteral(".hoststudio-doctor-XXXXXX")));
        if (!probe.open()) {
            return made(QStringLiteral("recording-folder"), folder, problem,
                        origin + QStringLiteral(" is not writable: ") + probe.errorString(), fix);
        }
        return made(QStringLiteral("recording-folder"), folder, DoctorStatus::ok,
                    origin + QStringLiteral(" is writable"));
    }
    // Created at the first recording: the nearest existing parent must be writable.
    QString parent = info.absoluteFilePath();
    while (!QFileInfo::exists(parent)) {
        const QString up = QFileInfo(parent).absolutePath();
        if (up == parent) {
            break;
        }
        parent = up;
    }
    const QFileInfo parentInfo(parent);
    if (parentInfo.isDir() && parentInfo.isWritable()) {
        return made(QStringLiteral("recording-folder"), folder, DoctorStatus::ok,
                    origin + QStringLiteral(" does not exist yet; it will be created in ") + parent);
    }
    return made(QStringLiteral("recording-folder"), folder, problem,
                origin + QStringLiteral(" does not exist and cannot be created"), fix);
}

// -- network checks (worker threads) --

DoctorCheck checkBackend(net::NetworkThread& network, const std::string& url, const std::string& extraCaFile)
{
    const QString target = fromStd(url);
    cloud::BackendClientSettings backendSettings;
    backendSettings.baseUrl = url;
    backendSettings.tls.extraCaFile = extraCaFile;
    backendSettings.requestTimeout = kNetworkTimeout;
    backendSettings.connectTimeout = kNetworkTimeout;
    auto client = cloud::BackendClient::create(network, std::move(backendSettings));
    if (!client) {
        return made(QStringLiteral("backend"), target, DoctorStatus::fail, fromStd(client.error().detail()),
                    QStringLiteral("set backend/url to the seed backend, e.g. http://HOST:3001"));
    }
    const auto health = (*client)->healthBlocking();
    if (!health) {
        return made(QStringLiteral("backend"), target, DoctorStatus::fail,
                    QStringLiteral("no answer: ") + fromStd(health.error().describe()),
                    QStringLiteral("start the seed backend there, or correct backend/url"));
    }
    if (!health->healthy()) {
        return made(QStringLiteral("backend"), target, DoctorStatus::fail,
                    QStringLiteral("answers, but reports status '") + fromStd(health->statusText) + QLatin1Char('\''),
                    QStringLiteral("look at the backend's log (its streams folder must exist and be writable)"));
    }
    QString detail = QStringLiteral("healthy");
    if (health->activeStreamCount) {
        detail += QStringLiteral(", %1 active stream(s)").arg(*health->activeStreamCount);
    }
    return made(QStringLiteral("backend"), target, DoctorStatus::ok, detail);
}

struct CloudinaryPlan {
    std::string apiBaseUrl;
    std::optional<cloud::CloudinaryCredentials> credentials;
    std::optional<core::Error> credentialsError;
    QString keyFrom;
    QString secretFrom;
    QString note; // what cloudinaryCredentialsFor() said (the stand-in's account is used, …)
};

bool cloudinaryInUse(const core::Settings& settings, const QString& provider)
{
    return provider == QLatin1String("cloudinary") || !environment("CLOUDINARY_URL").empty() ||
           !settings.text(core::setting::cloudinaryCloudName).isEmpty() ||
           !settings.text(core::setting::cloudinaryApiKey).isEmpty() ||
           settings.isSetExplicitly(core::setting::cloudinaryApiBaseUrl);
}

// Mirrors the order of cloudinaryCredentialsFor() without reading the secret itself.
CloudinaryPlan planCloudinary(const core::Settings& settings, const QString& secretStoreDescription)
{
    CloudinaryPlan plan;
    plan.apiBaseUrl = settings.text(core::setting::cloudinaryApiBaseUrl).toStdString();
    const bool fromUrl = !environment("CLOUDINARY_URL").empty();
    const bool secretInEnvironment = !environment("CLOUDINARY_API_SECRET").empty();
    const bool keyInEnvironment = !environment("CLOUDINARY_API_KEY").empty();
    const bool keyInSettings = !settings.text(core::setting::cloudinaryApiKey).isEmpty();
    const bool cloudKnown =
        !environment("CLOUDINARY_CLOUD_NAME").empty() || !settings.text(core::setting::cloudinaryCloudName).isEmpty();
    if (fromUrl) {
        plan.keyFrom = plan.secretFrom = QStringLiteral("the environment variable CLOUDINARY_URL");
    } else {
        plan.keyFrom = keyInEnvironment ? QStringLiteral("the environment variable CLOUDINARY_API_KEY")
                                        : QStringLiteral("the setting cloudinary/apiKey");
        if (secretInEnvironment) {
            plan.secretFrom = QStringLiteral("the environment variable CLOUDINARY_API_SECRET");
        } else if (cloudKnown && (keyInEnvironment || keyInSettings)) {
            plan.secretFrom =
                QStringLiteral("cloudinary/apiSecret in ") +
                (secretStoreDescription.isEmpty() ? QStringLiteral("the secret store") : secretStoreDescription);
        } else {
            plan.keyFrom = plan.secretFrom = QStringLiteral("the local stand-in's test account");
        }
    }
    QString notes;
    QTextStream noteStream(&notes);
    auto credentials =
        cloudinaryCredentialsFor(settings, plan.apiBaseUrl, noteStream, QStringLiteral("hoststudio doctor"));
    noteStream.flush();
    plan.note = notes.trimmed();
    if (credentials) {
        plan.credentials = std::move(*credentials);
    } else {
        plan.credentialsError = credentials.error();
    }
    return plan;
}

DoctorCheck checkCloudinary(net::NetworkThread& network, const CloudinaryPlan& plan, const std::string& extraCaFile)
{
    const QString target = fromStd(plan.apiBaseUrl);
    const QString sources = QStringLiteral("the API key comes from ") + plan.keyFrom +
                            QStringLiteral(", the secret from ") + plan.secretFrom;
    if (plan.credentialsError) {
        return made(QStringLiteral("cloudinary"), target, DoctorStatus::fail, fromStd(plan.credentialsError->detail()),
                    QStringLiteral("set cloudinary/cloudName and cloudinary/apiKey and store the secret with "
                                   "`hoststudio secret set cloudinary/apiSecret` (value on stdin)"));
    }
    cloud::CloudinaryClientSettings clientSettings;
    clientSettings.apiBaseUrl = plan.apiBaseUrl;
    clientSettings.tls.extraCaFile = extraCaFile;
    clientSettings.requestTimeout = kNetworkTimeout;
    clientSettings.maxAttempts = 1;
    auto client = cloud::CloudinaryClient::create(network, *plan.credentials, std::move(clientSettings));
    if (!client) {
        return made(QStringLiteral("cloudinary"), target, DoctorStatus::fail, fromStd(client.error().detail()),
                    QStringLiteral("correct cloudinary/apiBaseUrl (https://api.cloudinary.com) or tls/extraCaFile"));
    }
    const auto streams = (*client)->listStreamsBlocking();
    DoctorCheck check;
    if (streams) {
        check = made(QStringLiteral("cloudinary"), target, DoctorStatus::ok,
                     QStringLiteral("credentials accepted (cloud %1, %2 live stream(s)); %3")
                         .arg(fromStd(plan.credentials->cloudName()))
                         .arg(streams->size())
                         .arg(sources));
    } else if (streams.error() == cloud::CloudErrc::invalidCredentials) {
        check = made(QStringLiteral("cloudinary"), target, DoctorStatus::fail,
                     QStringLiteral("the credentials of cloud %1 were rejected (401): %2")
                         .arg(fromStd(plan.credentials->cloudName()), fromStd(streams.error().detail())),
                     QStringLiteral("check the API key/secret: ") + sources +
                         QStringLiteral("; store the right secret with `hoststudio secret set cloudinary/apiSecret`"));
    } else if (streams.error() == cloud::CloudErrc::forbidden) {
        check = made(QStringLiteral("cloudinary"), target, DoctorStatus::fail,
                     QStringLiteral("the account refused the list of live streams (403)"),
                     QStringLiteral("use an API key with Live Streaming permission (Cloudinary console, API keys)"));
    } else {
        check = made(QStringLiteral("cloudinary"), target, DoctorStatus::fail,
                     QStringLiteral("no answer: ") + fromStd(streams.error().describe()),
                     QStringLiteral("check cloudinary/apiBaseUrl and that the API host can be reached"));
    }
    if (!plan.note.isEmpty()) {
        check.detail += QStringLiteral(" (") + plan.note + QLatin1Char(')');
    }
    check.data.insert(QStringLiteral("keyFrom"), plan.keyFrom);
    check.data.insert(QStringLiteral("secretFrom"), plan.secretFrom);
    return check;
}

QJsonObject relayInformationJson(const nostr::RelayInformation& info)
{
    QJsonArray nips;
    for (const int nip : info.supportedNips) {
        nips.push_back(nip);
    }
    QJsonObject limitation{{QStringLiteral("auth_required"), info.limitation.authRequired},
                           {QStringLiteral("payment_required"), info.limitation.paymentRequired},
                           {QStringLiteral("restricted_writes"), info.limitation.restrictedWrites}};
    const auto put = [&limitation](const char* name, const std::optional<std::uint64_t>& value) {
        if (value) {
            limitation.insert(QLatin1String(name), static_cast<qint64>(*value));
        }
    };
    put("max_message_length", info.limitation.maxMessageLength);
    put("max_subscriptions", info.limitation.maxSubscriptions);
    put("max_content_length", info.limitation.maxContentLength);
    put("max_event_tags", info.limitation.maxEventTags);
    return QJsonObject{{QStringLiteral("name"), fromStd(info.name)},
                       {QStringLiteral("software"), fromStd(info.software)},
                       {QStringLiteral("version"), fromStd(info.version)},
                       {QStringLiteral("supported_nips"), nips},
                       {QStringLiteral("limitation"), limitation}};
}

DoctorCheck checkRelay(net::NetworkThread& network, net::HttpClient* http, const std::string& relay,
                       const std::string& extraCaFile)
{
    const QString target = fromStd(relay);
    net::WebSocketSettings socketSettings = net::WebSocketSettings::defaults();
    socketSettings.tls.extraCaFile = extraCaFile;
    socketSettings.connectTimeout = kNetworkTimeout;
    socketSettings.closeTimeout = 1s;
    auto socket = net::WebSocketClient::create(network, std::move(socketSettings));
    if (!socket) {
        return made(QStringLiteral("relay"), target, DoctorStatus::fail, fromStd(socket.error().detail()),
                    QStringLiteral("correct tls/extraCaFile"));
    }
    auto connected = std::make_shared<std::promise<core::Status>>();
    auto closed = std::make_shared<std::promise<void>>();
    std::future<core::Status> connectedFuture = connected->get_future();
    std::future<void> closedFuture = closed->get_future();
    const auto start = Clock::now();
    (*socket)->connect(relay,
                       net::WebSocketHandlers{
                           .onConnected = [connected](const core::Status& status) { connected->set_value(status); },
                           .onMessage = {},
                           .onClosed = [closed](const core::Error& /*why*/) { closed->set_value(); },
                       });
    if (connectedFuture.wait_for(kNetworkTimeout + 1s) != std::future_status::ready) {
        return made(QStringLiteral("relay"), target, DoctorStatus::fail,
                    QStringLiteral("no WebSocket connection within %1 s").arg(kNetworkTimeout.count() / 1000 + 1),
                    QStringLiteral("start the relay, or remove it from nostr/relays"));
    }
    const core::Status status = connectedFuture.get();
    if (!status) {
        return made(QStringLiteral("relay"), target, DoctorStatus::fail,
                    QStringLiteral("cannot connect: ") + fromStd(status.error().describe()),
                    QStringLiteral("start the relay or correct its URL in nostr/relays (ws://HOST:PORT or "
                                   "wss://HOST)"));
    }
    const qint64 connectMs = millisecondsSince(start);
    (*socket)->close();
    (void)closedFuture.wait_for(1500ms);
    socket->reset();

    DoctorCheck check = made(QStringLiteral("relay"), target, DoctorStatus::ok,
                             QStringLiteral("reachable (WebSocket open in %1 ms)").arg(connectMs));
    if (http == nullptr) {
        return check;
    }
    const auto info = nostr::fetchRelayInformation(*http, relay, kNetworkTimeout);
    if (!info) {
        check.status = DoctorStatus::warn;
        check.detail += QStringLiteral("; no NIP-11 document: ") + fromStd(info.error().describe());
        check.fix = QStringLiteral("nothing to do for streaming; the relay's limits stay unknown (its operator can "
                                   "serve application/nostr+json at the relay's HTTP URL)");
        return check;
    }
    check.data = relayInformationJson(*info);
    check.detail += QStringLiteral("; NIP-11: name \"%1\"").arg(fromStd(info->name));
    if (!info->software.empty()) {
        check.detail += QStringLiteral(", software ") + fromStd(info->software);
    }
    check.detail += info->limitation.authRequired ? QStringLiteral(", auth required (NIP-42, the host's key answers)")
                                                  : QStringLiteral(", no auth required");
    if (info->limitation.maxMessageLength) {
        check.detail += QStringLiteral(", max message %1 bytes").arg(*info->limitation.maxMessageLength);
    }
    if (info->limitation.paymentRequired || info->limitation.restrictedWrites) {
        check.status = DoctorStatus::warn;
        check.detail += info->limitation.paymentRequired ? QStringLiteral(", payment required")
                                                         : QStringLiteral(", writes restricted");
        check.fix = QStringLiteral("make sure the host's key may publish there (paid or allow-listed), or use "
                                   "another relay");
    }
    return check;
}

// A TCP connect with a deadline: resolve, then a non-blocking connect per address.
core::Status tcpConnect(const std::string& host, std::uint16_t port, std::chrono::milliseconds timeout)
{
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    const std::string service = std::to_string(port);
    if (const int failed = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &found); failed != 0) {
        return core::Error{net::NetErrc::resolveFailed, "cannot resolve " + host + ": " + ::gai_strerror(failed)};
    }
    std::unique_ptr<addrinfo, void (*)(addrinfo*)> addresses(found, &::freeaddrinfo);
    const auto deadline = Clock::now() + timeout;
    std::string lastError = "no address";
    for (const addrinfo* address = addresses.get(); address != nullptr; address = address->ai_next) {
        const int descriptor =
            ::socket(address->ai_family, address->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, address->ai_protocol);
        if (descriptor < 0) {
            lastError = std::strerror(errno); // NOLINT(concurrency-mt-unsafe)
            continue;
        }
        int result = ::connect(descriptor, address->ai_addr, address->ai_addrlen);
        if (result != 0 && errno == EINPROGRESS) {
            pollfd waiting{descriptor, POLLOUT, 0};
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
            result = ::poll(&waiting, 1, static_cast<int>(std::max<std::int64_t>(left.count(), 0)));
            if (result == 0) {
                ::close(descriptor);
                return core::Error{net::NetErrc::timedOut,
                                   "no answer within " + std::to_string(timeout.count()) + " ms"};
            }
            int socketError = 0;
            socklen_t length = sizeof(socketError);
            if (result > 0 && ::getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &socketError, &length) == 0) {
                result = socketError == 0 ? 0 : -1;
                errno = socketError;
            } else {
                result = -1;
            }
        }
        if (result == 0) {
            ::close(descriptor);
            return {};
        }
        lastError = std::strerror(errno); // NOLINT(concurrency-mt-unsafe)
        ::close(descriptor);
    }
    return core::Error{net::NetErrc::connectFailed, lastError};
}

DoctorCheck checkRtmpIngest(const std::string& serverUrl)
{
    const QString target = fromStd(serverUrl);
    const QString fix = QStringLiteral("start the RTMP server, or correct ingest/rtmpUrl (rtmp://HOST[:PORT]/APP)");
    if (serverUrl.empty()) {
        return made(QStringLiteral("rtmp-ingest"), target, DoctorStatus::fail,
                    QStringLiteral("ingest/provider is custom but ingest/rtmpUrl is empty"), fix);
    }
    const auto url = net::Url::parse(serverUrl);
    if (!url || (url->scheme() != "rtmp" && url->scheme() != "rtmps")) {
        return made(QStringLiteral("rtmp-ingest"), target, DoctorStatus::fail,
                    QStringLiteral("not an rtmp:// or rtmps:// URL"), fix);
    }
    const auto start = Clock::now();
    if (const core::Status connected = tcpConnect(url->host(), url->port(), kNetworkTimeout); !connected) {
        return made(QStringLiteral("rtmp-ingest"), target, DoctorStatus::fail,
                    QStringLiteral("cannot connect to %1:%2: %3")
                        .arg(fromStd(url->host()))
                        .arg(url->port())
                        .arg(fromStd(connected.error().detail())),
                    fix);
    }
    return made(QStringLiteral("rtmp-ingest"), target, DoctorStatus::ok,
                QStringLiteral("%1:%2 accepts connections (in %3 ms)")
                    .arg(fromStd(url->host()))
                    .arg(url->port())
                    .arg(millisecondsSince(start)));
}

DoctorCheck checkChannel(net::NetworkThread& network, const std::string& url, const std::string& extraCaFile)
{
    const QString target = fromStd(url);
    chat::SocketIoSettings socketSettings = chat::SocketIoSettings::defaults();
    socketSettings.webSocket.tls.extraCaFile = extraCaFile;
    socketSettings.webSocket.connectTimeout = kNetworkTimeout;
    socketSettings.handshakeTimeout = kNetworkTimeout;
    socketSettings.reconnect.enabled = false;
    auto client = chat::SocketIoClient::create(network, std::move(socketSettings));
    if (!client) {
        return made(QStringLiteral("channel"), target, DoctorStatus::fail, fromStd(client.error().detail()),
                    QStringLiteral("correct tls/extraCaFile"));
    }
    auto connected = std::make_shared<std::promise<core::Status>>();
    auto once = std::make_shared<std::once_flag>();
    std::future<core::Status> connectedFuture = connected->get_future();
    const auto start = Clock::now();
    chat::SocketIoHandlers handlers;
    handlers.onConnected = [connected, once](core::Status status) {
        std::call_once(*once, [&] { connected->set_value(std::move(status)); });
    };
    (*client)->connect(url, std::move(handlers));
    const QString fix = QStringLiteral("start the seed backend's real-time channel, or correct chat/url "
                                       "(http://HOST:PORT); without it the stream goes live without chat");
    if (connectedFuture.wait_for(kNetworkTimeout + 1s) != std::future_status::ready) {
        return made(QStringLiteral("channel"), target, DoctorStatus::fail,
                    QStringLiteral("no Socket.IO connection within %1 s").arg(kNetworkTimeout.count() / 1000 + 1), fix);
    }
    const core::Status status = connectedFuture.get();
    (*client)->close();
    if (!status) {
        return made(QStringLiteral("channel"), target, DoctorStatus::fail,
                    QStringLiteral("cannot connect: ") + fromStd(status.error().describe()), fix);
    }
    return made(QStringLiteral("channel"), target, DoctorStatus::ok,
                QStringLiteral("Socket.IO connected in %1 ms").arg(millisecondsSince(start)));
}

} // namespace

int runDoctorVerb(VerbContext& context)
{
    QString usageError;
    const auto options = parseDoctorOptions(context.invocation.verbArguments, usageError);
    if (!options) {
        context.err << "doctor: " << usageError << Qt::endl;
        return kExitUsage;
    }
    const core::Settings& settings = context.settings;
    const std::string extraCaFile = settings.text(core::setting::tlsExtraCaFile).toStdString();
    const QString provider = settings.text(core::setting::ingestProvider).toLower();

    // What needs the main thread first (the keyring may be asked).
    std::vector<DoctorCheck> checks;
    checks.push_back(checkNostrKey(settings, options->keyFilePath));
    SecretStoreFacts store = checkSecretStore(settings);
    checks.push_back(store.check);
    std::optional<CloudinaryPlan> cloudinary;
    if (cloudinaryInUse(settings, provider)) {
        cloudinary = planCloudinary(settings, store.description);
    }

    // The network checks, side by side.
    net::NetworkThread network;
    std::unique_ptr<net::HttpClient> http;
    {
        net::HttpClientSettings httpSettings = net::HttpClientSettings::defaults();
        httpSettings.tls.extraCaFile = extraCaFile;
        httpSettings.connectTimeout = kNetworkTimeout;
        if (auto created = net::HttpClient::create(network, std::move(httpSettings))) {
            http = std::move(*created);
        }
    }
    std::vector<std::future<DoctorCheck>> pending;
    const auto launch = [&pending](std::function<DoctorCheck()> work) {
        pending.push_back(std::async(std::launch::async, std::move(work)));
    };
    if (const std::string backendUrl = settings.text(core::setting::backendUrl).toStdString(); !backendUrl.empty()) {
        launch([&network, backendUrl, extraCaFile] { return checkBackend(network, backendUrl, extraCaFile); });
    }
    if (cloudinary) {
        launch([&network, &cloudinary, extraCaFile] { return checkCloudinary(network, *cloudinary, extraCaFile); });
    }
    bool anyRelay = false;
    for (const QString& relay : settings.textList(core::setting::nostrRelays)) {
        if (relay.trimmed().isEmpty()) {
            continue;
        }
        anyRelay = true;
        launch([&network, &http, url = relay.trimmed().toStdString(), extraCaFile] {
            return checkRelay(network, http.get(), url, extraCaFile);
        });
    }
    if (provider == QLatin1String("custom")) {
        launch([serverUrl = settings.text(core::setting::ingestRtmpUrl).toStdString()] {
            return checkRtmpIngest(serverUrl);
        });
    }
    if (const std::string chatUrl = settings.text(core::setting::chatUrl).toStdString(); !chatUrl.empty()) {
        launch([&network, chatUrl, extraCaFile] { return checkChannel(network, chatUrl, extraCaFile); });
    }

    // The local checks meanwhile.
    std::vector<DoctorCheck> local = checkDevices(options->display);
    for (DoctorCheck& check : checkEncoders()) {
        local.push_back(std::move(check));
    }
    local.push_back(checkRecordingFolder(settings));

    if (!anyRelay) {
        checks.push_back(
            made(QStringLiteral("relay"), {}, DoctorStatus::fail, QStringLiteral("no relay configured"),
                 QStringLiteral("set nostr/relays (the first is the primary), e.g. wss://relay.damus.io")));
    }
    for (std::future<DoctorCheck>& result : pending) {
        checks.push_back(result.get());
    }
    for (DoctorCheck& check : local) {
        checks.push_back(std::move(check));
    }
    http.reset();
    network.stop();

    for (const DoctorCheck& check : checks) {
        if (options->json) {
            context.out << doctorJsonLine(check) << Qt::endl;
        } else {
            context.out << formatDoctorLine(check) << Qt::endl;
        }
    }
    context.err << "doctor: " << doctorSummary(checks) << Qt::endl;
    return doctorExitCode(checks);
}

} // namespace hoststudio::app
