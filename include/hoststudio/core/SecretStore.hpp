// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Where the studio keeps its secrets (the host's nsec, the Cloudinary API secret, stream keys):
// the desktop keyring (a Secret Service on the D-Bus session bus, through QtKeychain, service name
// "HostStudio") when one answers, otherwise one private file, ~/.config/HostStudio/secrets.json
// (XDG_CONFIG_HOME honoured, mode 0600, see SecretStoreBackend.hpp). The setting `secrets/backend`
// (auto | keyring | file) forces one of them; `auto` probes the Secret Service with a short timeout.
// The store says which backend it uses and why, for `hoststudio doctor`, `hoststudio secret list`
// and the log.
//
// Names look like "group/name" ("nostr/nsec", "cloudinary/apiSecret", "ingest/streamKey"): a lower
// case group, a slash, then letters, digits, '.', '_' or '-'. Every value read or written is
// registered with core::SecretScrubber at once; the store logs names and backends, never values.
//
// Thread safety: a SecretStore belongs to the thread that opened it. The keyring backend waits for
// QtKeychain's asynchronous jobs in a local event loop, so a store that uses the keyring must be
// opened and used on the thread of the QCoreApplication (the main thread), which must exist.
// The file backend may be used from any thread; concurrent writers (threads or processes) are
// serialised by an exclusive lock on a lock file next to the secrets file.

#include "hoststudio/core/Error.hpp"
#include "hoststudio/core/Result.hpp"

#include <QString>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hoststudio::core {

enum class SecretErrc {
    invalidName = 1,    // not "group/name"
    invalidValue,       // empty, too long or holding a NUL byte
    backendUnavailable, // the keyring was asked for but no Secret Service answers
    keyringFailed,      // the Secret Service answered with an error (locked, denied, …)
    fileInsecure,       // the secrets file is readable by others or belongs to another user
    fileCorrupt,        // the secrets file is not the JSON the store writes
    fileUnreadable,
    fileUnwritable,
    timedOut, // a keyring job did not finish in time
};

[[nodiscard]] const std::error_category& secretCategory() noexcept;
[[nodiscard]] std::error_code make_error_code(SecretErrc value) noexcept;

} // namespace hoststudio::core

HOSTSTUDIO_DECLARE_ERROR_ENUM(hoststudio::core::SecretErrc);

namespace hoststudio::core {

class SecretBackend;
class Settings;

// The names the studio itself uses.
namespace secretName {
inline constexpr std::string_view nostrNsec = "nostr/nsec";
inline constexpr std::string_view cloudinaryApiSecret = "cloudinary/apiSecret";
inline constexpr std::string_view ingestStreamKey = "ingest/streamKey";
} // namespace secretName

// The largest value the store accepts (a key, a token: far less in practice).
inline constexpr std::size_t kMaximumSecretBytes = std::size_t{16} * 1024U;

enum class SecretBackendKind { keyring, file };
enum class SecretBackendChoice { automatic, keyring, file };

// "keyring" / "file".
[[nodiscard]] QString secretBackendName(SecretBackendKind kind);
// "auto" / "keyring" / "file" (the values of the setting), or an invalidValue error naming them.
[[nodiscard]] Result<SecretBackendChoice> parseSecretBackendChoice(const QString& text);
[[nodiscard]] bool isValidSecretName(std::string_view name) noexcept;

// Overwrites the characters of a string holding a secret, then empties it.
void wipeSecret(std::string& text) noexcept;

// ~/.config/HostStudio/secrets.json through QStandardPaths (honours XDG_CONFIG_HOME).
[[nodiscard]] QString defaultSecretsFilePath();

struct SecretServiceProbe {
    bool answered = false;
    std::string reason; // a sentence: which bus, what answered or what failed
};

// Asks the session bus for the Secret Service (org.freedesktop.secrets) and waits at most
// `timeout` for its answer. Any thread may call it; it needs no event loop.
[[nodiscard]] SecretServiceProbe probeSecretService(std::chrono::milliseconds timeout);

struct SecretStoreOptions {
    SecretBackendChoice choice = SecretBackendChoice::automatic;
    QString filePath;                                      // empty: defaultSecretsFilePath()
    QString keyringService = QStringLiteral("HostStudio"); // the QtKeychain service name
    std::chrono::milliseconds probeTimeout{1500};
    // A keyring job may wait for the host to unlock the keyring in a desktop prompt.
    std::chrono::milliseconds keyringTimeout{60000};

    // The choice of `secrets/backend` in `settings`, the rest defaulted.
    [[nodiscard]] static SecretStoreOptions fromSettings(const Settings& settings);
};

class SecretStore {
public:
    // Picks the backend (see the top of this file). Fails only when the keyring is forced and no
    // Secret Service answers; the error says how to start one or switch to the file.
    [[nodiscard]] static Result<SecretStore> open(const SecretStoreOptions& options);

    SecretStore(SecretStore&&) noexcept;
    SecretStore& operator=(SecretStore&&) noexcept;
    ~SecretStore();

    [[nodiscard]] SecretBackendKind backend() const noexcept { return kind_; }
    [[nodiscard]] QString backendName() const { return secretBackendName(kind_); }
    // Why this backend: "a Secret Service answered on the session bus", "secrets/backend is file", …
    [[nodiscard]] const std::string& reason() const noexcept { return reason_; }
    // The file's path, or "Secret Service, service HostStudio".
    [[nodiscard]] QString location() const;

    // The value, or nullopt when no secret has that name. The value is registered with the
    // scrubber before it is returned; wipe it (wipeSecret) when done.
    [[nodiscard]] Result<std::optional<std::string>> read(std::string_view name);
    // Creates or replaces a secret.
    [[nodiscard]] Status write(std::string_view name, std::string_view value);
    // True when a secret was deleted, false when there was none of that name.
    [[nodiscard]] Result<bool> remove(std::string_view name);
    // The names held, sorted; never the values.
    [[nodiscard]] Result<std::vector<std::string>> names();

private:
    SecretStore(std::unique_ptr<SecretBackend> backend, SecretBackendKind kind, std::string reason);

    std::unique_ptr<SecretBackend> backend_;
    SecretBackendKind kind_ = SecretBackendKind::file;
    std::string reason_;
};

} // namespace hoststudio::core
