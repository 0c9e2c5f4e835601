// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The two backends behind core::SecretStore. Names are validated by the store before they get here.
//
// FileSecretBackend: one JSON file {"version":1,"secrets":{"nostr/nsec":"…",…}}. It is refused, like
// ssh refuses a private key, when it is not a regular file, when its mode gives the group or others
// any access, or when it belongs to another user; its directory is created with mode 0700. Every
// change is a read-modify-write under an exclusive flock() on "<file>.lock", written to a temporary
// file in the same directory (mode 0600), fsync'ed and renamed over the old one, so a reader sees
// the old file or the new one, never half of one, and concurrent writers lose no update.
// Thread safety: any thread; each call opens the file anew.
//
// KeyringSecretBackend: QtKeychain jobs (service name given, key = secret name) run to completion in
// a local QEventLoop with a timeout. The Secret Service cannot list entries, so the backend keeps
// the list of names (never values) in one more entry, ".names". QtKeychain's own insecure plain-text
// fallback is off. Thread safety: the QCoreApplication's thread only (see SecretStore.hpp).

#include "hoststudio/core/Result.hpp"

#include <QString>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <sys/types.h>

namespace hoststudio::core {

class SecretBackend {
public:
    SecretBackend() = default;
    SecretBackend(const SecretBackend&) = delete;
    SecretBackend& operator=(const SecretBackend&) = delete;
    virtual ~SecretBackend() = default;

    [[nodiscard]] virtual Result<std::optional<std::string>> read(std::string_view name) = 0;
    [[nodiscard]] virtual Status write(std::string_view name, std::string_view value) = 0;
    [[nodiscard]] virtual Result<bool> remove(std::string_view name) = 0;
    [[nodiscard]] virtual Result<std::vector<std::string>> names() = 0;
    [[nodiscard]] virtual QString location() const = 0;
};

class FileSecretBackend final : public SecretBackend {
public:
    // `expectedOwner`: the user the file must belong to (the effective user unless a test says otherwise).
    explicit FileSecretBackend(QString filePath, std::optional<uid_t> expectedOwner = std::nullopt);

    [[nodiscard]] Result<std::optional<std::string>> read(std::string_view name) override;
    [[nodiscard]] Status write(std::string_view name, std::string_view value) override;
    [[nodiscard]] Result<bool> remove(std::string_view name) override;
    [[nodiscard]] Result<std::vector<std::string>> names() override;
    [[nodiscard]] QString location() const override { return filePath_; }

private:
    QString filePath_;
    uid_t expectedOwner_;
};

class KeyringSecretBackend final : public SecretBackend {
public:
    KeyringSecretBackend(QString service, std::chrono::milliseconds timeout);

    [[nodiscard]] Result<std::optional<std::string>> read(std::string_view name) override;
    [[nodiscard]] Status write(std::string_view name, std::string_view value) override;
    [[nodiscard]] Result<bool> remove(std::string_view name) override;
    [[nodiscard]] Result<std::vector<std::string>> names() override;
    [[nodiscard]] QString location() const override;

private:
    [[nodiscard]] Status updateIndex(std::string_view name, bool present);

    QString service_;
    std::chrono::milliseconds timeout_;
};

} // namespace hoststudio::core
