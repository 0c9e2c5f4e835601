// SPDX-License-Identifier: GPL-2.0-or-later
// The window's side of a live session: Go Live builds a session through the factory and starts the
// controller; the controller's snapshots drive the step list, the badges, the URLs and the button;
// End asks for confirmation (unless turned off in the settings) and ends from any state.
#include "hoststudio/session/GoLiveController.hpp"
#include "hoststudio/ui/ChatPanel.hpp"
#include "hoststudio/ui/FirstKeyDialog.hpp"
#include "hoststudio/ui/HealthGraph.hpp"
#include "hoststudio/ui/HostWords.hpp"
#include "hoststudio/ui/MainWindow.hpp"
#include "hoststudio/ui/SessionNotices.hpp"
#include "hoststudio/ui/SourcesPanel.hpp"
#include "hoststudio/ui/StatusBadge.hpp"
#include "hoststudio/ui/ToastArea.hpp"
#include "hoststudio/ui/UrlsPanel.hpp"

#include <QApplication>
#include <QCloseEvent>
#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPixmap>
#include <QPointer>
#include <QPushButton>
#include <QRegularExpression>
#include <QStatusBar>
#include <QTimer>

#include <algorithm>
#include <chrono>

namespace hoststudio::ui {

namespace {

constexpr int kMessageMs = 8000;

BadgeState badgeStateOf(session::PartHealth health)
{
    switch (health) {
    case session::PartHealth::notUsed:
    case session::PartHealth::idle:
    case session::PartHealth::stopped: return BadgeState::idle;
    case session::PartHealth::working: return BadgeState::connecting;
    case session::PartHealth::ok: return BadgeState::healthy;
    case session::PartHealth::degraded: return BadgeState::degraded;
    case session::PartHealth::failed: return BadgeState::failed;
    }
    return BadgeState::idle;
}

QString partDetail(const QString& name, const session::PartStatus& part)
{
    QString text = QStringLiteral("%1: %2").arg(name, fromStd(std::string(session::toString(part.health))));
    if (!part.detail.empty()) {
        text += QStringLiteral(" — ") + fromStd(part.detail);
    }
    return text;
}

bool isRunning(session::SessionState state)
{
    return state == session::SessionState::goingLive || state == session::SessionState::live ||
           state == session::SessionState::ending;
}

} // namespace

void MainWindow::onGoLiveClicked()
{
    if (session_ != nullptr && isRunning(session_->controller().snapshot().state)) {
        endStream();
    } else {
        goLive();
    }
}

void MainWindow::goLive()
{
    if (!sessionFactory_ || titleInput_->text().trimmed().isEmpty()) {
        return;
    }
    if (eventId_.empty()) {
        newEvent();
    }
    // A journal left by a crash (or a session in another process) comes first: going live now
    // would overwrite what it knows.
    if (!journalPath_.empty() &&
        (session_ == nullptr || session_->controller().snapshot().state == session::SessionState::idle)) {
        auto left = session::SessionJournal(journalPath_).read();
        if (!left || left->has_value()) {
            offerRecovery(journalPath_);
            return;
        }
    }
    // The event's details are checked before anything starts.
    const QString image = imageInput_->text().trimmed();
    if (!image.isEmpty() && !image.startsWith(QLatin1String("https://")) &&
        !image.startsWith(QLatin1String("http://"))) {
        toasts_->show({NoticeLevel::error, tr("The image URL is not a web address"),
                       tr("Enter an https://… address of the picture, or leave the field empty.")});
        return;
    }
    std::vector<std::string> hashtags;
    for (QString tag :
         hashtagsInput_->text().split(QRegularExpression(QStringLiteral("[,\\s]+")), Qt::SkipEmptyParts)) {
        while (tag.startsWith(QLatin1Char('#'))) {
            tag.remove(0, 1);
        }
        if (!tag.isEmpty()) {
            hashtags.push_back(tag.toLower().toStdString());
        }
    }

    // A first Go Live without a key: make one or take the host's own, here, then go on.
    if (hasNostrKey_ && !hasNostrKey_()) {
        FirstKeyDialog dialog(settings_, this);
        if (dialog.exec() != QDialog::Accepted) {
            statusBar()->showMessage(tr("Not live: a Nostr key is needed to announce the stream."), kMessageMs);
            return;
        }
        statusBar()->showMessage(tr("Your Nostr key %1 is stored.").arg(dialog.storedNpub()), kMessageMs);
    }

    StudioSessionRequest request;
    request.eventId = eventId_;
    if (!recordingFolder_.isEmpty()) {
        const QString stamp = QDateTime::currentDateTime().toString(QStringLiteral("yyyy-MM-dd_HH-mm-ss"));
        request.recordingPath = QDir(recordingFolder_).filePath(QStringLiteral("HostStudio_%1.mkv").arg(stamp));
    }
    if (studio_ != nullptr) {
        request.studio = studio_; // the sources in the preview go live as they are
    } else {
        request.onPreviewFrame = previewConsumer();
    }
    chatPanel_->unbind();
    request.scene = sourcesPanel_->scene();
    session_.reset(); // the previous session's parts are done; only one runs at a time
    QString notes;
    auto created = sessionFactory_(request, notes);
    if (!created) {
        const QString why = wordsFor(created.error());
        statusBar()->showMessage(tr("Cannot go live: %1").arg(why), kMessageMs);
        QMessageBox::warning(this, tr("Cannot go live"), why);
        return;
    }
    session_ = std::move(*created);
    if (!notes.isEmpty()) {
        statusBar()->showMessage(notes.trimmed(), kMessageMs);
    }
    session::GoLiveRequest goLive;
    goLive.activity.identifier = eventId_;
    goLive.activity.title = titleInput_->text().trimmed().toStdString();
    goLive.activity.summary = summaryInput_->text().trimmed().toStdString();
    goLive.activity.imageUrl = image.toStdString();
    goLive.activity.hashtags = std::move(hashtags);
    goLive.activity.relays = session_->relays();
    if (!request.recordingPath.isEmpty()) {
        goLive.recordingPath = request.recordingPath.toStdString();
    }
    session_->controller().setObserver([this](const session::SessionSnapshot& snapshot) { showSnapshot(snapshot); });
    if (const core::Status started = session_->controller().goLive(std::move(goLive)); !started.ok()) {
        const QString why = wordsFor(started.error());
        statusBar()->showMessage(tr("Cannot go live: %1").arg(why), kMessageMs);
        QMessageBox::warning(this, tr("Cannot go live"), why);
        session_.reset();
        return;
    }
    for (QLineEdit* field : {titleInput_, summaryInput_, imageInput_, hashtagsInput_, naddrInput_}) {
        field->setEnabled(false);
    }
    // With a studio the sources can be changed while live (a cut); without, they are fixed.
    sourcesPanel_->setSourcesFixed(studio_ == nullptr);
    liveSince_.invalidate();
    previous_.reset();
    ticker_->start();
    showSnapshot(session_->controller().snapshot());
}

void MainWindow::offerRecovery(const std::filesystem::path& journalPath)
{
    journalPath_ = journalPath;
    const session::SessionJournal journal(journalPath);
    auto read = journal.read();
    if (!read) {
        toasts_->show({NoticeLevel::error, tr("The crash journal cannot be read: %1").arg(wordsFor(read.error())),
                       tr("End the last stream in the provider's console if it still runs, then delete %1.")
                           .arg(QString::fromStdString(journalPath.string()))});
        return;
    }
    if (!read->has_value()) {
        return;
    }
    const session::JournalRecord record = **read;
    if (record.processId && *record.processId != QCoreApplication::applicationPid() &&
        session::isSessionProcessRunning(record)) {
        toasts_->show({NoticeLevel::warning,
                       tr("A session of event %1 runs in another process (%2)")
                           .arg(fromStd(record.eventId))
                           .arg(*record.processId),
                       tr("End it with `hoststudio end` before going live here.")});
        return;
    }
    const auto answer = QMessageBox::question(
        this, tr("End the last stream properly?"),
        tr("HostStudio stopped while event %1 was live (%2). End it properly now: the live event is marked ended "
           "on Nostr and the ingest is stopped. The local recording stays where it is.")
            .arg(fromStd(record.eventId), fromStd(record.provider)),
        QMessageBox::Yes | QMessageBox::No, QMessageBox::Yes);
    if (answer != QMessageBox::Yes || !sessionFactory_) {
        toasts_->show({NoticeLevel::warning, tr("The last stream was not ended properly"),
                       tr("Run `hoststudio recover`, or restart the studio and accept the offer.")});
        return;
    }
    StudioSessionRequest request;
    request.eventId = record.eventId;
    request.provider = fromStd(record.provider.empty() ? std::string("custom") : record.provider);
    request.recovering = true;
    QString notes;
    auto created = sessionFactory_(request, notes);
    if (!created) {
        toasts_->show({NoticeLevel::error, tr("The last stream cannot be ended: %1").arg(wordsFor(created.error())),
                       tr("Fix the settings it names, or run `hoststudio recover`.")});
        return;
    }
    session_ = std::move(*created);
    eventId_ = record.eventId;
    previous_.reset();
    session_->controller().setObserver([this](const session::SessionSnapshot& snapshot) { showSnapshot(snapshot); });
    if (const core::Status started = session_->controller().recover(record); !started.ok()) {
        toasts_->show({NoticeLevel::error, tr("The last stream cannot be ended: %1").arg(wordsFor(started.error())),
                       tr("Run `hoststudio recover` to try again.")});
        return;
    }
    statusBar()->showMessage(tr("Ending the stream a crash left behind…"));
}

void MainWindow::endStream()
{
    if (session_ == nullptr) {
        return;
    }
    if (confirmEnd_) {
        const auto answer = QMessageBox::question(
            this, tr("End the stream?"),
            tr("Viewers stop seeing the stream, the ingest is stopped and the event is marked ended on Nostr."),
            QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel);
        if (answer != QMessageBox::Yes || session_ == nullptr) {
            return;
        }
    }
    session_->controller().end();
}

void MainWindow::showSnapshot(const session::SessionSnapshot& snapshot)
{
    showSteps(snapshot);
    const session::SessionSnapshot before = previous_ ? *previous_ : session::SessionSnapshot{};
    const std::string provider = session_ != nullptr ? session_->providerName() : std::string();
    for (const Notice& notice : noticesFor(before, snapshot, provider)) {
        toasts_->show(notice);
    }
    previous_ = std::make_unique<session::SessionSnapshot>(snapshot);
    showBadges(snapshot);

    if (snapshot.hlsPlaybackUrl) {
        urlsPanel_->setPlaybackUrl(fromStd(*snapshot.hlsPlaybackUrl));
    }
    if (snapshot.playerPageUrl) {
        urlsPanel_->setPlayerPageUrl(fromStd(*snapshot.playerPageUrl));
    }
    if (!snapshot.naddr.empty()) {
        urlsPanel_->setNaddr(fromStd(snapshot.naddr));
    }
    urlsPanel_->setIngestServer(fromStd(snapshot.ingestServer));
    urlsPanel_->setStreamKey(fromStd(snapshot.streamKey));
    showReconnect();
    if (snapshot.state != session::SessionState::live) {
        viewerCount_->clear();
    } else if (snapshot.viewerCountJoinedSoFar) {
        // The seed backend counts viewers as they join and never counts those who left.
        viewerCount_->setText(tr("%1 joined so far").arg(snapshot.viewerCount));
        viewerCount_->setToolTip(tr("Viewers who joined so far, as the backend counts them (it does not count "
                                    "those who left)"));
    } else {
        viewerCount_->setText(tr("– viewers"));
        viewerCount_->setToolTip(tr("No viewer count is known for this ingest"));
    }

    switch (snapshot.state) {
    case session::SessionState::goingLive:
        goLiveButton_->setText(tr("Cancel"));
        goLiveButton_->setToolTip(tr("Stop going live and undo what was started"));
        statusBar()->showMessage(fromStd(snapshot.stepText));
        break;
    case session::SessionState::live:
        if (!liveSince_.isValid()) {
            liveSince_.start();
            chatPanel_->bind(session_ != nullptr ? session_->chatHub() : nullptr);
        }
        goLiveButton_->setText(tr("End Stream"));
        goLiveButton_->setToolTip(tr("End the stream cleanly (Ctrl+Shift+E)"));
        eventStatus_->setText(tr("Event %1 is live.").arg(fromStd(eventId_)));
        statusBar()->showMessage(snapshot.degraded ? tr("Live, degraded: see the badges for what is down and retrying")
                                                   : tr("Live"));
        break;
    case session::SessionState::ending:
        goLiveButton_->setText(tr("Ending…"));
        goLiveButton_->setEnabled(false);
        statusBar()->showMessage(tr("Ending the stream…"));
        break;
    case session::SessionState::ended:
    case session::SessionState::failed:
    case session::SessionState::idle: {
        chatPanel_->unbind();
        ticker_->stop();
        showHealth();
        goLiveButton_->setText(tr("Go Live"));
        for (QLineEdit* field : {titleInput_, summaryInput_, imageInput_, hashtagsInput_, naddrInput_}) {
            field->setEnabled(true);
        }
        sourcesPanel_->setSourcesFixed(false);
        if (studio_ == nullptr) {
            sourcesPanel_->showLevel(std::nullopt);
        }
        updateGoLiveAvailability();
        QString message;
        if (snapshot.state == session::SessionState::failed) {
            message = tr("Go Live failed: %1").arg(wordsFor(snapshot.error));
        } else if (snapshot.state == session::SessionState::ended) {
            message = snapshot.error ? tr("The stream ended: %1").arg(wordsFor(snapshot.error))
                                     : tr("The stream ended cleanly");
        }
        if (!snapshot.leftovers.empty()) {
            QStringList left;
            for (const std::string& item : snapshot.leftovers) {
                left.append(fromStd(item));
            }
            message += tr(" — not cleaned up: %1").arg(left.join(QStringLiteral("; ")));
        }
        if (!message.isEmpty()) {
            statusBar()->showMessage(message);
        }
        if (snapshot.state == session::SessionState::ended) {
            eventStatus_->setText(tr("Event %1 ended. New event starts another one.").arg(fromStd(eventId_)));
        }
        break;
    }
    }
}

void MainWindow::showSteps(const session::SessionSnapshot& snapshot)
{
    const QStringList names = goLiveStepNames();
    const int current =
        static_cast<int>(snapshot.state == session::SessionState::failed ? snapshot.failedStep : snapshot.step);
    for (int index = 0; index < stepList_->count() && index < names.size(); ++index) {
        const int number = index + 1;
        QString mark = QStringLiteral("○");
        QString state = tr("waiting");
        if (snapshot.state == session::SessionState::live || number < current ||
            (snapshot.state == session::SessionState::ending && current == 0)) {
            mark = QStringLiteral("✓");
            state = tr("done");
        } else if (number == current) {
            if (snapshot.state == session::SessionState::failed) {
                mark = QStringLiteral("✗");
                state = tr("failed");
            } else {
                mark = QStringLiteral("●");
                state = tr("running");
            }
        }
        if (snapshot.state == session::SessionState::idle) {
            mark = QStringLiteral("○");
            state = tr("waiting");
        }
        QListWidgetItem* item = stepList_->item(index);
        item->setToolTip(number == current && snapshot.state == session::SessionState::failed && snapshot.error
                             ? wordsFor(snapshot.error)
                             : QString());
        QString text = QStringLiteral("%1  %2 of %3: %4").arg(mark).arg(number).arg(names.size()).arg(names.at(index));
        if (number == current && snapshot.state == session::SessionState::failed && snapshot.error) {
            text += QStringLiteral("\n     ") + wordsFor(snapshot.error);
        }
        item->setText(text);
        item->setData(Qt::UserRole, state);
        item->setData(Qt::AccessibleTextRole, QStringLiteral("%1: %2").arg(names.at(index), state));
    }
}

void MainWindow::showBadges(const session::SessionSnapshot& snapshot)
{
    for (StatusBadge* badge : badges_) {
        const QString name = badge->objectName();
        if (name == QLatin1String("ingestBadge")) {
            badge->setState(badgeStateOf(snapshot.ingest.health), partDetail(tr("Ingest"), snapshot.ingest));
        } else if (name == QLatin1String("channelBadge")) {
            badge->setState(badgeStateOf(snapshot.channel.health), partDetail(tr("Channel"), snapshot.channel));
        } else if (name == QLatin1String("recordingBadge")) {
            badge->setState(badgeStateOf(snapshot.recording.health), partDetail(tr("Recording"), snapshot.recording));
        }
    }
    // A relay badge follows that relay's answer to the last publish; before the first, the Nostr part.
    for (std::size_t index = 0; index < relayUrls_.size(); ++index) {
        StatusBadge* badge = findChild<StatusBadge*>(QStringLiteral("relayBadge%1").arg(index));
        if (badge == nullptr) {
            continue;
        }
        const std::string url = relayUrls_[index].toStdString();
        const auto outcome = std::find_if(snapshot.relays.begin(), snapshot.relays.end(),
                                          [&url](const session::RelayOutcome& relay) { return relay.relay == url; });
        if (outcome == snapshot.relays.end()) {
            badge->setState(badgeStateOf(snapshot.nostr.health), partDetail(relayUrls_[index], snapshot.nostr));
        } else if (outcome->accepted) {
            badge->setState(BadgeState::healthy, tr("%1: the live event is stored").arg(relayUrls_[index]));
        } else {
            badge->setState(BadgeState::degraded,
                            tr("%1: %2 (published again later)").arg(relayUrls_[index], fromStd(outcome->message)));
        }
    }
}

std::function<void(media::PreviewFrame frame)> MainWindow::previewConsumer()
{
    // The composed picture, as viewers will see it: converted on the preview's thread, shown here.
    return [self = QPointer<MainWindow>(this)](media::PreviewFrame frame) {
        const QImage wrapped(frame.rgb.data(), frame.width, frame.height, frame.stride, QImage::Format_RGB888);
        QImage copy = wrapped.copy(); // the buffer goes with `frame`
        QMetaObject::invokeMethod(
            qApp,
            [self, copy = std::move(copy)] {
                if (self != nullptr) {
                    self->showPreview(copy);
                }
            },
            Qt::QueuedConnection);
    };
}

void MainWindow::restartStudio()
{
    if (!studioFactory_ || (session_ != nullptr && isRunning(session_->controller().snapshot().state))) {
        return; // a running session keeps its sources
    }
    // The old sources closed before the new ones open (a camera has one user at a time); an ended
    // session holds the studio it took over.
    session_.reset();
    studio_.reset();
    auto created = studioFactory_(sourcesPanel_->scene(), previewConsumer());
    if (!created) {
        meterTicker_->stop();
        sourcesPanel_->showLevel(std::nullopt);
        previewImage_ = QImage();
        preview_->setPixmap(QPixmap());
        preview_->setText(tr("No preview: %1\nPick another source, or plug the device in and refresh the devices.")
                              .arg(wordsFor(created.error())));
        return;
    }
    studio_ = std::move(*created);
    studio_->setMicrophoneMuted(sourcesPanel_->microphoneMuted());
    meterTicker_->start();
}

void MainWindow::applyPickedScene()
{
    if (studio_ == nullptr) {
        restartStudio();
        return;
    }
    if (const core::Status switched = studio_->setScene(sourcesPanel_->scene()); !switched) {
        toasts_->show({NoticeLevel::error, tr("The picked source cannot be shown: %1").arg(wordsFor(switched.error())),
                       tr("The picture stays as it was. Pick another source, or plug the device in and refresh "
                          "the devices.")});
        return;
    }
    statusBar()->showMessage(tr("Scene switched"), kMessageMs);
}

void MainWindow::showLevels()
{
    std::optional<media::SceneStats> scene;
    if (studio_ != nullptr) {
        scene = studio_->sampleScene();
    } else if (session_ != nullptr) {
        scene = session_->sampleScene();
    }
    if (!scene) {
        return;
    }
    // The microphone's meter: the first input that is not the mix.
    const auto input = std::find_if(scene->audio.begin(), scene->audio.end(),
                                    [](const media::AudioLevel& level) { return level.source != "mix"; });
    sourcesPanel_->showLevel(input != scene->audio.end() ? std::optional<media::AudioLevel>(*input) : std::nullopt);
}

void MainWindow::showHealth()
{
    if (studio_ == nullptr) {
        showLevels(); // without a studio the meter follows the session, once a second
    }
    const auto stats = session_ != nullptr ? session_->sampleStats() : std::nullopt;
    if (!stats) {
        return;
    }
    double kbps = 0.0;
    std::uint64_t dropped = 0;
    for (const media::OutputStats& output : stats->outputs) {
        kbps += output.bitrateKbps;
        dropped += output.droppedFrames;
    }
    healthGraph_->addSample(kbps, stats->fps);
    healthLabel_->setText(tr("%1 fps · %2 kbps · dropped %3 · skipped %4 · CPU %5 %")
                              .arg(stats->fps, 0, 'f', 1)
                              .arg(kbps, 0, 'f', 0)
                              .arg(dropped)
                              .arg(stats->framesSkipped)
                              .arg(stats->cpuPercent, 0, 'f', 0));
}

void MainWindow::showReconnect()
{
    const session::SessionSnapshot* snapshot = session_ != nullptr ? &session_->controller().snapshot() : nullptr;
    const bool waiting =
        snapshot != nullptr && snapshot->state == session::SessionState::live && snapshot->reconnect.has_value();
    reconnectCountdown_->setVisible(waiting);
    retryNowButton_->setVisible(waiting);
    if (!waiting) {
        return;
    }
    const auto left =
        std::chrono::ceil<std::chrono::seconds>(snapshot->reconnect->nextAttemptAt - std::chrono::steady_clock::now());
    const QString attempt =
        tr("attempt %1 of %2").arg(snapshot->reconnect->attempt).arg(snapshot->reconnect->maxAttempts);
    reconnectCountdown_->setText(left.count() > 0
                                     ? tr("Stream lost: reconnecting in %1 s (%2)").arg(left.count()).arg(attempt)
                                     : tr("Stream lost: reconnecting now (%1)").arg(attempt));
    retryNowButton_->setEnabled(left.count() > 0);
}

void MainWindow::showPreview(const QImage& image)
{
    previewImage_ = image;
    preview_->setPixmap(
        QPixmap::fromImage(image).scaled(preview_->size(), Qt::KeepAspectRatio, Qt::SmoothTransformation));
}

void MainWindow::resizeEvent(QResizeEvent* event)
{
    QMainWindow::resizeEvent(event);
    if (!previewImage_.isNull()) {
        showPreview(previewImage_);
    }
}

void MainWindow::showLiveTime()
{
    if (!liveSince_.isValid()) {
        return;
    }
    const qint64 seconds = liveSince_.elapsed() / 1000;
    liveTimer_->setText(QStringLiteral("%1:%2:%3")
                            .arg(seconds / 3600, 2, 10, QLatin1Char('0'))
                            .arg((seconds / 60) % 60, 2, 10, QLatin1Char('0'))
                            .arg(seconds % 60, 2, 10, QLatin1Char('0')));
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    if (session_ != nullptr && isRunning(session_->controller().snapshot().state)) {
        const auto answer =
            QMessageBox::question(this, tr("End the stream and quit?"),
                                  tr("You are live. Quitting ends the stream cleanly first (a few seconds)."),
                                  QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel);
        if (answer != QMessageBox::Yes) {
            event->ignore();
            return;
        }
        session_->controller().end();
        // Close once the end sequence is done; the observer sees `ended`.
        auto* waiter = new QTimer(this);
        connect(waiter, &QTimer::timeout, this, [this, waiter] {
            if (session_ == nullptr || !isRunning(session_->controller().snapshot().state)) {
                waiter->stop();
                close();
            }
        });
        waiter->start(100);
        event->ignore();
        return;
    }
    saveWindowState();
    event->accept();
}

} // namespace hoststudio::ui
