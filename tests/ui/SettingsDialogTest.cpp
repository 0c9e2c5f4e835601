// SPDX-License-Identifier: GPL-2.0-or-later
// The Settings dialog: values loaded and saved, every bad field refused with what to enter and
// nothing written, the API secret into the secret store (the private file here), the Nostr key
// generated / imported / revealed only on request, and the window's relay badges following a save.
#include "hoststudio/ui/SettingsDialog.hpp"
#include "hoststudio/core/SecretStore.hpp"
#include "hoststudio/core/Settings.hpp"
#include "hoststudio/nostr/Keys.hpp"
#include "hoststudio/ui/MainWindow.hpp"
#include "hoststudio/ui/StatusBadge.hpp"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QToolButton>

#include <gtest/gtest.h>

namespace hoststudio::ui {
namespace {

class SettingsDialogTest : public testing::Test {
protected:
    void SetUp() override
    {
        previousConfigHome_ = qgetenv("XDG_CONFIG_HOME");
        qputenv("XDG_CONFIG_HOME", directory_.filePath(QStringLiteral("config")).toLocal8Bit());
        settings_ = std::make_unique<core::Settings>(
            core::Settings::atPath(directory_.filePath(QStringLiteral("hoststudio.ini"))));
        ASSERT_TRUE(settings_->set(core::setting::secretsBackend, QStringLiteral("file")).ok());
        ASSERT_TRUE(settings_->set(core::setting::ingestRtmpUrl, QStringLiteral("rtmp://127.0.0.1:1935/live")).ok());
        ASSERT_TRUE(
            settings_->set(core::setting::nostrRelays, QStringList{QStringLiteral("ws://127.0.0.1:7447")}).ok());
        ASSERT_TRUE(settings_->sync().ok());
        dialog_ = std::make_unique<SettingsDialog>(*settings_);
        dialog_->show();
    }
    void TearDown() override
    {
        dialog_.reset();
        qputenv("XDG_CONFIG_HOME", previousConfigHome_);
    }

    template <typename T> T* child(const char* objectName)
    {
        T* found = dialog_->findChild<T*>(QLatin1String(objectName));
        EXPECT_NE(found, nullptr) << "no " << objectName;
        return found;
    }
    void click(const char* objectName) { QTest::mouseClick(child<QAbstractButton>(objectName), Qt::LeftButton); }
    static void answerNextMessageBox(QMessageBox::StandardButton which)
    {
        QTimer::singleShot(0, [which] {
            auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
            ASSERT_NE(box, nullptr) << "no message box is shown";
            box->button(which)->click();
        });
    }
    [[nodiscard]] std::optional<std::string> stored(std::string_view name) const
    {
        auto store = core::SecretStore::open(core::SecretStoreOptions::fromSettings(*settings_));
        EXPECT_TRUE(store.ok());
        auto value = store->read(name);
        EXPECT_TRUE(value.ok());
        return value.ok() ? *value : std::nullopt;
    }
    // The settings as a fresh reader of the file sees them.
    [[nodiscard]] core::Settings reread() const
    {
        return core::Settings::atPath(directory_.filePath(QStringLiteral("hoststudio.ini")));
    }

