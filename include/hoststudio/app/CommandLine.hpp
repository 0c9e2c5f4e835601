// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// What the `hoststudio` command line asks for. With no verb the window opens; with a verb (or
// --headless) the command runs without a display, prints JSON lines on stdout and human messages on
// stderr, and exits non-zero on failure.
//
// Thread safety: pure functions over values.

#include <QString>
#include <QStringList>

namespace hoststudio::app {

enum class Mode {
    window,   // open the studio window
    headless, // run without a display (verbs, or --headless alone)
    version,  // print the version and the libraries in use
    help,     // print usage
    invalid,  // a usage error: `error` says what
};

struct Invocation {
    Mode mode = Mode::window;
    QString configPath; // --config FILE: an INI settings file (must exist)
    QString verb;       // the first positional argument, if any
    QStringList verbArguments;
    QString error; // for Mode::invalid
};

// Parses the arguments after the program name.
[[nodiscard]] Invocation parseCommandLine(const QStringList& arguments);

[[nodiscard]] QString usageText();
[[nodiscard]] QString versionText();

// Exit codes shared by every verb.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

} // namespace hoststudio::app
