// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/ui/MainWindow.hpp"

#include "hoststudio/ui/HostWords.hpp"

#include "hoststudio/core/Settings.hpp"
#include "hoststudio/core/Version.hpp"
#include "hoststudio/nostr/Nip19.hpp"
#include "hoststudio/session/GoLiveController.hpp"
#include "hoststudio/ui/ChatPanel.hpp"
#include "hoststudio/ui/HealthGraph.hpp"
#include "hoststudio/ui/SettingsDialog.hpp"
#include "hoststudio/ui/SourcesPanel.hpp"
#include "hoststudio/ui/StatusBadge.hpp"
#include "hoststudio/ui/ToastArea.hpp"
#include "hoststudio/ui/UrlsPanel.hpp"

#include <QComboBox>
#include <QDockWidget>
#include <QFormLayout>
#include <QFrame>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QIcon>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPointer>
#include <QPushButton>
#include <QSettings>
#include <QShortcut>
#include <QSplitter>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTimer>
#include <QToolButton>
#include <QUuid>
#include <QVBoxLayout>

#include <algorithm>

#include <variant>

// The resources live in this static library: the linker would drop their automatic
// registration, so register them explicitly (Q_INIT_RESOURCE must be used outside a namespace).
static void registerStudioResources()
{
    Q_INIT_RESOURCE(hoststudio);
}

namespace hoststudio::ui {

namespace {

constexpr int kCopyConfirmationMs = 3000;

} // namespace

QStringList MainWindow::goLiveStepNames()
{
    return {
        MainWindow::tr("Start the ingest"),
        MainWindow::tr("Connect the real-time channel"),
        MainWindow::tr("Announce the stream"),
        MainWindow::tr("Start the media"),
        MainWindow::tr("Publish the live event on Nostr"),
        MainWindow::tr("Live"),
    };
}

MainWindow::MainWindow(core::Settings& settings, QWidget* parent) : MainWindow(settings, StudioSessionFactory{}, parent)
{}

MainWindow::MainWindow(core::Settings& settings, StudioSessionFactory sessionFactory, QWidget* parent)
    : QMainWindow(parent), settings_(settings), sessionFactory_(std::move(sessionFactory))
{
    registerStudioResources();
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(QStringLiteral("%1 %2").arg(QLatin1String(core::kApplicationName), QLatin1String(core::kVersion)));
    setWindowIcon(QIcon(QStringLiteral(":/hoststudio/icons/hoststudio.svg")));
    setMinimumSize(960, 600);

    auto* central = new QWidget;
    auto* layout = new QVBoxLayout(central);
    layout->setContentsMargins(8, 8, 8, 4);
    layout->addWidget(buildHeader());

    auto* splitter = new QSplitter(Qt::Horizontal);
    splitter->addWidget(buildLeftColumn());
    splitter->addWidget(buildCentre());
    splitter->setStretchFactor(0, 0);
    splitter->setStretchFactor(1, 1);
    layout->addWidget(splitter, 1);
    setCentralWidget(central);
    toasts_ = new ToastArea(central);

    buildChatDock();
    buildStatusBar();
    resize(1280, 720);

    ticker_ = new QTimer(this);
    ticker_->setInterval(1000);
    connect(ticker_, &QTimer::timeout, this, [this] {
        showLiveTime();
        showHealth();
        showReconnect();
    });
    meterTicker_ = new QTimer(this);
    meterTicker_->setInterval(100);
    connect(meterTicker_, &QTimer::timeout, this, &MainWindow::showLevels);
    studioRestart_ = new QTimer(this);
    studioRestart_->setSingleShot(true);
    studioRestart_->setInterval(200);
    connect(studioRestart_, &QTimer::timeout, this, &MainWindow::applyPickedScene);
    connect(sourcesPanel_, &SourcesPanel::sceneChanged, this, [this] {
        if (studioFactory_) {
            studioRestart_->start();
        }
    });
    connect(goLiveButton_, &QPushButton::clicked, this, &MainWindow::onGoLiveClicked);
    applySettings();
    refreshDevices();
    // The keyboard path to the one button that matters: Go Live when idle, End Stream when live.
    auto* goLiveShortcut = new QShortcut(QKeySequence(tr("Ctrl+Shift+L")), this);
    connect(goLiveShortcut, &QShortcut::activated, this, [this] {
        if (goLiveButton_->isEnabled() && ticker_ != nullptr && !ticker_->isActive()) {
            onGoLiveClicked();
        }
    });
    auto* endShortcut = new QShortcut(QKeySequence(tr("Ctrl+Shift+E")), this);
    connect(endShortcut, &QShortcut::activated, this, [this] {
        if (ticker_ != nullptr && ticker_->isActive()) {
            onGoLiveClicked();
        }
    });
    updateGoLiveAvailability();
    restoreWindowState();
}

MainWindow::~MainWindow() = default; // out of line: the snapshot type is complete here

QWidget* MainWindow::buildHeader()
{
    auto* header = new QFrame;
    header->setObjectName(QStringLiteral("header"));
    auto* row = new QHBoxLayout(header);
    row->setContentsMargins(4, 0, 4, 0);

    eventTitle_ = new QLabel(tr("No event open"));
    eventTitle_->setObjectName(QStringLiteral("eventTitle"));
    QFont titleFont = eventTitle_->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.4);
    titleFont.setBold(true);
    eventTitle_->setFont(titleFont);
    row->addWidget(eventTitle_, 1);

