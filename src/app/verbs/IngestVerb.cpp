// SPDX-License-Identifier: GPL-2.0-or-later
// `hoststudio ingest …`: the live streams of the configured Cloudinary account from the command
// line. JSON lines on stdout, sentences on stderr; exit 0 success, 1 failure, 2 usage error.
//
// Credentials, first match wins: CLOUDINARY_URL; CLOUDINARY_CLOUD_NAME / CLOUDINARY_API_KEY /
// CLOUDINARY_API_SECRET (the cloud name and key may come from the settings cloudinary/cloudName and
// cloudinary/apiKey instead); with none of them and cloudinary/apiBaseUrl on this machine (the
// local stack's stand-in), the stand-in's test credentials. The API secret is never printed;
// stream keys only with --show-key.
#include "hoststudio/app/Verb.hpp"

#include "../CloudinaryAccess.hpp"
#include "hoststudio/cloud/CloudError.hpp"
#include "hoststudio/cloud/CloudinaryClient.hpp"
#include "hoststudio/cloud/CloudinaryCredentials.hpp"
#include "hoststudio/core/Log.hpp"
#include "hoststudio/core/Settings.hpp"
#include "hoststudio/net/NetworkThread.hpp"
#include "hoststudio/net/Url.hpp"

#include <QTextStream>

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <optional>
#include <string>

