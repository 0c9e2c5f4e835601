// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/app/CommandLine.hpp"
#include "hoststudio/app/Application.hpp"

#include <QFile>
#include <QTemporaryDir>
#include <QTextStream>

#include <gtest/gtest.h>

#include <vector>

namespace hoststudio::app {
namespace {

struct ParseCase {
    const char* name;
    QStringList arguments;
    Mode mode;
    QString configPath;
    QString verb;
    QStringList verbArguments;
    QString errorFragment;
};

TEST(CommandLine, ParsesTheTable)
{
    const std::vector<ParseCase> rows{
        {"nothing_opens_the_window", {}, Mode::window, {}, {}, {}, {}},
        {"config_for_the_window", {"--config", "/x/s.ini"}, Mode::window, "/x/s.ini", {}, {}, {}},
        {"config_equals", {"--config=/x/s.ini"}, Mode::window, "/x/s.ini", {}, {}, {}},
        {"version", {"--version"}, Mode::version, {}, {}, {}, {}},
        {"short_version", {"-v"}, Mode::version, {}, {}, {}, {}},
        {"help_wins", {"--version", "--help"}, Mode::help, {}, {}, {}, {}},
        {"headless_alone_is_status", {"--headless"}, Mode::headless, {}, "status", {}, {}},
        {"verb", {"status"}, Mode::headless, {}, "status", {}, {}},
        {"verb_keeps_its_arguments",
         {"--config", "a.ini", "status", "--json", "x"},
         Mode::headless,
         "a.ini",
         "status",
         {"--json", "x"},
         {}},
        {"unknown_option", {"--frobnicate"}, Mode::invalid, {}, {}, {}, "unknown option '--frobnicate'"},
        {"unknown_verb", {"teleport"}, Mode::invalid, {}, {}, {}, "unknown command 'teleport'"},
        {"config_without_value", {"--config"}, Mode::invalid, {}, {}, {}, "--config needs a file"},
        {"config_empty_value", {"--config="}, Mode::invalid, {}, {}, {}, "--config needs a file"},
    };
    for (const ParseCase& row : rows) {
        const Invocation invocation = parseCommandLine(row.arguments);
        EXPECT_EQ(invocation.mode, row.mode) << row.name;
        if (row.mode == Mode::invalid) {
            EXPECT_TRUE(invocation.error.contains(row.errorFragment))
                << row.name << ": " << invocation.error.toStdString();
            EXPECT_TRUE(invocation.error.contains(QStringLiteral("--help")) ||
                        invocation.error.contains(QStringLiteral("PATH")))
                << row.name << ": an error must say what to do";
            continue;
        }
        EXPECT_EQ(invocation.configPath, row.configPath) << row.name;
        EXPECT_EQ(invocation.verb, row.verb) << row.name;
        EXPECT_EQ(invocation.verbArguments, row.verbArguments) << row.name;
    }
}

TEST(CommandLine, VersionNamesTheLibrariesInUse)
{
    const QString text = versionText();
    EXPECT_TRUE(text.startsWith(QStringLiteral("HostStudio ")));
    EXPECT_TRUE(text.contains(QStringLiteral("\nQt 6.")));
    EXPECT_TRUE(text.contains(QStringLiteral("\nlibavformat ")));
    EXPECT_TRUE(text.contains(QStringLiteral("OpenSSL 3")));
    EXPECT_TRUE(text.contains(QStringLiteral("GPL-2.0-or-later")));
}

TEST(Headless, StatusPrintsOneJsonLineWithTheSettings)
{
    QTemporaryDir directory;
    const QString path = directory.filePath(QStringLiteral("s.ini"));
    {
        QFile file(path);
        ASSERT_TRUE(file.open(QIODevice::WriteOnly));
        file.write("[ingest]\nrtmpUrl=rtmp://127.0.0.1:4444/live\n");
    }
    Invocation invocation = parseCommandLine({QStringLiteral("--config"), path, QStringLiteral("status")});
    QString outText;
    QString errText;
    QTextStream out(&outText);
    QTextStream err(&errText);
    ASSERT_EQ(runHeadless(invocation, out, err), kExitOk) << errText.toStdString();
    EXPECT_TRUE(errText.isEmpty());
    EXPECT_TRUE(outText.startsWith(QStringLiteral("{\"event\":\"status\"")));
    EXPECT_TRUE(outText.contains(QStringLiteral("\"ingest/rtmpUrl\":\"rtmp://127.0.0.1:4444/live\"")));
    EXPECT_EQ(outText.count(QLatin1Char('\n')), 1);
}

TEST(Headless, MissingConfigSaysWhatToDo)
{
    Invocation invocation =
        parseCommandLine({QStringLiteral("--config"), QStringLiteral("/nonexistent/s.ini"), QStringLiteral("status")});
    QString outText;
    QString errText;
    QTextStream out(&outText);
    QTextStream err(&errText);
    EXPECT_EQ(runHeadless(invocation, out, err), kExitFailure);
    EXPECT_TRUE(outText.isEmpty());
    EXPECT_TRUE(errText.contains(QStringLiteral("/nonexistent/s.ini does not exist"))) << errText.toStdString();
    EXPECT_TRUE(errText.contains(QStringLiteral("stack start"))) << errText.toStdString();
}

} // namespace
} // namespace hoststudio::app
