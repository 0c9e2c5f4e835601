// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/ui/SettingsDialog.hpp"
#include "hoststudio/ui/HostWords.hpp"

#include "ui_SettingsDialog.h"

#include "hoststudio/core/Settings.hpp"
#include "hoststudio/net/Url.hpp"
#include "hoststudio/nostr/Keys.hpp"

#include <QFileDialog>
#include <QMessageBox>
#include <QPushButton>

#include <array>

namespace hoststudio::ui {

namespace {

// The provider combo's rows, in order.
constexpr std::array<const char*, 3> kProviders{"custom", "cloudinary", "backend"};

// Empty when `text` is a URL of one of `schemes`, else what is wrong with it.
QString urlProblem(const QString& text, std::initializer_list<const char*> schemes)
{
    auto url = net::Url::parse(text.trimmed().toStdString());
    if (!url) {
        return QObject::tr("not a URL (%1)").arg(fromStd(url.error().detail()));
    }
    QStringList allowed;
    for (const char* scheme : schemes) {
        if (url->scheme() == scheme) {
            return {};
        }
        allowed.append(QLatin1String(scheme) + QStringLiteral("://"));
    }
    return QObject::tr("it must start with %1").arg(allowed.join(QStringLiteral(" or ")));
}

} // namespace

SettingsDialog::SettingsDialog(core::Settings& settings, QWidget* parent)
    : QDialog(parent), settings_(settings), form_(std::make_unique<Ui::SettingsDialog>())
{
    form_->setupUi(this);
    setObjectName(QStringLiteral("settingsDialog"));
    form_->nsecField->setVisible(false);
    form_->nostrFormLabel7->setVisible(false);
    connect(form_->providerCombo, &QComboBox::currentIndexChanged, this, [this] { updateProviderFields(); });
    connect(form_->addRelayButton, &QPushButton::clicked, this, &SettingsDialog::addRelay);
    connect(form_->relayInput, &QLineEdit::returnPressed, this, &SettingsDialog::addRelay);
    connect(form_->removeRelayButton, &QPushButton::clicked, this, &SettingsDialog::removeRelay);
    connect(form_->generateKeyButton, &QPushButton::clicked, this, &SettingsDialog::generateKey);
    connect(form_->importKeyButton, &QPushButton::clicked, this, &SettingsDialog::importKey);
    connect(form_->revealNsecButton, &QPushButton::clicked, this, &SettingsDialog::revealKey);
    connect(form_->browseRecordingButton, &QToolButton::clicked, this, [this] {
        const QString folder =
            QFileDialog::getExistingDirectory(this, tr("Folder for recordings"), form_->recordingFolderEdit->text());
        if (!folder.isEmpty()) {
            form_->recordingFolderEdit->setText(folder);
        }
    });
    connect(form_->buttons, &QDialogButtonBox::accepted, this, [this] {
        if (save()) {
            accept();
        }
    });
    connect(form_->buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    load();
    openSecretStore();
    showStoredKey();
}

SettingsDialog::~SettingsDialog() = default;

void SettingsDialog::load()
{
    const QString provider = settings_.text(core::setting::ingestProvider);
    for (std::size_t index = 0; index < kProviders.size(); ++index) {
        if (provider == QLatin1String(kProviders.at(index))) {
            form_->providerCombo->setCurrentIndex(static_cast<int>(index));
        }
    }
    form_->rtmpUrlEdit->setText(settings_.text(core::setting::ingestRtmpUrl));
    form_->cloudNameEdit->setText(settings_.text(core::setting::cloudinaryCloudName));
    form_->apiKeyEdit->setText(settings_.text(core::setting::cloudinaryApiKey));
    form_->backendUrlEdit->setText(settings_.text(core::setting::backendUrl));
    form_->chatUrlEdit->setText(settings_.text(core::setting::chatUrl));
    form_->presetCombo->setCurrentText(settings_.text(core::setting::videoPreset));
    form_->recordingCheck->setChecked(settings_.flag(core::setting::recordingEnabled));
    form_->recordingFolderEdit->setText(settings_.text(core::setting::recordingDirectory));
    form_->relaysList->addItems(settings_.textList(core::setting::nostrRelays));
    form_->confirmEndCheck->setChecked(settings_.flag(core::setting::confirmEndStream));
    form_->secretsBackendCombo->setCurrentText(settings_.text(core::setting::secretsBackend));
    updateProviderFields();
}

void SettingsDialog::openSecretStore()
{
    auto store = core::SecretStore::open(core::SecretStoreOptions::fromSettings(settings_));
    if (!store) {
        storeProblem_ = fromStd(store.error().describe());
        form_->secretStoreLabel->setText(tr("Secrets cannot be stored: %1").arg(storeProblem_));
        form_->apiSecretEdit->setEnabled(false);
        form_->generateKeyButton->setEnabled(false);
        form_->importKeyButton->setEnabled(false);
        return;
    }
    store_.emplace(std::move(*store));
    form_->secretStoreLabel->setText(store_->backend() == core::SecretBackendKind::keyring
                                         ? tr("Secrets are kept in the desktop keyring (%1).").arg(store_->location())
                                         : tr("Secrets are kept in a private file readable only by you: %1 (%2).")
                                               .arg(store_->location(), fromStd(store_->reason())));
    auto stored = store_->read(core::secretName::cloudinaryApiSecret);
    if (stored && stored->has_value()) {
        core::wipeSecret(**stored);
        form_->apiSecretState->setText(tr("An API secret is stored; type a new one to replace it."));
    } else {
        form_->apiSecretState->setText(tr("No API secret is stored yet."));
    }
}

void SettingsDialog::showStoredKey()
{
    form_->npubField->clear();
    if (!store_) {
        return;
    }
    QString problem;
    const auto key = storedKey(problem);
    if (!key) {
        if (!problem.isEmpty()) {
            form_->keyMessage->setText(problem);
        }
        form_->revealNsecButton->setEnabled(false);
        return;
    }
    form_->npubField->setText(fromStd(key->publicKey().value().toNpub()));
    form_->revealNsecButton->setEnabled(true);
}

std::optional<nostr::SecretKey> SettingsDialog::storedKey(QString& problem)
{
    auto stored = store_->read(core::secretName::nostrNsec);
    if (!stored) {
        problem = tr("The Nostr key cannot be read: %1").arg(fromStd(stored.error().describe()));
        return std::nullopt;
    }
    if (!stored->has_value()) {
        return std::nullopt; // none yet: nothing to say
    }
    std::string text = std::move(**stored);
    auto key = nostr::SecretKey::fromText(text);
    core::wipeSecret(text);
    if (!key) {
        problem = tr("The stored Nostr key is not usable: generate or import another.");
        return std::nullopt;
    }
    return std::move(*key);
}

void SettingsDialog::updateProviderFields()
{
    const std::string provider =
        kProviders.at(static_cast<std::size_t>(std::max(0, form_->providerCombo->currentIndex())));
    const bool custom = provider == "custom";
    const bool cloudinary = provider == "cloudinary";
    form_->rtmpUrlEdit->setEnabled(custom);
    form_->cloudNameEdit->setEnabled(cloudinary);
    form_->apiKeyEdit->setEnabled(cloudinary);
    form_->apiSecretEdit->setEnabled(cloudinary && store_.has_value());
}

void SettingsDialog::addRelay()
{
    const QString url = form_->relayInput->text().trimmed();
    if (const QString problem = urlProblem(url, {"ws", "wss"}); !problem.isEmpty()) {
        form_->relayError->setText(tr("Not added: %1 (a relay address looks like wss://relay.example)").arg(problem));
        return;
    }
    if (!form_->relaysList->findItems(url, Qt::MatchExactly).isEmpty()) {
        form_->relayError->setText(tr("%1 is already in the list.").arg(url));
        return;
    }
    form_->relaysList->addItem(url);
    form_->relayInput->clear();
    form_->relayError->clear();
}

void SettingsDialog::removeRelay()
{
    delete form_->relaysList->currentItem();
}

bool SettingsDialog::confirmReplacingKey()
{
    if (form_->npubField->text().isEmpty()) {
        return true;
    }
    return QMessageBox::question(this, tr("Replace your Nostr key?"),
                                 tr("A key is stored already (%1). Replacing it means your events are signed by a "
                                    "different identity; keep a copy of the old nsec if you may need it.")
                                     .arg(form_->npubField->text()),
                                 QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel) == QMessageBox::Yes;
}

bool SettingsDialog::storeKey(const std::string& nsec, const QString& done)
{
    if (!store_) {
        form_->keyMessage->setText(tr("No secret store: %1").arg(storeProblem_));
        return false;
    }
    if (const core::Status written = store_->write(core::secretName::nostrNsec, nsec); !written.ok()) {
        form_->keyMessage->setText(tr("The key was not stored: %1").arg(fromStd(written.error().describe())));
        return false;
    }
    form_->nsecField->clear();
    form_->nsecField->setVisible(false);
    form_->nostrFormLabel7->setVisible(false);
    showStoredKey();
    form_->keyMessage->setText(done);
    return true;
}

void SettingsDialog::generateKey()
{
    if (!confirmReplacingKey()) {
        return;
    }
    auto key = nostr::SecretKey::generate();
    if (!key) {
        form_->keyMessage->setText(tr("No key could be generated: %1").arg(fromStd(key.error().describe())));
        return;
    }
    const nostr::SecretString nsec = key->toNsec();
    storeKey(std::string(nsec.view()), tr("A new key was generated and stored. Your public key is shown above."));
}

void SettingsDialog::importKey()
{
    std::string text = form_->importNsecEdit->text().trimmed().toStdString();
    form_->importNsecEdit->clear();
    auto key = nostr::SecretKey::fromNsec(text);
    core::wipeSecret(text);
    if (!key) {
        form_->keyMessage->setText(tr("That is not a valid nsec: paste the whole nsec1… of your key."));
        return;
    }
    if (!confirmReplacingKey()) {
        return;
    }
    const nostr::SecretString nsec = key->toNsec();
    storeKey(std::string(nsec.view()), tr("The key was imported. It is not shown again unless you reveal it."));
}

void SettingsDialog::revealKey()
{
    if (!store_) {
        return;
    }
    if (QMessageBox::warning(this, tr("Reveal the secret key?"),
                             tr("Anyone who sees your nsec can post as you. Reveal it only where nobody watches or "
                                "records your screen."),
                             QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel) != QMessageBox::Yes) {
        return;
    }
    QString problem;
    const auto key = storedKey(problem);
    if (!key) {
        form_->keyMessage->setText(problem);
        return;
    }
    const nostr::SecretString nsec = key->toNsec();
    form_->nsecField->setText(QString::fromLatin1(nsec.view().data(), static_cast<qsizetype>(nsec.view().size())));
    form_->nsecField->setEchoMode(QLineEdit::Normal);
    form_->nsecField->setVisible(true);
    form_->nostrFormLabel7->setVisible(true);
}

void SettingsDialog::fail(const QString& message)
{
    form_->saveError->setText(message);
}

bool SettingsDialog::save()
{
    const std::string provider =
        kProviders.at(static_cast<std::size_t>(std::max(0, form_->providerCombo->currentIndex())));
    // Check everything before writing anything.
    if (provider == "custom" || !form_->rtmpUrlEdit->text().trimmed().isEmpty()) {
        if (const QString problem = urlProblem(form_->rtmpUrlEdit->text(), {"rtmp", "rtmps"}); !problem.isEmpty()) {
            fail(tr("RTMP server: %1. Enter the server's address, e.g. rtmp://127.0.0.1:1935/live.").arg(problem));
            return false;
        }
    }
    for (QLineEdit* field : {form_->backendUrlEdit, form_->chatUrlEdit}) {
        if (field->text().trimmed().isEmpty()) {
            continue;
        }
        if (const QString problem = urlProblem(field->text(), {"http", "https"}); !problem.isEmpty()) {
            fail(tr("%1: %2.").arg(field == form_->backendUrlEdit ? tr("Backend URL") : tr("Real-time channel URL"),
                                   problem));
            return false;
        }
    }
    if (provider == "backend" && form_->backendUrlEdit->text().trimmed().isEmpty()) {
        fail(tr("Backend URL: the seed backend provider needs it (and the real-time channel URL for its media)."));
        return false;
    }
    if (provider == "cloudinary" &&
        (form_->cloudNameEdit->text().trimmed().isEmpty() || form_->apiKeyEdit->text().trimmed().isEmpty())) {
        fail(tr("Cloudinary: enter the cloud name and the API key from the Cloudinary console."));
        return false;
    }
    QStringList relays;
    for (int row = 0; row < form_->relaysList->count(); ++row) {
        relays.append(form_->relaysList->item(row)->text());
    }
    if (relays.isEmpty()) {
        fail(tr("Relays: add at least one relay, or the live event cannot be announced."));
        return false;
    }

    const auto set = [this](std::string_view key, const QVariant& value) {
        if (const core::Status status = settings_.set(key, value); !status.ok()) {
            fail(tr("%1: %2").arg(fromStd(std::string(key)), fromStd(status.error().describe())));
            return false;
        }
        return true;
    };
    const bool written = set(core::setting::ingestProvider, QString::fromLatin1(provider.c_str())) &&
                         set(core::setting::ingestRtmpUrl, form_->rtmpUrlEdit->text().trimmed()) &&
                         set(core::setting::cloudinaryCloudName, form_->cloudNameEdit->text().trimmed()) &&
                         set(core::setting::cloudinaryApiKey, form_->apiKeyEdit->text().trimmed()) &&
                         set(core::setting::backendUrl, form_->backendUrlEdit->text().trimmed()) &&
                         set(core::setting::chatUrl, form_->chatUrlEdit->text().trimmed()) &&
                         set(core::setting::videoPreset, form_->presetCombo->currentText()) &&
                         set(core::setting::recordingEnabled, form_->recordingCheck->isChecked()) &&
                         set(core::setting::recordingDirectory, form_->recordingFolderEdit->text().trimmed()) &&
                         set(core::setting::nostrRelays, relays) &&
                         set(core::setting::confirmEndStream, form_->confirmEndCheck->isChecked()) &&
                         set(core::setting::secretsBackend, form_->secretsBackendCombo->currentText());
    if (!written) {
        return false;
    }
    if (const core::Status synced = settings_.sync(); !synced.ok()) {
        fail(tr("The settings file cannot be written: %1").arg(fromStd(synced.error().describe())));
        return false;
    }
    if (std::string secret = form_->apiSecretEdit->text().toStdString(); !secret.empty()) {
        const core::Status stored =
            store_ ? store_->write(core::secretName::cloudinaryApiSecret, secret)
                   : core::Status{core::Error{std::make_error_code(std::errc::io_error), storeProblem_.toStdString()}};
        core::wipeSecret(secret);
        form_->apiSecretEdit->clear();
        if (!stored.ok()) {
            fail(tr("The settings were saved, but the API secret was not stored: %1")
                     .arg(fromStd(stored.error().describe())));
            return false;
        }
        form_->apiSecretState->setText(tr("An API secret is stored; type a new one to replace it."));
    }
    form_->saveError->clear();
    return true;
}

} // namespace hoststudio::ui
