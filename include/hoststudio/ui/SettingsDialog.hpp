// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// Settings: the ingest provider and its credentials (the Cloudinary API secret into the secret
// store — the desktop keyring, or a 0600 file where no keyring runs, and the dialog says which),
// the relays (add, remove, each checked as a ws:// or wss:// URL), the host's Nostr key (generate,
// import an nsec, the npub shown; the nsec only after an explicit reveal), the encoder preset, the
// recording folder and the confirmation toggle.
//
// Nothing is written until Save, except the Nostr key: generating or importing one stores it at
// once (after asking when it replaces a stored key). Save validates every field first and writes
// nothing when one is wrong, saying which and what to enter.
//
// Owner: the Qt main thread (the secret store's keyring backend needs it).

#include "hoststudio/core/SecretStore.hpp"
#include "hoststudio/nostr/Keys.hpp"

#include <QDialog>

#include <memory>
#include <optional>

namespace Ui {
class SettingsDialog;
}

namespace hoststudio::core {
class Settings;
}

namespace hoststudio::ui {

class SettingsDialog : public QDialog {
    Q_OBJECT
public:
    SettingsDialog(core::Settings& settings, QWidget* parent = nullptr);
    ~SettingsDialog() override;

    // Validates and writes the settings (and the API secret when one was typed); the error says
    // which field is wrong. Save calls it and closes on success.
    [[nodiscard]] bool save();

private:
    void load();
    void openSecretStore();
    void showStoredKey();
    // The key in the store (nsec or hex), or nullopt with `problem` saying why (empty: none stored).
    [[nodiscard]] std::optional<nostr::SecretKey> storedKey(QString& problem);
    void addRelay();
    void removeRelay();
    void generateKey();
    void importKey();
    void revealKey();
    bool storeKey(const std::string& nsec, const QString& done);
    [[nodiscard]] bool confirmReplacingKey();
    void updateProviderFields();
    void fail(const QString& message);

    core::Settings& settings_;
    std::unique_ptr<Ui::SettingsDialog> form_;
    std::optional<core::SecretStore> store_;
    QString storeProblem_;
};

} // namespace hoststudio::ui
