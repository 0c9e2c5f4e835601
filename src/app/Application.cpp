// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/app/Application.hpp"

#include "hoststudio/app/Verb.hpp"
#include "hoststudio/app/WindowSession.hpp"

#include "hoststudio/core/Log.hpp"
#include "hoststudio/core/Settings.hpp"
#include "hoststudio/core/Version.hpp"
#include "hoststudio/session/SessionJournal.hpp"
#include "hoststudio/ui/MainWindow.hpp"
#include "hoststudio/ui/Theme.hpp"

#include <QApplication>
#include <QDir>
#include <QMessageBox>
#include <QStandardPaths>
#include <QTextStream>
#include <QTimer>

#include <cstdio>
#include <optional>

namespace hoststudio::app {

namespace {

void setApplicationIdentity()
{
    QCoreApplication::setOrganizationName(QStringLiteral("HostStudio"));
    QCoreApplication::setApplicationName(QStringLiteral("hoststudio"));
    QCoreApplication::setApplicationVersion(QLatin1String(core::kVersion));
}

// The settings the invocation names, or the host's own.
core::Result<core::Settings> loadSettings(const Invocation& invocation)
{
    if (invocation.configPath.isEmpty()) {
        return core::Settings::forUser();
    }
    return core::Settings::openFile(invocation.configPath);
}

QString settingsErrorText(const core::Error& error)
{
    if (error == core::CoreErrc::settingsFileMissing) {
        return QStringLiteral("The settings file %1 does not exist. Check the path given to --config, or start the "
                              "local stack (scripts/dev stack start) which writes one.")
            .arg(QString::fromStdString(error.detail()));
    }
    if (error == core::CoreErrc::settingsFileMalformed) {
        return QStringLiteral("The settings file %1 is not a valid INI file. Fix the line it complains about, or "
                              "remove the file to start from the defaults.")
            .arg(QString::fromStdString(error.detail()));
    }
    return QStringLiteral("The settings could not be read: %1").arg(QString::fromStdString(error.describe()));
}

QString logFilePath(const core::Settings& settings)
{
    QString directory = settings.text(core::setting::logDirectory);
    if (directory.isEmpty()) {
        directory = QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation) + QStringLiteral("/logs");
    }
    return QDir(directory).filePath(QStringLiteral("hoststudio.log"));
}

int runWindow(int argc, char** argv, const Invocation& invocation)
{
    QApplication application(argc, argv);
    setApplicationIdentity();
    QApplication::setApplicationDisplayName(QLatin1String(core::kApplicationName));
    QApplication::setDesktopFileName(QStringLiteral("hoststudio"));

    core::Result<core::Settings> settings = loadSettings(invocation);
    if (!settings.ok()) {
        const QString message = settingsErrorText(settings.error());
        std::fprintf(stderr, "hoststudio: %s\n", qUtf8Printable(message));
        QMessageBox::critical(nullptr, QStringLiteral("HostStudio"), message);
        return kExitFailure;
    }
    if (const core::Status logging = core::installLogSink(logFilePath(*settings)); !logging.ok()) {
        std::fprintf(stderr, "hoststudio: logging to stderr only: %s\n", logging.error().describe().c_str());
    }
    qCInfo(lcCore).noquote() << "HostStudio" << core::kVersion << "starting with settings" << settings->filePath();

    ui::applyTheme(application, ui::resolveTheme(settings->text(core::setting::uiTheme)));
    const std::jthread tlsPreload = preloadTlsContext(*settings);
    ui::MainWindow window(*settings, makeWindowSessionFactory(*settings));
    window.setHostEventsLister(makeHostEventsLister(*settings));
    window.setNostrKeyCheck(makeNostrKeyCheck(*settings));
    window.setStudioFactory(makeStudioFactory(*settings));
    window.show();
    QTimer::singleShot(0, &window, [&window] { window.offerRecovery(session::SessionJournal::defaultPath()); });
    return QApplication::exec();
}

} // namespace

int runHeadless(const Invocation& invocation, QTextStream& out, QTextStream& err)
{
    // A command's log lines go through the secret scrubber as the window's do (stderr only: one-shot
    // commands write no log file; stdout stays the command's output).
    if (const core::Status logging = core::installLogSink(QString()); !logging.ok()) {
        err << "hoststudio: " << QString::fromStdString(logging.error().describe()) << Qt::endl;
    }
    core::Result<core::Settings> settings = loadSettings(invocation);
    if (!settings.ok()) {
        err << "hoststudio: " << settingsErrorText(settings.error()) << Qt::endl;
        return kExitFailure;
    }
    const Verb* verb = findVerb(invocation.verb);
    if (verb == nullptr) {
        err << "hoststudio: unknown command '" << invocation.verb << "' (see hoststudio --help)" << Qt::endl;
        return kExitUsage;
    }
    VerbContext context{invocation, *settings, out, err};
    return verb->run(context);
}

int runApplication(int argc, char** argv)
{
    QStringList arguments;
    for (int index = 1; index < argc; ++index) {
        arguments.append(QString::fromLocal8Bit(argv[index]));
    }
    const Invocation invocation = parseCommandLine(arguments);
    QTextStream out(stdout);
    QTextStream err(stderr);
    switch (invocation.mode) {
    case Mode::help: out << usageText(); return kExitOk;
    case Mode::version: out << versionText(); return kExitOk;
    case Mode::invalid: err << "hoststudio: " << invocation.error << Qt::endl; return kExitUsage;
    case Mode::headless: {
        QCoreApplication application(argc, argv);
        setApplicationIdentity();
        return runHeadless(invocation, out, err);
    }
    case Mode::window: return runWindow(argc, argv, invocation);
    }
    return kExitFailure;
}

} // namespace hoststudio::app
