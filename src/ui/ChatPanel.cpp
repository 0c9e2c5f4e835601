// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/ui/ChatPanel.hpp"
#include "hoststudio/ui/HostWords.hpp"

#include "hoststudio/chat/ChatHub.hpp"

#include <QDateTime>
#include <QElapsedTimer>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPointer>
#include <QScrollBar>
#include <QTimer>
#include <QVBoxLayout>

namespace hoststudio::ui {

namespace {

constexpr int kPullDelayMs = 30; // a burst of notifications becomes one pull
constexpr int kPullSliceMs = 8;  // at most this long in one pull, then the event loop runs again

QString deliveryText(const char* where, const chat::Delivery& delivery)
{
    switch (delivery.state) {
    case chat::DeliveryState::pending: return ChatPanel::tr("%1: sending…").arg(QLatin1String(where));
    case chat::DeliveryState::sent:
        return delivery.relayCount > 0 ? ChatPanel::tr("%1: ✓ %2 of %3 relays")
                                             .arg(QLatin1String(where))
                                             .arg(delivery.acceptedBy)
                                             .arg(delivery.relayCount)
                                       : ChatPanel::tr("%1: ✓ sent").arg(QLatin1String(where));
    case chat::DeliveryState::failed:
        return ChatPanel::tr("%1: failed (%2)").arg(QLatin1String(where), fromStd(delivery.reason));
    }
    return {};
}

} // namespace

ChatPanel::ChatPanel(QWidget* parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("chatPanel"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    timeline_ = new QListWidget;
    timeline_->setObjectName(QStringLiteral("chatTimeline"));
    timeline_->setWordWrap(true);
    timeline_->setSelectionMode(QAbstractItemView::NoSelection);
    timeline_->setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    timeline_->setUniformItemSizes(false);
    timeline_->setLayoutMode(QListView::Batched); // a storm's rows are laid out in batches, not one by one
    timeline_->setBatchSize(50);
    pullTimer_ = new QTimer(this);
    pullTimer_->setSingleShot(true);
    pullTimer_->setInterval(kPullDelayMs);
    connect(pullTimer_, &QTimer::timeout, this, &ChatPanel::pull);
    layout->addWidget(timeline_, 1);
    problem_ = new QLabel;
    problem_->setObjectName(QStringLiteral("chatProblem"));
    problem_->setTextFormat(Qt::PlainText);
    problem_->setWordWrap(true);
    problem_->setVisible(false);
    layout->addWidget(problem_);
    input_ = new QLineEdit;
    input_->setObjectName(QStringLiteral("chatInput"));
    input_->setPlaceholderText(tr("Chat opens when you go live"));
    input_->setEnabled(false);
    layout->addWidget(input_);
    connect(input_, &QLineEdit::returnPressed, this, &ChatPanel::send);
    setMinimumWidth(260);
}

ChatPanel::~ChatPanel()
{
    bind(nullptr);
}

void ChatPanel::bind(chat::ChatHub* hub)
{
    if (hub_ != nullptr) {
        hub_->setUpdateNotifier({});
    }
    ++binding_;
    hub_ = hub;
    input_->setEnabled(hub_ != nullptr);
    input_->setPlaceholderText(hub_ != nullptr ? tr("Reply to the chat (Enter sends to the backend and Nostr)")
                                               : tr("Chat opens when you go live"));
    if (hub_ == nullptr) {
        return;
    }
    timeline_->clear();
    items_.clear();
    problem_->setVisible(false);
    // The hub calls this on its own threads: hop to this one, and gather a burst into one pull.
    hub_->setUpdateNotifier([self = QPointer<ChatPanel>(this), binding = binding_] {
        QMetaObject::invokeMethod(
            self.data(),
            [self, binding] {
                if (self != nullptr && self->binding_ == binding && !self->pullTimer_->isActive()) {
                    self->pullTimer_->start();
                }
            },
            Qt::QueuedConnection);
    });
    pull();
}

QString ChatPanel::displayText(const chat::ChatEntry& entry)
{
    const QString time = QDateTime::fromMSecsSinceEpoch(entry.timeMs).toString(QStringLiteral("HH:mm"));
    QString source;
    switch (entry.source) {
    case chat::ChatSource::backend: source = tr("backend"); break;
    case chat::ChatSource::nostr: source = tr("nostr"); break;
    case chat::ChatSource::host: source = tr("you"); break;
    }
    QString text = QStringLiteral("%1 · %2 · %3\n%4").arg(time, source, fromStd(entry.author), fromStd(entry.text));
    if (entry.source == chat::ChatSource::host) {
        QStringList states;
        if (entry.backend) {
            states.append(deliveryText("backend", *entry.backend));
        }
        if (entry.nostr) {
            states.append(deliveryText("nostr", *entry.nostr));
        }
        if (!states.isEmpty()) {
            text += QStringLiteral("\n") + states.join(QStringLiteral(" · "));
        }
    }
    return text;
}

void ChatPanel::pull()
{
    if (hub_ == nullptr) {
        return;
    }
    QScrollBar* bar = timeline_->verticalScrollBar();
    const bool atBottom = bar->value() >= bar->maximum() - 4;
    // Batches until the hub is drained or the time slice is used: the UI thread stays responsive
    // under a storm and the view is repainted once per pull.
    QElapsedTimer slice;
    slice.start();
    timeline_->setUpdatesEnabled(false);
    bool more = true;
    while (more && slice.elapsed() < kPullSliceMs) {
        chat::ChatUpdate update = hub_->takeUpdates();
        apply(update);
        more = update.more;
    }
    timeline_->setUpdatesEnabled(true);
    if (atBottom) {
        timeline_->scrollToBottom();
    }
    if (more) {
        pullTimer_->start();
    }
}

void ChatPanel::apply(const chat::ChatUpdate& update)
{
    for (const std::uint64_t removed : update.removed) {
        if (const auto found = items_.find(removed); found != items_.end()) {
            delete found->second;
            items_.erase(found);
        }
    }
    for (const chat::ChatEntry& entry : update.changed) {
        const QString text = displayText(entry);
        if (const auto found = items_.find(entry.sequence); found != items_.end()) {
            found->second->setText(text);
            continue;
        }
        // New entries arrive in timeline order; one older than the last shown goes in its place.
        auto* item = new QListWidgetItem(text);
        item->setData(Qt::UserRole, QVariant::fromValue<qulonglong>(entry.sequence));
        item->setData(Qt::UserRole + 1, QVariant::fromValue<qlonglong>(entry.timeMs));
        item->setToolTip(fromStd(entry.id));
        int row = timeline_->count();
        while (row > 0 && timeline_->item(row - 1)->data(Qt::UserRole + 1).toLongLong() > entry.timeMs) {
            --row;
        }
        timeline_->insertItem(row, item);
        items_.emplace(entry.sequence, item);
    }
}

void ChatPanel::send()
{
    if (hub_ == nullptr) {
        return;
    }
    const QString text = input_->text().trimmed();
    if (text.isEmpty()) {
        return;
    }
    const QByteArray utf8 = text.toUtf8();
    auto sent = hub_->send(std::string_view(utf8.constData(), static_cast<std::size_t>(utf8.size())));
    if (!sent) {
        problem_->setText(
            tr("Not sent: %1")
                .arg(fromStd(sent.error().detail().empty() ? sent.error().describe() : sent.error().detail())));
        problem_->setVisible(true);
        return; // the text stays for another try
    }
    problem_->setVisible(false);
    input_->clear();
    timeline_->scrollToBottom();
}

} // namespace hoststudio::ui