    QTemporaryDir directory_;
    QByteArray previousConfigHome_;
    std::unique_ptr<core::Settings> settings_;
    std::unique_ptr<SettingsDialog> dialog_;
};

TEST_F(SettingsDialogTest, ShowsTheSettingsAndWhereSecretsAreKept)
{
    EXPECT_EQ(child<QLineEdit>("rtmpUrlEdit")->text(), QStringLiteral("rtmp://127.0.0.1:1935/live"));
    ASSERT_EQ(child<QListWidget>("relaysList")->count(), 1);
    EXPECT_EQ(child<QListWidget>("relaysList")->item(0)->text(), QStringLiteral("ws://127.0.0.1:7447"));
    EXPECT_TRUE(child<QLabel>("secretStoreLabel")->text().contains(QStringLiteral("private file")))
        << child<QLabel>("secretStoreLabel")->text().toStdString();
    EXPECT_TRUE(child<QCheckBox>("confirmEndCheck")->isChecked());
    EXPECT_FALSE(!child<QLineEdit>("nsecField")->isHidden());
    if (const QByteArray directory = qgetenv("HOSTSTUDIO_SCREENSHOT_DIR"); !directory.isEmpty()) {
        QDir().mkpath(QString::fromLocal8Bit(directory));
        EXPECT_TRUE(
            dialog_->grab().save(QDir(QString::fromLocal8Bit(directory)).filePath(QStringLiteral("settings.png"))));
    }
}

TEST_F(SettingsDialogTest, RelaysAreCheckedBeforeTheyAreAdded)
{
    auto* input = child<QLineEdit>("relayInput");
    input->setText(QStringLiteral("https://relay.example"));
    click("addRelayButton");
    EXPECT_EQ(child<QListWidget>("relaysList")->count(), 1);
    EXPECT_TRUE(child<QLabel>("relayError")->text().contains(QStringLiteral("ws:// or wss://")))
        << child<QLabel>("relayError")->text().toStdString();
    input->setText(QStringLiteral("wss://relay.example"));
    click("addRelayButton");
    ASSERT_EQ(child<QListWidget>("relaysList")->count(), 2);
    input->setText(QStringLiteral("wss://relay.example"));
    click("addRelayButton");
    EXPECT_EQ(child<QListWidget>("relaysList")->count(), 2) << "a duplicate is not added";
    ASSERT_TRUE(dialog_->save());
    EXPECT_EQ(reread().textList(core::setting::nostrRelays),
              (QStringList{QStringLiteral("ws://127.0.0.1:7447"), QStringLiteral("wss://relay.example")}));
}

TEST_F(SettingsDialogTest, ABadFieldIsNamedAndNothingIsWritten)
{
    child<QListWidget>("relaysList")->setCurrentRow(0);
    click("removeRelayButton");
    child<QLineEdit>("chatUrlEdit")->setText(QStringLiteral("http://127.0.0.1:3999"));
    EXPECT_FALSE(dialog_->save());
    EXPECT_TRUE(child<QLabel>("saveError")->text().contains(QStringLiteral("add at least one relay")));
    child<QLineEdit>("relayInput")->setText(QStringLiteral("ws://127.0.0.1:7447"));
    click("addRelayButton");
    child<QLineEdit>("rtmpUrlEdit")->setText(QStringLiteral("http://not-rtmp.example/live"));
    EXPECT_FALSE(dialog_->save());
    EXPECT_TRUE(child<QLabel>("saveError")->text().contains(QStringLiteral("RTMP server")));
    EXPECT_NE(reread().text(core::setting::chatUrl), QStringLiteral("http://127.0.0.1:3999")) << "nothing was written";
    child<QComboBox>("providerCombo")->setCurrentIndex(1); // Cloudinary
    child<QLineEdit>("rtmpUrlEdit")->clear();
    EXPECT_FALSE(dialog_->save());
    EXPECT_TRUE(child<QLabel>("saveError")->text().contains(QStringLiteral("cloud name and the API key")));
}

TEST_F(SettingsDialogTest, TheApiSecretGoesToTheSecretStoreNotTheSettings)
{
    child<QComboBox>("providerCombo")->setCurrentIndex(1); // Cloudinary
    child<QLineEdit>("cloudNameEdit")->setText(QStringLiteral("demo"));
    child<QLineEdit>("apiKeyEdit")->setText(QStringLiteral("123456789012345"));
    child<QLineEdit>("apiSecretEdit")->setText(QStringLiteral("a-very-secret-api-secret"));
    ASSERT_TRUE(dialog_->save()) << child<QLabel>("saveError")->text().toStdString();
    EXPECT_EQ(stored(core::secretName::cloudinaryApiSecret), std::optional<std::string>("a-very-secret-api-secret"));
    EXPECT_TRUE(child<QLineEdit>("apiSecretEdit")->text().isEmpty());
    EXPECT_EQ(reread().text(core::setting::ingestProvider), QStringLiteral("cloudinary"));
    QFile file(directory_.filePath(QStringLiteral("hoststudio.ini")));
    ASSERT_TRUE(file.open(QIODevice::ReadOnly));
    EXPECT_FALSE(file.readAll().contains("a-very-secret-api-secret"));
}

TEST_F(SettingsDialogTest, AGeneratedKeyIsStoredAndItsNsecShownOnlyWhenRevealed)
{
    EXPECT_TRUE(child<QLineEdit>("npubField")->text().isEmpty());
    click("generateKeyButton");
    const QString npub = child<QLineEdit>("npubField")->text();
    ASSERT_TRUE(npub.startsWith(QStringLiteral("npub1"))) << npub.toStdString();
    const auto nsec = stored(core::secretName::nostrNsec);
    ASSERT_TRUE(nsec.has_value());
    EXPECT_EQ(nostr::SecretKey::fromNsec(*nsec).value().publicKey().value().toNpub(), npub.toStdString());
    EXPECT_FALSE(!child<QLineEdit>("nsecField")->isHidden());

    answerNextMessageBox(QMessageBox::Cancel);
    click("revealNsecButton");
    EXPECT_FALSE(!child<QLineEdit>("nsecField")->isHidden()) << "Cancel reveals nothing";
    answerNextMessageBox(QMessageBox::Yes);
    click("revealNsecButton");
    EXPECT_TRUE(!child<QLineEdit>("nsecField")->isHidden());
    EXPECT_EQ(child<QLineEdit>("nsecField")->text().toStdString(), *nsec);
}

TEST_F(SettingsDialogTest, AnImportedKeyReplacesTheStoredOneOnlyAfterAsking)
{
    click("generateKeyButton");
    const QString first = child<QLineEdit>("npubField")->text();
    child<QLineEdit>("importNsecEdit")->setText(QStringLiteral("nsec1notakey"));
    click("importKeyButton");
    EXPECT_TRUE(child<QLabel>("keyMessage")->text().contains(QStringLiteral("not a valid nsec")));
    EXPECT_TRUE(child<QLineEdit>("importNsecEdit")->text().isEmpty()) << "the typed secret is not kept";

    auto other = nostr::SecretKey::generate().value();
    const std::string otherNsec(other.toNsec().view());
    child<QLineEdit>("importNsecEdit")->setText(QString::fromStdString(otherNsec));
    answerNextMessageBox(QMessageBox::Cancel);
    click("importKeyButton");
    EXPECT_EQ(child<QLineEdit>("npubField")->text(), first) << "Cancel keeps the stored key";
    child<QLineEdit>("importNsecEdit")->setText(QString::fromStdString(otherNsec));
    answerNextMessageBox(QMessageBox::Yes);
    click("importKeyButton");
    EXPECT_EQ(child<QLineEdit>("npubField")->text().toStdString(), other.publicKey().value().toNpub());
    EXPECT_EQ(stored(core::secretName::nostrNsec), std::optional<std::string>(otherNsec));
}

TEST_F(SettingsDialogTest, TheWindowFollowsASave)
{
    dialog_.reset();
    MainWindow window(*settings_);
    window.show();
    ASSERT_NE(window.findChild<StatusBadge*>(QStringLiteral("relayBadge0")), nullptr);
    EXPECT_EQ(window.findChild<StatusBadge*>(QStringLiteral("relayBadge1")), nullptr);
    QTimer::singleShot(0, [] {
        auto* dialog = qobject_cast<SettingsDialog*>(QApplication::activeModalWidget());
        ASSERT_NE(dialog, nullptr) << "the Settings dialog is not shown";
        dialog->findChild<QLineEdit*>(QStringLiteral("relayInput"))->setText(QStringLiteral("wss://second.example"));
        dialog->findChild<QPushButton*>(QStringLiteral("addRelayButton"))->click();
        dialog->findChild<QDialogButtonBox*>(QStringLiteral("buttons"))->button(QDialogButtonBox::Save)->click();
    });
    QTest::mouseClick(window.findChild<QToolButton*>(QStringLiteral("settingsButton")), Qt::LeftButton);
    auto* second = window.findChild<StatusBadge*>(QStringLiteral("relayBadge1"));
    ASSERT_NE(second, nullptr);
    EXPECT_EQ(second->toolTip(), QStringLiteral("wss://second.example"));
}

} // namespace
} // namespace hoststudio::ui
