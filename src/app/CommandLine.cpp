// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/app/CommandLine.hpp"

#include "hoststudio/app/Verb.hpp"
#include "hoststudio/core/Version.hpp"
#include "hoststudio/media/MediaLibraries.hpp"

#include <QtGlobal>

#include <openssl/opensslv.h>

namespace hoststudio::app {

namespace {

Invocation invalid(const QString& why)
{
    Invocation invocation;
    invocation.mode = Mode::invalid;
    invocation.error = why;
    return invocation;
}

} // namespace

Invocation parseCommandLine(const QStringList& arguments)
{
    Invocation invocation;
    bool headless = false;
    bool wantsVersion = false;
    bool wantsHelp = false;
    bool optionsEnded = false;
    for (qsizetype index = 0; index < arguments.size(); ++index) {
        const QString& argument = arguments.at(index);
        if (!optionsEnded && invocation.verb.isEmpty() && argument.startsWith(QLatin1Char('-'))) {
            if (argument == QLatin1String("--")) {
                optionsEnded = true;
            } else if (argument == QLatin1String("--version") || argument == QLatin1String("-v")) {
                wantsVersion = true;
            } else if (argument == QLatin1String("--help") || argument == QLatin1String("-h")) {
                wantsHelp = true;
            } else if (argument == QLatin1String("--headless")) {
                headless = true;
            } else if (argument == QLatin1String("--config") || argument.startsWith(QLatin1String("--config="))) {
                QString value;
                if (argument == QLatin1String("--config")) {
                    if (index + 1 >= arguments.size()) {
                        return invalid(QStringLiteral("--config needs a file: --config PATH/hoststudio.ini"));
                    }
                    value = arguments.at(++index);
                } else {
                    value = argument.mid(static_cast<qsizetype>(sizeof("--config=") - 1));
                }
                if (value.isEmpty()) {
                    return invalid(QStringLiteral("--config needs a file: --config PATH/hoststudio.ini"));
                }
                invocation.configPath = value;
            } else {
                return invalid(QStringLiteral("unknown option '%1' (see hoststudio --help)").arg(argument));
            }
            continue;
        }
        if (invocation.verb.isEmpty()) {
            invocation.verb = argument;
        } else {
            invocation.verbArguments.append(argument);
        }
    }
    if (wantsHelp) {
        invocation.mode = Mode::help;
    } else if (wantsVersion) {
        invocation.mode = Mode::version;
    } else if (!invocation.verb.isEmpty()) {
        if (findVerb(invocation.verb) == nullptr) {
            return invalid(QStringLiteral("unknown command '%1' (see hoststudio --help)").arg(invocation.verb));
        }
        invocation.mode = Mode::headless;
    } else if (headless) {
        invocation.mode = Mode::headless;
        invocation.verb = QStringLiteral("status");
    }
    return invocation;
}

QString usageText()
{
    QString text = QStringLiteral("Usage: hoststudio [--config FILE] [COMMAND [ARGS...]]\n"
                                  "\n"
                                  "HostStudio takes a host live in one click: capture, encode, push over RTMP(S),\n"
                                  "viewer chat, and the event announced on Nostr (NIP-53).\n"
                                  "\n"
                                  "With no command the studio window opens.\n"
                                  "\n"
                                  "Options:\n"
                                  "  --config FILE   use the settings in FILE (INI) instead of your own\n"
                                  "  --headless      run without a window (same as the command 'status')\n"
                                  "  -v, --version   print the version and the libraries in use\n"
                                  "  -h, --help      print this help\n"
                                  "\n"
                                  "Commands (no display needed; JSON lines on stdout, messages on stderr):\n");
    for (const Verb& verb : verbs()) {
        text += QStringLiteral("  %1\n      %2\n").arg(verb.synopsis, verb.summary);
    }
    text += QStringLiteral("\nExit status: 0 success, 1 failure, 2 usage error.\n");
    return text;
}

QString versionText()
{
    QString text = QStringLiteral("%1 %2\n").arg(QLatin1String(core::kApplicationName), QLatin1String(core::kVersion));
    text += QStringLiteral("Qt %1\n").arg(QLatin1String(qVersion()));
    for (const media::LibraryVersion& library : media::ffmpegLibraryVersions()) {
        text += QStringLiteral("%1 %2\n").arg(QString::fromStdString(library.name),
                                              QString::fromStdString(library.version));
    }
    text += QStringLiteral("%1\n").arg(QLatin1String(OPENSSL_VERSION_TEXT));
    text += QStringLiteral("License: GPL-2.0-or-later\n");
    return text;
}

} // namespace hoststudio::app