namespace hoststudio::app {

namespace {

using OrderedJson = nlohmann::ordered_json;

// The local stand-in's built-in account (tests/peers/cloudinary-fake.mjs without arguments).

QString ingestUsageText()
{
    return QStringLiteral(
        "Usage: hoststudio ingest COMMAND [OPTIONS]\n"
        "\n"
        "  list [--show-key]                                  every live stream, one JSON line each\n"
        "  create [--name N] [--idle-timeout S] [--max-runtime S] [--show-key]\n"
        "                                                     a new live stream (RTMP input)\n"
        "  show --id ID [--show-key]                          one live stream\n"
        "  activate --id ID                                   mark it active (going live)\n"
        "  idle --id ID                                       mark it idle (the stream is over)\n"
        "  delete --id ID                                     delete it\n"
        "\n"
        "Cloudinary credentials, first match wins:\n"
        "  CLOUDINARY_URL=cloudinary://API_KEY:API_SECRET@CLOUD_NAME\n"
        "  CLOUDINARY_CLOUD_NAME, CLOUDINARY_API_KEY, CLOUDINARY_API_SECRET (cloud name and key may also\n"
        "  come from the settings cloudinary/cloudName and cloudinary/apiKey)\n"
        "  none of these, with cloudinary/apiBaseUrl on 127.0.0.1: the local stack's stand-in account\n"
        "The API goes to cloudinary/apiBaseUrl (https://api.cloudinary.com by default).\n"
        "Stream keys are masked unless --show-key is given.\n"
        "\n"
        "Exit status: 0 success, 1 failure, 2 usage error.\n");
}

struct Options {
    std::optional<QString> name;
    std::optional<QString> id;
    std::optional<QString> idleTimeout;
    std::optional<QString> maxRuntime;
    bool showKey = false;
};

std::optional<QString> parseOptions(const QStringList& arguments, const QStringList& allowed, Options& options)
{
    for (qsizetype index = 0; index < arguments.size(); ++index) {
        const QString& argument = arguments.at(index);
        const qsizetype equals = argument.indexOf(QLatin1Char('='));
        const QString optionName =
            argument.startsWith(QLatin1String("--")) && equals > 0 ? argument.left(equals) : argument;
        if (!optionName.startsWith(QLatin1String("--"))) {
            return QStringLiteral("unexpected argument '%1'").arg(argument);
        }
        if (!allowed.contains(optionName)) {
            return QStringLiteral("unknown option '%1' for this command").arg(optionName);
        }
        if (optionName == QLatin1String("--show-key")) {
            if (equals > 0) {
                return QStringLiteral("--show-key takes no value");
            }
            options.showKey = true;
            continue;
        }
        QString value;
        if (equals > 0) {
            value = argument.mid(equals + 1);
        } else if (index + 1 < arguments.size()) {
            value = arguments.at(++index);
        } else {
            return QStringLiteral("%1 needs a value").arg(optionName);
        }
        std::optional<QString>* slot = &options.name;
        if (optionName == QLatin1String("--id")) {
            slot = &options.id;
        } else if (optionName == QLatin1String("--idle-timeout")) {
            slot = &options.idleTimeout;
        } else if (optionName == QLatin1String("--max-runtime")) {
            slot = &options.maxRuntime;
        }
        if (slot->has_value()) {
            return QStringLiteral("%1 is given twice").arg(optionName);
        }
        *slot = value;
    }
    return std::nullopt;
}

OrderedJson streamJson(const cloud::LiveStream& stream, const std::string& cloudName, bool showKey)
{
    const auto optionalText = [](const std::optional<std::string>& value) -> OrderedJson {
        return value ? OrderedJson(*value) : OrderedJson(nullptr);
    };
    const auto optionalNumber = [](const std::optional<std::int64_t>& value) -> OrderedJson {
        return value ? OrderedJson(*value) : OrderedJson(nullptr);
    };
    std::optional<std::string> key = stream.streamKey;
    std::optional<std::string> publish = stream.publishUrl();
    if (!showKey) {
        if (key) {
            key = core::maskSecret(*key);
        }
        if (publish && stream.ingestUri) {
            std::string base = *stream.ingestUri;
            while (!base.empty() && base.back() == '/') {
                base.pop_back();
            }
            publish = base + "/" + *key;
        }
    }
    return OrderedJson{{"id", stream.id},
                       {"name", optionalText(stream.name)},
                       {"status", stream.statusText},
                       {"ingest_url", optionalText(stream.ingestUri)},
                       {"stream_key", optionalText(key)},
                       {"publish_url", optionalText(publish)},
                       {"hls_url", optionalText(stream.hlsPlaybackUrl())},
                       {"player_url", stream.playerPageUrl(cloudName)},
                       {"archive_url", optionalText(stream.archiveUrl(cloudName))},
                       {"idle_timeout_sec", optionalNumber(stream.idleTimeoutSeconds)},
                       {"max_runtime_sec", optionalNumber(stream.maxRuntimeSeconds)},
                       {"created_at", optionalNumber(stream.createdAtMs)}};
}

void printJson(VerbContext& context, const OrderedJson& value)
{
    context.out << QString::fromStdString(value.dump(-1, ' ', false, OrderedJson::error_handler_t::replace))
                << Qt::endl;
}

int fail(VerbContext& context, const core::Error& error)
{
    std::string text = error.code().message();
    if (!error.detail().empty()) {
        text += ": " + error.detail();
    }
    context.err << "hoststudio ingest: " << core::SecretScrubber::scrub(QString::fromStdString(text)) << Qt::endl;
    return kExitFailure;
}

int usageError(VerbContext& context, const QString& message)
{
    context.err << "hoststudio ingest: " << message << "\n(see hoststudio ingest --help)" << Qt::endl;
    return kExitUsage;
}

std::optional<std::int64_t> positiveSeconds(const std::optional<QString>& text, bool& bad)
{
    if (!text) {
        return std::nullopt;
    }
    bool ok = false;
    const qlonglong value = text->toLongLong(&ok);
    if (!ok || value <= 0) {
        bad = true;
        return std::nullopt;
    }
    return static_cast<std::int64_t>(value);
}

} // namespace

int runIngestVerb(VerbContext& context)
{
    const QStringList& arguments = context.invocation.verbArguments;
    if (arguments.isEmpty() || arguments.first() == QLatin1String("--help") ||
        arguments.first() == QLatin1String("-h") || arguments.first() == QLatin1String("help")) {
        if (arguments.isEmpty()) {
            context.err << "hoststudio ingest: which command? list, create, show, activate, idle or delete\n"
                        << ingestUsageText() << Qt::flush;
            return kExitUsage;
        }
        context.out << ingestUsageText() << Qt::flush;
        return kExitOk;
    }
    const QString command = arguments.first();
    const QStringList rest = arguments.mid(1);
    QStringList allowed;
    bool needsId = false;
    if (command == QLatin1String("list")) {
        allowed = {QStringLiteral("--show-key")};
    } else if (command == QLatin1String("create")) {
        allowed = {QStringLiteral("--name"), QStringLiteral("--idle-timeout"), QStringLiteral("--max-runtime"),
                   QStringLiteral("--show-key")};
    } else if (command == QLatin1String("show")) {
        allowed = {QStringLiteral("--id"), QStringLiteral("--show-key")};
        needsId = true;
    } else if (command == QLatin1String("activate") || command == QLatin1String("idle") ||
               command == QLatin1String("delete")) {
        allowed = {QStringLiteral("--id")};
        needsId = true;
    } else {
        return usageError(context, QStringLiteral("unknown command '%1'; type one of: list, create, show, activate, "
                                                  "idle, delete")
                                       .arg(command));
    }
    Options options;
    if (auto error = parseOptions(rest, allowed, options)) {
        return usageError(context, *error);
    }
    if (needsId && (!options.id || options.id->isEmpty())) {
        return usageError(context, QStringLiteral("%1 needs --id ID (see hoststudio ingest list)").arg(command));
    }
    bool badNumber = false;
    const auto idleTimeout = positiveSeconds(options.idleTimeout, badNumber);
    const auto maxRuntime = positiveSeconds(options.maxRuntime, badNumber);
    if (badNumber) {
        return usageError(context,
                          QStringLiteral("--idle-timeout and --max-runtime need a whole number of seconds > 0"));
    }

    cloud::CloudinaryClientSettings clientSettings;
    clientSettings.apiBaseUrl = context.settings.text(core::setting::cloudinaryApiBaseUrl).toStdString();
    clientSettings.tls.extraCaFile = context.settings.text(core::setting::tlsExtraCaFile).toStdString();
    clientSettings.maxAttempts = 3;
    auto credentials = cloudinaryCredentialsFor(context.settings, clientSettings.apiBaseUrl, context.err,
                                                QStringLiteral("hoststudio ingest"));
    if (!credentials) {
        return fail(context, credentials.error());
    }
    const std::string cloudName = credentials->cloudName();
    net::NetworkThread network;
    auto client = cloud::CloudinaryClient::create(network, std::move(credentials.value()), clientSettings);
    if (!client) {
        return fail(context, client.error());
    }
    const std::string id = options.id ? options.id->toStdString() : std::string();
    int exitCode = kExitOk;
    const auto printStream = [&](const core::Result<cloud::LiveStream>& stream) {
        if (!stream) {
            exitCode = fail(context, stream.error());
            return;
        }
        if (stream->streamKey && options.showKey) {
            core::SecretScrubber::registerSecret(*stream->streamKey);
        }
        printJson(context, streamJson(stream.value(), cloudName, options.showKey));
    };
    const auto printMessage = [&](const core::Result<std::string>& message, const char* status) {
        if (!message) {
            exitCode = fail(context, message.error());
            return;
        }
        printJson(context, OrderedJson{{"id", id}, {"result", status}, {"message", message.value()}});
    };
    if (command == QLatin1String("list")) {
        auto streams = client.value()->listStreamsBlocking();
        if (!streams) {
            exitCode = fail(context, streams.error());
        } else {
            for (const cloud::LiveStream& stream : streams.value()) {
                printStream(stream);
            }
        }
    } else if (command == QLatin1String("create")) {
        cloud::StreamOptions streamOptions;
        if (options.name) {
            streamOptions.name = options.name->toStdString();
        }
        streamOptions.idleTimeoutSeconds = idleTimeout;
        streamOptions.maxRuntimeSeconds = maxRuntime;
        printStream(client.value()->createStreamBlocking(streamOptions));
    } else if (command == QLatin1String("show")) {
        printStream(client.value()->getStreamBlocking(id));
    } else if (command == QLatin1String("activate")) {
        printMessage(client.value()->activateStreamBlocking(id), "activated");
    } else if (command == QLatin1String("idle")) {
        printMessage(client.value()->idleStreamBlocking(id), "idle");
    } else {
        printMessage(client.value()->deleteStreamBlocking(id), "deleted");
    }
    client.value().reset();
    network.stop();
    return exitCode;
}

} // namespace hoststudio::app
