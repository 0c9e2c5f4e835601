// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The headless commands of `hoststudio` (`status`, later `live`, `nostr …`, `ingest …`): one table,
// one source file per command in src/app/verbs/. A command prints JSON lines on `out`, human
// messages on `err`, and returns the exit code (kExitOk, kExitFailure, kExitUsage). It runs on the
// main thread with a QCoreApplication already constructed; it may run the event loop itself.

#include "hoststudio/app/CommandLine.hpp"

#include <QString>

#include <vector>

class QTextStream;

namespace hoststudio::core {
class Settings;
}
namespace hoststudio::media {
struct SceneConfig;
}

namespace hoststudio::app {

struct VerbContext {
    const Invocation& invocation;
    core::Settings& settings;
    QTextStream& out;
    QTextStream& err;
};

struct Verb {
    QString name;     // "status", "nostr"
    QString synopsis; // "status" or "nostr keygen|pubkey|decode|…"
    QString summary;  // one line for --help
    int (*run)(VerbContext& context) = nullptr;
};

// Every command, in the order --help lists them.
[[nodiscard]] const std::vector<Verb>& verbs();
[[nodiscard]] const Verb* findVerb(const QString& name);

// The commands, one per file in src/app/verbs/.
int runStatusVerb(VerbContext& context);
int runLiveVerb(VerbContext&);
int runNostrVerb(VerbContext& context);
int runIngestVerb(VerbContext& context);
int runDevicesVerb(VerbContext& context);
int runSecretVerb(VerbContext& context);
// The whole session on the Go Live controller (src/app/verbs/SessionVerbs.cpp).
int runSessionLive(VerbContext& context, const media::SceneConfig& scene); // scene: from LiveVerb.cpp
int runEndVerb(VerbContext& context);
int runRecoverVerb(VerbContext& context);
// Checks what going live needs (src/app/verbs/DoctorVerb.cpp).
int runDoctorVerb(VerbContext& context);

} // namespace hoststudio::app
