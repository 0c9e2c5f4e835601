// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Runs an Invocation: the window on a QApplication, or a headless verb on a QCoreApplication.
// main() only calls runApplication().
//
// Owner: the main thread.

#include "hoststudio/app/CommandLine.hpp"

class QTextStream;

namespace hoststudio::app {

// Returns the process exit code.
[[nodiscard]] int runApplication(int argc, char** argv);

// A headless verb, already parsed; writes JSON lines to `out` and messages to `err`.
[[nodiscard]] int runHeadless(const Invocation& invocation, QTextStream& out, QTextStream& err);

} // namespace hoststudio::app
