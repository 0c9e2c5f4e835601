// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/ui/UrlsPanel.hpp"

#include "ui_UrlsPanel.h"

#include <QClipboard>
#include <QGuiApplication>

namespace hoststudio::ui {

UrlsPanel::UrlsPanel(QWidget* parent) : QGroupBox(parent), form_(std::make_unique<Ui::UrlsPanel>())
{
    form_->setupUi(this);
    const auto connectCopy = [this](QAbstractButton* button, const QString& what, QLineEdit* field) {
        connect(button, &QAbstractButton::clicked, this, [this, what, field] { copyField(what, field->text()); });
    };
    connectCopy(form_->copyPlaybackButton, tr("Playback URL"), form_->playbackField);
    connectCopy(form_->copyPlayerButton, tr("Player page URL"), form_->playerField);
    connectCopy(form_->copyNaddrButton, tr("Event address"), form_->naddrField);
    connectCopy(form_->copyIngestButton, tr("Ingest server URL"), form_->ingestField);
    connect(form_->revealStreamKeyButton, &QAbstractButton::toggled, this, [this](bool revealed) {
        form_->streamKeyField->setEchoMode(revealed ? QLineEdit::Normal : QLineEdit::Password);
        form_->revealStreamKeyButton->setText(revealed ? tr("Hide") : tr("Show"));
    });
    setStreamKey({});
    setPlaybackUrl({});
    setPlayerPageUrl({});
    setNaddr({});
}

UrlsPanel::~UrlsPanel() = default;

void UrlsPanel::setPlaybackUrl(const QString& url)
{
    form_->playbackField->setText(url);
    form_->copyPlaybackButton->setEnabled(!url.isEmpty());
}

void UrlsPanel::setPlayerPageUrl(const QString& url)
{
    form_->playerField->setText(url);
    form_->copyPlayerButton->setEnabled(!url.isEmpty());
}

void UrlsPanel::setNaddr(const QString& naddr)
{
    form_->naddrField->setText(naddr);
    form_->copyNaddrButton->setEnabled(!naddr.isEmpty());
}

void UrlsPanel::setIngestServer(const QString& url)
{
    form_->ingestField->setText(url);
    form_->copyIngestButton->setEnabled(!url.isEmpty());
}

void UrlsPanel::setStreamKey(const QString& key)
{
    form_->streamKeyField->setText(key);
    form_->revealStreamKeyButton->setEnabled(!key.isEmpty());
    if (key.isEmpty()) {
        form_->revealStreamKeyButton->setChecked(false);
    }
}

void UrlsPanel::copyField(const QString& what, const QString& value)
{
    if (value.isEmpty()) {
        return;
    }
    QGuiApplication::clipboard()->setText(value);
    emit copied(what);
}

} // namespace hoststudio::ui