    liveTimer_ = new QLabel(QStringLiteral("00:00:00"));
    liveTimer_->setObjectName(QStringLiteral("liveTimer"));
    QFont timerFont = liveTimer_->font();
    timerFont.setFamily(QStringLiteral("monospace"));
    timerFont.setPointSizeF(timerFont.pointSizeF() * 1.4);
    liveTimer_->setFont(timerFont);
    liveTimer_->setToolTip(tr("Time live"));
    row->addWidget(liveTimer_);

    viewerCount_ = new QLabel;
    viewerCount_->setObjectName(QStringLiteral("viewerCount"));
    viewerCount_->setToolTip(tr("Viewers now (from the backend's real-time channel)"));
    row->addWidget(viewerCount_);

    // While the stream to the ingest is lost: when the next attempt comes, and a way not to wait.
    reconnectCountdown_ = new QLabel;
    reconnectCountdown_->setObjectName(QStringLiteral("reconnectCountdown"));
    reconnectCountdown_->setStyleSheet(QStringLiteral("QLabel { color: #d97706; font-weight: bold; }"));
    reconnectCountdown_->setVisible(false);
    row->addWidget(reconnectCountdown_);
    retryNowButton_ = new QPushButton(tr("Retry now"));
    retryNowButton_->setObjectName(QStringLiteral("retryNowButton"));
    retryNowButton_->setToolTip(tr("Try to reach the ingest again now instead of waiting"));
    retryNowButton_->setVisible(false);
    connect(retryNowButton_, &QPushButton::clicked, this, [this] {
        if (session_ != nullptr) {
            session_->controller().retryNow();
        }
    });
    row->addWidget(retryNowButton_);

    auto* settingsButton = new QToolButton;
    settingsButton->setObjectName(QStringLiteral("settingsButton"));
    settingsButton->setText(tr("Settings…"));
    settingsButton->setToolTip(tr("Provider, credentials, relays, Nostr key, encoder, recording (Ctrl+,)"));
    settingsButton->setShortcut(QKeySequence(tr("Ctrl+,")));
    connect(settingsButton, &QToolButton::clicked, this, &MainWindow::openSettings);
    row->addWidget(settingsButton);

    goLiveButton_ = new QPushButton(tr("Go Live"));
    goLiveButton_->setObjectName(QStringLiteral("goLiveButton"));
    goLiveButton_->setMinimumSize(160, 44);
    goLiveButton_->setStyleSheet(QStringLiteral(
        "QPushButton { background: #dc2626; color: white; font-weight: bold; font-size: 16px; border-radius: 6px; }"
        "QPushButton:disabled { background: #9ca3af; }"));
    goLiveButton_->setEnabled(false);
    goLiveButton_->setToolTip(tr("Open or create an event to go live"));
    row->addWidget(goLiveButton_);
    return header;
}

