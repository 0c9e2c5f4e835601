// SPDX-License-Identifier: GPL-2.0-or-later
#include "hoststudio/core/Log.hpp"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <algorithm>
#include <cstdio>
#include <mutex>
#include <vector>

Q_LOGGING_CATEGORY(lcCore, "hoststudio.core")

namespace hoststudio::core {

namespace {

struct ScrubberState {
    std::mutex mutex;
    std::vector<QString> secrets; // guarded by mutex; longest first so overlapping secrets mask whole
};

ScrubberState& scrubberState()
{
    static ScrubberState state;
    return state;
}

struct SinkState {
    std::mutex mutex;
    QFile file;               // guarded by mutex
    bool alsoToStderr = true; // guarded by mutex
    bool installed = false;   // guarded by mutex
};

SinkState& sinkState()
{
    static SinkState state;
    return state;
}

char levelLetter(QtMsgType type)
{
    switch (type) {
    case QtDebugMsg: return 'D';
    case QtInfoMsg: return 'I';
    case QtWarningMsg: return 'W';
    case QtCriticalMsg: return 'E';
    case QtFatalMsg: return 'F';
    }
    return '?';
}

void messageHandler(QtMsgType type, const QMessageLogContext& context, const QString& message)
{
    const QByteArray line = (formatLogLine(type, context.category, message) + QLatin1Char('\n')).toUtf8();
    {
        SinkState& sink = sinkState();
        std::lock_guard lock(sink.mutex);
        if (sink.file.isOpen()) {
            sink.file.write(line);
            sink.file.flush();
        }
        if (sink.alsoToStderr) {
            std::fwrite(line.constData(), 1, static_cast<std::size_t>(line.size()), stderr);
        }
    }
    if (type == QtFatalMsg) {
        std::abort();
    }
}

} // namespace

std::string maskSecret(std::string_view secret)
{
    constexpr std::size_t visibleTail = 4;
    constexpr std::size_t minimumForTail = 12;
    if (secret.size() < minimumForTail) {
        return "••••";
    }
    return "••••" + std::string(secret.substr(secret.size() - visibleTail));
}

void SecretScrubber::registerSecret(std::string_view secret)
{
    constexpr std::size_t minimumLength = 6;
    if (secret.size() < minimumLength) {
        return;
    }
    const QString text = QString::fromUtf8(secret.data(), static_cast<qsizetype>(secret.size()));
    ScrubberState& state = scrubberState();
    std::lock_guard lock(state.mutex);
    if (std::find(state.secrets.begin(), state.secrets.end(), text) != state.secrets.end()) {
        return;
    }
    state.secrets.push_back(text);
    std::sort(state.secrets.begin(), state.secrets.end(),
              [](const QString& left, const QString& right) { return left.size() > right.size(); });
}

void SecretScrubber::forgetAll()
{
    ScrubberState& state = scrubberState();
    std::lock_guard lock(state.mutex);
    state.secrets.clear();
}

QString SecretScrubber::scrub(QString text)
{
    ScrubberState& state = scrubberState();
    std::lock_guard lock(state.mutex);
    for (const QString& secret : state.secrets) {
        if (text.contains(secret)) {
            text.replace(secret, QString::fromStdString(maskSecret(secret.toStdString())));
        }
    }
    return text;
}

QString formatLogLine(QtMsgType type, const char* category, const QString& message)
{
    const QString timestamp = QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
    const QString categoryName = QString::fromUtf8(category != nullptr ? category : "default");
    return SecretScrubber::scrub(
        QStringLiteral("%1 %2 %3: %4").arg(timestamp, QChar::fromLatin1(levelLetter(type)), categoryName, message));
}

Status installLogSink(const QString& filePath, bool alsoToStderr)
{
    SinkState& sink = sinkState();
    std::lock_guard lock(sink.mutex);
    if (sink.file.isOpen()) {
        sink.file.close();
    }
    sink.alsoToStderr = alsoToStderr;
    if (!filePath.isEmpty()) {
        const QFileInfo info(filePath);
        if (!QDir().mkpath(info.absolutePath())) {
            return Error{CoreErrc::fileUnwritable,
                         "cannot create the log directory " + info.absolutePath().toStdString()};
        }
        sink.file.setFileName(filePath);
        if (!sink.file.open(QIODevice::WriteOnly | QIODevice::Append | QIODevice::Text)) {
            return Error{CoreErrc::fileUnwritable, "cannot open the log file " + filePath.toStdString() + ": " +
                                                       sink.file.errorString().toStdString()};
        }
        sink.file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    }
    sink.installed = true;
    qInstallMessageHandler(messageHandler);
    return {};
}

void uninstallLogSink()
{
    qInstallMessageHandler(nullptr);
    SinkState& sink = sinkState();
    std::lock_guard lock(sink.mutex);
    sink.file.close();
    sink.installed = false;
}

} // namespace hoststudio::core
