// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Where the `hoststudio nostr …` commands find the host's Nostr secret key, first match wins:
//   1. --key-file PATH: a file holding an nsec or 64 hex digits (surrounding whitespace ignored);
//   2. the environment variable HOSTSTUDIO_NOSTR_KEY (nsec or hex; empty counts as unset);
//   3. the default key file ~/.config/HostStudio/nostr.key (written by `nostr keygen --save`);
//   4. the secret "nostr/nsec" in the secret store (the desktop keyring, or the private secrets
//      file; see core/SecretStore.hpp), stored with `hoststudio secret set nostr/nsec`.
// A key file whose permissions give the group or others any access is refused ("chmod 600").
// Every secret text is registered with core::SecretScrubber the moment it is read.
//
// Thread safety: pure functions over values, plus file reads and writes; the secret store source
// of nostrKeySourcesFromEnvironment() may use the keyring, so call loadNostrKey() with it on the
// main thread (see core/SecretStore.hpp).

#include "hoststudio/core/Error.hpp"
#include "hoststudio/core/Result.hpp"
#include "hoststudio/core/SecretStore.hpp"
#include "hoststudio/nostr/Keys.hpp"

#include <QString>

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace hoststudio::core {
class Settings;
}

namespace hoststudio::app {

enum class NostrKeyErrc {
    notConfigured = 1, // none of the four sources holds a key
    fileUnreadable,    // the key file is missing or cannot be read
    filePermissions,   // the key file is readable by the group or others
    invalidKey,        // the text is neither an nsec nor 64 hex digits of a valid key
    fileExists,        // saving would overwrite a key file (use --force)
    fileUnwritable,
};

[[nodiscard]] const std::error_category& nostrKeyCategory() noexcept;
[[nodiscard]] std::error_code make_error_code(NostrKeyErrc value) noexcept;

} // namespace hoststudio::app

HOSTSTUDIO_DECLARE_ERROR_ENUM(hoststudio::app::NostrKeyErrc);

namespace hoststudio::app {

inline constexpr const char* kNostrKeyEnvironmentVariable = "HOSTSTUDIO_NOSTR_KEY";

enum class NostrKeyOrigin { keyFile, environment, defaultFile, secretStore };

// "key-file", "environment", "default-file", "secret-store": how the JSON output names the origin.
[[nodiscard]] QString nostrKeyOriginName(NostrKeyOrigin origin);

struct NostrKeySources {
    QString keyFilePath;                   // --key-file; empty when not given
    std::optional<QString> environmentKey; // the value of HOSTSTUDIO_NOSTR_KEY, if set
    QString defaultFilePath;               // ~/.config/HostStudio/nostr.key
    // Reads "nostr/nsec" from the secret store (nullopt when it holds none); consulted only when the
    // three sources above hold nothing. Empty: no secret store.
    std::function<core::Result<std::optional<std::string>>()> secretStoreReader;
};

struct LoadedNostrKey {
    nostr::SecretKey secretKey;
    NostrKeyOrigin origin = NostrKeyOrigin::keyFile;
};

// ~/.config/HostStudio/nostr.key, through QStandardPaths (honours XDG_CONFIG_HOME).
[[nodiscard]] QString defaultNostrKeyFilePath();

// The sources of this process: `keyFilePath` (from --key-file), the environment, the default file,
// and the secret store chosen by the setting secrets/backend of `settings` (opened only when read).
[[nodiscard]] NostrKeySources nostrKeySourcesFromEnvironment(const QString& keyFilePath,
                                                             const core::Settings& settings);
// The same with the host's own settings (~/.config/HostStudio/hoststudio.conf).
[[nodiscard]] NostrKeySources nostrKeySourcesFromEnvironment(const QString& keyFilePath);

// A reader of "nostr/nsec" in the secret store opened with `options`.
[[nodiscard]] std::function<core::Result<std::optional<std::string>>()>
nostrSecretStoreReader(const core::SecretStoreOptions& options);

// An nsec or 64 hex digits, surrounding whitespace ignored; the text is registered as a secret.
[[nodiscard]] core::Result<nostr::SecretKey> parseNostrSecretKeyText(std::string_view text);

// Reads one key file: refuses group/other permissions, oversized files and invalid contents.
[[nodiscard]] core::Result<nostr::SecretKey> readNostrKeyFile(const QString& path);

// Applies the order above. The error detail is a sentence for the host (it names the four
// sources when none is configured).
[[nodiscard]] core::Result<LoadedNostrKey> loadNostrKey(const NostrKeySources& sources);

// Writes the nsec to `path` with mode 0600 (directories created 0700). Refuses an existing file
// unless `overwrite`; an overwrite replaces the file atomically.
[[nodiscard]] core::Status saveNostrKeyFile(const QString& path, const nostr::SecretKey& secretKey, bool overwrite);

} // namespace hoststudio::app
