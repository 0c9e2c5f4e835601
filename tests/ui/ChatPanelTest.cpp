// SPDX-License-Identifier: GPL-2.0-or-later
// The chat dock over a real ChatHub (backend side through a recording link): messages from another
// thread appear as plain text in time order, the host's reply goes out and shows its delivery, a
// refused send says why and keeps the text, and the view stays put while the host reads back.
#include "hoststudio/ui/ChatPanel.hpp"
#include "hoststudio/chat/ChatHub.hpp"

#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QScrollBar>
#include <QTest>

#include <gtest/gtest.h>

#include <mutex>
#include <thread>

namespace hoststudio::ui {
namespace {

class RecordingBackendLink final : public chat::BackendChatLink {
public:
    core::Status sendChannelMessage(const chat::ChannelMessage& message) override
    {
        std::lock_guard lock(mutex);
        sent.push_back(message);
        return {};
    }
    std::mutex mutex;
    std::vector<chat::ChannelMessage> sent;
};

class ChatPanelTest : public testing::Test {
protected:
    void SetUp() override
    {
        chat::ChatHubSettings settings = chat::ChatHubSettings::defaults();
        settings.backendSender = "host";
        settings.sendBurst = 2;
        settings.sendRefill = std::chrono::seconds(30);
        auto created = chat::ChatHub::create(settings, nullptr, &link_);
        ASSERT_TRUE(created.ok()) << created.error().describe();
        hub_ = std::move(*created);
        panel_.resize(320, 240);
        panel_.show();
        panel_.bind(hub_.get());
    }
    void TearDown() override { panel_.unbind(); }

    QListWidget* timeline() { return panel_.findChild<QListWidget*>(QStringLiteral("chatTimeline")); }
    QLineEdit* input() { return panel_.findChild<QLineEdit*>(QStringLiteral("chatInput")); }
    void fromViewer(std::string sender, std::string text)
    {
        std::thread network([this, sender = std::move(sender), text = std::move(text)] {
            hub_->addBackendMessage(chat::ChannelMessage{"general", text, sender});
        });
        network.join();
    }

    RecordingBackendLink link_;
    std::unique_ptr<chat::ChatHub> hub_;
    ChatPanel panel_;
};

TEST_F(ChatPanelTest, MessagesFromTheNetworkThreadAppearAsPlainText)
{
    fromViewer("alice", "<b>hello</b> <img src=x onerror=alert(1)>");
    ASSERT_TRUE(QTest::qWaitFor([&] { return timeline()->count() == 1; }, 3000));
    const QString shown = timeline()->item(0)->text();
    EXPECT_TRUE(shown.contains(QStringLiteral("<b>hello</b> <img src=x onerror=alert(1)>"))) << shown.toStdString();
    EXPECT_TRUE(shown.contains(QStringLiteral("alice")));
    EXPECT_TRUE(shown.contains(QStringLiteral("backend")));
}

TEST_F(ChatPanelTest, TheHostsReplyGoesOutAndShowsItsDelivery)
{
    QTest::keyClicks(input(), QStringLiteral("Welcome everyone"));
    QTest::keyClick(input(), Qt::Key_Return);
    EXPECT_TRUE(input()->text().isEmpty());
    {
        std::lock_guard lock(link_.mutex);
        ASSERT_EQ(link_.sent.size(), 1U);
        EXPECT_EQ(link_.sent[0].content, "Welcome everyone");
    }
    ASSERT_TRUE(QTest::qWaitFor([&] { return timeline()->count() == 1; }, 3000));
    const QString shown = timeline()->item(0)->text();
    EXPECT_TRUE(shown.contains(QStringLiteral("you"))) << shown.toStdString();
    EXPECT_TRUE(shown.contains(QStringLiteral("backend: "))) << shown.toStdString();
}

TEST_F(ChatPanelTest, ARefusedSendSaysWhyAndKeepsTheText)
{
    for (int index = 0; index < 2; ++index) {
        input()->setText(QStringLiteral("message %1").arg(index));
        QTest::keyClick(input(), Qt::Key_Return);
    }
    input()->setText(QStringLiteral("one too many"));
    QTest::keyClick(input(), Qt::Key_Return);
    auto* problem = panel_.findChild<QLabel*>(QStringLiteral("chatProblem"));
    EXPECT_FALSE(problem->isHidden());
    EXPECT_TRUE(problem->text().contains(QStringLiteral("next can go in"))) << problem->text().toStdString();
    EXPECT_EQ(input()->text(), QStringLiteral("one too many"));
}

TEST_F(ChatPanelTest, ScrollingUpStopsTheFollowing)
{
    for (int index = 0; index < 40; ++index) {
        fromViewer("bob", "line " + std::to_string(index));
    }
    ASSERT_TRUE(QTest::qWaitFor([&] { return timeline()->count() == 40; }, 3000));
    QScrollBar* bar = timeline()->verticalScrollBar();
    ASSERT_GT(bar->maximum(), 0);
    EXPECT_GE(bar->value(), bar->maximum() - 4) << "follows the newest";
    bar->setValue(0); // the host reads back
    fromViewer("bob", "a new line");
    ASSERT_TRUE(QTest::qWaitFor([&] { return timeline()->count() == 41; }, 3000));
    EXPECT_EQ(bar->value(), 0) << "the view stays where the host is reading";
}

TEST_F(ChatPanelTest, UnboundTheInputIsClosed)
{
    panel_.unbind();
    EXPECT_FALSE(input()->isEnabled());
    fromViewer("carol", "after the end");
    QTest::qWait(100);
    EXPECT_EQ(timeline()->count(), 0);
}

} // namespace
} // namespace hoststudio::ui
