// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/ui/MainWindow.hpp"

#include "hoststudio/core/Settings.hpp"
#include "hoststudio/core/Version.hpp"
#include "hoststudio/ui/StatusBadge.hpp"
#include "hoststudio/ui/UrlsPanel.hpp"

#include <QButtonGroup>
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
#include <QPushButton>
#include <QSplitter>
#include <QStatusBar>
#include <QToolButton>
#include <QVBoxLayout>

// The resources live in this static library: the linker would drop their automatic
// registration, so register them explicitly (Q_INIT_RESOURCE must be used outside a namespace).
static void registerStudioResources()
{
    Q_INIT_RESOURCE(hoststudio);
}

namespace hoststudio::ui {

namespace {

constexpr int kCopyConfirmationMs = 3000;

QComboBox* devicePicker(const QString& objectName, const QString& placeholder)
{
    auto* picker = new QComboBox;
    picker->setObjectName(objectName);
    picker->addItem(placeholder);
    picker->setEnabled(false);
    return picker;
}

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

MainWindow::MainWindow(const core::Settings& settings, QWidget* parent) : QMainWindow(parent)
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
    splitter->addWidget(buildCentre(settings));
    splitter->setStretchFactor(0, 0);
    splitter->setStretchFactor(1, 1);
    layout->addWidget(splitter, 1);
    setCentralWidget(central);

    buildChatDock();
    buildStatusBar(settings);
    resize(1280, 720);
}

MainWindow::~MainWindow() = default;

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
    auto* naddrInput = new QLineEdit;
    naddrInput->setObjectName(QStringLiteral("naddrInput"));
    naddrInput->setPlaceholderText(tr("Paste an naddr1… to open an event"));
    eventLayout->addWidget(naddrInput);
    auto* eventButtons = new QHBoxLayout;
    auto* openButton = new QPushButton(tr("Open"));
    openButton->setObjectName(QStringLiteral("openEventButton"));
    openButton->setEnabled(false);
    auto* createButton = new QPushButton(tr("New event…"));
    createButton->setObjectName(QStringLiteral("createEventButton"));
    createButton->setEnabled(false);
    eventButtons->addWidget(openButton);
    eventButtons->addWidget(createButton);
    eventLayout->addLayout(eventButtons);
    layout->addWidget(eventBox);

    auto* sourcesBox = new QGroupBox(tr("Sources"));
    sourcesBox->setObjectName(QStringLiteral("sourcesPanel"));
    auto* form = new QFormLayout(sourcesBox);
    form->addRow(tr("Camera"), devicePicker(QStringLiteral("cameraPicker"), tr("No camera found")));
    form->addRow(tr("Microphone"), devicePicker(QStringLiteral("microphonePicker"), tr("Default microphone")));
    form->addRow(tr("Screen"), devicePicker(QStringLiteral("screenPicker"), tr("Whole screen")));
    auto* layouts = new QGridLayout;
    auto* layoutGroup = new QButtonGroup(sourcesBox);
    const QStringList layoutNames{tr("Screen"), tr("Camera"), tr("Screen + camera"), tr("Side by side")};
    for (int index = 0; index < layoutNames.size(); ++index) {
        auto* button = new QToolButton;
        button->setText(layoutNames.at(index));
        button->setCheckable(true);
        button->setEnabled(false);
        button->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
        layoutGroup->addButton(button);
        layouts->addWidget(button, index / 2, index % 2);
    }
    layoutGroup->buttons().at(2)->setChecked(true);
    form->addRow(tr("Layout"), layouts);
    layout->addWidget(sourcesBox);

    auto* stepsBox = new QGroupBox(tr("Going live"));
    stepsBox->setObjectName(QStringLiteral("stepsPanel"));
    auto* stepsLayout = new QVBoxLayout(stepsBox);
    stepList_ = new QListWidget;
    stepList_->setObjectName(QStringLiteral("goLiveSteps"));
    stepList_->setSelectionMode(QAbstractItemView::NoSelection);
    stepList_->setFocusPolicy(Qt::NoFocus);
    const QStringList steps = goLiveStepNames();
    for (int index = 0; index < steps.size(); ++index) {
        stepList_->addItem(QStringLiteral("○  %1 of %2: %3").arg(index + 1).arg(steps.size()).arg(steps.at(index)));
    }
    stepsLayout->addWidget(stepList_);
    layout->addWidget(stepsBox, 1);
    return column;
}

QWidget* MainWindow::buildCentre(const core::Settings& settings)
{
    auto* centre = new QWidget;
    auto* layout = new QVBoxLayout(centre);
    layout->setContentsMargins(0, 0, 0, 0);

    auto* preview = new QLabel(tr("Preview\nwhat viewers will see appears here"));
    preview->setObjectName(QStringLiteral("preview"));
    preview->setAlignment(Qt::AlignCenter);
    preview->setMinimumSize(480, 270);
    preview->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    preview->setStyleSheet(QStringLiteral("QLabel { background: #111827; color: #9ca3af; border-radius: 4px; }"));
    layout->addWidget(preview, 1);

    urlsPanel_ = new UrlsPanel;
    urlsPanel_->setObjectName(QStringLiteral("urlsPanel"));
    urlsPanel_->setIngestServer(settings.text(core::setting::ingestRtmpUrl));
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
    auto* body = new QWidget;
    auto* layout = new QVBoxLayout(body);
    auto* timeline = new QListWidget;
    timeline->setObjectName(QStringLiteral("chatTimeline"));
    timeline->setWordWrap(true);
    layout->addWidget(timeline, 1);
    auto* input = new QLineEdit;
    input->setObjectName(QStringLiteral("chatInput"));
    input->setPlaceholderText(tr("Chat opens when you go live"));
    input->setEnabled(false);
    layout->addWidget(input);
    body->setMinimumWidth(260);
    dock->setWidget(body);
    addDockWidget(Qt::RightDockWidgetArea, dock);
}

void MainWindow::buildStatusBar(const core::Settings& settings)
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
    const QStringList relays = settings.textList(core::setting::nostrRelays);
    for (int index = 0; index < relays.size(); ++index) {
        addBadge(relays.size() == 1 ? tr("Relay") : tr("Relay %1").arg(index + 1),
                 QStringLiteral("relayBadge%1").arg(index));
        badges_.back()->setToolTip(relays.at(index));
    }
    addBadge(tr("Recording"), QStringLiteral("recordingBadge"));

    auto* health = new QLabel(tr("0 fps · 0 kbps · dropped 0"));
    health->setObjectName(QStringLiteral("healthLabel"));
    bar->addPermanentWidget(health);
    bar->showMessage(tr("Ready"));
}

} // namespace hoststudio::ui
