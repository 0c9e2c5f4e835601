// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The chat dock: the merged timeline of a ChatHub (the backend's channel and NIP-53 kind 1311) as
// plain text — source, author, time, the message, and for the host's own messages their delivery
// ("sending…", "✓ 2 of 2 relays", "failed: …") — with an input to reply to both. New messages
// scroll into view unless the host has scrolled up to read; a refused send (too fast, too long)
// says why under the input and keeps the text.
//
// Owner: the Qt main thread. The hub must outlive the binding (unbind() before destroying it).

#include <QWidget>

#include <cstdint>
#include <map>

class QLabel;
class QLineEdit;
class QListWidget;
class QListWidgetItem;
class QTimer;

namespace hoststudio::chat {
class ChatHub;
struct ChatEntry;
struct ChatUpdate;
} // namespace hoststudio::chat

namespace hoststudio::ui {

class ChatPanel : public QWidget {
    Q_OBJECT
public:
    explicit ChatPanel(QWidget* parent = nullptr);
    ~ChatPanel() override;

    // Shows `hub`'s timeline and sends through it; null: the chat is closed (the input disabled).
    void bind(chat::ChatHub* hub);
    void unbind() { bind(nullptr); }

    // The text an entry is shown with (also its accessible text).
    [[nodiscard]] static QString displayText(const chat::ChatEntry& entry);

private:
    void pull();
    void apply(const chat::ChatUpdate& update);
    void send();

    chat::ChatHub* hub_ = nullptr;
    QListWidget* timeline_ = nullptr;
    QLineEdit* input_ = nullptr;
    QLabel* problem_ = nullptr;
    QTimer* pullTimer_ = nullptr;
    std::map<std::uint64_t, QListWidgetItem*> items_; // by the entry's sequence
    std::uint64_t binding_ = 0;                       // bumped on every bind: late notifications are dropped
};

} // namespace hoststudio::ui
