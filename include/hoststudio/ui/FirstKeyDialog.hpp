// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The first Go Live without a Nostr key: one dialog that makes a new key or takes the host's own,
// keeps it in the secret store (the desktop keyring, or the private secrets file where no keyring
// runs), and, for a new key, shows the public key and reminds the host to back up the secret one
// (which it copies on request). Accepted once a key is stored: Go Live then goes on.
//
// Owner and thread: the Qt main thread; modal, shown by the window.

#include "hoststudio/core/SecretStore.hpp"

#include <QDialog>

#include <optional>
#include <string>

class QLabel;
class QLineEdit;
class QPushButton;
class QStackedWidget;

namespace hoststudio::core {
class Settings;
}

namespace hoststudio::ui {

class FirstKeyDialog : public QDialog {
    Q_OBJECT
public:
    explicit FirstKeyDialog(core::Settings& settings, QWidget* parent = nullptr);
    ~FirstKeyDialog() override;
    FirstKeyDialog(const FirstKeyDialog&) = delete;
    FirstKeyDialog& operator=(const FirstKeyDialog&) = delete;

    // The npub of the key stored (empty until one is).
    [[nodiscard]] QString storedNpub() const { return storedNpub_; }

private:
    void createKey();
    void useKey();
    void copySecretKey();
    bool store(const std::string& nsec, const QString& npub);

    std::optional<core::SecretStore> store_;
    QString storeProblem_;
    QString storedNpub_;
    QStackedWidget* pages_ = nullptr;
    QLineEdit* pasteField_ = nullptr;
    QLabel* message_ = nullptr;
    QLabel* npubLabel_ = nullptr;
    QLabel* copiedLabel_ = nullptr;
    QPushButton* createButton_ = nullptr;
    QPushButton* useButton_ = nullptr;
};

} // namespace hoststudio::ui