QWidget* MainWindow::buildLeftColumn()
{
    auto* column = new QWidget;
    column->setObjectName(QStringLiteral("leftColumn"));
    column->setMinimumWidth(300);
    column->setMaximumWidth(380);
    auto* layout = new QVBoxLayout(column);
    layout->setContentsMargins(0, 0, 0, 0);

    auto* eventBox = new QGroupBox(tr("Event"));
    eventBox->setObjectName(QStringLiteral("eventPanel"));
    auto* eventLayout = new QVBoxLayout(eventBox);
    titleInput_ = new QLineEdit;
    titleInput_->setObjectName(QStringLiteral("eventTitleInput"));
    titleInput_->setPlaceholderText(tr("Title of the event"));
    titleInput_->setMaxLength(200);
    eventLayout->addWidget(titleInput_);
    summaryInput_ = new QLineEdit;
    summaryInput_->setObjectName(QStringLiteral("eventSummaryInput"));
    summaryInput_->setPlaceholderText(tr("Summary (optional)"));
    eventLayout->addWidget(summaryInput_);
    imageInput_ = new QLineEdit;
    imageInput_->setObjectName(QStringLiteral("eventImageInput"));
    imageInput_->setPlaceholderText(tr("Image URL (optional, https://…)"));
    eventLayout->addWidget(imageInput_);
    hashtagsInput_ = new QLineEdit;
    hashtagsInput_->setObjectName(QStringLiteral("eventHashtagsInput"));
    hashtagsInput_->setPlaceholderText(tr("Hashtags (optional): talk, nostr"));
    eventLayout->addWidget(hashtagsInput_);
    auto* mineRow = new QHBoxLayout;
    myEvents_ = new QComboBox;
    myEvents_->setObjectName(QStringLiteral("myEventsPicker"));
    myEvents_->setPlaceholderText(tr("My events on the relays"));
    myEvents_->setToolTip(tr("Continue one of your own live events"));
    myEvents_->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    refreshEvents_ = new QToolButton;
    refreshEvents_->setObjectName(QStringLiteral("refreshEventsButton"));
    refreshEvents_->setText(tr("Fetch"));
    refreshEvents_->setToolTip(tr("Fetch your live events from the relays"));
    mineRow->addWidget(myEvents_, 1);
    mineRow->addWidget(refreshEvents_);
    eventLayout->addLayout(mineRow);
    myEvents_->setVisible(false);
    refreshEvents_->setVisible(false);
    connect(refreshEvents_, &QToolButton::clicked, this, &MainWindow::fetchMyEvents);
    connect(myEvents_, &QComboBox::activated, this, &MainWindow::pickMyEvent);
    naddrInput_ = new QLineEdit;
    naddrInput_->setObjectName(QStringLiteral("naddrInput"));
    naddrInput_->setPlaceholderText(tr("Paste an naddr1… to open an event"));
    eventLayout->addWidget(naddrInput_);
    auto* eventButtons = new QHBoxLayout;
    auto* openButton = new QPushButton(tr("Open"));
    openButton->setObjectName(QStringLiteral("openEventButton"));
    openButton->setEnabled(false);
    auto* createButton = new QPushButton(tr("New event"));
    createButton->setObjectName(QStringLiteral("createEventButton"));
    createButton->setToolTip(tr("Start a new live event (a new NIP-53 identifier)"));
    eventButtons->addWidget(openButton);
    eventButtons->addWidget(createButton);
    eventLayout->addLayout(eventButtons);
    eventStatus_ = new QLabel;
    eventStatus_->setObjectName(QStringLiteral("eventStatus"));
    eventStatus_->setTextFormat(Qt::PlainText);
    eventStatus_->setWordWrap(true);
    eventLayout->addWidget(eventStatus_);
    layout->addWidget(eventBox);
    connect(titleInput_, &QLineEdit::textChanged, this, [this] { updateGoLiveAvailability(); });
    connect(naddrInput_, &QLineEdit::textChanged, openButton, [openButton](const QString& text) {
        openButton->setEnabled(text.trimmed().startsWith(QLatin1String("naddr1")));
    });
    connect(openButton, &QPushButton::clicked, this, &MainWindow::openEvent);
    connect(naddrInput_, &QLineEdit::returnPressed, this, &MainWindow::openEvent);
    connect(createButton, &QPushButton::clicked, this, &MainWindow::newEvent);

    sourcesPanel_ = new SourcesPanel;
    layout->addWidget(sourcesPanel_);
    connect(sourcesPanel_, &SourcesPanel::microphoneMutedChanged, this, [this](bool muted) {
        if (session_ != nullptr) {
            session_->setMicrophoneMuted(muted);
        }
        if (studio_ != nullptr) {
            studio_->setMicrophoneMuted(muted);
        }
        statusBar()->showMessage(muted ? tr("Microphone muted") : tr("Microphone on"), kCopyConfirmationMs);
    });
    connect(sourcesPanel_, &SourcesPanel::refreshRequested, this, &MainWindow::refreshDevices);

    auto* stepsBox = new QGroupBox(tr("Going live"));
    stepsBox->setObjectName(QStringLiteral("stepsPanel"));
    auto* stepsLayout = new QVBoxLayout(stepsBox);
    stepList_ = new QListWidget;
    stepList_->setObjectName(QStringLiteral("goLiveSteps"));
    stepList_->setSelectionMode(QAbstractItemView::NoSelection);
    stepList_->setFocusPolicy(Qt::NoFocus);
    stepList_->setWordWrap(true);
    const QStringList steps = goLiveStepNames();
    for (int index = 0; index < steps.size(); ++index) {
        stepList_->addItem(QStringLiteral("○  %1 of %2: %3").arg(index + 1).arg(steps.size()).arg(steps.at(index)));
    }
    stepsLayout->addWidget(stepList_);
    layout->addWidget(stepsBox, 1);
    return column;
}

