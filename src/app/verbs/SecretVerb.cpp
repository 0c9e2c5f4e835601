// SPDX-License-Identifier: GPL-2.0-or-later
// `hoststudio secret set|get|delete|list`: the secrets in the secret store (the desktop keyring, or
// the private secrets file; core/SecretStore.hpp). A value is read from stdin, never from the command
// line (where other users could see it in the process list and it lands in shell history), and is
// printed only by `get NAME --reveal`. JSON lines on stdout, sentences on stderr; exit 0 success,
// 1 failure, 2 usage error.
#include "hoststudio/app/NostrKeySource.hpp"
#include "hoststudio/app/Verb.hpp"
#include "hoststudio/core/Log.hpp"
#include "hoststudio/core/SecretStore.hpp"
#include "hoststudio/core/Settings.hpp"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

#include <cerrno>
#include <cstdio>
#include <optional>
#include <string>

#include <termios.h>
#include <unistd.h>

namespace hoststudio::app {

namespace {

QString secretUsageText()
{
    return QStringLiteral(
        "Usage: hoststudio secret COMMAND [NAME] [--backend auto|keyring|file]\n"
        "  set NAME          store the value read from stdin (a terminal is asked without echo;\n"
        "                    one trailing newline is dropped)\n"
        "  get NAME --reveal print {\"name\":…,\"value\":…}; without --reveal nothing is printed\n"
        "  delete NAME       delete the secret\n"
        "  list              the backend in use, why, and the names held (never the values)\n"
        "Names: nostr/nsec (the host's Nostr key), cloudinary/apiSecret, ingest/streamKey, or any group/name.\n"
        "The store is the desktop keyring when a Secret Service answers, else ~/.config/HostStudio/secrets.json\n"
        "(mode 0600); the setting secrets/backend or --backend picks one. To move a secret between them:\n"
        "  hoststudio secret get NAME --reveal --backend file | python3 -c 'import json,sys; "
        "print(json.load(sys.stdin)[\"value\"])' | hoststudio secret set NAME --backend keyring\n"
        "Exit status: 0 success, 1 failure (no such secret, store unusable), 2 usage error.\n");
}

int usageError(VerbContext& context, const QString& message)
{
    context.err << "hoststudio secret: " << message << "\n(see hoststudio secret --help)" << Qt::endl;
    return kExitUsage;
}

int fail(VerbContext& context, const QString& message)
{
    context.err << "hoststudio secret: " << message << Qt::endl;
    return kExitFailure;
}

void printLine(VerbContext& context, const QJsonObject& line)
{
    context.out << QString::fromUtf8(QJsonDocument(line).toJson(QJsonDocument::Compact)) << Qt::endl;
}

struct Options {
    QString command;
    QString name;
    bool reveal = false;
    std::optional<QString> backend;
};

std::optional<QString> parseOptions(const QStringList& arguments, Options& options)
{
    QStringList positionals;
    for (qsizetype index = 0; index < arguments.size(); ++index) {
        const QString& argument = arguments.at(index);
        if (argument == QLatin1String("--reveal")) {
            options.reveal = true;
        } else if (argument == QLatin1String("--backend") || argument.startsWith(QLatin1String("--backend="))) {
            if (argument.contains(QLatin1Char('='))) {
                options.backend = argument.section(QLatin1Char('='), 1);
            } else if (index + 1 < arguments.size()) {
                options.backend = arguments.at(++index);
            } else {
                return QStringLiteral("--backend needs a value: auto, keyring or file");
            }
        } else if (argument.startsWith(QLatin1String("--"))) {
            return QStringLiteral("unknown option '%1'").arg(argument);
        } else {
            positionals.append(argument);
        }
    }
    if (positionals.isEmpty()) {
        return QStringLiteral("which command? set, get, delete or list");
    }
    options.command = positionals.takeFirst();
    const bool takesName = options.command != QLatin1String("list");
    if (takesName) {
        if (positionals.isEmpty()) {
            return QStringLiteral("%1 needs the secret's NAME, e.g. nostr/nsec").arg(options.command);
        }
        options.name = positionals.takeFirst();
    }
    if (!positionals.isEmpty()) {
        if (options.command == QLatin1String("set")) {
            // Do not echo what may be the secret itself.
            return QStringLiteral("set reads the value from stdin, never from the command line (the command line "
                                  "is visible to other users and kept in shell history): "
                                  "hoststudio secret set %1 < FILE, or type it when asked")
                .arg(options.name);
        }
        return QStringLiteral("%1 takes no further argument").arg(options.command);
    }
    if (options.reveal && options.command != QLatin1String("get")) {
        return QStringLiteral("--reveal belongs to get only");
    }
    return std::nullopt;
}

// Reads the value: all of stdin (at most kMaximumSecretBytes + a newline), or one line typed
// without echo on a terminal. The text is registered with the scrubber before anything else.
std::optional<std::string> readValue(VerbContext& context, const QString& name, QString& problem)
{
    const bool terminal = ::isatty(STDIN_FILENO) == 1;
    termios saved{};
    bool echoOff = false;
    if (terminal) {
        context.err << "Value of " << name << " (not shown; Enter to finish): " << Qt::flush;
        if (::tcgetattr(STDIN_FILENO, &saved) == 0) {
            termios quiet = saved;
            quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
            echoOff = ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
        }
    }
    std::string value;
    const std::size_t limit = core::kMaximumSecretBytes + 2;
    bool tooLong = false;
    for (;;) {
        char buffer[1024];
        const ssize_t count = ::read(STDIN_FILENO, buffer, sizeof buffer);
        if (count < 0 && errno == EINTR) {
            continue;
        }
        if (count <= 0) {
            break;
        }
        value.append(buffer, static_cast<std::size_t>(count));
        std::fill(std::begin(buffer), std::end(buffer), '\0');
        if (value.size() > limit) {
            tooLong = true;
            break;
        }
        if (terminal && value.find('\n') != std::string::npos) {
            value.resize(value.find('\n') + 1);
            break;
        }
    }
    if (echoOff) {
        ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
        context.err << Qt::endl;
    }
    core::SecretScrubber::registerSecret(value);
    if (tooLong) {
        core::wipeSecret(value);
        problem = QStringLiteral("the value on stdin is longer than %1 bytes").arg(core::kMaximumSecretBytes);
        return std::nullopt;
    }
    if (!value.empty() && value.back() == '\n') {
        value.pop_back();
        if (!value.empty() && value.back() == '\r') {
            value.pop_back();
        }
    }
    if (value.empty()) {
        problem = QStringLiteral("no value on stdin: hoststudio secret set %1 < FILE (a file holding only the "
                                 "value), or run it in a terminal and type the value")
                      .arg(name);
        return std::nullopt;
    }
    core::SecretScrubber::registerSecret(value);
    return value;
}

} // namespace

int runSecretVerb(VerbContext& context)
{
    const QStringList& arguments = context.invocation.verbArguments;
    if (arguments.contains(QStringLiteral("--help")) || arguments.contains(QStringLiteral("-h"))) {
        context.out << secretUsageText() << Qt::flush;
        return kExitOk;
    }
    Options options;
    if (const auto error = parseOptions(arguments, options); error.has_value()) {
        return usageError(context, *error);
    }
    const bool known = options.command == QLatin1String("set") || options.command == QLatin1String("get") ||
                       options.command == QLatin1String("delete") || options.command == QLatin1String("list");
    if (!known) {
        return usageError(context,
                          QStringLiteral("unknown command '%1' (set, get, delete or list)").arg(options.command));
    }
    const std::string name = options.name.toStdString();
    if (!options.name.isEmpty() && !core::isValidSecretName(name)) {
        return usageError(context, QStringLiteral("'%1' is not a secret name: use group/name, e.g. nostr/nsec, "
                                                  "cloudinary/apiSecret, ingest/streamKey")
                                       .arg(options.name.left(80)));
    }
    if (options.command == QLatin1String("get") && !options.reveal) {
        return usageError(context, QStringLiteral("get prints the secret only with --reveal (it then appears on "
                                                  "stdout in clear): hoststudio secret get %1 --reveal")
                                       .arg(options.name));
    }

    core::SecretStoreOptions storeOptions = core::SecretStoreOptions::fromSettings(context.settings);
    if (options.backend.has_value()) {
        auto choice = core::parseSecretBackendChoice(*options.backend);
        if (!choice) {
            return usageError(context, QString::fromStdString(choice.error().detail()));
        }
        storeOptions.choice = choice.value();
    }

    // Read the value before opening the store: a typing host is not kept waiting on the probe.
    std::string value;
    if (options.command == QLatin1String("set")) {
        QString problem;
        auto read = readValue(context, options.name, problem);
        if (!read.has_value()) {
            return fail(context, problem);
        }
        value = std::move(*read);
        if (name == core::secretName::nostrNsec) {
            if (auto key = parseNostrSecretKeyText(value); !key) {
                core::wipeSecret(value);
                return fail(context, QStringLiteral("nostr/nsec must be a Nostr secret key: %1")
                                         .arg(QString::fromStdString(key.error().detail())));
            }
        }
    }

    auto store = core::SecretStore::open(storeOptions);
    if (!store) {
        core::wipeSecret(value);
        return fail(context, QString::fromStdString(store.error().detail()));
    }
    QJsonObject line{{QStringLiteral("backend"), store->backendName()},
                     {QStringLiteral("location"), store->location()}};

    if (options.command == QLatin1String("set")) {
        const core::Status written = store->write(name, value);
        core::wipeSecret(value);
        if (!written) {
            return fail(context, QStringLiteral("%1 was not stored: %2")
                                     .arg(options.name, QString::fromStdString(written.error().detail())));
        }
        line.insert(QStringLiteral("event"), QStringLiteral("secret-stored"));
        line.insert(QStringLiteral("name"), options.name);
        printLine(context, line);
        return kExitOk;
    }
    if (options.command == QLatin1String("delete")) {
        auto removed = store->remove(name);
        if (!removed) {
            return fail(context, QStringLiteral("%1 was not deleted: %2")
                                     .arg(options.name, QString::fromStdString(removed.error().detail())));
        }
        if (!removed.value()) {
            return fail(context, QStringLiteral("there is no secret %1 in the %2 (%3)")
                                     .arg(options.name, store->backendName(), store->location()));
        }
        line.insert(QStringLiteral("event"), QStringLiteral("secret-deleted"));
        line.insert(QStringLiteral("name"), options.name);
        printLine(context, line);
        return kExitOk;
    }
    if (options.command == QLatin1String("list")) {
        auto names = store->names();
        if (!names) {
            return fail(context, QString::fromStdString(names.error().detail()));
        }
        QJsonArray list;
        for (const std::string& entry : names.value()) {
            list.append(QString::fromStdString(entry));
        }
        line.insert(QStringLiteral("event"), QStringLiteral("secrets"));
        line.insert(QStringLiteral("reason"), QString::fromStdString(store->reason()));
        line.insert(QStringLiteral("names"), list);
        printLine(context, line);
        return kExitOk;
    }

    // get NAME --reveal
    auto stored = store->read(name);
    if (!stored) {
        return fail(
            context,
            QStringLiteral("%1 cannot be read: %2").arg(options.name, QString::fromStdString(stored.error().detail())));
    }
    if (!stored->has_value()) {
        return fail(context, QStringLiteral("there is no secret %1 in the %2 (%3); store one with: hoststudio "
                                            "secret set %1")
                                 .arg(options.name, store->backendName(), store->location()));
    }
    line.insert(QStringLiteral("event"), QStringLiteral("secret"));
    line.insert(QStringLiteral("name"), options.name);
    line.insert(QStringLiteral("value"), QString::fromStdString(**stored));
    core::wipeSecret(**stored);
    printLine(context, line);
    return kExitOk;
}

} // namespace hoststudio::app
