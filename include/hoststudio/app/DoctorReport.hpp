// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The report of `hoststudio doctor`: one check per line, each ok, warn or fail, with what to do
// when it is not ok.
//
//   text:  "fail  relay ws://127.0.0.1:7447: cannot connect: connection refused. To fix: start …"
//   JSON:  {"check":"relay","target":"ws://127.0.0.1:7447","status":"fail","detail":"…","fix":"…"}
//
// Every line goes through core::SecretScrubber, so a secret registered there never reaches the
// output even when an error message from a lower layer carries it.
//
// Thread safety: value types and pure functions.

#include <QJsonObject>
#include <QString>

#include <vector>

namespace hoststudio::app {

enum class DoctorStatus { ok, warn, fail };

// "ok", "warn", "fail".
[[nodiscard]] QString doctorStatusName(DoctorStatus status);

struct DoctorCheck {
    QString check;  // "backend", "cloudinary", "relay", …
    QString target; // what was checked (a URL, a folder); may be empty
    DoctorStatus status = DoctorStatus::ok;
    QString detail;   // what was found
    QString fix;      // what to do; empty when ok
    QJsonObject data; // extra facts for --json (a relay's NIP-11 fields, the devices found)
};

// One human line: the status padded to four characters, the check and its target, the detail,
// then ". To fix: …" when there is something to do.
[[nodiscard]] QString formatDoctorLine(const DoctorCheck& check);
// One compact JSON object (no trailing newline).
[[nodiscard]] QByteArray doctorJsonLine(const DoctorCheck& check);
// 0 when no check failed (warnings included), 1 otherwise.
[[nodiscard]] int doctorExitCode(const std::vector<DoctorCheck>& checks);
// "12 checks: 9 ok, 2 warn, 1 fail".
[[nodiscard]] QString doctorSummary(const std::vector<DoctorCheck>& checks);

} // namespace hoststudio::app