QWidget* MainWindow::buildCentre()
{
    auto* centre = new QWidget;
    auto* layout = new QVBoxLayout(centre);
    layout->setContentsMargins(0, 0, 0, 0);

    auto* preview = new QLabel(tr("Preview\nwhat viewers will see appears here"));
    preview_ = preview;
    preview->setObjectName(QStringLiteral("preview"));
    preview->setAlignment(Qt::AlignCenter);
    preview->setMinimumSize(480, 270);
    preview->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    preview->setStyleSheet(QStringLiteral("QLabel { background: #111827; color: #9ca3af; border-radius: 4px; }"));
    layout->addWidget(preview, 1);

    urlsPanel_ = new UrlsPanel;
    urlsPanel_->setObjectName(QStringLiteral("urlsPanel"));
    connect(urlsPanel_, &UrlsPanel::copied, this,
            [this](const QString& what) { statusBar()->showMessage(tr("%1 copied").arg(what), kCopyConfirmationMs); });
    layout->addWidget(urlsPanel_);
    return centre;
}

void MainWindow::buildChatDock()
{
    auto* dock = new QDockWidget(tr("Chat"), this);
    dock->setObjectName(QStringLiteral("chatDock"));
    dock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable);
    chatPanel_ = new ChatPanel;
    dock->setWidget(chatPanel_);
    addDockWidget(Qt::RightDockWidgetArea, dock);
}

void MainWindow::buildStatusBar()
{
    QStatusBar* bar = statusBar();
    bar->setObjectName(QStringLiteral("statusBar"));
    const auto addBadge = [this, bar](const QString& name, const QString& objectName) {
        auto* badge = new StatusBadge(name);
        badge->setObjectName(objectName);
        badges_.push_back(badge);
        bar->addPermanentWidget(badge);
    };
    addBadge(tr("Ingest"), QStringLiteral("ingestBadge"));
    addBadge(tr("Channel"), QStringLiteral("channelBadge"));
    relayBadges_ = new QWidget;
    relayBadges_->setObjectName(QStringLiteral("relayBadges"));
    auto* relayRow = new QHBoxLayout(relayBadges_);
    relayRow->setContentsMargins(0, 0, 0, 0);
    bar->addPermanentWidget(relayBadges_);
    addBadge(tr("Recording"), QStringLiteral("recordingBadge"));

    healthGraph_ = new HealthGraph;
    healthGraph_->setObjectName(QStringLiteral("healthGraph"));
    bar->addPermanentWidget(healthGraph_);
    healthLabel_ = new QLabel(tr("0 fps · 0 kbps · dropped 0"));
    healthLabel_->setObjectName(QStringLiteral("healthLabel"));
    bar->addPermanentWidget(healthLabel_);
    bar->showMessage(tr("Ready"));
}

