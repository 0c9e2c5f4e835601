// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/ui/FirstKeyDialog.hpp"

#include "hoststudio/core/Settings.hpp"
#include "hoststudio/nostr/Keys.hpp"
#include "hoststudio/nostr/SecretString.hpp"
#include "hoststudio/ui/HostWords.hpp"

#include <QApplication>
#include <QClipboard>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QStackedWidget>
#include <QVBoxLayout>

namespace hoststudio::ui {

namespace {

QLabel* wrappedLabel(const QString& text, const char* objectName)
{
    auto* label = new QLabel(text);
    label->setWordWrap(true);
    label->setObjectName(QLatin1String(objectName));
    return label;
}

} // namespace

FirstKeyDialog::FirstKeyDialog(core::Settings& settings, QWidget* parent) : QDialog(parent)
{
    setObjectName(QStringLiteral("firstKeyDialog"));
    setWindowTitle(tr("Your Nostr key"));
    setModal(true);
    setMinimumWidth(480);
    auto* layout = new QVBoxLayout(this);
    pages_ = new QStackedWidget;
    layout->addWidget(pages_);

    // Page 1: make one or bring one.
    auto* choose = new QWidget;
    auto* chooseLayout = new QVBoxLayout(choose);
    chooseLayout->addWidget(wrappedLabel(
        tr("HostStudio announces your stream on Nostr, signed with your key, so that viewers' apps show it "
           "as yours. You have no key here yet."),
        "firstKeyIntro"));
    createButton_ = new QPushButton(tr("Create a new key"));
    createButton_->setObjectName(QStringLiteral("createKeyButton"));
    createButton_->setDefault(true);
    chooseLayout->addWidget(createButton_);
    chooseLayout->addWidget(
        wrappedLabel(tr("Or, if you already use Nostr, paste your secret key (nsec1…):"), "pasteKeyLabel"));
    auto* pasteRow = new QHBoxLayout;
    pasteField_ = new QLineEdit;
    pasteField_->setObjectName(QStringLiteral("pasteKeyField"));
    pasteField_->setEchoMode(QLineEdit::Password);
    pasteField_->setPlaceholderText(QStringLiteral("nsec1…"));
    useButton_ = new QPushButton(tr("Use this key"));
    useButton_->setObjectName(QStringLiteral("useKeyButton"));
    useButton_->setEnabled(false);
    pasteRow->addWidget(pasteField_);
    pasteRow->addWidget(useButton_);
    chooseLayout->addLayout(pasteRow);
    message_ = wrappedLabel({}, "firstKeyMessage");
    chooseLayout->addWidget(message_);
    auto* cancel = new QPushButton(tr("Not now"));
    cancel->setObjectName(QStringLiteral("cancelKeyButton"));
    chooseLayout->addWidget(cancel, 0, Qt::AlignRight);
    pages_->addWidget(choose);

    // Page 2: the new key, and the reminder to keep a copy of its secret half.
    auto* made = new QWidget;
    auto* madeLayout = new QVBoxLayout(made);
    npubLabel_ = wrappedLabel({}, "firstKeyNpub");
    npubLabel_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    madeLayout->addWidget(npubLabel_);
    madeLayout->addWidget(wrappedLabel(
        tr("Back up your secret key (nsec) now, in a password manager or on paper. Whoever has it can post as "
           "you, and nobody can give it back to you if this computer is lost. Settings → Nostr shows it again."),
        "firstKeyBackupReminder"));
    auto* copy = new QPushButton(tr("Copy my secret key"));
    copy->setObjectName(QStringLiteral("copyNsecButton"));
    madeLayout->addWidget(copy);
    copiedLabel_ = wrappedLabel({}, "firstKeyCopied");
    madeLayout->addWidget(copiedLabel_);
    auto* proceed = new QPushButton(tr("Continue to Go Live"));
    proceed->setObjectName(QStringLiteral("continueButton"));
    proceed->setDefault(true);
    madeLayout->addWidget(proceed, 0, Qt::AlignRight);
    pages_->addWidget(made);

    connect(createButton_, &QPushButton::clicked, this, &FirstKeyDialog::createKey);
    connect(useButton_, &QPushButton::clicked, this, &FirstKeyDialog::useKey);
    connect(pasteField_, &QLineEdit::returnPressed, this, &FirstKeyDialog::useKey);
    connect(pasteField_, &QLineEdit::textChanged, this,
            [this](const QString& text) { useButton_->setEnabled(!text.trimmed().isEmpty()); });
    connect(cancel, &QPushButton::clicked, this, &QDialog::reject);
    connect(copy, &QPushButton::clicked, this, &FirstKeyDialog::copySecretKey);
    connect(proceed, &QPushButton::clicked, this, &QDialog::accept);

    auto opened = core::SecretStore::open(core::SecretStoreOptions::fromSettings(settings));
    if (!opened) {
        storeProblem_ = wordsFor(opened.error());
        message_->setText(
            tr("Your key cannot be kept on this computer: %1. Choose where secrets are kept in Settings → "
               "General, then go live again.")
                .arg(storeProblem_));
        createButton_->setEnabled(false);
        pasteField_->setEnabled(false);
        return;
    }
    store_.emplace(std::move(*opened));
}

FirstKeyDialog::~FirstKeyDialog() = default;

bool FirstKeyDialog::store(const std::string& nsec, const QString& npub)
{
    if (const core::Status written = store_->write(core::secretName::nostrNsec, nsec); !written.ok()) {
        message_->setText(tr("Your key could not be stored: %1. Check where secrets are kept in Settings → General.")
                              .arg(wordsFor(written.error())));
        return false;
    }
    storedNpub_ = npub;
    return true;
}

void FirstKeyDialog::createKey()
{
    auto key = nostr::SecretKey::generate();
    auto publicKey = key ? key->publicKey() : core::Result<nostr::PublicKey>(key.error());
    if (!key || !publicKey) {
        message_->setText(tr("No key could be made: %1.").arg(wordsFor(key ? publicKey.error() : key.error())));
        return;
    }
    const nostr::SecretString nsec = key->toNsec();
    if (!store(std::string(nsec.view()), fromStd(publicKey->toNpub()))) {
        return;
    }
    npubLabel_->setText(tr("Your new key is ready and kept in %1. Your public key, which anyone may see:\n%2")
                            .arg(store_->backend() == core::SecretBackendKind::keyring ? tr("the desktop keyring")
                                                                                       : tr("a private file"),
                                 storedNpub_));
    pages_->setCurrentIndex(1);
}

void FirstKeyDialog::useKey()
{
    std::string text = pasteField_->text().toStdString();
    auto key = nostr::SecretKey::fromText(text);
    core::wipeSecret(text);
    auto publicKey = key ? key->publicKey() : core::Result<nostr::PublicKey>(key.error());
    if (!key || !publicKey) {
        message_->setText(tr("That is not a Nostr secret key: paste the whole nsec1… (or its 64 hex digits)."));
        return;
    }
    const nostr::SecretString nsec = key->toNsec();
    if (!store(std::string(nsec.view()), fromStd(publicKey->toNpub()))) {
        return;
    }
    pasteField_->clear();
    accept();
}

void FirstKeyDialog::copySecretKey()
{
    auto stored = store_->read(core::secretName::nostrNsec);
    if (!stored || !stored->has_value()) {
        copiedLabel_->setText(tr("Your secret key cannot be read back; Settings → Nostr can reveal it."));
        return;
    }
    QApplication::clipboard()->setText(QString::fromStdString(**stored));
    core::wipeSecret(**stored);
    copiedLabel_->setText(tr("Copied. Paste it where you keep passwords, then clear your clipboard."));
}

} // namespace hoststudio::ui
