// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// The URLs a host shares: HLS playback, player page, naddr, ingest server and (hidden until
// revealed) the stream key, each with a copy button that puts it on the clipboard and confirms it.
//
// Owner: the Qt main thread.

#include <QGroupBox>

#include <memory>

namespace Ui {
class UrlsPanel;
}

namespace hoststudio::ui {

class UrlsPanel : public QGroupBox {
    Q_OBJECT
public:
    explicit UrlsPanel(QWidget* parent = nullptr);
    ~UrlsPanel() override;

    void setPlaybackUrl(const QString& url);
    void setPlayerPageUrl(const QString& url);
    void setNaddr(const QString& naddr);
    void setIngestServer(const QString& url);
    void setStreamKey(const QString& key);

signals:
    // Emitted after a value was put on the clipboard; `what` names it for the confirmation.
    void copied(const QString& what);

private:
    void copyField(const QString& what, const QString& value);

    std::unique_ptr<Ui::UrlsPanel> form_;
};

} // namespace hoststudio::ui