void MainWindow::newEvent()
{
    // A fresh identifier: a new 30311 of this host, replaceable by later versions of itself.
    eventId_ = QUuid::createUuid().toString(QUuid::WithoutBraces).left(18).toStdString();
    naddrInput_->clear();
    eventStatus_->setText(tr("New event: give it a title, then Go Live."));
    eventStatus_->setToolTip(tr("Event identifier (d): %1").arg(QString::fromStdString(eventId_)));
    titleInput_->setFocus();
    updateGoLiveAvailability();
}

void MainWindow::openEvent()
{
    const QString text = naddrInput_->text().trimmed();
    auto decoded = nostr::decodeNip19(text.toStdString());
    const auto* address = decoded ? std::get_if<nostr::NaddrEntity>(&*decoded) : nullptr;
    if (address == nullptr || address->kind != 30311) {
        eventStatus_->setText(
            tr("That is not the address of a live event: paste an naddr1… of a NIP-53 live activity (kind 30311)."));
        return;
    }
    eventId_ = address->identifier;
    eventStatus_->setText(tr("Event %1 opened.").arg(QString::fromStdString(eventId_)));
    updateGoLiveAvailability();
}

void MainWindow::setHostEventsLister(HostEventsLister lister)
{
    hostEventsLister_ = std::move(lister);
    myEvents_->setVisible(static_cast<bool>(hostEventsLister_));
    refreshEvents_->setVisible(static_cast<bool>(hostEventsLister_));
}

void MainWindow::setNostrKeyCheck(std::function<bool()> hasKey)
{
    hasNostrKey_ = std::move(hasKey);
}

void MainWindow::setStudioFactory(StudioFactory factory)
{
    studioFactory_ = std::move(factory);
    restartStudio();
}

void MainWindow::fetchMyEvents()
{
    if (!hostEventsLister_) {
        return;
    }
    refreshEvents_->setEnabled(false);
    eventStatus_->setText(tr("Fetching your events from the relays…"));
    QPointer<MainWindow> self(this);
    hostEventsLister_([self](core::Result<std::vector<nostr::LiveActivity>> events) {
        if (self == nullptr) {
            return;
        }
        self->refreshEvents_->setEnabled(true);
        if (!events) {
            self->eventStatus_->setText(tr("Your events could not be fetched: %1").arg(wordsFor(events.error())));
            return;
        }
        self->hostEvents_ = std::move(*events);
        self->myEvents_->clear();
        for (const nostr::LiveActivity& activity : self->hostEvents_) {
            const QString title = activity.title.empty() ? QString::fromStdString(activity.identifier)
                                                         : QString::fromStdString(activity.title);
            self->myEvents_->addItem(
                QStringLiteral("%1 (%2)").arg(title, QString::fromLatin1(nostr::toString(activity.status).data())));
        }
        self->myEvents_->setCurrentIndex(-1);
        self->eventStatus_->setText(
            self->hostEvents_.empty()
                ? tr("No live event of yours is on the relays yet: create one.")
                : tr("%1 of your events found: pick one to continue it.").arg(self->hostEvents_.size()));
    });
}

void MainWindow::pickMyEvent(int index)
{
    if (index < 0 || static_cast<std::size_t>(index) >= hostEvents_.size()) {
        return;
    }
    const nostr::LiveActivity& activity = hostEvents_[static_cast<std::size_t>(index)];
    eventId_ = activity.identifier;
    titleInput_->setText(QString::fromStdString(activity.title));
    summaryInput_->setText(QString::fromStdString(activity.summary));
    imageInput_->setText(QString::fromStdString(activity.imageUrl));
    QStringList tags;
    for (const std::string& tag : activity.hashtags) {
        tags.append(QString::fromStdString(tag));
    }
    hashtagsInput_->setText(tags.join(QStringLiteral(", ")));
    naddrInput_->clear();
    eventStatus_->setText(tr("Event %1 opened.").arg(QString::fromStdString(eventId_)));
    updateGoLiveAvailability();
}

void MainWindow::updateGoLiveAvailability()
{
    const bool running = session_ != nullptr && ticker_ != nullptr && ticker_->isActive();
    if (running) {
        return; // the button is End Stream now
    }
    const QString title = titleInput_->text().trimmed();
    eventTitle_->setText(title.isEmpty() ? tr("No event open") : title);
    if (!sessionFactory_) {
        goLiveButton_->setEnabled(false);
        goLiveButton_->setToolTip(tr("This window was started without a session"));
    } else if (title.isEmpty()) {
        goLiveButton_->setEnabled(false);
        goLiveButton_->setToolTip(tr("Give the event a title to go live"));
    } else {
        goLiveButton_->setEnabled(true);
        goLiveButton_->setToolTip(tr("Go live now (Ctrl+Shift+L)"));
    }
}

QString MainWindow::windowStatePath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation) + QStringLiteral("/window-state.ini");
}

void MainWindow::restoreWindowState()
{
    QSettings state(windowStatePath(), QSettings::IniFormat);
    if (const QByteArray geometry = state.value(QStringLiteral("geometry")).toByteArray(); !geometry.isEmpty()) {
        restoreGeometry(geometry);
    }
    if (const QByteArray layout = state.value(QStringLiteral("state")).toByteArray(); !layout.isEmpty()) {
        restoreState(layout);
    }
}

void MainWindow::saveWindowState() const
{
    QSettings state(windowStatePath(), QSettings::IniFormat);
    state.setValue(QStringLiteral("geometry"), saveGeometry());
    state.setValue(QStringLiteral("state"), saveState());
    state.sync();
}

void MainWindow::refreshDevices()
{
    sourcesPanel_->setDevices(media::listCaptureDevices(qEnvironmentVariable("DISPLAY").toStdString()));
}

void MainWindow::openSettings()
{
    SettingsDialog dialog(settings_, this);
    const QString presetBefore = settings_.text(core::setting::videoPreset);
    if (dialog.exec() == QDialog::Accepted) {
        applySettings();
        if (studio_ != nullptr && settings_.text(core::setting::videoPreset) != presetBefore) {
            restartStudio(); // the preview at the new size (not while a session runs: from the next Go Live)
        }
        const bool running = ticker_ != nullptr && ticker_->isActive();
        statusBar()->showMessage(running ? tr("Settings saved; they apply from the next Go Live")
                                         : tr("Settings saved"),
                                 kCopyConfirmationMs);
    }
}

void MainWindow::applySettings()
{
    confirmEnd_ = settings_.flag(core::setting::confirmEndStream);
    recordingFolder_.clear();
    if (settings_.flag(core::setting::recordingEnabled)) {
        recordingFolder_ = settings_.text(core::setting::recordingDirectory);
        if (recordingFolder_.isEmpty()) {
            recordingFolder_ = QStandardPaths::writableLocation(QStandardPaths::MoviesLocation);
        }
    }
    urlsPanel_->setIngestServer(settings_.text(core::setting::ingestRtmpUrl));

    // One badge per relay, in the order of the settings.
    for (StatusBadge* badge : relayBadges_->findChildren<StatusBadge*>()) {
        delete badge;
    }
    relayUrls_.clear();
    const QStringList relays = settings_.textList(core::setting::nostrRelays);
    for (int index = 0; index < relays.size(); ++index) {
        auto* badge = new StatusBadge(relays.size() == 1 ? tr("Relay") : tr("Relay %1").arg(index + 1));
        badge->setObjectName(QStringLiteral("relayBadge%1").arg(index));
        badge->setToolTip(relays.at(index));
        relayBadges_->layout()->addWidget(badge);
        relayUrls_.push_back(relays.at(index));
    }
}

} // namespace hoststudio::ui
